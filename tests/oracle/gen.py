#!/usr/bin/env python3
"""A deterministic scenario generator for the oracle test.

From a seed and a profile it yields mcg command lines (without the global
options), one at a time.  It reads the oracle's state (never mcg's) to aim
its commands, so the scenario depends on the seed alone.  It exercises every
event of DOMAIN.md section 5, with amounts chosen so that rounding and ties
happen (odd cents, equal pledges, equal remainders), guarantees that pass
and that fail each rule, and refusals of every kind.
"""

import datetime
import os
import random
import tempfile

from oracle import default_rules, fmt_amount, pct, rules_xml

# Member ids whose byte order differs from a case-blind order: digits, then
# upper case, then '_', then lower case; '-' and '.' before digits.
MEMBER_POOL = ['A', 'B', 'C', 'D', 'E', 'a', 'b', 'c', 'B2', 'b2', 'A.1', 'A-1',
               'Z', 'z', '0k', '9x', 'M_1', 'm_1', 'Q', 'q.q', 'F', 'G', 'H', 'ab',
               'AB', 'x-9', 'Y', 'y']
BANKS = ['BANKITMM', 'UNCRITMMXXX', 'BPMOIT22XXX']

# `member add` with a sector that is not a NACE code (oracle.NACE_RE:
# empty, lower case, spaces, another separator, a letter after U, too many
# or too few digits, a word) or a district that is not text
# (oracle.text_ok: empty, control characters, 201 bytes, 201 bytes of
# 101 characters, not UTF-8: a lone surrogate is sent as the byte it
# escapes, here a lead byte at the end, Latin-1, an overlong '/' and a
# surrogate in UTF-8): every one exit 2, nothing written
BAD_SECTORS = ['', 'c23.31', 'C23.311', 'C23.31.1', 'C23.', 'C2.31', 'C233.1', 'Z23.31', 'CC23.31',
               'C 23.31', ' C23.31', 'C23.31 ', 'C23,31', 'C-23.31', 'Ceramics', 'C23.3x', 'C23.31\n',
               '.31', 'C\udcc923.31']
BAD_DISTRICTS = ['', 'Sas\tsuolo', 'Prato\n', 'Biella\x7f', '\x1b[31mCarpi', 'Lumezzane\r', 'x' * 201,
                 '\u00e9' * 100 + 'x', 'Cant\udce0', '\udcc9mile', 'Bi\udcc0\udcafella', '\udced\udca0\udc80']


class Extra(list):
    """A command the generator adds without counting it as a step (the
    scenario's draws, and so the rest of it, stay as they were)."""

PROFILES = {
    # the defaults of DOMAIN.md section 7
    'default': {'rules': None, 'fund': (30000, 90000), 'currency': 'EUR'},
    # other figures for every rule, to see that the rules are data
    'custom': {'rules': dict(coverage_max=7000, capital_min=30050, peer_quorum=2,
                             peer_score_min_x10=55, peer_max_age_days=30, deposit_min=500,
                             multiplier_max_x100=750, single_name_max=4000,
                             pledge_leverage_max_x100=250, fee=125, fund_contribution=33,
                             default_dpd=60),
               'fund': (20000, 60000), 'currency': 'EUR'},
    # a small fund that loans may exhaust: deficits, and guarantees refused
    # by multiplier_max and single_name_max once the fund is negative
    'thin': {'rules': dict(single_name_max=10000, multiplier_max_x100=400),
             'fund': (3000, 9000), 'currency': 'EUR'},
    # the fixed scenario of class Edges, default rules
    'edges': {'rules': None, 'fund': (0, 0), 'currency': 'EUR'},
    # a currency without minor digits
    'jpy': {'rules': None, 'fund': (3000000, 9000000), 'currency': 'JPY'},
    # the fixed scenario of class Texts: members' sectors and districts
    'text': {'rules': None, 'fund': (0, 0), 'currency': 'EUR'},
    # the fixed scenario of class Ratios: the documents' ratios exactly
    # half way between two hundredths (one assessment is a quorum)
    'ratios': {'rules': dict(peer_quorum=1), 'fund': (0, 0), 'currency': 'EUR'},
}


def profile_rules(profile, digits):
    r = default_rules(digits)
    over = PROFILES[profile]['rules'] or {}
    r.update(over)
    if profile == 'jpy':
        r['capital_min'] = 250
    return r


class Gen:
    def __init__(self, seed, profile, led, steps):
        self.r = random.Random('%s/%s' % (seed, profile))
        self.seed = seed
        self.profile = profile
        self.led = led
        self.steps = steps
        self.digits = led.digits
        self.U = 10 ** self.digits      # one unit of currency in minor units
        self.date = led.s['last_date']
        self.n = 0
        self.with_ref = []              # accepted-or-not commands that carried a ref
        self.next_member = 0
        self.started = False
        # the multi-row imports and the rules change draw from their own
        # generator, so that the rest of a scenario draws as it did
        self.r2 = random.Random('%s/%s/extra' % (seed, profile))
        self.workdir = tempfile.gettempdir()   # where files are written (run.py sets it)
        self.batches = 0
        # the sectors and districts that must be refused: a generator of
        # their own too
        self.r3 = random.Random('%s/%s/text' % (seed, profile))

    # -- helpers
    def scale(self, units):
        """`units` whole units of EUR-sized money, in minor units; for JPY
        amounts are 100 x larger in units (1 EUR cent ~ 1 yen)."""
        return units * 100 if self.digits == 0 else units * self.U

    def money(self, lo, hi, odd=True):
        """A random amount between lo and hi units (EUR scale), with odd
        cents most of the time."""
        r = self.r
        v = r.randint(self.scale(lo), self.scale(hi))
        if not odd and self.digits:
            v -= v % self.U
        return v

    def amt(self, v):
        """Writes v, sometimes in a short form (1500, 1500.5)."""
        s = fmt_amount(v, self.digits)
        if self.digits == 2 and v >= 0 and self.r.random() < 0.3:
            if s.endswith('.00'):
                s = s[:-3]
            elif s.endswith('0'):
                s = s[:-1]
        return s

    def advance(self):
        x = self.r.random()
        if x < 0.65:
            return
        if x < 0.98:
            self.date += datetime.timedelta(days=self.r.randint(1, 3))
        else:
            self.date += datetime.timedelta(days=self.r.randint(20, 100))

    def finish(self, argv, ref_p=0.15):
        argv = list(argv) + ['--date', self.date.isoformat()]
        if self.r.random() < ref_p:
            self.n += 1
            ref = 'r%s-%s-%d' % (self.seed, self.profile, self.n)
            argv += ['--ref', ref]
            self.with_ref.append(argv)
        return argv

    # -- what the state offers
    def members(self, status=None):
        ms = self.led.s['members']
        return sorted(m for m in ms if status is None or ms[m]['status'] == status)

    def loans(self, *statuses):
        return sorted(l for l, v in self.led.s['loans'].items() if v['status'] in statuses)

    def pick(self, seq):
        return self.r.choice(seq) if seq else None

    # -- the scenario
    def __iter__(self):
        r = self.r
        led = self.led
        # setup: banks, members, capital, a fund
        for b in BANKS[:2]:
            yield self.finish(['bank', 'add', b, '--name', 'Bank ' + b])
        for _ in range(8):
            yield from self.add_member()
        for m in self.members('active'):
            yield from self.capital(m)
        lo, hi = PROFILES[self.profile]['fund']
        for _ in range(3):
            yield self.finish(['contribute', self.pick(self.members('active')),
                               self.amt(self.money(lo // 3, hi // 3)), '--kind', 'fund'])
        self.started = True
        actions = [
            (self.add_member, 3), (self.capital_any, 4), (self.fund_any, 3), (self.loan_add, 10),
            (self.assess, 20), (self.guarantee, 14), (self.repay, 10), (self.arrears, 8),
            (self.call, 7), (self.settle, 7), (self.recover, 8), (self.writeoff, 3),
            (self.withdraw, 4), (self.replay, 3), (self.bad_syntax, 2), (self.wrong_state, 3),
        ]
        if self.profile == 'thin':
            # losses that exhaust the fund: fewer fund contributions, more
            # defaults and calls
            boost = {self.fund_any: 0.5, self.arrears: 14, self.call: 12, self.guarantee: 18}
            actions = [(a, boost.get(a, w)) for a, w in actions]
        fns = [a for a, _ in actions]
        weights = [w for _, w in actions]
        count = 0
        new_rules_at = self.steps // 2
        batch_at = 17
        while count < self.steps:
            self.advance()
            if count >= new_rules_at:
                new_rules_at = self.steps * 10
                count += 1
                yield self.new_rules()
            if count >= batch_at:
                items = list(self.batch())      # (the second is the same file again)
                batch_at += 30 if items else 3
                for item in items:
                    count += 1
                    yield item
                continue
            fn = r.choices(fns, weights)[0]
            for argv in fn():
                count += not isinstance(argv, Extra)
                yield argv
        # wind down: every called loan recovered (in parts) and written off,
        # dues settled, members leave
        for l in self.loans('called'):
            yield from self.recover(l)
            yield self.finish(['writeoff', l])
        for m in self.members():
            d = led.bal('due:' + m)
            if d:
                yield self.finish(['settle', m, self.amt(abs(d))])
        for m in self.members('active')[:4]:
            yield self.finish(['member', 'withdraw', m])

    def new_rules(self):
        """`rules load` of a second version (DOMAIN.md section 7: loading
        a rules file is an event; later guarantees are decided on it):
        other prices, a tighter coverage, another master scale and lgd,
        an earlier default."""
        r = dict(self.led.rules)
        r['coverage_max'] -= 500
        r['fee'] += 25
        r['fund_contribution'] += 25
        r['lgd'] -= 500
        r['default_dpd'] -= 15
        r['master_scale'] = {g: min(10000, pd * 3 // 2) for g, pd in r['master_scale'].items()}
        path = os.path.join(self.workdir, 'rules2-%s-%s.xml' % (self.seed, self.profile))
        with open(path, 'w') as f:
            f.write(rules_xml(r, self.digits))
        return self.finish(['rules', 'load', path], ref_p=0)

    def batch(self):
        """A multi-row `mcg import` (CLI.md: one transaction, all or
        nothing): two to four bank events on the same date, each with a
        ref of its own; one time in three a row that must fail (a
        repayment beyond what is owed, or one made impossible by an
        earlier row of the same file), which leaves the ledger as it was.
        A file that went through is sometimes imported again: every row
        is then a replay, nothing changes."""
        r = self.r2
        led = self.led
        self.batches += 1
        rows = []
        sim = {}        # loan -> outstanding after the rows so far (repays only)
        used = set()
        for i in range(r.randint(2, 4)):
            cand = []
            for lid in self.loans('active'):
                if lid not in used:
                    cand.append(('repay', lid))
                    cand.append(('arrears', lid))
            cand += [('call', l) for l in self.loans('defaulted') if l not in used]
            cand += [('recover', l) for l in self.loans('called') if l not in used]
            if not cand:
                break
            kind, lid = r.choice(cand)
            used.add(lid)
            loan = led.s['loans'][lid]
            if kind == 'repay':
                out = loan['outstanding']
                p = out if r.random() < 0.3 else r.randint(1, max(1, out // 4))
                sim[lid] = out - p
                row = ['repay', lid, '--principal', self.amt(p)]
                if r.random() < 0.5:
                    row += ['--interest', self.amt(r.randint(0, self.scale(50)))]
            elif kind == 'arrears':
                dpd = led.rules['default_dpd']
                row = ['arrears', lid, '--dpd', str(r.choice([10, dpd - 1, dpd, dpd + 30]))]
            elif kind == 'call':
                ga = loan['ga_frozen']
                row = ['call', lid, '--amount', self.amt(r.choice([ga, max(1, ga // 2), max(1, ga - 1)]))]
            else:
                owed = sum(max(0, w) for _, w in led.still_owed(loan))
                if owed <= 0:
                    continue
                row = ['recover', lid, '--amount', self.amt(r.randint(1, owed))]
            rows.append(row)
        if not rows:
            return
        if r.random() < 0.33:
            repays = [row for row in rows if row[0] == 'repay']
            if repays and r.random() < 0.5:
                # the same loan again: more than the earlier row left owed
                lid = repays[0][1]
                rows.append(['repay', lid, '--principal', self.amt(sim[lid] + 1)])
            else:
                pos = r.randrange(len(rows) + 1)
                lid = self.pick(self.loans('active')) or rows[0][1]
                out = led.s['loans'][lid]['outstanding'] if lid in led.s['loans'] else 0
                rows.insert(pos, ['repay', lid, '--principal', self.amt(out + 1)])
        out = []
        for i, row in enumerate(rows):
            out.append(row + ['--date', self.date.isoformat(), '--ref',
                              'b%s-%s-%d-%d' % (self.seed, self.profile, self.batches, i + 1)])
        yield ('import', out)
        if r.random() < 0.3:
            yield ('import', out)

    def add_member(self):
        r = self.r
        if r.random() < 0.08 and self.members():
            m = self.pick(self.members())          # an id already used: exit 2
        elif self.next_member < len(MEMBER_POOL):
            m = MEMBER_POOL[self.next_member]
            self.next_member += 1
        else:
            m = 'N%d' % self.next_member
            self.next_member += 1
        if m not in self.led.s['members'] and self.r3.random() < 0.5:
            yield self.bad_text(m)
        # sector and district from the id (no draw of the generator, so
        # the scenarios stay as they were): some without either, for the
        # regulatory report's buckets without a key
        argv = ['member', 'add', m, '--name', 'Firm ' + m]
        h = sum(map(ord, m))
        sector = ['C23.31', 'C13.20', 'C23.31', 'F41.20', None][h % 5]
        district = ['Prato', None, 'Sassuolo', 'Biella'][h % 4]
        if sector:
            argv += ['--sector', sector]
        if district:
            argv += ['--district', district]
        yield self.finish(argv)
        if self.started and self.led.active(m):
            yield from self.capital(m)

    def bad_text(self, m):
        """The new member `m` first with a sector or a district that must
        be refused (exit 2, nothing written; run.py checks both), the other
        one valid or not given.  Drawn from self.r3 and not a step."""
        r = self.r3
        argv = ['member', 'add', m, '--name', 'Firm ' + m]
        if r.random() < 0.5:
            argv += ['--sector', r.choice(BAD_SECTORS)] + r.choice([[], ['--district', 'Prato']])
        else:
            argv += r.choice([[], ['--sector', 'C23.31']]) + ['--district', r.choice(BAD_DISTRICTS)]
        return Extra(argv + ['--date', self.date.isoformat()])

    def capital(self, m):
        r = self.r
        cmin = self.led.rules['capital_min']
        x = r.random()
        if x < 0.1:
            return                                   # no capital at all
        elif x < 0.2:
            v = cmin - 1                            # one cent short
        elif x < 0.3:
            v = cmin
        else:
            v = self.money(300, 2500)
        yield self.finish(['contribute', m, self.amt(v), '--kind', 'capital'])

    def capital_any(self):
        r = self.r
        m = self.pick(self.members() if r.random() < 0.15 else self.members('active'))
        if m is None:
            return
        if r.random() < 0.08:
            yield self.finish(['contribute', m, self.amt(0), '--kind', 'capital'])
            return
        yield from self.capital(m)

    def fund_any(self):
        lo, hi = PROFILES[self.profile]['fund']
        m = self.pick(self.members('active'))
        if m:
            yield self.finish(['contribute', m, self.amt(self.money(lo // 4, hi // 4)), '--kind', 'fund'])

    def loan_add(self):
        r = self.r
        led = self.led
        lid = 'L%d' % (len(led.s['loans']) + 1)
        if r.random() < 0.05 and led.s['loans']:
            lid = self.pick(sorted(led.s['loans']))  # an id already used
        cmin = led.rules['capital_min']
        rich = [m for m in self.members('active') if led.capital(m) >= cmin]
        b = self.pick(self.members() if r.random() < 0.1 else rich if rich and r.random() < 0.8 else self.members('active'))
        if b is None:
            return
        bank = self.pick(sorted(led.s['banks']))
        if r.random() < 0.04:
            bank = 'NOBKITMM'
        lo, hi = (500, 12000) if self.profile == 'thin' else (1000, 30000)
        p = self.money(lo, hi, odd=r.random() < 0.7)
        if r.random() < 0.04:
            p = 0
        argv = ['loan', 'add', lid, '--borrower', b, '--bank', bank, '--principal', self.amt(p)]
        if r.random() < 0.5:
            argv += ['--rate', r.choice(['4.5', '3.25', '0', '7'])]
        if r.random() < 0.3:
            argv += ['--term-months', str(r.choice([12, 36, 60, 600]))]
        yield self.finish(argv)

    def assess(self):
        r = self.r
        led = self.led
        applied = self.loans('applied')
        if not applied:
            yield from self.loan_add()
            return
        need = [l for l in applied if len(led.eligible(l, self.date)) < led.rules['peer_quorum'] + 1]
        lid = self.pick(need[:2]) if need and r.random() < 0.8 else self.pick(applied)
        borrower = led.s['loans'][lid]['borrower']
        x = r.random()
        if x < 0.08:
            a = borrower                             # accepted, never counts
        elif x < 0.12:
            a = self.pick(self.members('withdrawn')) or borrower   # exit 2
        else:
            cand = [m for m in self.members('active') if m != borrower]
            done = {x[2] for x in led.s['assessments'][lid]}
            fresh = [m for m in cand if m not in done]
            a = self.pick(fresh if fresh and r.random() < 0.8 else cand) or borrower
        sc = r.choices([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 1, 2, 4, 8, 9, 8, 6, 3, 2])[0]
        if r.random() < 0.03:
            sc = r.choice([0, 11])
        yield self.finish(['assess', lid, '--assessor', a, '--score', str(sc)])

    def guarantee(self):
        r = self.r
        led = self.led
        rules = led.rules
        applied = self.loans('applied')
        if not applied:
            return
        ready = [l for l in applied if len(led.eligible(l, self.date)) >= rules['peer_quorum']]
        if not ready and r.random() < 0.7:
            yield from self.assess()
            return
        good = r.random() < 0.7          # aim for a guarantee that passes
        lid = self.pick(ready) if ready and r.random() < 0.85 else self.pick(applied)
        loan = led.s['loans'][lid]
        borrower = loan['borrower']
        # sometimes move to an age boundary of one of its assessments
        asm = led.s['assessments'][lid]
        if asm and r.random() < 0.1:
            d0 = self.pick(asm)[0]
            for extra in r.sample([0, 1], 2):
                t = d0 + datetime.timedelta(days=rules['peer_max_age_days'] + extra)
                if t >= self.date:
                    self.date = t
                    break
        covs = ['50', '62.5', '33.33', '80', '75.55', '12.34', '66.67', '40', '70', '69.99', '25.01']
        cov = r.choice(covs)
        x = r.random() if not good else 1
        if x < 0.04:
            cov = '0'                                # rule coverage_max (exit 3)
        elif x < 0.08:
            cov = r.choice(['80.01', '70.01', '100'])
        elif x < 0.10:
            cov = r.choice(['100.5', '62.555', '-5'])  # bad input
        argv = ['guarantee', lid, '--coverage', cov]
        covbp = int(round(float(cov) * 100)) if cov.replace('.', '').isdigit() else 5000
        ga0 = pct(loan['principal'], covbp)
        edge = self.edge_cap(borrower, ga0) if r.random() < 0.15 else None
        if edge is not None:
            # exactly at the largest GA that single_name_max and
            # multiplier_max allow, or one cent over it
            cap = edge + r.choice([0, 0, 1])
            argv += ['--cap', self.amt(cap)]
            ga0 = cap
        elif r.random() < 0.2 and ga0 > 2:
            cap = r.randint(1, ga0 - 1)
            argv += ['--cap', self.amt(cap)]
            ga0 = cap
        dmin = pct(ga0, rules['deposit_min'])
        x = r.random()
        if x < 0.3 or (self.profile == 'thin' and x < 0.7):
            dep = None
        elif x < 0.4:
            dep = dmin
        elif x < 0.45 and dmin > 0 and not good:
            dep = dmin - 1                           # rule deposit_min
        else:
            dep = dmin + self.money(0, max(1, ga0 // self.U // 4 if self.digits else ga0 // 400))
        if dep is None and dmin > 0 and r.random() < 0.7:
            dep = dmin
        if dep is not None:
            argv += ['--deposit', self.amt(dep)]
        # co-guarantors
        others = [m for m in self.members('active') if m != borrower]
        if good:
            others = [m for m in others if led.capital(m) >= rules['capital_min']]
        k = r.choices([0, 1, 2, 3, 4], [8, 3, 2, 1, 1] if self.profile == 'thin' else [2, 3, 3, 3, 2])[0]
        k = min(k, len(others))
        cos = r.sample(others, k)
        if cos and r.random() < 0.06 and not good:
            w = self.pick(self.members('withdrawn'))
            if w and w != borrower:
                cos[0] = w                           # rule capital_min
        mode = r.random()
        lev = rules['pledge_leverage_max_x100']
        amounts = []
        if mode < 0.35:
            same = r.choice([self.scale(1000), self.scale(333) + (33 if self.digits else 0),
                             self.money(100, 3000)])
            amounts = [same] * len(cos)
        else:
            amounts = [self.money(50, 4000) for _ in cos]
        if good:
            for i, m in enumerate(cos):
                used = sum(l['pledges'].get(m, 0) for l in led.s['loans'].values()
                           if l['status'] in ('active', 'defaulted'))
                room = lev * led.capital(m) // 100 - used
                if amounts[i] > room:
                    amounts[i] = max(1, room)
        if cos and r.random() < 0.1:
            # exactly at, or one cent over, the co-guarantor's leverage limit
            m = cos[0]
            used = sum(l['pledges'].get(m, 0) for l in led.s['loans'].values()
                       if l['status'] in ('active', 'defaulted'))
            room = lev * led.capital(m) // 100 - used
            if room > 1:
                amounts[0] = room + r.choice([0, 1])
        pl = ['%s:%s' % (m, self.amt(a)) for m, a in zip(cos, amounts)]
        x = r.random() if not good else 1
        if x < 0.03:
            pl.append('%s:%s' % (borrower, self.amt(self.scale(100))))   # exit 2
        elif x < 0.05 and cos:
            pl.append(pl[0])                                               # exit 2
        elif x < 0.06:
            pl.append('NOSUCH:%s' % self.amt(self.scale(100)))            # exit 2
        elif x < 0.07 and cos:
            pl[0] = '%s:0' % cos[0]                                        # exit 2
        for p in pl:
            argv += ['--pledge', p]
        yield self.finish(argv)

    def edge_cap(self, borrower, ga_max):
        """The largest GA0 <= ga_max that single_name_max and
        multiplier_max allow for `borrower` (rules judged after the event,
        the fund contribution included), or None."""
        led = self.led
        rules = led.rules
        fund = led.fund()
        total = led.total_ga()
        name = sum(led.ga(l) for l in led.s['loans'].values() if l['borrower'] == borrower)

        def ok(g):
            f = fund + pct(g, rules['fund_contribution'])
            return ((total + g) * 100 <= rules['multiplier_max_x100'] * f
                    and name + g <= pct(f, rules['single_name_max']))
        if not ok(1):
            return None
        lo, hi = 1, ga_max
        if ok(hi):
            return None
        while hi - lo > 1:          # ok(lo), not ok(hi)
            mid = (lo + hi) // 2
            if ok(mid):
                lo = mid
            else:
                hi = mid
        return lo

    def repay(self):
        r = self.r
        led = self.led
        active = self.loans('active')
        if not active:
            return
        lid = self.pick(active)
        out = led.s['loans'][lid]['outstanding']
        x = r.random()
        if x < 0.2:
            p = out
        elif x < 0.25:
            p = out + 1                                # exit 2
        elif x < 0.28:
            p = 0                                      # exit 2
        else:
            p = r.randint(1, max(1, out // 3))
        argv = ['repay', lid, '--principal', self.amt(p)]
        if r.random() < 0.6:
            argv += ['--interest', self.amt(self.money(0, 200))]
        yield self.finish(argv)

    def arrears(self):
        r = self.r
        dpd = self.led.rules['default_dpd']
        lid = self.pick(self.loans('active'))
        if lid is None:
            return
        d = r.choice([0, 15, 30, dpd - 1, dpd, dpd, dpd + 1, 120, 365])
        yield self.finish(['arrears', lid, '--dpd', str(d)])

    def call(self):
        r = self.r
        led = self.led
        lid = self.pick(self.loans('defaulted'))
        if lid is None:
            return
        loan = led.s['loans'][lid]
        ga = loan['ga_frozen']
        held = -led.bal('deposit:' + lid)
        s = sum(loan['pledges'].values())
        cands = [held - 1, held, held + 1, held + s // 2 + 1, held + s, held + s + 1,
                 ga, ga, r.randint(1, max(1, ga)), held + s + (ga - held - s) // 3]
        x = r.choice(cands)
        if self.profile == 'thin' and r.random() < 0.6:
            x = ga
        if r.random() < 0.05:
            x = ga + 1                                   # exit 2
        x = min(x, ga) if r.random() < 0.95 else x
        if x <= 0:
            x = max(1, ga)
        yield self.finish(['call', lid, '--amount', self.amt(x)])

    def settle(self):
        r = self.r
        led = self.led
        owing = [m for m in self.members() if led.bal('due:' + m) != 0]
        if not owing or r.random() < 0.05:
            if r.random() < 0.6:
                return
            m = self.pick(self.members())
            if m:
                yield self.finish(['settle', m, self.amt(self.scale(1))])
            return
        m = self.pick(owing)
        d = abs(led.bal('due:' + m))
        x = r.random()
        if x < 0.45:
            a = d
        elif x < 0.5:
            a = d + 1                                    # exit 2
        else:
            a = r.randint(1, d)
        yield self.finish(['settle', m, self.amt(a)])

    def recover(self, lid=None):
        r = self.r
        led = self.led
        final = lid is not None
        if lid is None:
            lid = self.pick(self.loans('called'))
        if lid is None:
            return
        loan = led.s['loans'][lid]
        owed = sum(max(0, w) for _, w in led.still_owed(loan))
        if owed <= 0:
            if not final:
                yield self.finish(['recover', lid, '--amount', self.amt(1)])   # exit 2
            return
        parts = 2 if final else 1
        for i in range(parts):
            owed = sum(max(0, w) for _, w in led.still_owed(loan))
            if owed <= 0:
                return
            x = r.random()
            if final and i == parts - 1:
                a = owed
            elif x < 0.25:
                a = owed
            elif x < 0.3 and not final:
                a = owed + 1                             # exit 2
            else:
                a = r.randint(1, owed)
            yield self.finish(['recover', lid, '--amount', self.amt(a)])

    def writeoff(self):
        r = self.r
        called = self.loans('called')
        if called and r.random() < 0.85:
            yield self.finish(['writeoff', self.pick(called)])
        else:
            lid = self.pick(self.loans('active', 'defaulted', 'applied', 'closed'))
            if lid:
                yield self.finish(['writeoff', lid])      # exit 2

    def withdraw(self):
        r = self.r
        led = self.led
        act = self.members('active')
        if len(act) <= 6:
            yield from self.add_member()
            return
        free = [m for m in act if led.bal('due:' + m) == 0 and not any(
            l['borrower'] == m and l['status'] in ('applied', 'active', 'defaulted', 'called')
            for l in led.s['loans'].values())]
        bearers = [m for m in free if any(
            l['status'] == 'called' and l['loss_p'].get(m, 0) > l['rec_p'].get(m, 0)
            for l in led.s['loans'].values())]
        if bearers and r.random() < 0.7:
            m = self.pick(bearers)     # later recoveries make it owed: due < 0
        else:
            m = self.pick(free) if free and r.random() < 0.6 else self.pick(self.members())
        yield self.finish(['member', 'withdraw', m])

    def replay(self):
        """An old command again with its ref: the same (exit 0, nothing
        written, even with its old date), or other content (exit 5)."""
        r = self.r
        old = [a for a in self.with_ref if a[a.index('--ref') + 1] in self.led.s['refs']]
        if not old:
            return
        a = list(self.pick(old))
        if r.random() < 0.6:
            yield a
            return
        ref = a[a.index('--ref') + 1]
        m = self.pick(self.members('active')) or 'A'
        yield ['contribute', m, self.amt(self.scale(7)), '--kind', 'fund',
               '--date', self.date.isoformat(), '--ref', ref]

    def bad_syntax(self):
        r = self.r
        m = self.pick(self.members('active')) or 'A'
        if self.digits == 2:
            amts = ['1,000.00', '1e3', '+5', '100.005', '', ' 5', '1.2.3', 'ten']
        else:
            amts = ['1,000', '1e3', '+5', '100.5', '', ' 5', 'ten']
        choice = r.randint(0, 4)
        if choice == 0:
            yield self.finish(['contribute', m, r.choice(amts), '--kind', 'fund'], ref_p=0)
        elif choice == 1:
            yield self.finish(['member', 'add', r.choice(['bad id', 'x' * 33, 'é']), '--name', 'Bad'], ref_p=0)
        elif choice == 2:
            yield self.finish(['bank', 'add', r.choice(['BANKIT', 'bankitmm', 'BANKITMMX', 'BANK1TMM']), '--name', 'Bad'], ref_p=0)
        elif choice == 3:
            lid = self.pick(self.loans('active'))
            if lid:
                yield self.finish(['repay', lid, '--principal', r.choice(amts)], ref_p=0)
        else:
            lid = self.pick(self.loans('applied'))
            if lid:
                yield self.finish(['assess', lid, '--assessor', m, '--score', r.choice(['5.5', 'x', '-1'])], ref_p=0)

    def wrong_state(self):
        """Commands on a loan in the wrong state (exit 2)."""
        r = self.r
        led = self.led
        loans = sorted(led.s['loans'])
        if not loans:
            return
        lid = self.pick(loans)
        st = led.s['loans'][lid]['status']
        c = r.randint(0, 5)
        amt = self.amt(self.scale(10))
        if c == 0 and st != 'applied':
            yield self.finish(['assess', lid, '--assessor', self.pick(self.members('active')) or 'A', '--score', '7'])
        elif c == 1 and st != 'applied':
            yield self.finish(['guarantee', lid, '--coverage', '50'])
        elif c == 2 and st != 'active':
            yield self.finish(['repay', lid, '--principal', amt])
        elif c == 3 and st != 'active':
            yield self.finish(['arrears', lid, '--dpd', '120'])
        elif c == 4 and st != 'defaulted':
            yield self.finish(['call', lid, '--amount', amt])
        elif c == 5 and st != 'called':
            yield self.finish(['recover', lid, '--amount', amt])


class Fixed:
    """What the fixed scenarios share: the oracle's ledger, the date they
    start from (the last one recorded), and the folder they write their
    files to (run.py sets it).  The arguments are those of Gen, so that
    run.py makes any scenario the same way."""

    def __init__(self, seed, profile, led, steps):
        self.led = led
        self.date = led.s['last_date']
        self.workdir = tempfile.gettempdir()


class Edges(Fixed):
    """A fixed scenario of the corners a random walk seldom reaches: a
    withdrawn co-guarantor, coverage 0, assessments exactly
    peer_max_age_days old and one day older, an even count of assessments,
    an assessor who left, a re-assessment, a deposit left after a call and
    a write-off, a withdrawn member owed money after a recovery, a
    recovery when the fund bore nothing, pledged amounts capped by GA with
    ties, an old ref replayed with its old date, overflow, a rules change,
    a deficit of the fund and then a fund of exactly 0.00 with guarantees
    active, borrowers without a sector or a district among borrowers with
    one.  Every
    expectation comes from the oracle, as for the random scenarios (the
    comments say what the oracle is expected to decide)."""

    def d(self, days):
        self.date += datetime.timedelta(days=days)
        return ['--date', self.date.isoformat()]

    def due(self, m):
        return fmt_amount(abs(self.led.bal('due:' + m)), 2)

    def __iter__(self):
        d = self.d
        yield ['bank', 'add', 'BANKITMM', '--name', 'B'] + d(0)
        # sectors and districts for the regulatory report's buckets: B and
        # E (borrowers of L2, L6, L5) without a sector, C and E without a
        # district, keys whose byte order is not a case-blind or a locale's
        # order ('Sassuolo' < 'prato' < 'Émilie')
        keys = {'A': ['--sector', 'C23.31', '--district', 'prato'], 'B': ['--district', 'Sassuolo'],
                'C': ['--sector', 'A01.11'], 'D': ['--sector', 'C23.31', '--district', 'Émilie']}
        for m in ['A', 'B', 'C', 'D', 'E', 'W', 'b', 'V']:
            yield ['member', 'add', m, '--name', 'Firm ' + m] + keys.get(m, []) + d(0)
            yield ['contribute', m, '500' if m in 'WV' else '1000', '--kind', 'capital'] + d(0)
        yield ['contribute', 'A', '50000.01', '--kind', 'fund'] + d(0)
        # L1: assessments exactly 180 and 181 days old, an assessor who
        # leaves, the borrower's own, a re-assessment
        yield ['loan', 'add', 'L1', '--borrower', 'A', '--bank', 'BANKITMM', '--principal', '10000.01'] + d(1)
        yield ['assess', 'L1', '--assessor', 'B', '--score', '7'] + d(0)
        yield ['assess', 'L1', '--assessor', 'C', '--score', '6'] + d(1)
        yield ['assess', 'L1', '--assessor', 'A', '--score', '10'] + d(0)       # the borrower's: never counts
        yield ['assess', 'L1', '--assessor', 'V', '--score', '9'] + d(0)
        yield ['member', 'withdraw', 'V'] + d(0)                                 # V's no longer counts
        yield ['assess', 'L1', '--assessor', 'V', '--score', '9'] + d(0)        # exit 2: not active
        yield ['assess', 'L1', '--assessor', 'D', '--score', '3'] + d(10)
        yield ['assess', 'L1', '--assessor', 'D', '--score', '5'] + d(0)        # replaces D's 3
        # B's assessment is 180 days old: B 7, C 6, D 5 count, median 6;
        # but coverage 0 fails coverage_max: exit 3
        yield ['guarantee', 'L1', '--coverage', '0', '--pledge', 'W:500'] + d(169)
        # one day later B's is 181 days old: C, D: peer_quorum fails, exit 3
        yield ['guarantee', 'L1', '--coverage', '50', '--pledge', 'W:500'] + d(1)
        yield ['assess', 'L1', '--assessor', 'E', '--score', '6'] + d(0)
        yield ['assess', 'L1', '--assessor', 'b', '--score', '7'] + d(0)
        # C 6, D 5, E 6, b 7: an even count, median 6
        yield ['guarantee', 'L1', '--coverage', '62.55', '--deposit', '1000.01',
               '--pledge', 'W:500', '--pledge', 'b:1000', '--pledge', 'E:1000', '--ref', 'edge-g1'] + d(0)
        g1 = ['guarantee', 'L1', '--coverage', '62.55', '--deposit', '1000.01',
              '--pledge', 'W:500', '--pledge', 'b:1000', '--pledge', 'E:1000', '--ref', 'edge-g1',
              '--date', self.date.isoformat()]
        yield ['member', 'withdraw', 'W'] + d(0)                                  # exit 2: pledged
        # L2: a median of 5.5 and a withdrawn co-guarantor
        yield ['loan', 'add', 'L2', '--borrower', 'B', '--bank', 'BANKITMM', '--principal', '3000'] + d(1)
        for a, sc in [('A', 5), ('C', 6), ('D', 5), ('E', 6)]:
            yield ['assess', 'L2', '--assessor', a, '--score', str(sc)] + d(0)
        yield ['member', 'add', 'U', '--name', 'U'] + d(0)
        yield ['contribute', 'U', '300', '--kind', 'capital'] + d(0)
        yield ['member', 'withdraw', 'U'] + d(0)
        yield ['guarantee', 'L2', '--coverage', '80', '--pledge', 'U:100'] + d(0)   # exit 3: capital_min (U not active)
        yield ['guarantee', 'L2', '--coverage', '80', '--pledge', 'A:100', '--pledge', 'A:100'] + d(0)  # exit 2
        yield ['guarantee', 'L2', '--coverage', '80', '--pledge', 'B:100'] + d(0)   # exit 2: the borrower
        yield ['guarantee', 'L2', '--coverage', '80', '--pledge', 'C:1000', '--pledge', 'D:1000',
               '--pledge', 'b:1000'] + d(0)
        yield ['guarantee', 'L2', '--coverage', '80'] + d(0)                        # exit 2: active
        # L1: GA0 pct(10,000.01, 62.55%) = 6,255.01 falls with a repayment
        # to pct(3,000.00, 62.55%) = 1,876.50, below the pledges 2,500.00:
        # pledged 1,876.50 split 500:1000:1000
        yield ['repay', 'L1', '--principal', '7000.01', '--interest', '1'] + d(5)
        yield ('docs', ['W', 'b', 'E', 'C'])    # their statements: AtRisk 375.30, 750.60, 750.60 of L1; L2
        yield ['arrears', 'L1', '--dpd', '89'] + d(1)
        yield ['arrears', 'L1', '--dpd', '90'] + d(1)
        yield ['arrears', 'L1', '--dpd', '120'] + d(0)                            # exit 2: defaulted
        # a call smaller than the deposit: the rest stays after write-off
        yield ['call', 'L1', '--amount', '0'] + d(1)                              # exit 2
        yield ['call', 'L1', '--amount', '999.99'] + d(0)
        yield ['recover', 'L1', '--amount', '0.01'] + d(0)                        # exit 2: nothing borne
        yield ['writeoff', 'L1'] + d(0)
        # the old guarantee again with its old date (exit 0, nothing
        # written), and its ref with other content (exit 5, not 2)
        yield g1
        yield ['contribute', 'A', '1', '--kind', 'fund', '--ref', 'edge-g1', '--date', g1[-1]]
        yield ['member', 'withdraw', 'W'] + d(1)                                  # allowed now
        yield ['member', 'withdraw', 'A'] + d(0)                                  # allowed: L1 closed
        yield ['member', 'add', 'A', '--name', 'again'] + d(0)                    # exit 2
        # L2 defaults, is called in full: C, D, b bear 800.00 each
        yield ['arrears', 'L2', '--dpd', '365'] + d(1)
        yield ['call', 'L2', '--amount', '2400.01'] + d(0)                        # exit 2: > GA
        yield ['call', 'L2', '--amount', '2400'] + d(0)
        yield ['settle', 'C', '800.01'] + d(0)                                    # exit 2
        yield ['settle', 'C', '799.99'] + d(0)
        yield ['settle', 'C', '0.01'] + d(0)
        yield ['settle', 'b', self.due('b')] + d(0)
        yield ['member', 'withdraw', 'b'] + d(0)                                  # b leaves, still a bearer
        # recoveries: the fund bore nothing; C, D, b 800.00 each
        yield ['recover', 'L2', '--amount', '1000.03'] + d(1)
        yield ['settle', 'b', '333.35'] + d(0)                                    # exit 2: b is owed 333.34 (oracle decides)
        yield ['settle', 'b', '0.01'] + d(0)                                      # a withdrawn member is paid
        yield ('docs', ['b', 'C'])      # Loss 800.00, Recovered 333.34 / 333.35 of L2; b withdrawn, owed
        yield ['recover', 'L2', '--amount', '1399.96'] + d(1)
        yield ['recover', 'L2', '--amount', '0.02'] + d(0)                        # exit 2 (oracle decides)
        yield ['recover', 'L2', '--amount', '0.01'] + d(0)
        yield ['settle', 'b', self.due('b')] + d(0)
        yield ['writeoff', 'L2'] + d(0)
        yield ['writeoff', 'L2'] + d(0)                                           # exit 2
        # a second rules version (single_name_max 100%, lgd 40%, default
        # at 60 days, PDs x 1.5), three guarantees decided on it, then
        # losses beyond the fund: a deficit, with a guarantee still active
        # (the documents then show no multiplier, no coverage ratio, no
        # share of the fund).  ('docs', MEMBERS) asks run.py for the documents
        # now (these members' statements, every bank's, the report).
        # L6 is decided on version 1 (grade 6, PD 1.00%) and stays active:
        # its expected loss keeps that PD under version 2 (REPORTS.md)
        yield ['loan', 'add', 'L6', '--borrower', 'B', '--bank', 'BANKITMM', '--principal', '2000.02'] + d(1)
        for a, sc in [('C', 6), ('D', 6), ('E', 7)]:
            yield ['assess', 'L6', '--assessor', a, '--score', str(sc)] + d(0)
        yield ['guarantee', 'L6', '--coverage', '55.55'] + d(0)
        r2 = dict(self.led.rules, single_name_max=10000, lgd=4000, default_dpd=60)
        r2['master_scale'] = {g: min(10000, pd * 3 // 2) for g, pd in r2['master_scale'].items()}
        path = os.path.join(self.workdir, 'rules-edges-2.xml')
        with open(path, 'w') as f:
            f.write(rules_xml(r2, 2))
        yield ['rules', 'load', path] + d(1)
        for lid, b, p, cov, scores in [('L3', 'C', '50000', '80', [('B', 6), ('D', 7), ('E', 8)]),
                                       ('L4', 'D', '50000', '80', [('B', 4), ('C', 5), ('E', 6)]),
                                       ('L5', 'E', '20000.01', '50', [('B', 9), ('C', 10), ('D', 9)])]:
            yield ['loan', 'add', lid, '--borrower', b, '--bank', 'BANKITMM', '--principal', p] + d(0)
            for a, sc in scores:
                yield ['assess', lid, '--assessor', a, '--score', str(sc)] + d(0)
            yield ['guarantee', lid, '--coverage', cov] + d(0)
        yield ('docs', ['C', 'E'])
        yield ['arrears', 'L3', '--dpd', '60'] + d(1)      # a default under version 2 only
        yield ['call', 'L3', '--amount', '40000'] + d(0)
        yield ['arrears', 'L4', '--dpd', '61'] + d(1)
        yield ['call', 'L4', '--amount', '40000'] + d(0)    # the fund goes below zero
        yield ['recover', 'L4', '--amount', '5000'] + d(2)
        yield ['writeoff', 'L3'] + d(0)
        yield ('docs', ['D', 'b'])
        # the deficit paid in exactly: a fund of 0.00 with L5 and L6 still
        # active (REPORTS.md: CoverageRatio 0.00; no Multiplier, no
        # ShareOfFund; Deficit 0.00) to the end, where run.py checks the
        # documents (the report of the whole log among them).  The last
        # event, and no documents asked for after it: those asked for at
        # the end with --from after --to come at a size of the log that no
        # kept checkpoint covers (run.py compare_reversed)
        assert self.led.fund() < 0
        yield ['contribute', 'C', fmt_amount(-self.led.fund(), 2), '--kind', 'fund'] + d(1)
        # overflow and syntax: all exit 2
        yield ['contribute', 'C', '92233720368547758.08', '--kind', 'fund'] + d(0)
        yield ['contribute', 'C', '1500.505', '--kind', 'fund'] + d(0)
        yield ['contribute', 'C', '+5', '--kind', 'fund'] + d(0)
        yield ['contribute', 'C', '1,500.00', '--kind', 'fund'] + d(0)
        yield ['repay', 'L2', '--principal', '1'] + d(0)
        # back-dating (to the scenario's first day, run.py's START): exit 2
        yield ['contribute', 'C', '1', '--kind', 'fund', '--date', '2024-01-01']


class Ratios(Fixed):
    """A fixed scenario for the ratios of the documents (docs/REPORTS.md:
    two decimals, rounded half up), each exactly half way: a share of the
    fund of 0.005% (GA 0.01 of a fund of 200.00), a multiplier of 0.005
    (GA 1.00), and, with a fund contribution of 0 (a second rules
    version), a coverage ratio of 1953.125% (fund 200.00, GA 10.24)."""

    def __iter__(self):
        d = ['--date', self.date.isoformat()]
        yield ['bank', 'add', 'BANKITMM', '--name', 'B'] + d
        for m in ['A', 'B', 'C']:
            yield ['member', 'add', m, '--name', 'Firm ' + m] + d
            yield ['contribute', m, '1000', '--kind', 'capital'] + d
        yield ['contribute', 'A', '200', '--kind', 'fund'] + d
        for lid, b, a, p in [('L1', 'A', 'B', '0.02'), ('L2', 'B', 'C', '1.98')]:
            yield ['loan', 'add', lid, '--borrower', b, '--bank', 'BANKITMM', '--principal', p] + d
            yield ['assess', lid, '--assessor', a, '--score', '7'] + d
            yield ['guarantee', lid, '--coverage', '50'] + d
            yield ('docs', [b])
        r2 = dict(self.led.rules, fund_contribution=0)
        path = os.path.join(self.workdir, 'rules-ratios-2.xml')
        with open(path, 'w') as f:
            f.write(rules_xml(r2, 2))
        self.date += datetime.timedelta(days=1)
        d = ['--date', self.date.isoformat()]
        yield ['rules', 'load', path] + d
        yield ['loan', 'add', 'L3', '--borrower', 'C', '--bank', 'BANKITMM', '--principal', '18.48'] + d
        yield ['assess', 'L3', '--assessor', 'A', '--score', '7'] + d
        yield ['guarantee', 'L3', '--coverage', '50'] + d
        # Interest reported as 0 is shown (0.00); not reported, absent
        yield ['repay', 'L3', '--principal', '1', '--interest', '0'] + d
        yield ['repay', 'L3', '--principal', '1'] + d
        yield ('docs', ['C'])


class Texts(Fixed):
    """A fixed scenario for a member's sector and district
    (oracle.NACE_RE, oracle.text_ok): every value of BAD_SECTORS and
    BAD_DISTRICTS refused (exit 2, one line of error, nothing written),
    and values at the edge of valid accepted, stored and shown as given: a
    sector at the section level (C), without its letter (23.31), a group
    (C23.3); a district of 200 bytes in 100 characters, of 200 ASCII
    characters, of CJK characters.  Their members borrow with a
    guarantee, so the regulatory report has them as its buckets' keys (in
    byte order), D none: the buckets without a key."""

    def __iter__(self):
        d = ['--date', self.date.isoformat()]
        yield ['bank', 'add', 'BANKITMM', '--name', 'B'] + d
        for m, sector, district in [('A', 'C', '\u00e9' * 100), ('B', '23.31', 'x' * 200),
                                    ('C', 'C23.3', '\u9676\u74f7 Sassuolo'), ('D', None, None)]:
            yield (['member', 'add', m, '--name', 'Firm ' + m] + (['--sector', sector] if sector else [])
                   + (['--district', district] if district else []) + d)
            yield ['contribute', m, '1000', '--kind', 'capital'] + d
        yield ['contribute', 'D', '50000', '--kind', 'fund'] + d
        for lid, b in [('L1', 'A'), ('L2', 'B'), ('L3', 'C'), ('L4', 'D')]:
            yield ['loan', 'add', lid, '--borrower', b, '--bank', 'BANKITMM', '--principal', '1000'] + d
            for a in [x for x in 'ABCD' if x != b]:
                yield ['assess', lid, '--assessor', a, '--score', '7'] + d
            yield ['guarantee', lid, '--coverage', '50'] + d
        for i, v in enumerate(BAD_SECTORS):
            yield ['member', 'add', 'X%d' % i, '--name', 'X', '--sector', v] + d
        for i, v in enumerate(BAD_DISTRICTS):
            yield ['member', 'add', 'Y%d' % i, '--name', 'Y', '--district', v] + d
        # the same with a valid other one: still refused
        yield ['member', 'add', 'Z1', '--name', 'Z', '--sector', 'C23.31', '--district', ''] + d
        yield ['member', 'add', 'Z2', '--name', 'Z', '--sector', '', '--district', 'Prato'] + d

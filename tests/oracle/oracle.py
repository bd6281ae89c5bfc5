#!/usr/bin/env python3
"""An independent model of the mcg ledger, written from DOMAIN.md
(sections 2 to 7) alone, for the end-to-end oracle test.

The model takes an mcg command line (without the global options), decides
whether DOMAIN.md / CLI.md say it must be accepted (exit 0), refused as bad
input or wrong state (2), refused by a rule (3) or a ref conflict (5), and,
when accepted, applies it: postings, states, GA, losses and recoveries.  It
then answers the views the test compares: the trial balance, every member's
exposure and every loan's row of `mcg guarantees`.  For the signed
documents (docs.py) it also keeps a log of its own events and a copy of
its state after each, so that it can answer "as of" any past cut.

Python 3 standard library only.  Amounts are Python ints (minor units), so
arithmetic is exact; pct() and allocate() are DOMAIN.md section 2 verbatim.
"""

import copy
import datetime
import re
import xml.etree.ElementTree as ET

ID_RE = re.compile(r'^[A-Za-z0-9._-]{1,32}$')
BIC_RE = re.compile(r'^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$')
DATE_RE = re.compile(r'^[0-9]{4}-[0-9]{2}-[0-9]{2}$')
# DOMAIN.md section 4: a member's "optional sector (NACE code)"; CLI.md
# `--sector NACE`; the man page: "its NACE code, e.g. C23.31".  A code of
# NACE Rev. 2 at one of its levels: the section (a letter A-U), the
# division (two digits), the group (division '.' one digit), the class
# (division '.' two digits), the digits after the section's letter as in
# the man page's C23.31, or alone as NACE writes them (23.31).  Nothing
# else is a NACE code: empty, lower case, spaces, another separator, a
# letter after U, more digits.  (Whether the letter must be the section of
# that division, A01.11 but not A23.31, and the code one that NACE lists,
# no document says: the generator sends neither.)
NACE_RE = re.compile(r'[A-U]|[A-U]?[0-9]{2}(\.[0-9]{1,2})?')
TEXT_MAX = 200
INT64 = 2 ** 63


class Refusal(Exception):
    """A command the model refuses: code 2 (bad input / state), 3 (rule),
    5 (ref conflict)."""

    def __init__(self, code, msg):
        Exception.__init__(self, msg)
        self.code = code
        self.msg = msg


def bad(msg):
    raise Refusal(2, msg)


# ---- section 2: money and numbers -------------------------------------------

def pct(a, bp):
    """a x bp / 10000 rounded half away from zero, exactly."""
    n = a * bp
    q, r = divmod(abs(n), 10000)
    if 2 * r >= 10000:
        q += 1
    return q if n >= 0 else -q


def allocate(total, parties):
    """Largest remainder.  parties: [(key, weight > 0)] already in tie order
    (the party that sorts first first).  Returns {key: part}."""
    assert total >= 0
    w_sum = sum(w for _, w in parties)
    assert w_sum > 0 and all(w > 0 for _, w in parties)
    parts = [total * w // w_sum for _, w in parties]
    rems = [(total * w) % w_sum for _, w in parties]
    left = total - sum(parts)
    order = sorted(range(len(parties)), key=lambda i: (-rems[i], i))
    for i in order[:left]:
        parts[i] += 1
    assert sum(parts) == total
    return {parties[i][0]: parts[i] for i in range(len(parties))}


def parse_amount(text, digits, what='amount'):
    """DOMAIN.md section 2: digits, an optional dot and at most `digits`
    decimals; a leading '-' for a negative amount.  Anything else is bad."""
    if digits > 0:
        m = re.fullmatch(r'(-?)([0-9]+)(?:\.([0-9]{1,%d}))?' % digits, text)
    else:
        m = re.fullmatch(r'(-?)([0-9]+)()', text)
    if not m:
        bad('bad %s %r' % (what, text))
    frac = (m.group(3) or '').ljust(digits, '0')
    v = int(m.group(2)) * 10 ** digits + (int(frac) if frac else 0)
    if m.group(1):
        v = -v
    if not -INT64 <= v < INT64:
        bad('%s %r overflows' % (what, text))
    return v


def parse_pct(text, what='percentage'):
    """'62.5' or '62.50': at most two decimals, 0 to 100, held in bp."""
    m = re.fullmatch(r'([0-9]+)(?:\.([0-9]{1,2}))?', text)
    if not m:
        bad('bad %s %r' % (what, text))
    bp = int(m.group(1)) * 100 + int((m.group(2) or '').ljust(2, '0') or 0)
    if bp > 10000:
        bad('%s %r over 100' % (what, text))
    return bp


def fmt_amount(v, digits):
    s = '-' if v < 0 else ''
    a = abs(v)
    if digits == 0:
        return s + str(a)
    return '%s%d.%0*d' % (s, a // 10 ** digits, digits, a % 10 ** digits)


def text_ok(text, limit=TEXT_MAX):
    """A district (DOMAIN.md section 4; CLI.md `--district NAME`): text
    as docs/HOSTILE-INPUT.md gives it for names, sector and district,
    UTF-8 without control characters (C0 and DEL), at most `limit` bytes;
    and not empty, which would be no district at all (REPORTS.md: a bucket
    without @key is "no district recorded").  `text` is the argument as
    Python holds it: a byte that is not UTF-8 as a lone surrogate
    (surrogateescape), so its bytes are those mcg gets; they must decode
    as UTF-8 (no overlong form, no surrogate)."""
    b = text.encode('utf-8', 'surrogateescape')
    try:
        b.decode('utf-8')
    except UnicodeDecodeError:
        return False
    return 0 < len(b) <= limit and not any(c < 0x20 or c == 0x7f for c in b)


def parse_date(text):
    if not DATE_RE.match(text):
        bad('bad date %r' % text)
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        bad('bad date %r' % text)


# ---- section 7: rules ---------------------------------------------------------

def default_rules(digits):
    """The defaults of DOMAIN.md section 7, in the units the model uses:
    percentages in bp, amounts in minor units, multipliers in hundredths,
    the least median score in tenths."""
    return {
        'coverage_max': 8000,
        'capital_min': 250 * 10 ** digits,
        'peer_quorum': 3,
        'peer_score_min_x10': 50,
        'peer_max_age_days': 180,
        'deposit_min': 0,
        'multiplier_max_x100': 1500,
        'single_name_max': 2500,
        'pledge_leverage_max_x100': 1000,
        'fee': 100,
        'fund_contribution': 50,
        'default_dpd': 90,
        'lgd': 4500,
        'master_scale': {1: 3000, 2: 1500, 3: 800, 4: 400, 5: 200, 6: 100,
                         7: 50, 8: 25, 9: 10, 10: 5},
    }


def rules_xml(rules, digits):
    """A rules file (rules/rules.xsd form) for the given figures."""
    def p(bp):
        return '%d.%02d' % (bp // 100, bp % 100)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<rules xmlns="urn:mcg:rules:1" version="1">',
             '  <coverage_max>%s</coverage_max>' % p(rules['coverage_max']),
             '  <capital_min>%s</capital_min>' % fmt_amount(rules['capital_min'], digits),
             '  <peer_quorum>%d</peer_quorum>' % rules['peer_quorum'],
             '  <peer_score_min>%d.%d</peer_score_min>' % divmod(rules['peer_score_min_x10'], 10),
             '  <peer_max_age_days>%d</peer_max_age_days>' % rules['peer_max_age_days'],
             '  <deposit_min>%s</deposit_min>' % p(rules['deposit_min']),
             '  <multiplier_max>%s</multiplier_max>' % p(rules['multiplier_max_x100']),
             '  <single_name_max>%s</single_name_max>' % p(rules['single_name_max']),
             '  <pledge_leverage_max>%s</pledge_leverage_max>' % p(rules['pledge_leverage_max_x100']),
             '  <fee>%s</fee>' % p(rules['fee']),
             '  <fund_contribution>%s</fund_contribution>' % p(rules['fund_contribution']),
             '  <default_dpd>%d</default_dpd>' % rules['default_dpd'],
             '  <lgd>%s</lgd>' % p(rules['lgd']),
             '  <master_scale>']
    for g in range(1, 11):
        lines.append('    <grade score="%d" pd="%s"/>' % (g, p(rules['master_scale'][g])))
    lines += ['  </master_scale>', '</rules>', '']
    return '\n'.join(lines)


def read_rules_xml(path, digits):
    """The figures of a rules file in the form rules_xml writes (the
    oracle reads back only what it wrote itself; a file it cannot read is
    bad input)."""
    ns = '{urn:mcg:rules:1}'
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        bad('unreadable rules file %s' % path)
    if root.tag != ns + 'rules':
        bad('not a rules file')

    def txt(name):
        e = root.find(ns + name)
        if e is None or e.text is None:
            bad('rules file without %s' % name)
        return e.text.strip()

    def intval(name):
        t = txt(name)
        if not re.fullmatch(r'[0-9]{1,6}', t):
            bad('bad %s' % name)
        return int(t)
    r = {
        'coverage_max': parse_pct(txt('coverage_max')),
        'capital_min': parse_amount(txt('capital_min'), digits),
        'peer_quorum': intval('peer_quorum'),
        'peer_max_age_days': intval('peer_max_age_days'),
        'deposit_min': parse_pct(txt('deposit_min')),
        'single_name_max': parse_pct(txt('single_name_max')),
        'fee': parse_pct(txt('fee')),
        'fund_contribution': parse_pct(txt('fund_contribution')),
        'default_dpd': intval('default_dpd'),
        'lgd': parse_pct(txt('lgd')),
    }
    m = re.fullmatch(r'([0-9]+)\.([0-9])', txt('peer_score_min'))
    if not m:
        bad('bad peer_score_min')
    r['peer_score_min_x10'] = int(m.group(1)) * 10 + int(m.group(2))
    for name in ('multiplier_max', 'pledge_leverage_max'):
        m = re.fullmatch(r'([0-9]+)\.([0-9]{2})', txt(name))
        if not m:
            bad('bad %s' % name)
        r[name + '_x100'] = int(m.group(1)) * 100 + int(m.group(2))
    scale = {}
    ms = root.find(ns + 'master_scale')
    for g in (ms if ms is not None else []):
        scale[int(g.get('score'))] = parse_pct(g.get('pd'))
    if sorted(scale) != list(range(1, 11)):
        bad('master scale incomplete')
    r['master_scale'] = scale
    return r


# ---- the command line ---------------------------------------------------------

# command -> (number of positionals, {flag: 'one'|'many'}, required flags)
COMMON = {'--date': 'one', '--ref': 'one'}
COMMANDS = {
    ('member', 'add'): (1, {'--name': 'one', '--sector': 'one', '--district': 'one', '--tax-id': 'one'}, ['--name']),
    ('member', 'withdraw'): (1, {}, []),
    ('bank', 'add'): (1, {'--name': 'one'}, ['--name']),
    ('contribute',): (2, {'--kind': 'one'}, ['--kind']),
    ('settle',): (2, {}, []),
    ('loan', 'add'): (1, {'--borrower': 'one', '--bank': 'one', '--principal': 'one', '--rate': 'one', '--term-months': 'one'},
                      ['--borrower', '--bank', '--principal']),
    ('assess',): (1, {'--assessor': 'one', '--score': 'one'}, ['--assessor', '--score']),
    ('guarantee',): (1, {'--coverage': 'one', '--cap': 'one', '--deposit': 'one', '--pledge': 'many'}, ['--coverage']),
    ('repay',): (1, {'--principal': 'one', '--interest': 'one'}, ['--principal']),
    ('arrears',): (1, {'--dpd': 'one'}, ['--dpd']),
    ('call',): (1, {'--amount': 'one'}, ['--amount']),
    ('recover',): (1, {'--amount': 'one'}, ['--amount']),
    ('writeoff',): (1, {}, []),
    ('rules', 'load'): (1, {}, []),
}


def parse_argv(argv):
    """-> (command tuple, positionals, {flag: value or [values]})."""
    for n in (2, 1):
        key = tuple(argv[:n])
        if key in COMMANDS:
            break
    else:
        bad('unknown command %r' % argv[:2])
    npos, flags, required = COMMANDS[key]
    allowed = dict(flags)
    allowed.update(COMMON)
    pos, opts = [], {}
    rest = argv[len(key):]
    i = 0
    while i < len(rest):
        a = rest[i]
        if a.startswith('--'):
            if a not in allowed or i + 1 >= len(rest):
                bad('bad flag %r' % a)
            if allowed[a] == 'many':
                opts.setdefault(a, []).append(rest[i + 1])
            else:
                if a in opts:
                    bad('flag %r twice' % a)
                opts[a] = rest[i + 1]
            i += 2
        else:
            pos.append(a)
            i += 1
    if len(pos) != npos:
        bad('%d arguments, expected %d' % (len(pos), npos))
    for r in required:
        if r not in opts:
            bad('missing %s' % r)
    return key, pos, opts


# ---- the ledger ---------------------------------------------------------------

class Ledger:
    def __init__(self, digits=2, rules=None, date='2026-01-01'):
        self.digits = digits
        self.rules = rules or default_rules(digits)
        self.s = {
            'members': {},      # id -> {'status'}
            'banks': set(),
            'loans': {},        # id -> dict, see loan_add
            'assessments': {},  # loan -> [(date, seq, assessor, score)]
            'bal': {},          # account -> balance (only accounts posted)
            'refs': {},         # ref -> content
            'last_date': parse_date(date),
            'seq': 2,           # init records the ledger and rules version 1
            'bank_names': {},   # BIC -> name
        }
        self.rules_version = 1
        # What the documents of docs/REPORTS.md need to answer "as of" a
        # past cut: the model's own log of its events (seq, date, kind,
        # loan and the figures of the event) and a copy of its state after
        # every event (with the rules in force), oldest first.  Kept
        # outside self.s so that the per-command copy stays small.
        self.log = []
        self.snaps = [(2, self.s['last_date'], copy.deepcopy(self.s), self.rules, 1)]
        self.ev = {}

    # -- helpers over the state
    def bal(self, acct):
        return self.s['bal'].get(acct, 0)

    def active(self, m):
        return m in self.s['members'] and self.s['members'][m]['status'] == 'active'

    def capital(self, m):
        return -self.bal('capital:' + m)

    def fund(self):
        """The fund as a positive amount (its credit balance)."""
        return -self.bal('fund')

    def ga(self, loan):
        """DOMAIN.md section 4."""
        if loan['status'] == 'active':
            g = pct(loan['outstanding'], loan['coverage'])
            if loan['cap'] is not None and loan['cap'] < g:
                g = loan['cap']
            return g
        if loan['status'] == 'defaulted':
            return loan['ga_frozen']
        return 0

    def total_ga(self):
        return sum(self.ga(l) for l in self.s['loans'].values())

    def post(self, postings):
        assert sum(a for _, a in postings) == 0, postings
        for acct, amt in postings:
            if amt != 0:   # a posting of zero is never written
                self.s['bal'][acct] = self.s['bal'].get(acct, 0) + amt

    def amount(self, text, what='amount'):
        return parse_amount(text, self.digits, what)

    def loan(self, lid):
        if lid not in self.s['loans']:
            bad('unknown loan %s' % lid)
        return self.s['loans'][lid]

    def still_owed(self, loan):
        """[(bearer, still owed)] in tie order: the fund first, then members
        by id (byte order)."""
        out = [('fund', loan['loss_fund'] - loan['rec_fund'])]
        for m in sorted(loan['pledges']):
            out.append((m, loan['loss_p'].get(m, 0) - loan['rec_p'].get(m, 0)))
        return out

    # -- one command
    def apply(self, argv):
        """-> (exit code, message).  The state changes only on exit 0."""
        saved = copy.deepcopy(self.s)
        try:
            key, pos, opts = parse_argv(argv)
            date = parse_date(opts['--date']) if '--date' in opts else None
            ref = opts.get('--ref')
            content = (key, tuple(pos), tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                                                     for k, v in opts.items() if k != '--ref')))
            if ref is not None:
                if not (1 <= len(ref) <= 64 and all(32 < ord(c) < 127 for c in ref)):
                    bad('bad ref')
                if ref in self.s['refs']:
                    if self.s['refs'][ref] == content:
                        return 0, 'replay'
                    raise Refusal(5, 'ref %s already used for other content' % ref)
            if date is None:
                bad('the model needs --date')
            if date < self.s['last_date']:
                bad('back-dated %s before %s' % (date, self.s['last_date']))
            handler = getattr(self, 'do_' + '_'.join(key))
            self.ev = {}
            msg = handler(pos, opts, date)
            self.s['seq'] += 1
            self.s['last_date'] = date
            if ref is not None:
                self.s['refs'][ref] = content
            ev = dict(self.ev, seq=self.s['seq'], date=date, kind='.'.join(key))
            self.log.append(ev)
            self.snaps.append((self.s['seq'], date, copy.deepcopy(self.s), self.rules, self.rules_version))
            return 0, msg or 'ok'
        except Refusal as r:
            self.s = saved
            return r.code, r.msg

    def apply_batch(self, argvs):
        """An `mcg import` of several rows (CLI.md: the whole file is one
        transaction): every row is applied in order; if one is refused the
        model is left as it was and the batch gets that row's code (the
        refusal of a bad row is exit 2).  -> (code, message)."""
        saved = (copy.deepcopy(self.s), len(self.log), len(self.snaps), self.rules, self.rules_version)
        for i, argv in enumerate(argvs):
            code, msg = self.apply(argv)
            if code != 0:
                self.s = saved[0]
                del self.log[saved[1]:]
                del self.snaps[saved[2]:]
                self.rules, self.rules_version = saved[3], saved[4]
                return code, 'row %d: %s' % (i + 1, msg)
        return 0, 'ok'

    def view(self, seq):
        """A read-only model of the ledger as it was after event `seq`
        (REPORTS.md "As of a date"), with the rules then in force; its
        rules_version and seq attributes say which."""
        if seq < self.snaps[0][0]:
            # before the first event (a period that ends before init):
            # nothing recorded; the first rules version is reported
            first = self.snaps[0]
            v = Ledger(self.digits, first[3], first[1].isoformat())
            v.log = []
            return v
        for snap in reversed(self.snaps):
            if snap[0] <= seq:
                break
        v = Ledger.__new__(Ledger)
        v.digits = self.digits
        v.s = snap[2]
        v.rules = snap[3]
        v.rules_version = snap[4]
        v.log = [e for e in self.log if e['seq'] <= snap[0]]
        v.snaps = []
        return v

    def cut(self, to):
        """REPORTS.md: the figures at the end of a period ending `to` are
        those after the last event dated on or before it. -> (seq, date),
        (0, to) when the period ends before the first event."""
        best = (0, to)
        for seq, d, _, _, _ in self.snaps:
            if d <= to:
                best = (seq, d)
        return best

    # -- section 5: events
    def do_member_add(self, pos, opts, date):
        m = pos[0]
        if not ID_RE.match(m):
            bad('bad member id')
        if '--sector' in opts and not NACE_RE.fullmatch(opts['--sector']):
            bad('bad sector %r: not a NACE code' % opts['--sector'])
        if '--district' in opts and not text_ok(opts['--district']):
            bad('bad district %r' % opts['--district'])
        if m in self.s['members']:
            bad('member %s exists' % m)
        self.s['members'][m] = {'status': 'active', 'name': opts['--name'],
                                'sector': opts.get('--sector'), 'district': opts.get('--district')}
        self.ev = {'member': m}

    def do_bank_add(self, pos, opts, date):
        b = pos[0]
        if not BIC_RE.match(b):
            bad('bad BIC')
        if b in self.s['banks']:
            bad('bank exists')
        self.s['banks'].add(b)
        self.s['bank_names'][b] = opts['--name']

    def do_contribute(self, pos, opts, date):
        m, a = pos[0], self.amount(pos[1])
        kind = opts['--kind']
        if kind not in ('capital', 'fund'):
            bad('bad kind')
        if not self.active(m):
            bad('%s is not an active member' % m)
        if a <= 0:
            bad('amount not > 0')
        self.post([('cash', a), (('capital:' + m) if kind == 'capital' else 'fund', -a)])

    def do_settle(self, pos, opts, date):
        m, a = pos[0], self.amount(pos[1])
        if m not in self.s['members']:
            bad('unknown member')
        due = self.bal('due:' + m)
        if due == 0:
            bad('%s owes nothing and is owed nothing' % m)
        if not 0 < a <= abs(due):
            bad('settle %d not in (0, %d]' % (a, abs(due)))
        if due > 0:
            self.post([('cash', a), ('due:' + m, -a)])
        else:
            self.post([('due:' + m, a), ('cash', -a)])

    def do_loan_add(self, pos, opts, date):
        lid = pos[0]
        if not ID_RE.match(lid):
            bad('bad loan id')
        if lid in self.s['loans']:
            bad('loan exists')
        b = opts['--borrower']
        if not self.active(b):
            bad('borrower not active')
        if opts['--bank'] not in self.s['banks']:
            bad('unknown bank')
        p = self.amount(opts['--principal'])
        if p <= 0:
            bad('principal not > 0')
        if '--rate' in opts:
            parse_pct(opts['--rate'])
        if '--term-months' in opts:
            t = opts['--term-months']
            if not re.fullmatch(r'[0-9]{1,3}', t) or not 1 <= int(t) <= 600:
                bad('bad term')
        self.s['loans'][lid] = {
            'borrower': b, 'bank': opts['--bank'], 'principal': p, 'outstanding': p,
            'status': 'applied', 'coverage': None, 'cap': None, 'deposit': 0,
            'pledges': {}, 'ga_frozen': 0, 'score_x2': None, 'pd': None,
            'loss_fund': 0, 'rec_fund': 0, 'loss_p': {}, 'rec_p': {},
            'issued': None, 'ga0': None,
        }
        self.s['assessments'][lid] = []
        self.ev = {'loan': lid, 'borrower': b, 'principal': p}

    def do_assess(self, pos, opts, date):
        loan = self.loan(pos[0])
        if loan['status'] != 'applied':
            bad('loan not applied')
        a = opts['--assessor']
        if not self.active(a):
            bad('assessor not active')
        sc = opts['--score']
        if not re.fullmatch(r'[0-9]{1,2}', sc) or not 1 <= int(sc) <= 10:
            bad('bad score')
        self.s['assessments'][pos[0]].append((date, self.s['seq'] + 1, a, int(sc)))

    def eligible(self, lid, date):
        return [sc for _, sc in self.eligible_by(lid, date)]

    def eligible_by(self, lid, date):
        """Section 7: per assessor the latest assessment on the loan; it
        counts if the assessor is not the borrower, is active, and it is at
        most peer_max_age_days old on `date`."""
        loan = self.s['loans'][lid]
        latest = {}
        for d, seq, a, sc in self.s['assessments'][lid]:
            if a not in latest or (d, seq) > latest[a][:2]:
                latest[a] = (d, seq, sc)
        out = []
        for a, (d, seq, sc) in sorted(latest.items()):
            if a == loan['borrower'] or not self.active(a):
                continue
            if (date - d).days > self.rules['peer_max_age_days']:
                continue
            out.append((a, sc))
        return out

    @staticmethod
    def median_x2(scores):
        s = sorted(scores)
        n = len(s)
        if n % 2:
            return 2 * s[n // 2]
        return s[n // 2 - 1] + s[n // 2]

    def do_guarantee(self, pos, opts, date):
        lid = pos[0]
        loan = self.loan(lid)
        if loan['status'] != 'applied':
            bad('loan is %s, not applied' % loan['status'])
        cov = parse_pct(opts['--coverage'], 'coverage')
        cap = self.amount(opts['--cap'], 'cap') if '--cap' in opts else None
        if cap is not None and cap <= 0:
            bad('cap not > 0')   # (DOMAIN.md is silent; never generated)
        dep = self.amount(opts['--deposit'], 'deposit') if '--deposit' in opts else 0
        if dep < 0:
            bad('deposit < 0')
        pledges = {}
        for p in opts.get('--pledge', []):
            if ':' not in p:
                bad('bad pledge')
            m, amt = p.split(':', 1)
            if m not in self.s['members']:
                bad('unknown co-guarantor %s' % m)
            if m == loan['borrower']:
                bad('the borrower cannot pledge')
            if m in pledges:
                bad('co-guarantor twice')
            a = self.amount(amt, 'pledge')
            if a <= 0:
                bad('pledge not > 0')
            pledges[m] = a
        r = self.rules
        ga0 = pct(loan['principal'], cov)
        if cap is not None and cap < ga0:
            ga0 = cap
        fee = pct(ga0, r['fee'])
        k = pct(ga0, r['fund_contribution'])
        fails = []
        # state after the event
        fund_after = self.fund() + k
        total_after = self.total_ga() + ga0
        name_after = ga0 + sum(self.ga(l) for l in self.s['loans'].values()
                               if l['borrower'] == loan['borrower'])
        if not 0 < cov <= r['coverage_max']:
            fails.append('coverage_max')
        for m in [loan['borrower']] + sorted(pledges):
            if not self.active(m) or self.capital(m) < r['capital_min']:
                fails.append('capital_min(%s)' % m)
        scores = self.eligible(lid, date)
        if len(scores) < r['peer_quorum']:
            fails.append('peer_quorum')
        med = self.median_x2(scores) if scores else None
        if med is None or 5 * med < r['peer_score_min_x10']:
            fails.append('peer_score_min')
        if dep < pct(ga0, r['deposit_min']):
            fails.append('deposit_min')
        if total_after * 100 > r['multiplier_max_x100'] * fund_after:
            fails.append('multiplier_max')
        if name_after > pct(fund_after, r['single_name_max']):
            fails.append('single_name_max')
        for m in sorted(pledges):
            tot = pledges[m] + sum(l['pledges'].get(m, 0) for l in self.s['loans'].values()
                                   if l['status'] in ('active', 'defaulted'))
            if tot * 100 > r['pledge_leverage_max_x100'] * self.capital(m):
                fails.append('pledge_leverage_max(%s)' % m)
        if fails:
            raise Refusal(3, 'rules fail: ' + ', '.join(fails))
        loan.update(status='active', coverage=cov, cap=cap, deposit=dep, pledges=pledges,
                    score_x2=med, pd=r['master_scale'][med // 2],
                    issued=(self.s['seq'] + 1, date), ga0=ga0, rules_version=self.rules_version)
        self.ev = {'loan': lid, 'coverage': cov, 'ga0': ga0, 'deposit': dep, 'pledges': dict(pledges)}
        self.post([('cash', fee + k + dep), ('fees', -fee), ('fund', -k), ('deposit:' + lid, -dep)])
        return 'GA0 %d fee %d K %d' % (ga0, fee, k)

    def do_repay(self, pos, opts, date):
        lid = pos[0]
        loan = self.loan(lid)
        p = self.amount(opts['--principal'])
        interest = self.amount(opts['--interest']) if '--interest' in opts else None
        if interest is not None and interest < 0:
            bad('interest < 0')
        if loan['status'] != 'active':
            bad('loan not active')
        if not 0 < p <= loan['outstanding']:
            bad('repay not in (0, outstanding]')
        loan['outstanding'] -= p
        self.ev = {'loan': lid, 'principal': p, 'interest': interest,
                   'outstanding_after': loan['outstanding'], 'deposit_returned': None}
        if loan['outstanding'] == 0:
            loan['status'] = 'repaid'
            d = -self.bal('deposit:' + lid)
            self.post([('deposit:' + lid, d), ('cash', -d)])
            if d:
                self.ev['deposit_returned'] = d

    def do_arrears(self, pos, opts, date):
        loan = self.loan(pos[0])
        d = opts['--dpd']
        if not re.fullmatch(r'[0-9]{1,5}', d) or int(d) > 36500:
            bad('bad dpd')
        if loan['status'] != 'active':
            bad('loan not active')
        self.ev = {'loan': pos[0], 'dpd': int(d), 'default': False}
        if int(d) >= self.rules['default_dpd']:
            loan['ga_frozen'] = self.ga(loan)
            loan['status'] = 'defaulted'
            self.ev.update(default=True, ga_frozen=loan['ga_frozen'])

    def do_call(self, pos, opts, date):
        lid = pos[0]
        loan = self.loan(lid)
        x = self.amount(opts['--amount'])
        if loan['status'] != 'defaulted':
            bad('loan not defaulted')
        if not 0 < x <= loan['ga_frozen']:
            bad('call not in (0, GA]')
        held = -self.bal('deposit:' + lid)
        d = min(x, held)
        c = min(x - d, sum(loan['pledges'].values()))
        parts = allocate(c, [(m, loan['pledges'][m]) for m in sorted(loan['pledges'])]) if loan['pledges'] else {}
        f = x - d - c
        postings = [('deposit:' + lid, d)]
        for m in sorted(parts):
            postings.append(('due:' + m, parts[m]))
        postings += [('fund', f), ('cash', -x)]
        self.post(postings)
        loan['loss_fund'] = f
        loan['loss_p'] = parts
        loan['rec_p'] = {m: 0 for m in parts}
        loan['status'] = 'called'
        self.ev = {'loan': lid, 'amount': x, 'from_deposit': d, 'from_p': dict(parts),
                   'from_cos': c, 'from_fund': f}
        return 'd %d c %d f %d' % (d, c, f)

    def do_recover(self, pos, opts, date):
        lid = pos[0]
        loan = self.loan(lid)
        r = self.amount(opts['--amount'])
        if loan['status'] != 'called':
            bad('loan not called')
        owed = [(k, w) for k, w in self.still_owed(loan) if w > 0]
        if not 0 < r <= sum(w for _, w in owed):
            bad('recover not in (0, still owed]')
        parts = allocate(r, owed)
        postings = [('cash', r)]
        for k, part in parts.items():
            if k == 'fund':
                loan['rec_fund'] += part
                postings.append(('fund', -part))
            else:
                loan['rec_p'][k] += part
                postings.append(('due:' + k, -part))
        self.post(postings)
        self.ev = {'loan': lid, 'amount': r, 'to_fund': parts.get('fund', 0),
                   'to_p': {k: v for k, v in parts.items() if k != 'fund'}}

    def do_writeoff(self, pos, opts, date):
        loan = self.loan(pos[0])
        if loan['status'] != 'called':
            bad('loan not called')
        loan['status'] = 'closed'
        self.ev = {'loan': pos[0]}

    def do_member_withdraw(self, pos, opts, date):
        m = pos[0]
        if not self.active(m):
            bad('not an active member')
        for lid, l in self.s['loans'].items():
            if l['borrower'] == m and l['status'] in ('applied', 'active', 'defaulted', 'called'):
                bad('%s has loan %s %s' % (m, lid, l['status']))
            if m in l['pledges'] and l['status'] in ('active', 'defaulted'):
                bad('%s pledged on %s' % (m, lid))
        if self.bal('due:' + m) != 0:
            bad('%s has a due balance' % m)
        c = self.capital(m)
        self.post([('capital:' + m, c), ('cash', -c)])
        self.s['members'][m]['status'] = 'withdrawn'
        self.ev = {'member': m}

    def do_rules_load(self, pos, opts, date):
        """DOMAIN.md section 7: loading a rules file is an event; the new
        version decides every later guarantee (and default_dpd every later
        arrears)."""
        self.rules = read_rules_xml(pos[0], self.digits)
        self.rules_version += 1
        self.ev = {'version': self.rules_version}

    # -- the views
    def balances(self):
        return dict(self.s['bal'])

    def exposure(self):
        """Section 6: member -> (borrowed, guaranteed, pledged, due, deposit, capital)."""
        loans = self.s['loans']
        pledged = {m: 0 for m in self.s['members']}
        for lid, l in loans.items():
            if l['status'] in ('active', 'defaulted') and l['pledges']:
                tot = min(self.ga(l), sum(l['pledges'].values()))
                parts = allocate(tot, [(m, l['pledges'][m]) for m in sorted(l['pledges'])])
                for m, p in parts.items():
                    pledged[m] += p
        out = {}
        for m in self.s['members']:
            mine = [(lid, l) for lid, l in loans.items() if l['borrower'] == m]
            out[m] = (
                sum(l['outstanding'] for _, l in mine if l['status'] in ('applied', 'active', 'defaulted')),
                sum(self.ga(l) for _, l in mine),
                pledged[m],
                self.bal('due:' + m),
                sum(-self.bal('deposit:' + lid) for lid, _ in mine),
                self.capital(m),
            )
        return out

    def guarantees(self):
        """loan -> (status, outstanding, GA, coverage bp or None, score_x2 or None, pd bp or None)."""
        return {lid: (l['status'], l['outstanding'], self.ga(l), l['coverage'], l['score_x2'], l['pd'])
                for lid, l in self.s['loans'].items()}

    def member_status(self):
        return {m: v['status'] for m, v in self.s['members'].items()}

#!/usr/bin/env python3
"""Runs oracle scenarios against the real mcg binary and compares.

usage: run.py --mcg BIN --dir DIR [--steps N] [--every K] [--stop-first]
              [--repro FILE] [--doc-every N] [--no-xmllint] [--live-cuts N]
              SEED:PROFILE...

For each SEED:PROFILE it creates a ledger in DIR, then runs the generated
commands one at a time against mcg and the oracle model (oracle.py), and
compares the exit status of every command; every K commands, after every
call and recovery, and at the end, it compares every account balance
(`balance --format csv`), every member's exposure (`exposure --format
csv`), every loan's status, outstanding, GA, coverage, score and PD
(`guarantees --format csv`) and every member's name, status, sector and
district (`member list --format csv`); after a `member add` that must be
refused (a sector that is not a NACE code, a district that is not text,
a bad or used id) that nothing was written (compare_refused,
unwritten_end).  Every
--doc-every commands, when the generator asks
and at the end it has mcg write the signed documents of docs/REPORTS.md
(bank statements, also in pages, member statements, the regulatory
report) and compares every figure with the model's (docs.py), as of the
period's cut, and checks that `mcg statement verify` (and xmllint with
the document's schema) accepts each; at the end also documents of one
day, documents asked for with --from after --to, which must be
refused with nothing written (compare_reversed), and, for a random
scenario, the report and statements as of days when guarantees were live
(live_cuts).  A fixed scenario fails when its documents no longer reach
the corners it is there for (REQUIRED_CORNERS), and so do the random
scenarios of t_oracle.sh with custom rules and a thin fund
(REQUIRED_CORNERS_OF_SEED).  It prints one line `FAIL ...` per
mismatch (naming the seed, the command number, the figure, mcg's value
and the oracle's), at most MAX_REPORTED a seed, and a last line `RESULT
PASSED FAILED`.
"""

import argparse
import csv
import datetime
import io
import os
import random
import shutil
import shlex
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from oracle import Ledger, fmt_amount, parse_amount, rules_xml  # noqa: E402
from gen import Edges, Gen, PROFILES, Ratios, Texts, profile_rules  # noqa: E402
import docs                                                         # noqa: E402
import xml.etree.ElementTree as ET                                  # noqa: E402

SRC = os.environ.get('MCG_SRC') or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA = {'BankStatement': 'statement.xsd', 'MemberStatement': 'member_statement.xsd',
          'RegulatoryReport': 'regulatory.xsd'}

MAX_REPORTED = 15

# What the documents of a fixed scenario must reach (docs.Doc.corners)
REQUIRED_CORNERS = {
    'edges': {'BySector: the bucket without a key among keyed ones',
              'ByDistrict: the bucket without a key among keyed ones',
              'a fund of exactly 0 with GA', 'a fund below 0 with GA', 'a fund above 0 with GA'},
}
# ... and what the documents of the random scenarios of t_oracle.sh must
# reach (with --steps 300 or more): the scenarios with other figures for
# every rule (custom) and a thin fund (thin) are there to have the grades,
# the expected loss, the multiplier, the coverage ratio and the shares of
# the fund checked with their figures, so some of their documents must be
# cut while guarantees are live, also after the rules change (run.py
# live_cuts chooses such cuts)
LIVE = {'a fund above 0 with GA', 'statement: a guarantee with GA, a fund above 0',
        'a later rules version in force with GA', 'a guarantee decided on an earlier rules version with GA'}
REQUIRED_CORNERS_OF_SEED = {
    ('2', 'custom'): LIVE,
    ('8', 'thin'): LIVE | {'ExpectedLoss: GA in two grades or more'},
}


class Stop(Exception):
    pass
# The scenarios' first day.  A scenario of 300 steps spans about two years,
# and mcg refuses a date more than 366 days after today (ledger/journal.h,
# MCG_DATE_AHEAD_MAX_DAYS): they start in the past, so that every date they
# record stays valid whenever they run.
START = '2024-01-01'


class Run:
    def __init__(self, mcg, workdir, seed, profile, steps, every, stop_first, repro,
                 doc_every=100, xmllint=True, live_max=None):
        self.mcg = mcg
        self.live_max = live_max
        self.doc_every = doc_every
        self.xmllint = xmllint and shutil.which('xmllint') is not None
        self.docs = 0
        self.linted = set()
        self.seed = seed
        self.profile = profile
        self.steps = steps
        self.every = every
        self.stop_first = stop_first
        self.repro = repro
        self.db = os.path.join(workdir, 'oracle-%s-%s.db' % (seed, profile))
        self.workdir = workdir
        self.env = dict(os.environ, MCG_DB=self.db, MCG_ACTOR='oracle')
        self.env.pop('MCG_KEYS', None)
        self.passed = 0
        self.failed = 0
        self.reported = 0
        self.history = []
        self.cmdno = 0
        self.imported = 0
        self.stats = {}
        self.repro_written = False
        self.corners = set()    # the corners the documents checked reached (docs.Doc.corners)
        self.unwritten = None   # `mcg audit verify` before refused member adds, and their commands

    def mcg_run(self, argv):
        p = subprocess.run([self.mcg] + argv, env=self.env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace').strip()

    def fail(self, what):
        self.failed += 1
        if self.reported < MAX_REPORTED:
            self.reported += 1
            print('FAIL seed %s/%s command #%d: %s' % (self.seed, self.profile, self.cmdno, what), flush=True)
        if self.stop_first:
            raise Stop()

    def fmt(self, v):
        return v if isinstance(v, str) or v is None else fmt_amount(v, self.digits)

    def csv_rows(self, argv):
        rc, out, err = self.mcg_run(argv)
        if rc != 0:
            self.fail('mcg %s exited %d: %s' % (' '.join(argv), rc, err))
            return None
        rows = list(csv.reader(io.StringIO(out)))
        return rows[0], rows[1:]

    def amount(self, text):
        try:
            return parse_amount(text, self.digits)
        except Exception:
            return 'unparsable %r' % text

    def compare(self, what):
        """Every view, against the model."""
        led = self.led
        tag = '(%s)' % what
        # the trial balance
        got = self.csv_rows(['balance', '--format', 'csv'])
        if got:
            hdr, rows = got
            mine = {r[0]: self.amount(r[1]) for r in rows}
            want = led.balances()
            ok = hdr == ['account', 'balance']
            if not ok:
                self.fail('balance csv header %s %s' % (hdr, tag))
            for acct in sorted(set(mine) | set(want)):
                if mine.get(acct) != want.get(acct):
                    ok = False
                    self.fail('balance of %s %s: mcg %s, oracle %s' % (
                        acct, tag, self.fmt(mine.get(acct, 'absent')), self.fmt(want.get(acct, 'absent'))))
            if [r[0] for r in rows] != sorted(r[0] for r in rows):
                ok = False
                self.fail('balance csv rows not sorted %s' % tag)
            if ok:
                self.passed += 1
        # exposure
        got = self.csv_rows(['exposure', '--format', 'csv'])
        if got:
            hdr, rows = got
            cols = ['borrowed', 'guaranteed', 'pledged', 'due', 'deposit', 'capital']
            ok = hdr == ['member'] + cols
            if not ok:
                self.fail('exposure csv header %s %s' % (hdr, tag))
            mine = {r[0]: tuple(self.amount(x) for x in r[1:]) for r in rows}
            want = led.exposure()
            for m in sorted(set(mine) | set(want)):
                a, b = mine.get(m), want.get(m)
                if a is None or b is None:
                    ok = False
                    self.fail('exposure row of %s %s: mcg %s, oracle %s' % (m, tag, a, b))
                    continue
                for c, x, y in zip(cols, a, b):
                    if x != y:
                        ok = False
                        self.fail('exposure %s of %s %s: mcg %s, oracle %s' % (c, m, tag, self.fmt(x), self.fmt(y)))
            if ok:
                self.passed += 1
        # loans
        got = self.csv_rows(['guarantees', '--format', 'csv'])
        if got:
            hdr, rows = got
            ok = hdr == ['loan', 'borrower', 'bank', 'status', 'outstanding', 'guaranteed', 'coverage', 'score', 'pd']
            if not ok:
                self.fail('guarantees csv header %s %s' % (hdr, tag))
            want = led.guarantees()
            mine = {}
            for r in rows:
                cov = '' if r[6] == '' else r[6]
                mine[r[0]] = (r[3], self.amount(r[4]), self.amount(r[5]), cov, r[7], r[8])
            for lid in sorted(set(mine) | set(want)):
                a = mine.get(lid)
                w = want.get(lid)
                if a is None or w is None:
                    ok = False
                    self.fail('loan row of %s %s: mcg %s, oracle %s' % (lid, tag, a, w))
                    continue
                st, out, ga, cov, sx2, pd = w
                w = (st, out, ga,
                     '' if cov is None else '%d.%02d' % divmod(cov, 100),
                     '' if sx2 is None else ('%d' % (sx2 // 2) if sx2 % 2 == 0 else '%d.5' % (sx2 // 2)),
                     '' if pd is None else '%d.%02d' % divmod(pd, 100))
                for c, x, y in zip(['status', 'outstanding', 'GA', 'coverage', 'score', 'pd'], a, w):
                    if x != y:
                        ok = False
                        self.fail('loan %s %s %s: mcg %s, oracle %s' % (lid, c, tag, self.fmt(x), self.fmt(y)))
            if ok:
                self.passed += 1
        self.compare_members(tag)

    def compare_members(self, tag):
        """`member list --format csv`: every member, its name, status,
        sector and district (empty when not recorded) as the model has
        them."""
        got = self.csv_rows(['member', 'list', '--format', 'csv'])
        if got:
            hdr, rows = got
            cols = ['name', 'status', 'sector', 'district']
            ok = hdr == ['member'] + cols
            if not ok:
                self.fail('member list csv header %s %s' % (hdr, tag))
            mine = {r[0]: tuple(r[1:5]) for r in rows}
            want = {m: (v['name'], v['status'], v.get('sector') or '', v.get('district') or '')
                    for m, v in self.led.s['members'].items()}
            for m in sorted(set(mine) | set(want)):
                a, b = mine.get(m), want.get(m)
                if a is None or b is None:
                    ok = False
                    self.fail('member %s %s: mcg %s, oracle %s' % (m, tag, a or 'absent', b or 'absent'))
                    continue
                for c, x, y in zip(cols, a, b):
                    if x != y:
                        ok = False
                        self.fail('member %s %s %s: mcg %r, oracle %r' % (m, c, tag, x, y))
            if ok:
                self.passed += 1

    def send(self, argv):
        """Runs one command; a bank event without a ref goes, one time in
        four, through `mcg import` as a one-row file (with a ref of its
        own that is never used again)."""
        if argv[0] in ('repay', 'arrears', 'call', 'recover') and '--ref' not in argv \
                and self.cmdno % 4 == 1 and '--date' in argv:
            opts = dict(zip(argv[2::2], argv[3::2]))
            row = ['imp-%d' % self.cmdno, opts.get('--date', ''), argv[0], argv[1],
                   opts.get('--principal', ''), opts.get('--interest', ''), opts.get('--dpd', ''),
                   opts.get('--amount', '')]
            path = os.path.join(self.workdir, 'import-%s-%s.csv' % (self.seed, self.profile))
            with open(path, 'w', newline='') as f:
                w = csv.writer(f, lineterminator='\n')
                w.writerow(['ref', 'date', 'type', 'loan', 'principal', 'interest', 'dpd', 'amount'])
                w.writerow(row)
            self.imported += 1
            self.history[-1] = (self.history[-1][0], self.history[-1][1], 'sent as `mcg import` of ' + ','.join(row))
            return self.mcg_run(['import', path])
        return self.mcg_run(argv)

    def batch(self, rows):
        """A multi-row import file of bank events (CLI.md "Import file"):
        the model applies the rows in order, all or nothing."""
        want, why = self.led.apply_batch(rows)
        self.imports = getattr(self, 'imports', 0) + 1
        path = os.path.join(self.workdir, 'batch-%s-%s-%d.csv' % (self.seed, self.profile, self.imports))
        with open(path, 'w', newline='') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(['ref', 'date', 'type', 'loan', 'principal', 'interest', 'dpd', 'amount'])
            for argv in rows:
                opts = dict(zip(argv[2::2], argv[3::2]))
                w.writerow([opts['--ref'], opts['--date'], argv[0], argv[1], opts.get('--principal', ''),
                            opts.get('--interest', ''), opts.get('--dpd', ''), opts.get('--amount', '')])
        argv = ['import', path]
        self.history.append((argv, want, 'rows: ' + ' | '.join(' '.join(r) for r in rows)))
        self.imported += len(rows)
        return want, why, argv, self.mcg_run(argv)

    def compare_scores(self, lid, date):
        """The eligible assessments mcg shows for a guarantee's date."""
        got = self.csv_rows(['scores', lid, '--format', 'csv', '--date', date])
        if not got:
            return
        hdr, rows = got
        mine = sorted((r[0], int(r[1])) for r in rows if r[3] == 'eligible')
        import datetime
        want = sorted(self.led.eligible_by(lid, datetime.date.fromisoformat(date)))
        if mine != want:
            self.fail('eligible assessments of %s on %s: mcg %s, oracle %s' % (lid, date, mine, want))
        else:
            self.passed += 1

    # -- the signed documents (docs/REPORTS.md)
    def check_doc(self, argv, root_tag, want, what, path=None):
        """Runs mcg to write one document (to `path`, or standard output
        kept in a file), checks that `statement verify` accepts it (and
        xmllint against its schema), and compares every figure with the
        oracle's `want` (a docs.Doc).  `argv` None: the file is there."""
        tag = '%s (after command #%d)' % (what, self.cmdno)
        rc, out, err = self.mcg_run(argv) if argv else (0, '', '')
        if rc != 0:
            self.fail('%s: `mcg %s` exited %d: %s' % (tag, ' '.join(argv), rc, err))
            return
        if path is None:
            path = os.path.join(self.workdir, 'doc-%s-%s-member.xml' % (self.seed, self.profile))
            with open(path, 'w') as f:
                f.write(out)
        self.docs += 1
        rc, out, err = self.mcg_run(['statement', 'verify', path])
        if rc != 0:
            self.fail('%s: `mcg statement verify` exited %d: %s' % (tag, rc, err or out))
        else:
            self.passed += 1
        if self.xmllint and (root_tag, ' page ' in what) not in self.linted:
            # xmllint once per kind of document and scenario (statement
            # verify validates every one against the same schema)
            self.linted.add((root_tag, ' page ' in what))
            p = subprocess.run(['xmllint', '--noout', '--schema', os.path.join(SRC, 'reports', SCHEMA[root_tag]),
                                path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if p.returncode != 0:
                self.fail('%s: xmllint --schema exited %d: %s' % (tag, p.returncode,
                                                                  p.stderr.decode('utf-8', 'replace').strip()[-300:]))
            else:
                self.passed += 1
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            self.fail('%s: not well-formed: %s' % (tag, e))
            return
        diffs = docs.compare(want, root, root_tag, self.led.s['seq'])
        for d in diffs:
            self.fail('%s: %s' % (tag, d))
        if not diffs:
            self.passed += 1
        self.corners |= want.corners

    def period(self, rnd):
        """A period (from, to) for a document: `to` is today (the whole
        log), the date of one of the model's events, or the day before one
        (a cut between events); `from` is the start or an event's date."""
        led = self.led
        dates = sorted({e['date'] for e in led.log}) or [led.s['last_date']]
        x = rnd.random()
        if x < 0.35:
            to = led.s['last_date'] + datetime.timedelta(days=rnd.choice([0, 30]))
        elif x < 0.7:
            to = rnd.choice(dates)
        else:
            to = rnd.choice(dates) - datetime.timedelta(days=1)
        earlier = [d for d in dates if d <= to]
        frm = rnd.choice([self.start] + earlier) if earlier else to
        return frm, to

    def compare_docs(self, final, members=None):
        """The signed documents against the model.  At a checkpoint
        (final false): one bank statement and a member statement or the
        regulatory report, of random periods.  When the generator asks
        (`members` given): every bank's statement and the report up to
        now, and those members' statements.  At the end: a statement for
        every bank, the report (a random period and the whole log), a
        statement in pages, one for a period before the first event, two
        member statements, a statement and the report of one day, for a
        random scenario the report and statements as of the days of
        live_cuts; and first, documents asked for with --from after
        --to."""
        led = self.led
        rnd = random.Random('%s/%s/docs/%d' % (self.seed, self.profile, self.cmdno))
        name, cur = self.name, self.currency
        banks = sorted(led.s['banks'])
        if not banks:
            return

        def statement(bank, frm, to):
            path = os.path.join(self.workdir, 'doc-%s-%s-statement.xml' % (self.seed, self.profile))
            self.check_doc(['statement', bank, '--from', frm.isoformat(), '--to', to.isoformat(), '-o', path],
                           'BankStatement', docs.expect_bank_statement(led, name, cur, bank, frm, to),
                           'statement %s %s..%s' % (bank, frm, to), path)

        def regulatory(frm, to):
            path = os.path.join(self.workdir, 'doc-%s-%s-regulatory.xml' % (self.seed, self.profile))
            self.check_doc(['report', 'regulatory', '--from', frm.isoformat(), '--to', to.isoformat(), '-o', path],
                           'RegulatoryReport', docs.expect_regulatory(led, name, cur, frm, to),
                           'regulatory report %s..%s' % (frm, to), path)

        def member(m):
            self.check_doc(['exposure', m, '--format', 'xml'], 'MemberStatement',
                           docs.expect_member_statement(led, name, cur, m), 'member statement of %s' % m)

        # the members with most to show: losses as co-guarantor, pledges, loans
        def weight(m):
            return sum((l['borrower'] == m) + 2 * (m in l['pledges']) + 5 * (l['loss_p'].get(m, 0) > 0)
                       for l in led.s['loans'].values())
        members_asked = members
        members = sorted(led.s['members'], key=lambda m: (-weight(m), m))
        if not final:
            statement(rnd.choice(banks), *self.period(rnd))
            if (self.cmdno // self.doc_every) % 2 and members:
                member(rnd.choice(members[:5]))
            else:
                regulatory(*self.period(rnd))
            return
        if members_asked is not None:
            # asked by the generator: the state now, these members
            for b in banks:
                statement(b, self.period(rnd)[0], led.s['last_date'])
            regulatory(self.period(rnd)[0], led.s['last_date'])
            for m in members_asked:
                member(m)
            return
        # first, before any document signs a checkpoint of the log as it
        # is now (mcg keeps one checkpoint a size: a refused request that
        # wrongly kept one would go unseen after another document)
        self.compare_reversed(random.Random('%s/%s/reversed' % (self.seed, self.profile)), banks)
        for b in banks:
            statement(b, *self.period(rnd))
        regulatory(*self.period(rnd))
        regulatory(self.start, led.s['last_date'])
        self.compare_pages(rnd, banks)
        # a period that ends before the ledger's first event: AsOf event 0
        before = self.start - datetime.timedelta(days=1)
        statement(banks[0], before - datetime.timedelta(days=30), before)
        for m in members[:1] + rnd.sample(members[1:], min(1, len(members) - 1)):
            member(m)
        # a period of one day (--from = --to), on a day with events
        day = rnd.choice(sorted({e['date'] for e in led.log}))
        assert docs.period_status(day, day) == 0
        statement(rnd.choice(banks), day, day)
        regulatory(day, day)
        if self.profile in ('edges', 'ratios', 'text'):
            return      # fixed scenarios: their documents come when they ask
        # cuts while guarantees are live (a random scenario may end, and
        # its checkpoints fall, when none is): the report and the
        # statements of the banks with one, as of those days
        live = random.Random('%s/%s/live' % (self.seed, self.profile))
        dates = sorted({e['date'] for e in led.log})
        for to, seq in self.live_cuts():
            frm = live.choice([self.start] + [d for d in dates if d <= to])
            regulatory(frm, to)
            v = led.view(seq)
            for b in sorted({l['bank'] for l in v.s['loans'].values() if v.ga(l) > 0}):
                statement(b, frm, to)

    def compare_refused(self, argv, rc, want, out, err):
        """A `member add` refused (exit 2): one line `mcg: error: ...` on
        standard error (CLI.md), nothing on standard output, and, checked
        by unwritten_end, nothing written."""
        if rc != want:
            self.unwritten = None       # (a mismatch already; the ledger differs)
            return
        self.unwritten[1].append(argv)
        tag = '`mcg %s` (refused)' % ' '.join(shlex.quote(a) for a in argv)
        ok = True
        if not err.startswith('mcg: error: ') or '\n' in err:
            ok = False
            self.fail('%s: standard error is not one line `mcg: error: ...`: %r' % (tag, err))
        if out:
            ok = False
            self.fail('%s wrote %r to standard output' % (tag, out[:200]))
        if ok:
            self.passed += 1

    def unwritten_begin(self):
        """Before a `member add` the model refuses: the ledger as it is,
        `mcg audit verify` (its events, kept checkpoints and root), unless
        it is held already for the refusals just before."""
        if self.unwritten is None:
            self.unwritten = (self.mcg_run(['audit', 'verify']), [])

    def unwritten_end(self):
        """After refused `member add`s, before anything else is sent or a
        document signs a checkpoint: `mcg audit verify` as before them
        (CLI.md "Exit codes": exit 2, what was written: nothing)."""
        if self.unwritten is None:
            return
        (rc0, before, err0), cmds = self.unwritten
        self.unwritten = None
        if not cmds:
            return
        rc, after, err = self.mcg_run(['audit', 'verify'])
        if rc0 != 0 or rc != 0 or after != before:
            self.fail('%s changed the ledger: `mcg audit verify` said %r, then %r' % (
                ' or '.join('`mcg %s`' % ' '.join(shlex.quote(a) for a in c) for c in cmds[:3])
                + (' (or %d more refused after them)' % (len(cmds) - 3) if len(cmds) > 3 else ''),
                before.strip() if rc0 == 0 else 'exit %d: %s' % (rc0, err0),
                after.strip() if rc == 0 else 'exit %d: %s' % (rc, err)))
        else:
            self.passed += 1

    def live_cuts(self):
        """[(day, seq)]: the cuts (the state at the end of a day with
        events) with guarantees live, GA > 0, that the documents must see:
        for each rules version in force and each sign of the fund (above
        0, 0, below 0), the day with the most such guarantees (then the
        most grades, both active and defaulted ones, the most GA); and the
        same among the days when one of them was decided on an earlier
        rules version than the one in force; at most --live-cuts of them,
        those with the most.  Read from the model's own copies of its
        state, so no draw of the scenario changes."""
        led = self.led
        eod = {}
        for seq, d, _, _, _ in led.snaps:
            eod[d] = seq
        best = {}
        for d, seq in sorted(eod.items()):
            v = led.view(seq)
            live = [l for l in v.s['loans'].values() if v.ga(l) > 0]
            if not live:
                continue
            fund = v.fund()
            score = (len(live), len({l['score_x2'] // 2 for l in live}), len({l['status'] for l in live}),
                     sum(v.ga(l) for l in live))
            keys = [('version', v.rules_version, (fund > 0) - (fund < 0))]
            if any(l.get('rules_version', 1) < v.rules_version for l in live):
                keys.append(('decided on an earlier version',))
            for k in keys:
                if k not in best or score > best[k][0]:
                    best[k] = (score, d, seq)
        cuts = sorted(set(best.values()), reverse=True)[:self.live_max]
        return sorted({(d, seq) for _, d, seq in cuts})

    def compare_reversed(self, rnd, banks):
        """Documents asked for with --from after --to (a day after, or
        a month): the exit status of docs.period_status, an error of one
        line `mcg: error: ...` (CLI.md), and nothing written: no FILE, no
        FILE.tmp, no page, an existing FILE byte for byte as it was,
        nothing on standard output for `-o -`, and the ledger as it was
        (`mcg audit verify`: the same events, the same kept checkpoints,
        the same root; the state tables against the events: `mcg check`
        at the end of the run).  Run when no checkpoint of the log's
        present size is kept yet."""
        led = self.led
        to = rnd.choice(sorted({e['date'] for e in led.log}) + [led.s['last_date']])
        frm = to + datetime.timedelta(days=rnd.choice([1, 31]))
        want = docs.period_status(frm, to)
        base = os.path.join(self.workdir, 'reversed-%s-%s' % (self.seed, self.profile))
        kept = base + '-kept.xml'
        kept_bytes = b'<not-a-document>written before, must stay</not-a-document>\n'
        period = ['--from', frm.isoformat(), '--to', to.isoformat()]
        bank = rnd.choice(banks)
        cases = [
            ['statement', bank] + period + ['-o', base + '-statement.xml'],
            ['statement', bank] + period + ['--page-size', '1', '-o', base + '-pages.xml'],
            ['report', 'regulatory'] + period + ['-o', base + '-regulatory.xml'],
            ['report', 'regulatory'] + period + ['-o', kept],
            ['report', 'regulatory'] + period + ['-o', '-'],
        ]
        rc, before, err = self.mcg_run(['audit', 'verify'])
        if rc != 0:
            self.fail('mcg audit verify exited %d: %s' % (rc, err))
            return
        for argv in cases:
            for f in os.listdir(self.workdir):
                if f.startswith(os.path.basename(base)):
                    os.remove(os.path.join(self.workdir, f))
            with open(kept, 'wb') as f:
                f.write(kept_bytes)
            tag = '`mcg %s` (--from after --to)' % ' '.join(argv)
            rc, out, err = self.mcg_run(argv)
            self.history.append((argv, want, 'a document asked for, not an event'))
            ok = True
            if rc != want:
                ok = False
                self.fail('%s exited %d, oracle %d: %s' % (tag, rc, want, err))
            if want != 0 and (not err.startswith('mcg: error: ') or '\n' in err):
                ok = False
                self.fail('%s: standard error is not one line `mcg: error: ...`: %r' % (tag, err))
            if want != 0 and out:
                ok = False
                self.fail('%s wrote %d bytes to standard output' % (tag, len(out)))
            made = sorted(f for f in os.listdir(self.workdir)
                          if f.startswith(os.path.basename(base)) and f != os.path.basename(kept))
            if want != 0 and made:
                ok = False
                self.fail('%s left %s' % (tag, ', '.join(made)))
            with open(kept, 'rb') as f:
                if f.read() != kept_bytes:
                    ok = False
                    self.fail('%s changed the file that was at %s' % (tag, kept))
            rc, after, err = self.mcg_run(['audit', 'verify'])
            if want != 0 and (rc != 0 or after != before):
                ok = False
                self.fail('%s changed the ledger: `mcg audit verify` said %r, then %r' % (
                    tag, before.strip(), after.strip() if rc == 0 else 'exit %d: %s' % (rc, err)))
            if ok:
                self.passed += 1

    def compare_pages(self, rnd, banks):
        """One statement in pages (REPORTS.md "Pages"): three or four
        pages, of the whole log (so that there are guarantees); each page
        is the one document's guarantees and events of its range, with
        its own counts and the whole statement's in Header/Page."""
        led = self.led
        name, cur = self.name, self.currency
        frm, to = self.start, led.s['last_date']
        bank = rnd.choice(banks)
        want = docs.expect_bank_statement(led, name, cur, bank, frm, to)
        nloans = int(want.flat['Guarantees/@count'])
        size = max(1, -(-nloans // 3))
        pages = docs.expect_pages(want, size, lambda t: parse_amount(t, self.digits))
        base = os.path.join(self.workdir, 'pages-%s-%s' % (self.seed, self.profile))
        rc, out, err = self.mcg_run(['statement', bank, '--from', frm.isoformat(), '--to', to.isoformat(),
                                     '--page-size', str(size), '-o', base + '.xml'])
        if rc != 0:
            self.fail('statement %s in pages of %d: exited %d: %s' % (bank, size, rc, err))
        else:
            width = len(str(len(pages)))
            made = sorted(f for f in os.listdir(self.workdir) if f.startswith(os.path.basename(base) + '-p'))
            names = ['%s-p%0*d.xml' % (os.path.basename(base), width, k + 1) for k in range(len(pages))]
            if made != names:
                self.fail('statement %s in pages of %d: files %s, oracle %s' % (bank, size, made, names))
            for k, page in enumerate(pages):
                path = os.path.join(self.workdir, names[k])
                if os.path.exists(path):
                    self.check_doc(None, 'BankStatement', page, 'statement %s %s..%s page %d of %d (size %d)' % (
                        bank, frm, to, k + 1, len(pages), size), path)

    def write_repro(self):
        if not self.repro or self.repro_written:
            return
        self.repro_written = True
        with open(self.repro, 'w', errors='surrogateescape') as f:
            f.write('#!/bin/sh\n# seed %s profile %s: the commands up to the first mismatch\n' % (self.seed, self.profile))
            f.write('export MCG_DB=${MCG_DB:-$PWD/repro.db}; M=${MCG:-mcg}\n')
            for h in self.history:
                f.write('$M %s  # oracle: exit %d%s\n' % (' '.join(shlex.quote(a) for a in h[0]), h[1],
                                                         '; ' + h[2] if len(h) > 2 else ''))

    def run(self):
        prof = PROFILES[self.profile]
        cur = prof['currency']
        self.digits = 0 if cur == 'JPY' else 2
        rules = profile_rules(self.profile, self.digits)
        self.name, self.currency = 'Oracle %s %s' % (self.seed, self.profile), cur
        self.start = datetime.date.fromisoformat(START)
        init = ['init', '--name', self.name, '--currency', cur, '--date', START]
        if prof['rules'] or cur != 'EUR':
            path = os.path.join(self.workdir, 'rules-%s-%s.xml' % (self.seed, self.profile))
            with open(path, 'w') as f:
                f.write(rules_xml(rules, self.digits))
            init += ['--rules', path]
        self.history.append((init, 0))
        rc, out, err = self.mcg_run(init)
        if rc != 0:
            self.fail('mcg init exited %d: %s' % (rc, err))
            return
        self.led = Ledger(self.digits, rules, START)
        gen = {'edges': Edges, 'ratios': Ratios, 'text': Texts}.get(self.profile, Gen)(
            self.seed, self.profile, self.led, self.steps)
        gen.workdir = self.workdir
        try:
            for argv in gen:
                if isinstance(argv, tuple) and argv[0] == 'docs':   # the generator asks for them now
                    before = self.failed
                    self.unwritten_end()
                    self.compare_docs(True, argv[1])
                    if self.failed > before:
                        self.write_repro()
                    continue
                self.cmdno += 1
                refused_member = False
                if isinstance(argv, tuple) and argv[0] == 'import':
                    self.unwritten_end()
                    want, why, argv, (rc, out, err) = self.batch(argv[1])
                else:
                    want, why = self.led.apply(argv)
                    self.history.append((argv, want))
                    # a member refused (a sector that is not a NACE code,
                    # a district that is not text, a bad or used id):
                    # nothing written (unwritten_begin, unwritten_end)
                    refused_member = argv[:2] == ['member', 'add'] and want != 0
                    if refused_member:
                        self.unwritten_begin()
                    else:
                        self.unwritten_end()
                    rc, out, err = self.send(argv)
                key = ' '.join(argv[:2]) if argv[0] in ('member', 'bank', 'loan', 'rules') else argv[0]
                self.stats[(key, want)] = self.stats.get((key, want), 0) + 1
                if want == 3:
                    for rule in why.split(': ', 1)[1].split(', '):
                        rule = rule.split('(')[0]
                        self.stats[('rule', rule)] = self.stats.get(('rule', rule), 0) + 1
                if rc != want:
                    self.write_repro()
                    self.fail('exit status of `mcg %s`: mcg %d, oracle %d (oracle: %s; mcg: %s)' % (
                        ' '.join(shlex.quote(a) for a in argv), rc, want, why, err or out.strip()))
                else:
                    self.passed += 1
                before = self.failed
                if refused_member:
                    self.compare_refused(argv, rc, want, out, err)
                if argv[0] == 'guarantee' and argv[1] in self.led.s['loans'] and want in (0, 3):
                    self.compare_scores(argv[1], argv[argv.index('--date') + 1])
                if self.cmdno % self.every == 0 or (want == 0 and argv[0] in ('call', 'recover', 'guarantee')
                                                    and self.cmdno % 3 == 0):
                    self.compare('after command #%d' % self.cmdno)
                if self.doc_every and self.cmdno % self.doc_every == 0:
                    self.unwritten_end()
                    self.compare_docs(False)
                if self.failed > before:
                    self.write_repro()
            self.unwritten_end()
            self.cmdno += 1
            self.compare('at the end')
            if self.doc_every:
                self.compare_docs(True)
            rc, out, err = self.mcg_run(['check'])
            if rc != 0:
                self.fail('mcg check exited %d: %s' % (rc, err))
            else:
                self.passed += 1
            # the fixed scenario is there for its corners: a change that
            # lost one must not pass unnoticed
            need = REQUIRED_CORNERS.get(self.profile, set()) if self.doc_every else set()
            if self.doc_every and self.steps >= 300:
                need = need | REQUIRED_CORNERS_OF_SEED.get((self.seed, self.profile), set())
            for c in sorted(need - self.corners):
                self.fail('no %s checked reached this corner: %s' % (
                    'bank statement' if c.startswith('statement: ') else 'regulatory report', c))
        except Stop:
            pass
        if self.reported < self.failed:
            print('FAIL seed %s/%s: %d more mismatches not shown' % (
                self.seed, self.profile, self.failed - self.reported), flush=True)


def main():
    # an argument that is not UTF-8 is held as a lone surrogate (gen.py
    # BAD_DISTRICTS): printed escaped
    sys.stdout.reconfigure(errors='backslashreplace')
    ap = argparse.ArgumentParser()
    ap.add_argument('--mcg', required=True)
    ap.add_argument('--dir', required=True)
    ap.add_argument('--steps', type=int, default=300)
    ap.add_argument('--every', type=int, default=20)
    ap.add_argument('--stop-first', action='store_true')
    ap.add_argument('--repro')
    ap.add_argument('--stats', action='store_true')
    ap.add_argument('--doc-every', type=int, default=100,
                    help='check the signed documents every N commands and at the end (0: never)')
    ap.add_argument('--no-xmllint', action='store_true')
    ap.add_argument('--live-cuts', type=int, default=None,
                    help='at most N days of live guarantees for the documents at the end (live_cuts)')
    ap.add_argument('seeds', nargs='+')
    a = ap.parse_args()
    passed = failed = 0
    for s in a.seeds:
        seed, _, profile = s.partition(':')
        t0 = time.time()
        r = Run(a.mcg, a.dir, seed, profile or 'default', a.steps, a.every, a.stop_first,
                a.repro and '%s.%s-%s.sh' % (a.repro, seed, profile or 'default'),
                a.doc_every, not a.no_xmllint, a.live_cuts)
        r.run()
        print('INFO seed %s/%s: %d commands (%d through import), %d documents, %d checks passed, %d failed, %.1f s' % (
            seed, r.profile, r.cmdno, r.imported, r.docs, r.passed, r.failed, time.time() - t0), flush=True)
        if r.corners:
            print('INFO seed %s/%s: corners reached: %s' % (seed, r.profile, '; '.join(sorted(r.corners))), flush=True)
        if a.stats:
            for k in sorted(r.stats):
                print('STAT %s %s: %d' % (k[0], k[1], r.stats[k]))
        passed += r.passed
        failed += r.failed
    print('RESULT %d %d' % (passed, failed))


if __name__ == '__main__':
    main()

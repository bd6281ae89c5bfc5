#!/usr/bin/env python3
"""Runs oracle scenarios against the real mcg binary and compares.

usage: run.py --mcg BIN --dir DIR [--steps N] [--every K] [--stop-first]
              [--repro FILE] SEED:PROFILE...

For each SEED:PROFILE it creates a ledger in DIR, then runs the generated
commands one at a time against mcg and the oracle model (oracle.py), and
compares the exit status of every command; every K commands, after every
call and recovery, and at the end, it compares every account balance
(`balance --format csv`), every member's exposure (`exposure --format
csv`), every loan's status, outstanding, GA, coverage, score and PD
(`guarantees --format csv`) and every member's status (`member list
--format csv`).  It prints one line `FAIL ...` per mismatch (naming the
seed, the command number, the figure, mcg's value and the oracle's), at
most MAX_REPORTED a seed, and a last line `RESULT PASSED FAILED`.
"""

import argparse
import csv
import io
import os
import shlex
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from oracle import Ledger, fmt_amount, parse_amount, rules_xml  # noqa: E402
from gen import Edges, Gen, PROFILES, profile_rules                 # noqa: E402

MAX_REPORTED = 15


class Stop(Exception):
    pass
START = '2026-01-01'


class Run:
    def __init__(self, mcg, workdir, seed, profile, steps, every, stop_first, repro):
        self.mcg = mcg
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
        # member status
        got = self.csv_rows(['member', 'list', '--format', 'csv'])
        if got:
            hdr, rows = got
            mine = {r[0]: r[2] for r in rows}
            want = led.member_status()
            bad = [m for m in sorted(set(mine) | set(want)) if mine.get(m) != want.get(m)]
            for m in bad:
                self.fail('member %s status %s: mcg %s, oracle %s' % (m, tag, mine.get(m), want.get(m)))
            if not bad:
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

    def write_repro(self):
        if not self.repro or self.repro_written:
            return
        self.repro_written = True
        with open(self.repro, 'w') as f:
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
        init = ['init', '--name', 'Oracle %s %s' % (self.seed, self.profile), '--currency', cur, '--date', START]
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
        gen = (Edges if self.profile == 'edges' else Gen)(self.seed, self.profile, self.led, self.steps)
        try:
            for argv in gen:
                self.cmdno += 1
                want, why = self.led.apply(argv)
                self.history.append((argv, want))
                key = ' '.join(argv[:2]) if argv[0] in ('member', 'bank', 'loan') else argv[0]
                self.stats[(key, want)] = self.stats.get((key, want), 0) + 1
                if want == 3:
                    for rule in why.split(': ', 1)[1].split(', '):
                        rule = rule.split('(')[0]
                        self.stats[('rule', rule)] = self.stats.get(('rule', rule), 0) + 1
                rc, out, err = self.send(argv)
                if rc != want:
                    self.write_repro()
                    self.fail('exit status of `mcg %s`: mcg %d, oracle %d (oracle: %s; mcg: %s)' % (
                        ' '.join(shlex.quote(a) for a in argv), rc, want, why, err or out.strip()))
                else:
                    self.passed += 1
                before = self.failed
                if argv[0] == 'guarantee' and argv[1] in self.led.s['loans'] and want in (0, 3):
                    self.compare_scores(argv[1], argv[argv.index('--date') + 1])
                if self.cmdno % self.every == 0 or (want == 0 and argv[0] in ('call', 'recover', 'guarantee')
                                                    and self.cmdno % 3 == 0):
                    self.compare('after command #%d' % self.cmdno)
                if self.failed > before:
                    self.write_repro()
            self.cmdno += 1
            self.compare('at the end')
            rc, out, err = self.mcg_run(['check'])
            if rc != 0:
                self.fail('mcg check exited %d: %s' % (rc, err))
            else:
                self.passed += 1
        except Stop:
            pass
        if self.reported < self.failed:
            print('FAIL seed %s/%s: %d more mismatches not shown' % (
                self.seed, self.profile, self.failed - self.reported), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mcg', required=True)
    ap.add_argument('--dir', required=True)
    ap.add_argument('--steps', type=int, default=300)
    ap.add_argument('--every', type=int, default=20)
    ap.add_argument('--stop-first', action='store_true')
    ap.add_argument('--repro')
    ap.add_argument('--stats', action='store_true')
    ap.add_argument('seeds', nargs='+')
    a = ap.parse_args()
    passed = failed = 0
    for s in a.seeds:
        seed, _, profile = s.partition(':')
        t0 = time.time()
        r = Run(a.mcg, a.dir, seed, profile or 'default', a.steps, a.every, a.stop_first,
                a.repro and '%s.%s-%s.sh' % (a.repro, seed, profile or 'default'))
        r.run()
        print('INFO seed %s/%s: %d commands (%d through import), %d checks passed, %d failed, %.1f s' % (
            seed, r.profile, r.cmdno, r.imported, r.passed, r.failed, time.time() - t0), flush=True)
        if a.stats:
            for k in sorted(r.stats):
                print('STAT %s %s: %d' % (k[0], k[1], r.stats[k]))
        passed += r.passed
        failed += r.failed
    print('RESULT %d %d' % (passed, failed))


if __name__ == '__main__':
    main()

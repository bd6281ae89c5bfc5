#!/usr/bin/env python3
"""The oracle's side of the signed XML documents (docs/REPORTS.md): what
the bank statement, the member statement and the regulatory report must
say, computed from the oracle's own model (oracle.py: its state, its log of
events and its copies of the state after every event), never from mcg.

Both sides are reduced to the same flat form, a dict from a path to a text:

    Header/AsOf/@event                      -> '57'
    Guarantees/Guarantee[L3]/Outstanding    -> '0.00'
    Events/Repayment[48]/OutstandingAfter   -> '22059.77'

An element of a list is named by what identifies it (a loan, a member, an
event number, a status, a grade, a rank, a bucket's key: `[]` for the
bucket without a key); an attribute is `/@name`; an element without
children maps to its text (nothing when it has none but has attributes).  `flatten` reads mcg's
XML into that form, with the order of every list; the `expect_*`
functions build the oracle's.  What the oracle cannot know (Created, the
checkpoint's origin, root hash and signed note, the signature) is left
out of both; the checkpoint's Size is compared with the model's count of
events.
"""

import xml.etree.ElementTree as ET

from oracle import fmt_amount, pct

DSIG = '{http://www.w3.org/2000/09/xmldsig#}'
NS = {
    'BankStatement': 'urn:mcg:statement:1',
    'MemberStatement': 'urn:mcg:member-statement:1',
    'RegulatoryReport': 'urn:mcg:regulatory:1',
}
STATUSES = ('active', 'repaid', 'defaulted', 'called', 'closed')


def local(tag):
    return tag.split('}', 1)[1] if tag.startswith('{') else tag


def seg_key(tag, parent, e):
    """The identifying part of a list element's path segment."""
    a = e.attrib
    if parent == 'Events':
        return '[%s]' % a.get('event', '?')
    if tag == 'Guarantee':
        return '[%s]' % a.get('loan', '?')
    if tag == 'Pledge':
        return '[%s]' % a.get('member', a.get('loan', '?'))
    if tag == 'Loan':
        return '[%s]' % a.get('id', '?')
    if tag == 'Bucket':
        return '[%s]' % a.get('status', a.get('key', ''))
    if tag == 'Grade':
        return '[%s]' % a.get('grade', '?')
    if tag == 'Exposure' and parent == 'LargestExposures':
        return '[%s]' % a.get('rank', '?')
    if tag in ('FromCoGuarantor', 'ToCoGuarantor'):
        return '[%s]' % a.get('member', '?')
    return ''


def flatten(root):
    """mcg's document -> (flat dict, {path: [child segments in order]},
    checkpoint size or None).  A segment met twice under one parent is
    reported as the value 'DUPLICATE'."""
    flat, order = {}, {}

    def walk(e, path):
        for k, v in e.attrib.items():
            flat[path + '/@' + k] = v
        kids = [c for c in e if isinstance(c.tag, str) and not c.tag.startswith(DSIG)]
        text = (e.text or '').strip()
        if not kids and path and (text or not e.attrib):
            flat[path] = text
        segs = []
        for c in kids:
            tag = local(c.tag)
            seg = tag + seg_key(tag, local(e.tag), c)
            p = (path + '/' + seg) if path else seg
            if seg in segs:
                flat[p] = 'DUPLICATE'
                continue
            segs.append(seg)
            walk(c, p)
        order[path] = segs

    walk(root, '')
    size = flat.get('Checkpoint/Size')
    for k in list(flat):
        if k == 'Header/Created' or k == 'Checkpoint' or k.startswith('Checkpoint/'):
            del flat[k]
    return flat, order, size


class Doc:
    """The oracle's expected document, being built."""

    def __init__(self, digits):
        self.digits = digits
        self.flat = {}
        self.order = {}          # path -> [segments] for the lists whose order is checked
        self.corners = set()     # the corners of the contract this document reaches

    def el(self, path, text=None, **attrs):
        if text is not None or not attrs:
            self.flat[path] = '' if text is None else str(text)
        for k, v in attrs.items():
            self.flat[path + '/@' + k.rstrip('_')] = str(v)

    def node(self, path, **attrs):
        """An element with children: only its attributes."""
        for k, v in attrs.items():
            self.flat[path + '/@' + k.rstrip('_')] = str(v)

    def amt(self, v):
        return fmt_amount(v, self.digits)


def pcts(bp):
    """A percentage in basis points, two decimals."""
    return '%d.%02d' % divmod(bp, 100)


def ratio(num, den):
    """num / den with two decimals, rounded half up (num >= 0, den > 0 ints)."""
    assert num >= 0 and den > 0
    q, r = divmod(num * 100, den)
    if 2 * r >= den:
        q += 1
    return '%d.%02d' % divmod(q, 100)


def x100(v):
    return '%d.%02d' % divmod(v, 100)


def loan_ga_parts(v, l):
    """Each co-guarantor's part of min(GA, sum of pledges) (section 6), for
    a loan active or defaulted; otherwise nothing at risk."""
    if l['status'] not in ('active', 'defaulted') or not l['pledges']:
        return {m: 0 for m in l['pledges']}
    from oracle import allocate
    tot = min(v.ga(l), sum(l['pledges'].values()))
    return allocate(tot, [(m, l['pledges'][m]) for m in sorted(l['pledges'])])


def fund_block(doc, v, total_ga, balance_key, total_key):
    fund = v.fund()
    doc.el('Fund/Balance', doc.amt(fund))
    doc.el('Fund/' + total_key, doc.amt(total_ga))
    if fund > 0:
        doc.el('Fund/Multiplier', ratio(total_ga, fund))
    doc.el('Fund/MultiplierMax', x100(v.rules['multiplier_max_x100']))
    doc.el('Fund/Deficit', doc.amt(max(0, -fund)))
    return fund


def period_status(frm, to):
    """The exit status of `mcg statement` and `mcg report regulatory` for
    the period --from frm --to to.  REPORTS.md and the man page: the period
    is "--from D, --to D (both included)", the events "dated from F to T":
    --from equal to --to is a period of one day like any other (exit 0);
    CLI.md names no case of --from after --to, which is no period at all:
    bad input, exit 2, and "what was written: nothing" (no file, no
    FILE.tmp, no page, an existing FILE untouched, no checkpoint kept)."""
    return 2 if frm > to else 0


def period_events(led, frm, to):
    return [e for e in led.log if frm <= e['date'] <= to]


def expect_bank_statement(led, name, currency, bank, frm, to):
    """docs/REPORTS.md "The bank statement", from the model."""
    doc = Doc(led.digits)
    seq, date = led.cut(to)
    v = led.view(seq)
    doc.node('', version='1', currency=currency)
    doc.el('Header/Consortium', name)
    doc.el('Header/Bank', led.s['bank_names'][bank], bic=bank)
    doc.el('Header/Period', from_=frm.isoformat(), to=to.isoformat())
    doc.el('Header/AsOf', event=seq, date=date.isoformat())
    doc.el('Header/RulesVersion', v.rules_version)
    mine = sorted(lid for lid, l in v.s['loans'].items() if l['bank'] == bank and l['issued'])
    doc.node('Guarantees', count=len(mine))
    total = 0
    for lid in mine:
        l = v.s['loans'][lid]
        g = 'Guarantees/Guarantee[%s]' % lid
        doc.node(g, loan=lid, status=l['status'])
        doc.el(g + '/Borrower', v.s['members'][l['borrower']]['name'], id=l['borrower'])
        doc.el(g + '/Issued', event=l['issued'][0], date=l['issued'][1].isoformat())
        doc.el(g + '/Principal', doc.amt(l['principal']))
        doc.el(g + '/Outstanding', doc.amt(l['outstanding']))
        doc.el(g + '/Coverage', pcts(l['coverage']))
        if l['cap'] is not None:
            doc.el(g + '/Cap', doc.amt(l['cap']))
        ga = v.ga(l)
        total += ga
        doc.el(g + '/GuaranteedAmount', doc.amt(ga))
        doc.el(g + '/Deposit', doc.amt(-v.bal('deposit:' + lid)))
        pledges(doc, g + '/Pledges', l['pledges'])
    doc.order['Guarantees'] = ['Guarantee[%s]' % lid for lid in mine] + ['TotalGuaranteed']
    doc.el('Guarantees/TotalGuaranteed', doc.amt(total))
    loans_of_bank = {lid for lid, l in led.s['loans'].items() if l['bank'] == bank}
    evs = [e for e in period_events(led, frm, to) if e.get('loan') in loans_of_bank
           and e['kind'] in ('loan.add', 'guarantee', 'repay', 'arrears', 'call', 'recover', 'writeoff')]
    doc.node('Events', count=len(evs))
    segs = []
    for e in evs:
        tag = {'loan.add': 'LoanApplied', 'guarantee': 'GuaranteeIssued', 'repay': 'Repayment',
               'arrears': 'Default' if e.get('default') else 'Arrears', 'call': 'Call',
               'recover': 'Recovery', 'writeoff': 'WriteOff'}[e['kind']]
        p = 'Events/%s[%d]' % (tag, e['seq'])
        segs.append('%s[%d]' % (tag, e['seq']))
        attrs = dict(event=e['seq'], date=e['date'].isoformat(), loan=e['loan'])
        if tag == 'WriteOff':
            doc.el(p, **attrs)
            continue
        doc.node(p, **attrs)
        if tag == 'LoanApplied':
            doc.el(p + '/Borrower', e['borrower'])
            doc.el(p + '/Principal', doc.amt(e['principal']))
        elif tag == 'GuaranteeIssued':
            doc.el(p + '/Coverage', pcts(e['coverage']))
            doc.el(p + '/GuaranteedAmount', doc.amt(e['ga0']))
            doc.el(p + '/Deposit', doc.amt(e['deposit']))
            pledges(doc, p + '/Pledges', e['pledges'])
        elif tag == 'Repayment':
            doc.el(p + '/Principal', doc.amt(e['principal']))
            if e['interest'] is not None:
                doc.el(p + '/Interest', doc.amt(e['interest']))
            doc.el(p + '/OutstandingAfter', doc.amt(e['outstanding_after']))
            if e['deposit_returned']:
                doc.el(p + '/DepositReturned', doc.amt(e['deposit_returned']))
        elif tag == 'Arrears':
            doc.el(p + '/DaysPastDue', e['dpd'])
        elif tag == 'Default':
            doc.el(p + '/DaysPastDue', e['dpd'])
            doc.el(p + '/GuaranteedAmount', doc.amt(e['ga_frozen']))
        elif tag == 'Call':
            doc.el(p + '/Amount', doc.amt(e['amount']))
            w = p + '/Waterfall'
            doc.el(w + '/FromDeposit', doc.amt(e['from_deposit']))
            # "from the event's postings": a co-guarantor whose part is 0
            # has no posting (DOMAIN.md section 3), so no element
            for m in sorted(e['from_p']):
                if e['from_p'][m]:
                    doc.el(w + '/FromCoGuarantor[%s]' % m, doc.amt(e['from_p'][m]), member=m)
            doc.el(w + '/FromCoGuarantors', doc.amt(e['from_cos']))
            doc.el(w + '/FromFund', doc.amt(e['from_fund']))
        elif tag == 'Recovery':
            doc.el(p + '/Amount', doc.amt(e['amount']))
            doc.el(p + '/ToFund', doc.amt(e['to_fund']))
            for m in sorted(e['to_p']):
                if e['to_p'][m]:      # "one per co-guarantor repaid"
                    doc.el(p + '/ToCoGuarantor[%s]' % m, doc.amt(e['to_p'][m]), member=m)
    doc.order['Events'] = segs
    fund = fund_block(doc, v, v.total_ga(), 'Balance', 'TotalGuaranteed')
    if any(v.ga(v.s['loans'][lid]) > 0 for lid in mine):
        doc.corners.add('statement: a guarantee with GA, a fund %s' % ('above 0' if fund > 0 else 'not above 0'))
    return doc


def pledges(doc, path, pl):
    for m in sorted(pl):
        doc.el(path + '/Pledge[%s]' % m, doc.amt(pl[m]), member=m)
    doc.el(path + '/Total', doc.amt(sum(pl.values())))
    doc.order[path] = ['Pledge[%s]' % m for m in sorted(pl)] + ['Total']


def expect_member_statement(led, name, currency, m):
    """docs/REPORTS.md "The member statement": the current state."""
    doc = Doc(led.digits)
    s = led.s
    doc.node('', version='1', currency=currency)
    doc.el('Header/Consortium', name)
    doc.el('Header/Member', s['members'][m]['name'], id=m, status=s['members'][m]['status'])
    doc.el('Header/AsOf', event=s['seq'], date=s['last_date'].isoformat())
    ex = led.exposure()[m]
    for tag, val in zip(['Borrowed', 'Guaranteed', 'Pledged', 'Due', 'Deposit', 'Capital'], ex):
        doc.el('Exposure/' + tag, doc.amt(val))
    mine = sorted(lid for lid, l in s['loans'].items() if l['borrower'] == m)
    doc.node('Loans', count=len(mine))
    for lid in mine:
        l = s['loans'][lid]
        p = 'Loans/Loan[%s]' % lid
        doc.node(p, id=lid, bank=l['bank'], status=l['status'])
        doc.el(p + '/Principal', doc.amt(l['principal']))
        doc.el(p + '/Outstanding', doc.amt(l['outstanding']))
        doc.el(p + '/GuaranteedAmount', doc.amt(led.ga(l)))
        doc.el(p + '/Deposit', doc.amt(-led.bal('deposit:' + lid)))
    doc.order['Loans'] = ['Loan[%s]' % lid for lid in mine]
    pl = sorted(lid for lid, l in s['loans'].items() if m in l['pledges'])
    doc.node('Pledges', count=len(pl))
    for lid in pl:
        l = s['loans'][lid]
        p = 'Pledges/Pledge[%s]' % lid
        doc.node(p, loan=lid, borrower=l['borrower'], status=l['status'])
        doc.el(p + '/Amount', doc.amt(l['pledges'][m]))
        doc.el(p + '/PledgesTotal', doc.amt(sum(l['pledges'].values())))
        doc.el(p + '/LoanGuaranteedAmount', doc.amt(led.ga(l)))
        doc.el(p + '/AtRisk', doc.amt(loan_ga_parts(led, l).get(m, 0)))
        doc.el(p + '/Loss', doc.amt(l['loss_p'].get(m, 0)))
        doc.el(p + '/Recovered', doc.amt(l['rec_p'].get(m, 0)))
    doc.order['Pledges'] = ['Pledge[%s]' % lid for lid in pl]
    return doc


def expect_regulatory(led, name, currency, frm, to):
    """docs/REPORTS.md "The regulatory report", from the model."""
    doc = Doc(led.digits)
    seq, date = led.cut(to)
    v = led.view(seq)
    s = v.s
    r = v.rules
    doc.node('', version='1', currency=currency)
    doc.el('Header/ReportingAgent', name)
    doc.el('Header/Period', from_=frm.isoformat(), to=to.isoformat())
    doc.el('Header/AsOf', event=seq, date=date.isoformat())
    evs = period_events(led, frm, to)
    ms = s['members'].values()
    doc.el('Members/Active', sum(1 for x in ms if x['status'] == 'active'))
    doc.el('Members/Withdrawn', sum(1 for x in ms if x['status'] == 'withdrawn'))
    doc.el('Members/Admitted', sum(1 for e in evs if e['kind'] == 'member.add'))
    doc.el('Members/Left', sum(1 for e in evs if e['kind'] == 'member.withdraw'))
    doc.el('Members/Capital', doc.amt(-sum(b for a, b in s['bal'].items() if a.startswith('capital:'))))
    inst = {lid: l for lid, l in s['loans'].items() if l['issued']}
    ga = {lid: v.ga(l) for lid, l in inst.items()}
    total = sum(ga.values())
    doc.el('Instruments/Count', len(inst))
    doc.el('Instruments/TotalProtectionValue', doc.amt(total))
    for st in STATUSES:
        ids = [lid for lid, l in inst.items() if l['status'] == st]
        p = 'Instruments/ByStatus/Bucket[%s]' % st
        doc.node(p, status=st)
        doc.el(p + '/Count', len(ids))
        doc.el(p + '/ProtectionValue', doc.amt(sum(ga[i] for i in ids)))
    doc.order['Instruments/ByStatus'] = ['Bucket[%s]' % st for st in STATUSES]
    for by, field in (('BySector', 'sector'), ('ByDistrict', 'district')):
        buckets = {}
        for lid, l in inst.items():
            k = s['members'][l['borrower']].get(field) or ''
            c, g = buckets.get(k, (0, 0))
            buckets[k] = (c + 1, g + ga[lid])
        if not buckets:
            doc.el('Instruments/' + by)
        for k, (c, g) in buckets.items():
            p = 'Instruments/%s/Bucket[%s]' % (by, k)
            if k:
                doc.node(p, key=k)
            doc.el(p + '/Count', c)
            doc.el(p + '/ProtectionValue', doc.amt(g))
        # REPORTS.md: "no @key: no sector recorded. By key, byte order".
        # A member with no sector (district) has the empty key, and the
        # empty string comes first in byte order: the bucket without a
        # key first, then the keyed ones by the UTF-8 bytes of their key
        # ('Sassuolo' < 'prato' < 'Émilie').  Its figures are those of the
        # borrowers without one, like any other bucket's.
        doc.order['Instruments/%s' % by] = ['Bucket[%s]' % k for k in sorted(
            buckets, key=lambda k: k.encode('utf-8', 'surrogateescape'))]
        if '' in buckets and len(buckets) > 1:
            doc.corners.add('%s: the bucket without a key among keyed ones' % by)
    fund = v.fund()
    doc.node('LargestExposures', limit=pcts(r['single_name_max']))
    by_name = {}
    for lid, l in inst.items():
        if ga[lid] > 0:
            c, g = by_name.get(l['borrower'], (0, 0))
            by_name[l['borrower']] = (c + 1, g + ga[lid])
    top = sorted(by_name, key=lambda m: (-by_name[m][1], m))[:10]
    for i, m in enumerate(top, 1):
        p = 'LargestExposures/Exposure[%d]' % i
        doc.node(p, rank=i)
        doc.el(p + '/Counterparty', s['members'][m]['name'], id=m)
        doc.el(p + '/Instruments', by_name[m][0])
        doc.el(p + '/ProtectionValue', doc.amt(by_name[m][1]))
        if fund > 0:
            doc.el(p + '/ShareOfFund', ratio(by_name[m][1] * 100, fund))
    doc.order['LargestExposures'] = ['Exposure[%d]' % i for i in range(1, len(top) + 1)]
    fund_block(doc, v, total, 'Balance', 'TotalProtectionValue')
    # REPORTS.md: CoverageRatio is "absent when there is no GA or the fund
    # is negative": a fund of exactly 0.00 with GA is 0.00 (while
    # Multiplier and ShareOfFund, "absent when the fund is not positive",
    # are absent, and Deficit is 0.00)
    if total > 0 and fund >= 0:
        doc.el('Fund/CoverageRatio', ratio(fund * 100, total))
    if total > 0:
        doc.corners.add('a fund %s with GA' % ('of exactly 0' if fund == 0 else 'below 0' if fund < 0
                                                else 'above 0'))
        # the rules changed mid-run: live guarantees under the later
        # version, and one decided on an earlier version (its grade's PD
        # is the one it was decided on, the LGD the one in force)
        if v.rules_version > 1:
            doc.corners.add('a later rules version in force with GA')
        if any(ga[lid] > 0 and l.get('rules_version', 1) < v.rules_version for lid, l in inst.items()):
            doc.corners.add('a guarantee decided on an earlier rules version with GA')
    # expected loss: the grade and PD each guarantee was decided on, the
    # lgd in force at the cut (REPORTS.md, "Choices where the domain is
    # silent"), EL = pct(pct(GA, PD), lgd) (DOMAIN.md section 7)
    lgd = r['lgd']
    doc.el('ExpectedLoss/LGD', pcts(lgd))
    el_total = 0
    for g in range(1, 11):
        ids = [lid for lid, l in inst.items() if ga[lid] > 0 and l['status'] in ('active', 'defaulted')
               and l['score_x2'] // 2 == g]
        el = sum(pct(pct(ga[i], inst[i]['pd']), lgd) for i in ids)
        el_total += el
        p = 'ExpectedLoss/Grade[%d]' % g
        doc.node(p, grade=g)
        doc.el(p + '/PD', pcts(r['master_scale'][g]))
        doc.el(p + '/Count', len(ids))
        doc.el(p + '/ProtectionValue', doc.amt(sum(ga[i] for i in ids)))
        doc.el(p + '/ExpectedLoss', doc.amt(el))
    doc.el('ExpectedLoss/Total', doc.amt(el_total))
    if sum(1 for g in range(1, 11) if doc.flat['ExpectedLoss/Grade[%d]/Count' % g] != '0') >= 2:
        doc.corners.add('ExpectedLoss: GA in two grades or more')
    doc.order['ExpectedLoss'] = ['LGD'] + ['Grade[%d]' % g for g in range(1, 11)] + ['Total']

    def kind(k):
        return [e for e in evs if e['kind'] == k]
    pa = 'PeriodActivity/'
    for tag, k, f in (('LoansApplied', 'loan.add', 'principal'), ('GuaranteesIssued', 'guarantee', 'ga0'),
                      ('Repayments', 'repay', 'principal'), ('Calls', 'call', 'amount')):
        doc.el(pa + tag + '/Count', len(kind(k)))
        doc.el(pa + tag + '/Amount', doc.amt(sum(e[f] for e in kind(k))))
    dflt = [e for e in kind('arrears') if e['default']]
    doc.el(pa + 'Defaults/Count', len(dflt))
    doc.el(pa + 'Defaults/Amount', doc.amt(sum(e['ga_frozen'] for e in dflt)))
    calls = kind('call')
    doc.el(pa + 'Payouts/FromDeposits', doc.amt(sum(e['from_deposit'] for e in calls)))
    doc.el(pa + 'Payouts/FromCoGuarantors', doc.amt(sum(e['from_cos'] for e in calls)))
    doc.el(pa + 'Payouts/FromFund', doc.amt(sum(e['from_fund'] for e in calls)))
    rec = kind('recover')
    doc.el(pa + 'Recoveries/Count', len(rec))
    doc.el(pa + 'Recoveries/Amount', doc.amt(sum(e['amount'] for e in rec)))
    doc.el(pa + 'Recoveries/ToFund', doc.amt(sum(e['to_fund'] for e in rec)))
    doc.el(pa + 'Recoveries/ToCoGuarantors', doc.amt(sum(sum(e['to_p'].values()) for e in rec)))
    doc.el(pa + 'WriteOffs', len(kind('writeoff')))
    doc.node('Rules', version=v.rules_version)
    doc.el('Rules/CoverageMax', pcts(r['coverage_max']))
    doc.el('Rules/CapitalMin', doc.amt(r['capital_min']))
    doc.el('Rules/MultiplierMax', x100(r['multiplier_max_x100']))
    doc.el('Rules/SingleNameMax', pcts(r['single_name_max']))
    doc.el('Rules/PledgeLeverageMax', x100(r['pledge_leverage_max_x100']))
    doc.el('Rules/Fee', pcts(r['fee']))
    doc.el('Rules/FundContribution', pcts(r['fund_contribution']))
    doc.el('Rules/DefaultDaysPastDue', r['default_dpd'])
    doc.el('Rules/LGD', pcts(lgd))
    return doc


def compare(doc, root, root_tag, want_size):
    """-> [mismatch descriptions] between the oracle's `doc` and mcg's
    parsed document `root`."""
    out = []
    if root.tag != '{%s}%s' % (NS[root_tag], root_tag):
        return ['root element %s, expected {%s}%s' % (root.tag, NS[root_tag], root_tag)]
    flat, order, size = flatten(root)
    for k in sorted(set(flat) | set(doc.flat)):
        a, b = flat.get(k), doc.flat.get(k)
        if a != b:
            out.append('%s: mcg %s, oracle %s' % (k, 'absent' if a is None else repr(a),
                                                   'absent' if b is None else repr(b)))
    for path, want in doc.order.items():
        got = [x for x in order.get(path, []) if x in want]
        if got != [x for x in want if x in order.get(path, [])]:
            out.append('order of %s: mcg %s, oracle %s' % (path or 'root', got, want))
    if size != str(want_size):
        out.append('Checkpoint/Size: mcg %s, oracle (every event) %s' % (size, want_size))
    return out


def expect_pages(doc, size, parse):
    """REPORTS.md "Pages": the one statement `doc` split into pages of
    `size` guarantees.  -> [Doc] (one per page).  `parse` reads an amount
    of the document back into minor units."""
    f = doc.flat
    loans = [k[len('Guarantees/Guarantee['):-len(']/@loan')] for k in f
             if k.startswith('Guarantees/Guarantee[') and k.endswith(']/@loan')]
    loans.sort()
    n = max(1, -(-len(loans) // size))
    ev_loan = {}
    for k, val in f.items():
        if k.startswith('Events/') and k.endswith('/@loan') and k.count('/') == 2:
            ev_loan[k.split('/')[1]] = val
    pages = []
    for i in range(n):
        mine = loans[i * size:(i + 1) * size]
        first = loans[i * size] if i > 0 else None
        nxt = loans[(i + 1) * size] if i < n - 1 else None

        def inside(lid):
            return (first is None or lid >= first) and (nxt is None or lid < nxt)
        segs = {'Guarantee[%s]' % lid for lid in mine}
        evs = {seg for seg, lid in ev_loan.items() if inside(lid)}
        p = Doc(doc.digits)
        for k, val in f.items():
            parts = k.split('/')
            if parts[0] == 'Guarantees' and len(parts) > 2 and parts[1] not in segs:
                continue
            if parts[0] == 'Events' and len(parts) > 2 and parts[1] not in evs:
                continue
            p.flat[k] = val
        p.flat['Guarantees/@count'] = str(len(mine))
        p.flat['Guarantees/TotalGuaranteed'] = fmt_amount(
            sum(parse(f['Guarantees/Guarantee[%s]/GuaranteedAmount' % lid]) for lid in mine), doc.digits)
        p.flat['Events/@count'] = str(len(evs))
        attrs = {'number': i + 1, 'of': n}
        if first is not None:
            attrs['firstLoan'] = first
        if nxt is not None:
            attrs['nextLoan'] = nxt
        p.node('Header/Page', **attrs)
        p.el('Header/Page/StatementGuarantees', f['Guarantees/@count'])
        p.el('Header/Page/StatementEvents', f['Events/@count'])
        p.el('Header/Page/StatementTotalGuaranteed', f['Guarantees/TotalGuaranteed'])
        p.order = {k: [x for x in v if (k != 'Guarantees' or x in segs or not x.startswith('Guarantee['))
                       and (k != 'Events' or x in evs)]
                   for k, v in doc.order.items()}
        pages.append(p)
    return pages

/*
 * The table of commands: name, function, usage, summary and flag help.
 * `mcg --help`, `mcg COMMAND --help` and the man page follow this table.
 */
#include "cli.h"

#include <string.h>

#define RECORD_HELP \
	"  --date YYYY-MM-DD  the business date (default: today, UTC); never before\n" \
	"                     the latest date already recorded, nor more than 366\n" \
	"                     days after today\n" \
	"  --ref KEY          idempotency key, 1 to 64 printable ASCII characters\n" \
	"                     (spaces too, compared byte for byte): the same ref\n" \
	"                     with the same content again does nothing\n"

const cli_command cli_commands[] = {
	{ "init", cmd_init,
	  "init --name NAME [--currency EUR] [--rules FILE] [--date D]",
	  "create the ledger, its signing keys and rules version 1",
	  "  --name NAME        the consortium's name\n"
	  "  --currency CODE    ISO 4217 currency of every amount (default EUR)\n"
	  "  --rules FILE       rules file (default: the built-in rules)\n"
	  "  --date YYYY-MM-DD  the business date of the first events\n" },
	{ "member add", cmd_member_add,
	  "member add ID --name NAME [--sector NACE] [--district NAME] [--tax-id ID] [--date D] [--ref KEY]",
	  "admit a member firm",
	  "  ID                 1 to 32 of A-Z a-z 0-9 . _ -\n"
	  "  --name NAME        the firm's name\n"
	  "  --sector NACE      its NACE code, e.g. C23.31\n"
	  "  --district NAME    its industrial district\n"
	  "  --tax-id ID        its tax identifier\n" RECORD_HELP },
	{ "member withdraw", cmd_member_withdraw,
	  "member withdraw ID [--date D] [--ref KEY]",
	  "a member leaves; its capital is paid back",
	  "  A member may withdraw when it has no loan applied, active, defaulted\n"
	  "  or called, no pledge on an active or defaulted loan, and a due balance\n"
	  "  of 0.00: it owes the consortium nothing and is owed nothing.\n"
	  RECORD_HELP },
	{ "member list", cmd_member_list,
	  "member list [--format text|csv]",
	  "list the members",
	  "  --format text|csv  csv columns: member,name,status,sector,district\n" },
	{ "bank add", cmd_bank_add,
	  "bank add BIC --name NAME [--date D] [--ref KEY]",
	  "register a partner bank",
	  "  BIC                ISO 9362, 8 or 11 characters\n"
	  "  --name NAME        the bank's name\n" RECORD_HELP },
	{ "contribute", cmd_contribute,
	  "contribute MEMBER AMOUNT --kind capital|fund [--date D] [--ref KEY]",
	  "a member pays in share capital or a contribution to the fund",
	  "  --kind capital     share capital (paid back on withdrawal)\n"
	  "  --kind fund        a contribution to the mutual guarantee fund\n" RECORD_HELP },
	{ "settle", cmd_settle,
	  "settle MEMBER AMOUNT [--date D] [--ref KEY]",
	  "settle a member's due balance (it pays, or is paid)",
	  RECORD_HELP },
	{ "loan add", cmd_loan_add,
	  "loan add LOAN --borrower MEMBER --bank BIC --principal AMOUNT [--rate PCT] [--term-months N] [--date D] [--ref KEY]",
	  "record a loan a partner bank will make to a member (status applied)",
	  "  LOAN               the loan's id, 1 to 32 of A-Z a-z 0-9 . _ -\n"
	  "  --borrower MEMBER  the borrowing member, active\n"
	  "  --bank BIC         the lending partner bank\n"
	  "  --principal AMOUNT the amount lent, greater than 0\n"
	  "  --rate PCT         the yearly interest rate, 0 to 100 (informative)\n"
	  "  --term-months N    the term, 1 to 600 months (informative)\n" RECORD_HELP },
	{ "assess", cmd_assess,
	  "assess LOAN --assessor MEMBER --score 1..10 [--date D] [--ref KEY]",
	  "a member's peer assessment of an applied loan's credit risk",
	  "  --assessor MEMBER  an active member; the borrower's own does not count\n"
	  "  --score 1..10      10 is safest; a later score by the same member\n"
	  "                     replaces its earlier one\n" RECORD_HELP },
	{ "guarantee", cmd_guarantee,
	  "guarantee LOAN --coverage PCT [--cap AMOUNT] [--deposit AMOUNT] [--pledge MEMBER:AMOUNT]... [--date D] [--ref KEY]",
	  "guarantee an applied loan, if the consortium's rules allow it (exit 3 if not)",
	  "  --coverage PCT     the share of the outstanding guaranteed, e.g. 62.5\n"
	  "  --cap AMOUNT       the most ever guaranteed\n"
	  "  --deposit AMOUNT   the borrower's cash deposit, first loss (default 0)\n"
	  "  --pledge M:AMOUNT  co-guarantor M pledges AMOUNT for this loan; repeat\n"
	  "                     for each (distinct members, not the borrower)\n"
	  "  The fee and the fund contribution are charged on the guaranteed amount.\n"
	  RECORD_HELP },
	{ "repay", cmd_repay,
	  "repay LOAN --principal AMOUNT [--interest AMOUNT] [--date D] [--ref KEY]",
	  "the bank reports a repayment; at 0 the loan is repaid and the deposit returned",
	  "  --principal AMOUNT principal repaid, at most the outstanding\n"
	  "  --interest AMOUNT  interest paid (informative, not posted)\n" RECORD_HELP },
	{ "arrears", cmd_arrears,
	  "arrears LOAN --dpd DAYS [--date D] [--ref KEY]",
	  "the bank reports days past due; at default_dpd the loan defaults",
	  "  --dpd DAYS         days past due, 0 to 36500; at the rules' default_dpd\n"
	  "                     or more the loan is defaulted and its GA frozen\n"
	  RECORD_HELP },
	{ "call", cmd_call,
	  "call LOAN --amount AMOUNT [--date D] [--ref KEY]",
	  "the bank calls the guarantee of a defaulted loan: deposit, co-guarantors, fund",
	  "  --amount AMOUNT    paid to the bank, at most the frozen guaranteed amount\n"
	  RECORD_HELP },
	{ "recover", cmd_recover,
	  "recover LOAN --amount AMOUNT [--date D] [--ref KEY]",
	  "money recovered on a called loan, shared by the fund and co-guarantors",
	  "  --amount AMOUNT    at most the losses of fund and co-guarantors not yet\n"
	  "                     recovered\n" RECORD_HELP },
	{ "writeoff", cmd_writeoff,
	  "writeoff LOAN [--date D] [--ref KEY]",
	  "close a called loan",
	  RECORD_HELP },
	{ "balance", cmd_balance,
	  "balance [--format text|csv]",
	  "the trial balance: every account and its balance",
	  "  --format text|csv  csv columns: account,balance (debit positive)\n" },
	{ "import", cmd_import,
	  "import FILE [--dry-run] [--single-thread]",
	  "bank events from a CSV file, all or nothing",
	  "  FILE               CSV (RFC 4180, UTF-8) with the header\n"
	  "                     ref,date,type,loan,principal,interest,dpd,amount in any\n"
	  "                     order (principal, interest, dpd, amount may be left out\n"
	  "                     when no row needs them); type repay uses principal and\n"
	  "                     interest, arrears dpd, call and recover amount; the\n"
	  "                     other cells stay empty.  ref is required on every row:\n"
	  "                     1 to 64 printable ASCII characters, its spaces (leading\n"
	  "                     and trailing too) kept as they are, not trimmed.\n"
	  "                     One transaction: a bad row (FILE:LINE: ...) leaves the\n"
	  "                     ledger as it was; rows already recorded are skipped.\n"
	  "                     A file of 4 MiB or more is written through SQLite's\n"
	  "                     rollback journal (once, not twice as in WAL) when no\n"
	  "                     other command has the ledger open: readers then wait\n"
	  "                     for its commit (30 s at most).\n"
	  "  --dry-run          check and apply every row, then roll back\n"
	  "  --single-thread    do all the work on one thread; by default the rows\n"
	  "                     are read ahead and the audit log's leaves hashed on\n"
	  "                     two more threads (same events, same audit log)\n" },
	{ "exposure", cmd_exposure,
	  "exposure [MEMBER] [--format text|csv|xml]",
	  "what a member borrowed, is guaranteed, pledged, owes, deposited, paid in",
	  "  MEMBER             one member with its loans and pledges (default: all)\n"
	  "  --format text|csv  csv columns: member,borrowed,guaranteed,pledged,due,\n"
	  "                     deposit,capital (one row per member, withdrawn too)\n"
	  "  --format xml       one MEMBER's signed statement on standard output\n"
	  "                     (reports/member_statement.xsd, docs/REPORTS.md), with\n"
	  "                     a fresh signed checkpoint of the audit log\n" },
	{ "guarantees", cmd_guarantees,
	  "guarantees [--format text|csv]",
	  "every loan with its guarantee: GA, coverage, peer score, PD",
	  "  --format text|csv  csv columns: loan,borrower,bank,status,outstanding,\n"
	  "                     guaranteed,coverage,score,pd (empty before a guarantee)\n" },
	{ "scores", cmd_scores,
	  "scores LOAN [--date D] [--format text|csv] | scores --calibration [--format text|csv]",
	  "a loan's peer assessments and their result; or how well scores predict",
	  "  LOAN               every assessment of the loan, which count and why\n"
	  "  --date YYYY-MM-DD  judge the assessments as of this day, with the members'\n"
	  "                     status and the rules as they stood then (default: for\n"
	  "                     a guaranteed loan the moment of its guarantee; else\n"
	  "                     today, or the ledger's latest date if that is later)\n"
	  "  --format text|csv  csv columns: assessor,score,date,status, sorted by\n"
	  "                     assessor, then date\n"
	  "  --calibration      per grade: outcomes, defaults, predicted PD, observed\n"
	  "                     rate; the Brier score and the AUC.  csv columns:\n"
	  "                     grade,outcomes,defaults,scale_pd,predicted_pd,\n"
	  "                     observed_rate,brier,auc (last row: all)\n" },
	{ "rules show", cmd_rules_show,
	  "rules show",
	  "the rules in force: version, figures, when and by whom loaded",
	  NULL },
	{ "rules load", cmd_rules_load,
	  "rules load FILE [--date D] [--ref KEY]",
	  "load a rules file as the next rules version (an event)",
	  "  FILE               XML in the namespace urn:mcg:rules:1 (see rules/default.xml)\n"
	  RECORD_HELP },
	{ "rules check", cmd_rules_check,
	  "rules check FILE",
	  "validate a rules file without loading it (the first error, with its line)",
	  NULL },
	{ "export", cmd_export,
	  "export --format ledger [--all]",
	  "the journal as plain-text accounting that hledger and ledger read",
	  "  --format ledger    one transaction per event that moves money\n"
	  "  --all              every event: those that move no money (repayments,\n"
	  "                     arrears, members, assessments, ...) as transactions\n"
	  "                     without postings, so the journal holds the whole\n"
	  "                     history; the balances are the same\n" },
	{ "check", cmd_check,
	  "check",
	  "rebuild all state from the events and compare (exit 4 on a difference)",
	  "  Replays every event into a fresh ledger and compares each state table\n"
	  "  with the ledger's, row by row.  Also that every table, index and view\n"
	  "  mcg makes is as mcg made it: a table's columns (type, NOT NULL,\n"
	  "  default, key, collation), its keys, foreign keys and CHECK clauses; an\n"
	  "  index's columns and UNIQUE; the view `loans`, through which every\n"
	  "  reader of a loan goes, to the letter.  And that the ledger holds no\n"
	  "  trigger (mcg makes none).  Tables, indexes and views of your own are\n"
	  "  left alone.  Names the first difference.\n" },
	{ "audit checkpoint", cmd_audit_checkpoint,
	  "audit checkpoint",
	  "sign a checkpoint of the audit log (C2SP signed note), keep it, print it",
	  "  Prints the origin line, the number of events, the base64 root hash, a\n"
	  "  blank line and the Ed25519 signature line.  Save it: a later\n"
	  "  `audit verify --checkpoint FILE` proves the log still extends it.\n" },
	{ "audit verify", cmd_audit_verify,
	  "audit verify [--checkpoint FILE]",
	  "recompute the whole audit log from the events and check every checkpoint",
	  "  --checkpoint FILE  also check a checkpoint kept outside the ledger\n"
	  "  Exit 4 on changed, missing, added or reordered events and postings, or\n"
	  "  a log shorter than a checkpoint, naming the smallest block of events\n"
	  "  (at most 256 while the stored hashes over it are intact) or the kept\n"
	  "  checkpoint that no longer matches (docs/AUDIT.md).\n" },
	{ "audit prove", cmd_audit_prove,
	  "audit prove SEQ [--size N]",
	  "the RFC 9162 inclusion proof of event SEQ",
	  "  --size N           the tree to prove against (default: the whole log)\n"
	  "  Prints `index I` (SEQ - 1), `size N`, `leaf HEX`, then `hash HEX` lines.\n" },
	{ "audit consistency", cmd_audit_consistency,
	  "audit consistency OLD_SIZE NEW_SIZE",
	  "the RFC 9162 consistency proof between two sizes of the log",
	  "  Prints `old OLD`, `new NEW`, then `hash HEX` lines.\n" },
	{ "keys show", cmd_keys_show,
	  "keys show",
	  "the public keys, in the forms verifiers use",
	  "  The checkpoint verifier key (NAME+KEYHASH+BASE64KEY, alone on the line\n"
	  "  after its label) and the statement key's PEM public key.\n" },
	{ "keys rotate", cmd_keys_rotate,
	  "keys rotate",
	  "retire the signing keys for new ones (keys that may have leaked)",
	  "  Signs a last checkpoint with the old checkpoint key and prints it (the\n"
	  "  handover: give it to the banks, with the new keys), keeps the old public\n"
	  "  keys as retired/checkpoint-N.pub and retired/statement-N.pub in the\n"
	  "  keys folder (N: the handover's number of events), replaces the private\n"
	  "  keys with new ones (0600) and prints the new public keys as `keys show`\n"
	  "  does.  Checkpoints signed by a retired key stay valid for logs of at\n"
	  "  most N events; old statements verify with `statement verify FILE\n"
	  "  --pubkey retired/statement-N.pub`.  It needs the old private keys.\n"
	  "  Until it ends no other checkpoint is signed (statements and reports\n"
	  "  exit 2); a rotation cut short is finished by running it again\n"
	  "  (SECURITY.md).\n" },
	{ "statement verify", cmd_statement_verify,
	  "statement verify FILE [--pubkey PEM]",
	  "verify a signed statement or report: signature, schema, checkpoint",
	  "  --pubkey PEM       the statement key's public key (default: the ledger's\n"
	  "                     statement.pub in its keys folder)\n"
	  "  Reads the file safely (no DTD, no entities, no network, at most 16 MiB),\n"
	  "  checks the XML-DSig signature, validates the document against the XSD\n"
	  "  of its namespace and, when the ledger (--db) exists, checks that its\n"
	  "  checkpoint is signed by the ledger and consistent with its log.\n"
	  "  Exit 4 naming what does not hold; exit 2 for an unreadable file.\n" },
	{ "statement", cmd_statement,
	  "statement BANK --from D --to D [--page-size N] -o FILE",
	  "a partner bank's signed XML statement of the guarantees on its loans",
	  "  --from D, --to D   the period (YYYY-MM-DD, both included; --from after\n"
	  "                     --to is refused): its events are listed; the figures\n"
	  "                     are those at its end (the last event dated on or\n"
	  "                     before --to)\n"
	  "  -o FILE            where to write it (- for standard output); written\n"
	  "                     atomically, and only once signed and checked.  FILE\n"
	  "                     (each page's too) is replaced: never the ledger, its\n"
	  "                     -wal, -shm or -journal, anything in the keys folder,\n"
	  "                     or a folder, FIFO or device (exit 2)\n"
	  "  --page-size N      split it into pages of at most N guarantees, each a\n"
	  "                     signed document with the events on its loans and the\n"
	  "                     whole statement's totals, written to FILE with -pK\n"
	  "                     before its extension (q1.xml: q1-p1.xml, q1-p2.xml...).\n"
	  "                     A statement over the 16 MiB a verifier reads is\n"
	  "                     refused without it\n"
	  "  The document (reports/statement.xsd, docs/REPORTS.md) carries a fresh\n"
	  "  signed checkpoint of the audit log, kept in the ledger once the\n"
	  "  document is written (a refused statement keeps none).  Check it with\n"
	  "  `mcg statement verify FILE`, or with `xmlsec1 --verify --pubkey-pem\n"
	  "  statement.pub --enabled-key-data key-name --enabled-reference-uris\n"
	  "  empty FILE`: without those two flags xmlsec1 trusts a key carried in\n"
	  "  the document itself, and accepts a forgery signed with it (SECURITY.md).\n" },
	{ "report regulatory", cmd_report_regulatory,
	  "report regulatory --from D --to D -o FILE",
	  "the signed XML report for the supervisor",
	  "  --from D, --to D   the period (YYYY-MM-DD, both included; --from after\n"
	  "                     --to is refused)\n"
	  "  -o FILE            where to write it (- for standard output), replacing\n"
	  "                     FILE: never the ledger, its -wal, -shm or -journal,\n"
	  "                     anything in the keys folder, or a folder, FIFO or\n"
	  "                     device (exit 2)\n"
	  "  Members and capital; guarantees by status, sector and district; the\n"
	  "  ten largest exposures against the fund; the fund, multiplier and\n"
	  "  coverage; expected loss by grade; defaults, calls, payouts and\n"
	  "  recoveries of the period; the rules in force (reports/regulatory.xsd,\n"
	  "  docs/REPORTS.md).\n" },
};

const size_t cli_n_commands = sizeof(cli_commands) / sizeof(cli_commands[0]);

/* Shared by main and bench/replay, which runs setup scripts through the
 * same table. */
const cli_command *cli_find_command(int argc, char **argv, int *words)
{
	for (size_t i = 0; i < cli_n_commands; i++) {
		const char *name = cli_commands[i].name;
		const char *space = strchr(name, ' ');

		if (space && argc >= 2 &&
		    strncmp(name, argv[0], (size_t)(space - name)) == 0 &&
		    argv[0][space - name] == '\0' && strcmp(space + 1, argv[1]) == 0) {
			*words = 2;
			return &cli_commands[i];
		}
	}
	for (size_t i = 0; i < cli_n_commands; i++)
		if (strcmp(cli_commands[i].name, argv[0]) == 0) {
			*words = 1;
			return &cli_commands[i];
		}
	return NULL;
}

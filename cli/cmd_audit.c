/*
 * The audit commands (audit checkpoint, verify, prove, consistency) and
 * `keys show`: what a partner bank needs to check the ledger on its own.
 * The machine-readable lines are fixed by CLI.md ("Audit and
 * signatures"); docs/AUDIT.md says how to check them with standard tools.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "audit/keys.h"
#include "cli.h"
#include "ledger/audit_log.h"

int cmd_audit_checkpoint(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_args a = { NULL, 0, { 0 }, 0 };
	mcg_buf note = MCG_BUF_INIT;
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 0, 0, err);
	/* Read-write: keeping the checkpoint is a write. */
	rc = rc ? rc : cli_open(cli, 0, err);
	rc = rc ? rc : mcg_audit_checkpoint(cli->L, &note, err);
	if (!rc)
		fwrite(note.data, 1, note.len, stdout);
	mcg_buf_free(&note);
	return rc;
}

/* Reads a checkpoint file a bank kept.  A file that cannot be read is bad
 * input; what it holds is judged by the verification. */
static int read_note_file(const char *path, mcg_buf *out, mcg_error *err)
{
	char chunk[4096];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = MCG_OK;

	if (!f)
		return mcg_error_set(err, errno == ENOENT || errno == EACCES ||
					     errno == EISDIR ? MCG_EINPUT : MCG_ESYS,
				     "--checkpoint: cannot open '%s': %s", path,
				     strerror(errno));
	/* One byte over the limit is enough to know the note is too big;
	 * the verification then says so. */
	mcg_buf_init(out, MCG_NOTE_BYTES_MAX + 1);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		size_t room = MCG_NOTE_BYTES_MAX + 1 - out->len;

		if (mcg_buf_append(out, chunk, n < room ? n : room) != MCG_OK) {
			rc = mcg_error_set(err, MCG_ESYS, "out of memory");
			break;
		}
		if (out->len > MCG_NOTE_BYTES_MAX)
			break;
	}
	if (!rc && ferror(f))
		rc = mcg_error_set(err, MCG_EINPUT, "--checkpoint: cannot read '%s'", path);
	fclose(f);
	return rc;
}

int cmd_audit_verify(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "checkpoint", 1, 0, 0, NULL, { 0 }, 0 } };
	cli_args a = { flags, 1, { 0 }, 0 };
	mcg_buf note = MCG_BUF_INIT;
	const char *file;
	mcg_audit_report r;
	char hex[2 * MCG_HASH_SIZE + 1];
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 0, 0, err);
	if (rc)
		return rc;
	file = cli_value(&a, "checkpoint");
	rc = file ? read_note_file(file, &note, err) : MCG_OK;
	rc = rc ? rc : cli_open(cli, 1, err);
	rc = rc ? rc : mcg_audit_verify(cli->L, file ? mcg_buf_str(&note) : NULL,
					note.len, &r, err);
	mcg_buf_free(&note);
	if (rc) {
		if (rc == MCG_EINTEGRITY)
			mcg_error_prefix(err, "audit verify failed");
		return rc;
	}
	printf("audit verify passed: %lld events and their postings match the log;"
	       " %lld kept checkpoints hold%s; root %s\n",
	       (long long)r.events, (long long)r.checkpoints,
	       file ? ", and so does the checkpoint given" : "",
	       mcg_hash_hex(&r.root, hex));
	return MCG_OK;
}

/* A tree size or sequence number argument: 0 to INT64_MAX (int64 room). */
static int size_arg(const char *text, const char *what, int64_t *out,
		    mcg_error *err)
{
	return cli_integer(text, what, 0, INT64_MAX, out, err);
}

static void print_hashes(const mcg_hash *h, size_t n)
{
	char hex[2 * MCG_HASH_SIZE + 1];

	for (size_t i = 0; i < n; i++)
		printf("hash %s\n", mcg_hash_hex(&h[i], hex));
}

int cmd_audit_prove(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "size", 1, 0, 0, NULL, { 0 }, 0 } };
	cli_args a = { flags, 1, { 0 }, 0 };
	mcg_hash leaf, proof[MCG_PROOF_MAX];
	char hex[2 * MCG_HASH_SIZE + 1];
	size_t nproof = 0;
	int64_t seq, size;
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 1, 1, err);
	rc = rc ? rc : size_arg(a.pos[0], "SEQ", &seq, err);
	if (!rc && cli_value(&a, "size"))
		rc = size_arg(cli_value(&a, "size"), "--size", &size, err);
	rc = rc ? rc : cli_open(cli, 1, err);
	if (!rc && !cli_value(&a, "size"))
		rc = mcg_ledger_size(cli->L, &size, err);
	rc = rc ? rc : mcg_audit_prove(cli->L, seq, size, &leaf, proof, &nproof, err);
	if (rc)
		return rc;
	printf("index %lld\nsize %lld\nleaf %s\n", (long long)(seq - 1),
	       (long long)size, mcg_hash_hex(&leaf, hex));
	print_hashes(proof, nproof);
	return MCG_OK;
}

int cmd_audit_consistency(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_args a = { NULL, 0, { 0 }, 0 };
	mcg_hash proof[MCG_PROOF_MAX];
	size_t nproof = 0;
	int64_t old_size, new_size;
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 2, 2, err);
	rc = rc ? rc : size_arg(a.pos[0], "OLD_SIZE", &old_size, err);
	rc = rc ? rc : size_arg(a.pos[1], "NEW_SIZE", &new_size, err);
	rc = rc ? rc : cli_open(cli, 1, err);
	rc = rc ? rc : mcg_audit_consistency(cli->L, old_size, new_size, proof,
					     &nproof, err);
	if (rc)
		return rc;
	printf("old %lld\nnew %lld\n", (long long)old_size, (long long)new_size);
	print_hashes(proof, nproof);
	return MCG_OK;
}

/* The public keys in the forms verifiers use: the checkpoint verifier key
 * alone on its line (for scripts), then the statement key's PEM. */
static int print_public_keys(mcg_cli *cli, mcg_error *err)
{
	mcg_buf vkey = MCG_BUF_INIT, pem = MCG_BUF_INIT;
	EVP_PKEY *checkpoint = NULL, *statement = NULL;
	const char *dir = mcg_ledger_keys_dir(cli->L);
	int rc;

	rc = mcg_keys_load_public(dir, MCG_KEY_CHECKPOINT, &checkpoint, err);
	rc = rc ? rc : mcg_note_verifier_key(mcg_ledger_origin(cli->L), checkpoint,
					     &vkey, err);
	rc = rc ? rc : mcg_keys_load_public(dir, MCG_KEY_STATEMENT, &statement, err);
	rc = rc ? rc : mcg_keys_public_pem(statement, &pem, err);
	if (!rc) {
		printf("checkpoint verifier key (C2SP signed note, Ed25519):\n%s\n"
		       "statement public key (PEM, ECDSA P-256):\n%s",
		       mcg_buf_str(&vkey), mcg_buf_str(&pem));
		if (pem.len && pem.data[pem.len - 1] != '\n')
			putchar('\n');
	}
	EVP_PKEY_free(checkpoint);
	EVP_PKEY_free(statement);
	mcg_buf_free(&vkey);
	mcg_buf_free(&pem);
	return rc;
}

int cmd_keys_show(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_args a = { NULL, 0, { 0 }, 0 };
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 0, 0, err);
	/* The ledger names the checkpoint key (its origin); the public
	 * halves are enough, so no private key is opened. */
	rc = rc ? rc : cli_open(cli, 1, err);
	return rc ? rc : print_public_keys(cli, err);
}

/*
 * keys rotate (audit/keys.h): the rotation marked under way, a last
 * checkpoint signed with the old checkpoint key (the handover, kept and
 * printed for the banks), then the old public keys retired under the
 * handover's size and the new keys put in place, then the new public keys
 * printed.  A rotation cut after its new keys were whole is finished
 * without a handover.
 */
int cmd_keys_rotate(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_args a = { NULL, 0, { 0 }, 0 };
	mcg_buf note = MCG_BUF_INIT;
	mcg_checkpoint cp;
	const char *dir;
	int resume = 0, rc;

	memset(&cp, 0, sizeof(cp));
	rc = cli_parse(cli, argc, argv, &a, 0, 0, err);
	rc = rc ? rc : cli_open(cli, 0, err);
	if (rc)
		return rc;
	dir = mcg_ledger_keys_dir(cli->L);
	rc = mcg_keys_rotate_begin(dir, &resume, err);
	if (rc)
		return rc;
	if (!resume) {
		rc = mcg_audit_checkpoint_handover(cli->L, &note, err);
		rc = rc ? rc : mcg_audit_check_note(cli->L, note.data, note.len, &cp, err);
	}
	rc = rc ? rc : mcg_keys_rotate_finish(dir, (long long)cp.size, resume, err);
	/* Refused or failed before the new keys were whole: the old keys are
	 * in force, and the mark goes (from .rotate-new on, the next run
	 * finishes instead). */
	if (rc && !resume)
		mcg_keys_rotate_abandon(dir);
	mcg_keys_rotate_end();
	if (!rc && resume)
		printf("finished a key rotation that was cut short; the new keys:\n");
	else if (!rc)
		printf("handover checkpoint, signed with the old key (give it to the banks):\n%s\n",
		       mcg_buf_str(&note));
	rc = rc ? rc : print_public_keys(cli, err);
	mcg_buf_free(&note);
	return rc;
}

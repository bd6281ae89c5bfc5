/*
 * Building, finishing and writing the signed documents: see report_int.h.
 *
 * The order of finishing is the point of this file.  The tree built by the
 * report code gets its indentation as whitespace text nodes (rpt_indent),
 * so that the file a person opens is readable and the indentation is part
 * of what is signed (re-indenting a signed document would break its
 * digest).  It is signed and serialized once, without any reformatting;
 * the tree is freed, and those very bytes are parsed, verified with the
 * public key and validated against the XSD.  Only then are they written,
 * atomically.
 *
 * Memory: the built tree and the signed bytes, then the bytes and the
 * tree parsed from them; never two trees at once.  (The tree used to be
 * serialized indented and parsed back to get its whitespace, and
 * validated before signing too: three trees and two more passes.)
 */
#include "report_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlsave.h>

#include "audit/base64.h"
#include "audit/keys.h"
#include "date.h"
#include "ledger/audit_log.h"
#include "ledger/check.h"
#include "money.h"
#include "path.h"
#include "reports/xmlsig.h"
#include "xmlsafe.h"

const rpt_schema rpt_schemas[] = {
	{ MCG_DOC_STATEMENT, "urn:mcg:statement:1", "BankStatement",
	  "bank statement", "reports/statement.xsd",
	  mcg_statement_xsd, &mcg_statement_xsd_len },
	{ MCG_DOC_MEMBER_STATEMENT, "urn:mcg:member-statement:1", "MemberStatement",
	  "member statement", "reports/member_statement.xsd",
	  mcg_member_statement_xsd, &mcg_member_statement_xsd_len },
	{ MCG_DOC_REGULATORY, "urn:mcg:regulatory:1", "RegulatoryReport",
	  "regulatory report", "reports/regulatory.xsd",
	  mcg_regulatory_xsd, &mcg_regulatory_xsd_len },
};

const size_t rpt_n_schemas = sizeof(rpt_schemas) / sizeof(rpt_schemas[0]);

const rpt_schema *rpt_schema_of(mcg_doc_kind kind)
{
	for (size_t i = 0; i < rpt_n_schemas; i++)
		if (rpt_schemas[i].kind == kind)
			return &rpt_schemas[i];
	return NULL;
}

/* ---------------------------------------------------------------------
 * Builders
 */

int rpt_doc_start(rpt_doc *d, mcg_doc_kind kind, mcg_ledger *L, mcg_error *err)
{
	memset(d, 0, sizeof(*d));
	d->schema = rpt_schema_of(kind);
	d->digits = mcg_ledger_minor_digits(L);
	d->doc = xmlNewDoc(BAD_CAST "1.0");
	if (!d->doc)
		goto out_nomem;
	/* A dictionary holds each element and attribute name once, and the
	 * indentation's few strings, instead of a copy in every node; the
	 * document frees it. */
	d->doc->dict = xmlDictCreate();
	if (!d->doc->dict)
		goto out_nomem;
	d->root = xmlNewDocNode(d->doc, NULL, BAD_CAST d->schema->root, NULL);
	if (!d->root)
		goto out_nomem;
	xmlDocSetRootElement(d->doc, d->root);
	d->ns = xmlNewNs(d->root, BAD_CAST d->schema->ns, NULL);
	if (!d->ns)
		goto out_nomem;
	xmlSetNs(d->root, d->ns);
	rpt_attr(d, d->root, "version", "1");
	rpt_attr(d, d->root, "currency", mcg_ledger_currency(L));
	if (d->failed)
		goto out_nomem;
	return MCG_OK;
out_nomem:
	rpt_doc_free(d);
	return mcg_error_set(err, MCG_ESYS, "out of memory");
}

void rpt_doc_free(rpt_doc *d)
{
	if (d->doc)
		xmlFreeDoc(d->doc);
	d->doc = NULL;
	d->root = NULL;
}

/*
 * What a new element adds to the document once indented and serialized:
 * its indentation, "<name/>" or "<name>text</name>", and, when it is its
 * parent's first child, the parent's end tag and the indentation before
 * it.  Exact but for escapes.
 */
static void count_element(rpt_doc *d, xmlNodePtr parent, xmlNodePtr n,
			  const char *name, const char *text)
{
	size_t depth = 0;

	for (xmlNodePtr up = parent; up->parent && up->parent->type == XML_ELEMENT_NODE;
	     up = up->parent)
		depth++;
	d->bytes_min += 1 + 2 * (depth + 1);
	d->bytes_min += text ? 2 * strlen(name) + strlen(text) + 5 : strlen(name) + 3;
	if (parent->children == n)
		d->bytes_min += strlen((const char *)parent->name) + 2 + 1 + 2 * depth;
}

xmlNodePtr rpt_text(rpt_doc *d, xmlNodePtr parent, const char *name,
		    const char *text)
{
	xmlNodePtr n;

	if (!parent) {
		d->failed = 1;
		return NULL;
	}
	/* xmlNewTextChild escapes &, < and > in the text. */
	n = xmlNewTextChild(parent, d->ns, BAD_CAST name, BAD_CAST text);
	if (!n)
		d->failed = 1;
	if (n)
		count_element(d, parent, n, name, text);
	return n;
}

xmlNodePtr rpt_elem(rpt_doc *d, xmlNodePtr parent, const char *name)
{
	return rpt_text(d, parent, name, NULL);
}

xmlNodePtr rpt_amount(rpt_doc *d, xmlNodePtr parent, const char *name,
		      int64_t minor)
{
	char text[MCG_AMOUNT_TEXT_MAX];

	return rpt_text(d, parent, name, mcg_amount_format(minor, d->digits, text));
}

xmlNodePtr rpt_int(rpt_doc *d, xmlNodePtr parent, const char *name,
		   int64_t value)
{
	char text[24];

	snprintf(text, sizeof(text), "%lld", (long long)value);
	return rpt_text(d, parent, name, text);
}

char *rpt_centi_format(int64_t centi, char *buf)
{
	if (centi < 0)
		centi = 0;
	snprintf(buf, MCG_AMOUNT_TEXT_MAX, "%lld.%02lld", (long long)(centi / 100),
		 (long long)(centi % 100));
	return buf;
}

xmlNodePtr rpt_pct(rpt_doc *d, xmlNodePtr parent, const char *name, int64_t bp)
{
	char text[MCG_AMOUNT_TEXT_MAX];

	/* Basis points are hundredths of a percent. */
	return rpt_text(d, parent, name, rpt_centi_format(bp, text));
}

void rpt_attr(rpt_doc *d, xmlNodePtr node, const char *name, const char *value)
{
	if (!node || !xmlNewProp(node, BAD_CAST name, BAD_CAST value))
		d->failed = 1;
	/* At least ' name="value"'. */
	d->bytes_min += strlen(name) + strlen(value) + 4;
}

void rpt_attr_int(rpt_doc *d, xmlNodePtr node, const char *name, int64_t value)
{
	char text[24];

	snprintf(text, sizeof(text), "%lld", (long long)value);
	rpt_attr(d, node, name, text);
}

void rpt_attr_date(rpt_doc *d, xmlNodePtr node, const char *name, int32_t days)
{
	char text[MCG_DATE_TEXT_MAX];

	rpt_attr(d, node, name, mcg_date_format(days, text));
}

void rpt_created(rpt_doc *d, xmlNodePtr parent)
{
	char now[MCG_TIMESTAMP_TEXT_MAX];

	rpt_text(d, parent, "Created", mcg_timestamp_now(now));
}

int rpt_ratio_centi(int64_t num, int64_t den, int64_t scale, int64_t *out)
{
	__int128 q;

	if (den <= 0 || num < 0 || scale <= 0)
		return MCG_EINPUT;
	/* Half up: (2 * num * scale + den) / (2 * den), exact in 128 bits. */
	q = ((__int128)num * scale * 2 + den) / ((__int128)den * 2);
	if (q > INT64_MAX)
		return MCG_EINPUT;
	*out = (int64_t)q;
	return MCG_OK;
}

/* ---------------------------------------------------------------------
 * The checkpoint
 */

int rpt_checkpoint_parse_note(const char *note, size_t len,
			      mcg_checkpoint *out, mcg_error *err)
{
	const char *blank = NULL;

	/* The body ends at the first empty line (C2SP signed-note). */
	for (size_t i = 0; i + 1 < len; i++)
		if (note[i] == '\n' && note[i + 1] == '\n') {
			blank = note + i;
			break;
		}
	if (!blank)
		return mcg_error_set(err, MCG_EINPUT,
				     "the checkpoint is not a signed note (no blank line)");
	return mcg_checkpoint_parse(note, (size_t)(blank - note) + 1, out, err);
}

int rpt_checkpoint_verify(mcg_ledger *L, const rpt_checkpoint *cp, mcg_error *err)
{
	mcg_audit_report verified;
	int rc = mcg_audit_verify(L, cp->note.data, cp->note.len, &verified, err);

	if (rc == MCG_EINTEGRITY)
		return mcg_error_prefix(err, "refusing to sign: the audit log does not verify");
	if (rc)
		return mcg_error_prefix(err, "cannot verify the audit log before signing");
	/* The figures read from the write-once state (names, a loan's terms,
	 * a guarantee's terms, peer score, PD and pledges) against the events
	 * just verified. */
	rc = mcg_check_facts(L, err);
	if (rc == MCG_EINTEGRITY)
		return mcg_error_prefix(err, "refusing to sign: the state does not match the events");
	if (rc)
		return mcg_error_prefix(err, "cannot compare the state with the events before signing");
	return MCG_OK;
}

int rpt_checkpoint_make(mcg_ledger *L, rpt_checkpoint *out, mcg_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	mcg_buf_init(&out->note, MCG_NOTE_BYTES_MAX);
	rc = mcg_audit_checkpoint_sign(L, &out->note, &out->kept, err);
	if (rc) {
		mcg_error_prefix(err, "cannot sign a checkpoint of the audit log");
		goto out_free;
	}
	rc = rpt_checkpoint_parse_note(out->note.data, out->note.len, &out->cp, err);
	if (rc) {
		mcg_error_prefix(err, "the new checkpoint does not parse");
		err->code = rc = MCG_ESYS;
		goto out_free;
	}
	return MCG_OK;
out_free:
	mcg_buf_free(&out->note);
	return rc;
}

int rpt_checkpoint_keep(mcg_ledger *L, rpt_checkpoint *c, mcg_error *err)
{
	int rc;

	if (c->kept)
		return MCG_OK;
	rc = mcg_audit_checkpoint_keep(L, c->note.data, c->note.len, err);
	if (rc)
		return mcg_error_prefix(err, "cannot keep the document's checkpoint of the audit log, so the document was not written");
	c->kept = 1;
	return MCG_OK;
}

void rpt_checkpoint_free(rpt_checkpoint *c)
{
	if (c)
		mcg_buf_free(&c->note);
}

void rpt_add_checkpoint(rpt_doc *d, xmlNodePtr parent, const rpt_checkpoint *c)
{
	mcg_buf root = MCG_BUF_INIT;
	xmlNodePtr n = rpt_elem(d, parent, "Checkpoint");

	rpt_text(d, n, "Origin", c->cp.origin);
	rpt_int(d, n, "Size", c->cp.size);
	if (mcg_audit_base64_encode(c->cp.root.b, sizeof(c->cp.root.b), &root))
		d->failed = 1;
	rpt_text(d, n, "RootHash", mcg_buf_str(&root));
	rpt_text(d, n, "SignedNote", mcg_buf_str(&c->note));
	mcg_buf_free(&root);
}

/* ---------------------------------------------------------------------
 * Finishing
 */

/*
 * xmlsig.c loads the key again by its path: between this check and that
 * load, only the owner of the 0700 keys folder could swap the file.
 */
int rpt_signing_key_check(mcg_ledger *L, mcg_error *err)
{
	EVP_PKEY *key = NULL;
	int rc = mcg_keys_load_private(mcg_ledger_keys_dir(L), MCG_KEY_STATEMENT, &key, err);

	EVP_PKEY_free(key);
	if (rc)
		mcg_error_prefix(err, "cannot sign with the statement key (nothing was written)");
	return rc;
}

/*
 * Where the signed document is serialized: straight into one buffer of
 * ours (xmlDocDumpMemory would fill its own, then copy it).  Past `max`
 * bytes nothing more is kept, only counted, so that a document too large
 * to write costs no buffer and its size can still be told.
 */
typedef struct dump_sink {
	char *data;
	size_t len, cap;
	size_t max;
	size_t total;             /* bytes serialized, kept or not */
	int nomem;
} dump_sink;

static int sink_write(void *ctx, const char *buf, int n)
{
	dump_sink *s = ctx;
	size_t len = n > 0 ? (size_t)n : 0;

	s->total += len;
	if (s->nomem || s->total > s->max) {
		free(s->data);
		s->data = NULL;
		s->len = s->cap = 0;
		return n;
	}
	if (s->len + len + 1 > s->cap) {
		size_t want = s->cap ? s->cap * 2 : 65536;
		char *bigger;

		if (want < s->len + len + 1)
			want = s->len + len + 1;
		if (want > s->max + 1)
			want = s->max + 1;
		bigger = realloc(s->data, want);
		if (!bigger) {
			s->nomem = 1;
			return -1;
		}
		s->data = bigger;
		s->cap = want;
	}
	memcpy(s->data + s->len, buf, len);
	s->len += len;
	s->data[s->len] = '\0';
	return n;
}

/* Serializes doc as it is, without any formatting, keeping at most max
 * bytes.  *out (free with free()) is NULL and *len the size it would have
 * when it is larger than max. */
static int dump(xmlDocPtr doc, size_t max, char **out, size_t *len,
		mcg_error *err)
{
	dump_sink sink = { NULL, 0, 0, max, 0, 0 };
	xmlSaveCtxtPtr ctxt = xmlSaveToIO(sink_write, NULL, &sink, "UTF-8", 0);
	long saved;

	*out = NULL;
	*len = 0;
	if (!ctxt)
		return mcg_error_set(err, MCG_ESYS, "cannot serialize the document: out of memory");
	saved = xmlSaveDoc(ctxt, doc);
	if (xmlSaveClose(ctxt) < 0 || saved < 0 || sink.nomem || sink.total == 0) {
		free(sink.data);
		return mcg_error_set(err, MCG_ESYS, "cannot serialize the document: out of memory");
	}
	*out = sink.data;
	*len = sink.total;
	return MCG_OK;
}

/* Deepest element rpt_indent indents; libxml2's formatted output stops
 * indenting deeper too.  mcg's documents are six levels deep at most. */
#define RPT_INDENT_DEPTH_MAX 30

/* A new text node: a newline and two spaces a level.  Its text is the
 * document dictionary's (freeing the node leaves it there). */
static xmlNodePtr indent_text(xmlDocPtr doc, int depth)
{
	char ws[2 + 2 * RPT_INDENT_DEPTH_MAX];
	xmlNodePtr t;
	size_t n;

	if (depth > RPT_INDENT_DEPTH_MAX)
		depth = RPT_INDENT_DEPTH_MAX;
	n = 1 + 2 * (size_t)depth;
	ws[0] = '\n';
	memset(ws + 1, ' ', n - 1);
	ws[n] = '\0';
	t = xmlNewDocText(doc, NULL);
	if (!t)
		return NULL;
	t->content = doc->dict ? (xmlChar *)xmlDictLookup(doc->dict, BAD_CAST ws, (int)n) :
				 xmlStrdup(BAD_CAST ws);
	if (!t->content) {
		xmlFreeNode(t);
		return NULL;
	}
	return t;
}

/*
 * The whitespace xmlDocDumpFormatMemory would write, as text nodes: inside
 * every element whose children are all elements, a newline and the child's
 * indentation before each child, and a newline and the element's own
 * indentation before its end tag.  An element holding text is left alone.
 * Nodes are only inserted next to elements, so libxml2 never merges two
 * text nodes.  -1 on memory.
 */
static int indent_children(xmlDocPtr doc, xmlNodePtr parent, int depth)
{
	xmlNodePtr c, ws;

	if (!parent->children)
		return 0;
	for (c = parent->children; c; c = c->next)
		if (c->type != XML_ELEMENT_NODE)
			return 0;
	for (c = parent->children; c; c = c->next) {
		ws = indent_text(doc, depth + 1);
		if (!ws)
			return -1;
		if (!xmlAddPrevSibling(c, ws)) {
			xmlFreeNode(ws);
			return -1;
		}
		if (indent_children(doc, c, depth + 1))
			return -1;
	}
	ws = indent_text(doc, depth);
	if (!ws)
		return -1;
	if (!xmlAddChild(parent, ws)) {
		xmlFreeNode(ws);
		return -1;
	}
	return 0;
}

int rpt_indent(rpt_doc *d)
{
	if (!d->root || indent_children(d->doc, d->root, 0)) {
		d->failed = 1;
		return -1;
	}
	return 0;
}

size_t rpt_doc_bytes_max(void)
{
	const char *env = getenv("MCG_TEST_DOC_BYTES_MAX");
	int64_t v;

	/* What mcg itself can parse back bounds what it writes. */
	_Static_assert(MCG_REPORT_BYTES_MAX <= MCG_XML_BYTES_MAX,
		       "a document mcg writes must be one it can read");
	if (env && mcg_parse_int64(env, &v) == 0 && v > 0 &&
	    (uint64_t)v < (uint64_t)MCG_REPORT_BYTES_MAX)
		return (size_t)v;
	return MCG_REPORT_BYTES_MAX;
}

static int validate(const rpt_schema *s, xmlDocPtr doc, const char *when,
		    mcg_error *err)
{
	int rc = mcg_xml_validate(doc, s->xsd, *s->xsd_len, s->what, err);

	if (rc == MCG_EINPUT) {
		mcg_error_prefix(err, "%s the %s does not validate against %s (a bug in mcg; nothing was written)",
				 when, s->what, s->file);
		err->code = rc = MCG_ESYS;
	}
	return rc;
}

/* Parses the signed bytes back and checks them as a receiver would. */
static int self_check(const rpt_schema *s, const char *bytes, size_t len,
		      const char *pub_path, mcg_error *err)
{
	xmlDocPtr doc = NULL;
	int rc;

	rc = mcg_xml_parse_memory(bytes, len, s->what, &doc, err);
	if (!rc) {
		rc = mcg_xmlsig_verify(doc, pub_path, err);
		if (rc)
			mcg_error_prefix(err, "the signed %s does not verify (nothing was written)",
					 s->what);
	}
	rc = rc ? rc : validate(s, doc, "once signed,", err);
	xmlFreeDoc(doc);
	if (rc)
		err->code = rc = MCG_ESYS;
	return rc;
}

int rpt_write_stdout(const void *data, size_t len, mcg_error *err)
{
	if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
		return mcg_error_set(err, MCG_ESYS, "cannot write to standard output: %s",
				     strerror(errno));
	return MCG_OK;
}

int rpt_doc_seal(rpt_doc *d, mcg_ledger *L, char **bytes_out,
		 size_t *len_out, mcg_error *err)
{
	mcg_buf key = MCG_BUF_INIT, pub = MCG_BUF_INIT;
	char *bytes = NULL;
	size_t len = 0, max = rpt_doc_bytes_max();
	int rc;

	*bytes_out = NULL;
	*len_out = 0;
	if (!d->failed)
		rpt_indent(d);
	if (d->failed) {
		rpt_doc_free(d);
		return mcg_error_set(err, MCG_ESYS, "cannot build the %s: out of memory",
				     d->schema->what);
	}
	if (mcg_keys_path(mcg_ledger_keys_dir(L), MCG_KEY_STATEMENT, 1, &key) ||
	    mcg_keys_path(mcg_ledger_keys_dir(L), MCG_KEY_STATEMENT, 0, &pub)) {
		rc = mcg_error_set(err, MCG_ESYS, "out of memory");
		goto out_free;
	}
	rc = rpt_signing_key_check(L, err);
	if (!rc) {
		rc = mcg_xmlsig_sign(d->doc, key.data, err);
		if (rc)
			mcg_error_prefix(err, "cannot sign the %s (nothing was written)",
					 d->schema->what);
	}
	rc = rc ? rc : dump(d->doc, max, &bytes, &len, err);
	/* The tree is not needed any more: the bytes are what is checked. */
	rpt_doc_free(d);
	if (rc)
		goto out_free;
	*len_out = len;
	/* What a receiver's `statement verify` reads is bounded (reports.h):
	 * a larger document would be signed but never verifiable by mcg. */
	if (len > max) {
		rc = mcg_error_set(err, MCG_EINPUT,
				   "the %s would be %zu bytes, more than the %zu a verifier reads: ask for a shorter period (nothing was written)",
				   d->schema->what, len, max);
		goto out_free;
	}
	rc = self_check(d->schema, bytes, len, pub.data, err);
	if (rc)
		goto out_free;
	*bytes_out = bytes;
	bytes = NULL;
out_free:
	rpt_doc_free(d);
	free(bytes);
	mcg_buf_free(&key);
	mcg_buf_free(&pub);
	return rc;
}

int rpt_doc_finish(rpt_doc *d, mcg_ledger *L, rpt_checkpoint *cp,
		   const char *out_path, size_t *bytes_out, mcg_error *err)
{
	char *bytes = NULL;
	size_t len = 0;
	int rc;

	rc = rpt_doc_seal(d, L, &bytes, &len, err);
	if (rc)
		return rc;
	/* The checkpoint is kept only now, with the document sealed (and in
	 * its FILE.tmp): a refused document keeps none (report_int.h). */
	if (!out_path || strcmp(out_path, "-") == 0) {
		rc = rpt_checkpoint_keep(L, cp, err);
		rc = rc ? rc : rpt_write_stdout(bytes, len, err);
	} else {
		rc = rpt_write_tmp(L, out_path, bytes, len, err);
		if (rc == MCG_EINPUT)   /* the file refused: one of the ledger's own */
			mcg_error_prefix(err, "-o %s", out_path);
		if (!rc) {
			rc = rpt_checkpoint_keep(L, cp, err);
			if (rc)
				rpt_drop_tmp(out_path);
		}
		rc = rc ? rc : rpt_commit_tmp(out_path, err);
	}
	if (!rc && bytes_out)
		*bytes_out = len;
	free(bytes);
	return rc;
}

/* ---------------------------------------------------------------------
 * Writing atomically
 */

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync of the folder holding path, so that the rename itself is durable. */
static int sync_folder(const char *path)
{
	mcg_buf dir = MCG_BUF_INIT;
	int fd, rc;

	if (mcg_path_parent(path, &dir)) {
		mcg_buf_free(&dir);
		return -1;
	}
	fd = open(dir.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	mcg_buf_free(&dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * Every file a document is written to passes here first: neither FILE nor
 * FILE.tmp (created and truncated before the rename) may be one of the
 * ledger's own files, nor anything a rename would wrongly replace
 * (mcg_ledger_output_check).  `-o FILE` was checked so by the command
 * already; the pages of a statement, named only once counted, and FILE.tmp
 * are checked only here.
 */
static int check_output(const mcg_ledger *L, const char *path, const char *tmp,
			mcg_error *err)
{
	char name[64 + MCG_ERROR_MSG_MAX];
	int rc;

	snprintf(name, sizeof(name), "the file %s", path);
	rc = mcg_ledger_output_check(mcg_ledger_path(L), mcg_ledger_keys_dir(L), name,
				     path, err);
	if (rc)
		return rc;
	snprintf(name, sizeof(name), "the temporary file %s", tmp);
	return mcg_ledger_output_check(mcg_ledger_path(L), mcg_ledger_keys_dir(L), name,
				       tmp, err);
}

int rpt_write_tmp(const mcg_ledger *L, const char *path, const void *data, size_t len,
		  mcg_error *err)
{
	mcg_buf tmp = MCG_BUF_INIT;
	int fd, rc = MCG_OK;

	if (mcg_buf_printf(&tmp, "%s.tmp", path))
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	rc = check_output(L, path, tmp.data, err);
	if (rc)
		goto out_free;
	/* A file already at FILE.tmp (a run cut short, or one planted) is
	 * removed, never written into: opened with O_TRUNC, a hard link there
	 * to a file elsewhere (a private key, another ledger) had that file
	 * truncated and overwritten, which no check of the path can see.
	 * O_EXCL then makes a new file or fails; O_NOFOLLOW, a link planted
	 * between the two is not followed. */
	if (unlink(tmp.data) != 0 && errno != ENOENT) {
		rc = mcg_error_set(err, MCG_ESYS, "cannot remove the old '%s': %s", tmp.data,
				   strerror(errno));
		goto out_free;
	}
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		rc = mcg_error_set(err, MCG_ESYS, "cannot create '%s': %s", tmp.data,
				   strerror(errno));
		goto out_free;
	}
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		rc = mcg_error_set(err, MCG_ESYS, "cannot write '%s': %s", tmp.data,
				   strerror(errno));
		close(fd);
		goto out_unlink;
	}
	if (close(fd) != 0) {
		rc = mcg_error_set(err, MCG_ESYS, "cannot write '%s': %s", tmp.data,
				   strerror(errno));
		goto out_unlink;
	}
	goto out_free;
out_unlink:
	unlink(tmp.data);
out_free:
	mcg_buf_free(&tmp);
	return rc;
}

int rpt_commit_tmp(const char *path, mcg_error *err)
{
	mcg_buf tmp = MCG_BUF_INIT;
	int rc = MCG_OK;

	if (mcg_buf_printf(&tmp, "%s.tmp", path))
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	if (rename(tmp.data, path) != 0) {
		rc = mcg_error_set(err, MCG_ESYS, "cannot rename '%s' to '%s': %s", tmp.data,
				   path, strerror(errno));
		unlink(tmp.data);
		goto out_free;
	}
	/* The file is complete and in place; a failed folder sync only means
	 * a crash now could lose the rename, so it is reported. */
	if (sync_folder(path) != 0)
		rc = mcg_error_set(err, MCG_ESYS, "wrote '%s' but cannot sync its folder: %s",
				   path, strerror(errno));
out_free:
	mcg_buf_free(&tmp);
	return rc;
}

void rpt_drop_tmp(const char *path)
{
	mcg_buf tmp = MCG_BUF_INIT;

	if (mcg_buf_printf(&tmp, "%s.tmp", path) == 0)
		unlink(tmp.data);
	mcg_buf_free(&tmp);
}

int rpt_write_atomic(const mcg_ledger *L, const char *path, const void *data, size_t len,
		     mcg_error *err)
{
	int rc = rpt_write_tmp(L, path, data, len, err);

	return rc ? rc : rpt_commit_tmp(path, err);
}

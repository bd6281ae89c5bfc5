/*
 * `mcg statement verify FILE`: what a receiver checks of a document mcg
 * signed.  See reports.h for the contract.
 *
 * The order: read (bounded), refuse a DOCTYPE, parse safely, recognise the
 * kind of document by its root's namespace and name, verify the signature
 * (the strict shape of xmlsig.c, the key from the caller), validate
 * against the kind's XSD, then check the embedded checkpoint: its figures
 * against its own signed note, and, with the ledger at hand, the note
 * against the log.  The signature comes before the schema so that a
 * changed document is reported as changed, the clearest thing to say.
 */
#include "report_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/base64.h"
#include "date.h"
#include "ledger/audit_log.h"
#include "reports/xmlsig.h"
#include "xmlsafe.h"

/* Longest text of one element read for the checks (a signed note). */
#define VERIFY_TEXT_MAX MCG_NOTE_BYTES_MAX

/*
 * A comment or a processing instruction anywhere in the document: mcg
 * writes neither, and exclusive canonicalization without comments, the
 * signature's, leaves them out of what is signed.  So a comment put inside
 * a signed value (<GuaranteedAmount>1<!---->8000.00</...>) keeps the
 * signature valid while a reader that takes the first text node sees "1"
 * (the comment injection of CVE-2017-11427 and its kin).  Refused as a
 * document mcg did not write, before the signature is looked at.
 */
static int refuse_comments(xmlDocPtr doc, const char *path, mcg_error *err)
{
	xmlNodePtr n = doc->children;

	while (n) {
		if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "%s:%ld: has a %s; mcg never writes one, and the signature"
					     " does not cover it", path, (long)xmlGetLineNo(n),
					     n->type == XML_COMMENT_NODE ? "comment" : "processing instruction");
		/* Depth first, without recursion: a document may nest 64 deep. */
		if (n->children && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		while (n && !n->next)
			n = n->parent == (xmlNodePtr)doc ? NULL : n->parent;
		if (n)
			n = n->next;
	}
	return MCG_OK;
}

/*
 * 1 if the prolog (before the root element) holds a DOCTYPE.  Only the
 * prolog can hold one; the scan skips an optional BOM, white space,
 * processing instructions (the XML declaration) and comments.
 */
static int prolog_has_doctype(const char *p, size_t len)
{
	const char *end = p + len;

	if (len >= 3 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb &&
	    (unsigned char)p[2] == 0xbf)
		p += 3;
	while (p < end) {
		const char *close;
		size_t close_len = 2;

		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			p++;
			continue;
		}
		if ((size_t)(end - p) >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0)
			return 1;
		if ((size_t)(end - p) >= 2 && memcmp(p, "<?", 2) == 0)
			close = memmem(p + 2, (size_t)(end - p - 2), "?>", 2);
		else if ((size_t)(end - p) >= 4 && memcmp(p, "<!--", 4) == 0) {
			close = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);
			close_len = 3;
		} else {
			return 0;
		}
		if (!close)
			return 0;
		p = close + close_len;
	}
	return 0;
}

/* The first child element of parent named name in the document's ns. */
static xmlNodePtr child(xmlNodePtr parent, const char *ns, const char *name)
{
	for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns &&
		    xmlStrEqual(c->ns->href, BAD_CAST ns) &&
		    xmlStrEqual(c->name, BAD_CAST name))
			return c;
	return NULL;
}

/* The text of an element into a buffer; "" for none. */
static int text_of(xmlNodePtr n, mcg_buf *out)
{
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
	int rc;

	mcg_buf_reset(out);
	rc = mcg_buf_puts(out, t ? (const char *)t : "");
	xmlFree(t);
	return rc;
}

/* An attribute's value copied into out (at most outsz - 1 bytes). */
static void attr_of(xmlNodePtr n, const char *name, char *out, size_t outsz)
{
	xmlChar *v = n ? xmlGetNoNsProp(n, BAD_CAST name) : NULL;

	mcg_strlcpy(out, v ? (const char *)v : "", outsz);
	xmlFree(v);
}

/* What the document is about, for the report: its bank, member, period. */
static void describe(const rpt_schema *s, xmlNodePtr root, char *out, size_t outsz)
{
	xmlNodePtr h = child(root, s->ns, "Header");
	char id[64], from[16], to[16];

	attr_of(child(h, s->ns, "Period"), "from", from, sizeof(from));
	attr_of(child(h, s->ns, "Period"), "to", to, sizeof(to));
	switch (s->kind) {
	case MCG_DOC_STATEMENT:
		attr_of(child(h, s->ns, "Bank"), "bic", id, sizeof(id));
		snprintf(out, outsz, "bank %s, %s to %s", id, from, to);
		break;
	case MCG_DOC_MEMBER_STATEMENT:
		attr_of(child(h, s->ns, "Member"), "id", id, sizeof(id));
		attr_of(child(h, s->ns, "AsOf"), "event", from, sizeof(from));
		snprintf(out, outsz, "member %s, as of event %s", id, from);
		break;
	case MCG_DOC_REGULATORY:
		snprintf(out, outsz, "%s to %s", from, to);
		break;
	}
}

/*
 * The embedded checkpoint: its Origin, Size and RootHash must be those of
 * its own signed note (the document is signed, so a difference means mcg
 * wrote it wrong or it was built by hand).  note gets the note's text.
 */
static int check_checkpoint(const rpt_schema *s, xmlNodePtr root, mcg_buf *note,
			    mcg_checkpoint *out, mcg_error *err)
{
	xmlNodePtr c = child(root, s->ns, "Checkpoint");
	mcg_buf text;
	mcg_checkpoint cp;
	uint8_t hash[MCG_HASH_SIZE];
	size_t hash_len = 0;
	int64_t size = -1;
	int rc;

	if (!c)
		return mcg_error_set(err, MCG_EINTEGRITY, "the document holds no checkpoint");
	mcg_buf_init(&text, VERIFY_TEXT_MAX);
	if (text_of(child(c, s->ns, "SignedNote"), note)) {
		rc = mcg_error_set(err, MCG_EINTEGRITY, "the checkpoint's signed note is too large");
		goto out_free;
	}
	rc = rpt_checkpoint_parse_note(note->data, note->len, &cp, err);
	if (rc) {
		mcg_error_prefix(err, "the embedded checkpoint");
		err->code = rc = MCG_EINTEGRITY;
		goto out_free;
	}
	rc = text_of(child(c, s->ns, "Size"), &text);
	if (!rc)
		rc = mcg_parse_int64(mcg_buf_str(&text), &size);
	rc = rc ? rc : text_of(child(c, s->ns, "RootHash"), &text);
	if (!rc)
		rc = mcg_audit_base64_decode(text.data, text.len, hash, sizeof(hash),
					     &hash_len, err);
	rc = rc ? rc : text_of(child(c, s->ns, "Origin"), &text);
	if (rc || size != cp.size || hash_len != MCG_HASH_SIZE ||
	    memcmp(hash, cp.root.b, MCG_HASH_SIZE) != 0 ||
	    strcmp(mcg_buf_str(&text), cp.origin) != 0) {
		rc = mcg_error_set(err, MCG_EINTEGRITY,
				   "the checkpoint's origin, size or root hash differ from its signed note");
		goto out_free;
	}
	*out = cp;
out_free:
	mcg_buf_free(&text);
	return rc;
}

static const rpt_schema *recognise(xmlNodePtr root, const char *path,
				   mcg_error *err)
{
	const char *ns = root && root->ns ? (const char *)root->ns->href : "";

	for (size_t i = 0; root && i < rpt_n_schemas; i++)
		if (strcmp(ns, rpt_schemas[i].ns) == 0) {
			if (!xmlStrEqual(root->name, BAD_CAST rpt_schemas[i].root)) {
				mcg_error_set(err, MCG_EINTEGRITY,
					      "%s: the root element of a %s must be %s",
					      path, rpt_schemas[i].what, rpt_schemas[i].root);
				return NULL;
			}
			return &rpt_schemas[i];
		}
	mcg_error_set(err, MCG_EINTEGRITY,
		      "%s: not a document mcg signs: the root's namespace is '%.80s', expected %s, %s or %s",
		      path, ns, rpt_schemas[0].ns, rpt_schemas[1].ns, rpt_schemas[2].ns);
	return NULL;
}

int mcg_report_verify(const char *path, const char *pubkey_path, mcg_ledger *L,
		      mcg_verify_report *out, mcg_error *err)
{
	mcg_buf note = MCG_BUF_INIT;
	const rpt_schema *s;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	mcg_checkpoint against;
	char *data = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	mcg_buf_init(&note, VERIFY_TEXT_MAX);
	rc = mcg_read_file(path, MCG_REPORT_BYTES_MAX, &data, &len, err);
	if (rc)
		return rc;
	if (prolog_has_doctype(data, len)) {
		rc = mcg_error_set(err, MCG_EINTEGRITY,
				   "%s: has a DOCTYPE (a DTD or entity declarations); mcg never writes one, and it is not read",
				   path);
		goto out_free;
	}
	/* A CDATA section is the comment's twin: the safe parse merges it into
	 * the text around it (XML_PARSE_NOCDATA) and canonicalization makes
	 * it text, so <TotalGuaranteed>2<![CDATA[5000.00]]></...> keeps the
	 * signature while a reader of the first node sees "2".  mcg writes
	 * none; the bytes can open nothing else (inside a comment they are
	 * refused with it). */
	if (memmem(data, len, "<![CDATA[", 9)) {
		rc = mcg_error_set(err, MCG_EINTEGRITY,
				   "%s: has a CDATA section; mcg never writes one, and a reader"
				   " may take its text apart from the figure it is in", path);
		goto out_free;
	}
	rc = mcg_xml_parse_memory(data, len, path, &doc, err);
	if (rc)
		goto out_free;
	root = xmlDocGetRootElement(doc);
	s = recognise(root, path, err);
	if (!s) {
		rc = MCG_EINTEGRITY;
		goto out_free;
	}
	rc = refuse_comments(doc, path, err);
	if (rc)
		goto out_free;
	out->kind = s->kind;
	out->what = s->what;
	out->ns = s->ns;
	out->schema = s->file;

	rc = mcg_xmlsig_verify(doc, pubkey_path, err);
	if (rc) {
		mcg_error_prefix(err, "%s: signature", path);
		goto out_free;
	}
	rc = mcg_xml_validate(doc, s->xsd, *s->xsd_len, path, err);
	if (rc) {
		mcg_error_prefix(err, "not valid against %s", s->file);
		if (rc == MCG_EINPUT)
			err->code = rc = MCG_EINTEGRITY;
		goto out_free;
	}
	describe(s, root, out->subject, sizeof(out->subject));
	rc = check_checkpoint(s, root, &note, &out->checkpoint, err);
	if (rc) {
		mcg_error_prefix(err, "%s", path);
		goto out_free;
	}
	if (L) {
		mcg_audit_report verified;

		/* "Consistent with the log" means with its rows: every leaf is
		 * recomputed from them (audit verify --checkpoint), not only
		 * the stored tree folded, which an event row changed by hand
		 * leaves as it was. */
		rc = mcg_audit_verify(L, note.data, note.len, &verified, err);
		rc = rc ? rc : mcg_audit_check_note(L, note.data, note.len, &against, err);
		if (rc) {
			mcg_error_prefix(err, "%s: the checkpoint does not hold against the ledger %s",
					 path, mcg_ledger_path(L));
			if (rc != MCG_ESYS)
				err->code = rc = MCG_EINTEGRITY;
			goto out_free;
		}
		out->checked_against_ledger = 1;
	}
out_free:
	xmlFreeDoc(doc);
	free(data);
	mcg_buf_free(&note);
	return rc;
}

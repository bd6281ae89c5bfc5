/* Reading hostile XML safely: see xmlsafe.h. */
#include "xmlsafe.h"
#include "buf.h"
#include "utf8.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

/*
 * NONET: never fetch anything.  No NOENT (entities stay unexpanded) and no
 * DTDLOAD/DTDATTR (no external subset).  NONET plus the DOCTYPE refusal
 * below close the entity-expansion and external-entity doors.
 */
#define SAFE_PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | \
			    XML_PARSE_NOWARNING | XML_PARSE_NOCDATA)

int mcg_read_file(const char *path, size_t max_bytes, char **out,
		  size_t *out_len, mcg_error *err)
{
	FILE *f;
	mcg_buf b;
	char chunk[65536];
	size_t n;
	int rc = MCG_OK;

	mcg_buf_init(&b, max_bytes);
	f = fopen(path, "rb");
	if (!f)
		return mcg_error_set(err, MCG_EINPUT, "cannot read '%s': %s",
				     path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		rc = mcg_buf_append(&b, chunk, n);
		if (rc == MCG_EINPUT) {
			mcg_error_set(err, rc, "%s: file too large (limit %zu bytes)",
				      path, max_bytes);
			goto out_close;
		}
		if (rc) {
			mcg_error_set(err, rc, "%s: out of memory", path);
			goto out_close;
		}
	}
	if (ferror(f)) {
		rc = mcg_error_set(err, MCG_EINPUT, "cannot read '%s': %s",
				   path, strerror(errno));
		goto out_close;
	}
	*out_len = b.len;
	*out = mcg_buf_detach(&b);
	if (!*out)
		rc = mcg_error_set(err, MCG_ESYS, "out of memory");
out_close:
	fclose(f);
	mcg_buf_free(&b);
	return rc;
}

/*
 * The encoding, checked before libxml2 reads a byte.  libxml2 words a file
 * in the wrong encoding as "Input is not proper UTF-8, indicate encoding !"
 * or, for a bad byte in a comment, "Start tag expected, '<' not found", and
 * takes a UTF-16 byte order mark over a declaration that says UTF-8.  Here
 * a document read as UTF-8 (a UTF-8 byte order mark, an XML declaration
 * naming UTF-8, or none naming any encoding: XML's default) is checked
 * byte by byte, and the first byte sequence that is not UTF-8, or not a
 * character XML allows (a NUL, a control character, U+FFFE, U+FFFF), is
 * named with its line and column (in characters, from 1, as libxml2
 * counts them).  A document that declares another encoding (ISO-8859-1,
 * UTF-16 with its mark) is left to libxml2, as before.
 */
#define XML_DECL_SCAN_MAX 256    /* characters of <?xml ...?> looked at */
#define ENCODING_NAME_MAX 40

/* The prefix of data as ASCII text: every byte (step 1), or the low
 * byte of each UTF-16 unit (step 2, lo the low byte's offset), up to the
 * first unit that is not ASCII.  out holds at least XML_DECL_SCAN_MAX + 1. */
static void ascii_prefix(const unsigned char *p, size_t len, size_t step,
			 size_t lo, char *out)
{
	size_t n = 0;

	for (size_t i = 0; i + step <= len && n < XML_DECL_SCAN_MAX; i += step) {
		unsigned char c = p[i + lo];

		if (c == 0 || c >= 0x80 || (step == 2 && p[i + 1 - lo] != 0))
			break;
		out[n++] = (char)c;
	}
	out[n] = '\0';
}

static int is_decl_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The encoding an XML declaration at the start of text names, into name
 * ("" when there is no declaration or it names none). */
static void declared_encoding(const char *text, char name[ENCODING_NAME_MAX + 1])
{
	const char *end, *at;
	char quote;
	size_t n = 0;

	name[0] = '\0';
	if (strncmp(text, "<?xml", 5) != 0 || !is_decl_space(text[5]))
		return;
	end = strstr(text, "?>");
	at = strstr(text, "encoding");
	if (!end || !at || at > end || !is_decl_space(at[-1]))
		return;
	at += strlen("encoding");
	while (is_decl_space(*at))
		at++;
	if (*at++ != '=')
		return;
	while (is_decl_space(*at))
		at++;
	quote = *at++;
	if (quote != '"' && quote != '\'')
		return;
	while (at[n] && at[n] != quote && n < ENCODING_NAME_MAX &&
	       (isalnum((unsigned char)at[n]) || strchr("._-", at[n])))
		n++;
	if (at[n] == quote) {
		memcpy(name, at, n);
		name[n] = '\0';
	}
}

/* A byte order mark that says one encoding under a declaration that names
 * another: XML calls that a fatal error, libxml2 lets the mark win. */
static int mark_contradicts(const char *name, const char *mark, const char *bytes,
			    const char *declared, const char *advice, mcg_error *err)
{
	return mcg_error_set(err, MCG_EINPUT,
			     "%s:1:1: the file begins with a %s byte order mark (%s) but declares"
			     " encoding \"%s\": %s",
			     name, mark, bytes, declared, advice);
}

/* Where a check of the characters stopped: its line and column. */
struct text_pos {
	size_t line, col;
};

/* A character XML does not allow (XML 1.0, production Char), named. */
static int not_a_char(const char *name, const struct text_pos *at, unsigned long v,
		      mcg_error *err)
{
	if (v == 0)
		return mcg_error_set(err, MCG_EINPUT,
				     "%s:%zu:%zu: a NUL byte, which XML does not allow",
				     name, at->line, at->col);
	if (v < 0x20)
		return mcg_error_set(err, MCG_EINPUT,
				     "%s:%zu:%zu: a control character (byte 0x%02lX), which XML"
				     " does not allow", name, at->line, at->col, v);
	return mcg_error_set(err, MCG_EINPUT,
			     "%s:%zu:%zu: the character U+%04lX, which XML does not allow",
			     name, at->line, at->col, v);
}

/* The bytes of one UTF-8 sequence that is not UTF-8, for its message. */
static int not_utf8(const char *name, const struct text_pos *at, const unsigned char *p,
		    size_t n, int declared, mcg_error *err)
{
	char bytes[32] = "";
	size_t used = 0;

	for (size_t k = 0; k < n && used + 6 < sizeof(bytes); k++)
		used += (size_t)snprintf(bytes + used, sizeof(bytes) - used, "%s0x%02X",
					 k ? " " : "", p[k]);
	return mcg_error_set(err, MCG_EINPUT, "%s:%zu:%zu: not valid UTF-8 (%s %s)%s", name,
			     at->line, at->col, n > 1 ? "bytes" : "byte", bytes,
			     declared ? ", the encoding the file declares: save it as UTF-8"
				      : ": with no encoding declared, XML is UTF-8; save the"
					" file as UTF-8, or declare its encoding");
}

/* Every character of p (len bytes, UTF-8) one XML allows, or the first
 * that is not, named with its place. */
static int check_utf8(const unsigned char *p, size_t len, const char *name, int declared,
		      mcg_error *err)
{
	struct text_pos at = { 1, 1 };
	size_t i = 0;

	while (i < len) {
		unsigned long v = 0;
		size_t bad, n = mcg_utf8_char(p + i, len - i, &v, &bad);

		if (n == 0)
			return not_utf8(name, &at, p + i, bad, declared, err);
		if (!mcg_xml_char_allowed(v))
			return not_a_char(name, &at, v, err);
		if (v == '\n') {
			at.line++;
			at.col = 1;
		} else {
			at.col++;
		}
		i += n;
	}
	return MCG_OK;
}

/* The first four bytes by which libxml2 (xmlDetectCharEncoding) tells a
 * document with no mark to be UCS-4, UTF-16 or EBCDIC ("<" or "<?" in
 * each): not ours to read as UTF-8. */
static int other_encoding_start(const unsigned char *p, size_t len)
{
	static const char starts[][4] = {
		{ 0, 0, 0, '<' }, { '<', 0, 0, 0 }, { 0, 0, '<', 0 }, { 0, '<', 0, 0 },
		{ '<', 0, '?', 0 }, { 0, '<', 0, '?' }, { 0x4C, 0x6F, (char)0xA7, (char)0x94 },
	};

	for (size_t i = 0; len >= 4 && i < sizeof(starts) / sizeof(starts[0]); i++)
		if (memcmp(p, starts[i], 4) == 0)
			return 1;
	return 0;
}

static int check_encoding(const char *data, size_t len, const char *name, mcg_error *err)
{
	const unsigned char *p = (const unsigned char *)data;
	char text[XML_DECL_SCAN_MAX + 1], declared[ENCODING_NAME_MAX + 1];
	int utf8_mark = len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF;
	int utf16_le = len >= 2 && p[0] == 0xFF && p[1] == 0xFE;
	int utf16_be = len >= 2 && p[0] == 0xFE && p[1] == 0xFF;

	if (utf16_le || utf16_be) {
		ascii_prefix(p + 2, len - 2, 2, utf16_le ? 0 : 1, text);
		declared_encoding(text, declared);
		if (declared[0] && strncasecmp(declared, "UTF-16", 6) != 0)
			return mark_contradicts(name, "UTF-16", utf16_le ? "0xFF 0xFE" : "0xFE 0xFF",
						declared, "save it as UTF-8 without the mark,"
						" or declare UTF-16", err);
		return MCG_OK;
	}
	if (other_encoding_start(p, len))
		return MCG_OK;
	if (utf8_mark) {
		p += 3;
		len -= 3;
	}
	ascii_prefix(p, len, 1, 0, text);
	declared_encoding(text, declared);
	if (declared[0] && strcasecmp(declared, "UTF-8") != 0 && strcasecmp(declared, "UTF8") != 0) {
		if (utf8_mark)
			return mark_contradicts(name, "UTF-8", "0xEF 0xBB 0xBF", declared,
						"declare UTF-8, or save it without the mark", err);
		return MCG_OK;
	}
	return check_utf8(p, len, name, declared[0] != '\0', err);
}

/* 1: fine; 0: nested too deep; -1: holds an entity reference. */
static int element_depth_ok(xmlNodePtr node, int depth)
{
	if (depth > MCG_XML_DEPTH_MAX)
		return 0;
	for (xmlNodePtr c = node; c; c = c->next) {
		if (c->type == XML_ENTITY_REF_NODE || c->type == XML_ENTITY_NODE)
			return -1;
		if (c->children) {
			int r = element_depth_ok(c->children, depth + 1);

			if (r != 1)
				return r;
		}
	}
	return 1;
}

int mcg_xml_parse_memory(const char *data, size_t len, const char *name,
			 xmlDocPtr *out, mcg_error *err)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	int depth;

	*out = NULL;
	if (len > MCG_XML_BYTES_MAX)
		return mcg_error_set(err, MCG_EINPUT,
				     "%s: XML too large (limit %zu bytes)",
				     name, MCG_XML_BYTES_MAX);
	if (len > (size_t)INT32_MAX)
		return mcg_error_set(err, MCG_EINPUT, "%s: XML too large", name);
	if (check_encoding(data, len, name, err))
		return MCG_EINPUT;
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, name, NULL,
				SAFE_PARSE_OPTIONS);
	if (!doc || !ctxt->wellFormed) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[256] = "not well-formed XML";

		if (e && e->message) {
			mcg_strlcpy(msg, e->message, sizeof(msg));
			msg[strcspn(msg, "\n")] = '\0';
		}
		mcg_error_set(err, MCG_EINPUT, "%s:%d:%d: %s", name,
			      e ? e->line : 0, e ? e->int2 : 0, msg);
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctxt);
		return MCG_EINPUT;
	}
	xmlFreeParserCtxt(ctxt);
	if (doc->intSubset || doc->extSubset) {
		xmlFreeDoc(doc);
		return mcg_error_set(err, MCG_EINPUT,
				     "%s: a DOCTYPE (DTD or entity declaration) is not allowed",
				     name);
	}
	depth = element_depth_ok(doc->children, 1);
	if (depth != 1) {
		xmlFreeDoc(doc);
		if (depth < 0)
			return mcg_error_set(err, MCG_EINPUT,
					     "%s: entity references are not allowed",
					     name);
		return mcg_error_set(err, MCG_EINPUT,
				     "%s: XML nested deeper than %d elements",
				     name, MCG_XML_DEPTH_MAX);
	}
	*out = doc;
	return MCG_OK;
}

int mcg_xml_parse_file(const char *path, size_t max_bytes, xmlDocPtr *out,
		       mcg_error *err)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (max_bytes == 0)
		max_bytes = MCG_XML_BYTES_MAX;
	rc = mcg_read_file(path, max_bytes, &data, &len, err);
	if (rc)
		return rc;
	rc = mcg_xml_parse_memory(data, len, path, out, err);
	free(data);
	return rc;
}

struct validation_errors {
	const char *name;
	mcg_error *err;
	int seen;
};

/* libxml2 2.9 passes a non-const xmlErrorPtr here. */
static void collect_first_error(void *ctx, xmlErrorPtr e)
{
	struct validation_errors *v = ctx;
	char msg[512];

	if (v->seen++)
		return;
	mcg_strlcpy(msg, e->message ? e->message : "invalid", sizeof(msg));
	msg[strcspn(msg, "\n")] = '\0';
	mcg_error_set(v->err, MCG_EINPUT, "%s:%d:%d: %s", v->name, e->line,
		      e->int2, msg);
}

int mcg_xml_validate(xmlDocPtr doc, const char *xsd, size_t xsd_len,
		     const char *name, mcg_error *err)
{
	xmlDocPtr xsd_doc = NULL;
	xmlSchemaParserCtxtPtr pctxt = NULL;
	xmlSchemaPtr schema = NULL;
	xmlSchemaValidCtxtPtr vctxt = NULL;
	struct validation_errors v = { name, err, 0 };
	int rc = MCG_ESYS;

	if (mcg_xml_parse_memory(xsd, xsd_len, "(built-in schema)", &xsd_doc, err))
		return mcg_error_set(err, MCG_ESYS, "built-in schema does not parse: %s",
				     err ? err->msg : "");
	pctxt = xmlSchemaNewDocParserCtxt(xsd_doc);
	if (!pctxt)
		goto out;
	schema = xmlSchemaParse(pctxt);
	if (!schema) {
		mcg_error_set(err, MCG_ESYS, "built-in schema does not compile");
		goto out;
	}
	vctxt = xmlSchemaNewValidCtxt(schema);
	if (!vctxt)
		goto out;
	xmlSchemaSetValidStructuredErrors(vctxt, collect_first_error, &v);
	if (xmlSchemaValidateDoc(vctxt, doc) == 0) {
		rc = MCG_OK;
	} else {
		if (!v.seen)
			mcg_error_set(err, MCG_EINPUT, "%s: not valid against its schema",
				      name);
		rc = MCG_EINPUT;
	}
out:
	if (rc == MCG_ESYS && err && err->code != MCG_ESYS)
		mcg_error_set(err, MCG_ESYS, "cannot set up XML schema validation");
	xmlSchemaFreeValidCtxt(vctxt);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pctxt);
	xmlFreeDoc(xsd_doc);
	return rc;
}

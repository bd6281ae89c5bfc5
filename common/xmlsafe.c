/* Reading hostile XML safely: see xmlsafe.h. */
#include "xmlsafe.h"
#include "buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

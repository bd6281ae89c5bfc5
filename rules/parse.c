/*
 * Reading a rules file: hostile-safe parsing and XSD validation through
 * xmlsafe.h, then each rule's text through the checked number parsers of
 * money.h, then the range checks the schema cannot make (rules_int.h).
 *
 * The schema already refuses unknown, missing and repeated elements and
 * malformed numbers; the reader below checks all of that again rather than
 * trusting that the schema and this code never drift apart.
 */
#include "rules.h"
#include "rules_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "money.h"
#include "xmlsafe.h"

#define RULES_NS "urn:mcg:rules:1"
#define RULES_FORMAT_VERSION "1"
#define DEFAULT_NAME "(built-in default rules)"

/* Bit of the master scale in the "seen" mask, after the scalar rules. */
#define SEEN_MASTER_SCALE (1u << 31)

struct reader {
	const char *name;       /* the file, for messages */
	int minor_digits;       /* of the ledger's currency, for capital_min */
	mcg_rules *rules;
	mcg_error *err;
};

/* libxml2 names elements "{urn:mcg:rules:1}coverage_max": drop the
 * namespace so that the rule's own name is what the treasurer reads. */
static void strip_namespace(mcg_error *err)
{
	static const char ns[] = "{" RULES_NS "}";
	char *p;

	if (!err)
		return;
	while ((p = strstr(err->msg, ns)) != NULL)
		memmove(p, p + sizeof(ns) - 1, strlen(p + sizeof(ns) - 1) + 1);
}

static int is_name_end(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '/';
}

/* The column (in characters, from 1) where element `elem` opens on line
 * `line` of the file, "<elem" or "<prefix:elem"; 0 when it is not there. */
static long element_column(const char *xml, size_t len, long line, const char *elem)
{
	size_t n = strlen(elem), at = 0;
	long l = 1;

	while (l < line && at < len)
		if (xml[at++] == '\n')
			l++;
	for (size_t start = at; at < len && xml[at] != '\n'; at++) {
		const char *name = xml + at + 1;

		if (xml[at] != '<')
			continue;
		/* A tag's name ends within 256 bytes of its '<' (a longer one is
		 * not one of the rules file's elements), so a hostile line of
		 * "<a:<a:<a:..." costs a bounded scan per '<', not the line's. */
		for (const char *c = name; c < xml + len && c - (xml + at) < 256 && *c != '<' &&
					   !is_name_end(*c); c++)
			if (*c == ':')
				name = c + 1;   /* past a prefix */
		if ((size_t)(xml + len - name) > n && strncmp(name, elem, n) == 0 &&
		    is_name_end(name[n])) {
			long col = 1;

			/* UTF-8: count the bytes that begin a character. */
			for (size_t k = start; k < at; k++)
				col += ((unsigned char)xml[k] & 0xC0) != 0x80;
			return col;
		}
	}
	return 0;
}

/*
 * libxml2's schema errors carry a line but no column (xmlsafe.c writes it
 * as 0), and CLI.md asks for both: the column is found in the file, where
 * the element the error names opens on that line ("rules.xml:15:0:
 * Element 'fee': ..." becomes "rules.xml:15:3: ...").  Where it cannot be
 * found the 0 is dropped: "rules.xml:15: ...".
 */
static void schema_error_column(mcg_error *err, const char *name, const char *xml, size_t len)
{
	size_t n = strlen(name);
	char *p, *msg, elem[64];
	long line;
	long col = 0;
	char colt[24];
	const char *q;

	if (!err || strncmp(err->msg, name, n) != 0 || err->msg[n] != ':')
		return;
	p = err->msg + n + 1;
	line = strtol(p, &msg, 10);
	if (msg == p || strncmp(msg, ":0: ", 4) != 0)
		return;
	q = msg + 4;
	if (strncmp(q, "Element '", 9) == 0) {
		size_t k = strcspn(q + 9, "'");

		if (k > 0 && k < sizeof(elem)) {
			memcpy(elem, q + 9, k);
			elem[k] = '\0';
			col = element_column(xml, len, line, elem);
		}
	}
	if (col <= 0) {
		memmove(msg, msg + 2, strlen(msg + 2) + 1);
		return;
	}
	snprintf(colt, sizeof(colt), ":%ld", col);
	if (strlen(err->msg) + strlen(colt) - 2 >= sizeof(err->msg)) {
		memmove(msg, msg + 2, strlen(msg + 2) + 1);   /* no room: the line alone */
		return;
	}
	memmove(msg + strlen(colt), msg + 2, strlen(msg + 2) + 1);
	memcpy(msg, colt, strlen(colt));
}

static int is_rules_element(xmlNodePtr node, const char *local)
{
	return node->type == XML_ELEMENT_NODE && node->ns && node->ns->href &&
	       strcmp((const char *)node->ns->href, RULES_NS) == 0 &&
	       (!local || strcmp((const char *)node->name, local) == 0);
}

static int is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Trims XML white space at both ends, in place (the schema's decimal types
 * collapse it, so "<fee> 1.00 </fee>" is valid and means 1.00). */
static char *trim(char *s)
{
	size_t n;

	while (is_xml_space(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_xml_space(s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Parses text written as kind says into memory units. */
static int parse_value(const char *text, enum rules_kind kind,
		       int minor_digits, int64_t *out, mcg_error *err)
{
	int32_t bp;
	int rc;

	switch (kind) {
	case RULES_PCT:
		rc = mcg_pct_parse(text, &bp, err);
		*out = bp;
		return rc;
	case RULES_AMOUNT:
		return mcg_amount_parse(text, minor_digits, 0, out, err);
	case RULES_TENTHS:
		return mcg_amount_parse(text, 1, 0, out, err);
	case RULES_CENTI:
		return mcg_amount_parse(text, 2, 0, out, err);
	case RULES_INT:
		break;
	}
	return mcg_amount_parse(text, 0, 0, out, err);
}

static int read_field(struct reader *rd, xmlNodePtr node,
		      const struct rules_field *f)
{
	xmlChar *content = xmlNodeGetContent(node);
	int64_t v = 0;
	int rc;

	if (!content)
		return mcg_error_set(rd->err, MCG_ESYS, "out of memory");
	rc = parse_value(trim((char *)content), f->kind, rd->minor_digits, &v,
			 rd->err);
	xmlFree(content);
	if (rc)
		return mcg_error_prefix(rd->err, "%s:%ld: rule %s", rd->name,
					xmlGetLineNo(node), f->name);
	rc = mcg_rules_check_value(f, v, rd->err);
	if (rc)
		return mcg_error_prefix(rd->err, "%s:%ld", rd->name,
					xmlGetLineNo(node));
	mcg_rules_field_set(rd->rules, f, v);
	return MCG_OK;
}

/* Reads one attribute of a master-scale grade. */
static int read_grade_attr(struct reader *rd, xmlNodePtr node,
			   const char *attr, enum rules_kind kind, int64_t *out)
{
	xmlChar *text = xmlGetProp(node, (const xmlChar *)attr);
	int rc;

	if (!text)
		return mcg_error_set(rd->err, MCG_EINPUT,
				     "%s:%ld: rule master_scale: a grade without %s",
				     rd->name, xmlGetLineNo(node), attr);
	rc = parse_value(trim((char *)text), kind, 0, out, rd->err);
	xmlFree(text);
	if (rc)
		return mcg_error_prefix(rd->err, "%s:%ld: rule master_scale: %s",
					rd->name, xmlGetLineNo(node), attr);
	return MCG_OK;
}

static int read_grade(struct reader *rd, xmlNodePtr node, int grade)
{
	int64_t score, pd;
	int rc;

	if (!is_rules_element(node, "grade"))
		return mcg_error_set(rd->err, MCG_EINPUT,
				     "%s:%ld: rule master_scale: unexpected element '%s'",
				     rd->name, xmlGetLineNo(node), node->name);
	if (grade > MCG_GRADES)
		return mcg_error_set(rd->err, MCG_EINPUT,
				     "%s:%ld: rule master_scale: more than %d grades",
				     rd->name, xmlGetLineNo(node), MCG_GRADES);
	rc = read_grade_attr(rd, node, "score", RULES_INT, &score);
	if (!rc)
		rc = read_grade_attr(rd, node, "pd", RULES_PCT, &pd);
	if (rc)
		return rc;
	if (score != grade)
		return mcg_error_set(rd->err, MCG_EINPUT,
				     "%s:%ld: rule master_scale: expected grade %d here, found score=\"%lld\" (list grades 1 to %d in order)",
				     rd->name, xmlGetLineNo(node), grade,
				     (long long)score, MCG_GRADES);
	rd->rules->master_scale_pd_bp[grade - 1] = (int32_t)pd;
	rc = mcg_rules_check_grade(rd->rules, grade, rd->err);
	if (rc)
		return mcg_error_prefix(rd->err, "%s:%ld", rd->name,
					xmlGetLineNo(node));
	return MCG_OK;
}

static int read_master_scale(struct reader *rd, xmlNodePtr scale)
{
	int grade = 0;
	int rc;

	for (xmlNodePtr c = scale->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		rc = read_grade(rd, c, ++grade);
		if (rc)
			return rc;
	}
	if (grade != MCG_GRADES)
		return mcg_error_set(rd->err, MCG_EINPUT,
				     "%s:%ld: rule master_scale: %d grades, expected %d",
				     rd->name, xmlGetLineNo(scale), grade,
				     MCG_GRADES);
	return MCG_OK;
}

static const struct rules_field *find_field(const xmlChar *name, size_t *index)
{
	for (size_t i = 0; i < mcg_rules_fields_n; i++) {
		if (strcmp((const char *)name, mcg_rules_fields[i].name) == 0) {
			*index = i;
			return &mcg_rules_fields[i];
		}
	}
	return NULL;
}

static int read_child(struct reader *rd, xmlNodePtr node, uint32_t *seen)
{
	const struct rules_field *f;
	uint32_t bit;
	size_t i = 0;

	if (!is_rules_element(node, NULL))
		return mcg_error_set(rd->err, MCG_EINPUT,
				     "%s:%ld: unknown element '%s'", rd->name,
				     xmlGetLineNo(node), node->name);
	f = find_field(node->name, &i);
	if (!f && strcmp((const char *)node->name, "master_scale") != 0)
		return mcg_error_set(rd->err, MCG_EINPUT,
				     "%s:%ld: unknown element '%s'", rd->name,
				     xmlGetLineNo(node), node->name);
	bit = f ? 1u << i : SEEN_MASTER_SCALE;
	if (*seen & bit)
		return mcg_error_set(rd->err, MCG_EINPUT,
				     "%s:%ld: rule %s appears twice", rd->name,
				     xmlGetLineNo(node), node->name);
	*seen |= bit;
	return f ? read_field(rd, node, f) : read_master_scale(rd, node);
}

static int read_rules(struct reader *rd, xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlChar *version;
	uint32_t seen = 0;
	int rc, version_ok;

	/* One bit per scalar rule, and the top bit for the master scale. */
	assert(mcg_rules_fields_n < 31);

	if (!root || !is_rules_element(root, "rules"))
		return mcg_error_set(rd->err, MCG_EINPUT,
				     "%s: not a rules file (expected <rules xmlns=\"%s\">)",
				     rd->name, RULES_NS);
	version = xmlGetProp(root, (const xmlChar *)"version");
	version_ok = version &&
		     strcmp((const char *)version, RULES_FORMAT_VERSION) == 0;
	xmlFree(version);
	if (!version_ok)
		return mcg_error_set(rd->err, MCG_EINPUT,
				     "%s: unsupported rules format version (expected version=\"%s\")",
				     rd->name, RULES_FORMAT_VERSION);
	for (xmlNodePtr c = root->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		rc = read_child(rd, c, &seen);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < mcg_rules_fields_n; i++)
		if (!(seen & (1u << i)))
			return mcg_error_set(rd->err, MCG_EINPUT,
					     "%s: rule %s is missing", rd->name,
					     mcg_rules_fields[i].name);
	if (!(seen & SEEN_MASTER_SCALE))
		return mcg_error_set(rd->err, MCG_EINPUT,
				     "%s: rule master_scale is missing", rd->name);
	return MCG_OK;
}

int mcg_rules_parse(const char *xml, size_t len, const char *name,
		    int minor_digits, mcg_rules *out, mcg_error *err)
{
	xmlDocPtr doc = NULL;
	mcg_rules r;
	struct reader rd = { name ? name : "(rules)", minor_digits, &r, err };
	int rc;

	memset(&r, 0, sizeof(r));
	if (minor_digits < 0 || minor_digits > MCG_MINOR_DIGITS_MAX)
		return mcg_error_set(err, MCG_EINPUT,
				     "%s: currency with %d minor digits", rd.name,
				     minor_digits);
	rc = mcg_xml_parse_memory(xml, len, rd.name, &doc, err);
	if (rc)
		return rc;
	rc = mcg_xml_validate(doc, mcg_rules_xsd, mcg_rules_xsd_len, rd.name,
			      err);
	if (rc) {
		strip_namespace(err);
		schema_error_column(err, rd.name, xml, len);
		goto out_free_doc;
	}
	rc = read_rules(&rd, doc);
	if (rc)
		goto out_free_doc;
	rc = mcg_rules_check_ranges(&r, err);
	if (rc) {
		mcg_error_prefix(err, "%s", rd.name);
		goto out_free_doc;
	}
	*out = r;
out_free_doc:
	xmlFreeDoc(doc);
	return rc;
}

int mcg_rules_load_file(const char *path, int minor_digits, mcg_rules *out,
			mcg_error *err)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	rc = mcg_read_file(path, MCG_XML_BYTES_MAX, &data, &len, err);
	if (rc)
		return rc;
	rc = mcg_rules_parse(data, len, path, minor_digits, out, err);
	free(data);
	return rc;
}

int mcg_rules_default(int minor_digits, mcg_rules *out, mcg_error *err)
{
	int rc = mcg_rules_parse(mcg_rules_default_xml, mcg_rules_default_xml_len,
				 DEFAULT_NAME, minor_digits, out, err);

	/* The built-in file is ours: if it does not read, that is a bug or
	 * a lack of memory, never the user's input. */
	if (rc && err)
		err->code = MCG_ESYS;
	return rc ? MCG_ESYS : MCG_OK;
}

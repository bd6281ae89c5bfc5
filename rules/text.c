/*
 * The canonical text of a rules version: what the "rules load" event
 * records, hashes into the audit log and reads back when the ledger is
 * rebuilt.  One "name=value\n" line per rule in the fixed order of
 * mcg_rules_fields, then master_scale_pd_bp_1 .. _10; values are plain
 * non-negative decimal integers in the units the names end with.  The
 * reader accepts exactly what the writer produces and nothing else: no
 * spaces, no signs, no leading zeros, no missing or extra lines, a final
 * newline, and every value in range.
 */
#include "rules.h"
#include "rules_int.h"

#include <stdio.h>
#include <string.h>

#include "money.h"

/* The longest name is well under this; it bounds the names we build. */
#define TEXT_NAME_MAX 64

static void grade_name(int grade, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "master_scale_pd_bp_%d", grade);
}

static int put_line(char *buf, size_t bufsz, size_t *used, const char *name,
		    int64_t v)
{
	int n = snprintf(buf + *used, bufsz - *used, "%s=%lld\n", name,
			 (long long)v);

	if (n < 0 || (size_t)n >= bufsz - *used)
		return MCG_EINPUT;
	*used += (size_t)n;
	return MCG_OK;
}

int mcg_rules_to_text(const mcg_rules *r, char *buf, size_t bufsz)
{
	char name[TEXT_NAME_MAX];
	size_t used = 0;
	int rc = MCG_OK;

	if (!buf || bufsz == 0)
		return MCG_EINPUT;
	buf[0] = '\0';
	for (size_t i = 0; i < mcg_rules_fields_n && !rc; i++)
		rc = put_line(buf, bufsz, &used, mcg_rules_fields[i].text_name,
			      mcg_rules_field_get(r, &mcg_rules_fields[i]));
	for (int g = 1; g <= MCG_GRADES && !rc; g++) {
		grade_name(g, name, sizeof(name));
		rc = put_line(buf, bufsz, &used, name,
			      r->master_scale_pd_bp[g - 1]);
	}
	return rc;
}

/*
 * Reads line `line_no` at *p, which must be exactly "name=DIGITS\n", and
 * moves *p past it.
 */
static int get_line(const char **p, int line_no, const char *name,
		    int64_t *out, mcg_error *err)
{
	const char *s = *p;
	size_t name_len = strlen(name);
	int64_t v = 0;
	const char *digits;

	if (strncmp(s, name, name_len) != 0 || s[name_len] != '=')
		return mcg_error_set(err, MCG_EINPUT,
				     "rules text line %d: expected '%s='",
				     line_no, name);
	digits = s + name_len + 1;
	for (s = digits; *s >= '0' && *s <= '9'; s++) {
		if (v > (INT64_MAX - (*s - '0')) / 10)
			return mcg_error_set(err, MCG_EINPUT,
					     "rules text line %d: %s is too large",
					     line_no, name);
		v = v * 10 + (*s - '0');
	}
	if (s == digits || (digits[0] == '0' && s - digits > 1) || *s != '\n')
		return mcg_error_set(err, MCG_EINPUT,
				     "rules text line %d: %s must be a plain integer ending the line",
				     line_no, name);
	*p = s + 1;
	*out = v;
	return MCG_OK;
}

static int read_scalars(const char **p, mcg_rules *r, mcg_error *err)
{
	int64_t v;
	int rc;

	for (size_t i = 0; i < mcg_rules_fields_n; i++) {
		const struct rules_field *f = &mcg_rules_fields[i];

		rc = get_line(p, (int)i + 1, f->text_name, &v, err);
		if (!rc)
			rc = mcg_rules_check_value(f, v, err);
		if (rc)
			return rc;
		mcg_rules_field_set(r, f, v);
	}
	return MCG_OK;
}

static int read_master_scale(const char **p, mcg_rules *r, mcg_error *err)
{
	char name[TEXT_NAME_MAX];
	int64_t v;
	int rc;

	for (int g = 1; g <= MCG_GRADES; g++) {
		grade_name(g, name, sizeof(name));
		rc = get_line(p, (int)mcg_rules_fields_n + g, name, &v, err);
		if (rc)
			return rc;
		if (v > MCG_BP_FULL)
			return mcg_error_set(err, MCG_EINPUT,
					     "rules text: rule master_scale: the PD of grade %d must be 0 to 100 percent",
					     g);
		r->master_scale_pd_bp[g - 1] = (int32_t)v;
		rc = mcg_rules_check_grade(r, g, err);
		if (rc)
			return rc;
	}
	return MCG_OK;
}

int mcg_rules_from_text(const char *text, mcg_rules *out, mcg_error *err)
{
	mcg_rules r;
	const char *p = text;
	int rc;

	memset(&r, 0, sizeof(r));
	rc = read_scalars(&p, &r, err);
	if (!rc)
		rc = read_master_scale(&p, &r, err);
	if (rc)
		return rc;
	if (*p != '\0')
		return mcg_error_set(err, MCG_EINPUT,
				     "rules text: unexpected text after the last rule");
	*out = r;
	return MCG_OK;
}

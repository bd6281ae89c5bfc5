/* Events: building, storing and the canonical encoding (see event.h). */
#include "event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

void mcg_event_init(mcg_event *ev, const char *type)
{
	memset(ev, 0, sizeof(*ev));
	mcg_strlcpy(ev->type, type, sizeof(ev->type));
}

void mcg_event_free(mcg_event *ev)
{
	if (!ev)
		return;
	/* Every slot: those past n_fields may keep a value since a reset. */
	for (size_t i = 0; i < ev->cap_fields; i++)
		free(ev->fields[i].value);
	free(ev->fields);
	free(ev->postings);
	ev->fields = NULL;
	ev->postings = NULL;
	ev->n_fields = ev->cap_fields = 0;
	ev->n_postings = ev->cap_postings = 0;
}

void mcg_event_reset(mcg_event *ev, const char *type)
{
	mcg_field *fields = ev->fields;
	mcg_posting *postings = ev->postings;
	size_t cap_fields = ev->cap_fields, cap_postings = ev->cap_postings;

	mcg_event_init(ev, type);
	ev->fields = fields;
	ev->cap_fields = cap_fields;
	ev->postings = postings;
	ev->cap_postings = cap_postings;
}

/* A field value's room: at least 32 bytes, so that the short values of a
 * loop of events (ids, amounts) fit the room the first one made. */
#define FIELD_VALUE_ROOM_MIN 32

int mcg_event_add(mcg_event *ev, const char *key, const char *value)
{
	size_t len = strlen(value);
	mcg_field *f;

	if (ev->n_fields >= MCG_EVENT_FIELDS_MAX || len > MCG_FIELD_VALUE_MAX ||
	    strlen(key) > MCG_FIELD_KEY_MAX)
		return MCG_EINPUT;
	if (ev->n_fields == ev->cap_fields) {
		size_t cap = ev->cap_fields ? ev->cap_fields * 2 : 8;
		mcg_field *p = realloc(ev->fields, cap * sizeof(*p));

		if (!p)
			return MCG_ESYS;
		/* New slots hold no value yet (mcg_event_free frees them all). */
		memset(p + ev->cap_fields, 0, (cap - ev->cap_fields) * sizeof(*p));
		ev->fields = p;
		ev->cap_fields = cap;
	}
	f = &ev->fields[ev->n_fields];
	if (f->value_cap < len + 1) {
		size_t room = len + 1 < FIELD_VALUE_ROOM_MIN ? FIELD_VALUE_ROOM_MIN : len + 1;
		char *v = malloc(room);

		if (!v)
			return MCG_ESYS;
		free(f->value);
		f->value = v;
		f->value_cap = room;
	}
	memcpy(f->value, value, len + 1);
	mcg_strlcpy(f->key, key, sizeof(f->key));
	ev->n_fields++;
	return MCG_OK;
}

int mcg_event_add_int(mcg_event *ev, const char *key, int64_t value)
{
	char text[MCG_I64_TEXT_MAX];

	mcg_i64_text(value, text);
	return mcg_event_add(ev, key, text);
}

const char *mcg_event_get(const mcg_event *ev, const char *key)
{
	for (size_t i = 0; i < ev->n_fields; i++)
		if (strcmp(ev->fields[i].key, key) == 0)
			return ev->fields[i].value;
	return NULL;
}

int mcg_parse_int64(const char *text, int64_t *out)
{
	const char *p = text;
	int neg = 0;
	int64_t v = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\0') ||
	    (neg && p[0] == '0'))
		return MCG_EINPUT;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return MCG_EINPUT;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_sub_overflow(v, *p - '0', &v))
			return MCG_EINPUT;
	}
	/* Accumulated as a negative number so that INT64_MIN fits. */
	if (!neg && __builtin_sub_overflow((int64_t)0, v, &v))
		return MCG_EINPUT;
	*out = v;
	return MCG_OK;
}

int mcg_event_get_int(const mcg_event *ev, const char *key, int64_t *out,
		      mcg_error *err)
{
	const char *v = mcg_event_get(ev, key);

	if (!v || mcg_parse_int64(v, out))
		return mcg_error_set(err, MCG_EINPUT,
				     "event %lld (%s): field '%s' is %s",
				     (long long)ev->seq, ev->type, key,
				     v ? "not an integer" : "missing");
	return MCG_OK;
}

int mcg_event_post(mcg_event *ev, const char *account, int64_t amount_minor,
		   mcg_error *err)
{
	mcg_posting *p;

	if (amount_minor == 0)
		return MCG_OK;
	if (ev->n_postings >= MCG_EVENT_POSTINGS_MAX)
		return mcg_error_set(err, MCG_EINPUT,
				     "too many postings in one event (limit %d)",
				     MCG_EVENT_POSTINGS_MAX);
	if (ev->n_postings == ev->cap_postings) {
		size_t cap = ev->cap_postings ? ev->cap_postings * 2 : 8;
		mcg_posting *np = realloc(ev->postings, cap * sizeof(*np));

		if (!np)
			return mcg_error_set(err, MCG_ESYS, "out of memory");
		ev->postings = np;
		ev->cap_postings = cap;
	}
	p = &ev->postings[ev->n_postings];
	if (mcg_strlcpy(p->account, account, sizeof(p->account)))
		return mcg_error_set(err, MCG_EINPUT, "account name too long: '%s'",
				     account);
	p->amount_minor = amount_minor;
	ev->n_postings++;
	return MCG_OK;
}

void mcg_event_clear_postings(mcg_event *ev)
{
	ev->n_postings = 0;
}

int mcg_event_encode_fields(const mcg_event *ev, mcg_buf *out)
{
	int rc = MCG_OK;

	for (size_t i = 0; i < ev->n_fields && !rc; i++) {
		rc = mcg_buf_puts(out, ev->fields[i].key);
		if (!rc)
			rc = mcg_buf_putc(out, '=');
		/* Runs without a backslash or a newline are copied whole: a
		 * character at a time was 2% of an import. */
		for (const char *v = ev->fields[i].value; *v && !rc;) {
			size_t run = strcspn(v, "\\\n");

			if (run) {
				rc = mcg_buf_append(out, v, run);
				v += run;
			} else {
				rc = mcg_buf_puts(out, *v == '\\' ? "\\\\" : "\\n");
				v++;
			}
		}
		if (!rc)
			rc = mcg_buf_putc(out, '\n');
	}
	return rc;
}

/* Decodes one escaped value [start, end) into a new buffer. */
static int decode_value(const char *start, const char *end, mcg_buf *out)
{
	for (const char *p = start; p < end; p++) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		int rc;

		/* The run up to the next backslash, whole. */
		rc = mcg_buf_append(out, p, (size_t)((bs ? bs : end) - p));
		if (rc || !bs)
			return rc;
		p = bs + 1;
		if (p == end || (*p != '\\' && *p != 'n'))
			return MCG_EINPUT;
		rc = mcg_buf_putc(out, *p == 'n' ? '\n' : '\\');
		if (rc)
			return rc;
	}
	return MCG_OK;
}

int mcg_event_decode_fields(mcg_event *ev, const char *text, mcg_error *err)
{
	const char *p = text;
	mcg_buf value = MCG_BUF_INIT;
	int rc = MCG_OK;

	while (*p && !rc) {
		const char *eq = strchr(p, '=');
		const char *nl = strchr(p, '\n');
		char key[MCG_FIELD_KEY_MAX + 1];

		if (!eq || !nl || eq > nl || (size_t)(eq - p) > MCG_FIELD_KEY_MAX) {
			rc = MCG_EINPUT;
			break;
		}
		memcpy(key, p, (size_t)(eq - p));
		key[eq - p] = '\0';
		mcg_buf_reset(&value);
		rc = decode_value(eq + 1, nl, &value);
		if (!rc)
			rc = mcg_event_add(ev, key, mcg_buf_str(&value));
		p = nl + 1;
	}
	mcg_buf_free(&value);
	if (rc)
		return mcg_error_set(err, rc == MCG_ESYS ? MCG_ESYS : MCG_EINPUT,
				     "event %lld: stored fields are malformed",
				     (long long)ev->seq);
	return MCG_OK;
}

/* A length-prefixed string: 4-byte big-endian length, then the bytes. */
static int put_item(mcg_buf *out, const char *s, size_t len)
{
	unsigned char *p;
	int rc;

	/* One reservation and direct writes: the journal encodes every event
	 * it records, a dozen items each. */
	if (len > UINT32_MAX || (len > SIZE_MAX - 4))
		return MCG_EINPUT;
	rc = mcg_buf_reserve(out, 4 + len);
	if (rc)
		return rc;
	p = (unsigned char *)out->data + out->len;
	p[0] = (unsigned char)(len >> 24);
	p[1] = (unsigned char)(len >> 16);
	p[2] = (unsigned char)(len >> 8);
	p[3] = (unsigned char)len;
	memcpy(p + 4, s, len);
	out->len += 4 + len;
	out->data[out->len] = '\0';
	return MCG_OK;
}

static int put_str(mcg_buf *out, const char *s)
{
	return put_item(out, s, strlen(s));
}

/* The decimal text of v, as "%lld" writes it, without snprintf: it was a
 * tenth of the time of `mcg audit verify`, which encodes every event
 * (docs/PERFORMANCE.md). */
static int put_int(mcg_buf *out, int64_t v)
{
	char text[MCG_I64_TEXT_MAX];

	return put_item(out, text, mcg_i64_text(v, text));
}

/* The layout is specified in docs/AUDIT.md: change it there too, and
 * only with a new version tag.  Five parts, in order: the tag and the
 * number; the head (type to date_given); the recording time; the body
 * (actor and fields); the postings.  The head and the body are the
 * event's input alone, which the import encodes ahead on its reader
 * thread (mcg_event_canonical_join). */
static int canonical_start(const mcg_event *ev, mcg_buf *out)
{
	int rc = put_str(out, "mcg-event/1");

	return rc ? rc : put_int(out, ev->seq);
}

int mcg_event_canonical_head(const mcg_event *ev, mcg_buf *out)
{
	char date[MCG_DATE_TEXT_MAX];
	int rc;

	rc = put_str(out, ev->type);
	rc = rc ? rc : put_str(out, ev->ref);
	rc = rc ? rc : put_str(out, mcg_date_format(ev->date_days, date));
	return rc ? rc : put_int(out, ev->date_given);
}

int mcg_event_canonical_body(const mcg_event *ev, mcg_buf *out)
{
	int rc;

	rc = put_str(out, ev->actor);
	rc = rc ? rc : put_int(out, (int64_t)ev->n_fields);
	for (size_t i = 0; i < ev->n_fields && !rc; i++) {
		rc = put_str(out, ev->fields[i].key);
		rc = rc ? rc : put_str(out, ev->fields[i].value);
	}
	return rc;
}

static int canonical_postings(const mcg_event *ev, mcg_buf *out)
{
	int rc = put_int(out, (int64_t)ev->n_postings);

	for (size_t i = 0; i < ev->n_postings && !rc; i++) {
		rc = put_str(out, ev->postings[i].account);
		rc = rc ? rc : put_int(out, ev->postings[i].amount_minor);
	}
	return rc;
}

int mcg_event_canonical(const mcg_event *ev, mcg_buf *out)
{
	int rc;

	rc = canonical_start(ev, out);
	rc = rc ? rc : mcg_event_canonical_head(ev, out);
	rc = rc ? rc : put_str(out, ev->recorded_at);
	rc = rc ? rc : mcg_event_canonical_body(ev, out);
	return rc ? rc : canonical_postings(ev, out);
}

int mcg_event_canonical_join(const mcg_event *ev, const mcg_buf *head,
			     const mcg_buf *body, mcg_buf *out)
{
	int rc;

	rc = canonical_start(ev, out);
	rc = rc ? rc : mcg_buf_append(out, head->data, head->len);
	rc = rc ? rc : put_str(out, ev->recorded_at);
	rc = rc ? rc : mcg_buf_append(out, body->data, body->len);
	return rc ? rc : canonical_postings(ev, out);
}

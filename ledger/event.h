/*
 * An event: the one unit of change in the ledger (DOMAIN.md section 5).
 *
 * A recording command fills an mcg_event with its type and fields (the
 * user's input, in canonical text: amounts as integers of minor units,
 * percentages as basis points, dates as YYYY-MM-DD) and hands it to
 * mcg_journal_record.  The journal adds the postings, the sequence number
 * and the recording time.  Fields hold only input; everything derived
 * (postings, new states) is recomputed from them, which is what lets
 * `mcg check` rebuild the whole state from the events alone.
 *
 * Ownership: the event owns its fields and postings; mcg_event_free
 * releases them.
 */
#ifndef MCG_EVENT_H
#define MCG_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"

#define MCG_EVENT_TYPE_MAX 24
#define MCG_REF_MAX 64
#define MCG_ACTOR_MAX 64
#define MCG_ACCOUNT_MAX 48
#define MCG_FIELD_KEY_MAX 24
/* Largest value of one field (a rules text is the largest). */
#define MCG_FIELD_VALUE_MAX 8192
/* Most fields and postings one event may carry. */
#define MCG_EVENT_FIELDS_MAX 128
#define MCG_EVENT_POSTINGS_MAX 160

typedef struct mcg_field {
	char key[MCG_FIELD_KEY_MAX + 1];
	char *value;
	size_t value_cap;               /* bytes allocated at value, kept by a reset */
} mcg_field;

typedef struct mcg_posting {
	char account[MCG_ACCOUNT_MAX + 1];
	int64_t amount_minor;           /* debit positive, credit negative */
} mcg_posting;

typedef struct mcg_event {
	int64_t seq;                    /* set by the journal */
	char type[MCG_EVENT_TYPE_MAX + 1];
	char ref[MCG_REF_MAX + 1];      /* "" when there is none */
	int32_t date_days;
	int date_given;                 /* 1 if --date was given explicitly */
	char recorded_at[24];           /* set by the journal */
	char actor[MCG_ACTOR_MAX + 1];
	mcg_field *fields;
	size_t n_fields, cap_fields;
	mcg_posting *postings;
	size_t n_postings, cap_postings;
} mcg_event;

/* Starts an empty event of a type ("member.add").  No allocation yet. */
void mcg_event_init(mcg_event *ev, const char *type);

/* Releases fields and postings; ev may be NULL.  The event may be reused
 * after mcg_event_init. */
void mcg_event_free(mcg_event *ev);

/* Empties an event for the next one of a type, keeping what it allocated
 * (a loop over many events: an import, a replay) for the next fields. */
void mcg_event_reset(mcg_event *ev, const char *type);

/* Appends a field (keys may repeat: a guarantee's pledges).  MCG_EINPUT if
 * the value is too long or there are too many fields, MCG_ESYS on memory. */
int mcg_event_add(mcg_event *ev, const char *key, const char *value);
int mcg_event_add_int(mcg_event *ev, const char *key, int64_t value);

/* The first value of a key, or NULL. */
const char *mcg_event_get(const mcg_event *ev, const char *key);

/* The first value of a key as an integer.  MCG_EINPUT if missing or not a
 * canonical integer (a corrupt event). */
int mcg_event_get_int(const mcg_event *ev, const char *key, int64_t *out,
		      mcg_error *err);

/* Appends a posting; a zero amount is skipped (DOMAIN.md section 3). */
int mcg_event_post(mcg_event *ev, const char *account, int64_t amount_minor,
		   mcg_error *err);

/* Drops the postings (used when the journal replays an event). */
void mcg_event_clear_postings(mcg_event *ev);

/*
 * The fields as stored in the events table: "key=value\n" per field in
 * order, with '\\' and newline in values escaped as "\\\\" and "\\n".
 */
int mcg_event_encode_fields(const mcg_event *ev, mcg_buf *out);
int mcg_event_decode_fields(mcg_event *ev, const char *text, mcg_error *err);

/*
 * The canonical bytes of an event: the leaf of the audit log.  Specified
 * in docs/AUDIT.md; covers every field of the event and every posting.
 */
int mcg_event_canonical(const mcg_event *ev, mcg_buf *out);

/* Two parts of the canonical bytes that are the event's input alone,
 * appended to out: the head (type, ref, date, date_given) and the body
 * (actor and fields).  mcg_event_canonical_join then makes the whole
 * from them, with the event's number, recording time and postings: the
 * same bytes as mcg_event_canonical, provided ev has not changed since
 * the two parts were made (its postings and the journal's two may). */
int mcg_event_canonical_head(const mcg_event *ev, mcg_buf *out);
int mcg_event_canonical_body(const mcg_event *ev, mcg_buf *out);
int mcg_event_canonical_join(const mcg_event *ev, const mcg_buf *head,
			     const mcg_buf *body, mcg_buf *out);

/* Parses a canonical decimal integer ("0", "-12", no leading zeros, no
 * '+').  Used for stored fields, never for user input. */
int mcg_parse_int64(const char *text, int64_t *out);

#endif

/*
 * Errors as values.
 *
 * Every library function returns an int: 0 (MCG_OK) for success or a negative
 * MCG_E* code.  The human detail (which rule, which line, which figures) goes
 * into an mcg_error the caller owns and prints.  The codes are chosen so that
 * the process exit status is simply the code negated (see CLI.md):
 *
 *   MCG_ESYS       1  failure of the system (I/O, database, out of memory)
 *   MCG_EINPUT     2  bad input: syntax, unknown id, wrong state, back-dating
 *   MCG_ERULE      3  refused by a consortium rule
 *   MCG_EINTEGRITY 4  a check, an audit proof or a signature does not hold
 *   MCG_ECONFLICT  5  an idempotency ref was already used for other content
 *
 * Nothing deep inside the library prints: it fills the error and returns.
 */
#ifndef MCG_ERROR_H
#define MCG_ERROR_H

#include <stddef.h>

enum {
	MCG_OK = 0,
	MCG_ESYS = -1,
	MCG_EINPUT = -2,
	MCG_ERULE = -3,
	MCG_EINTEGRITY = -4,
	MCG_ECONFLICT = -5,
};

/* Longest message kept; a longer one is cut, never overflowed. */
#define MCG_ERROR_MSG_MAX 2048

typedef struct mcg_error {
	int code;                     /* the MCG_E* code, or MCG_OK */
	char msg[MCG_ERROR_MSG_MAX];  /* one line, no trailing newline */
} mcg_error;

/* Resets err to "no error".  err may be NULL. */
void mcg_error_clear(mcg_error *err);

/*
 * Records code and a printf-style message in err (which may be NULL) and
 * returns code, so that callers can write `return mcg_error_set(...)`.
 * An error already set is replaced.
 */
int mcg_error_set(mcg_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Puts context in front of an existing message: "ctx: old message".
 * Used to say where an error happened (a file and line, a field name).
 * Returns err->code.
 */
int mcg_error_prefix(mcg_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The process exit status for a code: 0..5. */
int mcg_error_exit_status(int code);

#endif

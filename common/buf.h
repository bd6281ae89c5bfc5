/*
 * A growable byte buffer, always NUL-terminated (after curl's dynbuf and
 * git's strbuf).  Every buffer has a size limit, so that no input can make
 * it grow without bound; appending past the limit fails with MCG_EINPUT.
 *
 * Ownership: the buffer owns its bytes; mcg_buf_free releases them and
 * leaves an empty buffer that may be reused.  mcg_buf_detach hands the
 * bytes to the caller, who frees them with free().
 */
#ifndef MCG_BUF_H
#define MCG_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* The default limit when none is given: 64 MiB. */
#define MCG_BUF_DEFAULT_MAX ((size_t)64 * 1024 * 1024)

typedef struct mcg_buf {
	char *data;      /* NUL-terminated; NULL until the first append */
	size_t len;      /* bytes used, without the terminator */
	size_t cap;      /* bytes allocated */
	size_t max;      /* largest len allowed; 0 means MCG_BUF_DEFAULT_MAX */
} mcg_buf;

#define MCG_BUF_INIT { NULL, 0, 0, 0 }

/* Starts an empty buffer that may hold at most max bytes (0: the default). */
void mcg_buf_init(mcg_buf *b, size_t max);

/* Releases the bytes; b may be NULL. */
void mcg_buf_free(mcg_buf *b);

/* Empties the buffer, keeping its allocation. */
void mcg_buf_reset(mcg_buf *b);

/* Appends bytes.  Returns 0, MCG_ESYS (out of memory) or MCG_EINPUT (limit). */
int mcg_buf_append(mcg_buf *b, const void *data, size_t len);

/* Makes room for `more` bytes after len (and the terminator), within the
 * limit: for callers that write b->data directly and then move b->len.
 * MCG_EINPUT past the limit, MCG_ESYS out of memory. */
int mcg_buf_reserve(mcg_buf *b, size_t more);

/* Appends a NUL-terminated string. */
int mcg_buf_puts(mcg_buf *b, const char *s);

/* Appends one byte. */
int mcg_buf_putc(mcg_buf *b, char c);

/* Appends printf-style formatted text. */
int mcg_buf_printf(mcg_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int mcg_buf_vprintf(mcg_buf *b, const char *fmt, va_list ap);

/* The text, never NULL (an empty buffer gives ""). */
const char *mcg_buf_str(const mcg_buf *b);

/* Hands the bytes to the caller (free() them); the buffer is left empty. */
char *mcg_buf_detach(mcg_buf *b);

/*
 * Copies src into dst of size dstsz, always NUL-terminating.  Returns 0,
 * or MCG_EINPUT when src did not fit (dst then holds a cut copy).  This is
 * the project's replacement for strcpy/strncpy.
 */
int mcg_strlcpy(char *dst, const char *src, size_t dstsz);

/* Room for any int64_t in decimal, with its sign and the NUL. */
#define MCG_I64_TEXT_MAX 21
/* Writes v in decimal, exactly as "%lld" does, NUL-terminated, into out
 * (MCG_I64_TEXT_MAX bytes); returns its length.  By hand: snprintf costs
 * ten times as much, and the journal formats several numbers an event. */
size_t mcg_i64_text(int64_t v, char *out);

#endif

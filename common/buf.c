/* A growable, bounded byte buffer: see buf.h. */
#include "buf.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char empty_string[1] = "";

void mcg_buf_init(mcg_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void mcg_buf_free(mcg_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void mcg_buf_reset(mcg_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static size_t buf_limit(const mcg_buf *b)
{
	return b->max ? b->max : MCG_BUF_DEFAULT_MAX;
}

static int buf_grow_slow(mcg_buf *b, size_t more)
{
	size_t need, cap;
	char *p;

	if (more > buf_limit(b) || b->len > buf_limit(b) - more)
		return MCG_EINPUT;
	need = b->len + more + 1;
	if (need <= b->cap)
		return MCG_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	/* Never room beyond the limit: buf_grow's fast path relies on it. */
	if (cap > buf_limit(b) + 1)
		cap = buf_limit(b) + 1;
	p = realloc(b->data, cap);
	if (!p)
		return MCG_ESYS;
	b->data = p;
	b->cap = cap;
	return MCG_OK;
}

/* Makes room for `more` bytes plus the terminator.  An import's events
 * call this 16 times each (the canonical bytes, the stored fields) into
 * buffers that long had the room: that case first, inline.  A room that
 * fits is within the limit too, since buf_grow_slow makes no more room
 * than the limit. */
static inline int buf_grow(mcg_buf *b, size_t more)
{
	if (more < b->cap - b->len)
		return MCG_OK;
	return buf_grow_slow(b, more);
}

int mcg_buf_reserve(mcg_buf *b, size_t more)
{
	return buf_grow(b, more);
}

int mcg_buf_append(mcg_buf *b, const void *data, size_t len)
{
	int rc = buf_grow(b, len);

	if (rc)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return MCG_OK;
}

int mcg_buf_puts(mcg_buf *b, const char *s)
{
	return mcg_buf_append(b, s, strlen(s));
}

int mcg_buf_putc(mcg_buf *b, char c)
{
	return mcg_buf_append(b, &c, 1);
}

int mcg_buf_vprintf(mcg_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	int rc;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return MCG_ESYS;
	rc = buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return MCG_OK;
}

int mcg_buf_printf(mcg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = mcg_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *mcg_buf_str(const mcg_buf *b)
{
	return b->data ? b->data : empty_string;
}

char *mcg_buf_detach(mcg_buf *b)
{
	char *p = b->data;

	if (!p) {
		p = malloc(1);
		if (p)
			p[0] = '\0';
	}
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

int mcg_strlcpy(char *dst, const char *src, size_t dstsz)
{
	size_t n = strlen(src);

	if (dstsz == 0)
		return MCG_EINPUT;
	if (n >= dstsz) {
		memcpy(dst, src, dstsz - 1);
		dst[dstsz - 1] = '\0';
		return MCG_EINPUT;
	}
	memcpy(dst, src, n + 1);
	return MCG_OK;
}

size_t mcg_i64_text(int64_t v, char *out)
{
	char text[MCG_I64_TEXT_MAX];
	size_t i = sizeof(text), n;
	/* In unsigned arithmetic, so that INT64_MIN negates. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		text[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		text[--i] = '-';
	n = sizeof(text) - i;
	memcpy(out, text + i, n);
	out[n] = '\0';
	return n;
}

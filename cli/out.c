/* Output helpers: aligned text tables and RFC 4180 CSV. */
#include "buf.h"
#include "cli.h"

#include <stdlib.h>
#include <string.h>

struct cli_table {
	size_t columns;
	char align[16];
	char **cells;             /* rows * columns, row-major */
	size_t rows, cap;
};

cli_table *cli_table_new(size_t columns)
{
	cli_table *t = calloc(1, sizeof(*t));

	if (!t || columns > sizeof(t->align)) {
		free(t);
		return NULL;
	}
	t->columns = columns;
	memset(t->align, 'l', sizeof(t->align));
	return t;
}

void cli_table_align(cli_table *t, size_t column, char align)
{
	if (t && column < t->columns)
		t->align[column] = align;
}

int cli_table_add(cli_table *t, const char *const *cells)
{
	if (!t)
		return MCG_ESYS;
	if (t->rows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **p = realloc(t->cells, cap * t->columns * sizeof(*p));

		if (!p)
			return MCG_ESYS;
		t->cells = p;
		t->cap = cap;
	}
	for (size_t c = 0; c < t->columns; c++) {
		const char *s = cells[c] ? cells[c] : "";
		char *copy = strdup(s);

		if (!copy) {
			for (size_t k = 0; k < c; k++)
				free(t->cells[t->rows * t->columns + k]);
			return MCG_ESYS;
		}
		t->cells[t->rows * t->columns + c] = copy;
	}
	t->rows++;
	return MCG_OK;
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

void cli_table_print(cli_table *t, FILE *out)
{
	size_t width[16] = { 0 };

	if (!t)
		return;
	for (size_t r = 0; r < t->rows; r++)
		for (size_t c = 0; c < t->columns; c++) {
			size_t w = text_width(t->cells[r * t->columns + c]);

			if (w > width[c])
				width[c] = w;
		}
	for (size_t r = 0; r < t->rows; r++) {
		mcg_buf line = MCG_BUF_INIT;

		for (size_t c = 0; c < t->columns; c++) {
			const char *s = t->cells[r * t->columns + c];
			size_t pad = width[c] - text_width(s);

			if (c)
				mcg_buf_puts(&line, "  ");
			if (t->align[c] == 'r')
				mcg_buf_printf(&line, "%*s%s", (int)pad, "", s);
			else
				mcg_buf_printf(&line, "%s%*s", s, (int)pad, "");
		}
		/* Empty cells at the end of a row leave no trailing blanks. */
		while (line.len && line.data[line.len - 1] == ' ')
			line.data[--line.len] = '\0';
		fprintf(out, "%s\n", mcg_buf_str(&line));
		mcg_buf_free(&line);
	}
}

void cli_table_free(cli_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->rows * t->columns; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void cli_csv_row(FILE *out, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = cells[i] ? cells[i] : "";

		if (i)
			fputc(',', out);
		if (strpbrk(s, ",\"\r\n")) {
			fputc('"', out);
			for (; *s; s++) {
				if (*s == '"')
					fputc('"', out);
				fputc(*s, out);
			}
			fputc('"', out);
		} else {
			fputs(s, out);
		}
	}
	fputc('\n', out);
}

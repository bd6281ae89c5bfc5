/* File paths: see path.h. */
#include "path.h"

#include <assert.h>
#include <string.h>

/* The length of path[0..len) without the slashes it ends with. */
static size_t without_trailing_slashes(const char *path, size_t len)
{
	while (len > 0 && path[len - 1] == '/')
		len--;
	return len;
}

int mcg_path_parent(const char *path, mcg_buf *out)
{
	size_t len;

	assert(path != NULL);
	if (*path == '\0')
		return mcg_buf_putc(out, '.');
	len = without_trailing_slashes(path, strlen(path));
	if (len == 0)                          /* "/", "//", ...: the root */
		return mcg_buf_putc(out, '/');
	/* Drop the last component, then the slashes that separate it. */
	while (len > 0 && path[len - 1] != '/')
		len--;
	if (len == 0)                          /* "file", "file/": no folder named */
		return mcg_buf_putc(out, '.');
	len = without_trailing_slashes(path, len);
	if (len == 0)                          /* "/file", "//file" */
		return mcg_buf_putc(out, '/');
	return mcg_buf_append(out, path, len);
}

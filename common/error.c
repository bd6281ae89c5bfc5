/* Errors as values: see error.h. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void mcg_error_clear(mcg_error *err)
{
	if (!err)
		return;
	err->code = MCG_OK;
	err->msg[0] = '\0';
}

int mcg_error_set(mcg_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* Messages quote user input: a control byte (a newline in a file name
	 * or an XML namespace) must not break, or forge, the one error line. */
	for (char *p = err->msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return code;
}

int mcg_error_prefix(mcg_error *err, const char *fmt, ...)
{
	char prefix[512];
	char old[MCG_ERROR_MSG_MAX];
	va_list ap;

	if (!err)
		return MCG_ESYS;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* prefix, ": ", then as much of the old message as fits. */
	mcg_error_set(err, err->code, "%s: ", prefix);
	{
		size_t used = strlen(err->msg);
		size_t room = sizeof(err->msg) - used - 1;
		size_t n = strnlen(old, room);

		memcpy(err->msg + used, old, n);
		err->msg[used + n] = '\0';
	}
	return err->code;
}

int mcg_error_exit_status(int code)
{
	if (code >= 0)
		return 0;
	if (code < MCG_ECONFLICT)
		return 1;
	return -code;
}

/* Business dates: see date.h.  Civil-from-days after Howard Hinnant. */
#include "date.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp, yy;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int mcg_date_parse(const char *text, int32_t *out_days, mcg_error *err)
{
	int y, m, d;

	if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
		goto bad;
	y = digits(text, 4);
	m = digits(text + 5, 2);
	d = digits(text + 8, 2);
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		goto bad;
	*out_days = (int32_t)days_from_civil(y, m, d);
	return MCG_OK;
bad:
	return mcg_error_set(err, MCG_EINPUT,
			     "bad date '%.40s': expected a calendar date YYYY-MM-DD",
			     text ? text : "");
}

char *mcg_date_format(int32_t days, char *buf)
{
	int y, m, d;
	char text[40];

	civil_from_days(days, &y, &m, &d);
	if (y >= 0 && y <= 9999) {
		/* By hand: the journal formats a date an event, and snprintf
		 * was 3% of an import.  Same text as the format below. */
		buf[0] = (char)('0' + y / 1000);
		buf[1] = (char)('0' + y / 100 % 10);
		buf[2] = (char)('0' + y / 10 % 10);
		buf[3] = (char)('0' + y % 10);
		buf[4] = '-';
		buf[5] = (char)('0' + m / 10);
		buf[6] = (char)('0' + m % 10);
		buf[7] = '-';
		buf[8] = (char)('0' + d / 10);
		buf[9] = (char)('0' + d % 10);
		buf[10] = '\0';
		return buf;
	}
	snprintf(text, sizeof(text), "%04d-%02d-%02d", y, m, d);
	memcpy(buf, text, MCG_DATE_TEXT_MAX - 1);
	buf[MCG_DATE_TEXT_MAX - 1] = '\0';
	return buf;
}

int32_t mcg_date_today(void)
{
	return (int32_t)(time(NULL) / 86400);
}

char *mcg_timestamp_now(char *buf)
{
	/* The last second formatted: an import stamps thousands of events
	 * in the same second, and strftime was 2% of it.  One thread only,
	 * like the rest of the ledger handle's users. */
	static _Thread_local time_t last = (time_t)-1;
	static _Thread_local char last_text[MCG_TIMESTAMP_TEXT_MAX];
	time_t now = time(NULL);
	struct tm tm;

	if (now != last) {
		gmtime_r(&now, &tm);
		strftime(last_text, sizeof(last_text), "%Y-%m-%dT%H:%M:%SZ", &tm);
		last = now;
	}
	memcpy(buf, last_text, sizeof(last_text));
	return buf;
}

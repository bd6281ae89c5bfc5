/*
 * Business dates, written YYYY-MM-DD and held as days since 1970-01-01
 * (proleptic Gregorian), so that comparing and subtracting is integer work.
 */
#ifndef MCG_DATE_H
#define MCG_DATE_H

#include <stdint.h>

#include "error.h"

#define MCG_DATE_TEXT_MAX 11
/* Timestamps: "2026-11-27T23:49:11Z". */
#define MCG_TIMESTAMP_TEXT_MAX 21

/*
 * Parses "YYYY-MM-DD" (years 1900..9999, a real calendar day) into days.
 * Anything else is MCG_EINPUT with err quoting the text.
 */
int mcg_date_parse(const char *text, int32_t *out_days, mcg_error *err);

/* Writes days as "YYYY-MM-DD" into buf (MCG_DATE_TEXT_MAX bytes). */
char *mcg_date_format(int32_t days, char *buf);

/* Today in UTC, in days. */
int32_t mcg_date_today(void);

/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into buf. */
char *mcg_timestamp_now(char *buf);

#endif

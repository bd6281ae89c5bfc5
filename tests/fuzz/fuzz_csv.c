/*
 * Fuzz target: the streaming CSV reader of `mcg import` (ledger/import.h,
 * mcg_csv_*), fed from memory with fmemopen.
 *
 * The first byte chooses the reader's limits: mostly tiny ones (a few
 * bytes per field, a few fields, a few records) so that every limit and
 * its error is reached, sometimes the defaults.  Promises checked, record
 * by record:
 *   - mcg_csv_next returns 1, 0 or MCG_EINPUT (MCG_ESYS only for I/O);
 *   - a record has 1..fields_max fields; each field is NUL-terminated at
 *     its length with no NUL inside, at most field_bytes_max bytes, and all
 *     of them at most record_bytes_max;
 *   - records start on increasing lines; no more than records_max;
 *   - the bytes consumed never exceed the input;
 *   - once the end is reported, it stays the end;
 *   - a refusal is one line naming the input (fuzz.h).
 */
#include "fuzz.h"

#include "ledger/import.h"

static const char *const names[] = { "ref", "date", "type", "loan",
				     "principal", "interest", "dpd", "amount" };

static void choose_limits(uint8_t b, mcg_csv_limits *lim)
{
	if ((b & 0xc0) == 0xc0) {
		lim->field_bytes_max = MCG_CSV_FIELD_BYTES_MAX;
		lim->record_bytes_max = MCG_CSV_RECORD_BYTES_MAX;
		lim->fields_max = MCG_CSV_FIELDS_MAX;
		lim->records_max = MCG_CSV_RECORDS_MAX;
		return;
	}
	lim->field_bytes_max = (size_t)(b & 7) + 1;          /* 1..8 */
	lim->record_bytes_max = (size_t)((b >> 3) & 7) * 4 + 4; /* 4..32 */
	lim->fields_max = (size_t)((b >> 6) & 1) * 8 + 3;    /* 3 or 11 */
	lim->records_max = (uint64_t)(b % 13) + 1;           /* 1..13 */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mcg_csv_limits lim;
	mcg_csv_reader *r = NULL;
	mcg_csv_record rec;
	mcg_error err;
	uint64_t last_line = 0, records = 0;
	FILE *f;
	int rc;

	if (size < 2)
		return 0;
	choose_limits(data[0], &lim);
	f = fmemopen((void *)(data + 1), size - 1, "rb");
	if (!f)
		return 0;
	mcg_error_clear(&err);
	rc = mcg_csv_open(f, "fuzz.csv", &lim, &r, &err);
	FUZZ_REQUIRE(rc == MCG_OK, "the reader opens");
	if (data[0] & 0x20)
		mcg_csv_set_names(r, names, sizeof(names) / sizeof(names[0]));
	for (;;) {
		size_t total = 0;

		memset(&rec, 0, sizeof(rec));
		mcg_error_clear(&err);
		rc = mcg_csv_next(r, &rec, &err);
		if (rc != 1)
			break;
		records++;
		FUZZ_REQUIRE(records <= lim.records_max, "at most records_max records");
		FUZZ_REQUIRE(rec.n >= 1 && rec.n <= lim.fields_max,
			     "1..fields_max fields");
		FUZZ_REQUIRE(rec.line > last_line, "records start on increasing lines");
		last_line = rec.line;
		for (size_t i = 0; i < rec.n; i++) {
			FUZZ_REQUIRE(rec.field[i] != NULL, "every field is there");
			FUZZ_REQUIRE(strlen(rec.field[i]) == rec.len[i],
				     "a field is NUL-terminated at its length");
			FUZZ_REQUIRE(rec.len[i] <= lim.field_bytes_max,
				     "a field within field_bytes_max");
			total += rec.len[i];
		}
		FUZZ_REQUIRE(total <= lim.record_bytes_max,
			     "a record within record_bytes_max");
		FUZZ_REQUIRE(mcg_csv_bytes(r) <= size - 1, "no more bytes than given");
	}
	FUZZ_REQUIRE(rc == 0 || rc == MCG_EINPUT || rc == MCG_ESYS,
		     "end, bad input or I/O");
	fuzz_check_error(rc, &err);
	if (rc == MCG_EINPUT)
		FUZZ_REQUIRE(strstr(err.msg, "fuzz.csv") != NULL,
			     "a refusal names the file");
	if (rc == 0) {
		mcg_error_clear(&err);
		FUZZ_REQUIRE(mcg_csv_next(r, &rec, &err) == 0, "the end stays the end");
	}
	mcg_csv_free(r);
	fclose(f);
	return 0;
}

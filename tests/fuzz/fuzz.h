/*
 * What every fuzz target in tests/fuzz/ shares.
 *
 * A target is one LLVMFuzzerTestOneInput over one input surface of mcg.
 * Built with clang -fsanitize=fuzzer,address,undefined (`make fuzz`), it is
 * run by libFuzzer; built with replay.c instead of libFuzzer's main (`make
 * fuzz-replay`, with gcc and the sanitizers of `make asan`), it runs the
 * seed corpus and every kept crasher as a regression test.
 *
 * Besides "does not crash, leak or overflow", each target checks the
 * promises the code makes about its output, and stops (abort) when one
 * does not hold:
 *   - an error is one line (CLI.md: errors are one line on stderr), fits
 *     the error struct, and carries the code that was returned;
 *   - what is accepted round-trips (amounts and percentages, rules text).
 */
#ifndef MCG_FUZZ_H
#define MCG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Stops with a message: a broken promise is a finding like a crash. */
#define FUZZ_REQUIRE(cond, what)                                             \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "fuzz: %s:%d: broken promise: %s\n", \
				__FILE__, __LINE__, what);                   \
			abort();                                             \
		}                                                            \
	} while (0)

/* A NUL-terminated copy of the input (fuzz inputs are not terminated). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The error promise: rc is the code recorded, and the message is one
 * non-empty line that fits its buffer. */
static inline void fuzz_check_error(int rc, const mcg_error *err)
{
	size_t n;

	if (rc == MCG_OK)
		return;
	FUZZ_REQUIRE(rc < 0 && rc >= MCG_ECONFLICT, "an MCG_E* code");
	FUZZ_REQUIRE(err->code == rc, "err->code is the code returned");
	n = strnlen(err->msg, sizeof(err->msg));
	FUZZ_REQUIRE(n > 0 && n < sizeof(err->msg), "a message, terminated");
	FUZZ_REQUIRE(!memchr(err->msg, '\n', n) && !memchr(err->msg, '\r', n),
		     "the error message is one line");
}

#endif

# mcg: the ledger for mutual credit guarantee consortia.
#
#   make demo     install what is missing, build, run the demo story
#   make test     install what is missing, build, run every test (plain and
#                 under AddressSanitizer + UndefinedBehaviorSanitizer), then
#                 the short crash test
#
# Other targets: all, check-deps, unit, e2e, asan, tsan, bench, crashtest,
# crashtest-short, fuzz, fuzz-replay, valgrind, install, clean.  Builds go
# to build/ (plain), build/asan/ (sanitized) and build/fuzz/ (clang,
# libFuzzer).

PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0

PKGS     := sqlite3 libcrypto libxml-2.0 xmlsec1-openssl
CC       ?= cc
WARN     := -Wall -Wextra -Wconversion -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Werror
CPPFLAGS_ALL = -I. -Icommon -DMCG_VERSION='"$(VERSION)"' \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS_ALL     = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
# What mcg itself links: no libxml2, no xmlsec (cli/xml_helper.c).
LIBS_CORE    = $(shell pkg-config --libs sqlite3 libcrypto 2>/dev/null) -lm
TEST_LIBS    = $(shell pkg-config --libs criterion 2>/dev/null)

# V=1 shows the full compiler command lines.
Q := $(if $(V),,@)

# One build folder per configuration.
BUILD   ?= build
OPT     ?= -O2 -g
SANITIZE ?=
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -pthread $(OPT) $(WARN) $(SANITIZE) -MMD -MP $(CFLAGS)
# -pthread: the import hashes its audit leaves on a second thread
# (audit/leaf_pipe.c).
LDFLAGS_ALL = -pthread $(SANITIZE) $(LDFLAGS)

LIB_SRC  := $(wildcard common/*.c ledger/*.c rules/*.c audit/*.c reports/*.c)
# Two executables (cli/xml_helper.c).  mcg-xml has every command.  mcg has
# every command but those that read or write XML (CLI_XML_SRC), which it
# hands over to the mcg-xml beside it, and so links without libxml2 and
# xmlsec: a third of a short command's time is loading them.
CLI_HELPER_SRC := cli/xml_helper.c
CLI_XML_SRC    := cli/cmd_init.c cli/cmd_rules_file.c cli/cmd_reports.c
CLI_SRC  := $(filter-out $(CLI_HELPER_SRC),$(wildcard cli/*.c))
UNIT_SRC := $(wildcard tests/unit/*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_TARGETS := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
CLI_CORE_OBJ := $(filter-out $(CLI_XML_SRC:%.c=$(BUILD)/%.o),$(CLI_OBJ)) \
                $(CLI_HELPER_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
FUZZ_OBJ := $(FUZZ_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/fuzz/replay.o

MCG      := $(BUILD)/mcg
MCG_XML  := $(BUILD)/mcg-xml
BINS     := $(MCG) $(MCG_XML)
LIBMCG   := $(BUILD)/libmcg.a
UNIT     := $(BUILD)/unit-tests

.PHONY: man all check-deps deps test unit e2e asan demo bench crashtest \
        crashtest-short fuzz fuzz-build fuzz-replay valgrind install uninstall clean

all: $(BINS)

# Files pulled into objects with .incbin (schemas, default rules): the
# compiler's -MMD cannot see them, so say so here.
EMBEDDED := $(wildcard rules/*.xsd rules/*.xml reports/*.xsd)
$(BUILD)/rules/embedded.o $(BUILD)/reports/embedded.o: $(EMBEDDED)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) -c $< -o $@

$(LIBMCG): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(MCG): $(CLI_CORE_OBJ) $(LIBMCG)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_CORE_OBJ) $(LIBMCG) $(LIBS_CORE)

$(MCG_XML): $(CLI_OBJ) $(LIBMCG)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(LIBMCG) $(LIBS_ALL)

$(UNIT): $(UNIT_OBJ) $(LIBMCG)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $(UNIT_OBJ) $(LIBMCG) $(LIBS_ALL) $(TEST_LIBS)

# The dependency step: installs what is missing on Debian as root, and
# otherwise says exactly what to install.
deps check-deps:
	@sh scripts/deps.sh

# Unit tests (Criterion) then the end-to-end scripts that drive the real
# binary.  `make test` also runs the whole suite under ASan + UBSan.
unit: $(UNIT)
	$(UNIT) --jobs 2

# A pthread_create that fails, preloaded by t_import to run the import's
# single-thread fallback (tests/fault/no_threads.c).  Built without the
# sanitizers: it replaces their interceptor for the one command it runs.
NO_THREADS := $(BUILD)/test/no_threads.so
$(NO_THREADS): tests/fault/no_threads.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE -O1 $(WARN) -shared -fPIC -o $@ $<

# t_bench runs the whole of `make bench` at a tiny scale with the bench
# tools (BENCH_BIN, below, also a prerequisite of e2e).
e2e: $(BINS) $(NO_THREADS)
	MCG=$(abspath $(MCG)) MCG_NO_THREADS=$(abspath $(NO_THREADS)) \
	  MCG_BENCH_BIN=$(abspath $(BENCH_OUT)) sh tests/e2e/run.sh

test: deps
	$(MAKE) unit e2e
	$(MAKE) asan
	$(MAKE) tsan
	$(MAKE) crashtest-short

# ThreadSanitizer over the commands that run threads: the import (its
# rows read ahead, ledger/import.c; its audit leaves hashed,
# audit/leaf_pipe.c) and `audit verify` (its leaves hashed, the same way).  A race makes mcg exit 66 at once, which the tests
# see.  Criterion's runner does not run under TSan: the unit tests stay in
# the plain and ASan runs.
tsan:
	$(MAKE) BUILD=build/tsan OPT='-O1 -g' SANITIZE='-fsanitize=thread' all
	TSAN_OPTIONS='halt_on_error=1' MCG=$(abspath build/tsan/mcg) sh tests/e2e/run.sh t_import
	TSAN_OPTIONS='halt_on_error=1' MCG=$(abspath build/tsan/mcg) sh tests/e2e/run.sh t_audit

# The sanitized run also replays the fuzz corpora and kept crashers.
asan:
	$(MAKE) BUILD=build/asan OPT='-O1 -g -fno-omit-frame-pointer' \
	  SANITIZE='-fsanitize=address,undefined -fno-sanitize-recover=all' \
	  unit e2e fuzz-replay

demo: deps
	$(MAKE) all
	MCG=$(abspath $(MCG)) sh scripts/demo.sh

# `make bench [SCALE=small|medium|default|FACTOR]`: generate a consortium, set
# it up, import the banks' reports and measure mcg against its baselines in
# one run (bench/run.sh, docs/PERFORMANCE.md).  It prints; it never fails on
# speed.  The tools are built here, beside the binary.
SCALE     ?= default
BENCH_OUT := $(BUILD)/bench
BENCH_BIN := $(BENCH_OUT)/gen $(BENCH_OUT)/replay $(BENCH_OUT)/bare_sqlite \
             $(BENCH_OUT)/exposure_latency
e2e: $(BENCH_BIN)

$(BENCH_OUT)/gen: $(BENCH_OUT)/gen.o
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^

$(BENCH_OUT)/bare_sqlite: $(BENCH_OUT)/bare_sqlite.o
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS_ALL)

$(BENCH_OUT)/exposure_latency: $(BENCH_OUT)/exposure_latency.o $(LIBMCG)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS_ALL)

# replay runs the CLI's own command functions (every CLI object but main's)
# on one connection: the link wraps the ledger's open and close.
$(BENCH_OUT)/replay: $(BENCH_OUT)/replay.o $(filter-out $(BUILD)/cli/mcg.o,$(CLI_OBJ)) $(LIBMCG)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -Wl,--wrap=mcg_ledger_open,--wrap=mcg_ledger_close \
	  -o $@ $^ $(LIBS_ALL)

bench: deps
	$(MAKE) all $(BENCH_BIN)
	MCG=$(abspath $(MCG)) BENCH_BIN=$(abspath $(BENCH_OUT)) SCALE='$(SCALE)' \
	  sh bench/run.sh

-include $(BENCH_BIN:=.d)

# Kill mcg with SIGKILL mid-write, many times (tests/fault/crashtest.sh);
# `make test` runs a short version.
crashtest: deps
	$(MAKE) all
	MCG=$(abspath $(MCG)) sh tests/fault/crashtest.sh

crashtest-short: $(BINS)
	CRASH_KILLS=8 CRASH_SINGLE=8 CRASH_ROWS=10000 CRASH_ROWS_LARGE=100000 CRASH_LOANS=8 \
	  MCG=$(abspath $(MCG)) sh tests/fault/crashtest.sh

# Memcheck over a representative set of commands (tests/fault/valgrind.sh).
valgrind: $(BINS)
	@sh scripts/deps.sh valgrind
	MCG=$(abspath $(MCG)) sh tests/fault/valgrind.sh

# Fuzzing (tests/fuzz/): every fuzz_NAME.c is a libFuzzer target, built
# with clang, ASan and UBSan in build/fuzz/ and run for FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz:
	@sh scripts/deps.sh fuzz
	$(MAKE) BUILD=build/fuzz CC=clang OPT='-O1 -g -fno-omit-frame-pointer' \
	  SANITIZE='-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined' \
	  CFLAGS='-Wno-format-nonliteral' all fuzz-build
	MCG=$(abspath build/fuzz/mcg) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh build/fuzz

fuzz-build: $(FUZZ_TARGETS:%=$(BUILD)/fuzz-%)

$(BUILD)/fuzz-%: $(BUILD)/tests/fuzz/fuzz_%.o $(LIBMCG)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $^ $(LIBS_ALL)

# The same targets without libFuzzer, over the seed corpora and the kept
# crashers (tests/fuzz/regressions/): regression tests for any build.
fuzz-replay: $(BINS) $(FUZZ_TARGETS:%=$(BUILD)/replay-%)
	@for t in $(FUZZ_TARGETS); do \
	  r=tests/fuzz/regressions/$$t; [ -d $$r ] || r=; \
	  MCG=$(abspath $(MCG)) $(BUILD)/replay-$$t tests/fuzz/corpus/$$t $$r || exit 1; \
	done

$(BUILD)/replay-%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay.o $(LIBMCG)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS_ALL)

# Keep the targets' objects (make would delete them as intermediate).
.SECONDARY: $(FUZZ_OBJ)

# The man page is made from the binary's own help (scripts/gen-man.sh);
# tests/e2e/t_docs.sh fails when docs/mcg.1 is stale.
man: $(BINS)
	sh scripts/gen-man.sh $(MCG) > docs/mcg.1

install: $(BINS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(MCG) $(DESTDIR)$(PREFIX)/bin/mcg
	install -m 0755 $(MCG_XML) $(DESTDIR)$(PREFIX)/bin/mcg-xml
	install -m 0644 docs/mcg.1 $(DESTDIR)$(PREFIX)/share/man/man1/mcg.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/mcg $(DESTDIR)$(PREFIX)/bin/mcg-xml \
	  $(DESTDIR)$(PREFIX)/share/man/man1/mcg.1

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(CLI_HELPER_SRC:%.c=$(BUILD)/%.d) $(UNIT_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d)

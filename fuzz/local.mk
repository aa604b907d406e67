# libFuzzer targets, included by the top-level Makefile.am. They build only
# on request (`make fuzz`) and only with clang, so a gcc build and `make
# distcheck` never touch them. Each target compiles the common sources it
# needs itself, so that the code under test carries the fuzzer's coverage
# instrumentation and the sanitizers. fuzz/run.sh runs them.
FUZZ_TARGETS = fuzz/fuzz-blob fuzz/fuzz-config fuzz/fuzz-cert
EXTRA_PROGRAMS = $(FUZZ_TARGETS)
CLEANFILES += $(FUZZ_TARGETS)

FUZZ_SANITIZE = -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined
FUZZ_CFLAGS = $(AM_CFLAGS) -g -O1 -fno-omit-frame-pointer $(FUZZ_SANITIZE)

FUZZ_CONFIG_SOURCES = \
	common/error.c common/error.h \
	common/esconfig.c common/esconfig.h
FUZZ_COMMON_SOURCES = $(FUZZ_CONFIG_SOURCES) \
	common/password.c common/password.h \
	common/cert.c common/cert.h \
	common/blob.c common/blob.h \
	common/store.c common/store.h \
	common/revoke.c common/revoke.h
FUZZ_COMMON_LIBS = $(CRYPTO_LIBS) $(KEYUTILS_LIBS)

fuzz_fuzz_blob_SOURCES = fuzz/fuzz-blob.c $(FUZZ_COMMON_SOURCES)
fuzz_fuzz_blob_CFLAGS = $(FUZZ_CFLAGS) $(CRYPTO_CFLAGS) $(KEYUTILS_CFLAGS)
fuzz_fuzz_blob_LDFLAGS = $(FUZZ_SANITIZE)
fuzz_fuzz_blob_LDADD = $(FUZZ_COMMON_LIBS)

fuzz_fuzz_config_SOURCES = fuzz/fuzz-config.c $(FUZZ_CONFIG_SOURCES)
fuzz_fuzz_config_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_config_LDFLAGS = $(FUZZ_SANITIZE)

fuzz_fuzz_cert_SOURCES = fuzz/fuzz-cert.c $(FUZZ_COMMON_SOURCES)
fuzz_fuzz_cert_CFLAGS = $(FUZZ_CFLAGS) $(CRYPTO_CFLAGS) $(KEYUTILS_CFLAGS)
fuzz_fuzz_cert_LDFLAGS = $(FUZZ_SANITIZE)
fuzz_fuzz_cert_LDADD = $(FUZZ_COMMON_LIBS)

EXTRA_DIST += fuzz/run.sh fuzz/RESULTS.md fuzz/corpus

# libFuzzer ships with clang only; say so instead of failing in the linker.
fuzz:
	@case "`$(CC) --version 2>/dev/null`" in \
	*clang*) ;; \
	*) echo "make fuzz: CC=$(CC) is not clang; configure with" \
	    "CC=clang to build the libFuzzer targets" >&2; exit 1 ;; \
	esac
	$(AM_V_at)$(MAKE) $(AM_MAKEFLAGS) $(FUZZ_TARGETS)

.PHONY: fuzz

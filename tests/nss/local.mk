# Tests for the nss area, included by tests/local.mk.
# The C tests dlopen() the module from the build tree (NSS_MODULE_PATH);
# the environment variable ES_NSS_MODULE names another build of it.
nss_module_path = \
	$(abs_top_builddir)/nss_edgesupport/.libs/libnss_edgesupport.so.2
nss_test_cppflags = $(AM_CPPFLAGS) \
	-DNSS_MODULE_PATH=\"$(nss_module_path)\"
nss_test_sources = tests/nss/module.c tests/nss/module.h

check_PROGRAMS += \
	tests/nss/test-config \
	tests/nss/test-nss-module \
	tests/nss/test-nss-threads \
	tests/nss/test-nss-syscalls

tests_nss_test_config_LDADD = common/libescfg.la

tests_nss_test_nss_module_SOURCES = tests/nss/test-nss-module.c \
	$(nss_test_sources)
tests_nss_test_nss_module_CPPFLAGS = $(nss_test_cppflags)

tests_nss_test_nss_threads_SOURCES = tests/nss/test-nss-threads.c \
	$(nss_test_sources)
tests_nss_test_nss_threads_CPPFLAGS = $(nss_test_cppflags)

tests_nss_test_nss_syscalls_SOURCES = tests/nss/test-nss-syscalls.c \
	$(nss_test_sources)
tests_nss_test_nss_syscalls_CPPFLAGS = $(nss_test_cppflags)

# threads-tsan.sh compiles its own sanitizer build with the configured
# compiler; namespace.sh needs the config path the module was built with.
AM_TESTS_ENVIRONMENT += \
	CC='$(CC)'; export CC; \
	es_config_path='$(edgesupportconfdir)/edgesupport.conf'; \
	export es_config_path;

dist_check_SCRIPTS += \
	tests/nss/linkage.sh \
	tests/nss/syscalls.sh \
	tests/nss/threads-tsan.sh \
	tests/nss/namespace.sh \
	tests/nss/valgrind.sh

TESTS += \
	tests/nss/test-config \
	tests/nss/test-nss-module \
	tests/nss/test-nss-threads \
	tests/nss/linkage.sh \
	tests/nss/syscalls.sh \
	tests/nss/threads-tsan.sh \
	tests/nss/namespace.sh \
	tests/nss/valgrind.sh

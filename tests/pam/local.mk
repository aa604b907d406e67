# Tests for the pam area, included by tests/local.mk. The C tests drive the
# built module through libpam with pam_start_confdir(); pamtester.sh runs
# the real pamtester inside a private mount namespace. All need root for
# the kernel keyring of uid 0 and skip otherwise.
pam_tests = \
	tests/pam/test-auth \
	tests/pam/test-account \
	tests/pam/test-config \
	tests/pam/test-lockout \
	tests/pam/test-keyring

check_PROGRAMS += $(pam_tests) tests/pam/es-enable
TESTS += $(pam_tests) tests/pam/pamtester.sh
EXTRA_DIST += tests/pam/pamtester.sh tests/pam/syslog-listener.py

# The tests load the module through libpam, so they must wait for it.
$(pam_tests): pam_edgesupport/pam_edgesupport.la
tests/pam/pamtester.log: pam_edgesupport/pam_edgesupport.la \
	tests/pam/es-enable

pam_test_cflags = $(AM_CFLAGS) $(PAM_CFLAGS) $(KEYUTILS_CFLAGS) \
	-DPT_TOP_BUILDDIR=\"$(abs_top_builddir)\"
pam_test_ldadd = common/libescommon.la $(PAM_LIBS)
pam_test_sources = tests/pam/pamtest.c tests/pam/pamtest.h

tests_pam_test_auth_SOURCES = tests/pam/test-auth.c $(pam_test_sources)
tests_pam_test_auth_CFLAGS = $(pam_test_cflags)
tests_pam_test_auth_LDADD = $(pam_test_ldadd)

tests_pam_test_account_SOURCES = tests/pam/test-account.c $(pam_test_sources)
tests_pam_test_account_CFLAGS = $(pam_test_cflags)
tests_pam_test_account_LDADD = $(pam_test_ldadd)

tests_pam_test_config_SOURCES = tests/pam/test-config.c $(pam_test_sources)
tests_pam_test_config_CFLAGS = $(pam_test_cflags)
tests_pam_test_config_LDADD = $(pam_test_ldadd)

tests_pam_test_lockout_SOURCES = tests/pam/test-lockout.c $(pam_test_sources)
tests_pam_test_lockout_CFLAGS = $(pam_test_cflags)
tests_pam_test_lockout_LDADD = $(pam_test_ldadd)

tests_pam_test_keyring_SOURCES = tests/pam/test-keyring.c $(pam_test_sources)
tests_pam_test_keyring_CFLAGS = $(pam_test_cflags)
tests_pam_test_keyring_LDADD = $(pam_test_ldadd)

tests_pam_es_enable_SOURCES = tests/pam/es-enable.c
tests_pam_es_enable_CFLAGS = $(AM_CFLAGS) $(KEYUTILS_CFLAGS)
tests_pam_es_enable_LDADD = common/libescommon.la

# Left behind only by a test that was killed.
clean-local: clean-local-pam
clean-local-pam:
	-rm -rf tests/pam/tmp-*
.PHONY: clean-local-pam

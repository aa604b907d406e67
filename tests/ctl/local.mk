# Tests for the ctl area, included by tests/local.mk: the keyring store and
# process revocation against the running kernel, and the edgesupport-ctl
# command line. They need root and skip without it.
check_PROGRAMS += tests/ctl/test-store tests/ctl/test-revoke

tests_ctl_test_store_SOURCES = tests/ctl/test-store.c
tests_ctl_test_store_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) $(KEYUTILS_CFLAGS)
tests_ctl_test_store_LDADD = common/libescommon.la

tests_ctl_test_revoke_SOURCES = tests/ctl/test-revoke.c
tests_ctl_test_revoke_LDADD = common/libescommon.la

dist_check_SCRIPTS += tests/ctl/test-ctl.sh tests/ctl/test-ctl-syslog.sh

TESTS += \
	tests/ctl/test-store \
	tests/ctl/test-revoke \
	tests/ctl/test-ctl.sh \
	tests/ctl/test-ctl-syslog.sh

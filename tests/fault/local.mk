# Fault injection tests, included by tests/local.mk. libesfault is an
# LD_PRELOAD library that fails the Nth call of a chosen libc, libkeyutils
# or libcrypto function (see tests/fault/fault.c); the scripts walk every
# such call of edgesupport-ctl and of the PAM module. pam-run is the PAM
# driver that the race, bad-input and secrets tests use as well.
check_LTLIBRARIES = tests/fault/libesfault.la
tests_fault_libesfault_la_SOURCES = tests/fault/fault.c
tests_fault_libesfault_la_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) \
	$(KEYUTILS_CFLAGS)
tests_fault_libesfault_la_LDFLAGS = -module -avoid-version -shared \
	-rpath /nowhere

check_PROGRAMS += tests/fault/pam-run
tests_fault_pam_run_SOURCES = tests/fault/pam-run.c
tests_fault_pam_run_CFLAGS = $(AM_CFLAGS) $(PAM_CFLAGS)
tests_fault_pam_run_LDADD = $(PAM_LIBS)

fault_tests = tests/fault/fault-ctl.sh tests/fault/fault-pam.sh
dist_check_SCRIPTS += $(fault_tests)
TESTS += $(fault_tests)
EXTRA_DIST += tests/fault/env.sh tests/fault/fault-lib.sh

# What env.sh needs; the race, bad-input and secrets tests use it too.
harden_test_deps = tests/fault/libesfault.la tests/fault/pam-run \
	edgesupport-ctl edgesupport-decrypt tests/pam/es-enable \
	pam_edgesupport/pam_edgesupport.la
tests/fault/fault-ctl.log: $(harden_test_deps)
tests/fault/fault-pam.log: $(harden_test_deps)

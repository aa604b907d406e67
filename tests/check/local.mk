# Tests for "edgesupport-ctl check", included by tests/local.mk. check.sh
# needs root and unshare; it builds a complete installation inside a
# private mount namespace and breaks one piece at a time. check-driver
# runs the check function without the rest of edgesupport-ctl.
check_PROGRAMS += tests/check/check-driver
tests_check_check_driver_SOURCES = \
	tests/check/check-driver.c \
	tools/ctl-check.c \
	tools/ctl-check.h
tests_check_check_driver_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools
tests_check_check_driver_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tests_check_check_driver_LDADD = common/libescommon.la

dist_check_SCRIPTS += tests/check/check.sh
TESTS += tests/check/check.sh

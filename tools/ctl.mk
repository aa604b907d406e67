# Build rules for edgesupport-ctl, included by tools/local.mk.
sbin_PROGRAMS += edgesupport-ctl
edgesupport_ctl_SOURCES = \
	tools/edgesupport-ctl.c \
	tools/ctl.h \
	tools/ctl-access.c \
	tools/ctl-cert.c \
	tools/ctl-check.c \
	tools/ctl-check.h
edgesupport_ctl_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) $(KEYUTILS_CFLAGS)
edgesupport_ctl_LDADD = common/libescommon.la

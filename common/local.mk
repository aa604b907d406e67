# Internal libraries. libescfg holds the config parser and links only libc,
# because the NSS module uses it; libescommon adds the parts that need
# OpenSSL and libkeyutils. Both are PIC so the modules can link them.
noinst_LTLIBRARIES += common/libescfg.la common/libescommon.la

common_libescfg_la_SOURCES = \
	common/error.c common/error.h \
	common/esconfig.c common/esconfig.h

common_libescommon_la_SOURCES = \
	common/password.c common/password.h \
	common/cert.c common/cert.h \
	common/blob.c common/blob.h \
	common/store.c common/store.h \
	common/revoke.c common/revoke.h
common_libescommon_la_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) $(KEYUTILS_CFLAGS)
common_libescommon_la_LIBADD = common/libescfg.la $(CRYPTO_LIBS) $(KEYUTILS_LIBS)

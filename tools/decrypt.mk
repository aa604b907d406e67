# Build rules for edgesupport-decrypt, included by tools/local.mk.

# The client's crypto code as its own library, so that a support client
# needs libcrypto but not libkeyutils. Its objects are built apart from
# those of common/libescommon.la, from the same sources.
noinst_LTLIBRARIES += common/libescrypto.la
common_libescrypto_la_SOURCES = \
	common/password.c common/password.h \
	common/cert.c common/cert.h \
	common/blob.c common/blob.h
common_libescrypto_la_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
common_libescrypto_la_LIBADD = common/libescfg.la $(CRYPTO_LIBS)

bin_PROGRAMS += edgesupport-decrypt
edgesupport_decrypt_SOURCES = \
	tools/edgesupport-decrypt.c \
	tools/decrypt.h \
	tools/decrypt-key.c \
	tools/decrypt-newcert.c
edgesupport_decrypt_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
edgesupport_decrypt_LDADD = common/libescrypto.la

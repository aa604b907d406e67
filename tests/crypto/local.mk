# Tests for the crypto area, included by tests/local.mk.

crypto_test_cflags = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
crypto_test_ldadd = common/libescrypto.la $(CRYPTO_LIBS)

check_PROGRAMS += \
	tests/crypto/password-test \
	tests/crypto/blob-test \
	tests/crypto/cert-test \
	tests/crypto/make-blob

tests_crypto_password_test_SOURCES = tests/crypto/password-test.c \
	tests/crypto/unit.c tests/crypto/unit.h
tests_crypto_password_test_CFLAGS = $(crypto_test_cflags)
tests_crypto_password_test_LDADD = $(crypto_test_ldadd)

tests_crypto_blob_test_SOURCES = tests/crypto/blob-test.c \
	tests/crypto/unit.c tests/crypto/unit.h
tests_crypto_blob_test_CFLAGS = $(crypto_test_cflags)
tests_crypto_blob_test_LDADD = $(crypto_test_ldadd)

tests_crypto_cert_test_SOURCES = tests/crypto/cert-test.c \
	tests/crypto/unit.c tests/crypto/unit.h
tests_crypto_cert_test_CFLAGS = $(crypto_test_cflags)
tests_crypto_cert_test_LDADD = $(crypto_test_ldadd)

# Not a test itself: decrypt.sh uses it to make blobs without
# edgesupport-ctl.
tests_crypto_make_blob_SOURCES = tests/crypto/make-blob.c
tests_crypto_make_blob_CFLAGS = $(crypto_test_cflags)
tests_crypto_make_blob_LDADD = $(crypto_test_ldadd)

dist_check_SCRIPTS += tests/crypto/decrypt.sh

TESTS += \
	tests/crypto/password-test \
	tests/crypto/blob-test \
	tests/crypto/cert-test \
	tests/crypto/decrypt.sh

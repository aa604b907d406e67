# Test rules, included by the top-level Makefile.am. Each area keeps its
# own fragment so that its tests can change without touching the others.
EXTRA_DIST += tests/lib.sh

include tests/crypto/local.mk
include tests/ctl/local.mk
include tests/check/local.mk
include tests/nss/local.mk
include tests/pam/local.mk
include tests/e2e/local.mk
include tests/pkg/local.mk
include tests/docs/local.mk
include tests/valgrind/local.mk
include tests/fault/local.mk
include tests/race/local.mk
include tests/badinput/local.mk
include tests/secrets/local.mk

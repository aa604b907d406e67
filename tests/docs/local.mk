# Documentation checks, included by tests/local.mk.
TESTS += tests/docs/help-man.sh
EXTRA_DIST += tests/docs/help-man.sh
AM_TESTS_ENVIRONMENT += PACKAGE_VERSION='$(PACKAGE_VERSION)'; export PACKAGE_VERSION;

# Secret-handling tests, included by tests/local.mk: the password never
# reaches syslog, argv, the environment, files or the key payload, and
# the tools run without core dumps and non-dumpable.
dist_check_SCRIPTS += tests/secrets/secrets.sh
TESTS += tests/secrets/secrets.sh
tests/secrets/secrets.log: $(harden_test_deps)

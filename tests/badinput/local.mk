# Bad-input tests, included by tests/local.mk: one row per case in
# cases.tsv for edgesupport-decrypt, edgesupport-ctl and the PAM module.
dist_check_SCRIPTS += tests/badinput/badinput.sh
EXTRA_DIST += tests/badinput/cases.tsv
TESTS += tests/badinput/badinput.sh
tests/badinput/badinput.log: $(harden_test_deps)

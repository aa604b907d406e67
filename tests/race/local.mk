# Race tests, included by tests/local.mk: parallel PAM authentications
# against enable and disable, exact counters under parallel failures, and
# --max-logins under parallel logins. race.sh runs for about 30 seconds
# and uses the environment and PAM driver of tests/fault.
dist_check_SCRIPTS += tests/race/race.sh
TESTS += tests/race/race.sh
tests/race/race.log: $(harden_test_deps)

# Tests for the e2e area, included by tests/local.mk.
# session.sh needs root, sshd, sshpass, pamtester and faketime, and skips
# (exit 77) without them. The NSS module reads only its compiled-in config
# path, so the sandbox writes its config there.
TESTS += tests/e2e/session.sh
EXTRA_DIST += \
	tests/e2e/session.sh \
	tests/e2e/sandbox.sh \
	tests/e2e/flow.sh \
	tests/e2e/demo.sh \
	tests/e2e/pty-login.py
AM_TESTS_ENVIRONMENT += \
	es_config_path='$(edgesupportconfdir)/edgesupport.conf'; \
	export es_config_path;

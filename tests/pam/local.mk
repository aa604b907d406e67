# Tests for the pam area, included by tests/local.mk.

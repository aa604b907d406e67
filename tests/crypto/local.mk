# Tests for the crypto area, included by tests/local.mk.

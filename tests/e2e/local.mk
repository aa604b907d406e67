# Tests for the e2e area, included by tests/local.mk.

# Tests for the pkg area, included by tests/local.mk.

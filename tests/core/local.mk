# Tests for the core area, included by tests/local.mk.

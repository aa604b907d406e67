# Tests for the ctl area, included by tests/local.mk.

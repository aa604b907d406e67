# Tests for the nss area, included by tests/local.mk.

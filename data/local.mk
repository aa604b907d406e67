# Build rules for data/, included by the top-level Makefile.am.

# Build rules for fuzz/, included by the top-level Makefile.am.

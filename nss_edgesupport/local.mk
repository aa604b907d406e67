# Build rules for nss_edgesupport/, included by the top-level Makefile.am.

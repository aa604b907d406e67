# Build rules for pam_edgesupport/, included by the top-level Makefile.am.

# Build rules for pam_edgesupport/, included by the top-level Makefile.am.
# The module exports only the pam_sm_* entry points, so that the
# libescommon functions linked into it never clash with symbols of the
# program that loads it.
securelib_LTLIBRARIES += pam_edgesupport/pam_edgesupport.la

pam_edgesupport_pam_edgesupport_la_SOURCES = \
	pam_edgesupport/pam_edgesupport.c
pam_edgesupport_pam_edgesupport_la_CFLAGS = $(AM_CFLAGS) $(PAM_CFLAGS) \
	$(KEYUTILS_CFLAGS)
pam_edgesupport_pam_edgesupport_la_LDFLAGS = -module -avoid-version -shared \
	-export-symbols-regex '^pam_sm_' -Wl,-z,relro -Wl,-z,now \
	-Wl,--no-undefined
pam_edgesupport_pam_edgesupport_la_LIBADD = common/libescommon.la $(PAM_LIBS)

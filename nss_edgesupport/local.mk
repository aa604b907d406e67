# Build rules for nss_edgesupport/, included by the top-level Makefile.am.
# glibc loads NSS modules by the exact name libnss_SERVICE.so.2, so the
# module is built with that file name and no libtool version suffix.
nsslib_LTLIBRARIES += nss_edgesupport/libnss_edgesupport.la

nss_edgesupport_libnss_edgesupport_la_SOURCES = \
	nss_edgesupport/nss_edgesupport.c
nss_edgesupport_libnss_edgesupport_la_LIBADD = common/libescfg.la
nss_edgesupport_libnss_edgesupport_la_LDFLAGS = \
	-module -avoid-version -shared -shrext .so.2 -no-undefined \
	-Wl,--as-needed -Wl,-z,defs -Wl,-z,relro -Wl,-z,now \
	-Wl,--version-script=$(srcdir)/nss_edgesupport/nss_edgesupport.sym
EXTRA_nss_edgesupport_libnss_edgesupport_la_DEPENDENCIES = \
	nss_edgesupport/nss_edgesupport.sym

EXTRA_DIST += nss_edgesupport/nss_edgesupport.sym

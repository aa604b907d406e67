# Build rules for man/, included by the top-level Makefile.am.
# The pages are plain roff, so they need no build step; dist_man_MANS
# installs each one in the section its suffix names and ships it in the
# tarball. nss-edgesupport.8 is a ".so" link page to libnss_edgesupport.8.
dist_man_MANS += \
	man/edgesupport-ctl.8 \
	man/edgesupport-decrypt.1 \
	man/edgesupport.conf.5 \
	man/libnss_edgesupport.8 \
	man/nss-edgesupport.8 \
	man/pam_edgesupport.8

# Configuration and system integration files: the default config, the sshd
# drop-in, the pam-auth-update profile, the expiry timer and its cron
# fallback. Included by the top-level Makefile.am.

# The config is copied to $(edgesupportconfdir) only when none is there,
# so that "make install" never overwrites a configured uid and gid. The
# same file goes to $(pkgdatadir) as the reference copy of the defaults,
# from which the Debian package creates /etc/edgesupport/edgesupport.conf.
dist_pkgdata_DATA = data/edgesupport.conf

sshdconfigddir = $(sysconfdir)/ssh/sshd_config.d
dist_sshdconfigd_DATA = data/sshd_config.d/edgesupport.conf

pamconfigsdir = $(datadir)/pam-configs
dist_pamconfigs_DATA = data/pam-configs/edgesupport

systemdsystemunit_DATA = \
	data/edgesupport-expire.service \
	data/edgesupport-expire.timer

# cron(8) skips files in /etc/cron.d whose names contain a dot.
crondir = $(sysconfdir)/cron.d
cron_DATA = data/cron.d/edgesupport

EXTRA_DIST += \
	data/edgesupport-expire.service.in \
	data/edgesupport-expire.timer \
	data/edgesupport.cron.in

CLEANFILES += \
	data/edgesupport-expire.service \
	data/cron.d/edgesupport

data_edit = sed -e 's|@sbindir[@]|$(sbindir)|g'

data/edgesupport-expire.service: \
		$(srcdir)/data/edgesupport-expire.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data && \
	$(data_edit) $(srcdir)/data/edgesupport-expire.service.in >$@.tmp && \
	mv $@.tmp $@

data/cron.d/edgesupport: $(srcdir)/data/edgesupport.cron.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data/cron.d && \
	$(data_edit) $(srcdir)/data/edgesupport.cron.in >$@.tmp && \
	mv $@.tmp $@

install-data-local: install-data-edgesupport-conf
uninstall-local: uninstall-edgesupport-conf

install-data-edgesupport-conf:
	@conf='$(DESTDIR)$(edgesupportconfdir)/edgesupport.conf'; \
	if test -e "$$conf"; then \
		echo "keeping existing $$conf"; \
	else \
		$(MKDIR_P) '$(DESTDIR)$(edgesupportconfdir)' && \
		echo " $(INSTALL_DATA) data/edgesupport.conf '$$conf'" && \
		$(INSTALL_DATA) $(srcdir)/data/edgesupport.conf "$$conf"; \
	fi

# Removes the config only while it still equals the shipped defaults.
uninstall-edgesupport-conf:
	@conf='$(DESTDIR)$(edgesupportconfdir)/edgesupport.conf'; \
	if cmp -s $(srcdir)/data/edgesupport.conf "$$conf"; then \
		echo " rm -f '$$conf'"; rm -f "$$conf"; \
	fi

.PHONY: install-data-edgesupport-conf uninstall-edgesupport-conf

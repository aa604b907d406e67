/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ES_CTL_CHECK_H
#define ES_CTL_CHECK_H

#include <stdio.h>

/*
 * Verifies the installation on this system against the config at
 * config_path and writes one finding per line to out: "ok: ...",
 * "skipped: ..." or "FAIL: ... (fix: ...)". A config that does not load is
 * the only finding written. Reads system files and runs "sshd -T"; changes
 * nothing. Returns 0 when no finding failed, else 1 (the exit status of
 * "edgesupport-ctl check").
 */
int es_ctl_check(const char *config_path, FILE *out);

#endif

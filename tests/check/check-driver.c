/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs es_ctl_check() as "edgesupport-ctl check" will, so that check.sh can
 * test it before and apart from the command-line tool:
 *   check-driver --config PATH
 * Exit status: es_ctl_check()'s result (0 all passed, 1 a finding failed),
 * 2 for a usage error.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ctl-check.h"

int
main(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "--config") != 0) {
		fputs("usage: check-driver --config PATH\n", stderr);
		return 2;
	}

	return es_ctl_check(argv[2], stdout);
}

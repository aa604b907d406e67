/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ES_CTL_H
#define ES_CTL_H

#include <stdint.h>
#include <time.h>

#include "esconfig.h"

#define CTL_NAME	"edgesupport-ctl"

/* Exit status of edgesupport-ctl. */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define EXIT_DISABLED	3	/* status only: access is not enabled */
#define EXIT_NOT_ROOT	4

/* Grace between SIGTERM and SIGKILL for the support account's processes. */
#define CTL_GRACE_MS	5000

/* Maximum of enable --max-logins. */
#define CTL_MAX_LOGINS	1000000

struct ctl {
	const char *config_path;
	struct es_config cfg;
};

__attribute__((format(printf, 1, 2)))
void ctl_error(const char *fmt, ...);

/* Prints a usage error with a hint to --help; returns EXIT_USAGE. */
__attribute__((format(printf, 1, 2)))
int ctl_usage_error(const char *fmt, ...);

/* Loads ctx->config_path into ctx->cfg. Returns 0, or -1 after printing. */
int ctl_load_config(struct ctl *ctx);

/* Writes t as ISO 8601 UTC ("2026-12-04T09:00:00Z") into buf. */
void ctl_format_time(int64_t t, char buf[32]);

/*
 * The commands. Each takes the arguments from its own name on (argv[0] is
 * the command) and returns the exit status.
 */
int ctl_enable(struct ctl *ctx, int argc, char **argv);
int ctl_disable(struct ctl *ctx, int argc, char **argv);
int ctl_expire(struct ctl *ctx, int argc, char **argv);
int ctl_status(struct ctl *ctx, int argc, char **argv);
int ctl_cert(struct ctl *ctx, int argc, char **argv);

#endif

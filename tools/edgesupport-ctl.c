/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * edgesupport-ctl: turns time-limited support access on and off on the
 * device. Runs as root only.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl-check.h"

static const char usage_text[] =
"Usage: " CTL_NAME " [--config PATH] COMMAND [ARGS]\n"
"\n"
"Turns time-limited support access on and off. Every command needs root.\n"
"\n"
"Commands:\n"
"  enable [--lifetime DURATION] [--max-logins N]\n"
"                       generate a new password, store its verifier in the\n"
"                       kernel keyring and print it encrypted to the\n"
"                       support certificate (the blob) as one line on\n"
"                       stdout; replaces any earlier password at once\n"
"  disable              remove the password, end every process of the\n"
"                       support account and print what was done\n"
"  status [--json]      show whether access is enabled and until when;\n"
"                       exit status 0 when enabled, 3 when not\n"
"  expire               remove an expired password and end leftover\n"
"                       processes; prints nothing when nothing is to do\n"
"                       (run every minute by a timer)\n"
"  cert install FILE    install the support certificate (DER or PEM, RSA of\n"
"                       at least 2048 bits) and print its thumbprint\n"
"  cert show            show the installed certificate and its thumbprint\n"
"  check                verify the installation: one line per finding,\n"
"                       \"ok:\", \"skipped:\" or \"FAIL: ... (fix: ...)\";\n"
"                       exit status 0 only when nothing failed\n"
"\n"
"Options:\n"
"  -c, --config PATH    configuration file (default " ES_CONFIG_PATH ");\n"
"                       comes before the command\n"
"  -l, --lifetime DURATION\n"
"                       enable: how long access lasts, a number and a unit\n"
"                       s, m, h or d without a space (90s, 30m, 5h, 1d), at\n"
"                       most 24h (default: lifetime in the configuration)\n"
"  -n, --max-logins N   enable: allow at most N successful logins, 1 to\n"
"                       1000000 (default: no limit)\n"
"  -j, --json           status: print one JSON object\n"
"  -h, --help           print this help and exit\n"
"  -V, --version        print the version and exit\n"
"\n"
"Exit status: 0 success, 1 failure, 2 usage error, 3 not enabled (status),\n"
"4 not run as root.\n";

void
ctl_error(const char *fmt, ...)
{
	va_list ap;

	fputs(CTL_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
ctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(CTL_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry '" CTL_NAME " --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

int
ctl_load_config(struct ctl *ctx)
{
	struct es_error err = { "" };

	if (es_config_load(ctx->config_path, &ctx->cfg, &err) != 0) {
		ctl_error("%s", err.msg);
		return -1;
	}

	return 0;
}

void
ctl_format_time(int64_t t, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, 32, "@%lld", (long long)t);
}

/* The password exists in this process's memory; keep it out of core dumps. */
static void
disable_core_dumps(void)
{
	struct rlimit none = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &none) != 0)
		ctl_error("warning: cannot turn off core dumps: %s",
		    strerror(errno));

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		ctl_error("warning: cannot mark the process non-dumpable: %s",
		    strerror(errno));
}

static int
ctl_check(struct ctl *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return ctl_usage_error("check takes no arguments");

	return es_ctl_check(ctx->config_path, stdout) == 0 ?
	    EXIT_OK : EXIT_FAIL;
}

struct command {
	const char *name;
	int (*run)(struct ctl *ctx, int argc, char **argv);
};

static const struct command commands[] = {
	{ "enable", ctl_enable },
	{ "disable", ctl_disable },
	{ "status", ctl_status },
	{ "expire", ctl_expire },
	{ "cert", ctl_cert },
	{ "check", ctl_check },
};

static const struct command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl ctx = { .config_path = ES_CONFIG_PATH };
	const struct command *cmd;
	int opt, status;

	disable_core_dumps();

	/*
	 * "+" stops at the command, whose own options come after it, and ":"
	 * reports a missing value apart from an unknown option.
	 */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:c:hV", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			ctx.config_path = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		case 'V':
			printf("%s %s\n", CTL_NAME, PACKAGE_VERSION);
			return EXIT_OK;
		case ':':
			return ctl_usage_error("option '%s' needs a value",
			    argv[optind - 1]);
		default:
			return ctl_usage_error("invalid option '%s'",
			    argv[optind - 1]);
		}
	}

	if (geteuid() != 0) {
		ctl_error("must be run as root (try: sudo %s ...)", CTL_NAME);
		return EXIT_NOT_ROOT;
	}

	if (optind >= argc)
		return ctl_usage_error("missing command");

	cmd = find_command(argv[optind]);
	if (cmd == NULL)
		return ctl_usage_error("unknown command '%s'", argv[optind]);

	openlog(CTL_NAME, LOG_PID, LOG_AUTHPRIV);
	status = cmd->run(&ctx, argc - optind, argv + optind);
	closelog();
	es_config_free(&ctx.cfg);
	return status;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper that stores the support access record for a password chosen
 * by the test, because edgesupport-ctl prints the password only encrypted.
 *
 *   es-enable [--lifetime DURATION] [--max-logins N] CONFIG < PASSWORD
 *   es-enable --disable CONFIG
 *   es-enable --show CONFIG
 *
 * The password is read from stdin, one trailing newline removed. --show
 * prints "logins=N max_logins=N failures=N locked=yes|no" and exits 3 when
 * there is no record, like "edgesupport-ctl status".
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "esconfig.h"
#include "store.h"

#define TEST_THUMBPRINT	"0123456789ABCDEF0123456789ABCDEF01234567"

enum action { ACTION_ENABLE, ACTION_DISABLE, ACTION_SHOW };

static void
usage(FILE *out)
{
	fputs("usage: es-enable [--lifetime DURATION] [--max-logins N] "
	    "CONFIG < PASSWORD\n"
	    "       es-enable --disable CONFIG\n"
	    "       es-enable --show CONFIG\n", out);
}

/* Reads the password from stdin into buf and drops one trailing newline. */
static int
read_password(char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len + 1 < size) {
		n = read(STDIN_FILENO, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';

	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len == 0 || len > ES_MAX_PASSWORD_INPUT)
		return -EINVAL;

	return 0;
}

static int
enable(struct es_store *st, const struct es_config *cfg, uint64_t lifetime,
    uint32_t max_logins)
{
	char password[ES_MAX_PASSWORD_INPUT + 2];
	struct es_error err = { "" };
	struct es_record rec;
	int ret;

	ret = read_password(password, sizeof(password));
	if (ret < 0) {
		fprintf(stderr, "es-enable: invalid password on stdin: "
		    "expected 1 to %d bytes\n", ES_MAX_PASSWORD_INPUT);
		goto out;
	}

	ret = es_record_init(&rec, password, lifetime != 0 ? lifetime :
	    cfg->lifetime, TEST_THUMBPRINT, max_logins);
	if (ret < 0) {
		fprintf(stderr, "es-enable: es_record_init failed: %s\n",
		    strerror(-ret));
		goto out;
	}

	ret = es_store_lock(st, &err);
	if (ret == 0) {
		ret = es_store_put(st, &rec, &err);
		es_store_unlock(st);
	}
	if (ret < 0)
		fprintf(stderr, "es-enable: %s\n", err.msg);

out:
	explicit_bzero(password, sizeof(password));
	explicit_bzero(&rec, sizeof(rec));
	return ret < 0 ? 1 : 0;
}

static int
disable(struct es_store *st)
{
	struct es_error err = { "" };
	int ret;

	ret = es_store_lock(st, &err);
	if (ret == 0) {
		ret = es_store_remove(st, &err);
		es_store_unlock(st);
	}
	if (ret < 0) {
		fprintf(stderr, "es-enable: %s\n", err.msg);
		return 1;
	}

	return 0;
}

static int
show(struct es_store *st)
{
	struct es_error err = { "" };
	struct es_record rec;
	int ret;

	ret = es_store_get(st, &rec, NULL, &err);
	if (ret == -ENOKEY) {
		printf("not enabled\n");
		return 3;
	}
	if (ret < 0) {
		fprintf(stderr, "es-enable: %s\n", err.msg);
		return 1;
	}

	printf("logins=%u max_logins=%u failures=%u locked=%s\n", rec.logins,
	    rec.max_logins, rec.failures,
	    rec.locked_until_boot > es_now_boot() ? "yes" : "no");
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "lifetime", required_argument, NULL, 'l' },
		{ "max-logins", required_argument, NULL, 'm' },
		{ "disable", no_argument, NULL, 'd' },
		{ "show", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum action action = ACTION_ENABLE;
	struct es_error err = { "" };
	struct es_config cfg;
	struct es_store st;
	uint64_t lifetime = 0;
	unsigned long max_logins = 0;
	char *end;
	int opt;
	int rc;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'l':
			if (es_parse_duration(optarg, &lifetime) < 0) {
				fprintf(stderr, "es-enable: invalid --lifetime "
				    "'%s': use 90s, 30m, 5h\n", optarg);
				return 2;
			}
			break;
		case 'm':
			errno = 0;
			max_logins = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || max_logins > UINT32_MAX) {
				fprintf(stderr, "es-enable: invalid --max-logins "
				    "'%s'\n", optarg);
				return 2;
			}
			break;
		case 'd':
			action = ACTION_DISABLE;
			break;
		case 's':
			action = ACTION_SHOW;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}

	if (es_config_load(argv[optind], &cfg, &err) < 0) {
		fprintf(stderr, "es-enable: %s\n", err.msg);
		return 1;
	}
	if (es_store_open(&st, &cfg, 0, &err) < 0) {
		fprintf(stderr, "es-enable: %s\n", err.msg);
		es_config_free(&cfg);
		return 1;
	}

	if (action == ACTION_DISABLE)
		rc = disable(&st);
	else if (action == ACTION_SHOW)
		rc = show(&st);
	else
		rc = enable(&st, &cfg, lifetime, (uint32_t)max_logins);

	es_config_free(&cfg);
	return rc;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ES_CONFIG_H
#define ES_CONFIG_H

/*
 * Parser for /etc/edgesupport/edgesupport.conf. Links only libc, because
 * the NSS module uses it inside every process that looks up a user.
 */

#include <stdint.h>
#include <sys/types.h>

#include "error.h"

#define ES_DEFAULT_USER		"edgesupport"
#define ES_DEFAULT_GECOS	"edgesupport support access"
#define ES_DEFAULT_HOME		"/home/edgesupport"
#define ES_DEFAULT_SHELL	"/bin/bash"
#define ES_DEFAULT_CERTIFICATE	"/etc/edgesupport/support.cer"
#define ES_DEFAULT_LIFETIME	(5 * 3600)
#define ES_MAX_LIFETIME		(24 * 3600)
#define ES_DEFAULT_MAX_FAILURES	10
#define ES_DEFAULT_LOCKOUT_TIME	(15 * 60)
#define ES_MAX_LOCKOUT_TIME	(30 * 24 * 3600)
#define ES_DEFAULT_KEY_NAME	"edgesupport:otp"
#define ES_DEFAULT_LOCK_FILE	"/run/edgesupport/lock"
#define ES_CONFIG_MAX_LINE	4096

struct es_config {
	char *user;		/* login name of the support account */
	uid_t uid;		/* required; never 0 */
	gid_t gid;		/* required; never 0 */
	char *group;		/* primary group name, defaults to user */
	char *gecos;
	char *home;		/* absolute path */
	char *shell;		/* absolute path */
	char **groups;		/* supplementary group names, NULL-terminated */
	size_t n_groups;
	char *certificate;	/* absolute path of the support certificate */
	uint64_t lifetime;	/* seconds, 1 to ES_MAX_LIFETIME */
	unsigned int max_failures;	/* 0 turns the lockout off */
	uint64_t lockout_time;	/* seconds, 0 to ES_MAX_LOCKOUT_TIME */
	char *key_name;		/* description of the kernel key */
	char *lock_file;	/* absolute path of the flock(2) file */
};

/*
 * Parses "NUMBER UNIT" without a space: 90s, 30m, 5h, 1d. A bare number,
 * an unknown unit, zero or an overflow is an error. Returns 0 or -EINVAL.
 */
int es_parse_duration(const char *text, uint64_t *seconds);

/*
 * Loads and validates the config file at path into cfg (filled with
 * defaults first). Unknown keys, duplicate keys and bad values are errors
 * reported as "PATH:LINE: message" in err. Returns 0 or a negative errno.
 * On error cfg contains nothing that needs freeing.
 */
int es_config_load(const char *path, struct es_config *cfg,
    struct es_error *err);

void es_config_free(struct es_config *cfg);

#endif

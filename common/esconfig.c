/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parser for edgesupport.conf. It runs inside the NSS module, so it uses
 * only libc: no logging, no OpenSSL, every fd opened with O_CLOEXEC.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "esconfig.h"

/* Maximum user or group name length, the utmp limit that useradd applies. */
#define NAME_MAX_LENGTH	32

/* uid 65534 is nobody and gid 65534 is nogroup on Debian. */
#define ID_NOBODY	65534

struct parser {
	const char *path;
	unsigned int line;
	struct es_config *cfg;
	struct es_error *err;
	unsigned int seen;		/* bit per entry of keys[] */
	unsigned int lockout_line;	/* line of lockout_time, 0 if absent */
};

typedef int (*key_handler)(struct parser *p, const char *key,
    const char *value);

struct key_def {
	const char *name;
	key_handler handle;
	bool allow_empty;
};

static int
parse_error(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
parse_error(struct parser *p, const char *fmt, ...)
{
	char text[sizeof(p->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);

	es_error_set(p->err, "%s:%u: %s", p->path, p->line, text);
	return -EINVAL;
}

int
es_parse_duration(const char *text, uint64_t *seconds)
{
	uint64_t value = 0;
	uint64_t unit;
	const char *s = text;

	if (text == NULL || seconds == NULL)
		return -EINVAL;

	if (*s < '0' || *s > '9')
		return -EINVAL;

	for (; *s >= '0' && *s <= '9'; s++) {
		uint64_t digit = (uint64_t)(*s - '0');

		if (value > (UINT64_MAX - digit) / 10)
			return -EINVAL;
		value = value * 10 + digit;
	}

	switch (*s) {
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	default:
		return -EINVAL;
	}

	if (s[1] != '\0' || value == 0 || value > UINT64_MAX / unit)
		return -EINVAL;

	*seconds = value * unit;
	return 0;
}

/*
 * Checks a user or group name against the POSIX portable set: letters,
 * digits, '.', '_' and '-', at most NAME_MAX_LENGTH bytes. The first byte
 * is a letter or '_', so no name reads as an option or a numeric id.
 */
static bool
is_valid_name(const char *name)
{
	size_t len = strlen(name);
	size_t i;

	if (len == 0 || len > NAME_MAX_LENGTH)
		return false;

	if (name[0] == '-' || name[0] == '.' ||
	    (name[0] >= '0' && name[0] <= '9'))
		return false;

	for (i = 0; i < len; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-')
			continue;
		return false;
	}

	return true;
}

static int
parse_number(const char *text, unsigned long long max,
    unsigned long long *out)
{
	unsigned long long value = 0;
	const char *s;

	if (*text == '\0')
		return -EINVAL;

	for (s = text; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		unsigned long long digit = (unsigned long long)(*s - '0');

		if (value > (max - digit) / 10)
			return -ERANGE;
		value = value * 10 + digit;
	}

	*out = value;
	return 0;
}

static int
replace_string(struct parser *p, char **field, const char *value)
{
	char *copy = strdup(value);

	if (copy == NULL) {
		es_error_set(p->err, "%s:%u: out of memory", p->path, p->line);
		return -ENOMEM;
	}

	free(*field);
	*field = copy;
	return 0;
}

static bool
has_control_char(const char *text)
{
	const unsigned char *s;

	for (s = (const unsigned char *)text; *s != '\0'; s++)
		if (*s < 0x20 || *s == 0x7f)
			return true;

	return false;
}

static int
handle_name(struct parser *p, const char *key, const char *value)
{
	char **field = strcmp(key, "user") == 0 ? &p->cfg->user :
	    &p->cfg->group;

	if (!is_valid_name(value))
		return parse_error(p, "invalid %s name '%s'; use 1 to %d "
		    "letters, digits, '.', '_' or '-', starting with a letter "
		    "or '_'", key, value, NAME_MAX_LENGTH);

	/* The PAM module would let the support password log in as root. */
	if (strcmp(value, "root") == 0)
		return parse_error(p, "%s 'root' is not allowed; use the "
		    "default '%s' or another unused name", key,
		    ES_DEFAULT_USER);

	return replace_string(p, field, value);
}

static int
handle_id(struct parser *p, const char *key, const char *value)
{
	unsigned long long id;
	int r;

	r = parse_number(value, ULLONG_MAX, &id);
	if (r < 0 || id == 0 || id >= INT32_MAX || id == ID_NOBODY)
		return parse_error(p, "invalid %s '%s'; use a decimal number "
		    "from 1 to %d other than 65534 (nobody), normally from "
		    "the system range 100-999", key, value, INT32_MAX - 1);

	if (strcmp(key, "uid") == 0)
		p->cfg->uid = (uid_t)id;
	else
		p->cfg->gid = (gid_t)id;

	return 0;
}

static int
handle_gecos(struct parser *p, const char *key, const char *value)
{
	if (strchr(value, ':') != NULL || has_control_char(value))
		return parse_error(p, "invalid %s '%s'; remove the ':' and "
		    "control characters, which the passwd format cannot hold",
		    key, value);

	return replace_string(p, &p->cfg->gecos, value);
}

static char **
path_field(struct es_config *cfg, const char *key)
{
	if (strcmp(key, "home") == 0)
		return &cfg->home;
	if (strcmp(key, "shell") == 0)
		return &cfg->shell;
	if (strcmp(key, "certificate") == 0)
		return &cfg->certificate;
	return &cfg->lock_file;
}

static int
handle_path(struct parser *p, const char *key, const char *value)
{
	if (value[0] != '/')
		return parse_error(p, "%s '%s' is a relative path; use an "
		    "absolute path starting with '/'", key, value);

	if (strchr(value, ':') != NULL || has_control_char(value))
		return parse_error(p, "invalid %s '%s'; remove the ':' and "
		    "control characters", key, value);

	return replace_string(p, path_field(p->cfg, key), value);
}

static void
free_groups(char **groups)
{
	size_t i;

	if (groups == NULL)
		return;

	for (i = 0; groups[i] != NULL; i++)
		free(groups[i]);
	free(groups);
}

/* Copies the item in [start, end) without surrounding blanks. */
static char *
dup_trimmed(const char *start, const char *end)
{
	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;

	return strndup(start, (size_t)(end - start));
}

static int
handle_groups(struct parser *p, const char *key, const char *value)
{
	char **groups;
	size_t count = 1;
	size_t n = 0;
	const char *start = value;
	const char *s;
	int r = 0;

	if (*value == '\0') {
		free_groups(p->cfg->groups);
		p->cfg->groups = NULL;
		p->cfg->n_groups = 0;
		return 0;
	}

	for (s = value; *s != '\0'; s++)
		if (*s == ',')
			count++;

	groups = calloc(count + 1, sizeof(*groups));
	if (groups == NULL)
		goto oom;

	for (s = value;; s++) {
		if (*s != ',' && *s != '\0')
			continue;

		groups[n] = dup_trimmed(start, s);
		if (groups[n] == NULL)
			goto oom;

		if (!is_valid_name(groups[n])) {
			r = parse_error(p, "invalid group name '%s' in %s "
			    "'%s'; list group names separated by commas",
			    groups[n], key, value);
			goto out;
		}

		/* Membership of root's group is root in all but name. */
		if (strcmp(groups[n], "root") == 0) {
			r = parse_error(p, "group 'root' is not allowed in %s; "
			    "list only the groups support work needs, such "
			    "as adm", key);
			goto out;
		}

		n++;
		if (*s == '\0')
			break;
		start = s + 1;
	}

	free_groups(p->cfg->groups);
	p->cfg->groups = groups;
	p->cfg->n_groups = n;
	return 0;

oom:
	r = -ENOMEM;
	es_error_set(p->err, "%s:%u: out of memory", p->path, p->line);
out:
	free_groups(groups);
	return r;
}

static int
handle_lifetime(struct parser *p, const char *key, const char *value)
{
	uint64_t seconds;

	if (es_parse_duration(value, &seconds) < 0)
		return parse_error(p, "invalid %s '%s'; use a number with "
		    "the unit s, m, h or d, such as 5h", key, value);

	if (seconds > ES_MAX_LIFETIME)
		return parse_error(p, "%s '%s' is longer than 24h; use at "
		    "most 24h", key, value);

	p->cfg->lifetime = seconds;
	return 0;
}

static int
handle_max_failures(struct parser *p, const char *key, const char *value)
{
	unsigned long long count;

	if (parse_number(value, UINT_MAX, &count) < 0)
		return parse_error(p, "invalid %s '%s'; use a decimal number "
		    "from 0 (lockout off) to %u", key, value, UINT_MAX);

	p->cfg->max_failures = (unsigned int)count;
	return 0;
}

/*
 * Tells whether value is a zero duration ("0", "0s", ...), which
 * lockout_time accepts only together with max_failures = 0.
 */
static bool
is_zero_duration(const char *value)
{
	const char *s = value;

	while (*s == '0')
		s++;

	if (s == value)
		return false;

	return *s == '\0' || (s[1] == '\0' && strchr("smhd", *s) != NULL);
}

static int
handle_lockout_time(struct parser *p, const char *key, const char *value)
{
	uint64_t seconds;

	p->lockout_line = p->line;

	if (is_zero_duration(value)) {
		p->cfg->lockout_time = 0;
		return 0;
	}

	if (es_parse_duration(value, &seconds) < 0)
		return parse_error(p, "invalid %s '%s'; use a number with "
		    "the unit s, m, h or d, such as 15m", key, value);

	if (seconds > ES_MAX_LOCKOUT_TIME)
		return parse_error(p, "%s '%s' is longer than 30d; use a "
		    "shorter lockout, such as 15m", key, value);

	p->cfg->lockout_time = seconds;
	return 0;
}

static int
handle_key_name(struct parser *p, const char *key, const char *value)
{
	if (strpbrk(value, " \t") != NULL || has_control_char(value))
		return parse_error(p, "invalid %s '%s'; use a key description "
		    "without blanks or control characters, such as %s", key,
		    value, ES_DEFAULT_KEY_NAME);

	return replace_string(p, &p->cfg->key_name, value);
}

static const struct key_def keys[] = {
	{ "user", handle_name, false },
	{ "uid", handle_id, false },
	{ "gid", handle_id, false },
	{ "group", handle_name, false },
	{ "gecos", handle_gecos, true },
	{ "home", handle_path, false },
	{ "shell", handle_path, false },
	{ "groups", handle_groups, true },
	{ "certificate", handle_path, false },
	{ "lifetime", handle_lifetime, false },
	{ "max_failures", handle_max_failures, false },
	{ "lockout_time", handle_lockout_time, false },
	{ "key_name", handle_key_name, false },
	{ "lock_file", handle_path, false },
};

#define KEY_UID		1
#define KEY_GID		2
#define KEY_GROUP	3

static char *
trim(char *text)
{
	char *end;

	while (*text == ' ' || *text == '\t')
		text++;

	end = text + strlen(text);
	while (end > text && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';

	return text;
}

static int
parse_line(struct parser *p, char *line)
{
	char *equals;
	char *key;
	char *value;
	size_t i;

	line = trim(line);
	if (*line == '\0' || *line == '#')
		return 0;

	equals = strchr(line, '=');
	if (equals == NULL)
		return parse_error(p, "missing '=' in '%s'; write lines as "
		    "'key = value'", line);

	*equals = '\0';
	key = trim(line);
	value = trim(equals + 1);

	if (*key == '\0')
		return parse_error(p, "missing key before '= %s'; write "
		    "lines as 'key = value'", value);

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i].name) == 0)
			break;

	if (i == sizeof(keys) / sizeof(keys[0]))
		return parse_error(p, "unknown key '%s'; remove the line or "
		    "fix the spelling (see edgesupport.conf(5))", key);

	if (p->seen & (1U << i))
		return parse_error(p, "duplicate key '%s'; keep one '%s' "
		    "line", key, key);
	p->seen |= 1U << i;

	if (*value == '\0' && !keys[i].allow_empty)
		return parse_error(p, "empty value for '%s'; give a value or "
		    "remove the line to use the default", key);

	return keys[i].handle(p, key, value);
}

/*
 * Reads one line into buf (without the newline). Returns 1 for a line,
 * 0 at end of file, -EIO for a read error, or -EINVAL with the error set
 * for a NUL byte, an overlong line or a carriage return at the end.
 */
static int
read_line(struct parser *p, FILE *file, char *buf, size_t size)
{
	size_t len = 0;
	int c;

	while ((c = getc_unlocked(file)) != EOF && c != '\n') {
		if (c == '\0')
			return parse_error(p, "NUL byte in the file; it must "
			    "be a text file");

		if (len + 1 >= size)
			return parse_error(p, "line longer than %d bytes; "
			    "shorten it", ES_CONFIG_MAX_LINE);

		buf[len++] = (char)c;
	}

	if (c == EOF && len == 0)
		return ferror(file) ? -EIO : 0;

	if (len > 0 && buf[len - 1] == '\r')
		return parse_error(p, "carriage return at the end of the "
		    "line (DOS line endings); convert the file with dos2unix");

	buf[len] = '\0';
	return 1;
}

static int
set_defaults(struct es_config *cfg)
{
	*cfg = (struct es_config){
		.user = strdup(ES_DEFAULT_USER),
		.gecos = strdup(ES_DEFAULT_GECOS),
		.home = strdup(ES_DEFAULT_HOME),
		.shell = strdup(ES_DEFAULT_SHELL),
		.certificate = strdup(ES_DEFAULT_CERTIFICATE),
		.lifetime = ES_DEFAULT_LIFETIME,
		.max_failures = ES_DEFAULT_MAX_FAILURES,
		.lockout_time = ES_DEFAULT_LOCKOUT_TIME,
		.key_name = strdup(ES_DEFAULT_KEY_NAME),
		.lock_file = strdup(ES_DEFAULT_LOCK_FILE),
	};

	if (cfg->user == NULL || cfg->gecos == NULL || cfg->home == NULL ||
	    cfg->shell == NULL || cfg->certificate == NULL ||
	    cfg->key_name == NULL || cfg->lock_file == NULL)
		return -ENOMEM;

	return 0;
}

static int
missing_key(struct parser *p, const char *key)
{
	es_error_set(p->err, "%s: required key '%s' is missing; add a line "
	    "such as '%s = 990' with an unused id from the system range",
	    p->path, key, key);
	return -EINVAL;
}

/* Applies the rules that span several keys once the whole file is read. */
static int
check_complete(struct parser *p)
{
	struct es_config *cfg = p->cfg;

	if (!(p->seen & (1U << KEY_UID)))
		return missing_key(p, "uid");

	if (!(p->seen & (1U << KEY_GID)))
		return missing_key(p, "gid");

	if (cfg->max_failures > 0 && cfg->lockout_time == 0) {
		p->line = p->lockout_line;
		return parse_error(p, "lockout_time 0 with max_failures %u; "
		    "give a lockout_time such as 15m, or set max_failures "
		    "= 0 to turn the lockout off", cfg->max_failures);
	}

	if (!(p->seen & (1U << KEY_GROUP)))
		return replace_string(p, &cfg->group, cfg->user);

	return 0;
}

static int
open_config(const char *path, struct es_error *err, FILE **file)
{
	struct stat st;
	int fd;
	int r;

	/* O_NONBLOCK: a FIFO in place of the file must not hang lookups. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		if (r == -ENOENT)
			es_error_set(err, "%s: config file not found; create "
			    "it (see edgesupport.conf(5))", path);
		else
			es_error_set(err, "%s: cannot open the config file: "
			    "%s", path, strerror(-r));
		return r;
	}

	if (fstat(fd, &st) < 0) {
		r = -errno;
		es_error_set(err, "%s: fstat failed: %s", path, strerror(-r));
		goto fail;
	}

	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		es_error_set(err, "%s: not a regular file; point to the "
		    "config file", path);
		goto fail;
	}

	if (st.st_mode & S_IWOTH) {
		r = -EPERM;
		es_error_set(err, "%s: writable by every user; run chmod "
		    "o-w on it", path);
		goto fail;
	}

	/*
	 * Anyone who can write the config chooses the account the support
	 * password logs in as, so only root (or the process's own user, for
	 * tests and tools run without root) may own it, and only root's
	 * group may have write access besides the owner.
	 */
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		r = -EPERM;
		es_error_set(err, "%s: owned by uid %u, not by root; run chown "
		    "root: on it", path, (unsigned int)st.st_uid);
		goto fail;
	}
	if ((st.st_mode & S_IWGRP) && st.st_gid != 0) {
		r = -EPERM;
		es_error_set(err, "%s: writable by group %u; run chmod g-w "
		    "on it", path, (unsigned int)st.st_gid);
		goto fail;
	}

	*file = fdopen(fd, "r");
	if (*file == NULL) {
		r = -errno;
		es_error_set(err, "%s: fdopen failed: %s", path,
		    strerror(-r));
		goto fail;
	}

	return 0;

fail:
	close(fd);
	return r;
}

int
es_config_load(const char *path, struct es_config *cfg,
    struct es_error *err)
{
	struct parser p = {
		.path = path, .cfg = cfg, .err = err,
	};
	char *line = NULL;
	FILE *file = NULL;
	int r;

	if (path == NULL || cfg == NULL)
		return -EINVAL;

	r = set_defaults(cfg);
	if (r < 0) {
		es_error_set(err, "%s: out of memory", path);
		goto out;
	}

	r = open_config(path, err, &file);
	if (r < 0)
		goto out;

	line = malloc(ES_CONFIG_MAX_LINE + 1);
	if (line == NULL) {
		r = -ENOMEM;
		es_error_set(err, "%s: out of memory", path);
		goto out;
	}

	for (;;) {
		p.line++;
		r = read_line(&p, file, line, ES_CONFIG_MAX_LINE + 1);
		if (r == -EIO)
			es_error_set(err, "%s:%u: read error", path, p.line);
		if (r <= 0)
			break;

		r = parse_line(&p, line);
		if (r < 0)
			break;
	}

	if (r == 0)
		r = check_complete(&p);

out:
	free(line);
	if (file != NULL)
		fclose(file);
	if (r < 0)
		es_config_free(cfg);
	return r;
}

void
es_config_free(struct es_config *cfg)
{
	if (cfg == NULL)
		return;

	free(cfg->user);
	free(cfg->group);
	free(cfg->gecos);
	free(cfg->home);
	free(cfg->shell);
	free_groups(cfg->groups);
	free(cfg->certificate);
	free(cfg->key_name);
	free(cfg->lock_file);
	memset(cfg, 0, sizeof(*cfg));
}

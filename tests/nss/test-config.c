/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the config parser: a table of good and bad files written to
 * temporary files, checking the return code, the parsed values and that
 * each error message starts with "PATH:LINE: ".
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "esconfig.h"

static int failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		failures++;						\
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__,	\
		    #cond);						\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

struct bad_case {
	const char *name;
	const char *text;
	size_t len;		/* 0: strlen(text) */
	unsigned int line;	/* 0: error names no line */
	const char *needle;	/* text the message must contain */
};

#define IDS "uid = 990\ngid = 990\n"

static const struct bad_case bad_cases[] = {
	{ "unknown key", IDS "colour = blue\n", 0, 3, "unknown key 'colour'" },
	{ "duplicate key", IDS "uid = 991\n", 0, 3, "duplicate key 'uid'" },
	{ "missing equals", IDS "home /home/x\n", 0, 3, "missing '='" },
	{ "missing key", IDS " = 5\n", 0, 3, "missing key" },
	{ "empty home", IDS "home =\n", 0, 3, "empty value for 'home'" },
	{ "empty uid", "uid = \ngid = 990\n", 0, 1, "empty value for 'uid'" },
	{ "uid not a number", "uid = 99x\ngid = 990\n", 0, 1, "'99x'" },
	{ "uid negative", "uid = -5\ngid = 990\n", 0, 1, "'-5'" },
	{ "uid with sign", "uid = +5\ngid = 990\n", 0, 1, "'+5'" },
	{ "uid zero", "uid = 0\ngid = 990\n", 0, 1, "invalid uid '0'" },
	{ "gid zero", "uid = 990\ngid = 0\n", 0, 2, "invalid gid '0'" },
	{ "uid nobody", "uid = 65534\ngid = 990\n", 0, 1, "'65534'" },
	{ "gid nogroup", "uid = 990\ngid = 65534\n", 0, 2, "'65534'" },
	{ "uid 2^31-1", "uid = 2147483647\ngid = 990\n", 0, 1,
	    "'2147483647'" },
	{ "gid 2^32", "uid = 990\ngid = 4294967296\n", 0, 2, "'4294967296'" },
	{ "uid overflow", "uid = 99999999999999999999999\ngid = 990\n", 0, 1,
	    "invalid uid" },
	{ "uid missing", "gid = 990\n", 0, 0, "required key 'uid'" },
	{ "gid missing", "uid = 990\n", 0, 0, "required key 'gid'" },
	{ "empty file", "", 0, 0, "required key 'uid'" },
	{ "relative home", IDS "home = home/x\n", 0, 3, "relative path" },
	{ "relative shell", IDS "shell = bash\n", 0, 3, "'bash'" },
	{ "relative certificate", IDS "certificate = a.cer\n", 0, 3,
	    "'a.cer'" },
	{ "relative lock_file", IDS "lock_file = run/lock\n", 0, 3,
	    "'run/lock'" },
	{ "colon in home", IDS "home = /home/a:b\n", 0, 3, "'/home/a:b'" },
	{ "colon in gecos", IDS "gecos = a:b\n", 0, 3, "invalid gecos" },
	{ "lifetime zero", IDS "lifetime = 0s\n", 0, 3, "invalid lifetime" },
	{ "lifetime bare number", IDS "lifetime = 300\n", 0, 3, "'300'" },
	{ "lifetime bad unit", IDS "lifetime = 5w\n", 0, 3, "'5w'" },
	{ "lifetime over 24h", IDS "lifetime = 25h\n", 0, 3, "longer than 24h" },
	{ "lifetime 86401s", IDS "lifetime = 86401s\n", 0, 3, "'86401s'" },
	{ "lifetime 2d", IDS "lifetime = 2d\n", 0, 3, "'2d'" },
	{ "lifetime with space", IDS "lifetime = 5 h\n", 0, 3, "'5 h'" },
	{ "max_failures bad", IDS "max_failures = ten\n", 0, 3, "'ten'" },
	{ "max_failures negative", IDS "max_failures = -1\n", 0, 3, "'-1'" },
	{ "max_failures overflow", IDS "max_failures = 4294967296\n", 0, 3,
	    "'4294967296'" },
	{ "lockout_time bad", IDS "lockout_time = 15\n", 0, 3, "'15'" },
	{ "lockout_time over 30d", IDS "lockout_time = 31d\n", 0, 3,
	    "longer than 30d" },
	{ "lockout_time overflowing", IDS
	    "lockout_time = 18446744073709551615s\n", 0, 3,
	    "'18446744073709551615s'" },
	{ "groups with root", IDS "groups = adm, root\n", 0, 3,
	    "group 'root' is not allowed" },
	{ "lockout_time zero", IDS "\nlockout_time = 0\n", 0, 4,
	    "lockout_time 0 with max_failures 10" },
	{ "lockout_time zero before max_failures",
	    IDS "lockout_time = 0s\nmax_failures = 3\n", 0, 3,
	    "max_failures 3" },
	{ "user uppercase start digit", IDS "user = 1abc\n", 0, 3,
	    "invalid user name '1abc'" },
	{ "user leading hyphen", IDS "user = -x\n", 0, 3, "'-x'" },
	{ "user with space", IDS "user = a b\n", 0, 3, "'a b'" },
	{ "user with slash", IDS "user = a/b\n", 0, 3, "'a/b'" },
	{ "user with colon", IDS "user = a:b\n", 0, 3, "'a:b'" },
	{ "user too long", IDS "user = abcdefghijabcdefghijabcdefghijabc\n",
	    0, 3, "invalid user name" },
	{ "user non-ascii", IDS "user = m\xc3\xbcller\n", 0, 3,
	    "invalid user name" },
	{ "user root", IDS "user = root\n", 0, 3, "user 'root' is not allowed" },
	{ "group root", IDS "group = root\n", 0, 3,
	    "group 'root' is not allowed" },
	{ "group bad", IDS "group = a,b\n", 0, 3, "invalid group name 'a,b'" },
	{ "groups empty item", IDS "groups = adm,,sudo\n", 0, 3,
	    "invalid group name ''" },
	{ "groups trailing comma", IDS "groups = adm,\n", 0, 3,
	    "invalid group name ''" },
	{ "groups bad name", IDS "groups = adm, we ird\n", 0, 3,
	    "'we ird'" },
	{ "key_name with blank", IDS "key_name = a b\n", 0, 3,
	    "invalid key_name" },
	{ "dos line endings", "uid = 990\r\ngid = 990\r\n", 0, 1, "dos2unix" },
	{ "dos on last line", "uid = 990\ngid = 990\r", 0, 2, "dos2unix" },
	{ "nul byte", "uid = 990\ngid = 9\0""90\n", 20, 2, "NUL byte" },
	{ "comment after value", IDS "lifetime = 5h # five\n", 0, 3,
	    "'5h # five'" },
};

static char tmpdir[] = "/tmp/edgesupport-config-test.XXXXXX";

static char *
write_file(const char *text, size_t len)
{
	static unsigned int counter;
	char *path;
	FILE *file;

	if (asprintf(&path, "%s/conf.%u", tmpdir, counter++) < 0)
		abort();

	file = fopen(path, "we");
	if (file == NULL || fwrite(text, 1, len, file) != len ||
	    fclose(file) != 0) {
		perror(path);
		abort();
	}

	return path;
}

static void
check_bad(const struct bad_case *c)
{
	size_t len = c->len ? c->len : strlen(c->text);
	char *path = write_file(c->text, len);
	struct es_config cfg;
	struct es_error err = { "" };
	char *prefix;
	int r;

	if (c->line > 0)
		r = asprintf(&prefix, "%s:%u: ", path, c->line);
	else
		r = asprintf(&prefix, "%s: ", path);
	if (r < 0)
		abort();

	r = es_config_load(path, &cfg, &err);
	CHECK(r == -EINVAL, "%s: returned %d, expected -EINVAL", c->name, r);
	CHECK(strncmp(err.msg, prefix, strlen(prefix)) == 0,
	    "%s: message '%s' does not start with '%s'", c->name, err.msg,
	    prefix);
	CHECK(strstr(err.msg, c->needle) != NULL,
	    "%s: message '%s' does not contain '%s'", c->name, err.msg,
	    c->needle);
	CHECK(cfg.user == NULL, "%s: user not cleared after the error",
	    c->name);
	CHECK(cfg.groups == NULL, "%s: groups not cleared after the error",
	    c->name);

	unlink(path);
	free(path);
	free(prefix);
}

static void
test_defaults(void)
{
	char *path = write_file("uid = 990\ngid = 991", 19);
	struct es_config cfg;
	struct es_error err = { "" };
	int r;

	r = es_config_load(path, &cfg, &err);
	CHECK(r == 0, "defaults: returned %d: %s", r, err.msg);
	if (r < 0)
		goto out;

	CHECK(cfg.uid == 990, "uid %u", (unsigned int)cfg.uid);
	CHECK(cfg.gid == 991, "gid %u", (unsigned int)cfg.gid);
	CHECK(strcmp(cfg.user, ES_DEFAULT_USER) == 0, "user %s", cfg.user);
	CHECK(strcmp(cfg.group, ES_DEFAULT_USER) == 0, "group %s", cfg.group);
	CHECK(strcmp(cfg.gecos, ES_DEFAULT_GECOS) == 0, "gecos %s",
	    cfg.gecos);
	CHECK(strcmp(cfg.home, ES_DEFAULT_HOME) == 0, "home %s", cfg.home);
	CHECK(strcmp(cfg.shell, ES_DEFAULT_SHELL) == 0, "shell %s",
	    cfg.shell);
	CHECK(strcmp(cfg.certificate, ES_DEFAULT_CERTIFICATE) == 0,
	    "certificate %s", cfg.certificate);
	CHECK(cfg.groups == NULL, "groups not NULL");
	CHECK(cfg.n_groups == 0, "n_groups %zu", cfg.n_groups);
	CHECK(cfg.lifetime == ES_DEFAULT_LIFETIME, "lifetime %llu",
	    (unsigned long long)cfg.lifetime);
	CHECK(cfg.max_failures == ES_DEFAULT_MAX_FAILURES,
	    "max_failures %u", cfg.max_failures);
	CHECK(cfg.lockout_time == ES_DEFAULT_LOCKOUT_TIME,
	    "lockout_time %llu", (unsigned long long)cfg.lockout_time);
	CHECK(strcmp(cfg.key_name, ES_DEFAULT_KEY_NAME) == 0, "key_name %s",
	    cfg.key_name);
	CHECK(strcmp(cfg.lock_file, ES_DEFAULT_LOCK_FILE) == 0,
	    "lock_file %s", cfg.lock_file);

	es_config_free(&cfg);
	CHECK(cfg.user == NULL, "free did not clear the config");
out:
	unlink(path);
	free(path);
}

static const char full_text[] =
	"# support account\n"
	"\n"
	"   # indented comment\n"
	"user = support_1\n"
	"uid=4000\n"
	"\tgid\t=\t4001\t\n"
	"group = supp.grp\n"
	"gecos = Support # Team, Room 5\n"
	"home = /var/lib/support\n"
	"shell = /usr/bin/zsh\n"
	"groups =  adm , systemd-journal,video  \n"
	"certificate = /etc/es/test.cer\n"
	"lifetime = 24h\n"
	"max_failures = 0\n"
	"lockout_time = 0\n"
	"key_name = edgesupport-test-1:otp\n"
	"lock_file = /tmp/es.lock\n";

static void
test_all_keys(void)
{
	char *path = write_file(full_text, strlen(full_text));
	struct es_config cfg;
	struct es_error err = { "" };
	int r;

	r = es_config_load(path, &cfg, &err);
	CHECK(r == 0, "all keys: returned %d: %s", r, err.msg);
	if (r < 0)
		goto out;

	CHECK(strcmp(cfg.user, "support_1") == 0, "user %s", cfg.user);
	CHECK(cfg.uid == 4000, "uid %u", (unsigned int)cfg.uid);
	CHECK(cfg.gid == 4001, "gid %u", (unsigned int)cfg.gid);
	CHECK(strcmp(cfg.group, "supp.grp") == 0, "group %s", cfg.group);
	CHECK(strcmp(cfg.gecos, "Support # Team, Room 5") == 0, "gecos %s",
	    cfg.gecos);
	CHECK(strcmp(cfg.home, "/var/lib/support") == 0, "home %s",
	    cfg.home);
	CHECK(strcmp(cfg.shell, "/usr/bin/zsh") == 0, "shell %s", cfg.shell);
	CHECK(cfg.n_groups == 3, "n_groups %zu", cfg.n_groups);
	if (cfg.n_groups == 3) {
		CHECK(strcmp(cfg.groups[0], "adm") == 0, "groups[0] '%s'",
		    cfg.groups[0]);
		CHECK(strcmp(cfg.groups[1], "systemd-journal") == 0,
		    "groups[1] '%s'", cfg.groups[1]);
		CHECK(strcmp(cfg.groups[2], "video") == 0, "groups[2] '%s'",
		    cfg.groups[2]);
		CHECK(cfg.groups[3] == NULL, "groups not NULL-terminated");
	}
	CHECK(strcmp(cfg.certificate, "/etc/es/test.cer") == 0,
	    "certificate %s", cfg.certificate);
	CHECK(cfg.lifetime == 86400, "lifetime %llu",
	    (unsigned long long)cfg.lifetime);
	CHECK(cfg.max_failures == 0, "max_failures %u", cfg.max_failures);
	CHECK(cfg.lockout_time == 0, "lockout_time %llu",
	    (unsigned long long)cfg.lockout_time);
	CHECK(strcmp(cfg.key_name, "edgesupport-test-1:otp") == 0,
	    "key_name %s", cfg.key_name);
	CHECK(strcmp(cfg.lock_file, "/tmp/es.lock") == 0, "lock_file %s",
	    cfg.lock_file);

	es_config_free(&cfg);
out:
	unlink(path);
	free(path);
}

struct good_case {
	const char *name;
	const char *text;
};

static const struct good_case good_cases[] = {
	{ "empty gecos", IDS "gecos =\n" },
	{ "empty groups", IDS "groups =\n" },
	{ "max uid", "uid = 2147483646\ngid = 1\n" },
	{ "lifetime 1s", IDS "lifetime = 1s\n" },
	{ "lifetime 1d", IDS "lifetime = 1d\n" },
	{ "lifetime 1440m", IDS "lifetime = 1440m\n" },
	{ "lockout_time 1d", IDS "lockout_time = 1d\n" },
	{ "line of max length", NULL },
	{ "comment with equals", IDS "# uid = 0\n" },
	{ "blank lines with spaces", IDS "  \n\t\n" },
};

static void
check_good(const struct good_case *c)
{
	char *text = NULL;
	char *path;
	struct es_config cfg;
	struct es_error err = { "" };
	int r;

	if (c->text == NULL) {
		/* "gecos = " plus padding makes exactly ES_CONFIG_MAX_LINE. */
		text = malloc(ES_CONFIG_MAX_LINE + sizeof(IDS) + 1);
		if (text == NULL)
			abort();
		strcpy(text, IDS "gecos = ");
		memset(text + strlen(text), 'x', ES_CONFIG_MAX_LINE - 8);
		text[strlen(IDS) + ES_CONFIG_MAX_LINE] = '\n';
		text[strlen(IDS) + ES_CONFIG_MAX_LINE + 1] = '\0';
	}

	path = write_file(text ? text : c->text, strlen(text ? text :
	    c->text));
	r = es_config_load(path, &cfg, &err);
	CHECK(r == 0, "%s: returned %d: %s", c->name, r, err.msg);
	if (r == 0)
		es_config_free(&cfg);

	unlink(path);
	free(path);
	free(text);
}

static void
test_long_line(void)
{
	size_t len = strlen(IDS) + 8 + ES_CONFIG_MAX_LINE - 7 + 1;
	char *text = malloc(len + 1);
	char *path;
	char *prefix;
	struct es_config cfg;
	struct es_error err = { "" };
	int r;

	if (text == NULL)
		abort();
	strcpy(text, IDS "gecos = ");
	memset(text + strlen(text), 'x', ES_CONFIG_MAX_LINE - 7);
	text[len - 1] = '\n';
	text[len] = '\0';

	path = write_file(text, len);
	if (asprintf(&prefix, "%s:3: line longer than", path) < 0)
		abort();

	r = es_config_load(path, &cfg, &err);
	CHECK(r == -EINVAL, "long line: returned %d", r);
	CHECK(strncmp(err.msg, prefix, strlen(prefix)) == 0,
	    "long line: message '%s'", err.msg);

	unlink(path);
	free(path);
	free(prefix);
	free(text);
}

static void
test_missing_file(void)
{
	struct es_config cfg;
	struct es_error err = { "" };
	char *path;
	int r;

	if (asprintf(&path, "%s/does-not-exist.conf", tmpdir) < 0)
		abort();

	r = es_config_load(path, &cfg, &err);
	CHECK(r == -ENOENT, "missing file: returned %d", r);
	CHECK(strncmp(err.msg, path, strlen(path)) == 0,
	    "missing file: message '%s' does not name the path", err.msg);
	CHECK(strstr(err.msg, "not found") != NULL,
	    "missing file: message '%s'", err.msg);

	r = es_config_load(tmpdir, &cfg, &err);
	CHECK(r == -EINVAL, "directory: returned %d", r);
	CHECK(strstr(err.msg, "not a regular file") != NULL,
	    "directory: message '%s'", err.msg);

	free(path);
}

static void
test_world_writable(void)
{
	char *path = write_file(IDS, strlen(IDS));
	struct es_config cfg;
	struct es_error err = { "" };
	int r;

	if (chmod(path, 0666) < 0)
		abort();

	r = es_config_load(path, &cfg, &err);
	CHECK(r == -EPERM, "world-writable: returned %d", r);
	CHECK(strstr(err.msg, "chmod o-w") != NULL,
	    "world-writable: message '%s'", err.msg);

	unlink(path);
	free(path);
}

static void
test_group_writable(void)
{
	char *path = write_file(IDS, strlen(IDS));
	struct es_config cfg;
	struct es_error err = { "" };
	int r;

	/* Group write is fine for root's group and wrong for any other. */
	if (chown(path, 0, 0) < 0 || chmod(path, 0664) < 0)
		abort();
	r = es_config_load(path, &cfg, &err);
	CHECK(r == 0, "group-writable by gid 0: returned %d (%s)", r,
	    err.msg);
	if (r == 0)
		es_config_free(&cfg);

	if (chown(path, 0, 4) < 0)
		abort();
	r = es_config_load(path, &cfg, &err);
	CHECK(r == -EPERM, "group-writable by gid 4: returned %d", r);
	CHECK(strstr(err.msg, "chmod g-w") != NULL,
	    "group-writable: message '%s'", err.msg);

	unlink(path);
	free(path);
}

/* A FIFO in place of the config must fail at once, not block the open. */
static void
test_fifo(void)
{
	struct es_config cfg;
	struct es_error err = { "" };
	char *path;
	int r;

	if (asprintf(&path, "%s/fifo.conf", tmpdir) < 0 ||
	    mkfifo(path, 0644) < 0)
		abort();

	r = es_config_load(path, &cfg, &err);
	CHECK(r == -EINVAL, "fifo: returned %d", r);
	CHECK(strstr(err.msg, "not a regular file") != NULL,
	    "fifo: message '%s'", err.msg);

	unlink(path);
	free(path);
}

static void
test_foreign_owner(void)
{
	char *path = write_file(IDS, strlen(IDS));
	struct es_config cfg;
	struct es_error err = { "" };
	int r;

	if (chown(path, 65534, 0) < 0 || chmod(path, 0644) < 0)
		abort();
	r = es_config_load(path, &cfg, &err);
	CHECK(r == -EPERM, "owned by 65534: returned %d", r);
	CHECK(strstr(err.msg, "chown root:") != NULL,
	    "foreign owner: message '%s'", err.msg);

	unlink(path);
	free(path);
}

struct duration_case {
	const char *text;
	int r;
	uint64_t seconds;
};

static const struct duration_case duration_cases[] = {
	{ "90s", 0, 90 },
	{ "30m", 0, 1800 },
	{ "5h", 0, 18000 },
	{ "1d", 0, 86400 },
	{ "007s", 0, 7 },
	{ "0s", -EINVAL, 0 },
	{ "0d", -EINVAL, 0 },
	{ "90", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
	{ "s", -EINVAL, 0 },
	{ "5x", -EINVAL, 0 },
	{ "5hh", -EINVAL, 0 },
	{ "5 h", -EINVAL, 0 },
	{ " 5h", -EINVAL, 0 },
	{ "-5h", -EINVAL, 0 },
	{ "+5h", -EINVAL, 0 },
	{ "5H", -EINVAL, 0 },
	{ "18446744073709551615s", 0, UINT64_MAX },
	{ "18446744073709551616s", -EINVAL, 0 },
	{ "213503982334601d", 0, 213503982334601ULL * 86400 },
	{ "213503982334602d", -EINVAL, 0 },
};

static void
test_durations(void)
{
	size_t i;

	for (i = 0; i < sizeof(duration_cases) / sizeof(duration_cases[0]);
	    i++) {
		const struct duration_case *c = &duration_cases[i];
		uint64_t seconds = 12345;
		int r = es_parse_duration(c->text, &seconds);

		CHECK(r == c->r, "duration '%s': returned %d", c->text, r);
		if (c->r == 0)
			CHECK(seconds == c->seconds, "duration '%s': %llu",
			    c->text, (unsigned long long)seconds);
		else
			CHECK(seconds == 12345, "duration '%s' changed the "
			    "output on error", c->text);
	}
}

int
main(void)
{
	size_t i;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 99;
	}

	test_durations();
	test_defaults();
	test_all_keys();
	test_missing_file();
	test_world_writable();
	test_fifo();
	if (geteuid() == 0) {
		test_group_writable();
		test_foreign_owner();
	}
	test_long_line();

	for (i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++)
		check_good(&good_cases[i]);

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		check_bad(&bad_cases[i]);

	rmdir(tmpdir);

	if (failures > 0) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}

	printf("all config parser checks passed\n");
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Calls the entry points of the built NSS module directly (dlopen) with a
 * test config named by EDGESUPPORT_NSS_CONFIG. It checks every field and
 * ERANGE at every buffer size below the needed one. It also checks names
 * and ids that must not match, missing and invalid configs, and a config
 * replaced while loaded.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "module.h"

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

#define TEST_UID	4711
#define TEST_GID	4720
#define OTHER_UID	4800

static const char config_text[] =
	"# test config\n"
	"user = edgesupport\n"
	"uid = 4711\n"
	"gid = 4720\n"
	"group = esgroup\n"
	"gecos = Edge Support,Room 1\n"
	"home = /var/lib/edgesupport\n"
	"shell = /bin/sh\n"
	"groups = daemon, no-such-group-xyz, adm, esgroup, daemon\n";

static const char other_config_text[] =
	"user = fieldeng\n"
	"uid = 4800\n"
	"gid = 4801\n"
	"home = /home/fieldeng\n";

static struct nss_module nss;
static char tmpdir[] = "/tmp/edgesupport-nss-test.XXXXXX";
static char *config_path;

static void
use_config(const char *path)
{
	if (setenv("EDGESUPPORT_NSS_CONFIG", path, 1) < 0)
		abort();
}

static void
check_passwd(const struct passwd *pwd, const char *what)
{
	CHECK(strcmp(pwd->pw_name, "edgesupport") == 0, "%s: pw_name '%s'",
	    what, pwd->pw_name);
	CHECK(strcmp(pwd->pw_passwd, "x") == 0, "%s: pw_passwd '%s'", what,
	    pwd->pw_passwd);
	CHECK(pwd->pw_uid == TEST_UID, "%s: pw_uid %u", what,
	    (unsigned int)pwd->pw_uid);
	CHECK(pwd->pw_gid == TEST_GID, "%s: pw_gid %u", what,
	    (unsigned int)pwd->pw_gid);
	CHECK(strcmp(pwd->pw_gecos, "Edge Support,Room 1") == 0,
	    "%s: pw_gecos '%s'", what, pwd->pw_gecos);
	CHECK(strcmp(pwd->pw_dir, "/var/lib/edgesupport") == 0,
	    "%s: pw_dir '%s'", what, pwd->pw_dir);
	CHECK(strcmp(pwd->pw_shell, "/bin/sh") == 0, "%s: pw_shell '%s'",
	    what, pwd->pw_shell);
}

static void
check_group(const struct group *grp, const char *what)
{
	CHECK(strcmp(grp->gr_name, "esgroup") == 0, "%s: gr_name '%s'", what,
	    grp->gr_name);
	CHECK(strcmp(grp->gr_passwd, "x") == 0, "%s: gr_passwd '%s'", what,
	    grp->gr_passwd);
	CHECK(grp->gr_gid == TEST_GID, "%s: gr_gid %u", what,
	    (unsigned int)grp->gr_gid);
	CHECK(grp->gr_mem != NULL, "%s: gr_mem is NULL", what);
	if (grp->gr_mem != NULL)
		CHECK(grp->gr_mem[0] == NULL, "%s: gr_mem not empty", what);
	CHECK((uintptr_t)grp->gr_mem % _Alignof(char *) == 0,
	    "%s: gr_mem misaligned", what);
}

static void
check_shadow(const struct spwd *spwd, const char *what)
{
	CHECK(strcmp(spwd->sp_namp, "edgesupport") == 0, "%s: sp_namp '%s'",
	    what, spwd->sp_namp);
	CHECK(strcmp(spwd->sp_pwdp, "!*") == 0, "%s: sp_pwdp '%s'", what,
	    spwd->sp_pwdp);
	CHECK(spwd->sp_lstchg == -1, "%s: sp_lstchg %ld", what,
	    spwd->sp_lstchg);
	CHECK(spwd->sp_min == -1, "%s: sp_min %ld", what, spwd->sp_min);
	CHECK(spwd->sp_max == -1, "%s: sp_max %ld", what, spwd->sp_max);
	CHECK(spwd->sp_warn == -1, "%s: sp_warn %ld", what, spwd->sp_warn);
	CHECK(spwd->sp_inact == -1, "%s: sp_inact %ld", what,
	    spwd->sp_inact);
	CHECK(spwd->sp_expire == -1, "%s: sp_expire %ld", what,
	    spwd->sp_expire);
	CHECK(spwd->sp_flag == ~0UL, "%s: sp_flag %lu", what, spwd->sp_flag);
}

/* Checks that the string s lies inside the caller's buffer. */
static void
check_in_buffer(const char *what, const char *field, const char *s,
    const char *buffer, size_t len)
{
	CHECK(s >= buffer && s + strlen(s) < buffer + len,
	    "%s: %s lies outside the caller's buffer", what, field);
}

enum lookup {
	PW_NAM, PW_UID, PW_ENT, GR_NAM, GR_GID, GR_ENT, SP_NAM, SP_ENT,
};

static const char *const lookup_names[] = {
	"getpwnam_r", "getpwuid_r", "getpwent_r", "getgrnam_r", "getgrgid_r",
	"getgrent_r", "getspnam_r", "getspent_r",
};

union entry {
	struct passwd pwd;
	struct group grp;
	struct spwd spwd;
};

static enum nss_status
call(enum lookup lookup, union entry *entry, char *buffer, size_t len,
    int *err)
{
	switch (lookup) {
	case PW_NAM:
		return nss.getpwnam_r("edgesupport", &entry->pwd, buffer, len,
		    err);
	case PW_UID:
		return nss.getpwuid_r(TEST_UID, &entry->pwd, buffer, len, err);
	case PW_ENT:
		return nss.getpwent_r(&entry->pwd, buffer, len, err);
	case GR_NAM:
		return nss.getgrnam_r("esgroup", &entry->grp, buffer, len, err);
	case GR_GID:
		return nss.getgrgid_r(TEST_GID, &entry->grp, buffer, len, err);
	case GR_ENT:
		return nss.getgrent_r(&entry->grp, buffer, len, err);
	case SP_NAM:
		return nss.getspnam_r("edgesupport", &entry->spwd, buffer, len,
		    err);
	case SP_ENT:
		return nss.getspent_r(&entry->spwd, buffer, len, err);
	}

	abort();
}

static void
check_entry(enum lookup lookup, const union entry *entry, const char *buffer,
    size_t len)
{
	const char *what = lookup_names[lookup];

	switch (lookup) {
	case PW_NAM:
	case PW_UID:
	case PW_ENT:
		check_passwd(&entry->pwd, what);
		check_in_buffer(what, "pw_name", entry->pwd.pw_name, buffer,
		    len);
		check_in_buffer(what, "pw_passwd", entry->pwd.pw_passwd,
		    buffer, len);
		check_in_buffer(what, "pw_gecos", entry->pwd.pw_gecos, buffer,
		    len);
		check_in_buffer(what, "pw_dir", entry->pwd.pw_dir, buffer, len);
		check_in_buffer(what, "pw_shell", entry->pwd.pw_shell, buffer,
		    len);
		break;
	case GR_NAM:
	case GR_GID:
	case GR_ENT:
		check_group(&entry->grp, what);
		check_in_buffer(what, "gr_name", entry->grp.gr_name, buffer,
		    len);
		check_in_buffer(what, "gr_passwd", entry->grp.gr_passwd,
		    buffer, len);
		CHECK((const char *)entry->grp.gr_mem >= buffer &&
		    (const char *)(entry->grp.gr_mem + 1) <= buffer + len,
		    "%s: gr_mem lies outside the caller's buffer", what);
		break;
	case SP_NAM:
	case SP_ENT:
		check_shadow(&entry->spwd, what);
		check_in_buffer(what, "sp_namp", entry->spwd.sp_namp, buffer,
		    len);
		check_in_buffer(what, "sp_pwdp", entry->spwd.sp_pwdp, buffer,
		    len);
		break;
	}
}

static void
rewind_cursor(enum lookup lookup)
{
	if (lookup == PW_ENT)
		nss.setpwent(0);
	else if (lookup == GR_ENT)
		nss.setgrent(0);
	else if (lookup == SP_ENT)
		nss.setspent(0);
}

/*
 * Calls the lookup with every buffer size from 0 up, each a fresh heap
 * block of exactly that size (so valgrind sees any overrun), at offset
 * "misalign" into it. Every size below the needed one must give TRYAGAIN
 * with ERANGE, and the first size that works must fill the whole entry.
 */
static void
check_sizes(enum lookup lookup, size_t misalign)
{
	const char *what = lookup_names[lookup];
	enum nss_status status = NSS_STATUS_TRYAGAIN;
	union entry entry;
	size_t len;

	rewind_cursor(lookup);
	for (len = 0; len < 4096; len++) {
		char *block = malloc(len + misalign);
		char *buffer = block + misalign;
		int err = 0;

		if (block == NULL && len + misalign > 0)
			abort();

		errno = 777;
		status = call(lookup, &entry, buffer, len, &err);
		CHECK(errno == 777, "%s: errno changed to %d", what, errno);
		if (status == NSS_STATUS_SUCCESS) {
			check_entry(lookup, &entry, buffer, len);
			free(block);
			break;
		}

		CHECK(status == NSS_STATUS_TRYAGAIN,
		    "%s: size %zu gave status %d", what, len, status);
		CHECK(err == ERANGE, "%s: size %zu gave errno %d", what, len,
		    err);
		free(block);
	}

	CHECK(status == NSS_STATUS_SUCCESS, "%s: no size up to %zu worked",
	    what, len);
}

static void
test_sizes(void)
{
	size_t misalign;
	int lookup;

	for (lookup = PW_NAM; lookup <= SP_ENT; lookup++)
		for (misalign = 0; misalign < 3; misalign++)
			check_sizes((enum lookup)lookup, misalign);
}

static void
test_enumeration(void)
{
	char buffer[1024];
	struct passwd pwd;
	struct group grp;
	struct spwd spwd;
	int err = 0;

	CHECK(nss.setpwent(1) == NSS_STATUS_SUCCESS, "setpwent");
	CHECK(nss.getpwent_r(&pwd, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_SUCCESS, "getpwent_r first entry");
	CHECK(nss.getpwent_r(&pwd, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_NOTFOUND, "getpwent_r second entry");
	CHECK(nss.getpwent_r(&pwd, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_NOTFOUND, "getpwent_r after the end");
	CHECK(nss.endpwent() == NSS_STATUS_SUCCESS, "endpwent");
	CHECK(nss.getpwent_r(&pwd, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_SUCCESS, "getpwent_r after endpwent");
	nss.endpwent();

	CHECK(nss.setgrent(0) == NSS_STATUS_SUCCESS, "setgrent");
	CHECK(nss.getgrent_r(&grp, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_SUCCESS, "getgrent_r first entry");
	CHECK(nss.getgrent_r(&grp, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_NOTFOUND, "getgrent_r second entry");
	CHECK(nss.endgrent() == NSS_STATUS_SUCCESS, "endgrent");

	CHECK(nss.setspent(0) == NSS_STATUS_SUCCESS, "setspent");
	CHECK(nss.getspent_r(&spwd, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_SUCCESS, "getspent_r first entry");
	CHECK(nss.getspent_r(&spwd, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_NOTFOUND, "getspent_r second entry");
	CHECK(nss.endspent() == NSS_STATUS_SUCCESS, "endspent");
}

static const char *const other_names[] = {
	"root", "EdgeSupport", "EDGESUPPORT", "edgesupport ", " edgesupport",
	"", "edgesuppor", "edgesupportx", "edgesupport\n", "esgroup2",
	"nobody",
};

static void
check_name_not_found(const char *name)
{
	char buffer[1024];
	struct passwd pwd;
	struct spwd spwd;
	int err = 4242;

	errno = 555;
	CHECK(nss.getpwnam_r(name, &pwd, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_NOTFOUND, "getpwnam_r('%s')", name);
	CHECK(errno == 555, "getpwnam_r('%s') changed errno to %d", name,
	    errno);
	CHECK(nss.getspnam_r(name, &spwd, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_NOTFOUND, "getspnam_r('%s')", name);
	CHECK(err == 4242, "lookups of '%s' changed *errnop to %d", name,
	    err);
}

static void
check_group_not_found(const char *name)
{
	char buffer[1024];
	struct group grp;
	int err = 0;

	CHECK(nss.getgrnam_r(name, &grp, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_NOTFOUND, "getgrnam_r('%s')", name);
}

static void
test_not_found(void)
{
	static const uid_t other_ids[] = {
		0, 1, TEST_UID - 1, TEST_UID + 1, 65534, (uid_t)-1,
	};
	char buffer[1024];
	struct passwd pwd;
	struct group grp;
	int err = 0;
	size_t i;

	for (i = 0; i < sizeof(other_names) / sizeof(other_names[0]); i++) {
		check_name_not_found(other_names[i]);
		check_group_not_found(other_names[i]);
	}

	/* The group name is "esgroup", so the user name is no group. */
	check_group_not_found("edgesupport");
	check_group_not_found("ESGROUP");
	check_name_not_found("esgroup");

	for (i = 0; i < sizeof(other_ids) / sizeof(other_ids[0]); i++) {
		CHECK(nss.getpwuid_r(other_ids[i], &pwd, buffer,
		    sizeof(buffer), &err) == NSS_STATUS_NOTFOUND,
		    "getpwuid_r(%u)", (unsigned int)other_ids[i]);
		CHECK(nss.getgrgid_r((gid_t)other_ids[i], &grp, buffer,
		    sizeof(buffer), &err) == NSS_STATUS_NOTFOUND,
		    "getgrgid_r(%u)", (unsigned int)other_ids[i]);
	}

	/* The uid is no gid and the gid is no uid. */
	CHECK(nss.getgrgid_r(TEST_UID, &grp, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_NOTFOUND, "getgrgid_r(uid)");
	CHECK(nss.getpwuid_r(TEST_GID, &pwd, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_NOTFOUND, "getpwuid_r(gid)");

	CHECK(nss.getpwnam_r(NULL, &pwd, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_NOTFOUND, "getpwnam_r(NULL)");
}

static int
has_gid(const gid_t *groups, long int count, gid_t gid)
{
	long int i;
	int n = 0;

	for (i = 0; i < count; i++)
		if (groups[i] == gid)
			n++;

	return n;
}

static void
test_initgroups(void)
{
	struct group *daemon_group = getgrnam("daemon");
	gid_t daemon_gid = daemon_group != NULL ? daemon_group->gr_gid : 1;
	struct group *adm = getgrnam("adm");
	gid_t adm_gid = adm != NULL ? adm->gr_gid : 0;
	long int start = 1;
	long int size = 1;
	gid_t *groups = malloc(sizeof(*groups));
	int err = 0;
	enum nss_status status;

	if (groups == NULL)
		abort();
	groups[0] = TEST_GID;

	errno = 999;
	status = nss.initgroups_dyn("edgesupport", TEST_GID, &start, &size,
	    &groups, -1, &err);
	CHECK(status == NSS_STATUS_SUCCESS, "initgroups status %d", status);
	CHECK(errno == 999, "initgroups changed errno to %d", errno);
	CHECK(has_gid(groups, start, daemon_gid) == 1,
	    "daemon group added once");
	CHECK(has_gid(groups, start, TEST_GID) == 1,
	    "primary group listed once");
	if (adm != NULL)
		CHECK(has_gid(groups, start, adm_gid) == 1, "adm group added");
	CHECK(start == (adm != NULL ? 3 : 2), "initgroups count %ld", start);
	CHECK(size >= start, "size %ld below count %ld", size, start);

	/* A second call adds nothing that is already listed. */
	status = nss.initgroups_dyn("edgesupport", TEST_GID, &start, &size,
	    &groups, -1, &err);
	CHECK(status == NSS_STATUS_SUCCESS, "second initgroups %d", status);
	CHECK(start == (adm != NULL ? 3 : 2), "second count %ld", start);

	/* The limit caps both the count and the array. */
	start = 1;
	size = 1;
	status = nss.initgroups_dyn("edgesupport", TEST_GID, &start, &size,
	    &groups, 2, &err);
	CHECK(status == NSS_STATUS_SUCCESS, "limited initgroups %d", status);
	CHECK(start == 2, "limited count %ld", start);
	CHECK(size == 2, "limited size %ld", size);

	start = 1;
	status = nss.initgroups_dyn("root", 0, &start, &size, &groups, -1,
	    &err);
	CHECK(status == NSS_STATUS_NOTFOUND, "initgroups root %d", status);
	CHECK(start == 1, "initgroups root added %ld", start - 1);

	status = nss.initgroups_dyn("EdgeSupport", TEST_GID, &start, &size,
	    &groups, -1, &err);
	CHECK(status == NSS_STATUS_NOTFOUND, "initgroups EdgeSupport %d",
	    status);

	free(groups);
}

static void
expect_all_not_found(const char *what)
{
	char buffer[1024];
	struct passwd pwd;
	struct group grp;
	struct spwd spwd;
	long int start = 0;
	long int size = 1;
	gid_t *groups = malloc(sizeof(*groups));
	int err = 0;

	if (groups == NULL)
		abort();

	CHECK(nss.getpwnam_r("edgesupport", &pwd, buffer, sizeof(buffer),
	    &err) == NSS_STATUS_NOTFOUND, "%s: getpwnam_r", what);
	CHECK(nss.getpwuid_r(TEST_UID, &pwd, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_NOTFOUND, "%s: getpwuid_r", what);
	CHECK(nss.getgrnam_r("esgroup", &grp, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_NOTFOUND, "%s: getgrnam_r", what);
	CHECK(nss.getgrgid_r(TEST_GID, &grp, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_NOTFOUND, "%s: getgrgid_r", what);
	CHECK(nss.getspnam_r("edgesupport", &spwd, buffer, sizeof(buffer),
	    &err) == NSS_STATUS_NOTFOUND, "%s: getspnam_r", what);
	nss.setpwent(0);
	CHECK(nss.getpwent_r(&pwd, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_NOTFOUND, "%s: getpwent_r", what);
	CHECK(nss.initgroups_dyn("edgesupport", TEST_GID, &start, &size,
	    &groups, -1, &err) == NSS_STATUS_NOTFOUND, "%s: initgroups", what);

	free(groups);
}

static void
test_bad_configs(void)
{
	char *path;

	if (asprintf(&path, "%s/missing.conf", tmpdir) < 0)
		abort();
	use_config(path);
	expect_all_not_found("missing config");
	free(path);

	use_config(tmpdir);
	expect_all_not_found("config is a directory");

	if (asprintf(&path, "%s/bad.conf", tmpdir) < 0)
		abort();
	if (write_file_atomic(path, "user = edgesupport\nuid = 4711\n"
	    "gid = 4720\nfavourite = blue\n") < 0)
		abort();
	use_config(path);
	expect_all_not_found("config with unknown key");
	free(path);

	if (asprintf(&path, "%s/crlf.conf", tmpdir) < 0)
		abort();
	if (write_file_atomic(path, "uid = 4711\r\ngid = 4720\r\n") < 0)
		abort();
	use_config(path);
	expect_all_not_found("config with DOS line endings");
	free(path);

	use_config(config_path);
}

static void
wait_past_freshness_interval(void)
{
	struct timespec pause = { 1, 200 * 1000 * 1000 };

	nanosleep(&pause, NULL);
}

static void
test_replace(void)
{
	char buffer[1024];
	struct passwd pwd;
	int err = 0;

	use_config(config_path);
	CHECK(nss.getpwnam_r("edgesupport", &pwd, buffer, sizeof(buffer),
	    &err) == NSS_STATUS_SUCCESS, "before replace");

	if (write_file_atomic(config_path, other_config_text) < 0)
		abort();
	wait_past_freshness_interval();

	CHECK(nss.getpwnam_r("edgesupport", &pwd, buffer, sizeof(buffer),
	    &err) == NSS_STATUS_NOTFOUND, "old name after replace");
	CHECK(nss.getpwnam_r("fieldeng", &pwd, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_SUCCESS, "new name after replace");
	CHECK(pwd.pw_uid == OTHER_UID, "new uid %u", (unsigned int)pwd.pw_uid);
	CHECK(strcmp(pwd.pw_dir, "/home/fieldeng") == 0, "new home '%s'",
	    pwd.pw_dir);
	CHECK(strcmp(pwd.pw_gecos, "edgesupport support access") == 0,
	    "default gecos '%s'", pwd.pw_gecos);

	/* An invalid replacement hides the account, a valid one brings it
	 * back. */
	if (write_file_atomic(config_path, "uid = 0\ngid = 4720\n") < 0)
		abort();
	wait_past_freshness_interval();
	expect_all_not_found("invalid replacement");
	CHECK(nss.getpwnam_r("fieldeng", &pwd, buffer, sizeof(buffer), &err) ==
	    NSS_STATUS_NOTFOUND, "invalid replacement: fieldeng");

	if (unlink(config_path) < 0)
		abort();
	wait_past_freshness_interval();
	expect_all_not_found("deleted config");

	/* A world-writable config is rejected; chmod alone (a new st_ctim,
	 * same st_mtim) makes the module read it again. */
	if (write_file_atomic(config_path, config_text) < 0 ||
	    chmod(config_path, 0666) < 0)
		abort();
	wait_past_freshness_interval();
	expect_all_not_found("world-writable config");

	if (chmod(config_path, 0644) < 0)
		abort();
	wait_past_freshness_interval();
	CHECK(nss.getpwnam_r("edgesupport", &pwd, buffer, sizeof(buffer),
	    &err) == NSS_STATUS_SUCCESS, "config restored by chmod");
	check_passwd(&pwd, "config restored by chmod");
}

int
main(void)
{
	char *path;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 99;
	}

	if (asprintf(&config_path, "%s/edgesupport.conf", tmpdir) < 0 ||
	    write_file_atomic(config_path, config_text) < 0)
		return 99;
	use_config(config_path);

	if (nss_module_open(&nss) < 0)
		return 99;

	test_sizes();
	test_enumeration();
	test_not_found();
	test_initgroups();
	test_bad_configs();
	test_replace();

	nss_module_close(&nss);

	unlink(config_path);
	if (asprintf(&path, "%s/bad.conf", tmpdir) >= 0) {
		unlink(path);
		free(path);
	}
	if (asprintf(&path, "%s/crlf.conf", tmpdir) >= 0) {
		unlink(path);
		free(path);
	}
	rmdir(tmpdir);
	free(config_path);

	if (failures > 0) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}

	printf("all NSS module checks passed\n");
	return 0;
}

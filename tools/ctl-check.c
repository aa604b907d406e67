/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * edgesupport-ctl check: verifies that the pieces of an installation fit
 * together on this system. Each finding is one static function that writes
 * one line and returns 0 (ok or skipped) or 1 (failed).
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <link.h>
#include <limits.h>
#include <pwd.h>
#include <shadow.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "cert.h"
#include "ctl-check.h"
#include "error.h"
#include "esconfig.h"

#define NSSWITCH_PATH	"/etc/nsswitch.conf"
#define NSS_SERVICE	"edgesupport"
#define NSS_MODULE	"libnss_edgesupport.so.2"
#define PASSWD_PATH	"/etc/passwd"
#define GROUP_PATH	"/etc/group"
#define SHADOW_PATH	"/etc/shadow"

#define PAM_DIR		"/etc/pam.d"
#define PAM_MODULE	"pam_edgesupport.so"
/* Include depth beyond which a PAM stack counts as an include loop. */
#define PAM_MAX_DEPTH	16

#define SSHD_PATH	"/usr/sbin/sshd"
#define SSHD_CONFIG_DIR	"/etc/ssh"
#define SSHD_CONFIG	SSHD_CONFIG_DIR "/sshd_config"
#define SSHD_DROP_IN	SSHD_CONFIG_DIR "/sshd_config.d/edgesupport.conf"
#define SSHD_MAX_OUTPUT	(256 * 1024)

#define SYSTEMD_RUNNING	"/run/systemd/system"
#define TIMER_UNIT	"edgesupport-expire.timer"
#define TIMER_WANTS	"/etc/systemd/system/timers.target.wants/" TIMER_UNIT
#define CRON_FILE	"/etc/cron.d/edgesupport"
#define CRON_COMMAND	"edgesupport-ctl expire"

#define FIX_CERT	"install the support certificate with " \
			"'edgesupport-ctl cert install FILE'"
#define FIX_PAM		"run 'pam-auth-update --enable edgesupport'"

struct check {
	const char *config_path;
	struct es_config cfg;
	FILE *out;
};

static void __attribute__((format(printf, 3, 0)))
report(FILE *out, const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, out);
	vfprintf(out, fmt, ap);
	fputc('\n', out);
}

/* The report_* functions return the finding's result: 0 passed, 1 failed. */
__attribute__((format(printf, 2, 3)))
static int
report_ok(FILE *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(out, "ok: ", fmt, ap);
	va_end(ap);
	return 0;
}

__attribute__((format(printf, 2, 3)))
static int
report_skip(FILE *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(out, "skipped: ", fmt, ap);
	va_end(ap);
	return 0;
}

/* The caller ends fmt with " (fix: ...)". */
__attribute__((format(printf, 2, 3)))
static int
report_fail(FILE *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(out, "FAIL: ", fmt, ap);
	va_end(ap);
	return 1;
}

/* Writes the directory part of path ("/" for "/x", "." for "x"). */
static void
parent_dir(const char *path, char *buf, size_t size)
{
	char *slash;

	snprintf(buf, size, "%s", path);
	slash = strrchr(buf, '/');
	if (slash == NULL)
		snprintf(buf, size, ".");
	else if (slash == buf)
		buf[1] = '\0';
	else
		*slash = '\0';
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Cuts the next field off *cursor and returns it, or NULL at the end. A
 * field starting with '[' runs to the next ']' and may contain blanks, as
 * in PAM's "[success=1 default=ignore]" and nsswitch's "[NOTFOUND=return]".
 */
static char *
next_field(char **cursor)
{
	char *start = *cursor;
	char *end;

	while (is_blank(*start))
		start++;
	if (*start == '\0')
		return NULL;

	end = start;
	if (*start == '[') {
		end = strchr(start, ']');
		end = end != NULL ? end + 1 : start + strlen(start);
	}
	while (*end != '\0' && !is_blank(*end))
		end++;

	if (*end != '\0')
		*end++ = '\0';
	*cursor = end;
	return start;
}

/* Cuts a '#' comment off line. */
static void
strip_comment(char *line)
{
	char *hash = strchr(line, '#');

	if (hash != NULL)
		*hash = '\0';
}

static int
check_config(struct check *c)
{
	struct es_error err = { "" };

	if (es_config_load(c->config_path, &c->cfg, &err) != 0)
		return report_fail(c->out, "config: %s (fix: correct %s; "
		    "no other check runs until it loads)", err.msg,
		    c->config_path);

	return report_ok(c->out, "config %s loads: user %s, uid %u, gid %u",
	    c->config_path, c->cfg.user, (unsigned int)c->cfg.uid,
	    (unsigned int)c->cfg.gid);
}

/* Returns whether the sources after "database:" name service. */
static bool
nss_sources_name(char *sources, const char *service)
{
	char *field;

	while ((field = next_field(&sources)) != NULL)
		if (strcmp(field, service) == 0)
			return true;
	return false;
}

static const char *const nss_databases[] = { "passwd", "group", "shadow" };
#define N_NSS_DATABASES	(sizeof(nss_databases) / sizeof(nss_databases[0]))

/*
 * Sets missing[i] for each database that lacks NSS_SERVICE. A database
 * without a line counts as missing (glibc then uses "files" alone), and so
 * does one with any line that lacks it, so duplicate lines cannot hide it.
 */
static int
scan_nsswitch(FILE *f, bool missing[N_NSS_DATABASES])
{
	bool seen[N_NSS_DATABASES] = { false };
	char *line = NULL;
	size_t cap = 0;
	char *sources;
	size_t i;

	while (getline(&line, &cap, f) >= 0) {
		strip_comment(line);
		sources = strchr(line, ':');
		if (sources == NULL)
			continue;

		*sources++ = '\0';
		for (i = 0; i < N_NSS_DATABASES; i++) {
			if (strcmp(line + strspn(line, " \t"),
			    nss_databases[i]) != 0)
				continue;
			seen[i] = true;
			if (!nss_sources_name(sources, NSS_SERVICE))
				missing[i] = true;
		}
	}
	free(line);

	for (i = 0; i < N_NSS_DATABASES; i++)
		if (!seen[i])
			missing[i] = true;
	return ferror(f) ? -EIO : 0;
}

static int
check_nsswitch(FILE *out)
{
	bool missing[N_NSS_DATABASES] = { false };
	char names[64] = "";
	unsigned int n_missing = 0;
	FILE *f;
	size_t i;
	int ret;

	f = fopen(NSSWITCH_PATH, "re");
	if (f == NULL)
		return report_fail(out, "cannot read " NSSWITCH_PATH ": %s "
		    "(fix: restore the file from the libc-bin package)",
		    strerror(errno));

	ret = scan_nsswitch(f, missing);
	fclose(f);
	if (ret != 0)
		return report_fail(out, "cannot read " NSSWITCH_PATH ": %s "
		    "(fix: restore the file from the libc-bin package)",
		    strerror(-ret));

	for (i = 0; i < N_NSS_DATABASES; i++) {
		if (!missing[i])
			continue;
		if (n_missing++ != 0)
			strcat(names, ", ");
		strcat(names, nss_databases[i]);
	}
	if (n_missing != 0)
		return report_fail(out, NSSWITCH_PATH ": the %s %s not list "
		    NSS_SERVICE " (fix: add \"" NSS_SERVICE "\" after \"files\" "
		    "on the passwd, group and shadow lines)", names,
		    n_missing == 1 ? "line does" : "lines do");

	return report_ok(out, NSSWITCH_PATH ": passwd, group and shadow "
	    "list " NSS_SERVICE);
}

/* Loads the module by name, as glibc does, to show which file it finds. */
static int
check_nss_module(FILE *out)
{
	struct link_map *map = NULL;
	char path[PATH_MAX] = "";
	void *handle;

	handle = dlopen(NSS_MODULE, RTLD_LAZY | RTLD_LOCAL);
	if (handle == NULL)
		return report_fail(out, "NSS module " NSS_MODULE " cannot be "
		    "loaded: %s (fix: install the libnss-edgesupport package)",
		    dlerror());

	if (dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map != NULL &&
	    map->l_name != NULL)
		snprintf(path, sizeof(path), "%s", map->l_name);
	dlclose(handle);

	return report_ok(out, "NSS module " NSS_MODULE " loads from %s",
	    path[0] != '\0' ? path : "(unknown path)");
}

/*
 * Finds the first line of a colon-separated database such as /etc/passwd
 * whose first field is name or, when id_field is not 0, whose field number
 * id_field (counted from 0) is id. Copies that line's first field to owner.
 * Returns the line number, 0 when no line matches, or a negative errno.
 */
static int
find_local_entry(const char *path, const char *name, unsigned int id_field,
    unsigned long id, char *owner, size_t owner_size)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	int found = 0;
	char *cursor;
	char *field;
	char *end;
	unsigned int i;
	FILE *f;

	f = fopen(path, "re");
	if (f == NULL)
		return -errno;

	while (found == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		cursor = line;
		field = strsep(&cursor, ":");
		if (strcmp(field, name) == 0) {
			found = lineno;
		} else if (id_field != 0) {
			for (i = 1; i <= id_field && cursor != NULL; i++)
				field = strsep(&cursor, ":");
			if (i > id_field && field[0] != '\0' &&
			    strtoul(field, &end, 10) == id && *end == '\0')
				found = lineno;
		}
		if (found != 0)
			snprintf(owner, owner_size, "%s", line);
	}
	free(line);
	fclose(f);
	return found;
}

/* A local database that must not hold the support account's name or id. */
struct local_db {
	const char *path;
	const char *name_key;	/* config key of the name: "user", "group" */
	const char *id_key;	/* config key of the id: "uid", "gid" */
};

static const struct local_db passwd_db = { PASSWD_PATH, "user", "uid" };
static const struct local_db group_db = { GROUP_PATH, "group", "gid" };

/*
 * Reports the first line of db that takes the support account's name or
 * id away from the NSS module. Returns 1 when it reported one, else 0.
 */
static int
report_local_clash(struct check *c, const struct local_db *db,
    const char *name, unsigned long id)
{
	char owner[256] = "";
	int line;

	line = find_local_entry(db->path, name, 2, id, owner, sizeof(owner));
	if (line < 0) {
		report_fail(c->out, "cannot read %s: %s (fix: restore it)",
		    db->path, strerror(-line));
		return 1;
	}
	if (line == 0)
		return 0;

	if (strcmp(owner, name) == 0)
		report_fail(c->out, "the support %s name %s also exists in %s "
		    "(line %d) (fix: remove that line, or change %s in %s)",
		    db->name_key, name, db->path, line, db->name_key,
		    c->config_path);
	else
		report_fail(c->out, "the support %s %lu also exists in %s "
		    "(line %d, %s) (fix: remove that line, or change %s in "
		    "%s)", db->id_key, id, db->path, line, owner, db->id_key,
		    c->config_path);
	return 1;
}

static int
check_passwd(struct check *c)
{
	const struct es_config *cfg = &c->cfg;
	struct passwd *pw;

	if (report_local_clash(c, &passwd_db, cfg->user, cfg->uid))
		return 1;

	pw = getpwnam(cfg->user);
	if (pw == NULL)
		return report_fail(c->out, "user %s not found through NSS "
		    "(fix: list " NSS_SERVICE " on the passwd line of "
		    NSSWITCH_PATH " and install " NSS_MODULE ")", cfg->user);

	if (pw->pw_uid != cfg->uid || pw->pw_gid != cfg->gid)
		return report_fail(c->out, "user %s resolves to uid %u gid "
		    "%u, but the config sets uid %u gid %u, so another NSS "
		    "source serves the name (fix: remove the user from that "
		    "source, or change user in %s)", cfg->user,
		    (unsigned int)pw->pw_uid, (unsigned int)pw->pw_gid,
		    (unsigned int)cfg->uid, (unsigned int)cfg->gid,
		    c->config_path);

	pw = getpwuid(cfg->uid);
	if (pw == NULL || strcmp(pw->pw_name, cfg->user) != 0)
		return report_fail(c->out, "uid %u resolves to %s instead of "
		    "%s (fix: give the other user another uid, or change uid "
		    "in %s)", (unsigned int)cfg->uid,
		    pw != NULL ? pw->pw_name : "no user", cfg->user,
		    c->config_path);

	return report_ok(c->out, "user %s resolves through NSS to uid %u, "
	    "gid %u, home %s", cfg->user, (unsigned int)cfg->uid,
	    (unsigned int)cfg->gid, pw->pw_dir);
}

static int
check_group(struct check *c)
{
	const struct es_config *cfg = &c->cfg;
	struct group *gr;

	if (report_local_clash(c, &group_db, cfg->group, cfg->gid))
		return 1;

	gr = getgrnam(cfg->group);
	if (gr == NULL)
		return report_fail(c->out, "group %s not found through NSS "
		    "(fix: list " NSS_SERVICE " on the group line of "
		    NSSWITCH_PATH " and install " NSS_MODULE ")", cfg->group);

	if (gr->gr_gid != cfg->gid)
		return report_fail(c->out, "group %s resolves to gid %u, but "
		    "the config sets gid %u, so another NSS source serves the "
		    "name (fix: remove the group from that source, or change "
		    "group in %s)", cfg->group, (unsigned int)gr->gr_gid,
		    (unsigned int)cfg->gid, c->config_path);

	gr = getgrgid(cfg->gid);
	if (gr == NULL || strcmp(gr->gr_name, cfg->group) != 0)
		return report_fail(c->out, "gid %u resolves to %s instead of "
		    "%s (fix: give the other group another gid, or change gid "
		    "in %s)", (unsigned int)cfg->gid,
		    gr != NULL ? gr->gr_name : "no group", cfg->group,
		    c->config_path);

	return report_ok(c->out, "group %s resolves through NSS to gid %u",
	    cfg->group, (unsigned int)cfg->gid);
}

/*
 * A password hash for the support user in /etc/shadow would let pam_unix
 * accept a permanent password, so the entry must come from the NSS module,
 * which serves it locked.
 */
static int
check_shadow(struct check *c)
{
	const char *user = c->cfg.user;
	char owner[256] = "";
	struct spwd *sp;
	int line;

	line = find_local_entry(SHADOW_PATH, user, 0, 0, owner,
	    sizeof(owner));
	if (line < 0)
		return report_fail(c->out, "cannot read " SHADOW_PATH ": %s "
		    "(fix: restore it)", strerror(-line));
	if (line > 0)
		return report_fail(c->out, "the support user name %s also "
		    "exists in " SHADOW_PATH " (line %d) (fix: remove that "
		    "line, or change user in %s)", user, line,
		    c->config_path);

	sp = getspnam(user);
	if (sp == NULL)
		return report_fail(c->out, "no shadow entry for %s through NSS "
		    "(fix: list " NSS_SERVICE " on the shadow line of "
		    NSSWITCH_PATH ")", user);

	if (sp->sp_pwdp == NULL ||
	    (sp->sp_pwdp[0] != '!' && sp->sp_pwdp[0] != '*'))
		return report_fail(c->out, "the shadow entry of %s is not "
		    "locked, so another NSS source serves a password (fix: "
		    "remove the user from that source)", user);

	return report_ok(c->out, "shadow entry of %s is locked", user);
}

/* Writes no line when the config names no supplementary groups. */
static int
check_supplementary_groups(struct check *c)
{
	char missing[512] = "";
	size_t used = 0;
	size_t i;

	if (c->cfg.n_groups == 0)
		return 0;

	for (i = 0; i < c->cfg.n_groups; i++) {
		struct group *gr = getgrnam(c->cfg.groups[i]);

		/* Membership of gid 0 is root's group rights. */
		if (gr != NULL && gr->gr_gid == 0)
			return report_fail(c->out, "supplementary group %s has "
			    "gid 0 (fix: remove it from groups in %s)",
			    c->cfg.groups[i], c->config_path);
		if (gr != NULL)
			continue;
		used += snprintf(missing + used, sizeof(missing) - used,
		    "%s%s", used != 0 ? ", " : "", c->cfg.groups[i]);
		if (used >= sizeof(missing))
			break;
	}
	if (missing[0] != '\0')
		return report_fail(c->out, "supplementary group(s) %s not "
		    "found (fix: create them, or remove them from groups in "
		    "%s)", missing, c->config_path);

	return report_ok(c->out, "all %zu supplementary group(s) resolve",
	    c->cfg.n_groups);
}

/*
 * Writes the directory libpam loads relative module names from. Debian 12's
 * libpam uses /lib/MULTIARCH/security, beside libc, so this looks up where
 * libc came from.
 * NOTE: a libpam built with another module directory is not detected.
 */
static int
pam_module_dir(char *buf, size_t size)
{
	Dl_info info;

	if (dladdr((void *)&getpwnam, &info) == 0 || info.dli_fname == NULL)
		return -ENOENT;

	parent_dir(info.dli_fname, buf, size);
	if (strlen(buf) + sizeof("/security") > size)
		return -ENAMETOOLONG;
	strcat(buf, "/security");
	return 0;
}

static int
check_pam_module(FILE *out)
{
	char dir[PATH_MAX];
	char path[PATH_MAX + sizeof(PAM_MODULE)];
	struct stat st;

	if (pam_module_dir(dir, sizeof(dir)) != 0)
		return report_fail(out, "cannot find the PAM module directory "
		    "(fix: reinstall the libpam-modules package)");

	snprintf(path, sizeof(path), "%s/" PAM_MODULE, dir);
	if (stat(path, &st) != 0)
		return report_fail(out, "PAM module %s: %s (fix: install the "
		    "libpam-edgesupport package)", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return report_fail(out, "PAM module %s is not a regular file "
		    "(fix: reinstall the libpam-edgesupport package)", path);

	return report_ok(out, "PAM module %s is installed", path);
}

/*
 * Reads the next logical line of a PAM config file into *line: a '#'
 * comment cut off, and a line ending in a backslash joined with the next.
 * Returns 0, or -1 at the end of the file.
 */
static int
read_pam_line(FILE *f, char **line, size_t *cap)
{
	char *part = NULL;
	size_t part_cap = 0;
	size_t used = 0;
	size_t len;
	bool more = true;
	bool any = false;
	char *grown;

	while (more && getline(&part, &part_cap, f) >= 0) {
		any = true;
		strip_comment(part);
		len = strlen(part);
		while (len > 0 && is_blank(part[len - 1]))
			len--;
		more = len > 0 && part[len - 1] == '\\';
		if (more)
			part[--len] = ' ';

		if (used + len + 2 > *cap) {
			grown = realloc(*line, used + len + 2);
			if (grown == NULL)
				break;
			*line = grown;
			*cap = used + len + 2;
		}
		memcpy(*line + used, part, len);
		used += len;
		(*line)[used++] = ' ';
		(*line)[used] = '\0';
	}
	free(part);
	return any && *line != NULL ? 0 : -1;
}

/* Writes the path of an included file: relative names are in PAM_DIR. */
static void
pam_include_path(const char *name, char *buf, size_t size)
{
	if (name[0] == '/')
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, PAM_DIR "/%s", name);
}

static int pam_file_reaches(const char *path, const char *type,
    unsigned int depth, struct es_error *err);

/*
 * Returns 1 when the PAM config line puts PAM_MODULE into the stack of
 * type, directly or through "@include FILE" (Debian) or the controls
 * "include" and "substack", 0 when not, or a negative errno.
 * NOTE: this checks whether the module is in the stack, not whether an
 * earlier "sufficient" or jumping line can skip it.
 */
static int
pam_line_reaches(char *line, const char *type, unsigned int depth,
    struct es_error *err)
{
	char path[PATH_MAX];
	char *cursor = line;
	char *module;
	char *control;
	char *field;
	const char *base;

	field = next_field(&cursor);
	if (field == NULL)
		return 0;

	if (strcmp(field, "@include") == 0) {
		field = next_field(&cursor);
		if (field == NULL)
			return 0;
		pam_include_path(field, path, sizeof(path));
		return pam_file_reaches(path, type, depth + 1, err);
	}

	/* "-auth": the line is skipped quietly when the module is missing. */
	if (field[0] == '-')
		field++;
	if (strcasecmp(field, type) != 0)
		return 0;

	control = next_field(&cursor);
	module = next_field(&cursor);
	if (control == NULL || module == NULL)
		return 0;

	if (strcmp(control, "include") == 0 ||
	    strcmp(control, "substack") == 0) {
		pam_include_path(module, path, sizeof(path));
		return pam_file_reaches(path, type, depth + 1, err);
	}

	base = strrchr(module, '/');
	base = base != NULL ? base + 1 : module;
	return strcmp(base, PAM_MODULE) == 0;
}

static int
pam_file_reaches(const char *path, const char *type, unsigned int depth,
    struct es_error *err)
{
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;
	FILE *f;

	if (depth > PAM_MAX_DEPTH) {
		es_error_set(err, "%s: includes nest deeper than %d levels, "
		    "probably in a loop", path, PAM_MAX_DEPTH);
		return -ELOOP;
	}

	f = fopen(path, "re");
	if (f == NULL) {
		ret = -errno;
		es_error_set(err, "cannot read %s: %s", path, strerror(-ret));
		return ret;
	}

	while (ret == 0 && read_pam_line(f, &line, &cap) == 0)
		ret = pam_line_reaches(line, type, depth, err);
	if (ret == 0 && ferror(f)) {
		ret = -EIO;
		es_error_set(err, "cannot read %s: %s", path, strerror(EIO));
	}

	free(line);
	fclose(f);
	return ret;
}

static int
check_pam_service(FILE *out, const char *service)
{
	struct es_error err = { "" };
	char path[PATH_MAX];
	const char *missing;
	int account;
	int auth;

	snprintf(path, sizeof(path), PAM_DIR "/%s", service);
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return report_skip(out, "PAM service %s: %s not installed",
		    service, path);

	auth = pam_file_reaches(path, "auth", 0, &err);
	account = auth < 0 ? 0 : pam_file_reaches(path, "account", 0, &err);
	if (auth < 0 || account < 0)
		return report_fail(out, "PAM service %s: %s (fix: correct the "
		    "include in " PAM_DIR ")", service, err.msg);

	if (auth && account)
		return report_ok(out, "PAM service %s: auth and account reach "
		    PAM_MODULE, service);

	if (!auth && !account)
		missing = "auth and account stacks";
	else
		missing = !auth ? "auth stack" : "account stack";
	return report_fail(out, "PAM service %s: " PAM_MODULE " is missing "
	    "from the %s (fix: " FIX_PAM ", or add the module to %s or a "
	    "file it includes)", service, missing, path);
}

static int
check_pam_services(FILE *out)
{
	static const char *const services[] = {
		"sshd", "su", "login", "cron", "sudo",
	};
	int failed = 0;
	size_t i;

	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		failed |= check_pam_service(out, services[i]);
	return failed;
}

/*
 * Returns whether a pattern in the arguments of an sshd_config "Include"
 * line matches target.
 */
static bool
sshd_include_matches(char *args, const char *target)
{
	char pattern[PATH_MAX];
	bool found = false;
	char *field;
	size_t len;
	glob_t g;
	size_t i;

	while (!found && (field = next_field(&args)) != NULL) {
		len = strlen(field);
		if (len >= 2 && field[0] == '"' && field[len - 1] == '"') {
			field[len - 1] = '\0';
			field++;
		}
		/* sshd reads relative Include paths below /etc/ssh. */
		if (field[0] == '/')
			snprintf(pattern, sizeof(pattern), "%s", field);
		else
			snprintf(pattern, sizeof(pattern), SSHD_CONFIG_DIR
			    "/%s", field);

		if (glob(pattern, 0, NULL, &g) != 0)
			continue;
		for (i = 0; i < g.gl_pathc; i++)
			if (strcmp(g.gl_pathv[i], target) == 0)
				found = true;
		globfree(&g);
	}
	return found;
}

/*
 * Finds the line of SSHD_CONFIG that includes target. Sets *in_match when
 * that line sits in a Match block, where it applies only to some
 * connections. Returns the line number, 0 when none, or a negative errno.
 * NOTE: only SSHD_CONFIG itself is searched, not the files it includes.
 */
static int
find_sshd_include(const char *target, bool *in_match)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	int found = 0;
	char *cursor;
	char *keyword;
	char *arg;
	FILE *f;

	f = fopen(SSHD_CONFIG, "re");
	if (f == NULL)
		return -errno;

	*in_match = false;
	while (found == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		strip_comment(line);
		cursor = line + strspn(line, " \t");
		keyword = strsep(&cursor, " \t=");
		if (cursor == NULL)
			continue;

		if (strcasecmp(keyword, "Match") == 0) {
			arg = next_field(&cursor);
			*in_match = arg == NULL || strcasecmp(arg, "all") != 0;
		} else if (strcasecmp(keyword, "Include") == 0 &&
		    sshd_include_matches(cursor, target)) {
			found = lineno;
		}
	}
	free(line);
	fclose(f);
	return found;
}

static int
check_sshd_drop_in(FILE *out)
{
	struct stat st;
	bool in_match = false;
	int line;

	if (stat(SSHD_DROP_IN, &st) != 0 && errno == ENOENT)
		return report_fail(out, "sshd drop-in " SSHD_DROP_IN " is "
		    "missing (fix: reinstall the edgesupport package, which "
		    "ships it)");
	if (stat(SSHD_DROP_IN, &st) != 0 || !S_ISREG(st.st_mode))
		return report_fail(out, "sshd drop-in " SSHD_DROP_IN " is not "
		    "a readable file (fix: reinstall the edgesupport package, "
		    "which ships it)");

	line = find_sshd_include(SSHD_DROP_IN, &in_match);
	if (line < 0)
		return report_fail(out, "cannot read " SSHD_CONFIG ": %s (fix: "
		    "restore it from the openssh-server package)",
		    strerror(-line));
	if (line == 0)
		return report_fail(out, SSHD_CONFIG " does not include "
		    SSHD_DROP_IN " (fix: add \"Include " SSHD_CONFIG_DIR
		    "/sshd_config.d/*.conf\" at the top of " SSHD_CONFIG ")");
	if (in_match)
		return report_fail(out, SSHD_CONFIG " includes " SSHD_DROP_IN
		    " inside a Match block (line %d) (fix: move the Include "
		    "line before the first Match line)", line);

	return report_ok(out, "sshd drop-in " SSHD_DROP_IN " is included by "
	    SSHD_CONFIG " (line %d)", line);
}

/*
 * Runs "sshd -T" for a connection of user from localhost and returns its
 * standard output and error together in *output, which the caller frees.
 * Returns sshd's exit status, or a negative errno when it cannot run.
 */
static int
run_sshd_test(const char *user, char **output)
{
	char spec[256];
	char *argv[] = { SSHD_PATH, "-T", "-C", spec, NULL };
	char buf[4096];
	size_t total = 0;
	size_t len = 0;
	int fds[2] = { -1, -1 };
	int status = 0;
	int ret = -EIO;
	ssize_t n;
	FILE *mem;
	pid_t pid;

	*output = NULL;
	snprintf(spec, sizeof(spec), "user=%s,host=localhost,addr=127.0.0.1",
	    user);
	mem = open_memstream(output, &len);
	if (mem == NULL)
		return -errno;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		ret = -errno;
		goto out;
	}

	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto out;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
		    dup2(fds[1], STDOUT_FILENO) < 0 ||
		    dup2(fds[1], STDERR_FILENO) < 0)
			_exit(127);
		execv(SSHD_PATH, argv);
		_exit(127);
	}

	close(fds[1]);
	fds[1] = -1;
	while ((n = read(fds[0], buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		total += (size_t)n;
		if (total <= SSHD_MAX_OUTPUT)
			fwrite(buf, 1, (size_t)n, mem);
	}

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			ret = -errno;
			goto out;
		}
	}
	ret = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

out:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	if (fclose(mem) != 0 && ret >= 0)
		ret = -ENOMEM;
	return ret;
}

/* Returns the value of key in "sshd -T" output ("key value" lines). */
static const char *
sshd_setting(const char *output, const char *key, char *buf, size_t size)
{
	size_t key_len = strlen(key);
	const char *line = output;
	size_t len;

	while (line != NULL && *line != '\0') {
		len = strcspn(line, "\n");
		if (len > key_len && strncmp(line, key, key_len) == 0 &&
		    line[key_len] == ' ') {
			snprintf(buf, size, "%.*s", (int)(len - key_len - 1),
			    line + key_len + 1);
			return buf;
		}
		line = line[len] == '\n' ? line + len + 1 : NULL;
	}
	return NULL;
}

static int
check_sshd_use_pam(FILE *out, const char *output)
{
	const char *value;
	char buf[64];

	value = sshd_setting(output, "usepam", buf, sizeof(buf));
	if (value == NULL || strcmp(value, "yes") != 0)
		return report_fail(out, "sshd: UsePAM is %s, so sshd never "
		    "calls " PAM_MODULE " (fix: set \"UsePAM yes\" in "
		    SSHD_CONFIG ")", value != NULL ? value : "not reported");

	return report_ok(out, "sshd: UsePAM yes");
}

/* The effect of the drop-in's Match block on the support user. */
static const struct {
	const char *key;
	const char *value;
} sshd_user_settings[] = {
	{ "passwordauthentication", "yes" },
	{ "kbdinteractiveauthentication", "yes" },
	{ "pubkeyauthentication", "no" },
	{ "allowtcpforwarding", "no" },
};

static int
check_sshd_user(FILE *out, const char *output, const char *user)
{
	char wrong[512] = "";
	size_t used = 0;
	const char *value;
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(sshd_user_settings) /
	    sizeof(sshd_user_settings[0]); i++) {
		value = sshd_setting(output, sshd_user_settings[i].key, buf,
		    sizeof(buf));
		if (value != NULL &&
		    strcmp(value, sshd_user_settings[i].value) == 0)
			continue;
		used += snprintf(wrong + used, sizeof(wrong) - used,
		    "%s%s %s (expected %s)", used != 0 ? ", " : "",
		    sshd_user_settings[i].key,
		    value != NULL ? value : "not reported",
		    sshd_user_settings[i].value);
		if (used >= sizeof(wrong))
			break;
	}
	if (wrong[0] != '\0')
		return report_fail(out, "sshd: for user %s, sshd -T reports %s "
		    "(fix: include " SSHD_DROP_IN " before any Match block in "
		    SSHD_CONFIG " and remove settings that override it)", user,
		    wrong);

	return report_ok(out, "sshd: user %s gets password and "
	    "keyboard-interactive logins, no public keys, no TCP forwarding",
	    user);
}

/* Runs the sshd findings, or writes one "skipped" line without sshd. */
static int
check_sshd(struct check *c)
{
	char *output = NULL;
	int failed = 0;
	char *end;
	int ret;

	if (access(SSHD_PATH, X_OK) != 0)
		return report_skip(c->out, "sshd: " SSHD_PATH " not installed");

	failed |= check_sshd_drop_in(c->out);

	ret = run_sshd_test(c->cfg.user, &output);
	if (ret != 0) {
		if (output != NULL && (end = strchr(output, '\n')) != NULL)
			*end = '\0';
		if (ret < 0)
			report_fail(c->out, "cannot run " SSHD_PATH " -T: %s "
			    "(fix: reinstall openssh-server)", strerror(-ret));
		else
			report_fail(c->out, SSHD_PATH " -T failed with status "
			    "%d: %s (fix: correct the sshd configuration; "
			    SSHD_PATH " -t shows the problem)", ret,
			    output != NULL ? output : "");
		free(output);
		return 1;
	}

	failed |= check_sshd_use_pam(c->out, output);
	failed |= check_sshd_user(c->out, output, c->cfg.user);
	free(output);
	return failed;
}

static void
format_asn1_time(const ASN1_TIME *t, char *buf, size_t size)
{
	struct tm tm;

	if (ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, size, "(unreadable time)");
}

static int
check_certificate(struct check *c)
{
	const char *path = c->cfg.certificate;
	char thumbprint[ES_THUMBPRINT_LEN + 1];
	struct es_error err = { "" };
	char not_after[64];
	X509 *cert = NULL;
	struct stat st;
	int ret;

	if (es_cert_load(path, &cert, &err) != 0)
		return report_fail(c->out, "certificate: %s (fix: " FIX_CERT
		    ")", err.msg);

	/* Anyone who can replace the certificate gets the next password. */
	if (stat(path, &st) != 0 || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		ret = report_fail(c->out, "certificate %s can be changed by "
		    "users other than root (fix: chown root: and chmod 644 "
		    "on it)", path);
		goto out;
	}

	if (es_cert_check(cert, time(NULL), &err) != 0) {
		ret = report_fail(c->out, "certificate %s: %s (fix: " FIX_CERT
		    ")", path, err.msg);
		goto out;
	}

	if (es_cert_thumbprint(cert, thumbprint) != 0) {
		ret = report_fail(c->out, "certificate %s: cannot compute its "
		    "thumbprint (fix: " FIX_CERT ")", path);
		goto out;
	}

	format_asn1_time(X509_get0_notAfter(cert), not_after,
	    sizeof(not_after));
	ret = report_ok(c->out, "certificate %s: RSA %d bits, valid until %s, "
	    "thumbprint %s", path, EVP_PKEY_get_bits(X509_get0_pubkey(cert)),
	    not_after, thumbprint);

out:
	X509_free(cert);
	return ret;
}

/* Returns the path of the installed timer unit, or NULL. */
static const char *
find_timer_unit(void)
{
	static const char *const paths[] = {
		"/etc/systemd/system/" TIMER_UNIT,
		"/usr/local/lib/systemd/system/" TIMER_UNIT,
		"/lib/systemd/system/" TIMER_UNIT,
		"/usr/lib/systemd/system/" TIMER_UNIT,
	};
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], F_OK) == 0)
			return paths[i];
	return NULL;
}

static int
check_timer(FILE *out)
{
	const char *unit = find_timer_unit();
	struct stat st;

	if (unit == NULL)
		return report_fail(out, "expiry: systemd runs here but "
		    TIMER_UNIT " is not installed (fix: reinstall the "
		    "edgesupport package)");

	if (lstat(TIMER_WANTS, &st) != 0)
		return report_fail(out, "expiry: " TIMER_UNIT " is installed "
		    "(%s) but not enabled (fix: systemctl enable --now "
		    TIMER_UNIT ")", unit);

	return report_ok(out, "expiry: " TIMER_UNIT " is installed and "
	    "enabled");
}

/* Returns whether a non-comment line of the cron file runs the command. */
static bool
cron_file_runs_expire(FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	bool found = false;

	while (!found && getline(&line, &cap, f) >= 0)
		if (line[strspn(line, " \t")] != '#' &&
		    strstr(line, CRON_COMMAND) != NULL)
			found = true;
	free(line);
	return found;
}

static int
check_cron(FILE *out)
{
	bool runs;
	FILE *f;

	f = fopen(CRON_FILE, "re");
	if (f == NULL && errno == ENOENT)
		return report_fail(out, "expiry: systemd is not running, so "
		    TIMER_UNIT " never runs, and " CRON_FILE " is missing "
		    "(fix: reinstall the edgesupport package, which ships "
		    CRON_FILE ")");
	if (f == NULL)
		return report_fail(out, "expiry: cannot read " CRON_FILE ": %s "
		    "(fix: make it a readable regular file)", strerror(errno));

	runs = cron_file_runs_expire(f);
	fclose(f);
	if (!runs)
		return report_fail(out, "expiry: " CRON_FILE " does not run \""
		    CRON_COMMAND "\" (fix: reinstall the edgesupport package, "
		    "which ships it)");

	return report_ok(out, "expiry: systemd is not running; " CRON_FILE
	    " runs \"" CRON_COMMAND "\"");
}

/*
 * The timer where systemd is PID 1, detected as sd_booted() does, else the
 * cron fallback. Without systemd the timer unit is irrelevant.
 */
static int
check_expiry(FILE *out)
{
	if (access(SYSTEMD_RUNNING, F_OK) == 0)
		return check_timer(out);
	return check_cron(out);
}

/* The store creates the lock directory (one level, mode 0700) if missing. */
static int
check_lock_dir(struct check *c)
{
	char dir[PATH_MAX];
	char parent[PATH_MAX];
	struct stat st;

	parent_dir(c->cfg.lock_file, dir, sizeof(dir));
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return report_fail(c->out, "lock directory %s is not a "
			    "directory (fix: remove it, or change lock_file in "
			    "%s)", dir, c->config_path);
		if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
			return report_fail(c->out, "lock directory %s is "
			    "writable by a user other than root (fix: chown "
			    "root %s && chmod go-w %s)", dir, dir, dir);
		if (access(dir, W_OK) != 0)
			return report_fail(c->out, "lock directory %s is not "
			    "writable: %s (fix: change lock_file in %s to a "
			    "writable place such as " ES_DEFAULT_LOCK_FILE ")",
			    dir, strerror(errno), c->config_path);
		return report_ok(c->out, "lock directory %s exists", dir);
	}

	parent_dir(dir, parent, sizeof(parent));
	if (access(parent, W_OK) != 0)
		return report_fail(c->out, "lock directory %s cannot be "
		    "created in %s: %s (fix: change lock_file in %s to a "
		    "writable place such as " ES_DEFAULT_LOCK_FILE ")", dir,
		    parent, strerror(errno), c->config_path);

	return report_ok(c->out, "lock directory %s will be created in %s",
	    dir, parent);
}

int
es_ctl_check(const char *config_path, FILE *out)
{
	struct check c = { .config_path = config_path, .out = out };
	int failed = 0;

	if (check_config(&c) != 0)
		return 1;

	failed |= check_nsswitch(out);
	failed |= check_nss_module(out);
	failed |= check_passwd(&c);
	failed |= check_group(&c);
	failed |= check_shadow(&c);
	failed |= check_supplementary_groups(&c);
	failed |= check_pam_module(out);
	failed |= check_pam_services(out);
	failed |= check_sshd(&c);
	failed |= check_certificate(&c);
	failed |= check_expiry(out);
	failed |= check_lock_dir(&c);

	es_config_free(&c.cfg);
	fflush(out);
	return failed ? 1 : 0;
}

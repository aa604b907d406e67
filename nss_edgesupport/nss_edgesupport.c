/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NSS module for the one support account: passwd, group, shadow and
 * initgroups entries built from edgesupport.conf, so the account needs no
 * line in /etc/passwd. It links only libc and never logs, because every
 * process that resolves a user loads it. A broken or missing config makes
 * every lookup NSS_STATUS_NOTFOUND; `edgesupport-ctl check` reports why.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <shadow.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "esconfig.h"

#ifndef ES_CONFIG_PATH
#error "ES_CONFIG_PATH must name the config file"
#endif

/*
 * Environment variable that points the module at another config file, for
 * tests only. It is read with secure_getenv(), which returns NULL in
 * setuid, setgid and file-capability programs (AT_SECURE), so su, sudo,
 * passwd and the like always use ES_CONFIG_PATH.
 */
#define CONFIG_PATH_ENV		"EDGESUPPORT_NSS_CONFIG"

/*
 * A lookup stats the config at most this often, in nanoseconds. The
 * thread-sanitizer test builds the module with a shorter interval so that
 * reloads race with lookups many times per second.
 */
#ifndef FRESHNESS_INTERVAL_NS
#define FRESHNESS_INTERVAL_NS	1000000000LL
#endif

/* Upper bound on the buffer for resolving one supplementary group. */
#define GROUP_BUFFER_MAX	(1024 * 1024)

/*
 * Identity of the config file as of the last stat(2). st_ctim is part of
 * it so that a chmod or chown, which leaves st_mtim alone, also reloads.
 */
struct file_identity {
	bool exists;
	dev_t dev;
	ino_t ino;
	struct timespec mtim;
	struct timespec ctim;
	off_t size;
};

/*
 * The parsed config, shared by all threads. Every field is read and
 * written only with lock held; entries are copied into the caller's buffer
 * before the lock is released.
 */
static struct {
	pthread_mutex_t lock;
	char *path;			/* file the identity belongs to */
	struct file_identity identity;
	bool checked;			/* checked_at holds a time */
	struct timespec checked_at;	/* CLOCK_MONOTONIC_COARSE */
	bool valid;			/* cfg holds a loaded config */
	struct es_config cfg;
} cache = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

/* Position of one getXXent() enumeration: the single entry is done. */
struct cursor {
	pthread_mutex_t lock;
	bool done;
};

static struct cursor pw_cursor = { PTHREAD_MUTEX_INITIALIZER, false };
static struct cursor gr_cursor = { PTHREAD_MUTEX_INITIALIZER, false };
static struct cursor sp_cursor = { PTHREAD_MUTEX_INITIALIZER, false };

static const char *
config_path(void)
{
	const char *path = secure_getenv(CONFIG_PATH_ENV);

	if (path == NULL || path[0] == '\0')
		return ES_CONFIG_PATH;

	return path;
}

static void
lock(pthread_mutex_t *mutex)
{
	/* A default mutex only fails on misuse, such as relocking. */
	if (pthread_mutex_lock(mutex) != 0)
		abort();
}

static void
unlock(pthread_mutex_t *mutex)
{
	if (pthread_mutex_unlock(mutex) != 0)
		abort();
}

static void
cache_invalidate(void)
{
	if (cache.valid)
		es_config_free(&cache.cfg);
	cache.valid = false;
}

static bool
is_check_due(const char *path, const struct timespec *now)
{
	long long elapsed;

	if (!cache.checked || cache.path == NULL ||
	    strcmp(cache.path, path) != 0)
		return true;

	elapsed = (long long)(now->tv_sec - cache.checked_at.tv_sec) *
	    1000000000LL + (now->tv_nsec - cache.checked_at.tv_nsec);

	return elapsed < 0 || elapsed >= FRESHNESS_INTERVAL_NS;
}

static bool
is_same_file(const struct file_identity *a, const struct file_identity *b)
{
	if (!a->exists || !b->exists)
		return a->exists == b->exists;

	return a->dev == b->dev && a->ino == b->ino &&
	    a->mtim.tv_sec == b->mtim.tv_sec &&
	    a->mtim.tv_nsec == b->mtim.tv_nsec &&
	    a->ctim.tv_sec == b->ctim.tv_sec &&
	    a->ctim.tv_nsec == b->ctim.tv_nsec && a->size == b->size;
}

static int
remember_path(const char *path)
{
	char *copy;

	if (cache.path != NULL && strcmp(cache.path, path) == 0)
		return 0;

	copy = strdup(path);
	if (copy == NULL)
		return -ENOMEM;

	free(cache.path);
	cache.path = copy;
	return 0;
}

/*
 * Tells a failure that may pass by itself (memory, file descriptors, I/O)
 * from a config that stays broken until the file changes. After a
 * transient one the cache clears the recorded identity, so the next check
 * parses the file again.
 */
static bool
is_transient_error(int r)
{
	return r != -EINVAL && r != -EPERM && r != -ENOENT && r != -EACCES;
}

/*
 * Brings the cache up to date; the caller holds cache.lock. Within
 * FRESHNESS_INTERVAL_NS of the last check it makes no system call at all,
 * because CLOCK_MONOTONIC_COARSE is read through the vDSO. After that it
 * makes one stat and parses the file only when its identity changed. A
 * file replaced between the stat and the open is parsed now and again at
 * the next check, because the recorded identity is the older one.
 */
static void
cache_refresh(void)
{
	const char *path = config_path();
	struct file_identity identity = { .exists = false };
	struct timespec now;
	struct stat st;
	int r;

	if (clock_gettime(CLOCK_MONOTONIC_COARSE, &now) < 0) {
		cache.checked = false;
	} else {
		if (!is_check_due(path, &now))
			return;
		cache.checked = true;
		cache.checked_at = now;
	}

	if (stat(path, &st) == 0) {
		identity.exists = true;
		identity.dev = st.st_dev;
		identity.ino = st.st_ino;
		identity.mtim = st.st_mtim;
		identity.ctim = st.st_ctim;
		identity.size = st.st_size;
	}

	if (cache.path != NULL && strcmp(cache.path, path) == 0 &&
	    is_same_file(&identity, &cache.identity))
		return;

	cache_invalidate();
	if (remember_path(path) < 0) {
		cache.checked = false;
		return;
	}
	cache.identity = identity;

	if (!identity.exists)
		return;

	r = es_config_load(path, &cache.cfg, NULL);
	if (r == 0)
		cache.valid = true;
	else if (is_transient_error(r))
		cache.identity.exists = false;
}

/* Locks the cache and returns the config, or NULL with the cache locked. */
static const struct es_config *
cache_get(void)
{
	lock(&cache.lock);
	cache_refresh();

	return cache.valid ? &cache.cfg : NULL;
}

static void
cache_put(void)
{
	unlock(&cache.lock);
}

/* Copies s into the caller's buffer at *cursor, which has room for it. */
static char *
copy_string(char **cursor, const char *s)
{
	size_t len = strlen(s) + 1;
	char *dest = *cursor;

	memcpy(dest, s, len);
	*cursor += len;
	return dest;
}

static enum nss_status
fill_passwd(const struct es_config *cfg, struct passwd *pwd, char *buffer,
    size_t buflen, int *err)
{
	size_t need = strlen(cfg->user) + 1 + sizeof("x") +
	    strlen(cfg->gecos) + 1 + strlen(cfg->home) + 1 +
	    strlen(cfg->shell) + 1;
	char *cursor = buffer;

	if (buflen < need) {
		*err = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}

	pwd->pw_name = copy_string(&cursor, cfg->user);
	pwd->pw_passwd = copy_string(&cursor, "x");
	pwd->pw_uid = cfg->uid;
	pwd->pw_gid = cfg->gid;
	pwd->pw_gecos = copy_string(&cursor, cfg->gecos);
	pwd->pw_dir = copy_string(&cursor, cfg->home);
	pwd->pw_shell = copy_string(&cursor, cfg->shell);

	return NSS_STATUS_SUCCESS;
}

/* The primary group has no members: gr_mem is an empty list. */
static enum nss_status
fill_group(const struct es_config *cfg, struct group *grp, char *buffer,
    size_t buflen, int *err)
{
	size_t pad = (alignof(char *) - (uintptr_t)buffer % alignof(char *)) %
	    alignof(char *);
	size_t need = pad + sizeof(char *) + strlen(cfg->group) + 1 +
	    sizeof("x");
	char *cursor;

	if (buflen < need) {
		*err = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}

	grp->gr_mem = (char **)(void *)(buffer + pad);
	grp->gr_mem[0] = NULL;
	cursor = buffer + pad + sizeof(char *);

	grp->gr_name = copy_string(&cursor, cfg->group);
	grp->gr_passwd = copy_string(&cursor, "x");
	grp->gr_gid = cfg->gid;

	return NSS_STATUS_SUCCESS;
}

/* A locked entry: "!*" matches no password, -1 leaves each field unset. */
static enum nss_status
fill_shadow(const struct es_config *cfg, struct spwd *spwd, char *buffer,
    size_t buflen, int *err)
{
	size_t need = strlen(cfg->user) + 1 + sizeof("!*");
	char *cursor = buffer;

	if (buflen < need) {
		*err = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}

	spwd->sp_namp = copy_string(&cursor, cfg->user);
	spwd->sp_pwdp = copy_string(&cursor, "!*");
	spwd->sp_lstchg = -1;
	spwd->sp_min = -1;
	spwd->sp_max = -1;
	spwd->sp_warn = -1;
	spwd->sp_inact = -1;
	spwd->sp_expire = -1;
	spwd->sp_flag = ~0UL;

	return NSS_STATUS_SUCCESS;
}

/*
 * Entry points. Each keeps errno as it found it, the way nss-systemd does,
 * and sets *errnop only for NSS_STATUS_TRYAGAIN, after restoring errno:
 * glibc often passes &errno as errnop.
 */
static enum nss_status
finish(enum nss_status status, int saved_errno, int err, int *errnop)
{
	errno = saved_errno;
	if (status == NSS_STATUS_TRYAGAIN && errnop != NULL)
		*errnop = err;

	return status;
}

enum nss_status _nss_edgesupport_getpwnam_r(const char *name,
    struct passwd *pwd, char *buffer, size_t buflen, int *errnop);
enum nss_status _nss_edgesupport_getpwuid_r(uid_t uid, struct passwd *pwd,
    char *buffer, size_t buflen, int *errnop);
enum nss_status _nss_edgesupport_setpwent(int stayopen);
enum nss_status _nss_edgesupport_getpwent_r(struct passwd *pwd,
    char *buffer, size_t buflen, int *errnop);
enum nss_status _nss_edgesupport_endpwent(void);
enum nss_status _nss_edgesupport_getgrnam_r(const char *name,
    struct group *grp, char *buffer, size_t buflen, int *errnop);
enum nss_status _nss_edgesupport_getgrgid_r(gid_t gid, struct group *grp,
    char *buffer, size_t buflen, int *errnop);
enum nss_status _nss_edgesupport_setgrent(int stayopen);
enum nss_status _nss_edgesupport_getgrent_r(struct group *grp,
    char *buffer, size_t buflen, int *errnop);
enum nss_status _nss_edgesupport_endgrent(void);
enum nss_status _nss_edgesupport_getspnam_r(const char *name,
    struct spwd *spwd, char *buffer, size_t buflen, int *errnop);
enum nss_status _nss_edgesupport_setspent(int stayopen);
enum nss_status _nss_edgesupport_getspent_r(struct spwd *spwd,
    char *buffer, size_t buflen, int *errnop);
enum nss_status _nss_edgesupport_endspent(void);
enum nss_status _nss_edgesupport_initgroups_dyn(const char *user,
    gid_t group, long int *start, long int *size, gid_t **groupsp,
    long int limit, int *errnop);

enum nss_status
_nss_edgesupport_getpwnam_r(const char *name, struct passwd *pwd,
    char *buffer, size_t buflen, int *errnop)
{
	enum nss_status status = NSS_STATUS_NOTFOUND;
	const struct es_config *cfg;
	int saved_errno = errno;
	int err = 0;

	if (name == NULL || pwd == NULL || buffer == NULL)
		return finish(status, saved_errno, err, errnop);

	cfg = cache_get();
	if (cfg != NULL && strcmp(name, cfg->user) == 0)
		status = fill_passwd(cfg, pwd, buffer, buflen, &err);
	cache_put();

	return finish(status, saved_errno, err, errnop);
}

enum nss_status
_nss_edgesupport_getpwuid_r(uid_t uid, struct passwd *pwd, char *buffer,
    size_t buflen, int *errnop)
{
	enum nss_status status = NSS_STATUS_NOTFOUND;
	const struct es_config *cfg;
	int saved_errno = errno;
	int err = 0;

	if (uid == 0 || pwd == NULL || buffer == NULL)
		return finish(status, saved_errno, err, errnop);

	cfg = cache_get();
	if (cfg != NULL && uid == cfg->uid)
		status = fill_passwd(cfg, pwd, buffer, buflen, &err);
	cache_put();

	return finish(status, saved_errno, err, errnop);
}

enum nss_status
_nss_edgesupport_getgrnam_r(const char *name, struct group *grp,
    char *buffer, size_t buflen, int *errnop)
{
	enum nss_status status = NSS_STATUS_NOTFOUND;
	const struct es_config *cfg;
	int saved_errno = errno;
	int err = 0;

	if (name == NULL || grp == NULL || buffer == NULL)
		return finish(status, saved_errno, err, errnop);

	cfg = cache_get();
	if (cfg != NULL && strcmp(name, cfg->group) == 0)
		status = fill_group(cfg, grp, buffer, buflen, &err);
	cache_put();

	return finish(status, saved_errno, err, errnop);
}

enum nss_status
_nss_edgesupport_getgrgid_r(gid_t gid, struct group *grp, char *buffer,
    size_t buflen, int *errnop)
{
	enum nss_status status = NSS_STATUS_NOTFOUND;
	const struct es_config *cfg;
	int saved_errno = errno;
	int err = 0;

	if (gid == 0 || grp == NULL || buffer == NULL)
		return finish(status, saved_errno, err, errnop);

	cfg = cache_get();
	if (cfg != NULL && gid == cfg->gid)
		status = fill_group(cfg, grp, buffer, buflen, &err);
	cache_put();

	return finish(status, saved_errno, err, errnop);
}

enum nss_status
_nss_edgesupport_getspnam_r(const char *name, struct spwd *spwd,
    char *buffer, size_t buflen, int *errnop)
{
	enum nss_status status = NSS_STATUS_NOTFOUND;
	const struct es_config *cfg;
	int saved_errno = errno;
	int err = 0;

	if (name == NULL || spwd == NULL || buffer == NULL)
		return finish(status, saved_errno, err, errnop);

	cfg = cache_get();
	if (cfg != NULL && strcmp(name, cfg->user) == 0)
		status = fill_shadow(cfg, spwd, buffer, buflen, &err);
	cache_put();

	return finish(status, saved_errno, err, errnop);
}

static void
cursor_reset(struct cursor *cursor)
{
	lock(&cursor->lock);
	cursor->done = false;
	unlock(&cursor->lock);
}

/*
 * Hands out the single entry once per enumeration. A buffer too small
 * leaves the cursor in place, so the caller's retry with a larger buffer
 * gets the entry.
 */
static enum nss_status
cursor_next(struct cursor *cursor, void *entry, char *buffer, size_t buflen,
    int *errnop, enum nss_status (*fill)(const struct es_config *, void *,
    char *, size_t, int *))
{
	enum nss_status status = NSS_STATUS_NOTFOUND;
	const struct es_config *cfg;
	int saved_errno = errno;
	int err = 0;

	if (entry == NULL || buffer == NULL)
		return finish(status, saved_errno, err, errnop);

	lock(&cursor->lock);
	if (!cursor->done) {
		cfg = cache_get();
		if (cfg != NULL)
			status = fill(cfg, entry, buffer, buflen, &err);
		cache_put();

		cursor->done = status != NSS_STATUS_TRYAGAIN;
	}
	unlock(&cursor->lock);

	return finish(status, saved_errno, err, errnop);
}

static enum nss_status
fill_passwd_entry(const struct es_config *cfg, void *entry, char *buffer,
    size_t buflen, int *err)
{
	return fill_passwd(cfg, entry, buffer, buflen, err);
}

static enum nss_status
fill_group_entry(const struct es_config *cfg, void *entry, char *buffer,
    size_t buflen, int *err)
{
	return fill_group(cfg, entry, buffer, buflen, err);
}

static enum nss_status
fill_shadow_entry(const struct es_config *cfg, void *entry, char *buffer,
    size_t buflen, int *err)
{
	return fill_shadow(cfg, entry, buffer, buflen, err);
}

enum nss_status
_nss_edgesupport_setpwent(int stayopen)
{
	(void)stayopen;
	cursor_reset(&pw_cursor);
	return NSS_STATUS_SUCCESS;
}

enum nss_status
_nss_edgesupport_getpwent_r(struct passwd *pwd, char *buffer, size_t buflen,
    int *errnop)
{
	return cursor_next(&pw_cursor, pwd, buffer, buflen, errnop,
	    fill_passwd_entry);
}

enum nss_status
_nss_edgesupport_endpwent(void)
{
	cursor_reset(&pw_cursor);
	return NSS_STATUS_SUCCESS;
}

enum nss_status
_nss_edgesupport_setgrent(int stayopen)
{
	(void)stayopen;
	cursor_reset(&gr_cursor);
	return NSS_STATUS_SUCCESS;
}

enum nss_status
_nss_edgesupport_getgrent_r(struct group *grp, char *buffer, size_t buflen,
    int *errnop)
{
	return cursor_next(&gr_cursor, grp, buffer, buflen, errnop,
	    fill_group_entry);
}

enum nss_status
_nss_edgesupport_endgrent(void)
{
	cursor_reset(&gr_cursor);
	return NSS_STATUS_SUCCESS;
}

enum nss_status
_nss_edgesupport_setspent(int stayopen)
{
	(void)stayopen;
	cursor_reset(&sp_cursor);
	return NSS_STATUS_SUCCESS;
}

enum nss_status
_nss_edgesupport_getspent_r(struct spwd *spwd, char *buffer, size_t buflen,
    int *errnop)
{
	return cursor_next(&sp_cursor, spwd, buffer, buflen, errnop,
	    fill_shadow_entry);
}

enum nss_status
_nss_edgesupport_endspent(void)
{
	cursor_reset(&sp_cursor);
	return NSS_STATUS_SUCCESS;
}

/*
 * Copies the supplementary group names of the config when user is the
 * support account, so they can be resolved without holding cache.lock
 * (getgrnam_r may call back into this module). Returns the
 * NULL-terminated list, or NULL with *found false for another user.
 */
static char **
copy_group_names(const char *user, bool *found, int *err)
{
	const struct es_config *cfg;
	char **names = NULL;
	size_t i;

	*found = false;
	cfg = cache_get();
	if (cfg == NULL || strcmp(user, cfg->user) != 0)
		goto out;

	*found = true;
	names = calloc(cfg->n_groups + 1, sizeof(*names));
	if (names == NULL)
		goto oom;

	for (i = 0; i < cfg->n_groups; i++) {
		names[i] = strdup(cfg->groups[i]);
		if (names[i] == NULL)
			goto oom;
	}

	goto out;

oom:
	*err = ENOMEM;
	if (names != NULL)
		for (i = 0; names[i] != NULL; i++)
			free(names[i]);
	free(names);
	names = NULL;
out:
	cache_put();
	return names;
}

/*
 * Resolves a group name through the whole NSS stack. Returns 1 with *gid
 * set, 0 when the name does not resolve, or -ENOMEM.
 */
static int
resolve_group(const char *name, gid_t *gid)
{
	struct group grp;
	struct group *result = NULL;
	size_t size = 1024;
	char *buffer = NULL;
	char *bigger;
	int r;

	for (;;) {
		bigger = realloc(buffer, size);
		if (bigger == NULL) {
			r = -ENOMEM;
			goto out;
		}
		buffer = bigger;

		r = getgrnam_r(name, &grp, buffer, size, &result);
		if (r != ERANGE || size >= GROUP_BUFFER_MAX)
			break;
		size *= 2;
	}

	if (r == 0 && result != NULL) {
		*gid = result->gr_gid;
		r = 1;
	} else {
		r = 0;
	}

out:
	free(buffer);
	return r;
}

/*
 * Appends gid to the caller's list as glibc's initgroups_dyn contract
 * requires: no duplicates, never the primary group, the array grown by
 * doubling but never past limit when limit > 0. Returns 0, or -ENOMEM.
 * A full list at limit is not an error: the gid is left out.
 */
static int
add_gid(gid_t gid, gid_t primary, long int *start, long int *size,
    gid_t **groupsp, long int limit)
{
	gid_t *grown;
	long int new_size;
	long int i;

	if (gid == primary)
		return 0;

	for (i = 0; i < *start; i++)
		if ((*groupsp)[i] == gid)
			return 0;

	if (*start >= *size) {
		if (limit > 0 && *size >= limit)
			return 0;

		new_size = *size > 0 ? 2 * *size : 8;
		if (limit > 0 && new_size > limit)
			new_size = limit;
		if ((unsigned long)new_size > SIZE_MAX / sizeof(gid_t))
			return -ENOMEM;

		grown = realloc(*groupsp, (size_t)new_size * sizeof(gid_t));
		if (grown == NULL)
			return -ENOMEM;

		*groupsp = grown;
		*size = new_size;
	}

	(*groupsp)[(*start)++] = gid;
	return 0;
}

/*
 * Adds the config's supplementary groups for the support account. Names
 * that do not resolve are skipped. The names are resolved with no lock
 * held, and a group lookup that reaches this module again only enters
 * _nss_edgesupport_getgrnam_r, which resolves nothing itself, so the
 * lookup cannot deadlock or recurse.
 */
enum nss_status
_nss_edgesupport_initgroups_dyn(const char *user, gid_t group,
    long int *start, long int *size, gid_t **groupsp, long int limit,
    int *errnop)
{
	enum nss_status status = NSS_STATUS_NOTFOUND;
	int saved_errno = errno;
	char **names = NULL;
	bool found;
	gid_t gid;
	size_t i;
	int err = 0;
	int r;

	if (user == NULL || start == NULL || size == NULL ||
	    groupsp == NULL)
		return finish(status, saved_errno, err, errnop);

	names = copy_group_names(user, &found, &err);
	if (!found)
		goto out;
	if (names == NULL) {
		status = NSS_STATUS_TRYAGAIN;
		goto out;
	}

	status = NSS_STATUS_SUCCESS;
	for (i = 0; names[i] != NULL; i++) {
		r = resolve_group(names[i], &gid);
		if (r == 1)
			r = add_gid(gid, group, start, size, groupsp, limit);
		if (r < 0) {
			err = -r;
			status = NSS_STATUS_TRYAGAIN;
			break;
		}
	}

out:
	if (names != NULL)
		for (i = 0; names[i] != NULL; i++)
			free(names[i]);
	free(names);
	return finish(status, saved_errno, err, errnop);
}

/*
 * fork() in one thread while another holds a lock here would leave the
 * child's copy locked forever, so every lock is taken around fork().
 * Order: cursors before the cache, the same order cursor_next() uses.
 */
static void
prepare_fork(void)
{
	lock(&pw_cursor.lock);
	lock(&gr_cursor.lock);
	lock(&sp_cursor.lock);
	lock(&cache.lock);
}

static void
release_after_fork(void)
{
	unlock(&cache.lock);
	unlock(&sp_cursor.lock);
	unlock(&gr_cursor.lock);
	unlock(&pw_cursor.lock);
}

__attribute__((constructor))
static void
module_init(void)
{
	/* Without the handlers only the rare fork-during-lookup case hangs. */
	(void)pthread_atfork(prepare_fork, release_after_fork,
	    release_after_fork);
}

/* Frees the cache when the module is unloaded (dlclose, valgrind). */
__attribute__((destructor))
static void
module_fini(void)
{
	cache_invalidate();
	free(cache.path);
	cache.path = NULL;
	cache.checked = false;
}

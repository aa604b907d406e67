/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The enablement record in the kernel keyring.
 *
 * Keyring layout: the key lives in uid 0's persistent keyring. That keyring
 * grants search only to a possessor, so es_store_open() links it into the
 * calling thread's keyring, which makes the thread a possessor without
 * touching the session keyring that the caller (sshd, su, a systemd
 * service) set up. The thread keyring is dropped on fork() and execve(),
 * so the link never leaks into other programs, and for the same reason a
 * forked child must call es_store_open() again.
 *
 * The kernel destroys a persistent keyring that nobody has asked for in
 * /proc/sys/kernel/keys/persistent_keyring_expiry seconds (3 days by
 * default). Every es_store_open() restarts that period, and a record lasts
 * at most ES_MAX_LIFETIME (24 h), so this never ends a valid record.
 *
 * A new record is built in the thread keyring first (payload, timeout,
 * permissions) and only then linked into the persistent keyring, where the
 * link displaces a previous key of the same description in one step. So
 * readers see the old record or the complete new one, and a new key never
 * appears without its timeout.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "store.h"

/*
 * The serialized record: every integer little-endian, fields in the order
 * of struct es_record, the thumbprint as 40 bytes without NUL.
 */
#define PAYLOAD_LEN \
	(4 + ES_SALT_LEN + ES_VERIFIER_LEN + 4 * 8 + ES_THUMBPRINT_LEN + \
	    3 * 4 + 8)

/*
 * View, read, write, search, link and setattr for a possessor and view,
 * read, write, search and setattr for uid 0 (the owner). Group and others
 * get nothing, so no process of another uid can read the verifier.
 */
#define KEY_PERM \
	(KEY_POS_VIEW | KEY_POS_READ | KEY_POS_WRITE | KEY_POS_SEARCH | \
	    KEY_POS_LINK | KEY_POS_SETATTR | \
	    KEY_USR_VIEW | KEY_USR_READ | KEY_USR_WRITE | KEY_USR_SEARCH | \
	    KEY_USR_SETATTR)

static int64_t
now_seconds(clockid_t clock)
{
	struct timespec ts;

	/* INT64_MAX makes every "has it expired?" check fail closed. */
	if (clock_gettime(clock, &ts) != 0)
		return INT64_MAX;

	return ts.tv_sec;
}

int64_t
es_now_boot(void)
{
	return now_seconds(CLOCK_BOOTTIME);
}

int64_t
es_now_wall(void)
{
	return now_seconds(CLOCK_REALTIME);
}

static int
key_gone(int error)
{
	return error == ENOKEY || error == EKEYEXPIRED || error == EKEYREVOKED;
}

int
es_store_open(struct es_store *st, const struct es_config *cfg,
    key_serial_t keyring, struct es_error *err)
{
	key_serial_t persistent;

	if (st == NULL || cfg == NULL || cfg->key_name == NULL ||
	    cfg->key_name[0] == '\0' || cfg->lock_file == NULL) {
		es_error_set(err, "keyring store: key_name or lock_file is "
		    "missing in the config");
		return -EINVAL;
	}

	st->key_name = cfg->key_name;
	st->lock_file = cfg->lock_file;
	st->lock_fd = -1;
	st->keyring = keyring;
	if (keyring != 0)
		return 0;

	persistent = keyctl_get_persistent(0, KEY_SPEC_THREAD_KEYRING);
	if (persistent < 0) {
		int ret = -errno;

		es_error_set(err, "cannot get uid 0's persistent keyring: %s "
		    "(needs effective uid 0 and a kernel with "
		    "CONFIG_PERSISTENT_KEYRINGS)", strerror(-ret));
		return ret;
	}

	st->keyring = persistent;
	return 0;
}

static int
make_parent_dir(const char *path, struct es_error *err)
{
	char *dir, *slash;
	int ret = 0;

	dir = strdup(path);
	if (dir == NULL)
		return -ENOMEM;

	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		goto out;

	*slash = '\0';
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		ret = -errno;
		es_error_set(err, "cannot create the lock directory %s: %s",
		    dir, strerror(-ret));
	}

out:
	free(dir);
	return ret;
}

/*
 * Takes the exclusive flock on fd, polling so that a holder that never lets
 * go (a setuid su stopped by its caller with SIGSTOP) cannot block
 * disable, expire or other logins forever. Returns 0 or a negative errno,
 * -ETIMEDOUT after ES_LOCK_TIMEOUT_MS.
 */
static int
lock_with_deadline(int fd)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int waited_ms = 0;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		if (waited_ms >= ES_LOCK_TIMEOUT_MS)
			return -ETIMEDOUT;

		nanosleep(&pause, NULL);
		waited_ms += 10;
	}
}

int
es_store_lock(struct es_store *st, struct es_error *err)
{
	struct stat sb;
	int fd, ret;

	if (st == NULL || st->lock_file == NULL)
		return -EINVAL;

	if (st->lock_fd >= 0) {
		es_error_set(err, "lock %s is already held", st->lock_file);
		return -EDEADLK;
	}

	ret = make_parent_dir(st->lock_file, err);
	if (ret < 0)
		return ret;

	fd = open(st->lock_file, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0) {
		ret = -errno;
		es_error_set(err, "cannot open the lock file %s: %s",
		    st->lock_file, strerror(-ret));
		return ret;
	}

	/* Someone who could create the file first could also hold it. */
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_uid != geteuid()) {
		es_error_set(err, "lock file %s is not a regular file owned by "
		    "uid %u; remove it", st->lock_file,
		    (unsigned int)geteuid());
		close(fd);
		return -EPERM;
	}

	ret = lock_with_deadline(fd);
	if (ret < 0) {
		if (ret == -ETIMEDOUT)
			es_error_set(err, "%s is still locked after %d ms: another "
			    "process holds it (stopped?); see /proc/locks",
			    st->lock_file, ES_LOCK_TIMEOUT_MS);
		else
			es_error_set(err, "cannot lock %s: %s", st->lock_file,
			    strerror(-ret));
		close(fd);
		return ret;
	}

	st->lock_fd = fd;
	return 0;
}

void
es_store_unlock(struct es_store *st)
{
	if (st == NULL || st->lock_fd < 0)
		return;

	/* Closing the only descriptor of the open file drops the lock. */
	close(st->lock_fd);
	st->lock_fd = -1;
}

/*
 * SHA-256 fetched once per process (or per load of the PAM module), because
 * EVP_Digest() with EVP_sha256() fetches the implementation on every call.
 * Written only inside sha256_once and by free_sha256(); NULL when the fetch
 * failed, and then every call falls back to EVP_sha256().
 */
static CRYPTO_ONCE sha256_once = CRYPTO_ONCE_STATIC_INIT;
static EVP_MD *sha256_md;

/*
 * Releases sha256_md. glibc ties an atexit() handler to the object that
 * registered it, so this runs when the PAM module is unloaded (dlclose in
 * pam_end) or at exit. No OpenSSL call is allowed after OPENSSL_cleanup().
 * OPENSSL_init_crypto() distinguishes the two cases. It returns 0 once the
 * cleanup has run (crypto/init.c, and tried with Debian 12's OpenSSL 3.0),
 * and 1 at once before, because fetch_sha256() did the same initialization.
 */
static void
free_sha256(void)
{
	if (OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL) == 1)
		EVP_MD_free(sha256_md);
	sha256_md = NULL;
}

/*
 * Fetches SHA-256 and registers free_sha256(). The initialization runs
 * first, as the fetch itself would, so that OpenSSL registers its exit
 * handler before ours and the handlers run in the reverse order.
 */
static void
fetch_sha256(void)
{
	if (OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL) != 1)
		return;

	sha256_md = EVP_MD_fetch(NULL, "SHA2-256", NULL);
	if (sha256_md != NULL && atexit(free_sha256) != 0) {
		/* Without the handler the digest would leak at unload. */
		EVP_MD_free(sha256_md);
		sha256_md = NULL;
	}
}

/* Computes SHA-256(salt || password) into out. Returns 0 or -EIO. */
static int
compute_verifier(const unsigned char salt[ES_SALT_LEN],
    const char *password, size_t len,
    unsigned char out[ES_VERIFIER_LEN])
{
	unsigned char input[ES_SALT_LEN + ES_MAX_PASSWORD_INPUT];
	const EVP_MD *md = EVP_sha256();
	unsigned int out_len = 0;
	int ret = 0;

	if (len > ES_MAX_PASSWORD_INPUT)
		return -EINVAL;

	if (CRYPTO_THREAD_run_once(&sha256_once, fetch_sha256) &&
	    sha256_md != NULL)
		md = sha256_md;

	memcpy(input, salt, ES_SALT_LEN);
	memcpy(input + ES_SALT_LEN, password, len);
	if (EVP_Digest(input, ES_SALT_LEN + len, out, &out_len, md,
	    NULL) != 1 || out_len != ES_VERIFIER_LEN)
		ret = -EIO;

	OPENSSL_cleanse(input, sizeof(input));
	return ret;
}

static int
is_thumbprint(const char *text)
{
	size_t i;

	for (i = 0; i < ES_THUMBPRINT_LEN; i++) {
		char c = text[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
			return 0;
	}

	return text[ES_THUMBPRINT_LEN] == '\0';
}

int
es_record_init(struct es_record *rec, const char *password,
    uint64_t lifetime, const char *thumbprint, uint32_t max_logins)
{
	size_t len;
	int ret;

	if (rec == NULL || password == NULL || thumbprint == NULL)
		return -EINVAL;

	len = strlen(password);
	if (len == 0 || len > ES_MAX_PASSWORD_INPUT || lifetime == 0 ||
	    lifetime > ES_MAX_LIFETIME || !is_thumbprint(thumbprint))
		return -EINVAL;

	memset(rec, 0, sizeof(*rec));
	rec->version = ES_RECORD_VERSION;
	if (RAND_bytes(rec->salt, ES_SALT_LEN) != 1)
		return -EIO;

	ret = compute_verifier(rec->salt, password, len, rec->verifier);
	if (ret < 0)
		return ret;

	rec->enabled_wall = es_now_wall();
	rec->enabled_boot = es_now_boot();
	if (rec->enabled_wall == INT64_MAX || rec->enabled_boot == INT64_MAX)
		return -EIO;

	rec->expires_wall = rec->enabled_wall + (int64_t)lifetime;
	rec->expires_boot = rec->enabled_boot + (int64_t)lifetime;
	memcpy(rec->thumbprint, thumbprint, ES_THUMBPRINT_LEN + 1);
	rec->max_logins = max_logins;
	return 0;
}

int
es_record_verify(const struct es_record *rec, const char *password,
    size_t len)
{
	unsigned char verifier[ES_VERIFIER_LEN];
	int match;

	if (rec == NULL || password == NULL || len == 0 ||
	    len > ES_MAX_PASSWORD_INPUT)
		return 0;

	if (compute_verifier(rec->salt, password, len, verifier) != 0)
		return 0;

	match = CRYPTO_memcmp(verifier, rec->verifier, ES_VERIFIER_LEN) == 0;
	OPENSSL_cleanse(verifier, sizeof(verifier));
	return match;
}

static unsigned char *
put_u32(unsigned char *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		*p++ = (unsigned char)(v >> (8 * i));
	return p;
}

static unsigned char *
put_i64(unsigned char *p, int64_t v)
{
	uint64_t u = (uint64_t)v;
	int i;

	for (i = 0; i < 8; i++)
		*p++ = (unsigned char)(u >> (8 * i));
	return p;
}

static unsigned char *
put_bytes(unsigned char *p, const void *src, size_t len)
{
	memcpy(p, src, len);
	return p + len;
}

static const unsigned char *
get_u32(const unsigned char *p, uint32_t *v)
{
	uint32_t u = 0;
	int i;

	for (i = 0; i < 4; i++)
		u |= (uint32_t)p[i] << (8 * i);
	*v = u;
	return p + 4;
}

static const unsigned char *
get_i64(const unsigned char *p, int64_t *v)
{
	uint64_t u = 0;
	int i;

	for (i = 0; i < 8; i++)
		u |= (uint64_t)p[i] << (8 * i);
	*v = (int64_t)u;
	return p + 8;
}

static const unsigned char *
get_bytes(const unsigned char *p, void *dst, size_t len)
{
	memcpy(dst, p, len);
	return p + len;
}

static void
serialize_record(const struct es_record *rec,
    unsigned char out[PAYLOAD_LEN])
{
	unsigned char *p = out;

	p = put_u32(p, ES_RECORD_VERSION);
	p = put_bytes(p, rec->salt, ES_SALT_LEN);
	p = put_bytes(p, rec->verifier, ES_VERIFIER_LEN);
	p = put_i64(p, rec->enabled_wall);
	p = put_i64(p, rec->enabled_boot);
	p = put_i64(p, rec->expires_wall);
	p = put_i64(p, rec->expires_boot);
	p = put_bytes(p, rec->thumbprint, ES_THUMBPRINT_LEN);
	p = put_u32(p, rec->max_logins);
	p = put_u32(p, rec->logins);
	p = put_u32(p, rec->failures);
	put_i64(p, rec->locked_until_boot);
}

static int
parse_record(const unsigned char *buf, size_t len, struct es_record *rec)
{
	const unsigned char *p = buf;

	if (len != PAYLOAD_LEN)
		return -EBADMSG;

	memset(rec, 0, sizeof(*rec));
	p = get_u32(p, &rec->version);
	if (rec->version != ES_RECORD_VERSION)
		return -EBADMSG;

	p = get_bytes(p, rec->salt, ES_SALT_LEN);
	p = get_bytes(p, rec->verifier, ES_VERIFIER_LEN);
	p = get_i64(p, &rec->enabled_wall);
	p = get_i64(p, &rec->enabled_boot);
	p = get_i64(p, &rec->expires_wall);
	p = get_i64(p, &rec->expires_boot);
	p = get_bytes(p, rec->thumbprint, ES_THUMBPRINT_LEN);
	rec->thumbprint[ES_THUMBPRINT_LEN] = '\0';
	p = get_u32(p, &rec->max_logins);
	p = get_u32(p, &rec->logins);
	p = get_u32(p, &rec->failures);
	get_i64(p, &rec->locked_until_boot);

	if (!is_thumbprint(rec->thumbprint))
		return -EBADMSG;

	/*
	 * Times no enable can write: a lifetime over the maximum, or a lock
	 * that ends later than the longest lockout after the expiry.
	 */
	if (rec->enabled_boot < 0 || rec->expires_boot <= rec->enabled_boot ||
	    rec->expires_boot - rec->enabled_boot > ES_MAX_LIFETIME)
		return -EBADMSG;
	if (rec->locked_until_boot < 0 || rec->locked_until_boot >
	    rec->expires_boot + ES_MAX_LOCKOUT_TIME)
		return -EBADMSG;

	return 0;
}

/*
 * Returns the kernel timeout for rec: the seconds left on CLOCK_BOOTTIME,
 * at least 1 because a timeout of 0 means "none" to the kernel, or 0 when
 * the record has already expired.
 */
static unsigned int
remaining_timeout(const struct es_record *rec)
{
	int64_t now = es_now_boot();

	if (now == INT64_MAX || rec->expires_boot <= now)
		return 0;

	if (rec->expires_boot - now > UINT_MAX)
		return UINT_MAX;

	return (unsigned int)(rec->expires_boot - now);
}

/*
 * Finds the key. Returns its serial, or -ENOKEY with the kernel's reason
 * in *why, or another negative errno.
 */
static key_serial_t
find_key(struct es_store *st, int *why, struct es_error *err)
{
	key_serial_t id;
	int ret;

	id = keyctl_search(st->keyring, "user", st->key_name, 0);
	if (id >= 0)
		return id;

	ret = errno;
	if (key_gone(ret)) {
		if (why != NULL)
			*why = ret;
		return -ENOKEY;
	}

	es_error_set(err, "cannot search keyring %d for key \"%s\": %s",
	    st->keyring, st->key_name, strerror(ret));
	return -ret;
}

/*
 * Sets the timeout and then the permissions of a key that is not visible
 * to readers yet.
 */
static int
seal_new_key(key_serial_t id, unsigned int timeout, struct es_error *err)
{
	int ret;

	if (keyctl_set_timeout(id, timeout) != 0) {
		ret = -errno;
		es_error_set(err, "cannot set the timeout of key %d: %s", id,
		    strerror(-ret));
		return ret;
	}

	if (keyctl_setperm(id, KEY_PERM) != 0) {
		ret = -errno;
		es_error_set(err, "cannot set the permissions of key %d: %s",
		    id, strerror(-ret));
		return ret;
	}

	return 0;
}

int
es_store_put(struct es_store *st, const struct es_record *rec,
    struct es_error *err)
{
	unsigned char payload[PAYLOAD_LEN];
	key_serial_t old_id, id;
	unsigned int timeout;
	int ret;

	if (st == NULL || rec == NULL)
		return -EINVAL;

	timeout = remaining_timeout(rec);
	if (timeout == 0) {
		es_error_set(err, "the record has already expired");
		return -EINVAL;
	}

	old_id = find_key(st, NULL, err);
	if (old_id < 0 && old_id != -ENOKEY)
		return old_id;

	serialize_record(rec, payload);
	id = add_key("user", st->key_name, payload, sizeof(payload),
	    KEY_SPEC_THREAD_KEYRING);
	OPENSSL_cleanse(payload, sizeof(payload));
	if (id < 0) {
		ret = -errno;
		es_error_set(err, "cannot add key \"%s\": %s", st->key_name,
		    strerror(-ret));
		return ret;
	}

	ret = seal_new_key(id, timeout, err);
	if (ret < 0)
		goto out;

	if (keyctl_link(id, st->keyring) != 0) {
		ret = -errno;
		es_error_set(err, "cannot link key \"%s\" into keyring %d: %s",
		    st->key_name, st->keyring, strerror(-ret));
		goto out;
	}

	/*
	 * The link displaced the old key. Revoke it too, so that a reader
	 * that found it a moment ago can neither read nor update it.
	 */
	if (old_id >= 0 && old_id != id)
		keyctl_revoke(old_id);

out:
	if (ret < 0)
		keyctl_revoke(id);
	keyctl_unlink(id, KEY_SPEC_THREAD_KEYRING);
	return ret;
}

int
es_store_get(struct es_store *st, struct es_record *rec, int *why,
    struct es_error *err)
{
	void *buf = NULL;
	key_serial_t id;
	long len;
	int ret;

	if (st == NULL || rec == NULL)
		return -EINVAL;

	id = find_key(st, why, err);
	if (id < 0)
		return id;

	len = keyctl_read_alloc(id, &buf);
	if (len < 0) {
		ret = errno;
		if (key_gone(ret)) {
			if (why != NULL)
				*why = ret;
			return -ENOKEY;
		}

		es_error_set(err, "cannot read key %d (\"%s\"): %s", id,
		    st->key_name, strerror(ret));
		return -ret;
	}

	ret = parse_record(buf, (size_t)len, rec);
	if (ret < 0)
		es_error_set(err, "key \"%s\" holds a corrupt record (%ld "
		    "bytes); run edgesupport-ctl disable and enable again",
		    st->key_name, len);

	OPENSSL_cleanse(buf, (size_t)len);
	free(buf);
	return ret;
}

int
es_store_update(struct es_store *st, const struct es_record *rec,
    struct es_error *err)
{
	unsigned char payload[PAYLOAD_LEN];
	unsigned int timeout;
	key_serial_t id;
	int ret = 0;

	if (st == NULL || rec == NULL)
		return -EINVAL;

	id = find_key(st, NULL, err);
	if (id < 0)
		return id;

	serialize_record(rec, payload);
	if (keyctl_update(id, payload, sizeof(payload)) != 0) {
		ret = -errno;
		if (key_gone(-ret))
			ret = -ENOKEY;
		else
			es_error_set(err, "cannot update key %d (\"%s\"): %s",
			    id, st->key_name, strerror(-ret));
		goto out;
	}

	/*
	 * Updating a "user" key clears its timeout (Linux 6.18 does, and
	 * tests/ctl/test-store checks the result), so set it again from the
	 * record. A record that expired meanwhile is revoked, because the
	 * update made the key valid again.
	 * NOTE: a caller killed between the two calls leaves the key without
	 * a kernel timeout. The record's expires_boot still denies it after
	 * the lifetime in the PAM module, and expire removes it.
	 */
	timeout = remaining_timeout(rec);
	if (timeout == 0) {
		keyctl_revoke(id);
		ret = -ENOKEY;
		goto out;
	}

	if (keyctl_set_timeout(id, timeout) != 0) {
		ret = -errno;
		keyctl_revoke(id);
		es_error_set(err, "cannot set the timeout of key %d: %s; "
		    "the key was revoked", id, strerror(-ret));
	}

out:
	OPENSSL_cleanse(payload, sizeof(payload));
	return ret;
}

int
es_store_remove(struct es_store *st, struct es_error *err)
{
	key_serial_t id;
	int ret;

	if (st == NULL)
		return -EINVAL;

	id = find_key(st, NULL, err);
	if (id == -ENOKEY)
		return 0;
	if (id < 0)
		return id;

	ret = 1;
	if (keyctl_revoke(id) != 0) {
		if (!key_gone(errno)) {
			ret = -errno;
			es_error_set(err, "cannot revoke key %d (\"%s\"): %s",
			    id, st->key_name, strerror(-ret));
			return ret;
		}

		ret = 0;	/* it expired after the search */
	}

	/* A revoked key is already unusable; unlinking only tidies up. */
	keyctl_unlink(id, st->keyring);
	return ret;
}

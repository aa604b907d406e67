/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ES_STORE_H
#define ES_STORE_H

/*
 * The enablement record in the kernel keyring: one key of type "user",
 * described by the config's key_name, in uid 0's persistent keyring. The
 * store finds that keyring with keyctl_get_persistent(), so the PAM module
 * finds the key whatever session keyring its caller has. That includes
 * callers after pam_keyinit force revoke and setuid programs whose real uid
 * is not 0. The key's permissions give view,
 * read, write and search to uid 0 only, and its kernel timeout is the
 * remaining lifetime, so an expired record vanishes even if no timer runs.
 *
 * The record holds a salted SHA-256 verifier of the password, never the
 * password. Readers that change counters (failures, logins) take an
 * exclusive flock(2) on the config's lock_file around read-modify-write, and
 * so do enable and disable, so that concurrent sshd processes count exactly
 * and no authentication succeeds after disable returns.
 */

#include <stdint.h>
#include <keyutils.h>

#include "cert.h"
#include "error.h"
#include "esconfig.h"

#define ES_RECORD_VERSION	1
#define ES_SALT_LEN		16
#define ES_VERIFIER_LEN		32	/* SHA-256 */
#define ES_MAX_PASSWORD_INPUT	512	/* longer input is a failure */

struct es_record {
	uint32_t version;
	unsigned char salt[ES_SALT_LEN];
	unsigned char verifier[ES_VERIFIER_LEN];
	int64_t enabled_wall;	/* CLOCK_REALTIME seconds at enable */
	int64_t enabled_boot;	/* CLOCK_BOOTTIME seconds at enable */
	int64_t expires_wall;	/* CLOCK_REALTIME seconds, for display */
	int64_t expires_boot;	/* CLOCK_BOOTTIME seconds; authoritative */
	char thumbprint[ES_THUMBPRINT_LEN + 1];
	uint32_t max_logins;	/* 0 = unlimited */
	uint32_t logins;	/* successful authentications so far */
	uint32_t failures;	/* consecutive failed authentications */
	int64_t locked_until_boot;	/* CLOCK_BOOTTIME seconds, 0 = none */
};

struct es_store {
	key_serial_t keyring;	/* keyring that holds the key */
	const char *key_name;	/* borrowed from the config */
	const char *lock_file;	/* borrowed from the config */
	int lock_fd;		/* -1 when not locked */
};

/* Seconds on CLOCK_BOOTTIME and CLOCK_REALTIME. */
int64_t es_now_boot(void);
int64_t es_now_wall(void);

/*
 * Finds uid 0's persistent keyring and fills st from cfg. The keyring
 * argument overrides it when non-zero (tests pass a keyring they created).
 * Returns 0 or a negative errno.
 */
int es_store_open(struct es_store *st, const struct es_config *cfg,
    key_serial_t keyring, struct es_error *err);

#define ES_LOCK_TIMEOUT_MS	5000

/*
 * Takes and releases the exclusive lock on st->lock_file. Taking it gives
 * up with -ETIMEDOUT after ES_LOCK_TIMEOUT_MS, so a stopped holder cannot
 * block everyone else. Callers that revoke access then go on without it.
 */
int es_store_lock(struct es_store *st, struct es_error *err);
void es_store_unlock(struct es_store *st);

/*
 * Fills rec with a fresh salt, the verifier of password, the enable times,
 * the expiry after lifetime seconds, the thumbprint and max_logins.
 */
int es_record_init(struct es_record *rec, const char *password,
    uint64_t lifetime, const char *thumbprint, uint32_t max_logins);

/*
 * Returns 1 when password (len bytes, no NUL needed) matches rec's
 * verifier, else 0. Compares with CRYPTO_memcmp().
 */
int es_record_verify(const struct es_record *rec, const char *password,
    size_t len);

/*
 * Stores rec as the key, replacing any previous one at once, and sets the
 * kernel timeout to the remaining lifetime. Returns 0 or a negative errno.
 */
int es_store_put(struct es_store *st, const struct es_record *rec,
    struct es_error *err);

/*
 * Reads the record. Returns 0, -ENOKEY when there is none (missing,
 * expired and revoked keys all read as -ENOKEY, with the kernel's reason in
 * *why when why is not NULL), -EBADMSG for a corrupt payload, or another
 * negative errno.
 */
int es_store_get(struct es_store *st, struct es_record *rec, int *why,
    struct es_error *err);

/*
 * Rewrites the payload of the existing key with rec, keeping its kernel
 * timeout. Fails with -ENOKEY if the key has gone, so a counter update
 * never brings back a disabled record.
 */
int es_store_update(struct es_store *st, const struct es_record *rec,
    struct es_error *err);

/*
 * Revokes and unlinks the key. Returns 1 if a record was removed, 0 if
 * there was none, or a negative errno.
 */
int es_store_remove(struct es_store *st, struct es_error *err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the keyring store against the running kernel: once in a keyring
 * the test creates and once in uid 0's persistent keyring under a key name
 * unique to this run. Needs root.
 *
 * Run as "test-store --probe KEY_NAME THUMBPRINT" it is the helper for the
 * setuid check: it reads the record from the persistent keyring and exits
 * 0 only if the record carries that thumbprint. Run as "test-store
 * --plant-expired KEY_NAME" it stores a record whose lifetime has passed
 * on CLOCK_BOOTTIME for the edgesupport-ctl expire test.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"

#define NOBODY		65534
#define THUMB_A		"0123456789ABCDEF0123456789ABCDEF01234567"
#define THUMB_B		"FEDCBA9876543210FEDCBA9876543210FEDCBA98"
#define PASSWORD_A	"Abcdefghij12345"
#define PASSWORD_B	"Zyxwvutsrq98765"

/* Offset of expires_boot in the serialized record (version 1). */
#define EXPIRES_BOOT_OFFSET	76

static int failures;
static char key_name[64];
static char tmp_dir[64];
static char lock_file[128];

static void
check(int ok, const char *scope, const char *name)
{
	if (ok) {
		printf("ok: %s: %s\n", scope, name);
		return;
	}

	printf("FAIL: %s: %s\n", scope, name);
	failures++;
}

static void __attribute__((noreturn))
fatal(const char *what)
{
	printf("ERROR: %s: %s\n", what, strerror(errno));
	exit(99);
}

static void
open_store(struct es_store *st, key_serial_t keyring)
{
	static struct es_config cfg;
	struct es_error err = { "" };

	cfg.key_name = key_name;
	cfg.lock_file = lock_file;
	if (es_store_open(st, &cfg, keyring, &err) != 0) {
		printf("ERROR: es_store_open: %s\n", err.msg);
		exit(99);
	}
}

static void
make_record(struct es_record *rec, const char *password, uint64_t lifetime,
    const char *thumbprint)
{
	if (es_record_init(rec, password, lifetime, thumbprint, 0) != 0) {
		printf("ERROR: es_record_init failed\n");
		exit(99);
	}
}

/* Returns the serial of the key, or -1 when the search fails. */
static key_serial_t
key_id(struct es_store *st)
{
	return keyctl_search(st->keyring, "user", st->key_name, 0);
}

/*
 * Returns the timeout column of /proc/keys for id ("perm" when the key has
 * none) in buf, or an empty string when the key is not listed.
 */
static const char *
proc_keys_timeout(key_serial_t id, char buf[32])
{
	char line[512], want[16], serial[16], flags[16], usage[16];
	FILE *f;

	buf[0] = '\0';
	snprintf(want, sizeof(want), "%08x", (unsigned int)id);
	f = fopen("/proc/keys", "re");
	if (f == NULL)
		return buf;

	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%15s %15s %15s %31s", serial, flags, usage,
		    buf) == 4 && strcmp(serial, want) == 0)
			break;
		buf[0] = '\0';
	}

	fclose(f);
	return buf;
}

static void
test_record(void)
{
	struct es_record rec;
	char long_password[ES_MAX_PASSWORD_INPUT + 2];

	make_record(&rec, PASSWORD_A, 60, THUMB_A);
	check(rec.version == ES_RECORD_VERSION, "record", "version set");
	check(rec.expires_boot - rec.enabled_boot == 60, "record",
	    "boot expiry is enable time plus lifetime");
	check(rec.expires_wall - rec.enabled_wall == 60, "record",
	    "wall expiry is enable time plus lifetime");
	check(es_record_verify(&rec, PASSWORD_A, 15) == 1, "record",
	    "right password verifies");
	check(es_record_verify(&rec, PASSWORD_B, 15) == 0, "record",
	    "wrong password fails");
	check(es_record_verify(&rec, PASSWORD_A, 14) == 0, "record",
	    "prefix of the password fails");
	check(es_record_verify(&rec, "", 0) == 0, "record",
	    "empty password fails");

	memset(long_password, 'a', sizeof(long_password));
	check(es_record_verify(&rec, long_password, sizeof(long_password)) ==
	    0, "record", "over-long input fails");
	check(es_record_init(&rec, PASSWORD_A, 0, THUMB_A, 0) == -EINVAL,
	    "record", "zero lifetime rejected");
	check(es_record_init(&rec, PASSWORD_A, ES_MAX_LIFETIME + 1, THUMB_A,
	    0) == -EINVAL, "record", "lifetime over 24h rejected");
	check(es_record_init(&rec, PASSWORD_A, 60, "abc", 0) == -EINVAL,
	    "record", "short thumbprint rejected");
}

static void
test_put_get(const char *scope, key_serial_t keyring)
{
	struct es_error err = { "" };
	struct es_record rec, got;
	struct es_store st;
	key_serial_t first, second;
	char desc[256];
	unsigned int perm = 0;
	int why = 0;

	open_store(&st, keyring);
	check(es_store_remove(&st, &err) == 0, scope,
	    "remove with nothing stored returns 0");
	check(es_store_get(&st, &got, &why, &err) == -ENOKEY, scope,
	    "get with nothing stored is -ENOKEY");
	check(why == ENOKEY, scope, "why is ENOKEY when nothing is stored");

	make_record(&rec, PASSWORD_A, 600, THUMB_A);
	rec.max_logins = 7;
	check(es_store_put(&st, &rec, &err) == 0, scope, "put");
	check(es_store_get(&st, &got, NULL, &err) == 0, scope, "get after put");
	check(memcmp(got.salt, rec.salt, ES_SALT_LEN) == 0, scope,
	    "salt round-trips");
	check(got.expires_boot == rec.expires_boot, scope,
	    "expiry round-trips");
	check(got.enabled_wall == rec.enabled_wall, scope,
	    "enable time round-trips");
	check(got.max_logins == 7, scope, "max_logins round-trips");
	check(strcmp(got.thumbprint, THUMB_A) == 0, scope,
	    "thumbprint round-trips");
	check(es_record_verify(&got, PASSWORD_A, 15) == 1, scope,
	    "stored record verifies the right password");
	check(es_record_verify(&got, PASSWORD_B, 15) == 0, scope,
	    "stored record rejects a wrong password");

	first = key_id(&st);
	check(keyctl_describe(first, desc, sizeof(desc)) > 0, scope,
	    "describe the key");
	check(sscanf(desc, "user;0;%*d;%x;", &perm) == 1, scope,
	    "key is a user key owned by uid 0");
	check((perm & 0xffff) == 0, scope, "no group or other permissions");
	check((perm & KEY_USR_READ) != 0, scope, "uid 0 may read the key");

	make_record(&rec, PASSWORD_B, 600, THUMB_B);
	check(es_store_put(&st, &rec, &err) == 0, scope, "put again");
	check(es_store_get(&st, &got, NULL, &err) == 0, scope,
	    "get after second put");
	check(es_record_verify(&got, PASSWORD_A, 15) == 0, scope,
	    "old password fails after replacement");
	check(es_record_verify(&got, PASSWORD_B, 15) == 1, scope,
	    "new password verifies after replacement");
	check(strcmp(got.thumbprint, THUMB_B) == 0, scope,
	    "new thumbprint after replacement");
	second = key_id(&st);
	check(second > 0 && second != first, scope,
	    "replacement is a new key");
	check(keyctl_describe(first, desc, sizeof(desc)) < 0 &&
	    errno == EKEYREVOKED, scope, "replaced key is revoked");

	got.logins = 3;
	got.failures = 2;
	got.locked_until_boot = 12345;
	check(es_store_update(&st, &got, &err) == 0, scope, "update");
	check(es_store_get(&st, &rec, NULL, &err) == 0, scope,
	    "get after update");
	check(rec.logins == 3 && rec.failures == 2, scope,
	    "counters updated");
	check(rec.locked_until_boot == 12345, scope, "lockout updated");

	check(es_store_remove(&st, &err) == 1, scope, "remove returns 1");
	check(keyctl_describe(second, desc, sizeof(desc)) < 0, scope,
	    "removed key is unusable");
	check(es_store_get(&st, &got, &why, &err) == -ENOKEY, scope,
	    "get after remove is -ENOKEY");
	check(es_store_update(&st, &got, &err) == -ENOKEY, scope,
	    "update after remove is -ENOKEY");
	check(es_store_remove(&st, &err) == 0, scope,
	    "second remove returns 0");
}

static void
test_corrupt(const char *scope, key_serial_t keyring)
{
	struct es_error err = { "" };
	struct es_record rec, got;
	struct es_store st;
	unsigned char *raw = NULL;
	key_serial_t id;
	long len;

	open_store(&st, keyring);
	make_record(&rec, PASSWORD_A, 600, THUMB_A);
	check(es_store_put(&st, &rec, &err) == 0, scope, "put for corruption");

	id = key_id(&st);
	len = keyctl_read_alloc(id, (void **)&raw);
	check(len > 8, scope, "read raw payload");
	if (len <= 8)
		return;

	check(keyctl_update(id, raw, (size_t)len - 1) == 0, scope,
	    "truncate payload");
	check(es_store_get(&st, &got, NULL, &err) == -EBADMSG, scope,
	    "short payload is -EBADMSG");

	raw[0] = ES_RECORD_VERSION + 1;
	check(keyctl_update(id, raw, (size_t)len) == 0, scope,
	    "change version byte");
	check(es_store_get(&st, &got, NULL, &err) == -EBADMSG, scope,
	    "unknown version is -EBADMSG");

	free(raw);
	check(es_store_remove(&st, &err) == 1, scope,
	    "remove corrupt record");
}

/* Checks the kernel timeout and that an update does not drop it. */
static void
test_timeouts(const char *scope, key_serial_t keyring)
{
	struct es_error err = { "" };
	struct es_record rec, got;
	struct es_store st;
	char timeout[32];
	key_serial_t id;
	int why = 0;

	open_store(&st, keyring);
	make_record(&rec, PASSWORD_A, 3, THUMB_A);
	check(es_store_put(&st, &rec, &err) == 0, scope, "put 3 s record");
	id = key_id(&st);
	proc_keys_timeout(id, timeout);
	check(strcmp(timeout, "3s") == 0 || strcmp(timeout, "2s") == 0,
	    scope, "kernel timeout set to the lifetime");

	sleep(1);
	check(es_store_get(&st, &got, NULL, &err) == 0, scope,
	    "get before expiry");
	got.logins = 1;
	check(es_store_update(&st, &got, &err) == 0, scope,
	    "update before expiry");
	proc_keys_timeout(id, timeout);
	check(timeout[0] != '\0' && strcmp(timeout, "perm") != 0, scope,
	    "update keeps a kernel timeout");

	sleep(3);
	check(es_store_get(&st, &got, &why, &err) == -ENOKEY, scope,
	    "updated record expires on the kernel timeout");
	check(why == EKEYEXPIRED || why == ENOKEY, scope,
	    "why is EKEYEXPIRED or ENOKEY after expiry");
	check(es_store_update(&st, &got, &err) == -ENOKEY, scope,
	    "update of an expired record is -ENOKEY");
	check(es_store_get(&st, &got, NULL, &err) == -ENOKEY, scope,
	    "failed update does not bring the record back");
}

/* Forks, runs fn in the child and returns its exit status. */
static int
run_child(int (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		fatal("cannot fork");

	if (pid == 0)
		_exit(fn());

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Reads the persistent record; 0 if it carries THUMB_A. */
static int
read_persistent(void)
{
	struct es_error err = { "" };
	struct es_record rec;
	struct es_store st;

	open_store(&st, 0);
	if (es_store_get(&st, &rec, NULL, &err) != 0) {
		printf("child: %s\n", err.msg);
		return 1;
	}

	if (strcmp(rec.thumbprint, THUMB_A) != 0 ||
	    es_record_verify(&rec, PASSWORD_A, 15) != 1)
		return 2;
	return 0;
}

static int
child_fresh_session(void)
{
	if (keyctl_join_session_keyring(NULL) < 0)
		return 10;

	/* Prove that the new session keyring cannot reach uid 0's keys. */
	if (keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", key_name, 0) >= 0)
		return 11;

	return read_persistent();
}

static int
child_revoked_session(void)
{
	if (keyctl_join_session_keyring(NULL) < 0)
		return 10;

	if (keyctl_revoke(KEY_SPEC_SESSION_KEYRING) != 0)
		return 11;

	return read_persistent();
}

static int
child_setresuid(void)
{
	if (setresuid(NOBODY, 0, 0) != 0)
		return 10;

	if (getuid() != NOBODY || geteuid() != 0)
		return 11;

	return read_persistent();
}

static key_serial_t persistent_key_id;
static struct es_store parent_store;

/*
 * The thread keyring that makes the caller a possessor is not inherited
 * by fork(), so a child must open the store again. Returns 0 if it must.
 */
static int
child_inherited_store(void)
{
	struct es_error err = { "" };
	struct es_record rec;

	if (es_store_get(&parent_store, &rec, NULL, &err) == 0)
		return 1;

	return read_persistent();
}

/* A non-root process must not read, view or find the key. */
static int
child_non_root(void)
{
	void *buf = NULL;
	char desc[256];

	if (setresuid(NOBODY, NOBODY, NOBODY) != 0)
		return 10;

	if (keyctl_read_alloc(persistent_key_id, &buf) >= 0)
		return 1;
	if (keyctl_describe(persistent_key_id, desc, sizeof(desc)) >= 0)
		return 2;
	if (keyctl_get_persistent(0, KEY_SPEC_THREAD_KEYRING) >= 0)
		return 3;
	return 0;
}

static char probe_path[128];

/* Execs a setuid-root copy of this program as uid nobody. */
static int
child_exec_setuid(void)
{
	if (setgroups(0, NULL) != 0 || setresgid(NOBODY, NOBODY, NOBODY) != 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) != 0)
		return 10;

	execl(probe_path, probe_path, "--probe", key_name, THUMB_A,
	    (char *)NULL);
	return 12;
}

static int
copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in, out, ret = -1;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;

	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (out < 0)
		goto out;

	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			goto out;

	if (n == 0 && fchmod(out, mode) == 0)
		ret = 0;

out:
	if (out >= 0)
		close(out);
	close(in);
	return ret;
}

static void
test_persistent_access(void)
{
	const char *scope = "persistent";
	struct es_error err = { "" };
	struct es_record rec;
	struct es_store st;

	open_store(&st, 0);
	make_record(&rec, PASSWORD_A, 600, THUMB_A);
	check(es_store_put(&st, &rec, &err) == 0, scope, "put for access");
	persistent_key_id = key_id(&st);
	parent_store = st;

	check(run_child(child_inherited_store) == 0, scope,
	    "forked child must open the store again");

	check(run_child(child_fresh_session) == 0, scope,
	    "readable from a fresh anonymous session keyring");
	check(run_child(child_revoked_session) == 0, scope,
	    "readable after the session keyring is revoked");
	check(run_child(child_setresuid) == 0, scope,
	    "readable with real uid nobody and effective uid 0");
	check(run_child(child_non_root) == 0, scope,
	    "not readable, visible or findable by uid nobody");

	snprintf(probe_path, sizeof(probe_path), "%s/probe", tmp_dir);
	if (copy_file("/proc/self/exe", probe_path, 04755) != 0)
		fatal("cannot copy the setuid probe");
	check(run_child(child_exec_setuid) == 0, scope,
	    "readable from a setuid-root program run by nobody");
	unlink(probe_path);

	check(es_store_remove(&st, &err) == 1, scope, "remove after access");
}

static int
child_try_lock(void)
{
	int fd = open(lock_file, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return 10;
	return flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : 1;
}

static void
test_lock(void)
{
	struct es_error err = { "" };
	struct es_store st;
	struct stat sb;
	char dir[96];

	snprintf(dir, sizeof(dir), "%s/run", tmp_dir);
	open_store(&st, 0);
	check(es_store_lock(&st, &err) == 0, "lock", "take the lock");
	check(stat(dir, &sb) == 0 && (sb.st_mode & 0777) == 0700, "lock",
	    "missing lock directory created with mode 0700");
	check(stat(lock_file, &sb) == 0 && (sb.st_mode & 0777) == 0600,
	    "lock", "lock file has mode 0600");
	check(run_child(child_try_lock) == 1, "lock",
	    "another process cannot take the held lock");
	check(es_store_lock(&st, &err) == -EDEADLK, "lock",
	    "second lock in the same store is rejected");
	es_store_unlock(&st);
	check(st.lock_fd == -1, "lock", "unlock resets lock_fd");
	check(run_child(child_try_lock) == 0, "lock",
	    "another process takes the released lock");
}

static int
probe(const char *name, const char *thumbprint)
{
	struct es_error err = { "" };
	struct es_record rec;
	struct es_store st;

	snprintf(key_name, sizeof(key_name), "%s", name);
	snprintf(lock_file, sizeof(lock_file), "/nonexistent");
	open_store(&st, 0);
	if (es_store_get(&st, &rec, NULL, &err) != 0) {
		printf("probe: %s\n", err.msg);
		return 1;
	}

	return strcmp(rec.thumbprint, thumbprint) == 0 ? 0 : 2;
}

/*
 * Stores a record under name in the persistent keyring whose lifetime has
 * passed on CLOCK_BOOTTIME while its key stays for 120 s, as after the
 * wall clock was set back. Returns 0 or 1.
 */
static int
plant_expired(const char *name)
{
	struct es_error err = { "" };
	struct es_record rec;
	struct es_store st;
	unsigned char *raw = NULL;
	uint64_t past, start;
	key_serial_t id;
	long len;
	int i;

	snprintf(key_name, sizeof(key_name), "%s", name);
	snprintf(lock_file, sizeof(lock_file), "/nonexistent");
	open_store(&st, 0);
	make_record(&rec, PASSWORD_A, 3600, THUMB_A);
	if (es_store_put(&st, &rec, &err) != 0) {
		printf("plant: %s\n", err.msg);
		return 1;
	}

	id = key_id(&st);
	len = keyctl_read_alloc(id, (void **)&raw);
	if (len < EXPIRES_BOOT_OFFSET + 8)
		return 1;

	/* enabled_boot, two fields before expires_boot, moves back too. */
	past = (uint64_t)(es_now_boot() - 10);
	start = past - 3600;
	for (i = 0; i < 8; i++) {
		raw[EXPIRES_BOOT_OFFSET + i] = (unsigned char)(past >> (8 * i));
		raw[EXPIRES_BOOT_OFFSET - 16 + i] =
		    (unsigned char)(start >> (8 * i));
	}

	if (keyctl_update(id, raw, (size_t)len) != 0 ||
	    keyctl_set_timeout(id, 120) != 0)
		return 1;

	free(raw);
	return 0;
}

static void
cleanup(void)
{
	struct es_error err;
	struct es_store st;
	static struct es_config cfg;

	cfg.key_name = key_name;
	cfg.lock_file = lock_file;
	if (es_store_open(&st, &cfg, 0, &err) == 0)
		es_store_remove(&st, &err);

	if (probe_path[0] != '\0')
		unlink(probe_path);
}

int
main(int argc, char **argv)
{
	key_serial_t keyring;
	char name[64], path[160];

	if (argc == 4 && strcmp(argv[1], "--probe") == 0)
		return probe(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "--plant-expired") == 0)
		return plant_expired(argv[2]);

	if (geteuid() != 0) {
		printf("SKIP: needs root (uid 0's persistent keyring)\n");
		return 77;
	}

	snprintf(key_name, sizeof(key_name), "edgesupport-test-%d:otp",
	    (int)getpid());
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/edgesupport-store.XXXXXX");
	if (mkdtemp(tmp_dir) == NULL || chmod(tmp_dir, 0755) != 0)
		fatal("cannot make the temporary directory");
	snprintf(lock_file, sizeof(lock_file), "%s/run/lock", tmp_dir);
	atexit(cleanup);

	snprintf(name, sizeof(name), "edgesupport-test-%d", (int)getpid());
	keyring = add_key("keyring", name, NULL, 0, KEY_SPEC_PROCESS_KEYRING);
	if (keyring < 0)
		fatal("cannot add the test keyring");

	test_record();
	test_lock();
	test_put_get("test keyring", keyring);
	test_corrupt("test keyring", keyring);
	test_put_get("persistent", 0);
	test_corrupt("persistent", 0);
	test_persistent_access();
	test_timeouts("test keyring", keyring);
	test_timeouts("persistent", 0);

	keyctl_revoke(keyring);
	snprintf(path, sizeof(path), "%s/run/lock", tmp_dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/run", tmp_dir);
	rmdir(path);
	rmdir(tmp_dir);

	if (failures != 0) {
		printf("%d check(s) failed\n", failures);
		return 1;
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fault injector, loaded with LD_PRELOAD: makes the Nth call of one chosen
 * function fail the way the real function fails, so that the tests can
 * walk every failure point of a program one run at a time.
 *
 * Environment:
 *   ES_FAULT_FUNC=NAME   the function to fail (a name from sites[] below)
 *   ES_FAULT_NTH=N       fail its Nth call (1-based); unset or 0 only counts
 *   ES_FAULT_ERRNO=E     errno of the failure (ENOKEY, EDQUOT, ... or a
 *                        number) instead of the function's default
 *   ES_FAULT_COUNT=PATH  at exit, append "NAME COUNT" for every function
 *                        called, from the process that loaded the library
 *   ES_FAULT_LOG=PATH    append one line per injected failure: the name,
 *                        N, and the call stack as object:symbol frames
 *   ES_FAULT_TRACE=PATH  append one such line for every counted call of
 *                        ES_FAULT_FUNC, to choose which calls to fail
 *   ES_FAULT_ARM=manual  count nothing until the program calls
 *                        es_fault_arm(), found with dlsym(RTLD_DEFAULT)
 *   ES_FAULT_SYSLOG=PATH append every syslog() message to PATH as well
 *
 * Calls made while the library itself works (logging, backtrace) pass
 * through uncounted. glibc's internal calls (fopen's open, stdio's write,
 * mkostemp's open) bypass the PLT, so the wrappers never see them. malloc
 * is the exception, because glibc calls it through the PLT so that it can
 * be replaced.
 */
#include "config.h"

/* The wrappers replace the functions that fortified headers redirect. */
#undef _FORTIFY_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <unistd.h>

#include <keyutils.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#define MAX_FRAMES	48

/* glibc's own allocator entry points, so malloc needs no dlsym(). */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);

enum site {
	S_MALLOC, S_CALLOC, S_REALLOC,
	S_OPEN, S_OPENAT, S_READ, S_WRITE, S_RENAME, S_FSYNC, S_FLOCK,
	S_MKOSTEMP, S_GETRANDOM,
	S_ADD_KEY, S_KEYCTL_GET_PERSISTENT, S_KEYCTL_SEARCH,
	S_KEYCTL_READ_ALLOC, S_KEYCTL_UPDATE, S_KEYCTL_SET_TIMEOUT,
	S_KEYCTL_SETPERM, S_KEYCTL_LINK, S_KEYCTL_UNLINK, S_KEYCTL_REVOKE,
	S_SYS_KEYCTL, S_SYS_ADD_KEY,
	S_RAND_BYTES, S_RAND_PRIV_BYTES, S_EVP_DIGEST, S_EVP_DIGESTINIT_EX,
	S_EVP_PKEY_CTX_NEW_FROM_PKEY, S_EVP_PKEY_ENCRYPT_INIT,
	S_EVP_PKEY_ENCRYPT, S_EVP_PKEY_DECRYPT, S_EVP_PKEY_CTX_SET_PADDING,
	S_EVP_PKEY_CTX_SET_OAEP_MD, S_EVP_PKEY_CTX_SET_MGF1_MD,
	S_X509_DIGEST, S_I2D_X509, S_D2I_X509, S_PEM_READ_BIO_X509,
	S_BIO_NEW_MEM_BUF, S_EVP_DECODEBLOCK,
	S_COUNT
};

struct site_def {
	const char *name;
	int default_errno;
};

static const struct site_def sites[S_COUNT] = {
	[S_MALLOC] = { "malloc", ENOMEM },
	[S_CALLOC] = { "calloc", ENOMEM },
	[S_REALLOC] = { "realloc", ENOMEM },
	[S_OPEN] = { "open", EACCES },
	[S_OPENAT] = { "openat", EACCES },
	[S_READ] = { "read", EIO },
	[S_WRITE] = { "write", EIO },
	[S_RENAME] = { "rename", EACCES },
	[S_FSYNC] = { "fsync", EIO },
	[S_FLOCK] = { "flock", ENOLCK },
	[S_MKOSTEMP] = { "mkostemp", EACCES },
	[S_GETRANDOM] = { "getrandom", EIO },
	[S_ADD_KEY] = { "add_key", EDQUOT },
	[S_KEYCTL_GET_PERSISTENT] = { "keyctl_get_persistent", EDQUOT },
	[S_KEYCTL_SEARCH] = { "keyctl_search", EDQUOT },
	[S_KEYCTL_READ_ALLOC] = { "keyctl_read_alloc", EDQUOT },
	[S_KEYCTL_UPDATE] = { "keyctl_update", EDQUOT },
	[S_KEYCTL_SET_TIMEOUT] = { "keyctl_set_timeout", EDQUOT },
	[S_KEYCTL_SETPERM] = { "keyctl_setperm", EDQUOT },
	[S_KEYCTL_LINK] = { "keyctl_link", EDQUOT },
	[S_KEYCTL_UNLINK] = { "keyctl_unlink", EDQUOT },
	[S_KEYCTL_REVOKE] = { "keyctl_revoke", EDQUOT },
	[S_SYS_KEYCTL] = { "sys_keyctl", EDQUOT },
	[S_SYS_ADD_KEY] = { "sys_add_key", EDQUOT },
	[S_RAND_BYTES] = { "RAND_bytes", 0 },
	[S_RAND_PRIV_BYTES] = { "RAND_priv_bytes", 0 },
	[S_EVP_DIGEST] = { "EVP_Digest", 0 },
	[S_EVP_DIGESTINIT_EX] = { "EVP_DigestInit_ex", 0 },
	[S_EVP_PKEY_CTX_NEW_FROM_PKEY] = { "EVP_PKEY_CTX_new_from_pkey", 0 },
	[S_EVP_PKEY_ENCRYPT_INIT] = { "EVP_PKEY_encrypt_init", 0 },
	[S_EVP_PKEY_ENCRYPT] = { "EVP_PKEY_encrypt", 0 },
	[S_EVP_PKEY_DECRYPT] = { "EVP_PKEY_decrypt", 0 },
	[S_EVP_PKEY_CTX_SET_PADDING] = { "EVP_PKEY_CTX_set_rsa_padding", 0 },
	[S_EVP_PKEY_CTX_SET_OAEP_MD] = { "EVP_PKEY_CTX_set_rsa_oaep_md", 0 },
	[S_EVP_PKEY_CTX_SET_MGF1_MD] = { "EVP_PKEY_CTX_set_rsa_mgf1_md", 0 },
	[S_X509_DIGEST] = { "X509_digest", 0 },
	[S_I2D_X509] = { "i2d_X509", 0 },
	[S_D2I_X509] = { "d2i_X509", 0 },
	[S_PEM_READ_BIO_X509] = { "PEM_read_bio_X509", 0 },
	[S_BIO_NEW_MEM_BUF] = { "BIO_new_mem_buf", 0 },
	[S_EVP_DECODEBLOCK] = { "EVP_DecodeBlock", 0 },
};

static unsigned long calls[S_COUNT];
static int target = -1;		/* index into sites[], -1 for none */
static unsigned long target_nth;
static int target_errno;
static int armed;
static int tracing;		/* ES_FAULT_TRACE is set */
static pid_t loader_pid;
static __thread int busy;	/* the library is at work: pass through */

/* Exported so that a driver program can arm the counters at its start. */
void es_fault_arm(void);
void es_fault_disarm(void);

void
es_fault_arm(void)
{
	__atomic_store_n(&armed, 1, __ATOMIC_SEQ_CST);
}

void
es_fault_disarm(void)
{
	__atomic_store_n(&armed, 0, __ATOMIC_SEQ_CST);
}

/*
 * Finds name in libkeyutils or libcrypto when they were loaded without
 * RTLD_GLOBAL, as libpam loads a module and its libraries, where
 * dlsym(RTLD_NEXT) does not look.
 */
static void *
symbol_in_local_libraries(const char *name)
{
	static const char *const libraries[] = {
		"libkeyutils.so.1", "libcrypto.so.3",
	};
	void *handle, *sym;
	size_t i;

	for (i = 0; i < sizeof(libraries) / sizeof(libraries[0]); i++) {
		handle = dlopen(libraries[i], RTLD_NOW | RTLD_NOLOAD);
		if (handle == NULL)
			continue;
		sym = dlsym(handle, name);
		dlclose(handle);
		if (sym != NULL)
			return sym;
	}
	return NULL;
}

/* Looks up the next definition of name. dlsym() may allocate, uncounted. */
static void *
real_symbol(const char *name)
{
	int was_busy = busy;
	void *sym;

	busy = 1;
	sym = dlsym(RTLD_NEXT, name);
	if (sym == NULL)
		sym = symbol_in_local_libraries(name);
	busy = was_busy;
	if (sym == NULL) {
		fprintf(stderr, "fault injector: %s not found\n", name);
		abort();
	}
	return sym;
}

#define REAL(type, name) \
	static type real_fn; \
	if (real_fn == NULL) \
		real_fn = (type)real_symbol(name)

/* Writes text to the file named by the environment variable var. */
static void
append_to(const char *var, const char *text)
{
	const char *path = getenv(var);
	int fd;

	if (path == NULL || path[0] == '\0')
		return;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, text, strlen(text)) < 0) {
		/* Nothing to do: the log is only a diagnostic aid. */
	}
	close(fd);
}

/*
 * Appends to the file in var one line with the site's name, the call's
 * number and the stack as object:symbol frames.
 */
static void
log_call(const char *var, enum site s, unsigned long nth)
{
	void *frames[MAX_FRAMES];
	char line[8192];
	size_t used;
	int n, i;

	used = (size_t)snprintf(line, sizeof(line), "%s %lu pid=%ld",
	    sites[s].name, nth, (long)getpid());

	n = backtrace(frames, MAX_FRAMES);
	for (i = 1; i < n && used < sizeof(line) - 2; i++) {
		const char *object = "?", *symbol = "?", *base;
		Dl_info info;

		if (dladdr(frames[i], &info) != 0) {
			if (info.dli_fname != NULL)
				object = info.dli_fname;
			if (info.dli_sname != NULL)
				symbol = info.dli_sname;
		}
		base = strrchr(object, '/');
		base = base != NULL ? base + 1 : object;
		if (strcmp(base, "libesfault.so") == 0)
			continue;
		used += (size_t)snprintf(line + used, sizeof(line) - used,
		    " %s:%s", base, symbol);
	}
	if (used > sizeof(line) - 2)
		used = sizeof(line) - 2;
	line[used++] = '\n';
	line[used] = '\0';

	append_to(var, line);
}

/*
 * Counts a call of site s and returns 1 when it is the one to fail, with
 * errno set to the failure's value, else 0.
 */
static int
should_fail(enum site s)
{
	unsigned long n;

	if (busy || !__atomic_load_n(&armed, __ATOMIC_SEQ_CST))
		return 0;

	n = __atomic_add_fetch(&calls[s], 1, __ATOMIC_SEQ_CST);
	if ((int)s != target)
		return 0;

	busy = 1;
	if (tracing)
		log_call("ES_FAULT_TRACE", s, n);
	if (n == target_nth)
		log_call("ES_FAULT_LOG", s, n);
	busy = 0;
	if (n != target_nth)
		return 0;

	errno = target_errno != 0 ? target_errno : sites[s].default_errno;
	return 1;
}

static int
parse_errno(const char *text)
{
	static const struct { const char *name; int value; } names[] = {
		{ "ENOMEM", ENOMEM }, { "EIO", EIO }, { "EACCES", EACCES },
		{ "ENOKEY", ENOKEY }, { "EDQUOT", EDQUOT },
		{ "EKEYREVOKED", EKEYREVOKED }, { "EKEYEXPIRED", EKEYEXPIRED },
		{ "ENOSPC", ENOSPC }, { "EINTR", EINTR }, { "EPERM", EPERM },
		{ "ENOLCK", ENOLCK },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(text, names[i].name) == 0)
			return names[i].value;
	return atoi(text);
}

__attribute__((constructor))
static void
fault_init(void)
{
	const char *func = getenv("ES_FAULT_FUNC");
	const char *nth = getenv("ES_FAULT_NTH");
	const char *err = getenv("ES_FAULT_ERRNO");
	const char *arm = getenv("ES_FAULT_ARM");
	void *frames[4];
	int i;

	busy = 1;
	loader_pid = getpid();

	/* backtrace() loads libgcc_s on first use, so load it now, unfaulted. */
	backtrace(frames, 4);

	if (func != NULL) {
		for (i = 0; i < S_COUNT; i++)
			if (strcmp(func, sites[i].name) == 0)
				target = i;
		if (target < 0) {
			fprintf(stderr, "fault injector: unknown function "
			    "'%s' in ES_FAULT_FUNC\n", func);
			_exit(99);
		}
	}
	if (nth != NULL)
		target_nth = strtoul(nth, NULL, 10);
	if (err != NULL)
		target_errno = parse_errno(err);
	tracing = getenv("ES_FAULT_TRACE") != NULL;

	busy = 0;
	if (arm == NULL || strcmp(arm, "manual") != 0)
		es_fault_arm();
}

__attribute__((destructor))
static void
fault_fini(void)
{
	char line[128];
	int i;

	if (getpid() != loader_pid)
		return;

	busy = 1;
	for (i = 0; i < S_COUNT; i++) {
		if (calls[i] == 0)
			continue;
		snprintf(line, sizeof(line), "%s %lu\n", sites[i].name,
		    calls[i]);
		append_to("ES_FAULT_COUNT", line);
	}
	busy = 0;
}

/* --- memory --------------------------------------------------------------- */

void *
malloc(size_t size)
{
	if (should_fail(S_MALLOC))
		return NULL;
	return __libc_malloc(size);
}

void *
calloc(size_t n, size_t size)
{
	if (should_fail(S_CALLOC))
		return NULL;
	return __libc_calloc(n, size);
}

void *
realloc(void *ptr, size_t size)
{
	if (should_fail(S_REALLOC))
		return NULL;
	return __libc_realloc(ptr, size);
}

/* --- files ---------------------------------------------------------------- */

/* open() takes a mode only with O_CREAT or O_TMPFILE. */
static mode_t
open_mode(int flags, va_list ap)
{
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		return (mode_t)va_arg(ap, int);
	return 0;
}

#define DEFINE_OPEN(fn) \
int \
fn(const char *path, int flags, ...) \
{ \
	typedef int (*open_fn)(const char *, int, ...); \
	va_list ap; \
	mode_t mode; \
	REAL(open_fn, #fn); \
\
	va_start(ap, flags); \
	mode = open_mode(flags, ap); \
	va_end(ap); \
	if (should_fail(S_OPEN)) \
		return -1; \
	return real_fn(path, flags, mode); \
}

DEFINE_OPEN(open)
DEFINE_OPEN(open64)

#define DEFINE_OPENAT(fn) \
int \
fn(int dirfd, const char *path, int flags, ...) \
{ \
	typedef int (*openat_fn)(int, const char *, int, ...); \
	va_list ap; \
	mode_t mode; \
	REAL(openat_fn, #fn); \
\
	va_start(ap, flags); \
	mode = open_mode(flags, ap); \
	va_end(ap); \
	if (should_fail(S_OPENAT)) \
		return -1; \
	return real_fn(dirfd, path, flags, mode); \
}

DEFINE_OPENAT(openat)
DEFINE_OPENAT(openat64)

/* The _FORTIFY_SOURCE entry points for open() without a mode. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);

int
__open_2(const char *path, int flags)
{
	typedef int (*open2_fn)(const char *, int);
	REAL(open2_fn, "__open_2");

	if (should_fail(S_OPEN))
		return -1;
	return real_fn(path, flags);
}

int
__open64_2(const char *path, int flags)
{
	typedef int (*open2_fn)(const char *, int);
	REAL(open2_fn, "__open64_2");

	if (should_fail(S_OPEN))
		return -1;
	return real_fn(path, flags);
}

ssize_t
read(int fd, void *buf, size_t count)
{
	typedef ssize_t (*read_fn)(int, void *, size_t);
	REAL(read_fn, "read");

	if (should_fail(S_READ))
		return -1;
	return real_fn(fd, buf, count);
}

ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen);

ssize_t
__read_chk(int fd, void *buf, size_t count, size_t buflen)
{
	typedef ssize_t (*read_chk_fn)(int, void *, size_t, size_t);
	REAL(read_chk_fn, "__read_chk");

	if (should_fail(S_READ))
		return -1;
	return real_fn(fd, buf, count, buflen);
}

ssize_t
write(int fd, const void *buf, size_t count)
{
	typedef ssize_t (*write_fn)(int, const void *, size_t);
	REAL(write_fn, "write");

	if (should_fail(S_WRITE))
		return -1;
	return real_fn(fd, buf, count);
}

int
rename(const char *from, const char *to)
{
	typedef int (*rename_fn)(const char *, const char *);
	REAL(rename_fn, "rename");

	if (should_fail(S_RENAME))
		return -1;
	return real_fn(from, to);
}

int
fsync(int fd)
{
	typedef int (*fsync_fn)(int);
	REAL(fsync_fn, "fsync");

	if (should_fail(S_FSYNC))
		return -1;
	return real_fn(fd);
}

int
flock(int fd, int operation)
{
	typedef int (*flock_fn)(int, int);
	REAL(flock_fn, "flock");

	if (should_fail(S_FLOCK))
		return -1;
	return real_fn(fd, operation);
}

int
mkostemp(char *template, int flags)
{
	typedef int (*mkostemp_fn)(char *, int);
	REAL(mkostemp_fn, "mkostemp");

	if (should_fail(S_MKOSTEMP))
		return -1;
	return real_fn(template, flags);
}

ssize_t
getrandom(void *buf, size_t len, unsigned int flags)
{
	typedef ssize_t (*getrandom_fn)(void *, size_t, unsigned int);
	REAL(getrandom_fn, "getrandom");

	if (should_fail(S_GETRANDOM))
		return -1;
	return real_fn(buf, len, flags);
}

/* --- syslog capture --------------------------------------------------------- */

static void
capture_syslog(const char *fmt, va_list ap)
{
	char line[2048];
	int saved = errno;
	size_t len;

	if (busy || getenv("ES_FAULT_SYSLOG") == NULL)
		return;

	busy = 1;
	vsnprintf(line, sizeof(line) - 1, fmt, ap);
	len = strlen(line);
	line[len] = '\n';
	line[len + 1] = '\0';
	append_to("ES_FAULT_SYSLOG", line);
	busy = 0;
	errno = saved;
}

/*
 * Each wrapper formats the message for the capture file and hands the
 * original arguments to glibc's vsyslog(), so errno for %m is kept.
 */
static void
forward_syslog(int priority, const char *fmt, va_list ap)
{
	typedef void (*vsyslog_fn)(int, const char *, va_list);
	va_list copy;
	int saved = errno;
	REAL(vsyslog_fn, "vsyslog");

	va_copy(copy, ap);
	capture_syslog(fmt, copy);
	va_end(copy);
	errno = saved;
	real_fn(priority, fmt, ap);
}

void
syslog(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	forward_syslog(priority, fmt, ap);
	va_end(ap);
}

void
vsyslog(int priority, const char *fmt, va_list ap)
{
	forward_syslog(priority, fmt, ap);
}

void __syslog_chk(int priority, int flag, const char *fmt, ...);
void __vsyslog_chk(int priority, int flag, const char *fmt, va_list ap);

void
__syslog_chk(int priority, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)flag;
	va_start(ap, fmt);
	forward_syslog(priority, fmt, ap);
	va_end(ap);
}

void
__vsyslog_chk(int priority, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	forward_syslog(priority, fmt, ap);
}

/* --- kernel keyring ------------------------------------------------------- */

key_serial_t
add_key(const char *type, const char *description, const void *payload,
    size_t plen, key_serial_t ringid)
{
	typedef key_serial_t (*add_key_fn)(const char *, const char *,
	    const void *, size_t, key_serial_t);
	REAL(add_key_fn, "add_key");

	if (should_fail(S_ADD_KEY))
		return -1;
	return real_fn(type, description, payload, plen, ringid);
}

long
keyctl_get_persistent(uid_t uid, key_serial_t id)
{
	typedef long (*fn_t)(uid_t, key_serial_t);
	REAL(fn_t, "keyctl_get_persistent");

	if (should_fail(S_KEYCTL_GET_PERSISTENT))
		return -1;
	return real_fn(uid, id);
}

long
keyctl_search(key_serial_t ringid, const char *type, const char *description,
    key_serial_t destringid)
{
	typedef long (*fn_t)(key_serial_t, const char *, const char *,
	    key_serial_t);
	REAL(fn_t, "keyctl_search");

	if (should_fail(S_KEYCTL_SEARCH))
		return -1;
	return real_fn(ringid, type, description, destringid);
}

int
keyctl_read_alloc(key_serial_t id, void **buffer)
{
	typedef int (*fn_t)(key_serial_t, void **);
	REAL(fn_t, "keyctl_read_alloc");

	if (should_fail(S_KEYCTL_READ_ALLOC))
		return -1;
	return real_fn(id, buffer);
}

long
keyctl_update(key_serial_t id, const void *payload, size_t plen)
{
	typedef long (*fn_t)(key_serial_t, const void *, size_t);
	REAL(fn_t, "keyctl_update");

	if (should_fail(S_KEYCTL_UPDATE))
		return -1;
	return real_fn(id, payload, plen);
}

long
keyctl_set_timeout(key_serial_t id, unsigned timeout)
{
	typedef long (*fn_t)(key_serial_t, unsigned);
	REAL(fn_t, "keyctl_set_timeout");

	if (should_fail(S_KEYCTL_SET_TIMEOUT))
		return -1;
	return real_fn(id, timeout);
}

long
keyctl_setperm(key_serial_t id, key_perm_t perm)
{
	typedef long (*fn_t)(key_serial_t, key_perm_t);
	REAL(fn_t, "keyctl_setperm");

	if (should_fail(S_KEYCTL_SETPERM))
		return -1;
	return real_fn(id, perm);
}

long
keyctl_link(key_serial_t id, key_serial_t ringid)
{
	typedef long (*fn_t)(key_serial_t, key_serial_t);
	REAL(fn_t, "keyctl_link");

	if (should_fail(S_KEYCTL_LINK))
		return -1;
	return real_fn(id, ringid);
}

long
keyctl_unlink(key_serial_t id, key_serial_t ringid)
{
	typedef long (*fn_t)(key_serial_t, key_serial_t);
	REAL(fn_t, "keyctl_unlink");

	if (should_fail(S_KEYCTL_UNLINK))
		return -1;
	return real_fn(id, ringid);
}

long
keyctl_revoke(key_serial_t id)
{
	typedef long (*fn_t)(key_serial_t);
	REAL(fn_t, "keyctl_revoke");

	if (should_fail(S_KEYCTL_REVOKE))
		return -1;
	return real_fn(id);
}

/*
 * libkeyutils makes every keyring call through syscall(2), so a fault
 * here reaches the calls it makes on its own as well (keyctl_read_alloc
 * reads twice, for example).
 */
long
syscall(long number, ...)
{
	typedef long (*syscall_fn)(long, ...);
	long a[6];
	va_list ap;
	int i;
	REAL(syscall_fn, "syscall");

	va_start(ap, number);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);

	if (number == SYS_keyctl && should_fail(S_SYS_KEYCTL))
		return -1;
	if (number == SYS_add_key && should_fail(S_SYS_ADD_KEY))
		return -1;
	return real_fn(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* --- OpenSSL -------------------------------------------------------------- */

int
RAND_bytes(unsigned char *buf, int num)
{
	typedef int (*fn_t)(unsigned char *, int);
	REAL(fn_t, "RAND_bytes");

	if (should_fail(S_RAND_BYTES))
		return 0;
	return real_fn(buf, num);
}

int
RAND_priv_bytes(unsigned char *buf, int num)
{
	typedef int (*fn_t)(unsigned char *, int);
	REAL(fn_t, "RAND_priv_bytes");

	if (should_fail(S_RAND_PRIV_BYTES))
		return 0;
	return real_fn(buf, num);
}

int
EVP_Digest(const void *data, size_t count, unsigned char *md,
    unsigned int *size, const EVP_MD *type, ENGINE *impl)
{
	typedef int (*fn_t)(const void *, size_t, unsigned char *,
	    unsigned int *, const EVP_MD *, ENGINE *);
	REAL(fn_t, "EVP_Digest");

	if (should_fail(S_EVP_DIGEST))
		return 0;
	return real_fn(data, count, md, size, type, impl);
}

int
EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl)
{
	typedef int (*fn_t)(EVP_MD_CTX *, const EVP_MD *, ENGINE *);
	REAL(fn_t, "EVP_DigestInit_ex");

	if (should_fail(S_EVP_DIGESTINIT_EX))
		return 0;
	return real_fn(ctx, type, impl);
}

EVP_PKEY_CTX *
EVP_PKEY_CTX_new_from_pkey(OSSL_LIB_CTX *libctx, EVP_PKEY *pkey,
    const char *propquery)
{
	typedef EVP_PKEY_CTX *(*fn_t)(OSSL_LIB_CTX *, EVP_PKEY *,
	    const char *);
	REAL(fn_t, "EVP_PKEY_CTX_new_from_pkey");

	if (should_fail(S_EVP_PKEY_CTX_NEW_FROM_PKEY))
		return NULL;
	return real_fn(libctx, pkey, propquery);
}

int
EVP_PKEY_encrypt_init(EVP_PKEY_CTX *ctx)
{
	typedef int (*fn_t)(EVP_PKEY_CTX *);
	REAL(fn_t, "EVP_PKEY_encrypt_init");

	if (should_fail(S_EVP_PKEY_ENCRYPT_INIT))
		return 0;
	return real_fn(ctx);
}

int
EVP_PKEY_encrypt(EVP_PKEY_CTX *ctx, unsigned char *out, size_t *outlen,
    const unsigned char *in, size_t inlen)
{
	typedef int (*fn_t)(EVP_PKEY_CTX *, unsigned char *, size_t *,
	    const unsigned char *, size_t);
	REAL(fn_t, "EVP_PKEY_encrypt");

	if (should_fail(S_EVP_PKEY_ENCRYPT))
		return 0;
	return real_fn(ctx, out, outlen, in, inlen);
}

int
EVP_PKEY_decrypt(EVP_PKEY_CTX *ctx, unsigned char *out, size_t *outlen,
    const unsigned char *in, size_t inlen)
{
	typedef int (*fn_t)(EVP_PKEY_CTX *, unsigned char *, size_t *,
	    const unsigned char *, size_t);
	REAL(fn_t, "EVP_PKEY_decrypt");

	if (should_fail(S_EVP_PKEY_DECRYPT))
		return 0;
	return real_fn(ctx, out, outlen, in, inlen);
}

int
EVP_PKEY_CTX_set_rsa_padding(EVP_PKEY_CTX *ctx, int pad_mode)
{
	typedef int (*fn_t)(EVP_PKEY_CTX *, int);
	REAL(fn_t, "EVP_PKEY_CTX_set_rsa_padding");

	if (should_fail(S_EVP_PKEY_CTX_SET_PADDING))
		return 0;
	return real_fn(ctx, pad_mode);
}

int
EVP_PKEY_CTX_set_rsa_oaep_md(EVP_PKEY_CTX *ctx, const EVP_MD *md)
{
	typedef int (*fn_t)(EVP_PKEY_CTX *, const EVP_MD *);
	REAL(fn_t, "EVP_PKEY_CTX_set_rsa_oaep_md");

	if (should_fail(S_EVP_PKEY_CTX_SET_OAEP_MD))
		return 0;
	return real_fn(ctx, md);
}

int
EVP_PKEY_CTX_set_rsa_mgf1_md(EVP_PKEY_CTX *ctx, const EVP_MD *md)
{
	typedef int (*fn_t)(EVP_PKEY_CTX *, const EVP_MD *);
	REAL(fn_t, "EVP_PKEY_CTX_set_rsa_mgf1_md");

	if (should_fail(S_EVP_PKEY_CTX_SET_MGF1_MD))
		return 0;
	return real_fn(ctx, md);
}

int
X509_digest(const X509 *data, const EVP_MD *type, unsigned char *md,
    unsigned int *len)
{
	typedef int (*fn_t)(const X509 *, const EVP_MD *, unsigned char *,
	    unsigned int *);
	REAL(fn_t, "X509_digest");

	if (should_fail(S_X509_DIGEST))
		return 0;
	return real_fn(data, type, md, len);
}

int
i2d_X509(const X509 *a, unsigned char **out)
{
	typedef int (*fn_t)(const X509 *, unsigned char **);
	REAL(fn_t, "i2d_X509");

	if (should_fail(S_I2D_X509))
		return -1;
	return real_fn(a, out);
}

X509 *
d2i_X509(X509 **a, const unsigned char **in, long len)
{
	typedef X509 *(*fn_t)(X509 **, const unsigned char **, long);
	REAL(fn_t, "d2i_X509");

	if (should_fail(S_D2I_X509))
		return NULL;
	return real_fn(a, in, len);
}

X509 *
PEM_read_bio_X509(BIO *bp, X509 **x, pem_password_cb *cb, void *u)
{
	typedef X509 *(*fn_t)(BIO *, X509 **, pem_password_cb *, void *);
	REAL(fn_t, "PEM_read_bio_X509");

	if (should_fail(S_PEM_READ_BIO_X509))
		return NULL;
	return real_fn(bp, x, cb, u);
}

BIO *
BIO_new_mem_buf(const void *buf, int len)
{
	typedef BIO *(*fn_t)(const void *, int);
	REAL(fn_t, "BIO_new_mem_buf");

	if (should_fail(S_BIO_NEW_MEM_BUF))
		return NULL;
	return real_fn(buf, len);
}

int
EVP_DecodeBlock(unsigned char *t, const unsigned char *f, int n)
{
	typedef int (*fn_t)(unsigned char *, const unsigned char *, int);
	REAL(fn_t, "EVP_DecodeBlock");

	if (should_fail(S_EVP_DECODEBLOCK))
		return -1;
	return real_fn(t, f, n);
}

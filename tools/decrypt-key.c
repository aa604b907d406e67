/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/store.h>
#include <openssl/ui.h>

#include "decrypt.h"

/* State shared with the passphrase callback of OSSL_STORE. */
struct key_source {
	const char *path;
	struct passphrase *pass;
	int passphrase_used;
	int failed;
};

static const int prompt_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU,
};

#define N_PROMPT_SIGNALS \
	(sizeof(prompt_signals) / sizeof(prompt_signals[0]))

static volatile sig_atomic_t caught_signal;

void
passphrase_clear(struct passphrase *pass)
{
	OPENSSL_cleanse(pass, sizeof(*pass));
}

/*
 * Reads one line from fd byte by byte, so nothing after the line is
 * consumed. The newline is dropped. Returns 0, -EINTR when a signal ends
 * the read, -E2BIG for a line longer than PASSPHRASE_MAX, or -errno.
 */
static int
read_line(int fd, struct passphrase *pass)
{
	size_t len = 0;
	ssize_t n;
	char c;

	for (;;) {
		n = read(fd, &c, 1);
		if (n < 0)
			return -errno;
		if (n == 0 || c == '\n')
			break;
		if (len == PASSPHRASE_MAX)
			return -E2BIG;
		pass->text[len++] = c;
	}
	OPENSSL_cleanse(&c, sizeof(c));

	pass->text[len] = '\0';
	pass->len = len;
	pass->set = 1;
	return 0;
}

static int
read_passphrase_file(const char *path, struct passphrase *pass)
{
	int fd;
	int ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		print_error("cannot open passphrase file %s: %s", path,
		    strerror(errno));
		return EXIT_FAILURE;
	}

	ret = read_line(fd, pass);
	close(fd);
	if (ret != 0) {
		print_error("cannot read passphrase file %s: %s", path,
		    ret == -E2BIG ? "first line longer than 1024 bytes" :
		    strerror(-ret));
		return EXIT_FAILURE;
	}
	return 0;
}

static int
read_passphrase_fd(const char *what, int fd, struct passphrase *pass)
{
	int ret;

	ret = read_line(fd, pass);
	if (ret != 0) {
		print_error("cannot read the passphrase from %s: %s", what,
		    ret == -E2BIG ? "first line longer than 1024 bytes" :
		    strerror(-ret));
		return EXIT_FAILURE;
	}
	return 0;
}

static int
copy_passphrase(const char *text, struct passphrase *pass)
{
	size_t len = strlen(text);

	if (len > PASSPHRASE_MAX) {
		print_error("--passin: the passphrase is longer than %d bytes",
		    PASSPHRASE_MAX);
		return EXIT_FAILURE;
	}
	memcpy(pass->text, text, len + 1);
	pass->len = len;
	pass->set = 1;
	return 0;
}

static int
read_passphrase_env(const char *name, struct passphrase *pass)
{
	const char *value = getenv(name);

	if (value == NULL) {
		print_error("--passin env:%s: the environment variable %s is "
		    "not set: export it or use another --passin form", name,
		    name);
		return EXIT_FAILURE;
	}
	return copy_passphrase(value, pass);
}

/* Reads the passphrase for "--passin fd:N"; arg is the whole "fd:N". */
static int
read_passphrase_fd_arg(const char *arg, struct passphrase *pass)
{
	const char *number = arg + 3;
	char *end;
	long fd;

	errno = 0;
	fd = strtol(number, &end, 10);
	if (errno != 0 || end == number || *end != '\0' || fd < 0 ||
	    fd > INT_MAX) {
		print_error("--passin %.40s: not a file descriptor number",
		    arg);
		return EXIT_USAGE;
	}
	return read_passphrase_fd(arg, (int)fd, pass);
}

int
passphrase_read(const char *arg, struct passphrase *pass)
{
	passphrase_clear(pass);

	if (strncmp(arg, "pass:", 5) == 0)
		return copy_passphrase(arg + 5, pass);
	if (strncmp(arg, "env:", 4) == 0)
		return read_passphrase_env(arg + 4, pass);
	if (strncmp(arg, "file:", 5) == 0)
		return read_passphrase_file(arg + 5, pass);
	if (strncmp(arg, "fd:", 3) == 0)
		return read_passphrase_fd_arg(arg, pass);
	if (strcmp(arg, "stdin") == 0)
		return read_passphrase_fd("stdin", STDIN_FILENO, pass);

	print_error("--passin '%.40s': unknown form: use pass:TEXT, env:VAR, "
	    "file:PATH, fd:N or stdin", arg);
	return EXIT_USAGE;
}

static void
record_signal(int sig)
{
	caught_signal = sig;
}

/*
 * Catches the signals that would stop the process while echo is off, so
 * the terminal can be restored first. SA_RESTART is left out so that
 * read() returns EINTR.
 */
static void
catch_prompt_signals(struct sigaction *saved)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = record_signal;
	sigemptyset(&sa.sa_mask);
	caught_signal = 0;
	for (i = 0; i < N_PROMPT_SIGNALS; i++)
		sigaction(prompt_signals[i], &sa, &saved[i]);
}

static void
restore_prompt_signals(const struct sigaction *saved)
{
	size_t i;

	for (i = 0; i < N_PROMPT_SIGNALS; i++)
		sigaction(prompt_signals[i], &saved[i], NULL);
	if (caught_signal != 0)
		raise(caught_signal);
}

/*
 * Prompts on the controlling terminal with echo off. stdin is not used,
 * because it may carry the blob. Returns 0 or -1 after printing why.
 */
static int
prompt_passphrase(const char *path, struct passphrase *pass)
{
	struct sigaction saved[N_PROMPT_SIGNALS];
	struct termios old_mode;
	struct termios quiet_mode;
	int fd;
	int ret;

	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || tcgetattr(fd, &old_mode) != 0) {
		print_error("key file %s is encrypted and there is no terminal "
		    "to ask for its passphrase: pass --passin (for example "
		    "--passin env:VAR or --passin file:PATH)", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}

	quiet_mode = old_mode;
	quiet_mode.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	quiet_mode.c_lflag |= ECHONL;

	catch_prompt_signals(saved);
	dprintf(fd, "Passphrase for %s: ", path);
	ret = tcsetattr(fd, TCSAFLUSH, &quiet_mode);
	if (ret == 0)
		ret = read_line(fd, pass);
	tcsetattr(fd, TCSAFLUSH, &old_mode);
	close(fd);
	restore_prompt_signals(saved);

	if (ret != 0) {
		print_error("cannot read the passphrase for %s from the "
		    "terminal: %s", path, ret == -E2BIG ?
		    "longer than 1024 bytes" : strerror(-ret));
		return -1;
	}
	return 0;
}

/* The pem_password_cb that OSSL_STORE calls when a file is encrypted. */
static int
passphrase_callback(char *buf, int size, int rwflag, void *userdata)
{
	struct key_source *src = userdata;

	(void)rwflag;
	src->passphrase_used = 1;

	if (!src->pass->set && prompt_passphrase(src->path, src->pass) != 0) {
		src->failed = 1;
		return -1;
	}
	if (size < 0 || src->pass->len >= (size_t)size) {
		print_error("the passphrase for %s is too long for OpenSSL",
		    src->path);
		src->failed = 1;
		return -1;
	}

	memcpy(buf, src->pass->text, src->pass->len);
	return (int)src->pass->len;
}

/* Key files are a few KiB; a larger one is not a key and is not read. */
#define KEY_FILE_MAX_SIZE	(1024 * 1024)

/*
 * Opens path once to turn "not found", "permission denied", a directory,
 * a FIFO (opened without blocking) or a huge file into a clear message
 * before OpenSSL reads it.
 */
static int
check_readable(const char *path)
{
	struct stat st;
	int fd;
	int ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT) {
		print_error("key file %s not found: check the --key path",
		    path);
		return -1;
	}
	if (fd < 0) {
		print_error("cannot open key file %s: %s", path,
		    strerror(errno));
		return -1;
	}

	if (fstat(fd, &st) != 0) {
		print_error("cannot stat key file %s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		print_error("key file %s is not a regular file: pass the "
		    "key file itself", path);
		goto out;
	}
	if (st.st_size > KEY_FILE_MAX_SIZE) {
		print_error("key file %s is %lld bytes, more than a key file "
		    "can be (%d): check the --key path", path,
		    (long long)st.st_size, KEY_FILE_MAX_SIZE);
		goto out;
	}
	ret = 0;

out:
	close(fd);
	return ret;
}

/*
 * Fills buf with " (OpenSSL: REASON)" for the last OpenSSL error, or with
 * nothing when OpenSSL gave no reason.
 */
static const char *
openssl_reason(char *buf, size_t size)
{
	const char *reason = ERR_reason_error_string(ERR_peek_last_error());

	if (reason == NULL)
		buf[0] = '\0';
	else
		snprintf(buf, size, " (OpenSSL: %s)", reason);
	return buf;
}

static void
report_no_key(const struct key_source *src, int certs_loaded)
{
	char reason[160];

	if (src->failed)
		return;
	/*
	 * A file whose certificates decrypted with the passphrase had the
	 * right passphrase: it lacks the key (openssl pkcs12 -nokeys).
	 */
	if (src->passphrase_used && certs_loaded == 0)
		print_error("cannot decrypt key file %s: wrong passphrase, or "
		    "the file is damaged%s", src->path,
		    openssl_reason(reason, sizeof(reason)));
	else
		print_error("key file %s contains no readable private key%s: "
		    "pass a PEM, PKCS#8 or PKCS#12 file with the RSA private "
		    "key", src->path, openssl_reason(reason, sizeof(reason)));
}

/*
 * Reads every object of the store. Keeps the first private key and the
 * certificates, so that the one matching the key can be picked afterwards.
 * The bound on the number of reads guards against a loader that reports
 * errors without ever reaching the end.
 */
static void
load_objects(OSSL_STORE_CTX *store, EVP_PKEY **pkey, STACK_OF(X509) *certs)
{
	OSSL_STORE_INFO *info;
	X509 *cert;
	int reads;

	for (reads = 0; reads < 10000 && !OSSL_STORE_eof(store); reads++) {
		info = OSSL_STORE_load(store);
		if (info == NULL)
			continue;

		switch (OSSL_STORE_INFO_get_type(info)) {
		case OSSL_STORE_INFO_PKEY:
			if (*pkey == NULL)
				*pkey = OSSL_STORE_INFO_get1_PKEY(info);
			break;
		case OSSL_STORE_INFO_CERT:
			cert = OSSL_STORE_INFO_get1_CERT(info);
			if (cert != NULL && !sk_X509_push(certs, cert))
				X509_free(cert);
			break;
		default:
			break;
		}
		OSSL_STORE_INFO_free(info);
	}
}

static X509 *
find_matching_cert(STACK_OF(X509) *certs, EVP_PKEY *pkey)
{
	X509 *cert;
	int i;

	for (i = 0; i < sk_X509_num(certs); i++) {
		cert = sk_X509_value(certs, i);
		if (EVP_PKEY_eq(X509_get0_pubkey(cert), pkey) == 1) {
			X509_up_ref(cert);
			return cert;
		}
	}
	return NULL;
}

int
key_load(const char *path, struct passphrase *pass, EVP_PKEY **pkey,
    X509 **cert)
{
	struct key_source src = { .path = path, .pass = pass };
	STACK_OF(X509) *certs = NULL;
	char reason[160];
	OSSL_STORE_CTX *store = NULL;
	UI_METHOD *ui = NULL;
	int ret = -1;

	*pkey = NULL;
	*cert = NULL;

	if (check_readable(path) != 0)
		return -1;

	ui = UI_UTIL_wrap_read_pem_callback(passphrase_callback, 0);
	certs = sk_X509_new_null();
	if (ui == NULL || certs == NULL) {
		print_error("out of memory loading key file %s", path);
		goto out;
	}

	store = OSSL_STORE_open_ex(path, NULL, NULL, ui, &src, NULL, NULL,
	    NULL);
	if (store == NULL) {
		print_error("cannot open key file %s as a key store%s", path,
		    openssl_reason(reason, sizeof(reason)));
		goto out;
	}

	load_objects(store, pkey, certs);
	if (*pkey == NULL) {
		report_no_key(&src, sk_X509_num(certs));
		goto out;
	}

	*cert = find_matching_cert(certs, *pkey);
	ret = 0;

out:
	OSSL_STORE_close(store);
	sk_X509_pop_free(certs, X509_free);
	UI_destroy_method(ui);
	ERR_clear_error();
	return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pamtest.h"

/* Thumbprint stored with test records; the module never checks it. */
#define PT_THUMBPRINT	"0123456789ABCDEF0123456789ABCDEF01234567"

/* Only the process that called pt_init() cleans up, never a child. */
static struct pt_env *cleanup_env;
static pid_t cleanup_pid;

__attribute__((format(printf, 1, 2), noreturn))
static void
pt_die(const char *fmt, ...)
{
	va_list ap;

	fputs("ERROR: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(PT_EXIT_ERROR);
}

static void
pt_load_config(struct pt_env *env, struct es_config *cfg)
{
	struct es_error err = { "" };

	if (es_config_load(env->config, cfg, &err) < 0)
		pt_die("test config rejected: %s", err.msg);
}

static void
pt_open_store(struct pt_env *env, struct es_config *cfg, struct es_store *st)
{
	struct es_error err = { "" };

	pt_load_config(env, cfg);
	if (es_store_open(st, cfg, 0, &err) < 0)
		pt_die("es_store_open: %s", err.msg);
}

static int
pt_remove_entry(const char *path, const struct stat *sb, int type,
    struct FTW *ftw)
{
	(void)sb;
	(void)ftw;

	if (type == FTW_DP)
		return rmdir(path);

	return unlink(path);
}

/* Removes the record without exiting on error, as atexit() requires. */
static void
pt_remove_record(struct pt_env *env)
{
	struct es_error err = { "" };
	struct es_config cfg;
	struct es_store st;

	if (es_config_load(env->config, &cfg, &err) < 0)
		return;

	if (es_store_open(&st, &cfg, 0, &err) == 0 &&
	    es_store_lock(&st, &err) == 0) {
		es_store_remove(&st, &err);
		es_store_unlock(&st);
	}
	es_config_free(&cfg);
}

static void
pt_cleanup(void)
{
	struct pt_env *env = cleanup_env;

	if (env == NULL || getpid() != cleanup_pid)
		return;

	cleanup_env = NULL;
	pt_remove_record(env);
	nftw(env->dir, pt_remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

void
pt_init(struct pt_env *env, const char *name)
{
	int n;

	memset(env, 0, sizeof(*env));
	if (geteuid() != 0) {
		printf("SKIP: needs root (kernel keyring of uid 0)\n");
		exit(PT_EXIT_SKIP);
	}

	snprintf(env->module, sizeof(env->module),
	    "%s/pam_edgesupport/.libs/pam_edgesupport.so", PT_TOP_BUILDDIR);
	if (access(env->module, R_OK) != 0)
		pt_die("module %s not built: %s", env->module, strerror(errno));

	n = snprintf(env->dir, sizeof(env->dir), "%s/tests/pam/tmp-%s.XXXXXX",
	    PT_TOP_BUILDDIR, name);
	if (n < 0 || (size_t)n >= sizeof(env->dir))
		pt_die("build directory path too long");
	if (mkdtemp(env->dir) == NULL)
		pt_die("mkdtemp %s: %s", env->dir, strerror(errno));

	snprintf(env->config, sizeof(env->config), "%s/edgesupport.conf",
	    env->dir);
	snprintf(env->lock_file, sizeof(env->lock_file), "%s/lock", env->dir);
	snprintf(env->key_name, sizeof(env->key_name),
	    "edgesupport-test-%ld-%s:otp", (long)getpid(), name);
	env->user = PT_USER;

	cleanup_env = env;
	cleanup_pid = getpid();
	atexit(pt_cleanup);
	pt_write_config(env, NULL);
}

static void
pt_write_file(const char *path, const char *text)
{
	char tmp[PATH_MAX + 8];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL)
		pt_die("cannot create %s: %s", tmp, strerror(errno));
	if (fputs(text, f) == EOF || fclose(f) != 0)
		pt_die("cannot write %s: %s", tmp, strerror(errno));
	if (rename(tmp, path) != 0)
		pt_die("cannot rename %s: %s", tmp, strerror(errno));
}

void
pt_write_config(struct pt_env *env, const char *extra)
{
	char text[4096];
	int n;

	n = snprintf(text, sizeof(text),
	    "# pam_edgesupport test config\n"
	    "user = %s\n"
	    "uid = 64990\n"
	    "gid = 64990\n"
	    "key_name = %s\n"
	    "lock_file = %s\n"
	    "%s",
	    env->user, env->key_name, env->lock_file, extra != NULL ? extra : "");
	if (n < 0 || (size_t)n >= sizeof(text))
		pt_die("test config too long");

	pt_write_file(env->config, text);
}

/*
 * Returns the text that replaces the marker at p, or NULL when p starts
 * with no marker; *marker_len is the marker's length.
 */
static const char *
pt_marker_text(struct pt_env *env, const char *p, size_t *marker_len,
    char *buf, size_t size)
{
	if (strncmp(p, "@MODULE@", 8) == 0) {
		*marker_len = 8;
		snprintf(buf, size, "%s config=%s", env->module, env->config);
		return buf;
	}
	return NULL;
}

void
pt_write_service(struct pt_env *env, const char *service, const char *text)
{
	char path[PATH_MAX];
	char buf[2 * PATH_MAX + 16];
	char out[16384];
	size_t used = 0;
	size_t marker_len;
	const char *p;
	const char *add;
	size_t add_len;

	p = text;
	while (*p != '\0') {
		add = pt_marker_text(env, p, &marker_len, buf, sizeof(buf));
		if (add != NULL) {
			add_len = strlen(add);
		} else {
			add = p;
			add_len = 1;
			marker_len = 1;
		}

		if (used + add_len + 1 > sizeof(out))
			pt_die("service file %s too long", service);
		memcpy(out + used, add, add_len);
		used += add_len;
		p += marker_len;
	}
	out[used] = '\0';

	snprintf(path, sizeof(path), "%s/%s", env->dir, service);
	pt_write_file(path, out);
}

void
pt_enable(struct pt_env *env, const char *password, uint64_t lifetime,
    uint32_t max_logins)
{
	struct es_error err = { "" };
	struct es_config cfg;
	struct es_record rec;
	struct es_store st;
	int ret;

	pt_open_store(env, &cfg, &st);
	ret = es_record_init(&rec, password, lifetime, PT_THUMBPRINT,
	    max_logins);
	if (ret < 0)
		pt_die("es_record_init: %s", strerror(-ret));

	if (es_store_lock(&st, &err) < 0)
		pt_die("es_store_lock: %s", err.msg);
	ret = es_store_put(&st, &rec, &err);
	es_store_unlock(&st);
	if (ret < 0)
		pt_die("es_store_put: %s", err.msg);

	es_config_free(&cfg);
}

int
pt_disable(struct pt_env *env)
{
	struct es_error err = { "" };
	struct es_config cfg;
	struct es_store st;
	int ret;

	pt_open_store(env, &cfg, &st);
	ret = es_store_lock(&st, &err);
	if (ret == 0) {
		ret = es_store_remove(&st, &err);
		es_store_unlock(&st);
	}

	es_config_free(&cfg);
	return ret;
}

int
pt_get_record(struct pt_env *env, struct es_record *rec)
{
	struct es_error err = { "" };
	struct es_config cfg;
	struct es_store st;
	int ret;

	pt_open_store(env, &cfg, &st);
	ret = es_store_get(&st, rec, NULL, &err);
	es_config_free(&cfg);
	return ret;
}

static void
pt_append_message(struct pt_env *env, const char *msg)
{
	size_t used = strlen(env->messages);

	snprintf(env->messages + used, sizeof(env->messages) - used, "%s\n",
	    msg != NULL ? msg : "");
}

/* Answers every prompt with env->password and collects the messages. */
static int
pt_conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *appdata)
{
	struct pt_env *env = appdata;
	struct pam_response *out;
	int i;

	out = calloc((size_t)n, sizeof(*out));
	if (out == NULL)
		return PAM_BUF_ERR;

	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			env->prompts++;
			if (env->password == NULL)
				goto fail;
			out[i].resp = strdup(env->password);
			if (out[i].resp == NULL)
				goto fail;
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			pt_append_message(env, msg[i]->msg);
			break;
		default:
			goto fail;
		}
	}

	*resp = out;
	return PAM_SUCCESS;

fail:
	for (i = 0; i < n; i++)
		free(out[i].resp);
	free(out);
	return PAM_CONV_ERR;
}

pam_handle_t *
pt_start(struct pt_env *env, const char *service, const char *user,
    const char *password)
{
	pam_handle_t *pamh = NULL;
	int rc;

	env->password = password;
	env->prompts = 0;
	env->messages[0] = '\0';
	env->conv.conv = pt_conv;
	env->conv.appdata_ptr = env;

	rc = pam_start_confdir(service, user, &env->conv, env->dir, &pamh);
	if (rc != PAM_SUCCESS)
		pt_die("pam_start_confdir(%s): %s", service,
		    pam_strerror(NULL, rc));

	return pamh;
}

int
pt_phase(pam_handle_t *pamh, enum pt_phase phase, int flags)
{
	switch (phase) {
	case PT_AUTH:
		return pam_authenticate(pamh, flags);
	case PT_ACCOUNT:
		return pam_acct_mgmt(pamh, flags);
	case PT_OPEN_SESSION:
		return pam_open_session(pamh, flags);
	case PT_CLOSE_SESSION:
		return pam_close_session(pamh, flags);
	case PT_SETCRED:
		return pam_setcred(pamh, flags | PAM_ESTABLISH_CRED);
	case PT_CHAUTHTOK:
		return pam_chauthtok(pamh, flags);
	}

	return PAM_SYSTEM_ERR;
}

int
pt_run(struct pt_env *env, const char *service, const char *user,
    const char *password, enum pt_phase phase, int flags)
{
	pam_handle_t *pamh;
	int rc;

	pamh = pt_start(env, service, user, password);
	rc = pt_phase(pamh, phase, flags);
	pam_end(pamh, rc);
	return rc;
}

int
pt_run_parallel(struct pt_env *env, const char *service, const char *user,
    const char *password, int n)
{
	int gate[2];
	int started = 0;
	int successes = 0;
	int status;
	pid_t pid;
	char c;
	int i;

	if (pipe(gate) != 0)
		return -1;
	fflush(stdout);

	/* Children block on the pipe until the parent closes it. */
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			break;
		if (pid == 0) {
			close(gate[1]);
			if (read(gate[0], &c, 1) < 0)
				_exit(2);
			_exit(pt_run(env, service, user, password, PT_AUTH, 0) ==
			    PAM_SUCCESS ? 0 : 1);
		}
		started++;
	}

	close(gate[0]);
	close(gate[1]);
	while (wait(&status) > 0) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			successes++;
	}

	return started == n ? successes : -1;
}

void
pt_check(struct pt_env *env, bool cond, const char *name, const char *fmt,
    ...)
{
	va_list ap;

	if (cond) {
		printf("ok: %s\n", name);
		return;
	}

	env->failures++;
	printf("FAIL: %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void
pt_check_rc(struct pt_env *env, int got, int want, const char *name)
{
	pt_check(env, got == want, name, "got %d (%s), expected %d (%s)", got,
	    pam_strerror(NULL, got), want, pam_strerror(NULL, want));
}

double
pt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
pt_finish(struct pt_env *env)
{
	int failures = env->failures;

	pt_cleanup();
	if (failures != 0) {
		printf("%d check(s) failed\n", failures);
		return 1;
	}

	return 0;
}

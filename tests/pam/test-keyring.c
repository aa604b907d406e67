/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pam_edgesupport finds the record whatever session keyring its caller
 * has: a fresh anonymous one (systemd's KeyringMode=private), one that
 * pam_keyinit replaced and then revoked (sshd's "force revoke"), and in a
 * setuid-style process whose real uid is not 0.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keyutils.h>

#include "pamtest.h"

static const char service_text[] =
	"auth required @MODULE@ nodelay\n"
	"account required @MODULE@\n"
	"session required pam_keyinit.so force revoke\n"
	"session required @MODULE@\n";

/*
 * Runs one login as sshd does: auth, open_session (pam_keyinit replaces
 * the session keyring), account after that, close_session (pam_keyinit
 * revokes the keyring it made).
 */
static void
check_login(struct pt_env *env)
{
	key_serial_t before, during;
	pam_handle_t *pamh;
	int rc;

	before = keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
	pamh = pt_start(env, "keyinit", PT_USER, PT_PASSWORD);

	rc = pt_phase(pamh, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "auth in anonymous session keyring");

	rc = pt_phase(pamh, PT_OPEN_SESSION, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "open_session with pam_keyinit");

	during = keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
	pt_check(env, during > 0 && during != before,
	    "pam_keyinit replaced session keyring", "before %d, during %d",
	    before, during);

	rc = pt_phase(pamh, PT_ACCOUNT, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "account after pam_keyinit");

	rc = pt_phase(pamh, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "auth after pam_keyinit");

	rc = pt_phase(pamh, PT_CLOSE_SESSION, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "close_session with pam_keyinit");
	pam_end(pamh, rc);

	rc = pt_run(env, "keyinit", PT_USER, PT_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "auth after keyring revoked");

	rc = pt_run(env, "keyinit", PT_USER, NULL, PT_ACCOUNT, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "account after keyring revoked");

	rc = pt_run(env, "keyinit", PT_USER, "wrong-password", PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "wrong password after revoke");
}

/*
 * pam_keyinit looks the user up with getpwnam(), so the child gets a
 * private mount namespace with a copy of /etc/passwd that lists the
 * support account bind-mounted over the real one. The host file is not
 * touched.
 */
static int
add_support_account(struct pt_env *env)
{
	char path[PATH_MAX];
	char line[512];
	FILE *in, *out;

	snprintf(path, sizeof(path), "%s/passwd", env->dir);
	in = fopen("/etc/passwd", "r");
	out = fopen(path, "w");
	if (in == NULL || out == NULL)
		return -1;

	while (fgets(line, sizeof(line), in) != NULL)
		fputs(line, out);
	fprintf(out, PT_USER ":x:64990:64990::/nonexistent:/usr/sbin/nologin\n");
	fclose(in);
	if (fclose(out) != 0)
		return -1;

	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount(path, "/etc/passwd", NULL, MS_BIND, NULL) != 0)
		return -1;

	return 0;
}

/*
 * Child body: joins a new anonymous session keyring, so that neither root's
 * user keyring nor the parent's thread keyring (which fork() does not
 * copy) can lead to the key. Exits with the number of failed checks.
 */
static void
run_in_fresh_keyring(struct pt_env *env, uid_t real_uid)
{
	key_serial_t found;

	env->failures = 0;
	if (add_support_account(env) != 0) {
		printf("FAIL: add support account in mount namespace: %s\n",
		    strerror(errno));
		_exit(1);
	}

	if (keyctl_join_session_keyring(NULL) < 0) {
		printf("FAIL: join anonymous session keyring: %s\n",
		    strerror(errno));
		_exit(1);
	}

	found = keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", env->key_name,
	    0);
	pt_check(env, found < 0, "key not reachable from session keyring",
	    "found key %d", found);

	if (real_uid != 0 && setresuid(real_uid, 0, 0) != 0) {
		printf("FAIL: setresuid(%d, 0, 0): %s\n", (int)real_uid,
		    strerror(errno));
		_exit(1);
	}

	check_login(env);
	fflush(stdout);
	_exit(env->failures > 100 ? 100 : env->failures);
}

static void
check_in_child(struct pt_env *env, uid_t real_uid, const char *name)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		pt_check(env, false, name, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0)
		run_in_fresh_keyring(env, real_uid);

	if (waitpid(pid, &status, 0) != pid) {
		pt_check(env, false, name, "waitpid: %s", strerror(errno));
		return;
	}

	pt_check(env, WIFEXITED(status) && WEXITSTATUS(status) == 0, name,
	    "child status 0x%x", status);
}

int
main(void)
{
	struct pt_env env;

	pt_init(&env, "keyring");
	pt_write_service(&env, "keyinit", service_text);
	pt_enable(&env, PT_PASSWORD, 300, 0);

	check_in_child(&env, 0, "login in anonymous session keyring");
	check_in_child(&env, 65534, "login with real uid 65534");

	return pt_finish(&env);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test driver: runs PAM phases through libpam with pam_start_confdir(), so
 * the service files come from a test directory and no system file is
 * touched. Used by the fault, race, bad-input and secrets tests.
 *
 *   pam-run now
 *   pam-run [-d DIR] [-s SERVICE] [-u USER] [-p FILE|-] [-a TIME] [-f]
 *           PHASE...
 *   pam-run [-d DIR] [-s SERVICE] [-u USER] -g FILE -l SECONDS [-a TIME]
 *
 * "now" prints CLOCK_MONOTONIC in seconds. PHASE is auth or account; the
 * phases run in one transaction and each prints "PHASE: CODE NAME". The
 * exit status is 0 when every phase returned PAM_SUCCESS, else the PAM
 * code of the first phase that did not, or 99 for a setup error.
 *
 * -p FILE: the password is the whole file (or stdin for "-"), byte for
 * byte. A NUL byte ends it, because PAM passes passwords as C strings.
 * -a TIME: wait until CLOCK_MONOTONIC reaches TIME, so that parallel runs
 * start together. -f: count and fail calls (tests/fault/fault.c) only
 * during the phases, not during pam_start_confdir() and pam_end().
 *
 * -l SECONDS: authenticate again and again for SECONDS, each time with
 * the password in FILE ("GENERATION PASSWORD" on one line, replaced by
 * rename), printing "START END GENERATION CODE" per attempt with the
 * times on CLOCK_MONOTONIC taken before reading FILE and after the call.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#define EXIT_SETUP	99
#define PASSWORD_MAX	(64 * 1024)

struct run {
	const char *confdir;
	const char *service;
	const char *user;
	char *password;		/* NULL: answer no prompt */
	int arm_faults;
};

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
wait_until(double when)
{
	struct timespec ts;

	if (when <= 0)
		return;
	ts.tv_sec = (time_t)when;
	ts.tv_nsec = (long)((when - (double)ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
	    NULL) == EINTR)
		continue;
}

static const char *
pam_code_name(int code)
{
	switch (code) {
	case PAM_SUCCESS: return "PAM_SUCCESS";
	case PAM_AUTH_ERR: return "PAM_AUTH_ERR";
	case PAM_PERM_DENIED: return "PAM_PERM_DENIED";
	case PAM_IGNORE: return "PAM_IGNORE";
	case PAM_USER_UNKNOWN: return "PAM_USER_UNKNOWN";
	case PAM_MAXTRIES: return "PAM_MAXTRIES";
	case PAM_CRED_INSUFFICIENT: return "PAM_CRED_INSUFFICIENT";
	case PAM_AUTHINFO_UNAVAIL: return "PAM_AUTHINFO_UNAVAIL";
	case PAM_ACCT_EXPIRED: return "PAM_ACCT_EXPIRED";
	case PAM_NEW_AUTHTOK_REQD: return "PAM_NEW_AUTHTOK_REQD";
	case PAM_BUF_ERR: return "PAM_BUF_ERR";
	case PAM_CONV_ERR: return "PAM_CONV_ERR";
	case PAM_SYSTEM_ERR: return "PAM_SYSTEM_ERR";
	case PAM_SERVICE_ERR: return "PAM_SERVICE_ERR";
	case PAM_INCOMPLETE: return "PAM_INCOMPLETE";
	case PAM_ABORT: return "PAM_ABORT";
	default: return "PAM_OTHER";
	}
}

/* Answers every prompt with the password and prints every message. */
static int
converse(int n, const struct pam_message **msg, struct pam_response **resp,
    void *appdata)
{
	struct run *run = appdata;
	struct pam_response *out;
	int i;

	out = calloc((size_t)n, sizeof(*out));
	if (out == NULL)
		return PAM_BUF_ERR;

	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			if (run->password == NULL)
				goto fail;
			out[i].resp = strdup(run->password);
			if (out[i].resp == NULL)
				goto fail;
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			fprintf(stderr, "message: %s\n", msg[i]->msg);
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

/* Calls es_fault_arm() or es_fault_disarm() when the injector is loaded. */
static void
set_faults(int on)
{
	void (*fn)(void);

	*(void **)&fn = dlsym(RTLD_DEFAULT, on ? "es_fault_arm" :
	    "es_fault_disarm");
	if (fn != NULL)
		fn();
}

/* Reads a password of up to PASSWORD_MAX bytes, which a NUL byte ends. */
static char *
read_password(const char *path)
{
	FILE *file = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf;
	size_t len;

	if (file == NULL) {
		fprintf(stderr, "pam-run: cannot open %s: %s\n", path,
		    strerror(errno));
		return NULL;
	}

	buf = calloc(1, PASSWORD_MAX + 1);
	if (buf == NULL) {
		fprintf(stderr, "pam-run: out of memory\n");
		goto out;
	}
	len = fread(buf, 1, PASSWORD_MAX, file);
	buf[len] = '\0';

out:
	if (file != stdin)
		fclose(file);
	return buf;
}

static int
run_phase(pam_handle_t *pamh, const char *phase)
{
	if (strcmp(phase, "auth") == 0)
		return pam_authenticate(pamh, 0);
	if (strcmp(phase, "account") == 0)
		return pam_acct_mgmt(pamh, 0);

	fprintf(stderr, "pam-run: unknown phase '%s': use auth or account\n",
	    phase);
	return -1;
}

static int
run_phases(struct run *run, int count, char **phases)
{
	struct pam_conv conv = { converse, run };
	pam_handle_t *pamh = NULL;
	int i, rc, status = 0;

	rc = pam_start_confdir(run->service, run->user, &conv, run->confdir,
	    &pamh);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "pam-run: pam_start_confdir: %s\n",
		    pam_strerror(NULL, rc));
		return EXIT_SETUP;
	}

	if (run->arm_faults)
		set_faults(1);
	for (i = 0; i < count; i++) {
		rc = run_phase(pamh, phases[i]);
		if (rc < 0) {
			status = EXIT_SETUP;
			break;
		}
		printf("%s: %d %s\n", phases[i], rc, pam_code_name(rc));
		if (rc != PAM_SUCCESS && status == 0)
			status = rc;
	}
	if (run->arm_faults)
		set_faults(0);

	pam_end(pamh, rc < 0 ? PAM_SYSTEM_ERR : rc);
	return status;
}

/* Reads "GENERATION PASSWORD" from path into gen and run->password. */
static int
read_generation(const char *path, struct run *run, long *gen)
{
	char line[1024], *space;
	FILE *file;

	*gen = -1;
	file = fopen(path, "r");
	if (file == NULL)
		return -1;
	if (fgets(line, sizeof(line), file) == NULL) {
		fclose(file);
		return -1;
	}
	fclose(file);

	line[strcspn(line, "\n")] = '\0';
	space = strchr(line, ' ');
	if (space == NULL)
		return -1;
	*space = '\0';
	*gen = strtol(line, NULL, 10);
	snprintf(run->password, PASSWORD_MAX, "%s", space + 1);
	explicit_bzero(line, sizeof(line));
	return 0;
}

static int
run_loop(struct run *run, const char *gen_file, double seconds)
{
	struct pam_conv conv = { converse, run };
	double start, end, stop = now_mono() + seconds;
	pam_handle_t *pamh;
	long gen;
	int rc;

	run->password = calloc(1, PASSWORD_MAX + 1);
	if (run->password == NULL)
		return EXIT_SETUP;

	while ((start = now_mono()) < stop) {
		if (read_generation(gen_file, run, &gen) != 0) {
			usleep(1000);
			continue;
		}

		rc = pam_start_confdir(run->service, run->user, &conv,
		    run->confdir, &pamh);
		if (rc != PAM_SUCCESS)
			goto out;
		rc = pam_authenticate(pamh, 0);
		pam_end(pamh, rc);
		end = now_mono();
		printf("%.6f %.6f %ld %d\n", start, end, gen, rc);
	}
	rc = PAM_SUCCESS;

out:
	explicit_bzero(run->password, PASSWORD_MAX);
	free(run->password);
	run->password = NULL;
	return rc == PAM_SUCCESS ? 0 : EXIT_SETUP;
}

static void
usage(void)
{
	fputs("usage: pam-run now\n"
	    "       pam-run [-d DIR] [-s SERVICE] [-u USER] [-p FILE|-] "
	    "[-a TIME] [-f] PHASE...\n"
	    "       pam-run [-d DIR] [-s SERVICE] [-u USER] -g FILE "
	    "-l SECONDS [-a TIME]\n", stderr);
}

int
main(int argc, char **argv)
{
	struct run run = {
		.confdir = ".", .service = "edgesupport-test",
		.user = "edgesupport",
	};
	const char *password_file = NULL, *gen_file = NULL;
	double at = 0, loop = 0;
	int opt, status;

	if (argc == 2 && strcmp(argv[1], "now") == 0) {
		printf("%.6f\n", now_mono());
		return 0;
	}

	while ((opt = getopt(argc, argv, "d:s:u:p:a:fg:l:")) != -1) {
		switch (opt) {
		case 'd': run.confdir = optarg; break;
		case 's': run.service = optarg; break;
		case 'u': run.user = optarg; break;
		case 'p': password_file = optarg; break;
		case 'a': at = strtod(optarg, NULL); break;
		case 'f': run.arm_faults = 1; break;
		case 'g': gen_file = optarg; break;
		case 'l': loop = strtod(optarg, NULL); break;
		default:
			usage();
			return 2;
		}
	}

	if (loop > 0) {
		if (gen_file == NULL || optind != argc) {
			usage();
			return 2;
		}
		wait_until(at);
		return run_loop(&run, gen_file, loop);
	}

	if (optind >= argc) {
		usage();
		return 2;
	}
	if (password_file != NULL) {
		run.password = read_password(password_file);
		if (run.password == NULL)
			return EXIT_SETUP;
	}

	wait_until(at);
	status = run_phases(&run, argc - optind, argv + optind);
	if (run.password != NULL) {
		explicit_bzero(run.password, PASSWORD_MAX);
		free(run.password);
	}
	return status;
}

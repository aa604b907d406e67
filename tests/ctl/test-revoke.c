/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of es_end_user_processes() with real processes started under two
 * unused uids through setpriv(1): a plain one, one in its own session, one
 * that ignores SIGTERM, and one re-parented by a double fork. All of the
 * first uid must end; the process of the second uid must survive. Needs
 * root.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "revoke.h"

#define MAX_CHILDREN	16

static int failures;
static pid_t children[MAX_CHILDREN];
static int n_children;

static void
check(int ok, const char *name)
{
	if (ok) {
		printf("ok: %s\n", name);
		return;
	}

	printf("FAIL: %s\n", name);
	failures++;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Counts live (not zombie) processes whose real uid is uid. */
static int
count_uid(uid_t uid)
{
	char path[300], line[256], state = 0;
	struct dirent *entry;
	unsigned long real;
	int count = 0;
	DIR *proc;
	FILE *f;

	proc = opendir("/proc");
	if (proc == NULL)
		return -1;

	while ((entry = readdir(proc)) != NULL) {
		if (!isdigit((unsigned char)entry->d_name[0]))
			continue;

		snprintf(path, sizeof(path), "/proc/%s/status", entry->d_name);
		f = fopen(path, "re");
		if (f == NULL)
			continue;

		while (fgets(line, sizeof(line), f) != NULL) {
			if (sscanf(line, "State: %c", &state) == 1)
				continue;
			if (sscanf(line, "Uid: %lu", &real) == 1) {
				count += real == uid && state != 'Z' &&
				    state != 'X';
				break;
			}
		}
		fclose(f);
	}

	closedir(proc);
	return count;
}

/* Waits until uid has want live processes; returns the last count. */
static int
wait_count(uid_t uid, int want, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	int count;

	for (;;) {
		count = count_uid(uid);
		if (count == want || now_ms() >= deadline)
			return count;
		usleep(20000);
	}
}

/* Starts "sh -c script" as uid and gid through setpriv(1). */
static pid_t
start_as(uid_t uid, const char *script)
{
	char id[16];
	pid_t pid;

	snprintf(id, sizeof(id), "%u", (unsigned int)uid);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("ERROR: fork: %s\n", strerror(errno));
		exit(99);
	}

	if (pid == 0) {
		execlp("setpriv", "setpriv", "--reuid", id, "--regid", id,
		    "--clear-groups", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}

	if (n_children < MAX_CHILDREN)
		children[n_children++] = pid;
	return pid;
}

static void
reap_children(void)
{
	int i;

	for (i = 0; i < n_children; i++)
		waitpid(children[i], NULL, WNOHANG);
}

/* Picks a uid with no passwd entry and no process. */
static uid_t
unused_uid(uid_t from)
{
	uid_t uid;

	for (uid = from; uid < from + 500; uid++)
		if (getpwuid(uid) == NULL && count_uid(uid) == 0)
			return uid;

	printf("ERROR: no unused uid from %u\n", (unsigned int)from);
	exit(99);
}

static void
test_refusals(void)
{
	struct es_error err = { "" };
	unsigned int ended = 99;

	check(es_end_user_processes(0, 0, 100, &ended, &err) == -EPERM,
	    "uid 0 is rejected");
	check(ended == 0, "rejected call reports 0 ended");
	check(strstr(err.msg, "uid 0") != NULL, "rejection names the uid");
}

static void
test_none(uid_t uid)
{
	struct es_error err = { "" };
	unsigned int ended = 99;

	check(es_end_user_processes(uid, uid, 100, &ended, &err) == 0,
	    "no processes: returns 0");
	check(ended == 0, "no processes: 0 ended");
}

static void
test_term_only(uid_t uid)
{
	struct es_error err = { "" };
	unsigned int ended = 0;
	int64_t start;

	start_as(uid, "exec sleep 300");
	start_as(uid, "exec setsid sleep 300");
	check(wait_count(uid, 2, 5000) == 2, "SIGTERM case: 2 processes run");

	start = now_ms();
	check(es_end_user_processes(uid, uid, 5000, &ended, &err) == 0,
	    "SIGTERM case: returns 0");
	check(now_ms() - start < 4000, "SIGTERM case: ends before the grace");
	check(ended == 2, "SIGTERM case: counts 2 processes");
	reap_children();
	check(count_uid(uid) == 0, "SIGTERM case: no process of uid left");
}

static void
test_all_kinds(uid_t uid, uid_t other)
{
	struct es_error err = { "" };
	unsigned int ended = 0;
	pid_t survivor, launcher[2];
	int64_t start;
	int before;

	survivor = start_as(other, "exec sleep 300");
	start_as(uid, "exec sleep 300");
	start_as(uid, "exec setsid sleep 300");
	start_as(uid, "trap '' TERM; sleep 300; sleep 300");
	launcher[0] = start_as(uid, "setsid sleep 300 & exit 0");
	launcher[1] = start_as(uid, "(sleep 300 &); exit 0");

	/*
	 * The launching shells exit at once; until they have, the count
	 * passes through values that a later count would not see again.
	 */
	waitpid(launcher[0], NULL, 0);
	waitpid(launcher[1], NULL, 0);

	/*
	 * One each for the first two, sh and its sleep for the third, and
	 * the re-parented orphans of the last two.
	 */
	before = wait_count(uid, 6, 5000);
	check(before == 6, "mixed case: 6 processes run");
	check(wait_count(other, 1, 5000) == 1, "other uid: 1 process runs");

	start = now_ms();
	check(es_end_user_processes(uid, uid, 1000, &ended, &err) == 0,
	    "mixed case: returns 0");
	check(now_ms() - start >= 1000,
	    "mixed case: waits the grace before SIGKILL");
	check(ended == (unsigned int)before, "mixed case: count matches");
	reap_children();
	check(count_uid(uid) == 0, "mixed case: no process of uid left");
	check(count_uid(other) == 1, "other uid: process survives");
	check(kill(survivor, 0) == 0, "other uid: survivor still signalable");

	kill(survivor, SIGKILL);
	waitpid(survivor, NULL, 0);
}

/*
 * A process of uid that keeps sending SIGKILL to everything else of its
 * uid, so it kills the signalling child whenever it wins the race. The
 * root-side pass must still end it and the others.
 */
static void
test_hostile(uid_t uid)
{
	struct es_error err = { "" };
	unsigned int ended = 0;

	start_as(uid, "trap '' TERM; while :; do kill -KILL -1 2>/dev/null; "
	    "done");
	check(wait_count(uid, 1, 5000) >= 1, "hostile case: process runs");

	check(es_end_user_processes(uid, uid, 500, &ended, &err) == 0,
	    "hostile case: returns 0");
	check(ended >= 1, "hostile case: counts the process");
	reap_children();
	check(count_uid(uid) == 0, "hostile case: no process of uid left");
}

int
main(void)
{
	uid_t uid, other;

	if (geteuid() != 0) {
		printf("SKIP: needs root to start processes as other uids\n");
		return 77;
	}

	uid = unused_uid(62000 + (uid_t)(getpid() % 1000) * 2);
	other = unused_uid(uid + 1);
	printf("# test uids %u and %u\n", (unsigned int)uid,
	    (unsigned int)other);

	test_refusals();
	test_none(uid);
	test_term_only(uid);
	test_all_kinds(uid, other);
	test_hostile(uid);

	if (failures != 0) {
		printf("%d check(s) failed\n", failures);
		return 1;
	}
	return 0;
}

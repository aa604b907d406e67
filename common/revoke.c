/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ending every process of the support account.
 *
 * kill(2) lets a sender whose real or effective uid equals the target's
 * real or saved uid signal it. So a child that takes the support uid as its
 * real, effective and saved uid and calls kill(-1, sig) reaches exactly the
 * processes that run as that uid. That includes ones that forked, called
 * setsid() or were re-parented a moment before, which a scan of /proc
 * followed by kill(pid) would miss.
 *
 * That child runs as the support uid, so the support user can kill or stop
 * it. Each round therefore also signals, as root, every process that a
 * /proc scan finds (through a pidfd, so a reused pid is never hit), and
 * rounds repeat until no process of the uid is left.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "revoke.h"

#define POLL_INTERVAL_MS	50
#define KILL_WAIT_MS		1000	/* for SIGKILL to take effect */
#define KILL_ROUNDS		10
#define CHILD_WAIT_MS		2000	/* for the signalling child to exit */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000,
	};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * Checks one /proc/PID/status file. Returns 1 if the process is alive (not
 * a zombie, which no signal can end) and its real or saved uid is uid, 0 if
 * not or if it has gone meanwhile.
 */
static int
process_matches(const char *pid, uid_t uid)
{
	char path[64], line[256];
	unsigned long real, effective, saved;
	int zombie = 0, match = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;

	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "State:", 6) == 0) {
			zombie = strstr(line, "Z (zombie)") != NULL ||
			    strstr(line, "X (dead)") != NULL;
			continue;
		}

		if (sscanf(line, "Uid: %lu %lu %lu", &real, &effective,
		    &saved) == 3) {
			match = real == uid || saved == uid;
			break;
		}
	}

	fclose(f);
	return match && !zombie;
}

/*
 * Sends sig, as the caller, to the process pid if it still is a live
 * process of uid. The pidfd pins the process, so the check and the signal
 * concern the same one even if pid is reused meanwhile.
 */
static void
signal_pid(const char *pid, uid_t uid, int sig)
{
	int pidfd;

	pidfd = (int)syscall(SYS_pidfd_open, (pid_t)atoi(pid), 0);
	if (pidfd < 0)
		return;

	if (process_matches(pid, uid))
		syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
	close(pidfd);
}

/*
 * Returns the number of live processes of uid, or a negative errno. With
 * sig non-zero, also sends sig to each of them.
 */
static int
scan_processes(uid_t uid, int sig)
{
	struct dirent *entry;
	int count = 0;
	DIR *proc;

	proc = opendir("/proc");
	if (proc == NULL)
		return -errno;

	while ((entry = readdir(proc)) != NULL) {
		if (!isdigit((unsigned char)entry->d_name[0]))
			continue;
		if (!process_matches(entry->d_name, uid))
			continue;

		count++;
		if (sig != 0)
			signal_pid(entry->d_name, uid, sig);
	}

	closedir(proc);
	return count;
}

static int
count_processes(uid_t uid)
{
	return scan_processes(uid, 0);
}

static void __attribute__((noreturn))
signal_as_user(uid_t uid, gid_t gid, int sig)
{
	if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 ||
	    setresuid(uid, uid, uid) != 0)
		_exit(2);

	/* ESRCH only means that nothing of uid was left to signal. */
	if (kill(-1, sig) != 0 && errno != ESRCH)
		_exit(3);

	_exit(0);
}

/*
 * Waits for the signalling child. A process of the support uid could stop
 * it with SIGSTOP once it runs as that uid, so it is killed after
 * CHILD_WAIT_MS rather than waited for forever.
 */
static int
wait_child(pid_t pid)
{
	int64_t deadline = now_ms() + CHILD_WAIT_MS;
	int status;
	pid_t got;

	for (;;) {
		got = waitpid(pid, &status, WNOHANG);
		if (got == pid)
			break;

		if (got < 0 && errno != EINTR)
			return -errno;

		if (got == 0 && now_ms() >= deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			return -ETIMEDOUT;
		}

		sleep_ms(5);
	}

	if (!WIFEXITED(status))
		return -EINTR;

	switch (WEXITSTATUS(status)) {
	case 0:
		return 0;
	case 2:
		return -EPERM;
	default:
		return -EIO;
	}
}

static int
send_signal(uid_t uid, gid_t gid, int sig, struct es_error *err)
{
	pid_t pid;
	int ret;

	pid = fork();
	if (pid < 0) {
		ret = -errno;
		es_error_set(err, "cannot fork to signal the processes of uid "
		    "%u: %s", (unsigned int)uid, strerror(-ret));
		return ret;
	}

	if (pid == 0)
		signal_as_user(uid, gid, sig);

	ret = wait_child(pid);
	if (ret < 0)
		es_error_set(err, "cannot send %s to the processes of uid %u: "
		    "the child that drops to that uid failed (%s)",
		    sig == SIGKILL ? "SIGKILL" : "SIGTERM", (unsigned int)uid,
		    strerror(-ret));
	return ret;
}

/*
 * Polls until no process of uid is left or timeout_ms has passed. Returns
 * the number left, or a negative errno.
 */
static int
wait_gone(uid_t uid, unsigned int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	int left;

	for (;;) {
		left = count_processes(uid);
		if (left <= 0 || now_ms() >= deadline)
			return left;

		sleep_ms(POLL_INTERVAL_MS);
	}
}

/*
 * One round: sig to every process of uid, first as root to those a scan
 * finds, then with kill(-1) as uid to catch those forked meanwhile. The
 * child's failure is not fatal: the support user may have killed or
 * stopped it, and the next round repeats both steps.
 */
static void
signal_round(uid_t uid, gid_t gid, int sig)
{
	struct es_error ignored = { "" };

	scan_processes(uid, sig);
	send_signal(uid, gid, sig, &ignored);
}

int
es_end_user_processes(uid_t uid, gid_t gid, unsigned int grace_ms,
    unsigned int *ended, struct es_error *err)
{
	int count, left;

	if (ended != NULL)
		*ended = 0;

	if (uid == 0 || uid == getuid() || uid == geteuid()) {
		es_error_set(err, "will not end the processes of uid %u: it is "
		    "root or the caller", (unsigned int)uid);
		return -EPERM;
	}

	count = count_processes(uid);
	if (count < 0) {
		es_error_set(err, "cannot read /proc: %s", strerror(-count));
		return count;
	}

	if (ended != NULL)
		*ended = (unsigned int)count;

	/*
	 * Signal even when the scan found nothing: a process can take the uid
	 * just after the scan, as an sshd session child does in setuid().
	 */
	signal_round(uid, gid, SIGTERM);
	if (count > 0)
		left = wait_gone(uid, grace_ms);
	else
		left = count_processes(uid);

	for (int round = 0; round < KILL_ROUNDS && left > 0; round++) {
		signal_round(uid, gid, SIGKILL);
		left = wait_gone(uid, KILL_WAIT_MS);
	}

	if (left < 0) {
		es_error_set(err, "cannot read /proc: %s", strerror(-left));
		return left;
	}
	if (left > 0) {
		es_error_set(err, "%d process(es) of uid %u still run after "
		    "SIGKILL (stuck in the kernel?); check with ps -u %u",
		    left, (unsigned int)uid, (unsigned int)uid);
		return -EBUSY;
	}

	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lookups from many threads while another thread keeps replacing the
 * config with rename(2). Every answer must be NOTFOUND or one whole entry
 * of one of the two configs, never a mix. threads-tsan.sh runs this
 * program and a module built with -fsanitize=thread.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "module.h"

#define READERS			8
#define DEFAULT_SECONDS		3

/* One of the two configs the writer alternates between. */
struct account {
	const char *text;
	const char *user;
	uid_t uid;
	gid_t gid;
	const char *group;
	const char *home;
};

static const struct account accounts[2] = {
	{
		"user = edgesupport\nuid = 4711\ngid = 4720\n"
		"home = /var/lib/edgesupport\ngroups = daemon\n",
		"edgesupport", 4711, 4720, "edgesupport",
		"/var/lib/edgesupport",
	},
	{
		"user = fieldeng\nuid = 4800\ngid = 4801\ngroup = fieldgrp\n"
		"home = /home/fieldeng\ngecos = Field engineer of the "
		"night shift\n",
		"fieldeng", 4800, 4801, "fieldgrp", "/home/fieldeng",
	},
};

static struct nss_module nss;
static char *config_path;
static atomic_bool stop;
static atomic_long lookups;
static atomic_long found[2];
static atomic_long bad_answers;
static atomic_long writes;
static atomic_long switches;

static void
report_bad(const char *what, const char *detail)
{
	atomic_fetch_add(&bad_answers, 1);
	fprintf(stderr, "FAIL: %s: %s\n", what, detail);
}

/* Returns the index of the account a passwd entry belongs to, or -1. */
static int
match_passwd(const struct passwd *pwd)
{
	int i;

	for (i = 0; i < 2; i++)
		if (strcmp(pwd->pw_name, accounts[i].user) == 0 &&
		    pwd->pw_uid == accounts[i].uid &&
		    pwd->pw_gid == accounts[i].gid &&
		    strcmp(pwd->pw_dir, accounts[i].home) == 0 &&
		    strcmp(pwd->pw_passwd, "x") == 0)
			return i;

	return -1;
}

static void
check_passwd_answer(enum nss_status status, const struct passwd *pwd,
    int expected, const char *what)
{
	int i;

	atomic_fetch_add(&lookups, 1);
	if (status == NSS_STATUS_NOTFOUND)
		return;

	if (status != NSS_STATUS_SUCCESS) {
		report_bad(what, "status neither SUCCESS nor NOTFOUND");
		return;
	}

	i = match_passwd(pwd);
	if (i < 0 || (expected >= 0 && i != expected)) {
		report_bad(what, "entry mixes fields of two configs");
		return;
	}

	atomic_fetch_add(&found[i], 1);
}

static void
lookup_users(int round, char *buffer, size_t size)
{
	struct passwd pwd;
	int i = round % 2;
	int err = 0;
	enum nss_status status;

	status = nss.getpwnam_r(accounts[i].user, &pwd, buffer, size, &err);
	check_passwd_answer(status, &pwd, i, "getpwnam_r");

	status = nss.getpwuid_r(accounts[i].uid, &pwd, buffer, size, &err);
	check_passwd_answer(status, &pwd, i, "getpwuid_r");

	status = nss.getpwnam_r("nosuchuser", &pwd, buffer, size, &err);
	if (status != NSS_STATUS_NOTFOUND)
		report_bad("getpwnam_r nosuchuser", "not NOTFOUND");

	nss.setpwent(0);
	status = nss.getpwent_r(&pwd, buffer, size, &err);
	check_passwd_answer(status, &pwd, -1, "getpwent_r");
}

static void
lookup_groups(int round, char *buffer, size_t size)
{
	struct group grp;
	struct spwd spwd;
	int i = round % 2;
	int err = 0;
	enum nss_status status;

	status = nss.getgrgid_r(accounts[i].gid, &grp, buffer, size, &err);
	if (status == NSS_STATUS_SUCCESS &&
	    strcmp(grp.gr_name, accounts[i].group) != 0)
		report_bad("getgrgid_r", "group name of the other config");

	status = nss.getspnam_r(accounts[i].user, &spwd, buffer, size, &err);
	if (status == NSS_STATUS_SUCCESS && strcmp(spwd.sp_pwdp, "!*") != 0)
		report_bad("getspnam_r", "password not locked");
}

static void
lookup_initgroups(void)
{
	long int start = 0;
	long int size = 1;
	gid_t *groups = malloc(sizeof(*groups));
	int err = 0;
	enum nss_status status;

	if (groups == NULL)
		abort();

	status = nss.initgroups_dyn("edgesupport", 4720, &start, &size,
	    &groups, -1, &err);
	if (status == NSS_STATUS_SUCCESS && start > 1)
		report_bad("initgroups_dyn", "more groups than configured");
	if (status != NSS_STATUS_SUCCESS && status != NSS_STATUS_NOTFOUND)
		report_bad("initgroups_dyn", "unexpected status");

	free(groups);
}

static void *
reader(void *arg)
{
	char buffer[512];
	int round = (int)(long)arg;

	while (!atomic_load(&stop)) {
		lookup_users(round, buffer, sizeof(buffer));
		lookup_groups(round, buffer, sizeof(buffer));
		if (round % 64 == 0)
			lookup_initgroups();
		round++;
	}

	return NULL;
}

static long long
now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/*
 * Switches to the other config and keeps rewriting it (a new inode each
 * time, so every freshness check reloads) until a reader has seen it, then
 * switches back. A switch not seen within 3 s is a failure.
 */
static void *
writer(void *arg)
{
	struct timespec pause = { 0, 2 * 1000 * 1000 };
	long long started;
	long seen;
	int target = 0;

	(void)arg;
	while (!atomic_load(&stop)) {
		target = !target;
		seen = atomic_load(&found[target]);
		started = now_ms();

		while (!atomic_load(&stop) &&
		    atomic_load(&found[target]) == seen) {
			if (write_file_atomic(config_path,
			    accounts[target].text) < 0)
				report_bad("writer", "cannot write the config");
			atomic_fetch_add(&writes, 1);
			if (now_ms() - started > 3000) {
				report_bad("writer", "replaced config not "
				    "picked up within 3 s");
				return NULL;
			}
			nanosleep(&pause, NULL);
		}

		if (atomic_load(&found[target]) != seen)
			atomic_fetch_add(&switches, 1);
	}

	return NULL;
}

#ifndef __SANITIZE_THREAD__
/*
 * Forks while the other threads are inside the module; the child must
 * still complete a lookup (the module takes its locks around fork()).
 * alarm() turns a hang into a failure.
 */
static void
check_fork(void)
{
	char buffer[512];
	struct passwd pwd;
	int status = 0;
	int err = 0;
	pid_t pid;
	int i;

	for (i = 0; i < 20; i++) {
		pid = fork();
		if (pid < 0) {
			report_bad("fork", strerror(errno));
			return;
		}

		if (pid == 0) {
			alarm(10);
			nss.getpwnam_r("edgesupport", &pwd, buffer,
			    sizeof(buffer), &err);
			_exit(0);
		}

		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			report_bad("fork", "child lookup hung or failed");
	}
}
#endif

int
main(void)
{
	pthread_t readers[READERS];
	pthread_t writer_thread;
	const char *seconds_text = getenv("ES_TEST_SECONDS");
	struct timespec run = { DEFAULT_SECONDS, 0 };
	char dir[] = "/tmp/edgesupport-nss-threads.XXXXXX";
	long i;
	int r = 0;

	if (seconds_text != NULL)
		run.tv_sec = atoi(seconds_text);

	if (mkdtemp(dir) == NULL ||
	    asprintf(&config_path, "%s/edgesupport.conf", dir) < 0 ||
	    write_file_atomic(config_path, accounts[0].text) < 0 ||
	    setenv("EDGESUPPORT_NSS_CONFIG", config_path, 1) < 0) {
		perror("setup");
		return 99;
	}

	if (nss_module_open(&nss) < 0)
		return 99;

	for (i = 0; i < READERS; i++)
		r |= pthread_create(&readers[i], NULL, reader, (void *)i);
	r |= pthread_create(&writer_thread, NULL, writer, NULL);
	if (r != 0) {
		fprintf(stderr, "pthread_create failed\n");
		return 99;
	}

#ifndef __SANITIZE_THREAD__
	check_fork();
#endif
	nanosleep(&run, NULL);
	atomic_store(&stop, true);

	for (i = 0; i < READERS; i++)
		pthread_join(readers[i], NULL);
	pthread_join(writer_thread, NULL);

	nss_module_close(&nss);
	unlink(config_path);
	rmdir(dir);
	free(config_path);

	printf("%ld lookups, %ld config writes, %ld switches seen, account 0 "
	    "found %ld times, account 1 found %ld times\n",
	    atomic_load(&lookups), atomic_load(&writes),
	    atomic_load(&switches), atomic_load(&found[0]),
	    atomic_load(&found[1]));

	if (atomic_load(&bad_answers) > 0) {
		fprintf(stderr, "%ld bad answers\n", atomic_load(&bad_answers));
		return 1;
	}

	if (atomic_load(&switches) < 2) {
		fprintf(stderr, "FAIL: only %ld config switches seen, "
		    "expected at least 2\n", atomic_load(&switches));
		return 1;
	}

	return 0;
}

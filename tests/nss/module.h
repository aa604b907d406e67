/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ES_TEST_NSS_MODULE_H
#define ES_TEST_NSS_MODULE_H

/*
 * Loads the built NSS module with dlopen() and resolves its entry points,
 * the way glibc does, so tests call the module and nothing in between.
 */

#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <shadow.h>
#include <stddef.h>

struct nss_module {
	void *handle;
	enum nss_status (*getpwnam_r)(const char *, struct passwd *, char *,
	    size_t, int *);
	enum nss_status (*getpwuid_r)(uid_t, struct passwd *, char *, size_t,
	    int *);
	enum nss_status (*setpwent)(int);
	enum nss_status (*getpwent_r)(struct passwd *, char *, size_t, int *);
	enum nss_status (*endpwent)(void);
	enum nss_status (*getgrnam_r)(const char *, struct group *, char *,
	    size_t, int *);
	enum nss_status (*getgrgid_r)(gid_t, struct group *, char *, size_t,
	    int *);
	enum nss_status (*setgrent)(int);
	enum nss_status (*getgrent_r)(struct group *, char *, size_t, int *);
	enum nss_status (*endgrent)(void);
	enum nss_status (*getspnam_r)(const char *, struct spwd *, char *,
	    size_t, int *);
	enum nss_status (*setspent)(int);
	enum nss_status (*getspent_r)(struct spwd *, char *, size_t, int *);
	enum nss_status (*endspent)(void);
	enum nss_status (*initgroups_dyn)(const char *, gid_t, long int *,
	    long int *, gid_t **, long int, int *);
};

/*
 * Opens the module named by the environment variable ES_NSS_MODULE, else
 * the one in the build tree (NSS_MODULE_PATH). Returns 0, or -1 after
 * printing the reason.
 */
int nss_module_open(struct nss_module *module);

void nss_module_close(struct nss_module *module);

/* Writes text to path through a temporary file and rename(2). */
int write_file_atomic(const char *path, const char *text);

#endif

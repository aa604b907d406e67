/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ES_REVOKE_H
#define ES_REVOKE_H

#include <sys/types.h>

#include "error.h"

/*
 * Ends every process whose real or saved uid is uid, race-free: a forked
 * child drops to uid (setgroups, setresgid, setresuid) and calls
 * kill(-1, SIGTERM), so processes that fork, re-parent or call setsid()
 * meanwhile are hit too. After grace_ms it sends SIGKILL the same way.
 * *ended is the number of processes of uid seen before the first signal.
 * Refuses uid 0. Returns 0 or a negative errno.
 */
int es_end_user_processes(uid_t uid, gid_t gid, unsigned int grace_ms,
    unsigned int *ended, struct es_error *err);

#endif

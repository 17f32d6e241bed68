/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netns.h - run in another network namespace, or in each of them.
 *
 * A name (ip netns: /run/netns/NAME), a pid (/proc/PID/ns/net: the
 * namespace of any process, e.g. a container's) or a path to an nsfs file.
 * netns_list() finds every distinct namespace on the host through
 * /proc/[pid]/ns/net and /run/netns, deduplicated by inode, each labelled
 * with its name or a pid and command in it. setns(CLONE_NEWNET) needs
 * CAP_SYS_ADMIN; without it the error says so. Called by main before
 * collecting; collect then reads the kernel, /proc/net and /proc/sys of the
 * current namespace.
 */
#ifndef TCPDX_NETNS_H
#define TCPDX_NETNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct netns_entry {
	uint64_t inode;      /* the namespace's identity */
	char path[128];      /* what to open to enter it */
	char label[160];     /* "name blue", "pid 4321 (nginx)", "init (pid 1)" */
	char name[64];       /* /run/netns name, or "" */
	pid_t pid;           /* a process in it, or 0 */
	int is_self;         /* the namespace tcpdx started in */
};

/**
 * netns_resolve() - turn NAME, PID or PATH into a path to open.
 * Order: an all-digits word is a pid; a word with '/' is a path; else a name
 * under /run/netns (or /var/run/netns). Returns 0 or -EINVAL/-ENOENT with a
 * one-line message naming what was wrong and what is accepted.
 */
int netns_resolve(const char *spec, char *path, size_t pathlen, char *err, size_t errlen);

/**
 * netns_enter() - setns(CLONE_NEWNET) into the namespace at @path.
 * Returns 0 or -errno with a message (EPERM: "needs CAP_SYS_ADMIN", ...).
 */
int netns_enter(const char *path, char *err, size_t errlen);

/* Open the current namespace (to come back to it); returns an fd or -errno. */
int netns_save(void);
/* Go back to a namespace saved with netns_save(); closes @fd. */
int netns_restore(int fd);

/**
 * netns_list() - every distinct network namespace visible from @proc_root
 * (NULL: "/proc") and the netns run directory; the one tcpdx runs in first,
 * then named ones, then the rest by pid. Returns 0 and a malloc'd array in
 * *@out (free()), or -errno with @err.
 */
int netns_list(const char *proc_root, struct netns_entry **out, size_t *n, char *err,
	       size_t errlen);

/**
 * netns_list_hidden() - netns_list(), and *@hidden (may be NULL) set to the
 * number of processes whose namespace could not be read (EACCES: another
 * user's process when not root), so that the caller can say the list may be
 * incomplete.
 */
int netns_list_hidden(const char *proc_root, struct netns_entry **out, size_t *n, size_t *hidden,
		      char *err, size_t errlen);

#endif

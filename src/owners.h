/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * owners.h - which process holds each socket: socket inode -> pid, comm.
 *
 * One pass over /proc/<pid>/fd/<fd> -> "socket:[inode]" fills a hash table
 * that grows with the number of sockets (open addressing, resized at half
 * load), so a host with a million sockets costs about the /proc walk itself:
 * ss -p's fixed 256 buckets turn quadratic there. Races are normal (a process
 * exits mid-scan): skipped, never an error. Processes whose fds cannot be read
 * (not root, hidepid, LSMs) are counted, not hidden. Owns the table and the
 * process names; /proc root is a parameter so tests can use a fixture tree.
 * Called by collect (left of the snapshot).
 */
#ifndef TCPDX_OWNERS_H
#define TCPDX_OWNERS_H

#include <stddef.h>
#include <stdint.h>

#define OWNER_COMM_MAX 64  /* /proc/PID/comm is at most 15 bytes; room for more */

struct owner {
	uint32_t pid;                 /* the lowest pid holding the socket */
	uint32_t nprocs;              /* processes holding it (fork, SCM_RIGHTS) */
	const char *comm;             /* raw bytes from /proc/PID/comm: escape before
				       * printing */
};

struct owners;

/**
 * owners_scan() - walk @proc_root (NULL: "/proc") once.
 * Returns 0 and *@out (free with owners_free()), or -errno if @proc_root
 * itself cannot be read.
 */
int owners_scan(const char *proc_root, struct owners **out);

/* The owner of socket @inode, or NULL (no such inode seen, or inode 0). */
const struct owner *owners_lookup(const struct owners *o, uint32_t inode);

/* Processes whose fd directory could not be read (EACCES, EPERM). */
size_t owners_unreadable(const struct owners *o);

/* Processes and socket fds seen. */
size_t owners_processes(const struct owners *o);
size_t owners_sockets(const struct owners *o);

/**
 * owners_cmdline() - the command line of @pid, arguments joined by spaces
 * (raw bytes: escape before printing), into @buf. Returns @buf, or NULL if
 * the process is gone or unreadable.
 */
char *owners_cmdline(const char *proc_root, uint32_t pid, char *buf, size_t len);

void owners_free(struct owners *o);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * groups.h - sockets counted by state per group: per process, per local
 * port, per peer (address and port) or per remote host (address).
 *
 * An exact hash map from a group key to eleven state counts, grown as new
 * groups appear: memory grows with the number of distinct groups (processes,
 * ports, peers), not with the number of sockets. Used by the snapshot when
 * --by asks for it; read by the renderers (the top N groups, the rest summed).
 */
#ifndef TCPDX_GROUPS_H
#define TCPDX_GROUPS_H

#include <stddef.h>
#include <stdint.h>

#include "sock.h"

enum group_by { GROUP_NONE, GROUP_PROCESS, GROUP_LPORT, GROUP_PEER, GROUP_RHOST };

/* GROUP_PROCESS keys: pid 0 = owner unknown; this = the kernel's (orphans,
 * TIME-WAIT and FIN-WAIT-2 minisocks). */
#define GROUP_PID_KERNEL UINT32_MAX

struct group_key {
	uint8_t family;      /* AF_INET/AF_INET6 for PEER and RHOST, else 0 */
	uint8_t pad;
	uint16_t port;       /* LPORT, PEER */
	uint32_t pid;        /* PROCESS; 0 = no known owner */
	uint8_t addr[16];    /* PEER, RHOST */
};

struct group {
	struct group_key key;
	uint64_t count[TS_MAX_STATES];
	uint64_t total;
};

struct groups;

/* "process", "lport", "peer", "rhost" -> enum; GROUP_NONE if unknown. */
enum group_by groups_parse(const char *word);
const char *groups_name(enum group_by by);

struct groups *groups_new(enum group_by by);
enum group_by groups_by(const struct groups *g);

/* Count one socket in @state under @key. */
void groups_add(struct groups *g, const struct group_key *key, unsigned int state);

/* Distinct groups seen. */
size_t groups_count(const struct groups *g);

/**
 * groups_top() - the @n largest groups by total (ties: smaller key first),
 * into @out (pointers into @g, valid until the next groups_add or
 * groups_free). Returns how many; @rest gets the sum of the others per state
 * (rest->total too).
 */
size_t groups_top(const struct groups *g, const struct group **out, size_t n,
		  struct group *rest);

/* Up to @n groups in no particular order, into @out (pointers into @g, valid
 * as for groups_top()); returns how many. Cheaper than groups_top() when the
 * caller sorts itself (tcpdx top). */
size_t groups_list(const struct groups *g, const struct group **out, size_t n);

void groups_free(struct groups *g);

#endif

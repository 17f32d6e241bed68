/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapshot.h - what a dump adds up to: counts by state and family, how the
 * closing states split (orphans, minisocks, half-closed), connections waiting
 * in accept queues, and every listener with its queue.
 *
 * Aggregates while the dump streams in: memory grows with the number of
 * listeners, never with the number of sockets. collect fills it with
 * snapshot_add(); everything right of it (renderers, later the rules) only
 * reads it. Owns the listener array; free with snapshot_free().
 */
#ifndef TCPDX_SNAPSHOT_H
#define TCPDX_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sock.h"

enum snap_family { SNAP_V4, SNAP_V6, SNAP_NFAM };

struct listener {
	uint8_t family;          /* AF_INET or AF_INET6 */
	uint8_t addr[16];        /* network order */
	uint16_t port;           /* host order */
	uint32_t accept_queue;   /* established children not yet accept()ed */
	uint32_t backlog;        /* sk_max_ack_backlog */
	uint32_t uid;
	uint32_t inode;
};

struct snapshot {
	/* What was asked: FILTER_V4/V6 bits and the idiag_states mask. */
	unsigned int families;
	uint32_t states;
	bool replay;
	char host[256];
	time_t when;

	uint64_t count[SNAP_NFAM][TS_MAX_STATES];
	uint64_t orphans[TS_MAX_STATES];      /* full sockets, inode 0 */
	uint64_t half_closed[TS_MAX_STATES];  /* full sockets, inode != 0 */
	uint64_t fin_wait2_minisocks;
	uint64_t syn_recv_requests;
	uint64_t not_accepted[TS_MAX_STATES]; /* ESTABLISHED/CLOSE_WAIT, inode 0 */

	struct listener *listeners;
	size_t nlisteners, listeners_cap;

	/* The dump itself. */
	uint64_t messages, duplicates, malformed;
	bool interrupted;
};

/* Empty counts; @families and @states say what will be asked for. */
void snapshot_init(struct snapshot *s, unsigned int families, uint32_t states);

/* Count one socket. */
void snapshot_add(struct snapshot *s, const struct tcp_sock *sk);

/* Sum of a state over both families. */
uint64_t snapshot_state_total(const struct snapshot *s, unsigned int state);

/* Every socket counted. */
uint64_t snapshot_total(const struct snapshot *s);

/* Whether a family was asked for. */
bool snapshot_has_family(const struct snapshot *s, enum snap_family f);

/* Whether a listener's accept queue is full (the kernel's test). */
static inline bool listener_full(const struct listener *l)
{
	return l->accept_queue > l->backlog;
}

void snapshot_free(struct snapshot *s);

#endif

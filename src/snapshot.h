/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapshot.h - what a dump adds up to: counts by state and family, how the
 * closing states split (orphans, minisocks, half-closed), connections waiting
 * in accept queues, and every listener with its queue.
 *
 * Aggregates while the dump streams in: memory grows with the number of
 * listeners, never with the number of sockets. Evidence for the rules (which
 * ports and peers, how long, how many retries) is kept per state in bounded
 * top-k sketches and maxima. collect fills it with
 * snapshot_add(); everything right of it (renderers, later the rules) only
 * reads it. Owns the listener array; free with snapshot_free().
 */
#ifndef TCPDX_SNAPSHOT_H
#define TCPDX_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "groups.h"
#include "owners.h"
#include "sock.h"
#include "topk.h"

enum snap_family { SNAP_V4, SNAP_V6, SNAP_NFAM };

struct listener {
	uint8_t family;          /* AF_INET or AF_INET6 */
	uint8_t addr[16];        /* network order */
	uint16_t port;           /* host order */
	uint32_t accept_queue;   /* established children not yet accept()ed */
	uint32_t backlog;        /* sk_max_ack_backlog */
	uint32_t uid;
	uint32_t inode;
	uint32_t syn_recv;            /* request sockets on this port */
	uint32_t syn_recv_retrans;    /* the most SYN-ACKs resent for one */
	uint32_t owner_pid;           /* 0: unknown or not looked up */
	bool filtered;                /* kept only to attribute its requests and
				       * accept queue: an owner filter left it out */
};

/* The states whose local ports are counted (state_evidence.lports): those a
 * rule reads them for (close-wait). Add a state when a rule needs its ports. */
#define SNAPSHOT_LPORT_STATES (1u << TS_CLOSE_WAIT)

/* Evidence about the sockets in one state. */
struct state_evidence {
	struct topk lports;           /* local port; only in SNAPSHOT_LPORT_STATES */
	struct topk peers;            /* remote address (no port) */
	uint64_t by_timer[ST_PERSIST + 1];
	uint64_t retransmitting;      /* retrans > 0 on the retransmit timer */
	uint32_t max_retrans;         /* the most, on the retransmit timer */
	uint32_t max_expires_ms;      /* the furthest timer */
	uint64_t with_info;           /* full sockets that carried tcp_info */
	uint32_t max_idle_ms;         /* largest tcpi_last_data_recv */
	uint64_t rq_zero, rq_one, rq_more; /* receive queue 0, 1, more bytes */
	uint64_t rq_log2[33];         /* rq by floor(log2(rq)) + 1; [0] = empty */
	uint32_t max_rqueue, max_wqueue;
	struct topk procs;            /* owner pid (in addr); only with owners */
};

/* Process names of the owners seen, by pid. */
struct proc_name {
	uint32_t pid;
	char comm[OWNER_COMM_MAX];
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
	int32_t *listen_index;        /* port hash -> first listener, -1 none */
	int32_t *listen_next;         /* chains, parallel to listeners */

	/* Per-state evidence, 1..11 used. */
	struct state_evidence ev[TS_MAX_STATES];
	/* SYN_SENT destinations, address and port. */
	struct topk syn_sent_dests;
	/* Connections from an ephemeral local port, by (local address, remote
	 * address, remote port): what exhausts ip_local_port_range. */
	struct topk ephemeral;
	uint16_t port_lo, port_hi;    /* the range counted; 0 0 = all ports */

	/* Owners, when looked up (-p): who holds the sockets. */
	bool owners;                  /* owner lookup was done */
	uint64_t owner_unknown;       /* no owner found: an inode no process holds
				       * (yet), or a queue whose listener was not dumped */
	uint64_t owner_kernel;        /* orphans and minisocks: the kernel's */
	uint64_t owner_listener;      /* requests and unaccepted: the listener's */
	size_t owners_unreadable;     /* processes whose fds could not be read */
	bool owners_as_root;          /* the lookup ran with euid 0 */
	struct proc_name *names;      /* open addressing on pid; pid 0 = free */
	size_t names_cap, names_used;

	/* Sockets by group (--by), or NULL. */
	struct groups *groups;

	/* The dump itself. */
	uint64_t messages, duplicates, malformed;
	bool interrupted;
};

/* Empty counts; @families and @states say what will be asked for. The
 * evidence makes the struct about 100 KiB. Free with snapshot_free(). */
void snapshot_init(struct snapshot *s, unsigned int families, uint32_t states);

/* Count connections from local ports in [lo, hi] for the ephemeral sketch. */
void snapshot_set_port_range(struct snapshot *s, uint16_t lo, uint16_t hi);

/* Sockets in @state whose receive queue holds at least 2^@log2 bytes. */
uint64_t snapshot_rq_at_least(const struct snapshot *s, unsigned int state, unsigned int log2);

/* Count one socket. */
void snapshot_add(struct snapshot *s, const struct tcp_sock *sk);

/**
 * snapshot_add_owned() - count one socket and its owner (@o may be NULL: no
 * owner found). Sockets without an inode are attributed as the kernel allows:
 * requests and unaccepted connections to the owner of their listener,
 * orphans and minisocks to the kernel. Returns the pid the socket was
 * attributed to (0 if none), for callers that filter or group by owner.
 */
uint32_t snapshot_add_owned(struct snapshot *s, const struct tcp_sock *sk,
			    const struct owner *o);

/* Add what @sk's tcp_info tells (idle time, zero window) to its state's
 * evidence, and nothing else: for a socket already counted by a dump that
 * did not ask for tcp_info. A no-op without tcp_info. */
void snapshot_add_info(struct snapshot *s, const struct tcp_sock *sk);

/* Remember a listener that an owner filter leaves out: not counted nor
 * shown, but its requests and accept queue are still attributed to it. */
void snapshot_add_filtered_listener(struct snapshot *s, const struct tcp_sock *sk,
				    const struct owner *o);

/* Owner attribution without counting: the pid @sk belongs to, as above. */
uint32_t snapshot_owner_of(const struct snapshot *s, const struct tcp_sock *sk,
			   const struct owner *o);

/* The group key of @sk (attributed to @pid) under @by, as the snapshot's
 * groups count it; false for GROUP_NONE. For callers that pick the sockets
 * of one group (tcpdx top's opened group). */
bool snapshot_group_key(const struct tcp_sock *sk, uint32_t pid, enum group_by by,
			struct group_key *k);

/* The name of an owner pid seen by snapshot_add_owned(), or NULL. */
const char *snapshot_comm(const struct snapshot *s, uint32_t pid);

/* Remember a pid's name (used for listeners' owners too). */
void snapshot_set_comm(struct snapshot *s, uint32_t pid, const char *comm);


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

/* Add @src's counts (states, closing splits, dump statistics; not evidence,
 * listeners or groups) to @dst: the total over several namespaces. */
void snapshot_sum(struct snapshot *dst, const struct snapshot *src);

void snapshot_free(struct snapshot *s);

#endif

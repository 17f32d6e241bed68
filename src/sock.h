/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sock.h - struct tcp_sock: one TCP socket as the kernel reported it.
 *
 * Plain data, no pointers: diag_parse fills one from a netlink message, and
 * the snapshot, the rules and the renderers only read it. Addresses and ports
 * are kept in network byte order as the kernel sent them; the cookie and the
 * counters are in host order.
 */
#ifndef TCPDX_SOCK_H
#define TCPDX_SOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/tcp.h>

/* Kernel TCP states (include/net/tcp_states.h). */
enum tcp_state_id {
	TS_ESTABLISHED = 1,
	TS_SYN_SENT,
	TS_SYN_RECV,
	TS_FIN_WAIT1,
	TS_FIN_WAIT2,
	TS_TIME_WAIT,
	TS_CLOSE,
	TS_CLOSE_WAIT,
	TS_LAST_ACK,
	TS_LISTEN,
	TS_CLOSING,
	TS_NEW_SYN_RECV,       /* internal; the kernel reports requests as 3 */
	TS_BOUND_INACTIVE,     /* diag-only request bit; reported as CLOSE */
	TS_MAX_STATES
};

/* The eleven states a user sees are 1..11. */
#define TS_FIRST TS_ESTABLISHED
#define TS_LAST TS_CLOSING

/* What kind of kernel object answered. */
enum sock_kind {
	SK_FULL,      /* a struct tcp_sock: has inode (maybe 0), attributes */
	SK_TIMEWAIT,  /* TIME_WAIT or FIN_WAIT2 minisock: no inode, no info */
	SK_REQUEST,   /* SYN_RECV request sock: no inode, no info */
};

/* The kernel's idiag_timer values. */
enum sock_timer {
	ST_NONE = 0,
	ST_RETRANS = 1,
	ST_KEEPALIVE = 2,
	ST_TIMEWAIT = 3,
	ST_PERSIST = 4,
};

struct tcp_sock {
	uint8_t family;         /* AF_INET or AF_INET6 */
	uint8_t state;          /* enum tcp_state_id, 1..11 */
	uint8_t kind;           /* enum sock_kind */
	uint8_t timer;          /* enum sock_timer (0..4) */
	uint8_t retrans;        /* idiag_retrans */
	uint8_t shutdown;       /* INET_DIAG_SHUTDOWN bits; valid if has_shutdown */
	bool has_shutdown;
	bool has_info;          /* info holds info_len bytes from the kernel */
	uint16_t sport, dport;  /* host order */
	uint8_t saddr[16], daddr[16]; /* network order; v4 uses the first 4 */
	uint32_t expires_ms;
	uint32_t rqueue, wqueue;
	uint32_t uid;
	uint32_t inode;
	uint32_t ifindex;
	uint64_t cookie;
	uint16_t info_len;      /* bytes the kernel sent, may exceed sizeof(info) */
	struct tcp_info info;   /* min(info_len, sizeof) copied, the rest zero */
};

/* Whether tcp_info's idle times (tcpi_last_data_recv, _ack_recv) mean
 * anything: a full socket that sent them, not a listener (none) and not
 * SYN_SENT (garbage, about 2^32: reference 1.3). */
static inline bool tcp_sock_has_idle(const struct tcp_sock *s)
{
	return s->has_info && s->kind == SK_FULL && s->state != TS_LISTEN &&
	       s->state != TS_SYN_SENT;
}

/* A full socket in FIN_WAIT1, FIN_WAIT2, LAST_ACK or CLOSING without an inode:
 * the application closed it and the kernel finishes the close (an orphan). */
static inline bool tcp_sock_is_closing_state(uint8_t state)
{
	return state == TS_FIN_WAIT1 || state == TS_FIN_WAIT2 ||
	       state == TS_LAST_ACK || state == TS_CLOSING;
}

static inline bool tcp_sock_is_orphan(const struct tcp_sock *s)
{
	return s->kind == SK_FULL && s->inode == 0 &&
	       tcp_sock_is_closing_state(s->state);
}

/* The same states with a socket still open: shutdown() on a live fd. */
static inline bool tcp_sock_is_half_closed(const struct tcp_sock *s)
{
	return s->kind == SK_FULL && s->inode != 0 &&
	       tcp_sock_is_closing_state(s->state);
}

#endif

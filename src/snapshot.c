// SPDX-License-Identifier: GPL-2.0-or-later
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter.h"
#include "snapshot.h"
#include "states.h"
#include "util.h"

#define LISTEN_HASH_BITS 10u

void snapshot_init(struct snapshot *s, unsigned int families, uint32_t states)
{
	unsigned int st;

	memset(s, 0, sizeof(*s));
	s->families = families;
	s->states = states;
	for (st = 0; st < TS_MAX_STATES; st++) {
		topk_init(&s->ev[st].lports);
		topk_init(&s->ev[st].peers);
		topk_init(&s->ev[st].procs);
	}
	topk_init(&s->syn_sent_dests);
	topk_init(&s->ephemeral);
}

void snapshot_set_port_range(struct snapshot *s, uint16_t lo, uint16_t hi)
{
	s->port_lo = lo;
	s->port_hi = hi;
}

/* The listener index has at least 2^LISTEN_HASH_BITS chains and twice as
 * many as listeners fit (up to one per port), so a lookup, made for nearly
 * every socket, stays short however many listeners there are. */
static unsigned int listen_bits(size_t cap)
{
	unsigned int b = LISTEN_HASH_BITS;

	while (b < 16 && ((size_t)1 << b) < 2 * cap)
		b++;
	return b;
}

static unsigned int port_hash(uint16_t port, unsigned int bits)
{
	return (uint32_t)(port * 2654435761u) >> (32 - bits);
}

/* Chains are newest first: rebuilt in the order listeners were added, they
 * keep that order, and so which of several matches a lookup finds. */
static void listen_reindex(struct snapshot *s)
{
	unsigned int bits = listen_bits(s->listeners_cap), h;
	size_t i;

	free(s->listen_index);
	s->listen_index = xreallocarray(NULL, (size_t)1 << bits, sizeof(*s->listen_index));
	memset(s->listen_index, 0xff, ((size_t)1 << bits) * sizeof(*s->listen_index));
	for (i = 0; i < s->nlisteners; i++) {
		h = port_hash(s->listeners[i].port, bits);
		s->listen_next[i] = s->listen_index[h];
		s->listen_index[h] = (int32_t)i;
	}
}

static void add_listener(struct snapshot *s, const struct tcp_sock *sk)
{
	struct listener *l;
	size_t old = s->listeners_cap;
	unsigned int h;

	if (s->nlisteners == s->listeners_cap) {
		s->listeners_cap = s->listeners_cap ? 2 * s->listeners_cap : 16;
		s->listeners = xreallocarray(s->listeners, s->listeners_cap,
					     sizeof(*s->listeners));
		s->listen_next = xreallocarray(s->listen_next, s->listeners_cap,
					       sizeof(*s->listen_next));
		if (!s->listen_index || listen_bits(old) != listen_bits(s->listeners_cap))
			listen_reindex(s);
	}
	h = port_hash(sk->sport, listen_bits(s->listeners_cap));
	s->listen_next[s->nlisteners] = s->listen_index[h];
	s->listen_index[h] = (int32_t)s->nlisteners;
	l = &s->listeners[s->nlisteners++];
	memset(l, 0, sizeof(*l));
	l->family = sk->family;
	memcpy(l->addr, sk->saddr, sizeof(l->addr));
	l->port = sk->sport;
	/* For LISTEN the kernel puts the accept queue and backlog here. */
	l->accept_queue = sk->rqueue;
	l->backlog = sk->wqueue;
	l->uid = sk->uid;
	l->inode = sk->inode;
}

static bool addr_any(const uint8_t *a, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (a[i])
			return false;
	return true;
}

/* The listener a request or an unaccepted child belongs to: same family and
 * port, and the same address or a wildcard one. Listeners are dumped first. */
static struct listener *listener_for(const struct snapshot *s, const struct tcp_sock *sk)
{
	size_t alen = sk->family == AF_INET6 ? 16 : 4;
	int32_t i;

	if (!s->listen_index)
		return NULL;
	for (i = s->listen_index[port_hash(sk->sport, listen_bits(s->listeners_cap))]; i >= 0;
	     i = s->listen_next[i]) {
		struct listener *l = &s->listeners[i];

		if (l->family == sk->family && l->port == sk->sport &&
		    (!memcmp(l->addr, sk->saddr, alen) || addr_any(l->addr, alen)))
			return l;
	}
	return NULL;
}

static unsigned int log2_bucket(uint32_t v)
{
	unsigned int b = 0;

	while (v) {
		b++;
		v >>= 1;
	}
	return b; /* 0 for 0, 1 for 1, 2 for 2..3, ... 32 */
}

static void key_addr(struct topk_key *k, const struct tcp_sock *sk, const uint8_t *addr,
		     uint16_t port)
{
	memset(k, 0, sizeof(*k));
	k->family = sk->family;
	k->port = port;
	memcpy(k->addr, addr, sk->family == AF_INET6 ? 16 : 4);
}

static void add_evidence(struct snapshot *s, const struct tcp_sock *sk)
{
	struct state_evidence *e = &s->ev[sk->state];
	struct topk_key k;

	memset(&k, 0, sizeof(k));
	/* A sketch update per socket is most of what a socket costs here:
	 * keep local ports only where a rule reads them. */
	if (STATE_BIT(sk->state) & SNAPSHOT_LPORT_STATES) {
		k.port = sk->sport;
		topk_add(&e->lports, &k);
	}
	if (sk->state != TS_LISTEN && sk->state != TS_CLOSE) {
		key_addr(&k, sk, sk->daddr, 0);
		topk_add(&e->peers, &k);
	}
	e->by_timer[sk->timer <= ST_PERSIST ? sk->timer : 0]++;
	/* idiag_retrans counts timeouts only on the retransmit timer; with the
	 * keepalive and persist timers it counts probes (reference 1.2). */
	if (sk->retrans && sk->timer == ST_RETRANS) {
		e->retransmitting++;
		if (sk->retrans > e->max_retrans)
			e->max_retrans = sk->retrans;
	}
	if (sk->timer && sk->expires_ms > e->max_expires_ms)
		e->max_expires_ms = sk->expires_ms;
	if (sk->kind != SK_FULL || sk->state == TS_LISTEN)
		return;
	if (sk->rqueue > e->max_rqueue)
		e->max_rqueue = sk->rqueue;
	if (sk->wqueue > e->max_wqueue)
		e->max_wqueue = sk->wqueue;
	if (sk->rqueue == 0)
		e->rq_zero++;
	else if (sk->rqueue == 1)
		e->rq_one++;
	else
		e->rq_more++;
	e->rq_log2[log2_bucket(sk->rqueue)]++;
	snapshot_add_info(s, sk);
}

void snapshot_add_info(struct snapshot *s, const struct tcp_sock *sk)
{
	struct state_evidence *e;

	if (!tcp_sock_has_idle(sk) || sk->state >= TS_MAX_STATES)
		return;
	e = &s->ev[sk->state];
	e->with_info++;
	if (sk->info.tcpi_last_data_recv > e->max_idle_ms)
		e->max_idle_ms = sk->info.tcpi_last_data_recv;
}

static bool in_port_range(const struct snapshot *s, uint16_t port)
{
	return (!s->port_lo && !s->port_hi) || (port >= s->port_lo && port <= s->port_hi);
}

static void add_special(struct snapshot *s, const struct tcp_sock *sk)
{
	struct topk_key k;
	struct listener *l;

	if (sk->state == TS_SYN_SENT) {
		key_addr(&k, sk, sk->daddr, sk->dport);
		topk_add(&s->syn_sent_dests, &k);
	}
	if (sk->state == TS_SYN_RECV && (l = listener_for(s, sk))) {
		l->syn_recv++;
		if (sk->retrans > l->syn_recv_retrans)
			l->syn_recv_retrans = sk->retrans;
	}
	/* A connected socket from an ephemeral port holds its 4-tuple. */
	if (sk->state != TS_LISTEN && sk->state != TS_CLOSE && sk->state != TS_SYN_RECV &&
	    in_port_range(s, sk->sport) && !listener_for(s, sk)) {
		key_addr(&k, sk, sk->daddr, sk->dport);
		memcpy(k.addr2, sk->saddr, sk->family == AF_INET6 ? 16 : 4);
		topk_add(&s->ephemeral, &k);
	}
}

static void count_socket(struct snapshot *s, const struct tcp_sock *sk)
{
	enum snap_family f = sk->family == AF_INET6 ? SNAP_V6 : SNAP_V4;

	if (sk->state >= TS_MAX_STATES)
		return;
	s->count[f][sk->state]++;
	if (tcp_sock_is_orphan(sk))
		s->orphans[sk->state]++;
	else if (tcp_sock_is_half_closed(sk))
		s->half_closed[sk->state]++;
	switch (sk->state) {
	case TS_FIN_WAIT2:
		if (sk->kind == SK_TIMEWAIT)
			s->fin_wait2_minisocks++;
		break;
	case TS_SYN_RECV:
		if (sk->kind == SK_REQUEST)
			s->syn_recv_requests++;
		break;
	case TS_ESTABLISHED:
	case TS_CLOSE_WAIT:
		if (sk->kind == SK_FULL && sk->inode == 0)
			s->not_accepted[sk->state]++;
		break;
	case TS_LISTEN:
		add_listener(s, sk);
		break;
	default:
		break;
	}
	add_evidence(s, sk);
	add_special(s, sk);
}

/* ---- owners ------------------------------------------------------------- */

static size_t pid_slot(const struct proc_name *names, size_t cap, uint32_t pid)
{
	size_t i = (pid * 2654435761u) & (cap - 1);

	while (names[i].pid && names[i].pid != pid)
		i = (i + 1) & (cap - 1);
	return i;
}

void snapshot_set_comm(struct snapshot *s, uint32_t pid, const char *comm)
{
	struct proc_name *old = s->names;
	size_t i, cap;

	if (!pid || !comm)
		return;
	if (2 * (s->names_used + 1) > s->names_cap) {
		cap = s->names_cap ? 2 * s->names_cap : 64;
		s->names = xcalloc(cap, sizeof(*s->names));
		for (i = 0; i < s->names_cap; i++)
			if (old[i].pid)
				s->names[pid_slot(s->names, cap, old[i].pid)] = old[i];
		free(old);
		s->names_cap = cap;
	}
	i = pid_slot(s->names, s->names_cap, pid);
	if (s->names[i].pid)
		return;
	s->names[i].pid = pid;
	snprintf(s->names[i].comm, sizeof(s->names[i].comm), "%s", comm);
	s->names_used++;
}

const char *snapshot_comm(const struct snapshot *s, uint32_t pid)
{
	size_t i;

	if (!pid || !s->names_cap)
		return NULL;
	i = pid_slot(s->names, s->names_cap, pid);
	return s->names[i].pid ? s->names[i].comm : NULL;
}

/* Requests, and connections waiting in an accept queue, have no inode yet. */
static bool belongs_to_listener(const struct tcp_sock *sk)
{
	return sk->inode == 0 && (sk->kind == SK_REQUEST ||
				  (sk->kind == SK_FULL && (sk->state == TS_ESTABLISHED ||
							   sk->state == TS_CLOSE_WAIT ||
							   sk->state == TS_SYN_RECV)));
}

uint32_t snapshot_owner_of(const struct snapshot *s, const struct tcp_sock *sk,
			   const struct owner *o)
{
	const struct listener *l;

	if (o)
		return o->pid;
	if (belongs_to_listener(sk) && (l = listener_for(s, sk)))
		return l->owner_pid;
	return 0;
}

static void count_owner(struct snapshot *s, const struct tcp_sock *sk, uint32_t pid,
			const struct owner *o)
{
	struct topk_key k;

	if (o)
		;
	else if (sk->inode == 0 && !belongs_to_listener(sk))
		s->owner_kernel++;
	else if (pid)
		s->owner_listener++;
	else
		s->owner_unknown++;
	if (!pid)
		return;
	memset(&k, 0, sizeof(k));
	memcpy(k.addr, &pid, sizeof(pid));
	topk_add(&s->ev[sk->state].procs, &k);
}

bool snapshot_group_key(const struct tcp_sock *sk, uint32_t pid, enum group_by by,
			struct group_key *k)
{
	memset(k, 0, sizeof(*k));
	switch (by) {
	case GROUP_PROCESS:
		k->pid = pid ? pid : (sk->inode == 0 && !belongs_to_listener(sk))
					     ? GROUP_PID_KERNEL : 0;
		break;
	case GROUP_LPORT:
		k->port = sk->sport;
		break;
	case GROUP_PEER:
		k->port = sk->dport;
		/* fall through */
	case GROUP_RHOST:
		k->family = sk->family;
		memcpy(k->addr, sk->daddr, sk->family == AF_INET6 ? 16 : 4);
		break;
	default:
		return false;
	}
	return true;
}

static void group_socket(struct snapshot *s, const struct tcp_sock *sk, uint32_t pid)
{
	struct group_key k;

	if (snapshot_group_key(sk, pid, groups_by(s->groups), &k))
		groups_add(s->groups, &k, sk->state);
}

uint32_t snapshot_add_owned(struct snapshot *s, const struct tcp_sock *sk,
			    const struct owner *o)
{
	uint32_t pid;

	if (sk->state >= TS_MAX_STATES)
		return 0;
	count_socket(s, sk);
	pid = snapshot_owner_of(s, sk, o);
	if (o)
		snapshot_set_comm(s, o->pid, o->comm);
	if (sk->state == TS_LISTEN && s->nlisteners)
		s->listeners[s->nlisteners - 1].owner_pid = o ? o->pid : 0;
	if (s->owners)
		count_owner(s, sk, pid, o);
	if (s->groups)
		group_socket(s, sk, pid);
	return pid;
}

void snapshot_add(struct snapshot *s, const struct tcp_sock *sk)
{
	snapshot_add_owned(s, sk, NULL);
}

void snapshot_add_filtered_listener(struct snapshot *s, const struct tcp_sock *sk,
				    const struct owner *o)
{
	if (sk->state != TS_LISTEN)
		return;
	add_listener(s, sk);
	s->listeners[s->nlisteners - 1].filtered = true;
	s->listeners[s->nlisteners - 1].owner_pid = o ? o->pid : 0;
	if (o)
		snapshot_set_comm(s, o->pid, o->comm);
}

uint64_t snapshot_rq_at_least(const struct snapshot *s, unsigned int state, unsigned int log2)
{
	uint64_t n = 0;
	unsigned int b;

	if (state >= TS_MAX_STATES)
		return 0;
	for (b = log2 + 1; b < 33; b++)
		n += s->ev[state].rq_log2[b];
	return n;
}

uint64_t snapshot_state_total(const struct snapshot *s, unsigned int state)
{
	return state < TS_MAX_STATES ? s->count[SNAP_V4][state] + s->count[SNAP_V6][state] : 0;
}

uint64_t snapshot_total(const struct snapshot *s)
{
	uint64_t t = 0;
	unsigned int st;

	for (st = TS_FIRST; st <= TS_LAST; st++)
		t += snapshot_state_total(s, st);
	return t;
}

bool snapshot_has_family(const struct snapshot *s, enum snap_family f)
{
	return s->families & (f == SNAP_V6 ? FILTER_V6 : FILTER_V4);
}

void snapshot_sum(struct snapshot *dst, const struct snapshot *src)
{
	unsigned int f, st;

	for (st = 0; st < TS_MAX_STATES; st++) {
		for (f = 0; f < SNAP_NFAM; f++)
			dst->count[f][st] += src->count[f][st];
		dst->orphans[st] += src->orphans[st];
		dst->half_closed[st] += src->half_closed[st];
		dst->not_accepted[st] += src->not_accepted[st];
	}
	dst->fin_wait2_minisocks += src->fin_wait2_minisocks;
	dst->syn_recv_requests += src->syn_recv_requests;
	dst->messages += src->messages;
	dst->duplicates += src->duplicates;
	dst->malformed += src->malformed;
	dst->interrupted |= src->interrupted;
}

void snapshot_free(struct snapshot *s)
{
	free(s->listeners);
	free(s->names);
	groups_free(s->groups);
	s->names = NULL;
	s->groups = NULL;
	s->names_cap = s->names_used = 0;
	free(s->listen_index);
	free(s->listen_next);
	s->listen_index = s->listen_next = NULL;
	s->listeners = NULL;
	s->nlisteners = s->listeners_cap = 0;
}

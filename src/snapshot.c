// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter.h"
#include "snapshot.h"
#include "util.h"

void snapshot_init(struct snapshot *s, unsigned int families, uint32_t states)
{
	memset(s, 0, sizeof(*s));
	s->families = families;
	s->states = states;
}

static void add_listener(struct snapshot *s, const struct tcp_sock *sk)
{
	struct listener *l;

	if (s->nlisteners == s->listeners_cap) {
		s->listeners_cap = s->listeners_cap ? 2 * s->listeners_cap : 16;
		s->listeners = xreallocarray(s->listeners, s->listeners_cap,
					     sizeof(*s->listeners));
	}
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

void snapshot_add(struct snapshot *s, const struct tcp_sock *sk)
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

void snapshot_free(struct snapshot *s)
{
	free(s->listeners);
	s->listeners = NULL;
	s->nlisteners = s->listeners_cap = 0;
}

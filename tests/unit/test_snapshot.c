// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapshot: counts by family and state, how closing states split, accept
 * queues, listeners (and their array growing), totals.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter.h"
#include "snapshot.h"
#include "states.h"
#include "tap.h"

static struct tcp_sock sk(uint8_t family, uint8_t state, uint8_t kind, uint32_t inode)
{
	struct tcp_sock s;

	memset(&s, 0, sizeof(s));
	s.family = family;
	s.state = state;
	s.kind = kind;
	s.inode = inode;
	s.has_shutdown = kind == SK_FULL;
	return s;
}

static void add_n(struct snapshot *s, unsigned int n, struct tcp_sock t)
{
	while (n--)
		snapshot_add(s, &t);
}

static struct tcp_sock listener(uint8_t family, const char *addr, uint16_t port, uint32_t aq,
				uint32_t backlog)
{
	struct tcp_sock t = sk(family, TS_LISTEN, SK_FULL, 4000 + port);

	inet_pton(family, addr, t.saddr);
	t.sport = port;
	t.rqueue = aq;
	t.wqueue = backlog;
	t.uid = 33;
	return t;
}

static void test_init(void)
{
	struct snapshot s;
	unsigned int f, st, zero = 1;

	memset(&s, 0x5a, sizeof(s));
	snapshot_init(&s, FILTER_V4, 0x2ffe);
	is_int(s.families, FILTER_V4, "init: families kept");
	is_u64(s.states, 0x2ffe, "init: states kept");
	for (f = 0; f < SNAP_NFAM; f++)
		for (st = 0; st < TS_MAX_STATES; st++)
			zero &= s.count[f][st] == 0;
	ok(zero, "init: every count zero");
	ok(s.listeners == NULL && s.nlisteners == 0 && s.listeners_cap == 0,
	   "init: no listeners");
	ok(!s.replay && s.messages == 0 && s.duplicates == 0 && s.malformed == 0 &&
	   !s.interrupted && s.fin_wait2_minisocks == 0 && s.syn_recv_requests == 0,
	   "init: the rest zero");
	is_u64(snapshot_total(&s), 0, "init: total 0");
	ok(snapshot_has_family(&s, SNAP_V4) && !snapshot_has_family(&s, SNAP_V6),
	   "has_family: v4 only");
	snapshot_init(&s, FILTER_V6, 0xffe);
	ok(!snapshot_has_family(&s, SNAP_V4) && snapshot_has_family(&s, SNAP_V6),
	   "has_family: v6 only");
	snapshot_init(&s, FILTER_V4 | FILTER_V6, 0xffe);
	ok(snapshot_has_family(&s, SNAP_V4) && snapshot_has_family(&s, SNAP_V6),
	   "has_family: both");
	snapshot_free(&s);
}

static void test_counts(void)
{
	struct snapshot s;
	struct tcp_sock t;
	const struct listener *l;
	uint8_t want[16] = { 127, 0, 0, 1 };
	uint8_t want6[16];
	unsigned int st;
	uint64_t sum = 0;

	snapshot_init(&s, FILTER_V4 | FILTER_V6, 0x2ffe);
	/* ESTABLISHED: 2 accepted v4, 1 in an accept queue v4, 1 in one v6. */
	add_n(&s, 2, sk(AF_INET, TS_ESTABLISHED, SK_FULL, 10));
	add_n(&s, 1, sk(AF_INET, TS_ESTABLISHED, SK_FULL, 0));
	add_n(&s, 1, sk(AF_INET6, TS_ESTABLISHED, SK_FULL, 0));
	add_n(&s, 1, sk(AF_INET, TS_SYN_SENT, SK_FULL, 11));
	/* SYN_RECV: 2 requests, 1 Fast Open child. */
	add_n(&s, 2, sk(AF_INET, TS_SYN_RECV, SK_REQUEST, 0));
	add_n(&s, 1, sk(AF_INET6, TS_SYN_RECV, SK_FULL, 0));
	/* FIN_WAIT1: 2 orphans, 1 half-closed. */
	add_n(&s, 2, sk(AF_INET, TS_FIN_WAIT1, SK_FULL, 0));
	add_n(&s, 1, sk(AF_INET6, TS_FIN_WAIT1, SK_FULL, 12));
	/* FIN_WAIT2: 3 minisocks, 1 full orphan, 1 half-closed. */
	add_n(&s, 3, sk(AF_INET, TS_FIN_WAIT2, SK_TIMEWAIT, 0));
	add_n(&s, 1, sk(AF_INET, TS_FIN_WAIT2, SK_FULL, 0));
	add_n(&s, 1, sk(AF_INET, TS_FIN_WAIT2, SK_FULL, 13));
	add_n(&s, 5, sk(AF_INET, TS_TIME_WAIT, SK_TIMEWAIT, 0));
	add_n(&s, 1, sk(AF_INET6, TS_TIME_WAIT, SK_TIMEWAIT, 0));
	add_n(&s, 1, sk(AF_INET, TS_CLOSE, SK_FULL, 14));
	/* CLOSE_WAIT: 1 never accepted, 1 accepted. */
	add_n(&s, 1, sk(AF_INET, TS_CLOSE_WAIT, SK_FULL, 0));
	add_n(&s, 1, sk(AF_INET, TS_CLOSE_WAIT, SK_FULL, 15));
	add_n(&s, 1, sk(AF_INET, TS_LAST_ACK, SK_FULL, 0));
	add_n(&s, 1, sk(AF_INET6, TS_CLOSING, SK_FULL, 16));
	t = listener(AF_INET, "127.0.0.1", 8080, 3, 2);
	snapshot_add(&s, &t);
	t = listener(AF_INET, "0.0.0.0", 22, 0, 128);
	snapshot_add(&s, &t);
	t = listener(AF_INET6, "::1", 8443, 2, 2);
	snapshot_add(&s, &t);

	is_u64(s.count[SNAP_V4][TS_ESTABLISHED], 3, "established v4: 3");
	is_u64(s.count[SNAP_V6][TS_ESTABLISHED], 1, "established v6: 1");
	is_u64(snapshot_state_total(&s, TS_ESTABLISHED), 4, "established total: 4");
	is_u64(s.not_accepted[TS_ESTABLISHED], 2, "established not accepted: 2 (v4 + v6)");
	is_u64(s.count[SNAP_V4][TS_SYN_SENT], 1, "syn-sent: 1");
	is_u64(snapshot_state_total(&s, TS_SYN_RECV), 3, "syn-recv total: 3");
	is_u64(s.syn_recv_requests, 2, "syn-recv requests: 2 (not the Fast Open child)");
	is_u64(s.count[SNAP_V6][TS_SYN_RECV], 1, "syn-recv v6: 1");
	is_u64(snapshot_state_total(&s, TS_FIN_WAIT1), 3, "fin-wait-1 total: 3");
	is_u64(s.orphans[TS_FIN_WAIT1], 2, "fin-wait-1 orphans: 2");
	is_u64(s.half_closed[TS_FIN_WAIT1], 1, "fin-wait-1 half-closed: 1");
	is_u64(snapshot_state_total(&s, TS_FIN_WAIT2), 5, "fin-wait-2 total: 5");
	is_u64(s.fin_wait2_minisocks, 3, "fin-wait-2 minisocks: 3");
	is_u64(s.orphans[TS_FIN_WAIT2], 1, "fin-wait-2 full orphans: 1 (minisocks apart)");
	is_u64(s.half_closed[TS_FIN_WAIT2], 1, "fin-wait-2 half-closed: 1");
	is_u64(s.count[SNAP_V4][TS_TIME_WAIT], 5, "time-wait v4: 5");
	is_u64(s.count[SNAP_V6][TS_TIME_WAIT], 1, "time-wait v6: 1");
	is_u64(s.orphans[TS_TIME_WAIT] + s.half_closed[TS_TIME_WAIT], 0,
	       "time-wait: neither orphans nor half-closed");
	is_u64(snapshot_state_total(&s, TS_CLOSE), 1, "close: 1");
	is_u64(snapshot_state_total(&s, TS_CLOSE_WAIT), 2, "close-wait: 2");
	is_u64(s.not_accepted[TS_CLOSE_WAIT], 1, "close-wait not accepted: 1");
	is_u64(s.orphans[TS_CLOSE_WAIT], 0, "close-wait inode 0: not an orphan");
	is_u64(s.orphans[TS_LAST_ACK], 1, "last-ack orphans: 1");
	is_u64(s.half_closed[TS_CLOSING], 1, "closing half-closed: 1");
	is_u64(s.count[SNAP_V6][TS_CLOSING], 1, "closing v6: 1");
	is_u64(snapshot_state_total(&s, TS_LISTEN), 3, "listen: 3");
	is_u64(s.not_accepted[TS_LISTEN] + s.orphans[TS_LISTEN], 0,
	       "listen inode != 0: nothing else counted");
	for (st = TS_FIRST; st <= TS_LAST; st++)
		sum += snapshot_state_total(&s, st);
	is_u64(snapshot_total(&s), sum, "total: the sum of the states");
	is_u64(snapshot_total(&s), 30, "total: 30");
	is_u64(snapshot_state_total(&s, 0), 0, "state_total(0): 0");
	is_u64(snapshot_state_total(&s, TS_MAX_STATES), 0, "state_total(out of range): 0");
	is_u64(snapshot_state_total(&s, 1000), 0, "state_total(1000): 0");

	/* Out-of-range states are not counted anywhere. */
	t = sk(AF_INET, TS_MAX_STATES, SK_FULL, 0);
	snapshot_add(&s, &t);
	t = sk(AF_INET, 200, SK_FULL, 0);
	snapshot_add(&s, &t);
	is_u64(snapshot_total(&s), 30, "states >= TS_MAX_STATES are ignored");

	is_u64(s.nlisteners, 3, "3 listeners kept");
	l = &s.listeners[0];
	ok(l->family == AF_INET && !memcmp(l->addr, want, 16) && l->port == 8080,
	   "listener 0: family, address, port");
	ok(l->accept_queue == 3 && l->backlog == 2, "listener 0: accept queue from rqueue, backlog"
	   " from wqueue");
	ok(l->uid == 33 && l->inode == 4000 + 8080, "listener 0: uid and inode");
	ok(listener_full(l), "listener 0: 3 queued on backlog 2 is full");
	ok(!listener_full(&s.listeners[1]), "listener 1: empty queue is not full");
	inet_pton(AF_INET6, "::1", want6);
	l = &s.listeners[2];
	ok(l->family == AF_INET6 && !memcmp(l->addr, want6, 16) && l->port == 8443,
	   "listener 2: an ipv6 address");
	ok(!listener_full(l), "listener 2: 2 queued on backlog 2 is not full");
	snapshot_free(&s);
	ok(s.listeners == NULL && s.nlisteners == 0 && s.listeners_cap == 0,
	   "free: listeners released");
	snapshot_free(&s);
	ok(1, "free twice: harmless");
}

static void test_listener_full(void)
{
	struct listener l;

	memset(&l, 0, sizeof(l));
	l.backlog = 128;
	l.accept_queue = 127;
	ok(!listener_full(&l), "listener_full: backlog-1 is not full");
	l.accept_queue = 128;
	ok(!listener_full(&l), "listener_full: at backlog is not full");
	l.accept_queue = 129;
	ok(listener_full(&l), "listener_full: backlog+1 is full (the kernel's test)");
	l.backlog = 0;
	l.accept_queue = 0;
	ok(!listener_full(&l), "listener_full: backlog 0, queue 0: not full");
	l.accept_queue = 1;
	ok(listener_full(&l), "listener_full: backlog 0, queue 1: full");
}

static void test_many_listeners(void)
{
	struct snapshot s;
	struct tcp_sock t;
	unsigned int i, good = 0;

	snapshot_init(&s, FILTER_V4 | FILTER_V6, 0xffe);
	for (i = 0; i < 100; i++) {
		t = listener(i % 2 ? AF_INET6 : AF_INET, i % 2 ? "::" : "0.0.0.0",
			     (uint16_t)(1000 + i), i, 10);
		snapshot_add(&s, &t);
	}
	is_u64(s.nlisteners, 100, "100 listeners: all kept");
	ok(s.listeners_cap >= 100, "100 listeners: capacity grew");
	for (i = 0; i < 100; i++)
		good += s.listeners[i].port == 1000 + i && s.listeners[i].accept_queue == i &&
			s.listeners[i].family == (i % 2 ? AF_INET6 : AF_INET);
	is_int(good, 100, "100 listeners: each one intact, in order, after the reallocations");
	is_u64(snapshot_state_total(&s, TS_LISTEN), 100, "100 listeners: counted");
	is_u64(s.count[SNAP_V6][TS_LISTEN], 50, "100 listeners: 50 ipv6");
	snapshot_free(&s);
	ok(s.listeners == NULL, "100 listeners: freed (LeakSanitizer checks at exit)");
}

int main(void)
{
	test_init();
	test_counts();
	test_listener_full();
	test_many_listeners();
	return done_testing();
}

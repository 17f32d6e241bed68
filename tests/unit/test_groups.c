// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * groups: the --by words, exact counts per key and state, the map growing
 * far past its first capacity with every count still exact, groups_top
 * (largest first, ties by the smaller key, n past the end, the rest summed
 * per state and in total), groups_free(NULL).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "groups.h"
#include "tap.h"

static struct group_key pid_key(uint32_t pid)
{
	struct group_key k;

	memset(&k, 0, sizeof(k));
	k.pid = pid;
	return k;
}

static struct group_key port_key(uint16_t port)
{
	struct group_key k;

	memset(&k, 0, sizeof(k));
	k.port = port;
	return k;
}

static struct group_key addr_key(uint8_t family, const char *addr, uint16_t port)
{
	struct group_key k;

	memset(&k, 0, sizeof(k));
	k.family = family;
	k.port = port;
	if (inet_pton(family, addr, k.addr) != 1)
		abort();
	return k;
}

static void add_n(struct groups *g, struct group_key k, unsigned int state, unsigned int n)
{
	while (n--)
		groups_add(g, &k, state);
}

/* Every group, largest first; the caller frees. */
static const struct group **all_groups(const struct groups *g, size_t *n, struct group *rest)
{
	size_t cap = groups_count(g) ? groups_count(g) : 1;
	const struct group **top = calloc(cap, sizeof(*top));

	if (!top)
		abort();
	*n = groups_top(g, top, cap, rest);
	return top;
}

static const struct group *find(const struct group **top, size_t n, const struct group_key *k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!memcmp(&top[i]->key, k, sizeof(*k)))
			return top[i];
	return NULL;
}

static bool rest_empty(const struct group *rest)
{
	unsigned int st;

	for (st = 0; st < TS_MAX_STATES; st++)
		if (rest->count[st])
			return false;
	return rest->total == 0;
}

static void test_words(void)
{
	static const struct {
		const char *word;
		enum group_by by;
	} t[] = {
		{ "process", GROUP_PROCESS },
		{ "lport", GROUP_LPORT },
		{ "peer", GROUP_PEER },
		{ "rhost", GROUP_RHOST },
	};
	static const char *const bad[] = { "", "none", "Process", "PEER", "processes", "proc",
					   "pid", "port", "lport ", " rhost", "host", "peers" };
	char name[64];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(name, sizeof(name), "parse \"%s\"", t[i].word);
		is_int(groups_parse(t[i].word), t[i].by, name);
		snprintf(name, sizeof(name), "name of %s round trips", t[i].word);
		is_str(groups_name(groups_parse(t[i].word)), t[i].word, name);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "parse \"%s\": GROUP_NONE", bad[i]);
		is_int(groups_parse(bad[i]), GROUP_NONE, name);
	}
	is_str(groups_name(GROUP_NONE), "none", "name of GROUP_NONE: none");
	is_str(groups_name((enum group_by)42), "none", "name of an out-of-range value: none");
}

static void test_empty(void)
{
	struct groups *g = groups_new(GROUP_LPORT);
	const struct group *top[4] = { NULL };
	struct group rest;

	memset(&rest, 0x5a, sizeof(rest));
	is_int(groups_by(g), GROUP_LPORT, "groups_by: what it was made with");
	is_u64(groups_count(g), 0, "new: no groups");
	is_u64(groups_top(g, top, 4, &rest), 0, "top of nothing: 0");
	ok(rest_empty(&rest), "top of nothing: rest zeroed");
	groups_add(g, &(struct group_key){ .port = 80 }, TS_MAX_STATES);
	groups_add(g, &(struct group_key){ .port = 80 }, 200);
	is_u64(groups_count(g), 0, "a state out of range is not counted (no group made)");
	groups_free(g);
}

static void test_exact(void)
{
	struct groups *g = groups_new(GROUP_PEER);
	struct group_key a = addr_key(AF_INET, "10.0.0.1", 443);
	struct group_key a2 = addr_key(AF_INET, "10.0.0.1", 80);
	struct group_key b = addr_key(AF_INET, "10.0.0.2", 443);
	/* Same 16 bytes, other family: another group. */
	struct group_key c = addr_key(AF_INET6, "::", 443);
	struct group_key v4zero = addr_key(AF_INET, "0.0.0.0", 443);
	const struct group **top, *x;
	struct group rest;
	size_t n;

	add_n(g, a, TS_ESTABLISHED, 7);
	add_n(g, a, TS_TIME_WAIT, 3);
	add_n(g, a2, TS_ESTABLISHED, 1);
	add_n(g, b, TS_CLOSE_WAIT, 2);
	add_n(g, b, TS_CLOSING, 1);
	add_n(g, c, TS_SYN_SENT, 4);
	add_n(g, v4zero, TS_SYN_SENT, 5);
	add_n(g, a, TS_ESTABLISHED, 2); /* again, after others */
	is_u64(groups_count(g), 5, "peer: five distinct keys (port, address, family)");
	top = all_groups(g, &n, &rest);
	is_u64(n, 5, "top of all: five");
	ok(rest_empty(&rest), "top of all: nothing left over");
	x = find(top, n, &a);
	ok(x && x->count[TS_ESTABLISHED] == 9 && x->count[TS_TIME_WAIT] == 3 && x->total == 12,
	   "10.0.0.1:443: 9 ESTABLISHED, 3 TIME-WAIT, 12 in all");
	x = find(top, n, &a2);
	ok(x && x->count[TS_ESTABLISHED] == 1 && x->total == 1, "10.0.0.1:80: 1, its own group");
	x = find(top, n, &b);
	ok(x && x->count[TS_CLOSE_WAIT] == 2 && x->count[TS_CLOSING] == 1 && x->total == 3,
	   "10.0.0.2:443: 2 CLOSE-WAIT, 1 CLOSING");
	x = find(top, n, &c);
	ok(x && x->count[TS_SYN_SENT] == 4 && x->total == 4, "[::]:443: 4 SYN-SENT");
	x = find(top, n, &v4zero);
	ok(x && x->count[TS_SYN_SENT] == 5 && x->total == 5,
	   "0.0.0.0:443 (same bytes as [::]:443, other family): 5, apart");
	ok(n == 5 && top[0]->total == 12 && top[1]->total == 5 && top[2]->total == 4 &&
	   top[3]->total == 3 && top[4]->total == 1, "top: by total, largest first");
	free(top);
	groups_free(g);
}

/* 100000 distinct keys: the map starts at 64 slots and must grow ~12 times
 * with every count still exact. Key i gets i % 5 + 1 sockets, the j-th in
 * state (i + j) % 11 + 1. */
#define NKEYS 100000u

static void test_growth(void)
{
	struct groups *g = groups_new(GROUP_PROCESS);
	const struct group **top;
	struct group rest;
	struct group_key k;
	uint64_t sum = 0, want_sum = 0;
	size_t n, i, bad = 0, order_bad = 0, tie_bad = 0, seen_bad = 0;
	unsigned char *seen = calloc(NKEYS + 1, 1);
	unsigned int j, st;

	if (!seen)
		abort();
	for (i = 0; i < NKEYS; i++) {
		k = pid_key((uint32_t)i + 1);
		for (j = 0; j < i % 5 + 1; j++)
			groups_add(g, &k, (unsigned int)((i + j) % 11 + 1));
		want_sum += i % 5 + 1;
	}
	/* Again for the first 1000: existing keys found after the growth. */
	for (i = 0; i < 1000; i++) {
		k = pid_key((uint32_t)i + 1);
		groups_add(g, &k, TS_LISTEN);
		want_sum++;
	}
	is_u64(groups_count(g), NKEYS, "100000 distinct keys: 100000 groups");
	top = all_groups(g, &n, &rest);
	is_u64(n, NKEYS, "top of all: every group");
	ok(rest_empty(&rest), "top of all: rest empty");
	for (i = 0; i < n; i++) {
		const struct group *x = top[i];
		uint32_t id = x->key.pid - 1;
		uint64_t want[TS_MAX_STATES] = { 0 }, t = 0;

		if (x->key.pid == 0 || x->key.pid > NKEYS || seen[x->key.pid]++) {
			seen_bad++;
			continue;
		}
		for (j = 0; j < id % 5 + 1; j++)
			want[(id + j) % 11 + 1]++;
		if (id < 1000)
			want[TS_LISTEN]++;
		for (st = 0; st < TS_MAX_STATES; st++) {
			t += x->count[st];
			if (x->count[st] != want[st])
				bad++;
		}
		if (t != x->total)
			bad++;
		sum += x->total;
		if (i && top[i - 1]->total < x->total)
			order_bad++;
		if (i && top[i - 1]->total == x->total && top[i - 1]->key.pid > x->key.pid)
			tie_bad++;
	}
	is_u64(seen_bad, 0, "every pid 1..100000 exactly once");
	is_u64(bad, 0, "every count of every group exact (and total = sum of states)");
	is_u64(sum, want_sum, "totals add up to every socket added");
	is_u64(order_bad, 0, "100000 groups: by total, largest first");
	is_u64(tie_bad, 0, "100000 groups: ties by the smaller pid");
	free(top);
	free(seen);
	groups_free(g);
}

static void test_top(void)
{
	struct groups *g = groups_new(GROUP_LPORT);
	const struct group *top[16];
	struct group rest;
	uint64_t st_sum[TS_MAX_STATES] = { 0 }, total = 0;
	unsigned int st;
	size_t n, i;
	bool sums = true;

	/* totals: 22 -> 9, 80 -> 6, 443 -> 6, 8080 -> 6, 5432 -> 2, 1 -> 1, 256 -> 1;
	 * 31 sockets */
	add_n(g, port_key(22), TS_ESTABLISHED, 9);
	add_n(g, port_key(8080), TS_ESTABLISHED, 3);
	add_n(g, port_key(8080), TS_TIME_WAIT, 3);
	add_n(g, port_key(443), TS_CLOSE_WAIT, 6);
	add_n(g, port_key(80), TS_ESTABLISHED, 1);
	add_n(g, port_key(80), TS_FIN_WAIT2, 5);
	add_n(g, port_key(5432), TS_LISTEN, 1);
	add_n(g, port_key(5432), TS_SYN_RECV, 1);
	add_n(g, port_key(256), TS_ESTABLISHED, 1);
	add_n(g, port_key(1), TS_LAST_ACK, 1);
	is_u64(groups_count(g), 7, "lport: seven ports");

	n = groups_top(g, top, 16, &rest);
	is_u64(n, 7, "n larger than the count: every group (7)");
	ok(rest_empty(&rest), "n larger than the count: rest zero");
	ok(n == 7 && top[0]->key.port == 22 && top[0]->total == 9, "largest first: port 22 (9)");
	ok(n == 7 && top[4]->key.port == 5432 && top[4]->total == 2, "then 5432 (2)");
	/* Ties: the smaller key first, numerically (80 < 443 < 8080, 1 < 256). */
	ok(n == 7 && top[1]->key.port == 80 && top[2]->key.port == 443 &&
	   top[3]->key.port == 8080, "ties at 6: 80, 443, 8080 (smaller port first)");
	if (n == 7 && !(top[1]->key.port == 80 && top[2]->key.port == 443 &&
			top[3]->key.port == 8080))
		tap_diag("got %u, %u, %u", top[1]->key.port, top[2]->key.port, top[3]->key.port);
	ok(n == 7 && top[5]->key.port == 1 && top[6]->key.port == 256,
	   "ties at 1: 1 before 256 (smaller port first)");
	if (n == 7 && !(top[5]->key.port == 1 && top[6]->key.port == 256))
		tap_diag("got %u, %u", top[5]->key.port, top[6]->key.port);

	n = groups_top(g, top, 2, &rest);
	is_u64(n, 2, "top 2: two");
	ok(top[0]->key.port == 22 && top[1]->key.port == 80, "top 2: 22 and 80");
	is_u64(rest.total, 6 + 6 + 2 + 1 + 1, "rest total: the other five groups (16)");
	is_u64(rest.count[TS_ESTABLISHED], 3 + 1, "rest ESTABLISHED: 8080's 3 + 256's 1");
	is_u64(rest.count[TS_TIME_WAIT], 3, "rest TIME-WAIT: 8080's 3");
	is_u64(rest.count[TS_CLOSE_WAIT], 6, "rest CLOSE-WAIT: 443's 6");
	is_u64(rest.count[TS_FIN_WAIT2], 0, "rest FIN-WAIT-2: 0 (80 is in the top)");
	is_u64(rest.count[TS_LISTEN], 1, "rest LISTEN: 1");
	is_u64(rest.count[TS_SYN_RECV], 1, "rest SYN-RECV: 1");
	is_u64(rest.count[TS_LAST_ACK], 1, "rest LAST-ACK: 1");
	for (i = 0; i < n; i++) {
		for (st = 0; st < TS_MAX_STATES; st++)
			st_sum[st] += top[i]->count[st];
		total += top[i]->total;
	}
	for (st = 0; st < TS_MAX_STATES; st++)
		st_sum[st] += rest.count[st];
	total += rest.total;
	is_u64(total, 31, "top 2 + rest == every socket (31)");
	sums = st_sum[TS_ESTABLISHED] == 14 && st_sum[TS_TIME_WAIT] == 3 &&
	       st_sum[TS_CLOSE_WAIT] == 6 && st_sum[TS_FIN_WAIT2] == 5 &&
	       st_sum[TS_LISTEN] == 1 && st_sum[TS_SYN_RECV] == 1 && st_sum[TS_LAST_ACK] == 1;
	ok(sums, "top 2 + rest == all, per state");

	n = groups_top(g, top, 0, &rest);
	is_u64(n, 0, "top 0: none");
	is_u64(rest.total, 31, "top 0: the rest is everything (31)");
	is_u64(rest.count[TS_ESTABLISHED], 14, "top 0: rest ESTABLISHED 14");
	groups_free(g);
}

/* Ties among processes: the smaller pid first; among peers: by address,
 * then port (the address is in network order, the port numerically). */
static void test_tie_keys(void)
{
	struct groups *g = groups_new(GROUP_PROCESS);
	struct group_key p1 = pid_key(300), p2 = pid_key(2);
	struct group_key a = addr_key(AF_INET, "10.0.0.9", 255);
	struct group_key b = addr_key(AF_INET, "10.0.0.10", 5000);
	struct group_key c = addr_key(AF_INET, "10.0.0.10", 443);
	const struct group *top[4];
	struct group rest;
	size_t n;

	add_n(g, p1, TS_ESTABLISHED, 2);
	add_n(g, p2, TS_ESTABLISHED, 2);
	n = groups_top(g, top, 4, &rest);
	ok(n == 2 && top[0]->key.pid == 2 && top[1]->key.pid == 300,
	   "process ties: pid 2 before pid 300");
	if (n == 2 && top[0]->key.pid != 2)
		tap_diag("got %u, %u", top[0]->key.pid, top[1]->key.pid);
	groups_free(g);

	g = groups_new(GROUP_PEER);
	add_n(g, a, TS_ESTABLISHED, 1);
	add_n(g, b, TS_ESTABLISHED, 1);
	add_n(g, c, TS_ESTABLISHED, 1);
	n = groups_top(g, top, 4, &rest);
	ok(n == 3 && top[0]->key.addr[3] == 9 && top[1]->key.port == 443 &&
	   top[2]->key.port == 5000,
	   "peer ties: 10.0.0.9:255, 10.0.0.10:443, 10.0.0.10:5000 (address, then port)");
	if (n == 3 && !(top[0]->key.addr[3] == 9 && top[1]->key.port == 443))
		tap_diag("got .%u:%u, .%u:%u, .%u:%u", top[0]->key.addr[3], top[0]->key.port,
			 top[1]->key.addr[3], top[1]->key.port, top[2]->key.addr[3],
			 top[2]->key.port);
	groups_free(g);
}

int main(void)
{
	test_words();
	test_empty();
	test_exact();
	test_growth();
	test_top();
	test_tie_keys();
	groups_free(NULL);
	ok(1, "groups_free(NULL): nothing happens");
	return done_testing();
}

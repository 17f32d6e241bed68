// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * topk: exact counts while the keys fit, ordering (largest first, ties by
 * key), the Space-Saving guarantee on adversarial streams, topk_top with n
 * larger than the keys seen, and the hash chains after many evictions.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tap.h"
#include "topk.h"

/* Key number @id as a port plus an IPv4 address, so that several fields
 * vary and the keys hash into every bucket. */
static struct topk_key key(uint32_t id)
{
	struct topk_key k;

	memset(&k, 0, sizeof(k));
	k.family = AF_INET;
	k.port = (uint16_t)(id & 0xffff);
	k.addr[0] = 10;
	k.addr[1] = (uint8_t)(id >> 16);
	k.addr[2] = (uint8_t)(id >> 8);
	k.addr[3] = (uint8_t)id;
	return k;
}

static uint32_t key_id(const struct topk_key *k)
{
	return (uint32_t)k->addr[1] << 16 | (uint32_t)k->addr[2] << 8 | k->addr[3];
}

/* The kept entry for @k by a linear scan (independent of the hash), or NULL. */
static const struct topk_entry *scan(const struct topk *t, const struct topk_key *k)
{
	unsigned int i;

	for (i = 0; i < t->used; i++)
		if (!memcmp(&t->e[i].key, k, sizeof(*k)))
			return &t->e[i];
	return NULL;
}

static uint64_t sum_counts(const struct topk *t)
{
	uint64_t s = 0;
	unsigned int i;

	for (i = 0; i < t->used; i++)
		s += t->e[i].count;
	return s;
}

/* A small deterministic PRNG (xorshift32), so failures reproduce. */
static uint32_t rng_state = 2463534242u;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void test_init(void)
{
	struct topk t;
	const struct topk_entry *out[4];
	unsigned int i, heads = 1;

	memset(&t, 0x5a, sizeof(t));
	topk_init(&t);
	is_int(t.used, 0, "init: nothing used");
	is_u64(t.total, 0, "init: total 0");
	for (i = 0; i < TOPK_BUCKETS; i++)
		heads &= t.head[i] == -1;
	ok(heads, "init: every bucket empty (-1)");
	is_int(topk_top(&t, out, 4), 0, "init: topk_top returns nothing");
}

static void test_exact(void)
{
	struct topk t;
	struct topk_key k;
	uint32_t id;
	unsigned int n, exact = 1, noerr = 1;
	const struct topk_entry *e;

	topk_init(&t);
	/* Key id gets id+1 occurrences, interleaved, for all TOPK_SLOTS keys. */
	for (n = 0; n < TOPK_SLOTS; n++)
		for (id = 0; id < TOPK_SLOTS; id++)
			if (n <= id) {
				k = key(id);
				topk_add(&t, &k);
			}
	is_int(t.used, TOPK_SLOTS, "exact: every slot used");
	is_u64(t.total, TOPK_SLOTS * (TOPK_SLOTS + 1) / 2, "exact: total");
	for (id = 0; id < TOPK_SLOTS; id++) {
		k = key(id);
		e = scan(&t, &k);
		if (!e || e->count != id + 1)
			exact = 0;
		if (!e || e->err != 0)
			noerr = 0;
	}
	ok(exact, "exact: every key's count is its true count while keys <= TOPK_SLOTS");
	ok(noerr, "exact: no error bound while nothing was evicted");
	is_u64(sum_counts(&t), t.total, "exact: counts sum to total");

	/* One more occurrence of a kept key evicts nothing. */
	k = key(7);
	topk_add(&t, &k);
	e = scan(&t, &k);
	ok(e && e->count == 9 && e->err == 0, "exact: adding a kept key counts it");
	is_int(t.used, TOPK_SLOTS, "exact: still TOPK_SLOTS used");

	/* Fewer keys than slots. */
	topk_init(&t);
	for (n = 0; n < 3; n++) {
		k = key(100);
		topk_add(&t, &k);
	}
	k = key(200);
	topk_add(&t, &k);
	is_int(t.used, 2, "exact: two keys use two slots");
	e = scan(&t, &k);
	ok(e && e->count == 1, "exact: single key counted once");
	k = key(100);
	e = scan(&t, &k);
	ok(e && e->count == 3, "exact: repeated key counted three times");
}

static void test_order(void)
{
	struct topk t;
	struct topk_key k;
	const struct topk_entry *out[TOPK_SLOTS];
	static const uint32_t ids[] = { 50, 3, 40, 9, 20, 1 };
	static const unsigned int reps[] = { 2, 5, 2, 5, 2, 1 };
	unsigned int i, r;
	size_t n;
	int desc = 1;

	topk_init(&t);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		for (r = 0; r < reps[i]; r++) {
			k = key(ids[i]);
			topk_add(&t, &k);
		}
	n = topk_top(&t, out, TOPK_SLOTS);
	is_int(n, 6, "order: topk_top returns every key seen");
	for (i = 1; i < n; i++)
		if (out[i - 1]->count < out[i]->count)
			desc = 0;
	ok(desc, "order: largest first");
	/* Ties: the smaller key (by its bytes, as topk.h documents) first. */
	ok(out[0]->count == 5 && out[1]->count == 5, "order: the two fives first");
	ok(memcmp(&out[0]->key, &out[1]->key, sizeof(out[0]->key)) < 0,
	   "order: tie broken by smaller key first");
	ok(out[2]->count == 2 && out[3]->count == 2 && out[4]->count == 2,
	   "order: then the three twos");
	ok(memcmp(&out[2]->key, &out[3]->key, sizeof(out[2]->key)) < 0 &&
	   memcmp(&out[3]->key, &out[4]->key, sizeof(out[3]->key)) < 0,
	   "order: twos in key order");
	is_int(key_id(&out[5]->key), 1, "order: the single occurrence last");

	/* Stable: the same multiset in another insertion order gives the same
	 * output. */
	{
		struct topk t2;
		const struct topk_entry *out2[TOPK_SLOTS];
		size_t n2;
		int same = 1;

		topk_init(&t2);
		for (i = sizeof(ids) / sizeof(ids[0]); i-- > 0;)
			for (r = 0; r < reps[i]; r++) {
				k = key(ids[i]);
				topk_add(&t2, &k);
			}
		n2 = topk_top(&t2, out2, TOPK_SLOTS);
		if (n2 != n)
			same = 0;
		for (i = 0; same && i < n; i++)
			if (memcmp(&out[i]->key, &out2[i]->key, sizeof(out[i]->key)) ||
			    out[i]->count != out2[i]->count)
				same = 0;
		ok(same, "order: ties stable regardless of insertion order");
	}

	/* n smaller than used: the n largest. */
	n = topk_top(&t, out, 2);
	is_int(n, 2, "order: n=2 returns 2");
	ok(out[0]->count == 5 && out[1]->count == 5, "order: n=2 returns the two largest");
	n = topk_top(&t, out, 0);
	is_int(n, 0, "order: n=0 returns 0");
}

static void test_top_more_than_used(void)
{
	struct topk t;
	struct topk_key k;
	const struct topk_entry *out[TOPK_SLOTS + 8];
	size_t n;

	memset(out, 0, sizeof(out));
	topk_init(&t);
	k = key(1);
	topk_add(&t, &k);
	k = key(2);
	topk_add(&t, &k);
	topk_add(&t, &k);
	k = key(3);
	topk_add(&t, &k);
	n = topk_top(&t, out, TOPK_SLOTS + 8);
	is_int(n, 3, "top: n larger than used returns used");
	ok(out[3] == NULL, "top: nothing written past the entries returned");
	is_int(key_id(&out[0]->key), 2, "top: the largest first");
	is_u64(out[0]->count, 2, "top: its count");
}

/* Check Space-Saving's guarantees against the true counts in @truth (ids
 * 0..nids-1): each kept count bounds the truth from above, count - err from
 * below, and every key with more than total/TOPK_SLOTS occurrences is kept. */
static void check_guarantee(const struct topk *t, const uint64_t *truth, uint32_t nids,
			    const char *what)
{
	char name[160];
	unsigned int i, bounds = 1, heavy = 1;
	uint32_t id;
	uint64_t min = UINT64_MAX;

	for (i = 0; i < t->used; i++) {
		const struct topk_entry *e = &t->e[i];
		uint64_t tr;

		id = key_id(&e->key);
		tr = id < nids ? truth[id] : 0;
		if (e->count < tr || e->count - e->err > tr)
			bounds = 0;
		if (e->count < min)
			min = e->count;
	}
	snprintf(name, sizeof(name), "%s: count - err <= true <= count for every kept key", what);
	ok(bounds, name);
	for (id = 0; id < nids; id++) {
		struct topk_key k = key(id);

		if (truth[id] * TOPK_SLOTS > t->total && !scan(t, &k))
			heavy = 0;
	}
	snprintf(name, sizeof(name), "%s: every key above total/TOPK_SLOTS is kept", what);
	ok(heavy, name);
	snprintf(name, sizeof(name), "%s: counts sum to total", what);
	is_u64(sum_counts(t), t->total, name);
	snprintf(name, sizeof(name), "%s: smallest count <= total/TOPK_SLOTS", what);
	ok(t->used < TOPK_SLOTS || min * TOPK_SLOTS <= t->total, name);
}

static void add_id(struct topk *t, uint64_t *truth, uint32_t id)
{
	struct topk_key k = key(id);

	topk_add(t, &k);
	truth[id]++;
}

static void test_interleaved(void)
{
	enum { NIDS = 20000, HEAVY = 0, HEAVY2 = 1 };
	uint64_t *truth = calloc(NIDS, sizeof(*truth));
	struct topk t;
	const struct topk_entry *out[2];
	uint32_t id;

	/* A heavy hitter every 40th item among 10000 distinct keys. */
	topk_init(&t);
	for (id = 2; id < 10002; id++) {
		add_id(&t, truth, id);
		if (id % 40 == 0)
			add_id(&t, truth, HEAVY);
	}
	ok(truth[HEAVY] * TOPK_SLOTS > t.total, "interleaved: the heavy hitter is above total/64");
	check_guarantee(&t, truth, NIDS, "interleaved");
	ok(topk_top(&t, out, 1) == 1 && key_id(&out[0]->key) == HEAVY,
	   "interleaved: the heavy hitter ranks first");

	/* Two heavy hitters, each arriving in bursts, between distinct keys. */
	topk_init(&t);
	memset(truth, 0, NIDS * sizeof(*truth));
	for (id = 2; id < NIDS; id++) {
		add_id(&t, truth, id);
		if (id % 1000 == 0) {
			unsigned int r;

			for (r = 0; r < 30; r++)
				add_id(&t, truth, (id / 1000) % 2 ? HEAVY : HEAVY2);
		}
	}
	check_guarantee(&t, truth, NIDS, "bursts");

	/* Adversarial: all distinct keys first (every slot ends up with the
	 * same large count), then the heavy hitter arrives last. */
	topk_init(&t);
	memset(truth, 0, NIDS * sizeof(*truth));
	for (id = 2; id < 2 + 64 * 100; id++)
		add_id(&t, truth, id);
	for (id = 0; id < 200; id++)
		add_id(&t, truth, HEAVY);
	ok(truth[HEAVY] * TOPK_SLOTS > t.total, "last: the heavy hitter is above total/64");
	check_guarantee(&t, truth, NIDS, "last");
	{
		struct topk_key k = key(HEAVY);
		const struct topk_entry *e = scan(&t, &k);

		ok(e != NULL, "last: heavy hitter arriving last is kept");
		ok(e && e->err > 0, "last: and it carries an error bound (it evicted)");
		ok(e && e->count - e->err <= 200 && e->count >= 200,
		   "last: its count brackets the true 200");
	}

	/* Round-robin over TOPK_SLOTS+1 keys: the worst case for eviction. */
	topk_init(&t);
	memset(truth, 0, NIDS * sizeof(*truth));
	for (id = 0; id < 65 * 500; id++)
		add_id(&t, truth, 2 + id % (TOPK_SLOTS + 1));
	check_guarantee(&t, truth, NIDS, "round-robin");
	free(truth);
}

static void test_chains(void)
{
	enum { NIDS = 1 << 20 };
	uint64_t *truth = calloc(NIDS, sizeof(*truth));
	struct topk t;
	unsigned int i, all_found = 1, plus_one = 1, no_dup = 1, chained = 1;
	uint64_t total;

	topk_init(&t);
	for (i = 0; i < 100000; i++)
		add_id(&t, truth, rnd() % NIDS);
	is_int(t.used, TOPK_SLOTS, "chains: all slots used after 100k random keys");
	is_u64(t.total, 100000, "chains: total");
	check_guarantee(&t, truth, NIDS, "random 100k");

	/* Every entry is reachable from exactly one bucket's chain, once. */
	{
		unsigned int seen[TOPK_SLOTS] = { 0 }, b, steps = 0;
		int j;

		for (b = 0; b < TOPK_BUCKETS; b++)
			for (j = t.head[b]; j >= 0 && steps < 10 * TOPK_SLOTS; j = t.e[j].next) {
				steps++;
				if (j >= TOPK_SLOTS) {
					chained = 0;
					break;
				}
				seen[j]++;
			}
		for (i = 0; i < TOPK_SLOTS; i++)
			if (seen[i] != 1)
				chained = 0;
	}
	ok(chained, "chains: every slot is on exactly one chain, once");

	/* Add each kept key once more: it must be found (count +1, nothing
	 * else changes), not inserted a second time. */
	total = t.total;
	for (i = 0; i < TOPK_SLOTS; i++) {
		struct topk_entry before = t.e[i];
		struct topk_key k = before.key;
		const struct topk_entry *e;
		unsigned int j, copies = 0;

		topk_add(&t, &k);
		for (j = 0; j < TOPK_SLOTS; j++)
			if (!memcmp(&t.e[j].key, &k, sizeof(k)))
				copies++;
		e = scan(&t, &k);
		if (!e)
			all_found = 0;
		else if (e->count != before.count + 1 || e->err != before.err)
			plus_one = 0;
		if (copies != 1)
			no_dup = 0;
	}
	ok(all_found, "chains: every kept key is still kept after adding it again");
	ok(plus_one, "chains: each count rose by exactly 1, err unchanged");
	ok(no_dup, "chains: no key stored twice");
	is_u64(t.total, total + TOPK_SLOTS, "chains: total rose by TOPK_SLOTS");
	is_u64(sum_counts(&t), t.total, "chains: counts still sum to total");
	free(truth);
}

int main(void)
{
	test_init();
	test_exact();
	test_order();
	test_top_more_than_used();
	test_interleaved();
	test_chains();
	return done_testing();
}

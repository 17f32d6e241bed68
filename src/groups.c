// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "util.h"

struct groups {
	enum group_by by;
	struct group *slots;  /* open addressing; total == 0 marks a free slot */
	size_t cap, used;
};

static const char *const names[] = {
	[GROUP_PROCESS] = "process",
	[GROUP_LPORT] = "lport",
	[GROUP_PEER] = "peer",
	[GROUP_RHOST] = "rhost",
};

enum group_by groups_parse(const char *word)
{
	size_t i;

	for (i = GROUP_PROCESS; i < ARRAY_SIZE(names); i++)
		if (!strcmp(word, names[i]))
			return (enum group_by)i;
	return GROUP_NONE;
}

const char *groups_name(enum group_by by)
{
	return by > GROUP_NONE && by < ARRAY_SIZE(names) ? names[by] : "none";
}

struct groups *groups_new(enum group_by by)
{
	struct groups *g = xcalloc(1, sizeof(*g));

	g->by = by;
	g->cap = 64;
	g->slots = xcalloc(g->cap, sizeof(*g->slots));
	return g;
}

enum group_by groups_by(const struct groups *g)
{
	return g->by;
}

/* The key's 24 bytes as three words, each mixed in, then murmur3's fmix64:
 * the low bits index the table, and a byte-wise FNV-1a leaves them
 * clustered when keys differ only in a port (linear probing then crawls). */
static size_t hash(const struct group_key *k)
{
	uint64_t w[3], h = 0x9e3779b97f4a7c15ull;
	size_t i;

	_Static_assert(sizeof(*k) == sizeof(w), "group_key is three words");
	memcpy(w, k, sizeof(w));
	for (i = 0; i < 3; i++)
		h = (h ^ w[i]) * 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (size_t)h;
}

static struct group *slot_for(struct group *slots, size_t cap, const struct group_key *k)
{
	size_t i = hash(k) & (cap - 1);

	while (slots[i].total && memcmp(&slots[i].key, k, sizeof(*k)))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static void grow(struct groups *g)
{
	size_t i, cap = g->cap * 2;
	struct group *slots = xcalloc(cap, sizeof(*slots));

	for (i = 0; i < g->cap; i++)
		if (g->slots[i].total)
			*slot_for(slots, cap, &g->slots[i].key) = g->slots[i];
	free(g->slots);
	g->slots = slots;
	g->cap = cap;
}

void groups_add(struct groups *g, const struct group_key *key, unsigned int state)
{
	struct group *s;

	if (state >= TS_MAX_STATES)
		return;
	if (2 * (g->used + 1) > g->cap)
		grow(g);
	s = slot_for(g->slots, g->cap, key);
	if (!s->total) {
		s->key = *key;
		g->used++;
	}
	s->count[state]++;
	s->total++;
}

size_t groups_count(const struct groups *g)
{
	return g->used;
}

static int by_total_desc(const void *a, const void *b)
{
	const struct group *x = *(const struct group *const *)a;
	const struct group *y = *(const struct group *const *)b;

	int c;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	/* Ties: family, address (network order sorts), port, pid. */
	if (x->key.family != y->key.family)
		return x->key.family < y->key.family ? -1 : 1;
	c = memcmp(x->key.addr, y->key.addr, sizeof(x->key.addr));
	if (c)
		return c;
	if (x->key.port != y->key.port)
		return x->key.port < y->key.port ? -1 : 1;
	return x->key.pid < y->key.pid ? -1 : x->key.pid > y->key.pid;
}

size_t groups_top(const struct groups *g, const struct group **out, size_t n,
		  struct group *rest)
{
	const struct group **all = xcalloc(g->used ? g->used : 1, sizeof(*all));
	size_t i, k = 0, st;

	for (i = 0; i < g->cap; i++)
		if (g->slots[i].total)
			all[k++] = &g->slots[i];
	qsort(all, k, sizeof(*all), by_total_desc);
	if (n > k)
		n = k;
	memcpy(out, all, n * sizeof(*out));
	memset(rest, 0, sizeof(*rest));
	for (i = n; i < k; i++) {
		for (st = 0; st < TS_MAX_STATES; st++)
			rest->count[st] += all[i]->count[st];
		rest->total += all[i]->total;
	}
	free(all);
	return n;
}

size_t groups_list(const struct groups *g, const struct group **out, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < g->cap && k < n; i++)
		if (g->slots[i].total)
			out[k++] = &g->slots[i];
	return k;
}

void groups_free(struct groups *g)
{
	if (!g)
		return;
	free(g->slots);
	free(g);
}

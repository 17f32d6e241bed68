// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "topk.h"

void topk_init(struct topk *t)
{
	memset(t, 0, sizeof(*t));
	memset(t->head, 0xff, sizeof(t->head)); /* -1 */
}

/* Any spreading hash works: the bucket only orders a chain, never a result.
 * The key is 36 bytes, mostly zeros: fold it a word at a time and mix once
 * (FNV-1a byte by byte cost as much as the rest of a socket's evidence). */
static unsigned int bucket(const struct topk_key *k)
{
	const unsigned char *p = (const unsigned char *)k;
	uint64_t w[4], h;
	uint32_t x;

	_Static_assert(sizeof(*k) == 36, "topk_key: update bucket()");
	_Static_assert(TOPK_BUCKETS <= 65536, "topk_entry.bucket");
	memcpy(w, p, sizeof(w));
	memcpy(&x, p + sizeof(w), sizeof(x));
	h = w[0] ^ (w[1] << 17 | w[1] >> 47) ^ (w[2] << 31 | w[2] >> 33) ^
	    (w[3] << 47 | w[3] >> 17) ^ (uint64_t)x << 13;
	h *= 0x9e3779b97f4a7c15ull;
	return (unsigned int)(h >> 40) & (TOPK_BUCKETS - 1);
}

static int find(const struct topk *t, const struct topk_key *k, unsigned int b)
{
	int i;

	for (i = t->head[b]; i >= 0; i = t->e[i].next)
		if (!memcmp(&t->e[i].key, k, sizeof(*k)))
			return i;
	return -1;
}

static void unlink_entry(struct topk *t, int idx)
{
	int16_t *p = &t->head[t->e[idx].bucket];

	while (*p != idx)
		p = &t->e[*p].next;
	*p = t->e[idx].next;
}

/*
 * The first slot (lowest index) with the smallest count: the one Space-Saving
 * evicts. minmask holds exactly the slots at the smallest count, or is 0 when
 * unknown; counts only grow, so it is rebuilt (a scan of the slots) only once
 * every slot that had the smallest count has grown, not on every eviction.
 */
static int smallest(struct topk *t)
{
	uint64_t min;
	int i;

	if (!t->minmask) {
		min = t->e[0].count;
		for (i = 1; i < TOPK_SLOTS; i++)
			if (t->e[i].count < min)
				min = t->e[i].count;
		for (i = 0; i < TOPK_SLOTS; i++)
			if (t->e[i].count == min)
				t->minmask |= 1ull << i;
	}
	return __builtin_ctzll(t->minmask);
}

void topk_add(struct topk *t, const struct topk_key *k)
{
	unsigned int b = bucket(k);
	int i = find(t, k, b);

	t->total++;
	if (i >= 0) {
		t->e[i].count++;
		t->minmask &= ~(1ull << i);
		return;
	}
	if (t->used < TOPK_SLOTS) {
		i = (int)t->used++;
		t->e[i].count = 0;
		t->e[i].err = 0;
	} else {
		i = smallest(t);
		unlink_entry(t, i);
		t->e[i].err = t->e[i].count;
		t->minmask &= ~(1ull << i); /* its count grows below */
	}
	t->e[i].key = *k;
	t->e[i].count++;
	t->e[i].next = t->head[b];
	t->e[i].bucket = (uint16_t)b;
	t->head[b] = (int16_t)i;
}

static int by_count_desc(const void *a, const void *b)
{
	const struct topk_entry *x = *(const struct topk_entry *const *)a;
	const struct topk_entry *y = *(const struct topk_entry *const *)b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return memcmp(&x->key, &y->key, sizeof(x->key));
}

size_t topk_top(const struct topk *t, const struct topk_entry **out, size_t n)
{
	const struct topk_entry *all[TOPK_SLOTS];
	size_t i;

	for (i = 0; i < t->used; i++)
		all[i] = &t->e[i];
	qsort(all, t->used, sizeof(all[0]), by_count_desc);
	if (n > t->used)
		n = t->used;
	memcpy(out, all, n * sizeof(*out));
	return n;
}

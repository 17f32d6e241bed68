// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "topk.h"

void topk_init(struct topk *t)
{
	memset(t, 0, sizeof(*t));
	memset(t->head, 0xff, sizeof(t->head)); /* -1 */
}

static unsigned int bucket(const struct topk_key *k)
{
	const unsigned char *p = (const unsigned char *)k;
	uint32_t h = 2166136261u; /* FNV-1a */
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 16777619u;
	return h & (TOPK_BUCKETS - 1);
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
	int16_t *p = &t->head[bucket(&t->e[idx].key)];

	while (*p != idx)
		p = &t->e[*p].next;
	*p = t->e[idx].next;
}

static int smallest(const struct topk *t)
{
	int i, min = 0;

	for (i = 1; i < TOPK_SLOTS; i++)
		if (t->e[i].count < t->e[min].count)
			min = i;
	return min;
}

void topk_add(struct topk *t, const struct topk_key *k)
{
	unsigned int b = bucket(k);
	int i = find(t, k, b);

	t->total++;
	if (i >= 0) {
		t->e[i].count++;
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
	}
	t->e[i].key = *k;
	t->e[i].count++;
	t->e[i].next = t->head[b];
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

// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "dedup.h"

void dedup_init(struct dedup *d)
{
	memset(d, 0, sizeof(*d));
}

static unsigned int slot_of(uint64_t cookie)
{
	/* Fibonacci hashing: cookies are sequential, spread them. */
	return (unsigned int)((cookie * 0x9e3779b97f4a7c15ull) >> 40) & (DEDUP_SLOTS - 1);
}

/* Returns the slot holding @cookie, or the empty slot where it would go. */
static unsigned int probe(const uint64_t *tab, uint64_t cookie)
{
	unsigned int i = slot_of(cookie);

	while (tab[i] && tab[i] != cookie)
		i = (i + 1) & (DEDUP_SLOTS - 1);
	return i;
}

bool dedup_seen(struct dedup *d, uint64_t cookie)
{
	uint64_t *cur = d->gen[d->cur], *old = d->gen[!d->cur];
	unsigned int i;

	if (!cookie)
		return false;
	i = probe(cur, cookie);
	if (cur[i])
		return true;
	if (old[probe(old, cookie)])
		return true;
	if (d->used == DEDUP_WINDOW) {
		/* The old generation is forgotten; the current one becomes old. */
		d->cur = !d->cur;
		cur = d->gen[d->cur];
		memset(cur, 0, sizeof(d->gen[0]));
		d->used = 0;
		i = probe(cur, cookie);
	}
	cur[i] = cookie;
	d->used++;
	return false;
}

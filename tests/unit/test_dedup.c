// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dedup: repeats within the window are caught, cookie 0 never is one, and
 * the memory is a window of DEDUP_WINDOW..2*DEDUP_WINDOW cookies by design.
 */
#include <stdlib.h>

#include "dedup.h"
#include "tap.h"
#include "util.h"

static uint64_t rnd_state = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)
{
	/* xorshift64: deterministic, never 0 */
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Feed @n new cookies from @first on; returns how many were called repeats. */
static unsigned int feed(struct dedup *d, uint64_t first, unsigned int n)
{
	unsigned int i, repeats = 0;

	for (i = 0; i < n; i++)
		repeats += dedup_seen(d, first + i);
	return repeats;
}

int main(void)
{
	struct dedup *d = xmalloc(sizeof(*d));
	uint64_t *cookies;
	unsigned int i, n;
	const uint64_t x = 0xfeedfacecafeull;

	dedup_init(d);
	ok(!dedup_seen(d, 0), "cookie 0: not a repeat");
	ok(!dedup_seen(d, 0), "cookie 0 again: never a repeat");
	ok(!dedup_seen(d, x), "a new cookie: not a repeat");
	ok(dedup_seen(d, x), "the same cookie again: a repeat");
	ok(dedup_seen(d, x), "and again: still a repeat");
	ok(!dedup_seen(d, x + 1), "its neighbour: new");
	ok(!dedup_seen(d, 1ull << 63), "a cookie with the top bit: new");
	ok(dedup_seen(d, 1ull << 63), "a cookie with the top bit: then a repeat");
	ok(!dedup_seen(d, UINT64_MAX), "cookie ~0: new");
	ok(dedup_seen(d, UINT64_MAX), "cookie ~0: then a repeat");

	/* Cookie 0 takes no room: it does not push others out of the window. */
	dedup_init(d);
	dedup_seen(d, x);
	for (i = 0, n = 0; i < 3 * DEDUP_WINDOW; i++)
		n += dedup_seen(d, 0);
	is_int(n, 0, "3*DEDUP_WINDOW cookies 0: none a repeat");
	ok(dedup_seen(d, x), "after them, an earlier cookie is still remembered");

	/* Sequential cookies (as the kernel hands them out). */
	dedup_init(d);
	is_int(feed(d, 1000, 3000), 0, "3000 sequential cookies: none a repeat");
	is_int(feed(d, 1000, 3000), 3000, "the same 3000 again: all repeats");

	/* Random cookies: probing works with collisions, no false positives. */
	dedup_init(d);
	n = DEDUP_WINDOW - 1;
	cookies = xmalloc(n * sizeof(*cookies));
	for (i = 0; i < n; i++)
		cookies[i] = rnd();
	for (i = 0, n = 0; i < DEDUP_WINDOW - 1; i++)
		n += dedup_seen(d, cookies[i]);
	is_int(n, 0, "4095 random cookies: none a repeat");
	for (i = 0, n = 0; i < DEDUP_WINDOW - 1; i++)
		n += dedup_seen(d, cookies[i]);
	is_int(n, DEDUP_WINDOW - 1, "the same 4095 again: all repeats");
	free(cookies);

	/* Many more distinct cookies than the window: never a false repeat. */
	dedup_init(d);
	for (i = 0, n = 0; i < 10 * DEDUP_WINDOW; i++)
		n += dedup_seen(d, (uint64_t)i * 0x10000 + 1);   /* same low bits */
	is_int(n, 0, "40960 distinct cookies sharing low bits: no false repeat");

	/* A repeat across one generation swap is still caught. */
	dedup_init(d);
	dedup_seen(d, x);
	is_int(feed(d, 1, DEDUP_WINDOW), 0, "then a window of other cookies (one swap)");
	ok(dedup_seen(d, x), "a repeat after one generation swap: caught");

	/* Remembered through 2*DEDUP_WINDOW-1 others when it opened a generation. */
	dedup_init(d);
	dedup_seen(d, x);
	feed(d, 1, 2 * DEDUP_WINDOW - 1);
	ok(dedup_seen(d, x), "after 2*DEDUP_WINDOW-1 others: still caught");

	/* A window, by design: long enough ago, a cookie is forgotten. */
	dedup_init(d);
	dedup_seen(d, x);
	feed(d, 1, 2 * DEDUP_WINDOW + 1);
	ok(!dedup_seen(d, x), "after 2*DEDUP_WINDOW+1 others: forgotten (it is a window)");
	ok(dedup_seen(d, x), "and remembered again once seen anew");

	/* The last DEDUP_WINDOW cookies are always remembered, wherever the
	 * generations happen to swap. */
	dedup_init(d);
	for (i = 0, n = 0; i < 5 * DEDUP_WINDOW; i++) {
		dedup_seen(d, 1 + (uint64_t)i);
		if (i % 1000 == 999 && i >= DEDUP_WINDOW)
			n += !dedup_seen(d, 1 + (uint64_t)i - (DEDUP_WINDOW - 1));
	}
	is_int(n, 0, "a cookie DEDUP_WINDOW-1 back is always still remembered");

	free(d);
	return done_testing();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * top_history.h - what `tcpdx top` remembers between refreshes: a fixed ring
 * of counts per TCP state, the sparkline drawn from it, and how unusual the
 * newest count is against the ones before.
 *
 * Fixed memory (TOP_HISTORY samples per state, no allocation), so a view left
 * open for days stays flat. Pure: top.c pushes one sample per state on each
 * new snapshot; top_draw.c reads. Unit-tested in tests/unit/test_top.c.
 */
#ifndef TCPDX_TOP_HISTORY_H
#define TCPDX_TOP_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sock.h"

#define TOP_HISTORY 600   /* samples kept per state: 10 min at the default 1 s */
#define TOP_BASELINE_MIN 5 /* samples before the newest needed to judge it */

struct top_ring {
	uint64_t v[TOP_HISTORY];
	unsigned int head;     /* where the next sample goes */
	unsigned int n;        /* samples held, at most TOP_HISTORY */
};

/* One ring per state (1..11 used) and the refreshes seen. */
struct top_history {
	struct top_ring ring[TS_MAX_STATES];
	uint64_t samples;
};

void top_ring_push(struct top_ring *r, uint64_t v);

/* The sample @age refreshes ago (0: the newest); 0 if not held. */
uint64_t top_ring_get(const struct top_ring *r, unsigned int age);

/**
 * top_ring_last() - the newest @n samples (fewer if fewer are held) into
 * @out, oldest first. Returns how many.
 */
size_t top_ring_last(const struct top_ring *r, uint64_t *out, size_t n);

/* How a state's newest count compares with its history. */
enum top_level {
	TOP_NORMAL,
	TOP_UNUSUAL,    /* far from its recent mean (more than 3 standard
			 * deviations, and by more than 2 sockets and 10 %) */
	TOP_WARNING,    /* a warning finding is about this state */
	TOP_CRITICAL,   /* a critical finding is about this state */
};

/**
 * top_history_level() - TOP_UNUSUAL if the newest sample of @r lies far
 * from the mean of the samples before it (at least TOP_BASELINE_MIN of
 * them), else TOP_NORMAL. The findings' levels are added by the caller.
 */
enum top_level top_history_level(const struct top_ring *r);

/**
 * top_sparkline() - @n samples (oldest first) as a sparkline of exactly
 * @width columns, newest at the right, blank-padded on the left, into @buf
 * (NUL-terminated; with @utf8 each column takes up to 3 bytes, so @len
 * should be 3 * @width + 1). Each column is one sample scaled to the
 * largest shown: a zero is a blank, anything else one of eight heights
 * ("▁".."█", or "._-~=+*#" without UTF-8). Returns @buf.
 */
char *top_sparkline(const uint64_t *v, size_t n, size_t width, bool utf8, char *buf,
		    size_t len);

/* Every ring empty (a new filter makes the old counts incomparable). */
void top_history_reset(struct top_history *h);

#endif

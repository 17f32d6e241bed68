/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dedup.h - drop sockets a dump repeats, in bounded memory.
 *
 * A sock_diag dump resumes each batch at a position in a hash bucket; when
 * the bucket changed in between, sockets near the resume point are sent
 * again. Repeats can only come from the last batches, so this remembers the
 * cookies of the most recent DEDUP_WINDOW..2*DEDUP_WINDOW sockets (two
 * generations of a small open-addressing set) instead of all of them:
 * memory stays fixed at any number of sockets. Used by collect.
 */
#ifndef TCPDX_DEDUP_H
#define TCPDX_DEDUP_H

#include <stdbool.h>
#include <stdint.h>

#define DEDUP_WINDOW 4096u
#define DEDUP_SLOTS (2 * DEDUP_WINDOW) /* load factor at most 1/2 */

struct dedup {
	uint64_t gen[2][DEDUP_SLOTS]; /* 0 = empty slot */
	unsigned int cur;             /* generation being filled */
	unsigned int used;            /* cookies in gen[cur] */
};

void dedup_init(struct dedup *d);

/**
 * dedup_seen() - whether @cookie was seen recently; remembers it if not.
 * Cookie 0 (no cookie) is never a repeat.
 */
bool dedup_seen(struct dedup *d, uint64_t cookie);

#endif

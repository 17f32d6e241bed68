/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * topk.h - the most frequent keys of a stream, in fixed memory.
 *
 * The Space-Saving algorithm (Metwally et al., 2005): TOPK_SLOTS counters;
 * a new key takes over the smallest counter and inherits its count as the
 * error bound. Every key seen more than total/TOPK_SLOTS times is kept, and
 * each kept count overestimates by at most its err. The snapshot keeps one per
 * kind of evidence (local ports, peers, destinations) so that memory does not
 * grow with the number of sockets. Written by hand: no Debian library offers
 * a heavy-hitters sketch in C. Pure.
 */
#ifndef TCPDX_TOPK_H
#define TCPDX_TOPK_H

#include <stddef.h>
#include <stdint.h>

#define TOPK_SLOTS 64
#define TOPK_BUCKETS 128 /* hash index, a power of two */

/* What is counted: an address, a port, or both; zero what is unused. */
struct topk_key {
	uint8_t family;      /* AF_INET, AF_INET6, or 0 for a port alone */
	uint8_t pad;
	uint16_t port;       /* host order; 0 if not part of the key */
	uint8_t addr[16];    /* network order */
	uint8_t addr2[16];   /* a second address (e.g. the local one), or 0 */
};

struct topk_entry {
	struct topk_key key;
	uint64_t count;
	uint64_t err;        /* count may exceed the truth by this much */
	int16_t next;        /* chain in the hash index, -1 ends */
	uint16_t bucket;     /* private to topk.c: the chain it is on */
};

struct topk {
	struct topk_entry e[TOPK_SLOTS];
	int16_t head[TOPK_BUCKETS];
	unsigned int used;
	uint64_t total;      /* every key added */
	uint64_t minmask;    /* private to topk.c: the slots at the smallest count, 0 unknown */
};

_Static_assert(TOPK_SLOTS <= 64, "topk: minmask has a bit per slot");

void topk_init(struct topk *t);
void topk_add(struct topk *t, const struct topk_key *k);

/**
 * topk_top() - the @n largest entries, largest first (ties: smaller key
 * first, so output is stable). Fills @out with pointers into @t; returns
 * how many (at most @n and at most the keys seen).
 */
size_t topk_top(const struct topk *t, const struct topk_entry **out, size_t n);

#endif

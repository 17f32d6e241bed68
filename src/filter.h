/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter.h - what the user asked to see, compiled to what the kernel filters.
 *
 * Owns struct filter: the address families to dump and the idiag_states mask.
 * main fills it from the command line, collect passes it to the kernel (and
 * applies it in userspace when replaying a recording). Pure.
 */
#ifndef TCPDX_FILTER_H
#define TCPDX_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sock.h"

#define FILTER_V4 0x1u
#define FILTER_V6 0x2u

struct filter {
	unsigned int families;  /* FILTER_V4 | FILTER_V6 */
	uint32_t states;        /* idiag_states bits; 0 = not set yet */
};

/* Both families, the default state mask. */
void filter_init(struct filter *f);

/**
 * filter_add_states() - add a comma-separated list of states or groups.
 * @f: the filter; the first call replaces the default mask, later calls add
 * @list: e.g. "close-wait,fin-wait-2" or "connected"
 * @err: on error, a one-line message naming the bad word and what is accepted
 *
 * Returns 0, or -EINVAL with @err filled.
 */
int filter_add_states(struct filter *f, const char *list, char *err, size_t errlen);

/* The mask to send: the default if no --state was given. */
uint32_t filter_state_mask(const struct filter *f);

/* Whether a parsed socket passes (used on replayed input). */
bool filter_match(const struct filter *f, const struct tcp_sock *s);

/* The accepted words, for error messages and --help. */
extern const char filter_state_words[];

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter.h - what the user asked to see, compiled to what the kernel filters.
 *
 * Owns struct filter: the address families to dump, the idiag_states mask,
 * port ranges and address prefixes (compiled to inet_diag bytecode so the
 * kernel does the filtering), and the owner filters (pid, comm, uid) that
 * only userspace can apply. main fills it from the command line; collect
 * sends the mask and the bytecode to the kernel and applies filter_match()
 * in userspace when replaying a recording. Pure.
 *
 * Semantics: values of one option are ORed (--sport 80 --sport 443), the
 * options are ANDed (--sport 80 --dst 10.0.0.0/8).
 */
#ifndef TCPDX_FILTER_H
#define TCPDX_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sock.h"

#define FILTER_V4 0x1u
#define FILTER_V6 0x2u

#define FILTER_MAX 16    /* values per option */
#define FILTER_COMM_MAX 16

struct filter_ports {
	uint16_t lo, hi;        /* inclusive, host order */
};

struct filter_prefix {
	uint8_t family;         /* AF_INET or AF_INET6 */
	uint8_t len;            /* prefix length in bits */
	uint8_t addr[16];       /* network order, bits past len zero */
};

struct filter {
	unsigned int families;  /* FILTER_V4 | FILTER_V6 */
	uint32_t states;        /* idiag_states bits; 0 = not set yet */
	/* kernel-side (bytecode) */
	struct filter_ports sport[FILTER_MAX], dport[FILTER_MAX];
	unsigned int nsport, ndport;
	struct filter_prefix src[FILTER_MAX], dst[FILTER_MAX];
	unsigned int nsrc, ndst;
	/* userspace: need the owner table */
	uint32_t pid[FILTER_MAX];
	unsigned int npid;
	char comm[FILTER_MAX][FILTER_COMM_MAX]; /* exact process names */
	unsigned int ncomm;
	uint32_t uid[FILTER_MAX];
	unsigned int nuid;
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

/**
 * filter_add_ports() - add "80", "8000-8080" (or a comma-separated list of
 * them) to --sport (@local) or --dport.
 * Returns 0, or -EINVAL with a one-line message naming the bad part and
 * what is accepted (a port 0..65535, a range LO-HI with LO <= HI), or
 * -E2BIG past FILTER_MAX values.
 */
int filter_add_ports(struct filter *f, bool local, const char *spec, char *err,
		     size_t errlen);

/**
 * filter_add_prefix() - add an address or CIDR prefix ("10.0.0.1",
 * "10.0.0.0/8", "::1", "2001:db8::/32"; a comma-separated list) to --src
 * (@local) or --dst. IPv4 prefixes also match v4-mapped IPv6 sockets, as the
 * kernel's INET_DIAG_BC_S_COND does. Returns 0 or -EINVAL/-E2BIG with @err.
 */
int filter_add_prefix(struct filter *f, bool local, const char *spec, char *err,
		      size_t errlen);

/* --pid, --comm, --uid (comma-separated lists). 0 or -EINVAL/-E2BIG. */
int filter_add_pids(struct filter *f, const char *spec, char *err, size_t errlen);
int filter_add_comms(struct filter *f, const char *spec, char *err, size_t errlen);
int filter_add_uids(struct filter *f, const char *spec, char *err, size_t errlen);

/* Whether any port or address filter needs bytecode. */
bool filter_has_bytecode(const struct filter *f);

/* Whether an owner filter (pid, comm) needs the owner table. */
bool filter_needs_owners(const struct filter *f);

/* The longest program filter_bytecode() makes (FILTER_MAX values in each
 * of the four options); a buffer this big is always enough. */
#define FILTER_BYTECODE_MAX 2048

/**
 * filter_bytecode() - compile the port and address filters into an
 * inet_diag bytecode program (INET_DIAG_REQ_BYTECODE) for one dump of
 * @family, obeying every rule of the kernel's inet_diag_bc_audit(). Writes
 * at most @size bytes to @buf and returns the length, 0 if there is nothing
 * to filter, or -E2BIG if @buf is too small. Address prefixes of the other
 * family are left out (IPv4 ones stay in an AF_INET6 dump: v4-mapped).
 * If that leaves --src or --dst without a prefix for @family (only IPv6
 * prefixes, AF_INET dump), the program rejects every socket (one JMP past
 * the end); filter_family_possible() tells the caller it may skip the dump.
 */
int filter_bytecode(const struct filter *f, int family, void *buf, size_t size);

/* Whether a dump of @family (AF_INET, AF_INET6) can return a socket: false
 * when -4/-6 leaves the family out, or when --src or --dst has no prefix
 * usable in that dump (only IPv6 prefixes for AF_INET). */
bool filter_family_possible(const struct filter *f, int family);

/**
 * filter_match() - whether a parsed socket passes the family, state, port
 * and address filters, in userspace (replayed input; and a check that the
 * kernel did what the bytecode asked). The owner filters are applied by
 * filter_match_owner().
 */
bool filter_match(const struct filter *f, const struct tcp_sock *s);

/* Whether an owner passes --pid, --comm and --uid; @comm may be NULL (no
 * known owner), which fails --pid and --comm. */
bool filter_match_owner(const struct filter *f, uint32_t pid, const char *comm, uint32_t uid);

/* The accepted words, for error messages and --help. */
extern const char filter_state_words[];

#endif

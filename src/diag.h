/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * diag.h - the sock_diag client: ask the kernel for TCP sockets, hand each
 * raw reply message to a callback.
 *
 * Owns the NETLINK_SOCK_DIAG socket (libmnl), the receive buffer, and the
 * optional record file; or, when replaying, the file being read. It does not
 * interpret messages beyond the netlink header: diag_parse does that. Called
 * by collect. The record format is what the kernel sent, message after
 * message, each dump closed by NLMSG_DONE (compare ss -D / TCPDIAG_FILE).
 */
#ifndef TCPDX_DIAG_H
#define TCPDX_DIAG_H

#include <stddef.h>
#include <stdint.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>

struct diag;

struct diag_request {
	uint8_t family;          /* AF_INET or AF_INET6 */
	uint8_t ext;             /* idiag_ext: 1 << (INET_DIAG_x - 1) */
	uint32_t states;         /* idiag_states */
	const void *bytecode;    /* INET_DIAG_REQ_BYTECODE, or NULL */
	size_t bytecode_len;
};

/* Per dump, filled by diag_dump. */
struct diag_stats {
	uint64_t messages;       /* SOCK_DIAG_BY_FAMILY messages delivered */
	uint64_t malformed;      /* messages or bytes that failed validation */
	int interrupted;         /* NLM_F_DUMP_INTR was seen */
};

/* Return 0 to go on, or a negative errno to stop the dump with it. */
typedef int (*diag_msg_cb)(const struct nlmsghdr *nlh, void *data);

/**
 * diag_open() - open a netlink socket in the current network namespace.
 * Returns 0 and sets *@out, or -errno. Free with diag_close().
 */
int diag_open(struct diag **out);

/**
 * diag_open_replay() - read replies from a file made with diag_record().
 * Returns 0, or -errno if the file cannot be opened.
 */
int diag_open_replay(struct diag **out, const char *path);

/**
 * diag_record() - also write every reply received to @path (truncated).
 * Returns 0 or -errno. Not for a replaying diag (-EINVAL).
 */
int diag_record(struct diag *d, const char *path);

/* Whether @d reads a recording; its dumps then ignore the request. */
int diag_is_replay(const struct diag *d);

/**
 * diag_dump() - run one dump and call @cb for each socket message.
 *
 * Live: sends @req and reads until NLMSG_DONE. Replay: reads the next dump in
 * the file, whatever request made it. Malformed or truncated messages are
 * counted in @st and skipped, never read past their end. Returns 0 when the
 * dump ended, -ENODATA when a replay file has no more dumps, the error the
 * kernel answered (e.g. -EINVAL for a rejected filter), a callback's error,
 * or another -errno.
 */
int diag_dump(struct diag *d, const struct diag_request *req, diag_msg_cb cb,
	      void *data, struct diag_stats *st);

/* One socket to look up: its family and the id a dump reported for it
 * (addresses and ports in network order, the cookie as the kernel sent it). */
struct diag_one {
	uint8_t family;
	struct inet_diag_sockid id;
};

/**
 * diag_lookup() - ask for @n sockets one by one, not by a dump: a hash lookup
 * each in the kernel, however many sockets there are. @ext is idiag_ext.
 * Calls @cb for each socket found; those gone meanwhile are skipped. Live
 * only (-EINVAL for a replay) and never recorded. Returns 0 or -errno.
 */
int diag_lookup(struct diag *d, const struct diag_one *socks, size_t n, uint8_t ext,
		diag_msg_cb cb, void *data, struct diag_stats *st);

/**
 * diag_process() - walk a buffer of netlink messages (one recvmsg's worth).
 *
 * Calls @cb for each SOCK_DIAG_BY_FAMILY message. Returns 1 if the buffer
 * ended without NLMSG_DONE (more to read), 0 on NLMSG_DONE, or -errno from an
 * NLMSG_ERROR or the callback. Exposed for tests.
 */
int diag_process(const void *buf, size_t len, diag_msg_cb cb, void *data,
		 struct diag_stats *st);

/* Close the socket or file, flush the record file. Returns 0 or the first
 * write error seen while recording (-errno). NULL is allowed. */
int diag_close(struct diag *d);

#endif

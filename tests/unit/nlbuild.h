/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nlbuild.h - build sock_diag replies for the unit tests, as the kernel
 * would send them.
 *
 * Static inline helpers that write netlink messages with libmnl into a buffer
 * the caller owns: SOCK_DIAG_BY_FAMILY messages (an nlmsghdr, a struct
 * inet_diag_msg, attributes such as INET_DIAG_SHUTDOWN and INET_DIAG_INFO),
 * NLMSG_DONE and NLMSG_ERROR. struct nlb appends message after message, each
 * padded to 4 bytes like the kernel's, and aborts the test when the buffer is
 * too small. nl_tail_copy() puts bytes at the very end of a malloc'd block of
 * exactly their size, so AddressSanitizer reports any read past them.
 */
#ifndef TCPDX_NLBUILD_H
#define TCPDX_NLBUILD_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>

/* One socket as the kernel describes it. Zero fields are zero on the wire. */
struct nl_sock {
	uint8_t family;            /* AF_INET, AF_INET6 (or anything, for tests) */
	uint8_t state;             /* idiag_state */
	uint8_t timer;
	uint8_t retrans;
	const char *src, *dst;     /* text for inet_pton(family); NULL = zeros */
	uint16_t sport, dport;     /* host order; written in network order */
	uint32_t ifindex;
	uint64_t cookie;           /* split into idiag_cookie[0] (low), [1] (high) */
	uint32_t expires, rqueue, wqueue, uid, inode;
	bool with_shutdown;        /* add INET_DIAG_SHUTDOWN holding @shutdown */
	uint8_t shutdown;
	const void *info;          /* add INET_DIAG_INFO with these bytes */
	size_t info_len;
	uint16_t flags;            /* nlmsg_flags besides NLM_F_MULTI */
	uint32_t seq, pid;
};

/* Size of the message nl_put_sock() writes for @s. */
static inline size_t nl_sock_size(const struct nl_sock *s)
{
	size_t n = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct inet_diag_msg));

	if (s->with_shutdown)
		n += MNL_ALIGN(MNL_ATTR_HDRLEN + 1);
	if (s->info)
		n += MNL_ALIGN(MNL_ATTR_HDRLEN + s->info_len);
	return n;
}

static inline void nl_fill_addr(uint8_t family, const char *text, __be32 *dst)
{
	if (text && inet_pton(family, text, dst) != 1) {
		fprintf(stderr, "nlbuild: bad address '%s'\n", text);
		abort();
	}
}

/* Write one SOCK_DIAG_BY_FAMILY message at @buf (nl_sock_size() bytes). */
static inline struct nlmsghdr *nl_put_sock(void *buf, const struct nl_sock *s)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct inet_diag_msg *m;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_MULTI | s->flags;
	nlh->nlmsg_seq = s->seq;
	nlh->nlmsg_pid = s->pid;
	m = mnl_nlmsg_put_extra_header(nlh, sizeof(*m));
	m->idiag_family = s->family;
	m->idiag_state = s->state;
	m->idiag_timer = s->timer;
	m->idiag_retrans = s->retrans;
	m->id.idiag_sport = htons(s->sport);
	m->id.idiag_dport = htons(s->dport);
	nl_fill_addr(s->family, s->src, m->id.idiag_src);
	nl_fill_addr(s->family, s->dst, m->id.idiag_dst);
	m->id.idiag_if = s->ifindex;
	m->id.idiag_cookie[0] = (uint32_t)s->cookie;
	m->id.idiag_cookie[1] = (uint32_t)(s->cookie >> 32);
	m->idiag_expires = s->expires;
	m->idiag_rqueue = s->rqueue;
	m->idiag_wqueue = s->wqueue;
	m->idiag_uid = s->uid;
	m->idiag_inode = s->inode;
	if (s->with_shutdown)
		mnl_attr_put(nlh, INET_DIAG_SHUTDOWN, 1, &s->shutdown);
	if (s->info)
		mnl_attr_put(nlh, INET_DIAG_INFO, s->info_len, s->info);
	return nlh;
}

/* A simple socket: the usual fields, SHUTDOWN 0 on full sockets as the kernel
 * always sends it (not on TIME_WAIT, timer-3 FIN_WAIT2 or SYN_RECV). */
static inline struct nl_sock nl_simple(uint8_t family, uint8_t state, uint8_t timer,
				       uint32_t inode, uint64_t cookie)
{
	struct nl_sock s = { .family = family, .state = state, .timer = timer,
			     .inode = inode, .cookie = cookie };
	bool mini = state == 6 || (state == 5 && timer == 3) || state == 3;

	s.with_shutdown = !mini;
	return s;
}

/* ---- a buffer of messages -------------------------------------------- */

struct nlb {
	unsigned char *buf;
	size_t len;     /* bytes used, a multiple of 4 */
	size_t cap;
	size_t last;    /* offset of the last message */
};

static inline void nlb_init(struct nlb *b, void *buf, size_t cap)
{
	b->buf = buf;
	b->len = 0;
	b->cap = cap;
	b->last = 0;
	memset(buf, 0, cap);
}

/* Room for @n more bytes, or abort: a test bug, not a result. */
static inline unsigned char *nlb_room(struct nlb *b, size_t n)
{
	if (n > b->cap - b->len) {
		fprintf(stderr, "nlbuild: buffer of %zu bytes is too small\n", b->cap);
		abort();
	}
	return b->buf + b->len;
}

/* The message just written at @nlh becomes the last one. */
static inline struct nlmsghdr *nlb_commit(struct nlb *b, struct nlmsghdr *nlh)
{
	b->last = (size_t)((unsigned char *)nlh - b->buf);
	b->len = b->last + MNL_ALIGN(nlh->nlmsg_len);
	return nlh;
}

static inline struct nlmsghdr *nlb_last(struct nlb *b)
{
	return (struct nlmsghdr *)(void *)(b->buf + b->last);
}

static inline struct nlmsghdr *nlb_sock(struct nlb *b, const struct nl_sock *s)
{
	return nlb_commit(b, nl_put_sock(nlb_room(b, nl_sock_size(s)), s));
}

/* Append an attribute to the last message. */
static inline struct nlmsghdr *nlb_attr(struct nlb *b, uint16_t type, size_t len,
					const void *data)
{
	struct nlmsghdr *nlh = nlb_last(b);

	nlb_room(b, MNL_ALIGN(MNL_ATTR_HDRLEN + len));
	mnl_attr_put(nlh, type, len, data);
	return nlb_commit(b, nlh);
}

/* Any message: a header of @type and @flags, then @len bytes of @payload
 * (zeros if NULL). */
static inline struct nlmsghdr *nlb_raw(struct nlb *b, uint16_t type, uint16_t flags,
				       const void *payload, size_t len)
{
	struct nlmsghdr *nlh =
		mnl_nlmsg_put_header(nlb_room(b, MNL_NLMSG_HDRLEN + MNL_ALIGN(len)));
	void *p;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	if (len) {
		p = mnl_nlmsg_put_extra_header(nlh, len);
		if (payload)
			memcpy(p, payload, len);
	}
	return nlb_commit(b, nlh);
}

/* NLMSG_DONE as the kernel ends a dump: an int, 0 or the dump's -errno. */
static inline struct nlmsghdr *nlb_done(struct nlb *b, int err)
{
	return nlb_raw(b, NLMSG_DONE, NLM_F_MULTI, &err, sizeof(err));
}

/* NLMSG_ERROR carrying @err (0 is an ACK) and a copy of a request header. */
static inline struct nlmsghdr *nlb_error(struct nlb *b, int err)
{
	struct nlmsgerr e;

	memset(&e, 0, sizeof(e));
	e.error = err;
	e.msg.nlmsg_len = MNL_NLMSG_HDRLEN + sizeof(struct inet_diag_req_v2);
	e.msg.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	e.msg.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	return nlb_raw(b, NLMSG_ERROR, 0, &e, sizeof(e));
}

/* ---- for out-of-bounds checks ------------------------------------------ */

/* A malloc'd copy of @len bytes, ending exactly where the block ends. */
static inline void *nl_tail_copy(const void *p, size_t len)
{
	void *q = malloc(len ? len : 1);

	if (!q)
		abort();
	memcpy(q, p, len);
	return q;
}

#endif

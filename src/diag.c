// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reply loop is written here rather than with mnl_cb_run() because
 * mnl_cb_run() aborts a dump on NLM_F_DUMP_INTR and cannot tell us how many
 * bytes of a replayed buffer it consumed; we want to note the flag and go on
 * (a TCP dump is never a snapshot anyway), and to stream recordings of any
 * size through a fixed buffer. Everything else is libmnl.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

#include "diag.h"
#include "util.h"

/* The kernel fills at most ~32 KiB per recvmsg for a dump; twice that leaves
 * room for replayed messages that straddle a read. */
#define DIAG_BUFSIZE (64u * 1024u)

struct diag {
	struct mnl_socket *nl;   /* live */
	unsigned int portid;
	unsigned int seq;
	FILE *replay;            /* replay */
	size_t have, off;        /* replay: bytes in buf, bytes consumed */
	bool replay_eof;
	FILE *record;
	int record_err;
	unsigned char *buf;
};

int diag_open(struct diag **out)
{
	struct diag *d = xcalloc(1, sizeof(*d));
	int ret;

	d->buf = xmalloc(DIAG_BUFSIZE);
	d->nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!d->nl) {
		ret = -errno;
		goto err;
	}
	if (mnl_socket_bind(d->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto err;
	}
	d->portid = mnl_socket_get_portid(d->nl);
	d->seq = (unsigned int)time(NULL);
	*out = d;
	return 0;
err:
	diag_close(d);
	return ret;
}

int diag_open_replay(struct diag **out, const char *path)
{
	struct diag *d = xcalloc(1, sizeof(*d));

	d->replay = fopen(path, "rb");
	if (!d->replay) {
		int ret = -errno;

		free(d);
		return ret;
	}
	d->buf = xmalloc(DIAG_BUFSIZE);
	*out = d;
	return 0;
}

int diag_record(struct diag *d, const char *path)
{
	if (d->replay)
		return -EINVAL;
	d->record = fopen(path, "wb");
	return d->record ? 0 : -errno;
}

int diag_is_replay(const struct diag *d)
{
	return d->replay != NULL;
}

static void record_write(struct diag *d, const void *buf, size_t len)
{
	if (d->record && !d->record_err && fwrite(buf, 1, len, d->record) != len)
		d->record_err = errno ? -errno : -EIO;
}

/* The answer carried by NLMSG_ERROR or NLMSG_DONE: 0 or -errno. An error
 * message too short to hold one is counted in @st and is -EBADMSG. */
static int nlmsg_errno(const struct nlmsghdr *nlh, struct diag_stats *st)
{
	size_t plen = nlh->nlmsg_len - sizeof(*nlh);

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		if (plen < sizeof(*e)) {
			st->malformed++;
			return -EBADMSG;
		}
		return e->error > 0 ? -e->error : e->error;
	}
	/* NLMSG_DONE may carry the dump's error as an int. */
	if (plen >= sizeof(int)) {
		int v;

		memcpy(&v, mnl_nlmsg_get_payload(nlh), sizeof(v));
		return v < 0 ? v : 0;
	}
	return 0;
}

/*
 * Walk whole messages in buf. Sets *used to the bytes consumed. Returns
 * 0 on NLMSG_DONE, 1 when the buffer is used up (or only a partial message
 * is left: *used stops before it), or -errno.
 */
static int process(const unsigned char *buf, size_t len, diag_msg_cb cb, void *data,
		   struct diag_stats *st, size_t *used)
{
	size_t off = 0, step;
	int ret;

	while (len - off >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const void *)(buf + off);

		if (nlh->nlmsg_len < sizeof(*nlh)) {
			st->malformed++;
			*used = len;
			return -EBADMSG;
		}
		if (nlh->nlmsg_len > len - off)
			break;
		step = MNL_ALIGN(nlh->nlmsg_len);
		if (step > len - off)
			step = len - off;
		off += step;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			st->interrupted = 1;
		switch (nlh->nlmsg_type) {
		case NLMSG_DONE:
			*used = off;
			return nlmsg_errno(nlh, st);
		case NLMSG_ERROR:
			ret = nlmsg_errno(nlh, st);
			if (ret) {
				*used = off;
				return ret;
			}
			continue;
		case NLMSG_NOOP:
			continue;
		case SOCK_DIAG_BY_FAMILY:
			st->messages++;
			ret = cb(nlh, data);
			if (ret < 0) {
				*used = off;
				return ret;
			}
			continue;
		default:
			st->malformed++;
			continue;
		}
	}
	*used = off;
	return 1;
}

int diag_process(const void *buf, size_t len, diag_msg_cb cb, void *data,
		 struct diag_stats *st)
{
	size_t used;
	int ret = process(buf, len, cb, data, st, &used);

	/* Bytes that do not form a whole message cannot be trusted. */
	if (ret == 1 && used < len)
		st->malformed++;
	return ret;
}

static int send_request(struct diag *d, const struct diag_request *req)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(d->buf);
	struct inet_diag_req_v2 *r;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++d->seq;
	r = mnl_nlmsg_put_extra_header(nlh, sizeof(*r));
	r->sdiag_family = req->family;
	r->sdiag_protocol = IPPROTO_TCP;
	r->idiag_ext = req->ext;
	r->idiag_states = req->states;
	if (req->bytecode && req->bytecode_len) {
		if (req->bytecode_len > DIAG_BUFSIZE / 2)
			return -E2BIG;
		mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, req->bytecode_len, req->bytecode);
	}
	if (mnl_socket_sendto(d->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

/* Replies to an earlier request (after an aborted dump) are not ours. */
static bool stale(const struct diag *d, const unsigned char *buf, size_t len)
{
	const struct nlmsghdr *nlh = (const void *)buf;

	return len >= sizeof(*nlh) &&
	       (nlh->nlmsg_seq != d->seq || nlh->nlmsg_pid != d->portid);
}

static int dump_live(struct diag *d, const struct diag_request *req, diag_msg_cb cb,
		     void *data, struct diag_stats *st)
{
	ssize_t n;
	size_t used;
	int ret = send_request(d, req);

	while (ret == 0 || ret == 1) {
		n = mnl_socket_recvfrom(d->nl, d->buf, DIAG_BUFSIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == ENOBUFS ? -ENOBUFS : -errno;
		}
		if (n == 0)
			return -EPIPE;
		if (stale(d, d->buf, (size_t)n))
			continue;
		record_write(d, d->buf, (size_t)n);
		ret = process(d->buf, (size_t)n, cb, data, st, &used);
		if (ret == 1 && used < (size_t)n)
			st->malformed++;
		if (ret <= 0)
			return ret;
		ret = 0;
	}
	return ret;
}

/* Keep the unread tail, refill. Returns bytes now buffered. */
static size_t replay_fill(struct diag *d)
{
	size_t n;

	if (d->off) {
		memmove(d->buf, d->buf + d->off, d->have - d->off);
		d->have -= d->off;
		d->off = 0;
	}
	if (!d->replay_eof && d->have < DIAG_BUFSIZE) {
		n = fread(d->buf + d->have, 1, DIAG_BUFSIZE - d->have, d->replay);
		if (n == 0)
			d->replay_eof = true;
		d->have += n;
	}
	return d->have;
}

static int dump_replay(struct diag *d, diag_msg_cb cb, void *data, struct diag_stats *st)
{
	size_t used, before;
	int ret;

	if (replay_fill(d) == 0)
		return ferror(d->replay) ? -EIO : -ENODATA;
	for (;;) {
		ret = process(d->buf + d->off, d->have - d->off, cb, data, st, &used);
		d->off += used;
		if (ret != 1)
			return ret;
		before = d->have - d->off;
		if (replay_fill(d) == before) {
			/* Nothing more to read: the dump ended without DONE. */
			if (before)
				st->malformed++;
			d->off = d->have;
			return ferror(d->replay) ? -EIO : -EBADMSG;
		}
	}
}

int diag_dump(struct diag *d, const struct diag_request *req, diag_msg_cb cb,
	      void *data, struct diag_stats *st)
{
	if (d->replay)
		return dump_replay(d, cb, data, st);
	return dump_live(d, req, cb, data, st);
}

/* Requests per batch. The replies wait in the socket's receive buffer until
 * read: 32 of about 1.3 KiB each (with tcp_info) stay far below its default
 * 208 KiB, so none is dropped (ENOBUFS). */
#define DIAG_LOOKUP_BATCH 32u

int diag_lookup(struct diag *d, const struct diag_one *socks, size_t n, uint8_t ext,
		diag_msg_cb cb, void *data, struct diag_stats *st)
{
	size_t done, k, b, got, off;
	unsigned int first;
	ssize_t r;
	int ret;

	if (d->replay)
		return -EINVAL;
	for (done = 0; done < n; done += b) {
		b = n - done < DIAG_LOOKUP_BATCH ? n - done : DIAG_LOOKUP_BATCH;
		first = d->seq + 1;
		off = 0;
		for (k = 0; k < b; k++) {
			struct nlmsghdr *nlh = mnl_nlmsg_put_header(d->buf + off);
			struct inet_diag_req_v2 *q;

			nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
			nlh->nlmsg_flags = NLM_F_REQUEST;
			nlh->nlmsg_seq = ++d->seq;
			q = mnl_nlmsg_put_extra_header(nlh, sizeof(*q));
			q->sdiag_family = socks[done + k].family;
			q->sdiag_protocol = IPPROTO_TCP;
			q->idiag_ext = ext;
			q->idiag_states = ~0u;
			q->id = socks[done + k].id;
			off += MNL_ALIGN(nlh->nlmsg_len);
		}
		if (mnl_socket_sendto(d->nl, d->buf, off) < 0)
			return -errno;
		/* One answer per request: the socket, or an error (ENOENT: gone). */
		for (got = 0; got < b;) {
			struct pollfd pfd = { .fd = mnl_socket_get_fd(d->nl), .events = POLLIN };
			const struct nlmsghdr *nlh;
			int left;

			/* Answers come at once; a lost one must not hang us. */
			r = poll(&pfd, 1, 2000);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return r < 0 ? -errno : -ETIMEDOUT;
			r = mnl_socket_recvfrom(d->nl, d->buf, DIAG_BUFSIZE);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			if (r == 0)
				return -EPIPE;
			left = (int)r;
			for (nlh = (const void *)d->buf; mnl_nlmsg_ok(nlh, left);
			     nlh = mnl_nlmsg_next(nlh, &left)) {
				if (nlh->nlmsg_pid != d->portid ||
				    nlh->nlmsg_seq - first >= (unsigned int)b)
					continue; /* not an answer to this batch */
				got++;
				if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
					continue;
				st->messages++;
				ret = cb(nlh, data);
				if (ret < 0)
					return ret;
			}
		}
	}
	return 0;
}

int diag_close(struct diag *d)
{
	int ret = 0;

	if (!d)
		return 0;
	if (d->nl)
		mnl_socket_close(d->nl);
	if (d->replay)
		fclose(d->replay);
	if (d->record) {
		ret = d->record_err;
		if (fclose(d->record) && !ret)
			ret = -errno;
	}
	free(d->buf);
	free(d);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diag_parse(): one SOCK_DIAG_BY_FAMILY message into a struct tcp_sock, and
 * diag_process(): a buffer of netlink messages into callbacks.
 *
 * Every message given to diag_parse() sits at the very end of a malloc'd
 * block of exactly nlmsg_len bytes, so AddressSanitizer reports a read past
 * the message even when the test's expectations are met.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "diag_parse.h"
#include "nlbuild.h"
#include "tap.h"
#include "util.h"

static struct tcp_info g_info;   /* a tcp_info with every field set */

/* diag_parse() on a copy of @size bytes at @nlh, alone in its block. */
static int parse_exact(const void *nlh, size_t size, struct tcp_sock *out)
{
	void *p = nl_tail_copy(nlh, size);
	int ret = diag_parse(p, out);

	free(p);
	return ret;
}

static int parse_msg(const struct nlmsghdr *nlh, struct tcp_sock *out)
{
	return parse_exact(nlh, nlh->nlmsg_len, out);
}

/* Build @s into a scratch buffer and parse it. */
static int parse_sock(const struct nl_sock *s, struct tcp_sock *out)
{
	unsigned char buf[1024];

	return parse_msg(nl_put_sock(buf, s), out);
}

static void fill_info(void)
{
	unsigned char *p = (unsigned char *)&g_info;
	size_t i;

	for (i = 0; i < sizeof(g_info); i++)
		p[i] = (unsigned char)(i * 7 + 1);
	g_info.tcpi_state = 1;
	g_info.tcpi_rtt = 12345;
	g_info.tcpi_snd_cwnd = 10;
	g_info.tcpi_total_retrans = 7;
}

static struct nl_sock est4(void)
{
	return (struct nl_sock){
		.family = AF_INET, .state = TS_ESTABLISHED, .timer = ST_RETRANS,
		.retrans = 2, .src = "192.0.2.10", .dst = "198.51.100.7",
		.sport = 443, .dport = 51000, .ifindex = 3,
		.cookie = 0x1122334455667788ull, .expires = 1234, .rqueue = 17,
		.wqueue = 4096, .uid = 1000, .inode = 424242,
		.with_shutdown = true, .shutdown = 2,
		.info = &g_info, .info_len = sizeof(g_info),
	};
}

static void test_full_ipv4(void)
{
	struct nl_sock s = est4();
	struct tcp_sock t;
	static const uint8_t src[16] = { 192, 0, 2, 10 }, dst[16] = { 198, 51, 100, 7 };

	memset(&t, 0xa5, sizeof(t));
	is_int(parse_sock(&s, &t), 0, "ipv4 established: parsed");
	is_int(t.family, AF_INET, "ipv4: family");
	is_int(t.state, TS_ESTABLISHED, "ipv4: state");
	is_int(t.kind, SK_FULL, "ipv4: a full socket");
	is_int(t.timer, ST_RETRANS, "ipv4: timer");
	is_int(t.retrans, 2, "ipv4: retrans");
	is_int(t.sport, 443, "ipv4: sport in host order");
	is_int(t.dport, 51000, "ipv4: dport in host order");
	is_mem(t.saddr, src, 16, "ipv4: saddr in the first 4 bytes, the rest zero");
	is_mem(t.daddr, dst, 16, "ipv4: daddr in the first 4 bytes, the rest zero");
	is_int(t.ifindex, 3, "ipv4: ifindex");
	is_u64(t.cookie, 0x1122334455667788ull, "ipv4: cookie from both words");
	is_u64(t.expires_ms, 1234, "ipv4: expires");
	is_u64(t.rqueue, 17, "ipv4: rqueue");
	is_u64(t.wqueue, 4096, "ipv4: wqueue");
	is_u64(t.uid, 1000, "ipv4: uid");
	is_u64(t.inode, 424242, "ipv4: inode");
	ok(t.has_shutdown, "ipv4: has SHUTDOWN");
	is_int(t.shutdown, 2, "ipv4: shutdown bits");
	ok(t.has_info, "ipv4: has INFO");
	is_int(t.info_len, sizeof(struct tcp_info), "ipv4: info_len");
	is_int(t.info.tcpi_rtt, 12345, "ipv4: tcpi_rtt");
	is_int(t.info.tcpi_snd_cwnd, 10, "ipv4: tcpi_snd_cwnd");
	is_mem(&t.info, &g_info, sizeof(g_info), "ipv4: all of tcp_info copied");
	ok(!tcp_sock_is_orphan(&t) && !tcp_sock_is_half_closed(&t),
	   "ipv4: established is neither orphan nor half-closed");

	/* Each cookie word lands in its half. */
	s.cookie = 0x00000001deadbeefull;
	parse_sock(&s, &t);
	is_u64(t.cookie, 0x00000001deadbeefull, "cookie: low word in idiag_cookie[0]");
	s.cookie = 0xdeadbeef00000001ull;
	parse_sock(&s, &t);
	is_u64(t.cookie, 0xdeadbeef00000001ull, "cookie: high word in idiag_cookie[1]");
	s.sport = 0x1234;
	s.dport = 0xfffe;
	parse_sock(&s, &t);
	ok(t.sport == 0x1234 && t.dport == 0xfffe, "ports: byte order converted both ways");
}

static void test_full_ipv6(void)
{
	struct nl_sock s = est4();
	struct tcp_sock t;
	uint8_t src[16], dst[16];

	s.family = AF_INET6;
	s.src = "2001:db8::1";
	s.dst = "::ffff:10.1.2.3";
	s.state = TS_CLOSE_WAIT;
	s.timer = ST_NONE;
	s.with_shutdown = true;
	s.shutdown = 1;
	inet_pton(AF_INET6, s.src, src);
	inet_pton(AF_INET6, s.dst, dst);
	is_int(parse_sock(&s, &t), 0, "ipv6 close-wait: parsed");
	is_int(t.family, AF_INET6, "ipv6: family");
	is_int(t.state, TS_CLOSE_WAIT, "ipv6: state");
	is_int(t.kind, SK_FULL, "ipv6: a full socket");
	is_mem(t.saddr, src, 16, "ipv6: all 16 bytes of saddr");
	is_mem(t.daddr, dst, 16, "ipv6: v4-mapped daddr");
	is_int(t.sport, 443, "ipv6: sport");
	is_int(t.shutdown, 1, "ipv6: shutdown RCV");
}

static void test_minisocks(void)
{
	struct nl_sock s;
	struct tcp_sock t;

	s = nl_simple(AF_INET, TS_TIME_WAIT, ST_TIMEWAIT, 0, 77);
	s.expires = 59000;
	s.src = "127.0.0.1";
	s.sport = 8080;
	is_int(parse_sock(&s, &t), 0, "time-wait minisock: parsed");
	is_int(t.kind, SK_TIMEWAIT, "time-wait: SK_TIMEWAIT");
	is_int(t.timer, ST_TIMEWAIT, "time-wait: timer 3");
	is_u64(t.expires_ms, 59000, "time-wait: expires");
	ok(!t.has_info && !t.has_shutdown, "time-wait: no attributes");
	is_int(t.info_len, 0, "time-wait: info_len 0");
	ok(!tcp_sock_is_orphan(&t) && !tcp_sock_is_half_closed(&t),
	   "time-wait: neither orphan nor half-closed");

	s = nl_simple(AF_INET6, TS_FIN_WAIT2, ST_TIMEWAIT, 0, 78);
	is_int(parse_sock(&s, &t), 0, "fin-wait-2 minisock: parsed");
	is_int(t.kind, SK_TIMEWAIT, "fin-wait-2 with timer 3, no attributes: SK_TIMEWAIT");
	ok(!tcp_sock_is_orphan(&t), "fin-wait-2 minisock: not counted as a full orphan");

	/* A full FIN_WAIT2 orphan (tcp_fin_timeout > 60 keeps it full, timer 2). */
	s = nl_simple(AF_INET, TS_FIN_WAIT2, ST_KEEPALIVE, 0, 79);
	s.shutdown = 3;
	is_int(parse_sock(&s, &t), 0, "full fin-wait-2 orphan: parsed");
	is_int(t.kind, SK_FULL, "fin-wait-2 with timer 2 and SHUTDOWN: SK_FULL");
	ok(tcp_sock_is_orphan(&t), "full fin-wait-2, inode 0: an orphan");

	/* A minisock seen by CAP_NET_ADMIN carries MARK: still a minisock. */
	s = nl_simple(AF_INET, TS_TIME_WAIT, ST_TIMEWAIT, 0, 80);
	{
		unsigned char buf[256];
		struct nlb b;
		uint32_t mark = 0x42;

		nlb_init(&b, buf, sizeof(buf));
		nlb_sock(&b, &s);
		nlb_attr(&b, INET_DIAG_MARK, sizeof(mark), &mark);
		is_int(parse_msg(nlb_last(&b), &t), 0, "time-wait with MARK: parsed");
		is_int(t.kind, SK_TIMEWAIT, "time-wait with MARK: SK_TIMEWAIT");
	}
}

static void test_syn_recv(void)
{
	struct nl_sock s;
	struct tcp_sock t;
	unsigned char buf[256];
	struct nlb b;
	uint32_t mark = 7;

	s = nl_simple(AF_INET, TS_SYN_RECV, ST_RETRANS, 0, 90);
	s.retrans = 1;
	is_int(parse_sock(&s, &t), 0, "syn-recv request: parsed");
	is_int(t.kind, SK_REQUEST, "syn-recv without attributes: SK_REQUEST");
	is_int(t.retrans, 1, "syn-recv request: SYN-ACKs resent");

	nlb_init(&b, buf, sizeof(buf));
	nlb_sock(&b, &s);
	nlb_attr(&b, INET_DIAG_MARK, sizeof(mark), &mark);
	is_int(parse_msg(nlb_last(&b), &t), 0, "syn-recv request with MARK: parsed");
	is_int(t.kind, SK_REQUEST, "syn-recv with only MARK: still SK_REQUEST");

	s.with_shutdown = true;
	s.shutdown = 0;
	s.inode = 0;
	is_int(parse_sock(&s, &t), 0, "fast open child: parsed");
	is_int(t.kind, SK_FULL, "syn-recv with SHUTDOWN: a Fast Open child, SK_FULL");

	s.with_shutdown = false;
	s.info = &g_info;
	s.info_len = sizeof(g_info);
	is_int(parse_sock(&s, &t), 0, "syn-recv with INFO only: parsed");
	is_int(t.kind, SK_FULL, "syn-recv with INFO: SK_FULL");
}

static void test_orphans(void)
{
	static const uint8_t closing[] = { TS_FIN_WAIT1, TS_FIN_WAIT2, TS_LAST_ACK, TS_CLOSING };
	static const uint8_t others[] = { TS_ESTABLISHED, TS_SYN_SENT, TS_CLOSE, TS_CLOSE_WAIT,
					  TS_LISTEN };
	struct tcp_sock t;
	struct nl_sock s;
	char name[96];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(closing); i++) {
		s = nl_simple(AF_INET, closing[i], ST_RETRANS, 0, 100 + i);
		s.shutdown = 3;
		parse_sock(&s, &t);
		snprintf(name, sizeof(name), "state %u, inode 0: orphan, not half-closed",
			 closing[i]);
		ok(t.kind == SK_FULL && tcp_sock_is_orphan(&t) && !tcp_sock_is_half_closed(&t),
		   name);
		s.inode = 5555;
		s.shutdown = 2;
		parse_sock(&s, &t);
		snprintf(name, sizeof(name), "state %u, inode 5555: half-closed, not orphan",
			 closing[i]);
		ok(t.kind == SK_FULL && !tcp_sock_is_orphan(&t) && tcp_sock_is_half_closed(&t),
		   name);
	}
	for (i = 0; i < ARRAY_SIZE(others); i++) {
		s = nl_simple(AF_INET, others[i], ST_NONE, 0, 200 + i);
		parse_sock(&s, &t);
		snprintf(name, sizeof(name), "state %u, inode 0: neither orphan nor half-closed",
			 others[i]);
		ok(!tcp_sock_is_orphan(&t) && !tcp_sock_is_half_closed(&t), name);
	}
}

static void test_states_and_timers(void)
{
	struct tcp_sock t;
	struct nl_sock s;
	unsigned int st, tm, good = 0;

	for (st = TS_FIRST; st <= TS_LAST; st++) {
		s = nl_simple(AF_INET6, (uint8_t)st, ST_NONE, 1, st);
		if (!parse_sock(&s, &t) && t.state == st)
			good++;
	}
	is_int(good, 11, "every state 1..11 parses as itself");
	good = 0;
	for (tm = ST_NONE; tm <= ST_PERSIST; tm++) {
		s = nl_simple(AF_INET, TS_ESTABLISHED, (uint8_t)tm, 1, tm + 1);
		if (!parse_sock(&s, &t) && t.timer == tm)
			good++;
	}
	is_int(good, 5, "every timer 0..4 parses as itself");
	s = nl_simple(AF_INET, TS_CLOSE, ST_NONE, 9, 1);
	parse_sock(&s, &t);
	is_int(t.kind, SK_FULL, "close (bound-only): SK_FULL");
}

static void test_info_lengths(void)
{
	unsigned char big[280], zero[sizeof(struct tcp_info)];
	struct nl_sock s = est4();
	struct tcp_sock t;
	size_t i, n;
	int allzero;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(255 - i);
	s.info = big;
	s.info_len = sizeof(big);
	memset(&t, 0, sizeof(t));
	is_int(parse_sock(&s, &t), 0, "280-byte tcp_info (6.18): parsed");
	is_int(t.info_len, 280, "280-byte tcp_info: info_len is the kernel's length");
	is_mem(&t.info, big, sizeof(t.info), "280-byte tcp_info: first sizeof(tcp_info) copied");
	ok(t.has_info, "280-byte tcp_info: has_info");

	/* An older kernel's shorter struct: the rest reads as zero. */
	for (n = 0; n <= 104; n += 52) {
		char name[80];

		s.info = big;
		s.info_len = n;
		memset(&t, 0xff, sizeof(t));
		is_int(parse_sock(&s, &t), 0, "short tcp_info: parsed");
		snprintf(name, sizeof(name), "%zu-byte tcp_info: info_len %zu", n, n);
		is_int(t.info_len, n, name);
		snprintf(name, sizeof(name), "%zu-byte tcp_info: copied", n);
		is_mem(&t.info, big, n, name);
		memset(zero, 0, sizeof(zero));
		allzero = !memcmp((unsigned char *)&t.info + n, zero, sizeof(t.info) - n);
		snprintf(name, sizeof(name), "%zu-byte tcp_info: the rest is zero", n);
		ok(allzero, name);
	}
	s.info_len = 33;   /* odd length: attribute padded */
	memset(&t, 0xff, sizeof(t));
	is_int(parse_sock(&s, &t), 0, "33-byte tcp_info: parsed");
	ok(t.info_len == 33 && !memcmp(&t.info, big, 33) &&
	   !memcmp((unsigned char *)&t.info + 33, zero, sizeof(t.info) - 33),
	   "33-byte tcp_info: copied, the rest zero");
}

/* Other attributes (CONG, SKMEMINFO, unknown types) are skipped. */
static void test_other_attrs(void)
{
	unsigned char buf[512];
	uint32_t skmem[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	uint64_t cgroup = 0x123456789ull;
	struct nl_sock s = est4();
	struct tcp_sock t;
	struct nlb b;

	nlb_init(&b, buf, sizeof(buf));
	s.info = NULL;
	nlb_sock(&b, &s);
	nlb_attr(&b, INET_DIAG_CONG, 6, "cubic");
	nlb_attr(&b, INET_DIAG_SKMEMINFO, sizeof(skmem), skmem);
	nlb_attr(&b, 21 /* CGROUP_ID */, sizeof(cgroup), &cgroup);
	nlb_attr(&b, 200, 3, "abc");
	nlb_attr(&b, INET_DIAG_INFO, sizeof(g_info), &g_info);
	is_int(parse_msg(nlb_last(&b), &t), 0, "CONG, SKMEMINFO, CGROUP_ID, unknown 200: parsed");
	ok(t.has_shutdown && t.shutdown == 2, "SHUTDOWN before them still read");
	ok(t.has_info && !memcmp(&t.info, &g_info, sizeof(g_info)), "INFO after them still read");

	/* An attribute whose last bytes end the message unpadded is fine. */
	nlb_init(&b, buf, sizeof(buf));
	s.info = NULL;
	nlb_sock(&b, &s);
	nlb_last(&b)->nlmsg_len -= 3;  /* SHUTDOWN's 3 pad bytes not counted */
	is_int(parse_msg(nlb_last(&b), &t), 0, "unpadded last attribute: parsed");
	ok(t.has_shutdown && t.shutdown == 2, "unpadded last attribute: read");
}

/* ---- malformed input ------------------------------------------------- */

static void test_short_payloads(void)
{
	unsigned char buf[256];
	struct nl_sock s = est4();
	struct nlmsghdr *nlh;
	struct tcp_sock t;
	static const size_t lens[] = { 0, 1, 40, sizeof(struct inet_diag_msg) - 1 };
	char name[96];
	size_t i;

	s.with_shutdown = false;
	s.info = NULL;
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		nlh = nl_put_sock(buf, &s);
		nlh->nlmsg_len = (uint32_t)(MNL_NLMSG_HDRLEN + lens[i]);
		snprintf(name, sizeof(name), "payload of %zu bytes (< inet_diag_msg): -EBADMSG",
			 lens[i]);
		is_int(parse_msg(nlh, &t), -EBADMSG, name);
	}
	nlh = nl_put_sock(buf, &s);
	nlh->nlmsg_len = 8;
	is_int(parse_exact(nlh, 8, &t), -EBADMSG, "nlmsg_len 8 (< header): -EBADMSG");
	nlh->nlmsg_len = 0;
	is_int(parse_exact(nlh, sizeof(*nlh), &t), -EBADMSG, "nlmsg_len 0: -EBADMSG");
	/* Exactly an inet_diag_msg, no attributes: fine. */
	nlh = nl_put_sock(buf, &s);
	is_int(parse_msg(nlh, &t), 0, "payload of exactly inet_diag_msg: parsed");
}

/* The offset of the first attribute of @nlh. */
static struct nlattr *first_attr(struct nlmsghdr *nlh)
{
	return (struct nlattr *)((unsigned char *)mnl_nlmsg_get_payload(nlh) +
				 MNL_ALIGN(sizeof(struct inet_diag_msg)));
}

static void test_bad_attrs(void)
{
	unsigned char buf[1024];
	struct nl_sock s = est4();
	struct nlmsghdr *nlh;
	struct tcp_sock t;
	struct nlattr *a;
	char name[96];
	size_t k;
	struct nlb b;

	/* SHUTDOWN claims more than the message holds. */
	s.info = NULL;
	nlh = nl_put_sock(buf, &s);
	first_attr(nlh)->nla_len = 5 + 8;
	is_int(parse_msg(nlh, &t), -EBADMSG,
	       "attribute running 8 bytes past the message: -EBADMSG");
	first_attr(nlh)->nla_len = 0xffff;
	is_int(parse_msg(nlh, &t), -EBADMSG, "attribute nla_len 65535: -EBADMSG");

	/* INFO is the last attribute and claims 100 bytes more than sent. */
	s.info = &g_info;
	s.info_len = 104;
	nlh = nl_put_sock(buf, &s);
	a = (struct nlattr *)((unsigned char *)first_attr(nlh) + MNL_ALIGN(5));
	is_int(mnl_attr_get_type(a), INET_DIAG_INFO, "(INFO is the second attribute)");
	a->nla_len += 100;
	is_int(parse_msg(nlh, &t), -EBADMSG, "INFO running past the message: -EBADMSG");

	/* nla_len below the attribute header. */
	s.info = NULL;
	for (k = 0; k < 4; k++) {
		nlh = nl_put_sock(buf, &s);
		first_attr(nlh)->nla_len = (uint16_t)k;
		snprintf(name, sizeof(name), "nla_len %zu (< 4): -EBADMSG", k);
		is_int(parse_msg(nlh, &t), -EBADMSG, name);
	}

	/* 1-3 garbage bytes after the header, and after a whole attribute. */
	for (k = 1; k <= 3; k++) {
		s.with_shutdown = false;
		nlh = nl_put_sock(buf, &s);
		memset((unsigned char *)nlh + nlh->nlmsg_len, 0xee, 4);
		nlh->nlmsg_len += (uint32_t)k;
		snprintf(name, sizeof(name), "%zu trailing bytes after inet_diag_msg: -EBADMSG", k);
		is_int(parse_msg(nlh, &t), -EBADMSG, name);

		s.with_shutdown = true;
		s.info = &g_info;
		s.info_len = 8;
		nlh = nl_put_sock(buf, &s);
		memset((unsigned char *)nlh + nlh->nlmsg_len, 0xee, 4);
		nlh->nlmsg_len += (uint32_t)k;
		snprintf(name, sizeof(name), "%zu trailing bytes after the attributes: -EBADMSG",
			 k);
		is_int(parse_msg(nlh, &t), -EBADMSG, name);
		s.info = NULL;
	}

	/* SHUTDOWN must hold its byte; MARK its u32. */
	s = est4();
	s.with_shutdown = false;
	s.info = NULL;
	nlb_init(&b, buf, sizeof(buf));
	nlb_sock(&b, &s);
	nlb_attr(&b, INET_DIAG_SHUTDOWN, 0, NULL);
	is_int(parse_msg(nlb_last(&b), &t), -EBADMSG, "SHUTDOWN with a 0-byte payload: -EBADMSG");
	nlb_init(&b, buf, sizeof(buf));
	nlb_sock(&b, &s);
	nlb_attr(&b, INET_DIAG_MARK, 2, "\1\2");
	is_int(parse_msg(nlb_last(&b), &t), -EBADMSG, "MARK with 2 bytes: -EBADMSG");
	/* A bad attribute after good ones is still caught. */
	s.info = &g_info;
	s.info_len = sizeof(g_info);
	nlb_init(&b, buf, sizeof(buf));
	nlb_sock(&b, &s);
	nlb_attr(&b, INET_DIAG_SHUTDOWN, 0, NULL);
	is_int(parse_msg(nlb_last(&b), &t), -EBADMSG, "empty SHUTDOWN after INFO: -EBADMSG");
}

static void test_bad_header_fields(void)
{
	static const uint8_t bad_states[] = { 0, TS_NEW_SYN_RECV, TS_BOUND_INACTIVE, 14, 200, 255 };
	static const uint8_t bad_timers[] = { 5, 9, 255 };
	static const uint8_t bad_families[] = { AF_UNIX, AF_UNSPEC, AF_PACKET, AF_NETLINK };
	static const uint16_t bad_types[] = { NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, 16, 21 };
	unsigned char buf[256];
	struct nl_sock s = est4();
	struct nlmsghdr *nlh;
	struct inet_diag_msg *m;
	struct tcp_sock t;
	char name[96];
	size_t i;

	s.info = NULL;
	for (i = 0; i < ARRAY_SIZE(bad_states); i++) {
		nlh = nl_put_sock(buf, &s);
		m = mnl_nlmsg_get_payload(nlh);
		m->idiag_state = bad_states[i];
		snprintf(name, sizeof(name), "state %u: -EBADMSG", bad_states[i]);
		is_int(parse_msg(nlh, &t), -EBADMSG, name);
	}
	for (i = 0; i < ARRAY_SIZE(bad_timers); i++) {
		nlh = nl_put_sock(buf, &s);
		m = mnl_nlmsg_get_payload(nlh);
		m->idiag_timer = bad_timers[i];
		snprintf(name, sizeof(name), "timer %u: -EBADMSG", bad_timers[i]);
		is_int(parse_msg(nlh, &t), -EBADMSG, name);
	}
	for (i = 0; i < ARRAY_SIZE(bad_families); i++) {
		nlh = nl_put_sock(buf, &s);
		m = mnl_nlmsg_get_payload(nlh);
		m->idiag_family = bad_families[i];
		snprintf(name, sizeof(name), "family %u: -EPROTO", bad_families[i]);
		is_int(parse_msg(nlh, &t), -EPROTO, name);
	}
	for (i = 0; i < ARRAY_SIZE(bad_types); i++) {
		nlh = nl_put_sock(buf, &s);
		nlh->nlmsg_type = bad_types[i];
		snprintf(name, sizeof(name), "nlmsg_type %u: -EPROTO", bad_types[i]);
		is_int(parse_msg(nlh, &t), -EPROTO, name);
	}
}

/* ---- diag_process ----------------------------------------------------- */

struct seen {
	unsigned int calls;
	uint64_t cookies[64];
	int parse_errors;
	unsigned int fail_at;   /* return -EINTR on this call (1-based); 0 = never */
};

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct seen *sn = data;
	struct tcp_sock t;

	if (diag_parse(nlh, &t))
		sn->parse_errors++;
	else if (sn->calls < ARRAY_SIZE(sn->cookies))
		sn->cookies[sn->calls] = t.cookie;
	sn->calls++;
	return sn->fail_at && sn->calls == sn->fail_at ? -EINTR : 0;
}

/* diag_process() over a copy of the buffer in a block of exactly its size. */
static int process(const struct nlb *b, size_t len, struct seen *sn, struct diag_stats *st)
{
	void *p = nl_tail_copy(b->buf, len);
	int ret;

	memset(sn, 0, sizeof(*sn));
	memset(st, 0, sizeof(*st));
	ret = diag_process(p, len, on_msg, sn, st);
	free(p);
	return ret;
}

static void put_socks(struct nlb *b, unsigned int n, uint64_t first_cookie)
{
	struct nl_sock s;
	unsigned int i;

	for (i = 0; i < n; i++) {
		s = nl_simple(i % 2 ? AF_INET6 : AF_INET, (uint8_t)(TS_FIRST + i % 11),
			      ST_NONE, 1000 + i, first_cookie + i);
		if (s.state == TS_SYN_RECV || s.state == TS_TIME_WAIT)
			s.timer = ST_TIMEWAIT;
		nlb_sock(b, &s);
	}
}

static int cookies_are(const struct seen *sn, unsigned int n, uint64_t first)
{
	unsigned int i;

	if (sn->calls != n || sn->parse_errors)
		return 0;
	for (i = 0; i < n; i++)
		if (sn->cookies[i] != first + i)
			return 0;
	return 1;
}

static void test_process(void)
{
	static unsigned char buf[16384];
	struct diag_stats st;
	struct seen sn;
	struct nlb b;
	int ret;

	/* Several sockets, then DONE. */
	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 5, 100);
	nlb_done(&b, 0);
	is_int(process(&b, b.len, &sn, &st), 0, "5 sockets + DONE: returns 0");
	ok(cookies_are(&sn, 5, 100), "5 sockets + DONE: callback once per socket, in order");
	is_u64(st.messages, 5, "5 sockets + DONE: stats.messages 5");
	is_u64(st.malformed, 0, "5 sockets + DONE: nothing malformed");
	is_int(st.interrupted, 0, "5 sockets + DONE: not interrupted");

	/* The same without DONE: more to read. */
	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 5, 100);
	is_int(process(&b, b.len, &sn, &st), 1, "5 sockets, no DONE: returns 1");
	ok(cookies_are(&sn, 5, 100), "5 sockets, no DONE: all delivered");
	is_u64(st.malformed, 0, "5 sockets, no DONE: nothing malformed");

	/* Empty buffer. */
	is_int(process(&b, 0, &sn, &st), 1, "empty buffer: returns 1");
	ok(sn.calls == 0 && st.malformed == 0, "empty buffer: nothing delivered or malformed");

	/* NLMSG_ERROR -EPERM ends the dump with the error. */
	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 2, 1);
	nlb_error(&b, -EPERM);
	put_socks(&b, 2, 3);
	nlb_done(&b, 0);
	is_int(process(&b, b.len, &sn, &st), -EPERM, "NLMSG_ERROR -EPERM: returns -EPERM");
	ok(cookies_are(&sn, 2, 1), "NLMSG_ERROR: the sockets before it, none after");
	is_u64(st.malformed, 0, "NLMSG_ERROR -EPERM: not malformed");

	/* A positive errno (some senders) is still an error. */
	nlb_init(&b, buf, sizeof(buf));
	nlb_error(&b, EINVAL);
	is_int(process(&b, b.len, &sn, &st), -EINVAL, "NLMSG_ERROR +EINVAL: returns -EINVAL");

	/* An ACK (error 0) is skipped. */
	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 1, 10);
	nlb_error(&b, 0);
	put_socks(&b, 2, 11);
	nlb_done(&b, 0);
	is_int(process(&b, b.len, &sn, &st), 0, "ACK in the middle: returns 0 at DONE");
	ok(cookies_are(&sn, 3, 10), "ACK in the middle: skipped, sockets around it delivered");

	/* An NLMSG_ERROR too short to hold struct nlmsgerr. */
	nlb_init(&b, buf, sizeof(buf));
	{
		int e = -EPERM;

		nlb_raw(&b, NLMSG_ERROR, 0, &e, sizeof(e));
	}
	is_int(process(&b, b.len, &sn, &st), -EBADMSG, "4-byte NLMSG_ERROR: -EBADMSG");
	is_u64(st.malformed, 1, "4-byte NLMSG_ERROR: counted malformed");

	/* DONE carrying the dump's error; DONE without a payload. */
	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 1, 1);
	nlb_done(&b, -ENOENT);
	is_int(process(&b, b.len, &sn, &st), -ENOENT, "DONE holding -ENOENT: returns -ENOENT");
	nlb_init(&b, buf, sizeof(buf));
	nlb_raw(&b, NLMSG_DONE, NLM_F_MULTI, NULL, 0);
	is_int(process(&b, b.len, &sn, &st), 0, "DONE without payload: returns 0");

	/* Nothing after DONE is looked at. */
	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 2, 1);
	nlb_done(&b, 0);
	put_socks(&b, 2, 50);
	is_int(process(&b, b.len, &sn, &st), 0, "messages after DONE: returns 0");
	ok(cookies_are(&sn, 2, 1), "messages after DONE: not delivered");

	/* NLM_F_DUMP_INTR on any message sets interrupted; the dump goes on. */
	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 2, 1);
	nlb_last(&b)->nlmsg_flags |= NLM_F_DUMP_INTR;
	put_socks(&b, 2, 3);
	nlb_done(&b, 0);
	is_int(process(&b, b.len, &sn, &st), 0, "DUMP_INTR: returns 0");
	is_int(st.interrupted, 1, "DUMP_INTR on a socket message: interrupted set");
	ok(cookies_are(&sn, 4, 1), "DUMP_INTR: every socket still delivered");
	nlb_init(&b, buf, sizeof(buf));
	nlb_done(&b, 0)->nlmsg_flags |= NLM_F_DUMP_INTR;
	process(&b, b.len, &sn, &st);
	is_int(st.interrupted, 1, "DUMP_INTR on DONE: interrupted set");

	/* NOOP and unknown types. */
	nlb_init(&b, buf, sizeof(buf));
	nlb_raw(&b, NLMSG_NOOP, 0, NULL, 0);
	put_socks(&b, 1, 1);
	nlb_raw(&b, 0x42, 0, "xyz", 3);
	put_socks(&b, 1, 2);
	nlb_done(&b, 0);
	is_int(process(&b, b.len, &sn, &st), 0, "NOOP and type 0x42: returns 0");
	ok(cookies_are(&sn, 2, 1), "NOOP and type 0x42: skipped, sockets delivered");
	is_u64(st.malformed, 1, "type 0x42 counted malformed, NOOP not");
	is_u64(st.messages, 2, "NOOP and type 0x42: not counted as messages");

	/* A truncated last message: nlmsg_len runs past the buffer. */
	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 3, 1);
	nlb_last(&b)->nlmsg_len += 64;
	is_int(process(&b, b.len, &sn, &st), 1, "truncated last message: returns 1");
	ok(cookies_are(&sn, 2, 1), "truncated last message: not delivered");
	is_u64(st.malformed, 1, "truncated last message: counted malformed");
	is_u64(st.messages, 2, "truncated last message: not counted as a message");

	/* Cut in the middle of the last message, and of its header. */
	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 3, 1);
	is_int(process(&b, b.len - 20, &sn, &st), 1, "buffer cut inside the last message: 1");
	ok(cookies_are(&sn, 2, 1) && st.malformed == 1,
	   "buffer cut inside the last message: 2 delivered, 1 malformed");
	is_int(process(&b, b.last + 9, &sn, &st), 1, "buffer cut inside a header: 1");
	ok(cookies_are(&sn, 2, 1) && st.malformed == 1,
	   "buffer cut inside a header: 2 delivered, 1 malformed");
	is_int(process(&b, b.len + 3, &sn, &st), 1, "3 trailing bytes: 1");
	ok(cookies_are(&sn, 3, 1) && st.malformed == 1,
	   "3 trailing bytes: 3 delivered, 1 malformed");

	/* nlmsg_len below the header size: the rest cannot be walked. */
	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 1, 1);
	nlb_raw(&b, SOCK_DIAG_BY_FAMILY, 0, NULL, 0)->nlmsg_len = 8;
	put_socks(&b, 1, 2);
	nlb_done(&b, 0);
	is_int(process(&b, b.len, &sn, &st), -EBADMSG, "nlmsg_len 8: -EBADMSG");
	ok(cookies_are(&sn, 1, 1), "nlmsg_len 8: only the socket before it");
	is_u64(st.malformed, 1, "nlmsg_len 8: counted malformed");
	nlb_init(&b, buf, sizeof(buf));
	nlb_raw(&b, SOCK_DIAG_BY_FAMILY, 0, NULL, 0)->nlmsg_len = 0;
	is_int(process(&b, b.len, &sn, &st), -EBADMSG, "nlmsg_len 0: -EBADMSG (no endless loop)");

	/* A callback's error stops the walk. */
	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 5, 1);
	nlb_done(&b, 0);
	{
		void *p = nl_tail_copy(b.buf, b.len);

		memset(&sn, 0, sizeof(sn));
		memset(&st, 0, sizeof(st));
		sn.fail_at = 2;
		ret = diag_process(p, b.len, on_msg, &sn, &st);
		free(p);
	}
	is_int(ret, -EINTR, "callback returning -EINTR: returned");
	is_int(sn.calls, 2, "callback returning -EINTR: no more calls");

	/* A message whose nlmsg_len is not a multiple of 4: the next one
	 * starts after the padding. */
	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 1, 1);
	nlb_last(&b)->nlmsg_len -= 3;     /* SHUTDOWN's padding */
	put_socks(&b, 1, 2);
	nlb_done(&b, 0);
	is_int(process(&b, b.len, &sn, &st), 0, "unaligned nlmsg_len: returns 0");
	ok(cookies_are(&sn, 2, 1) && st.malformed == 0,
	   "unaligned nlmsg_len: both delivered, nothing malformed");
	/* ... and as the very last bytes of the buffer, without padding. */
	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 1, 1);
	nlb_last(&b)->nlmsg_len -= 3;
	is_int(process(&b, b.len - 3, &sn, &st), 1, "unpadded last message: returns 1");
	ok(cookies_are(&sn, 1, 1) && st.malformed == 0,
	   "unpadded last message: delivered, nothing malformed");
}

int main(void)
{
	fill_info();
	test_full_ipv4();
	test_full_ipv6();
	test_minisocks();
	test_syn_recv();
	test_orphans();
	test_states_and_timers();
	test_info_lengths();
	test_other_attrs();
	test_short_payloads();
	test_bad_attrs();
	test_bad_header_fields();
	test_process();
	return done_testing();
}

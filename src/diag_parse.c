// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>

#include "diag_parse.h"

/* Minimum payload per attribute type we read; 0 = not read, any length. */
static const unsigned short attr_min[INET_DIAG_MAX + 1] = {
	[INET_DIAG_SHUTDOWN] = sizeof(uint8_t),
	[INET_DIAG_MARK] = sizeof(uint32_t),
};

static int parse_attr(const struct nlattr *a, struct tcp_sock *out)
{
	uint16_t type = mnl_attr_get_type(a);
	uint16_t len = mnl_attr_get_payload_len(a);

	if (type <= INET_DIAG_MAX && len < attr_min[type])
		return -EBADMSG;
	switch (type) {
	case INET_DIAG_SHUTDOWN:
		out->shutdown = mnl_attr_get_u8(a);
		out->has_shutdown = true;
		break;
	case INET_DIAG_INFO:
		/* The running kernel's struct may be longer than our headers'. */
		memcpy(&out->info, mnl_attr_get_payload(a),
		       len < sizeof(out->info) ? len : sizeof(out->info));
		out->info_len = len;
		out->has_info = true;
		break;
	default:
		break;
	}
	return 0;
}

/* Walk the attributes after the header; every byte must belong to one. */
static int parse_attrs(const struct nlmsghdr *nlh, struct tcp_sock *out)
{
	size_t off = MNL_ALIGN(sizeof(struct inet_diag_msg));
	const unsigned char *p = mnl_nlmsg_get_payload(nlh);
	size_t plen = mnl_nlmsg_get_payload_len(nlh), step;
	int ret;

	if (plen <= off)
		return 0;
	p += off;
	plen -= off;
	while (plen > 0) {
		const struct nlattr *a = (const void *)p;

		if (plen > INT32_MAX || !mnl_attr_ok(a, (int)plen))
			return -EBADMSG;
		ret = parse_attr(a, out);
		if (ret)
			return ret;
		step = (size_t)MNL_ALIGN(a->nla_len);
		if (step >= plen)
			break;
		plen -= step;
		p += step;
	}
	return 0;
}

static void classify(struct tcp_sock *s)
{
	if (s->state == TS_TIME_WAIT ||
	    (s->state == TS_FIN_WAIT2 && s->timer == ST_TIMEWAIT))
		s->kind = SK_TIMEWAIT;
	else if (s->state == TS_SYN_RECV && !s->has_shutdown && !s->has_info)
		/* A Fast Open child is a full socket and always has SHUTDOWN. */
		s->kind = SK_REQUEST;
	else
		s->kind = SK_FULL;
}

int diag_parse(const struct nlmsghdr *nlh, struct tcp_sock *out)
{
	const struct inet_diag_msg *m;
	int ret;

	if (nlh->nlmsg_len < sizeof(*nlh))
		return -EBADMSG;
	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return -EPROTO;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*m))
		return -EBADMSG;
	m = mnl_nlmsg_get_payload(nlh);
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return -EPROTO;
	/* The kernel reports requests as 3 and bound-only sockets as 7. */
	if (m->idiag_state < TS_FIRST || m->idiag_state > TS_LAST)
		return -EBADMSG;
	if (m->idiag_timer > ST_PERSIST)
		return -EBADMSG;

	memset(out, 0, sizeof(*out));
	out->family = m->idiag_family;
	out->state = m->idiag_state;
	out->timer = m->idiag_timer;
	out->retrans = m->idiag_retrans;
	out->sport = ntohs(m->id.idiag_sport);
	out->dport = ntohs(m->id.idiag_dport);
	memcpy(out->saddr, m->id.idiag_src, m->idiag_family == AF_INET ? 4 : 16);
	memcpy(out->daddr, m->id.idiag_dst, m->idiag_family == AF_INET ? 4 : 16);
	out->ifindex = m->id.idiag_if;
	out->cookie = (uint64_t)m->id.idiag_cookie[1] << 32 | m->id.idiag_cookie[0];
	out->expires_ms = m->idiag_expires;
	out->rqueue = m->idiag_rqueue;
	out->wqueue = m->idiag_wqueue;
	out->uid = m->idiag_uid;
	out->inode = m->idiag_inode;

	ret = parse_attrs(nlh, out);
	if (ret)
		return ret;
	classify(out);
	return 0;
}

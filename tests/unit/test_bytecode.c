// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter_bytecode(): every program passes a userspace copy of the kernel's
 * inet_diag_bc_audit() and, run by a userspace copy of inet_diag_bc_run() on
 * many constructed sockets, gives filter_match()'s answer. Then the same
 * programs go to the real kernel (as root, in a private network namespace
 * with loopback sockets of both families and v4-mapped ones): the kernel must
 * accept each program and return exactly the sockets filter_match() accepts.
 *
 * The copies follow net/ipv4/inet_diag.c (mainline 6.x) line by line: the
 * interpreter is inet_diag_bc_run() with bitstring_match(), the auditor is
 * inet_diag_bc_audit() with valid_cc(), valid_hostcond() and the other
 * valid_*() helpers. Known bad programs check that the auditor is not
 * vacuous, and the live part checks that the kernel agrees with it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/inet_diag.h>

#include "diag.h"
#include "diag_parse.h"
#include "filter.h"
#include "states.h"
#include "tap.h"
#include "util.h"

#ifndef SOCK_BINDPORT_LOCK
#define SOCK_BINDPORT_LOCK 8
#endif

/* ---- userspace copy of the kernel's interpreter and auditor -------------- */

/* inet_diag.c: struct inet_diag_entry */
struct vm_entry {
	const uint32_t *saddr;  /* __be32 words */
	const uint32_t *daddr;
	uint16_t sport;         /* host order (inet_num) */
	uint16_t dport;         /* host order (ntohs(inet_dport)) */
	uint16_t family;
	uint16_t userlocks;
	uint32_t ifindex;
	uint32_t mark;
	uint64_t cgroup_id;
};

/* inet_diag.c: bitstring_match */
static int vm_bitstring_match(const uint32_t *a1, const uint32_t *a2, int bits)
{
	int words = bits >> 5;

	bits &= 0x1f;
	if (words) {
		if (memcmp(a1, a2, (size_t)words << 2))
			return 0;
	}
	if (bits) {
		uint32_t w1, w2, mask;

		w1 = a1[words];
		w2 = a2[words];
		mask = htonl(0xffffffffu << (32 - bits));
		if ((w1 ^ w2) & mask)
			return 0;
	}
	return 1;
}

/* inet_diag.c: inet_diag_bc_run. @bc must have passed vm_audit(). */
static int vm_run(const void *bc_start, int len, const struct vm_entry *entry)
{
	const unsigned char *bc = bc_start;

	while (len > 0) {
		int yes = 1;
		const struct inet_diag_bc_op *op = (const void *)bc;

		switch (op->code) {
		case INET_DIAG_BC_NOP:
			break;
		case INET_DIAG_BC_JMP:
			yes = 0;
			break;
		case INET_DIAG_BC_S_EQ:
			yes = entry->sport == op[1].no;
			break;
		case INET_DIAG_BC_S_GE:
			yes = entry->sport >= op[1].no;
			break;
		case INET_DIAG_BC_S_LE:
			yes = entry->sport <= op[1].no;
			break;
		case INET_DIAG_BC_D_EQ:
			yes = entry->dport == op[1].no;
			break;
		case INET_DIAG_BC_D_GE:
			yes = entry->dport >= op[1].no;
			break;
		case INET_DIAG_BC_D_LE:
			yes = entry->dport <= op[1].no;
			break;
		case INET_DIAG_BC_AUTO:
			yes = !(entry->userlocks & SOCK_BINDPORT_LOCK);
			break;
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND: {
			const struct inet_diag_hostcond *cond;
			const uint32_t *addr;

			cond = (const struct inet_diag_hostcond *)(op + 1);
			if (cond->port != -1 &&
			    cond->port != (op->code == INET_DIAG_BC_S_COND ? entry->sport
									    : entry->dport)) {
				yes = 0;
				break;
			}
			if (op->code == INET_DIAG_BC_S_COND)
				addr = entry->saddr;
			else
				addr = entry->daddr;
			if (cond->family != AF_UNSPEC && cond->family != entry->family) {
				if (entry->family == AF_INET6 && cond->family == AF_INET) {
					if (addr[0] == 0 && addr[1] == 0 &&
					    addr[2] == htonl(0xffff) &&
					    vm_bitstring_match(addr + 3, cond->addr,
							       cond->prefix_len))
						break;
				}
				yes = 0;
				break;
			}
			if (cond->prefix_len == 0)
				break;
			if (vm_bitstring_match(addr, cond->addr, cond->prefix_len))
				break;
			yes = 0;
			break;
		}
		case INET_DIAG_BC_DEV_COND: {
			uint32_t ifindex;

			memcpy(&ifindex, op + 1, sizeof(ifindex));
			if (ifindex != entry->ifindex)
				yes = 0;
			break;
		}
		case INET_DIAG_BC_MARK_COND: {
			const struct inet_diag_markcond *cond = (const void *)(op + 1);

			if ((entry->mark & cond->mask) != cond->mark)
				yes = 0;
			break;
		}
		case INET_DIAG_BC_CGROUP_COND: {
			uint64_t cgroup_id;

			memcpy(&cgroup_id, op + 1, sizeof(cgroup_id));
			if (cgroup_id != entry->cgroup_id)
				yes = 0;
			break;
		}
		}
		if (yes) {
			len -= op->yes;
			bc += op->yes;
		} else {
			len -= op->no;
			bc += op->no;
		}
	}
	return len == 0;
}

/* inet_diag.c: valid_cc */
static int vm_valid_cc(const void *bc_start, int len, int cc)
{
	const unsigned char *bc = bc_start;

	while (len >= 0) {
		const struct inet_diag_bc_op *op = (const void *)bc;

		if (cc > len)
			return 0;
		if (cc == len)
			return 1;
		if (op->yes < 4 || op->yes & 3)
			return 0;
		len -= op->yes;
		bc += op->yes;
	}
	return 0;
}

static bool vm_valid_devcond(int len, int *min_len)
{
	*min_len += (int)sizeof(uint32_t);
	return len >= *min_len;
}

/* inet_diag.c: valid_hostcond */
static bool vm_valid_hostcond(const struct inet_diag_bc_op *op, int len, int *min_len)
{
	const struct inet_diag_hostcond *cond;
	int addr_len;

	*min_len += (int)sizeof(struct inet_diag_hostcond);
	if (len < *min_len)
		return false;
	cond = (const struct inet_diag_hostcond *)(op + 1);
	switch (cond->family) {
	case AF_UNSPEC:
		addr_len = 0;
		break;
	case AF_INET:
		addr_len = (int)sizeof(struct in_addr);
		break;
	case AF_INET6:
		addr_len = (int)sizeof(struct in6_addr);
		break;
	default:
		return false;
	}
	*min_len += addr_len;
	if (len < *min_len)
		return false;
	if (cond->prefix_len > 8 * addr_len)
		return false;
	return true;
}

static bool vm_valid_port_comparison(int len, int *min_len)
{
	*min_len += (int)sizeof(struct inet_diag_bc_op);
	return len >= *min_len;
}

static bool vm_valid_markcond(int len, int *min_len)
{
	*min_len += (int)sizeof(struct inet_diag_markcond);
	return len >= *min_len;
}

static bool vm_valid_cgroupcond(int len, int *min_len)
{
	*min_len += (int)sizeof(uint64_t);
	return len >= *min_len;
}

/*
 * inet_diag.c: inet_diag_bc_audit. 0, -EINVAL or -EPERM. One addition: a
 * tail shorter than an op is -EINVAL here instead of being read past (the
 * kernel reads inside the netlink attribute's padding; the result is the
 * same -EINVAL, since no op can fit).
 */
static int vm_audit(const void *bytecode, int bytecode_len, bool net_admin)
{
	const unsigned char *bc = bytecode;
	int len = bytecode_len;

	if (bytecode_len < (int)sizeof(struct inet_diag_bc_op))
		return -EINVAL;
	while (len > 0) {
		int min_len = (int)sizeof(struct inet_diag_bc_op);
		const struct inet_diag_bc_op *op = (const void *)bc;

		if (len < min_len)
			return -EINVAL;  /* the one addition */
		switch (op->code) {
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND:
			if (!vm_valid_hostcond(op, len, &min_len))
				return -EINVAL;
			break;
		case INET_DIAG_BC_DEV_COND:
			if (!vm_valid_devcond(len, &min_len))
				return -EINVAL;
			break;
		case INET_DIAG_BC_S_EQ:
		case INET_DIAG_BC_S_GE:
		case INET_DIAG_BC_S_LE:
		case INET_DIAG_BC_D_EQ:
		case INET_DIAG_BC_D_GE:
		case INET_DIAG_BC_D_LE:
			if (!vm_valid_port_comparison(len, &min_len))
				return -EINVAL;
			break;
		case INET_DIAG_BC_MARK_COND:
			if (!net_admin)
				return -EPERM;
			if (!vm_valid_markcond(len, &min_len))
				return -EINVAL;
			break;
		case INET_DIAG_BC_CGROUP_COND:
			if (!vm_valid_cgroupcond(len, &min_len))
				return -EINVAL;
			break;
		case INET_DIAG_BC_AUTO:
		case INET_DIAG_BC_JMP:
		case INET_DIAG_BC_NOP:
			break;
		default:
			return -EINVAL;
		}
		if (op->code != INET_DIAG_BC_NOP) {
			if (op->no < min_len || op->no > len + 4 || op->no & 3)
				return -EINVAL;
			if (op->no < len && !vm_valid_cc(bytecode, bytecode_len, len - op->no))
				return -EINVAL;
		}
		if (op->yes < min_len || op->yes > len + 4 || op->yes & 3)
			return -EINVAL;
		bc += op->yes;
		len -= op->yes;
	}
	return len == 0 ? 0 : -EINVAL;
}

/* The kernel's view of a parsed socket (inet_diag_bc_sk). */
struct vm_sock {
	uint32_t saddr[4], daddr[4];
	struct vm_entry e;
};

static void vm_sock_from(struct vm_sock *v, const struct tcp_sock *s)
{
	memset(v, 0, sizeof(*v));
	memcpy(v->saddr, s->saddr, 16);
	memcpy(v->daddr, s->daddr, 16);
	v->e.saddr = v->saddr;
	v->e.daddr = v->daddr;
	v->e.sport = s->sport;
	v->e.dport = s->dport;
	v->e.family = s->family;
}

/* ---- building programs and sockets by hand ----------------------------- */

struct prog {
	unsigned char b[FILTER_BYTECODE_MAX];
	int len;
};

static void put_op(struct prog *p, unsigned char code, unsigned char yes, unsigned short no)
{
	struct inet_diag_bc_op op = { .code = code, .yes = yes, .no = no };

	memcpy(p->b + p->len, &op, sizeof(op));
	p->len += (int)sizeof(op);
}

static void put_hostcond(struct prog *p, unsigned char family, unsigned char plen,
			 const char *addr)
{
	struct inet_diag_hostcond hc;
	int alen = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;

	memset(&hc, 0, sizeof(hc));   /* the padding too: programs are compared bytewise */
	hc.family = family;
	hc.prefix_len = plen;
	hc.port = -1;
	memcpy(p->b + p->len, &hc, sizeof(hc));
	p->len += (int)sizeof(hc);
	if (alen && inet_pton(family, addr, p->b + p->len) != 1)
		abort();
	p->len += alen;
}

static struct tcp_sock mk_sock(int family, const char *src, uint16_t sport, const char *dst,
			       uint16_t dport)
{
	struct tcp_sock s;

	memset(&s, 0, sizeof(s));
	s.family = (uint8_t)family;
	s.state = TS_ESTABLISHED;
	s.sport = sport;
	s.dport = dport;
	if (inet_pton(family, src, s.saddr) != 1 || inet_pton(family, dst, s.daddr) != 1)
		abort();
	return s;
}

/* ---- the auditor and interpreter themselves ------------------------------ */

static void test_vm_self(void)
{
	struct prog p;
	struct tcp_sock s = mk_sock(AF_INET, "10.0.0.1", 80, "10.0.0.2", 5000);
	struct vm_sock v;
	char name[128];
	size_t i;

	/* The reference's tested range program: local port in [80,80]. */
	p.len = 0;
	put_op(&p, INET_DIAG_BC_S_GE, 8, 20);
	put_op(&p, 0, 0, 80);
	put_op(&p, INET_DIAG_BC_S_LE, 8, 12);
	put_op(&p, 0, 0, 80);
	is_int(vm_audit(p.b, p.len, false), 0, "vm: the reference's range program passes the audit");
	vm_sock_from(&v, &s);
	ok(vm_run(p.b, p.len, &v.e), "vm: port 80 in [80,80]");
	s.sport = 81;
	vm_sock_from(&v, &s);
	ok(!vm_run(p.b, p.len, &v.e), "vm: port 81 not in [80,80]");
	s.sport = 79;
	vm_sock_from(&v, &s);
	ok(!vm_run(p.b, p.len, &v.e), "vm: port 79 not in [80,80]");

	/* The reference's tested hostcond: port 80 on any address. */
	p.len = 0;
	put_op(&p, INET_DIAG_BC_S_COND, 16, 20);
	{
		struct inet_diag_hostcond hc = { .family = AF_INET, .prefix_len = 0, .port = 80 };

		memset(p.b + p.len, 0, 12);
		memcpy(p.b + p.len, &hc, sizeof(hc));
		p.len += 12;
	}
	is_int(vm_audit(p.b, p.len, false), 0, "vm: S_COND with a port passes the audit");
	s.sport = 80;
	vm_sock_from(&v, &s);
	ok(vm_run(p.b, p.len, &v.e), "vm: S_COND port 80 matches port 80 on any address");
	s.sport = 81;
	vm_sock_from(&v, &s);
	ok(!vm_run(p.b, p.len, &v.e), "vm: S_COND port 80 does not match 81");

	/* Bad programs: each breaks one audit rule. */
	static const struct {
		const char *what;
		int want;
		struct inet_diag_bc_op ops[6];
		int nops;
	} bad[] = {
		{ "unknown op 14", -EINVAL, { { 14, 4, 8 } }, 1 },
		{ "yes 0", -EINVAL, { { INET_DIAG_BC_NOP, 0, 0 } }, 1 },
		{ "yes not a multiple of 4", -EINVAL, { { INET_DIAG_BC_JMP, 6, 8 } }, 1 },
		{ "yes past len+4", -EINVAL, { { INET_DIAG_BC_JMP, 12, 8 } }, 1 },
		{ "no past len+4", -EINVAL, { { INET_DIAG_BC_JMP, 4, 12 } }, 1 },
		{ "no not a multiple of 4", -EINVAL, { { INET_DIAG_BC_JMP, 4, 6 }, { 0, 4, 0 } }, 2 },
		{ "JMP with no 0", -EINVAL, { { INET_DIAG_BC_JMP, 4, 0 } }, 1 },
		{ "port test without its operand", -EINVAL, { { INET_DIAG_BC_S_GE, 8, 8 } }, 1 },
		{ "port test whose yes skips only the op", -EINVAL,
		  { { INET_DIAG_BC_S_GE, 4, 12 }, { 0, 0, 80 } }, 2 },
		{ "no lands inside an operand (valid_cc)", -EINVAL,
		  { { INET_DIAG_BC_JMP, 4, 8 }, { INET_DIAG_BC_S_GE, 8, 12 }, { 0, 0, 80 } }, 3 },
		{ "yes lands past the end", -EINVAL,
		  { { INET_DIAG_BC_NOP, 8, 0 } }, 1 },
		{ "mark cond without CAP_NET_ADMIN", -EPERM,
		  { { INET_DIAG_BC_MARK_COND, 12, 16 }, { 0, 0, 0 }, { 0, 0, 0 } }, 3 },
	};
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		p.len = 0;
		memcpy(p.b, bad[i].ops, sizeof(bad[i].ops[0]) * (size_t)bad[i].nops);
		p.len = (int)sizeof(bad[i].ops[0]) * bad[i].nops;
		snprintf(name, sizeof(name), "vm_audit rejects: %s", bad[i].what);
		is_int(vm_audit(p.b, p.len, false), bad[i].want, name);
	}
	/* Bad hostconds. */
	p.len = 0;
	put_op(&p, INET_DIAG_BC_S_COND, 16, 20);
	put_hostcond(&p, AF_INET, 33, "10.0.0.0");
	is_int(vm_audit(p.b, p.len, false), -EINVAL, "vm_audit rejects: IPv4 prefix 33");
	p.len = 0;
	put_op(&p, INET_DIAG_BC_S_COND, 28, 32);
	put_hostcond(&p, AF_INET6, 129, "::");
	is_int(vm_audit(p.b, p.len, false), -EINVAL, "vm_audit rejects: IPv6 prefix 129");
	p.len = 0;
	put_op(&p, INET_DIAG_BC_S_COND, 16, 20);
	put_hostcond(&p, AF_INET6, 0, "::");
	p.len = 16;   /* a v6 cond cut to 4 address bytes */
	is_int(vm_audit(p.b, p.len, false), -EINVAL, "vm_audit rejects: truncated v6 address");
	p.len = 0;
	put_op(&p, INET_DIAG_BC_S_COND, 16, 20);
	put_hostcond(&p, 7, 0, NULL);
	p.len = 16;
	is_int(vm_audit(p.b, p.len, false), -EINVAL, "vm_audit rejects: hostcond family 7");
	/* And a good one with AF_UNSPEC. */
	p.len = 0;
	put_op(&p, INET_DIAG_BC_S_COND, 12, 16);
	put_hostcond(&p, AF_UNSPEC, 0, NULL);
	is_int(vm_audit(p.b, p.len, false), 0, "vm_audit accepts: hostcond AF_UNSPEC, 0 bytes");
	/* A jump to an op boundary is fine; to the end and past the end too. */
	p.len = 0;
	put_op(&p, INET_DIAG_BC_JMP, 4, 12);
	put_op(&p, INET_DIAG_BC_S_GE, 8, 12);
	put_op(&p, 0, 0, 80);
	is_int(vm_audit(p.b, p.len, false), 0, "vm_audit accepts: JMP over a port test");
	is_int(vm_audit(p.b, 0, false), -EINVAL, "vm_audit rejects: empty program");
	/* Reject-all: one JMP past the end. */
	p.len = 0;
	put_op(&p, INET_DIAG_BC_JMP, 4, 8);
	is_int(vm_audit(p.b, p.len, false), 0, "vm_audit accepts: JMP to len+4");
	vm_sock_from(&v, &s);
	ok(!vm_run(p.b, p.len, &v.e), "vm: JMP to len+4 rejects");
}

/* ---- compiled programs: encodings --------------------------------------- */

static int compile(const struct filter *f, int family, struct prog *p)
{
	p->len = filter_bytecode(f, family, p->b, sizeof(p->b));
	return p->len;
}

static void test_encodings(void)
{
	struct filter f;
	struct prog got, want;
	char err[512];

	filter_init(&f);
	ok(!filter_has_bytecode(&f), "no filter: no bytecode");
	is_int(compile(&f, AF_INET, &got), 0, "no filter: filter_bytecode is 0");

	filter_add_ports(&f, true, "80", err, sizeof(err));
	ok(filter_has_bytecode(&f), "--sport 80: has bytecode");
	want.len = 0;
	put_op(&want, INET_DIAG_BC_S_GE, 8, 20);
	put_op(&want, 0, 0, 80);
	put_op(&want, INET_DIAG_BC_S_LE, 8, 12);
	put_op(&want, 0, 0, 80);
	is_int(compile(&f, AF_INET, &got), 16, "--sport 80: 16 bytes");
	is_mem(got.b, want.b, 16, "--sport 80: the reference's tested program, byte for byte");
	is_int(compile(&f, AF_INET6, &got), 16, "--sport 80, AF_INET6: the same 16 bytes");
	is_mem(got.b, want.b, 16, "--sport 80, AF_INET6: same program");

	/* Two ranges: item 1 fails to item 2, passes over it with a JMP. */
	filter_init(&f);
	filter_add_ports(&f, false, "80,8000-8080", err, sizeof(err));
	want.len = 0;
	put_op(&want, INET_DIAG_BC_D_GE, 8, 20);     /* 0: fail -> item 2 at 20 */
	put_op(&want, 0, 0, 80);
	put_op(&want, INET_DIAG_BC_D_LE, 8, 12);     /* 8: fail -> 20 */
	put_op(&want, 0, 0, 80);
	put_op(&want, INET_DIAG_BC_JMP, 4, 20);      /* 16: -> end at 36 */
	put_op(&want, INET_DIAG_BC_D_GE, 8, 20);     /* 20: fail -> 40 = len+4 */
	put_op(&want, 0, 0, 8000);
	put_op(&want, INET_DIAG_BC_D_LE, 8, 12);     /* 28: fail -> 40 */
	put_op(&want, 0, 0, 8080);
	is_int(compile(&f, AF_INET, &got), want.len, "--dport 80,8000-8080: 36 bytes");
	is_mem(got.b, want.b, (size_t)want.len, "--dport 80,8000-8080: the expected program");

	/* Open-ended ranges drop a test; 0-65535 drops the group. */
	filter_init(&f);
	filter_add_ports(&f, true, "0-1023", err, sizeof(err));
	want.len = 0;
	put_op(&want, INET_DIAG_BC_S_LE, 8, 12);
	put_op(&want, 0, 0, 1023);
	is_int(compile(&f, AF_INET, &got), 8, "--sport 0-1023: one S_LE");
	is_mem(got.b, want.b, 8, "--sport 0-1023: the expected program");
	filter_init(&f);
	filter_add_ports(&f, true, "1024-65535", err, sizeof(err));
	want.len = 0;
	put_op(&want, INET_DIAG_BC_S_GE, 8, 12);
	put_op(&want, 0, 0, 1024);
	is_int(compile(&f, AF_INET, &got), 8, "--sport 1024-65535: one S_GE");
	is_mem(got.b, want.b, 8, "--sport 1024-65535: the expected program");
	filter_init(&f);
	filter_add_ports(&f, true, "80,0-65535", err, sizeof(err));
	ok(filter_has_bytecode(&f), "--sport 80,0-65535: has a port filter");
	is_int(compile(&f, AF_INET, &got), 0, "--sport 80,0-65535: matches all, no program");

	/* A prefix: S_COND with port -1. */
	filter_init(&f);
	filter_add_prefix(&f, true, "10.0.0.0/8", err, sizeof(err));
	want.len = 0;
	put_op(&want, INET_DIAG_BC_S_COND, 16, 20);
	put_hostcond(&want, AF_INET, 8, "10.0.0.0");
	is_int(compile(&f, AF_INET, &got), 16, "--src 10.0.0.0/8: 16 bytes");
	is_mem(got.b, want.b, 16, "--src 10.0.0.0/8: S_COND {AF_INET, 8, -1, 10.0.0.0}");
	is_int(compile(&f, AF_INET6, &got), 16, "--src 10.0.0.0/8, AF_INET6 dump: kept (v4-mapped)");
	is_mem(got.b, want.b, 16, "--src 10.0.0.0/8, AF_INET6 dump: the same AF_INET cond");
	ok(filter_family_possible(&f, AF_INET) && filter_family_possible(&f, AF_INET6),
	   "--src 10.0.0.0/8: both dumps can match");

	filter_init(&f);
	filter_add_prefix(&f, false, "[2001:db8::]/32", err, sizeof(err));
	want.len = 0;
	put_op(&want, INET_DIAG_BC_D_COND, 28, 32);
	put_hostcond(&want, AF_INET6, 32, "2001:db8::");
	is_int(compile(&f, AF_INET6, &got), 28, "--dst 2001:db8::/32: 28 bytes");
	is_mem(got.b, want.b, 28, "--dst 2001:db8::/32: D_COND {AF_INET6, 32, -1, 2001:db8::}");
	/* An IPv6 prefix is left out of an AF_INET dump; nothing is left. */
	want.len = 0;
	put_op(&want, INET_DIAG_BC_JMP, 4, 8);
	is_int(compile(&f, AF_INET, &got), 4, "--dst 2001:db8::/32, AF_INET dump: 4 bytes");
	is_mem(got.b, want.b, 4, "--dst 2001:db8::/32, AF_INET dump: JMP past the end (reject all)");
	ok(!filter_family_possible(&f, AF_INET), "--dst 2001:db8::/32: AF_INET dump impossible");
	ok(filter_family_possible(&f, AF_INET6), "--dst 2001:db8::/32: AF_INET6 dump possible");
	f.families = FILTER_V4;
	ok(!filter_family_possible(&f, AF_INET6), "-4: AF_INET6 dump impossible");

	/* Mixed list on an AF_INET dump: only the v4 prefix. */
	filter_init(&f);
	filter_add_prefix(&f, true, "::1,127.0.0.1", err, sizeof(err));
	want.len = 0;
	put_op(&want, INET_DIAG_BC_S_COND, 16, 20);
	put_hostcond(&want, AF_INET, 32, "127.0.0.1");
	is_int(compile(&f, AF_INET, &got), 16, "--src ::1,127.0.0.1, AF_INET: the v4 cond only");
	is_mem(got.b, want.b, 16, "--src ::1,127.0.0.1, AF_INET: S_COND 127.0.0.1/32");
	is_int(compile(&f, AF_INET6, &got), 28 + 4 + 16, "--src ::1,127.0.0.1, AF_INET6: both");

	/* Buffer too small. */
	filter_init(&f);
	filter_add_ports(&f, true, "80", err, sizeof(err));
	is_int(filter_bytecode(&f, AF_INET, got.b, 15), -E2BIG, "15-byte buffer: -E2BIG");
	is_int(filter_bytecode(&f, AF_INET, got.b, 16), 16, "16-byte buffer: fits");
}

/* ---- compiled programs against the copies, on many sockets --------------- */

static const char *const v4_pool[] = {
	"127.0.0.1", "127.0.0.2", "127.0.0.3", "10.0.0.1", "10.0.0.128", "10.1.2.3",
	"192.168.1.1", "0.0.0.0", "255.255.255.255", "10.255.255.255", "11.0.0.0",
};
static const char *const v6_pool[] = {
	"::1", "::", "2001:db8::1", "2001:db8:0:1::1", "2001:db9::1", "fe80::1",
	"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:10.1.2.3", "::ffff:192.168.1.1",
	"::ffff:0.0.0.0", "::127.0.0.1", "64:ff9b::a00:1", "::fffe:a00:1", "::1:ffff:a00:1",
	"ffff::ffff:a00:1", "2001:db8::8000:0:0:1",
};
static const uint16_t port_pool[] = {
	0, 1, 79, 80, 81, 443, 1023, 1024, 8000, 8079, 8080, 8081, 47000, 47010, 65534, 65535,
};
static const unsigned int v4_lens[] = { 0, 1, 7, 8, 9, 16, 24, 25, 31, 32 };
static const unsigned int v6_lens[] = { 0, 1, 8, 16, 32, 33, 64, 95, 96, 97, 104, 120, 127, 128 };

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

#define NSOCKS 1200
static struct tcp_sock socks[NSOCKS];
static unsigned int nsocks;

static void add_sock(struct tcp_sock s)
{
	if (nsocks < NSOCKS)
		socks[nsocks++] = s;
}

static void make_socks(void)
{
	size_t i;

	/* Every address as source, with a random peer and ports. */
	for (i = 0; i < ARRAY_SIZE(v4_pool); i++)
		add_sock(mk_sock(AF_INET, v4_pool[i], port_pool[rnd(ARRAY_SIZE(port_pool))],
				 v4_pool[rnd(ARRAY_SIZE(v4_pool))],
				 port_pool[rnd(ARRAY_SIZE(port_pool))]));
	for (i = 0; i < ARRAY_SIZE(v6_pool); i++)
		add_sock(mk_sock(AF_INET6, v6_pool[i], port_pool[rnd(ARRAY_SIZE(port_pool))],
				 v6_pool[rnd(ARRAY_SIZE(v6_pool))],
				 port_pool[rnd(ARRAY_SIZE(port_pool))]));
	/* Every port as sport and as dport. */
	for (i = 0; i < ARRAY_SIZE(port_pool); i++) {
		add_sock(mk_sock(AF_INET, "10.0.0.1", port_pool[i], "10.0.0.2",
				 port_pool[rnd(ARRAY_SIZE(port_pool))]));
		add_sock(mk_sock(AF_INET6, "::1", port_pool[rnd(ARRAY_SIZE(port_pool))], "::1",
				 port_pool[i]));
	}
	/* Random ones, and random bits of random addresses. */
	while (nsocks < NSOCKS) {
		struct tcp_sock s;

		if (rnd(2))
			s = mk_sock(AF_INET, v4_pool[rnd(ARRAY_SIZE(v4_pool))], 0,
				    v4_pool[rnd(ARRAY_SIZE(v4_pool))], 0);
		else
			s = mk_sock(AF_INET6, v6_pool[rnd(ARRAY_SIZE(v6_pool))], 0,
				    v6_pool[rnd(ARRAY_SIZE(v6_pool))], 0);
		s.sport = rnd(4) ? port_pool[rnd(ARRAY_SIZE(port_pool))] : (uint16_t)rnd(65536);
		s.dport = rnd(4) ? port_pool[rnd(ARRAY_SIZE(port_pool))] : (uint16_t)rnd(65536);
		if (!rnd(3)) {
			/* flip one bit of an address */
			unsigned int bits = s.family == AF_INET ? 32 : 128, b = rnd(bits);

			if (rnd(2))
				s.saddr[b / 8] ^= (uint8_t)(0x80u >> (b % 8));
			else
				s.daddr[b / 8] ^= (uint8_t)(0x80u >> (b % 8));
		}
		add_sock(s);
	}
}

/*
 * Compile @f for both families, audit both programs, and compare the
 * interpreter with filter_match() on every socket. One TAP line per check.
 */
static void check_filter(const struct filter *f, const char *label)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	struct prog p[2];
	char name[512];
	unsigned int i, agree = 0, hits = 0, first_bad = NSOCKS;
	int audit[2] = { 0, 0 };
	size_t k;

	for (k = 0; k < 2; k++) {
		compile(f, fams[k], &p[k]);
		if (p[k].len > 0)
			audit[k] = vm_audit(p[k].b, p[k].len, false);
		else if (p[k].len < 0)
			audit[k] = p[k].len;
	}
	snprintf(name, sizeof(name), "%s: programs pass the audit (v4 %d bytes, v6 %d bytes)",
		 label, p[0].len, p[1].len);
	if (!ok(audit[0] == 0 && audit[1] == 0, name)) {
		tap_diag("audit: v4 %d, v6 %d", audit[0], audit[1]);
		return;
	}
	for (i = 0; i < nsocks; i++) {
		const struct tcp_sock *s = &socks[i];
		const struct prog *pp = &p[s->family == AF_INET6];
		struct vm_sock v;
		bool kern, user;

		vm_sock_from(&v, s);
		kern = pp->len == 0 || vm_run(pp->b, pp->len, &v.e);
		user = filter_match(f, s);
		hits += user;
		if (kern == user)
			agree++;
		else if (first_bad == NSOCKS)
			first_bad = i;
	}
	snprintf(name, sizeof(name), "%s: bytecode and filter_match agree on %u sockets (%u match)",
		 label, nsocks, hits);
	if (!ok(agree == nsocks, name)) {
		const struct tcp_sock *s = &socks[first_bad];
		char a[UTIL_ADDRSTRLEN], b[UTIL_ADDRSTRLEN];

		tap_diag("%u disagree; first: %s -> %s, filter_match %d", nsocks - agree,
			 util_addr_str(s->family, s->saddr, s->sport, a),
			 util_addr_str(s->family, s->daddr, s->dport, b), filter_match(f, s));
	}
}

struct named {
	const char *label;
	const char *sport, *dport, *src, *dst;
};

static const struct named named[] = {
	{ "--sport 80", "80", NULL, NULL, NULL },
	{ "--sport 8000-8080", "8000-8080", NULL, NULL, NULL },
	{ "--sport 80,443,8000-8080", "80,443,8000-8080", NULL, NULL, NULL },
	{ "--sport 0", "0", NULL, NULL, NULL },
	{ "--sport 65535", "65535", NULL, NULL, NULL },
	{ "--sport 0-0,65535-65535", "0-0,65535-65535", NULL, NULL, NULL },
	{ "--sport 1-65534", "1-65534", NULL, NULL, NULL },
	{ "--dport 47000-47010", NULL, "47000-47010", NULL, NULL },
	{ "--sport 80 --dport 1024-65535", "80", "1024-65535", NULL, NULL },
	{ "--sport 0-65535 --dport 80", "0-65535", "80", NULL, NULL },
	{ "--src 10.0.0.1", NULL, NULL, "10.0.0.1", NULL },
	{ "--src 10.0.0.0/8", NULL, NULL, "10.0.0.0/8", NULL },
	{ "--src 10.0.0.0/24", NULL, NULL, "10.0.0.0/24", NULL },
	{ "--src 10.0.0.0/25", NULL, NULL, "10.0.0.0/25", NULL },
	{ "--src 0.0.0.0/0", NULL, NULL, "0.0.0.0/0", NULL },
	{ "--src ::/0", NULL, NULL, "::/0", NULL },
	{ "--src 0.0.0.0/0,::/0", NULL, NULL, "0.0.0.0/0,::/0", NULL },
	{ "--src ::1", NULL, NULL, "::1", NULL },
	{ "--src [::1]", NULL, NULL, "[::1]", NULL },
	{ "--src 2001:db8::/32", NULL, NULL, "2001:db8::/32", NULL },
	{ "--src 2001:db8::/64", NULL, NULL, "2001:db8::/64", NULL },
	{ "--src ::ffff:0:0/96", NULL, NULL, "::ffff:0:0/96", NULL },
	{ "--src ::ffff:10.0.0.0/104", NULL, NULL, "::ffff:10.0.0.0/104", NULL },
	{ "--dst 127.0.0.0/8", NULL, NULL, NULL, "127.0.0.0/8" },
	{ "--dst [::1]", NULL, NULL, NULL, "[::1]" },
	{ "--dst 10.0.0.0/8,2001:db8::/32", NULL, NULL, NULL, "10.0.0.0/8,2001:db8::/32" },
	{ "--src 10.0.0.0/8 --dst 10.0.0.0/8", NULL, NULL, "10.0.0.0/8", "10.0.0.0/8" },
	{ "--src ::1 --dst 127.0.0.1 (v4 dump impossible)", NULL, NULL, "::1", "127.0.0.1" },
	{ "all four", "80,443,47000-47010", "0-1023,8080", "10.0.0.0/8,::1,fe80::/10",
	  "0.0.0.0/1,2001:db8::/32" },
};

static void fill(struct filter *f, const struct named *n)
{
	char err[512];
	int r = 0;

	filter_init(f);
	if (n->sport)
		r |= filter_add_ports(f, true, n->sport, err, sizeof(err));
	if (n->dport)
		r |= filter_add_ports(f, false, n->dport, err, sizeof(err));
	if (n->src)
		r |= filter_add_prefix(f, true, n->src, err, sizeof(err));
	if (n->dst)
		r |= filter_add_prefix(f, false, n->dst, err, sizeof(err));
	if (r) {
		tap_diag("bad test filter %s: %s", n->label, err);
		abort();
	}
}

/* A random filter: 0..4 values per option, ports and prefixes near the pools. */
static void random_filter(struct filter *f, char *label, size_t len)
{
	unsigned int i, n;
	int off;

	filter_init(f);
	off = snprintf(label, len, "random");
	n = rnd(5);
	for (i = 0; i < n; i++) {
		bool local = rnd(2);
		struct filter_ports *p = local ? &f->sport[f->nsport++] : &f->dport[f->ndport++];
		uint16_t a = rnd(3) ? port_pool[rnd(ARRAY_SIZE(port_pool))] : (uint16_t)rnd(65536);
		uint16_t b = rnd(2) ? a : port_pool[rnd(ARRAY_SIZE(port_pool))];

		p->lo = a < b ? a : b;
		p->hi = a < b ? b : a;
		off += snprintf(label + off, len - (size_t)off, " %s %u-%u",
				local ? "--sport" : "--dport", p->lo,
				p->hi);
	}
	n = rnd(5);
	for (i = 0; i < n; i++) {
		bool local = rnd(2);
		struct filter_prefix *p = local ? &f->src[f->nsrc++] : &f->dst[f->ndst++];
		char txt[INET6_ADDRSTRLEN + 8], err[256];
		struct filter tmp;

		if (rnd(2))
			snprintf(txt, sizeof(txt), "%s/%u", v4_pool[rnd(ARRAY_SIZE(v4_pool))],
				 v4_lens[rnd(ARRAY_SIZE(v4_lens))]);
		else
			snprintf(txt, sizeof(txt), "%s/%u", v6_pool[rnd(ARRAY_SIZE(v6_pool))],
				 v6_lens[rnd(ARRAY_SIZE(v6_lens))]);
		filter_init(&tmp);
		if (filter_add_prefix(&tmp, true, txt, err, sizeof(err)))
			abort();
		*p = tmp.src[0];
		off += snprintf(label + off, len - (size_t)off, " %s %s", local ? "--src" : "--dst",
				txt);
	}
}

static void test_against_vm(void)
{
	struct filter f;
	char label[1024], err[64];
	size_t i;
	unsigned int r, worst = 0;

	make_socks();
	for (i = 0; i < ARRAY_SIZE(named); i++) {
		fill(&f, &named[i]);
		check_filter(&f, named[i].label);
	}
	for (r = 0; r < 300; r++) {
		random_filter(&f, label, sizeof(label));
		check_filter(&f, label);
	}

	/* The longest program: FILTER_MAX values everywhere, IPv6 prefixes. */
	filter_init(&f);
	for (i = 0; i < FILTER_MAX; i++) {
		char w[64];

		snprintf(w, sizeof(w), "%zu-%zu", 1000 + 10 * i, 1005 + 10 * i);
		filter_add_ports(&f, true, w, err, sizeof(err));
		filter_add_ports(&f, false, w, err, sizeof(err));
		snprintf(w, sizeof(w), "2001:db8:%zx::/48", i);
		filter_add_prefix(&f, true, w, err, sizeof(err));
		snprintf(w, sizeof(w), "fe80::%zx/127", i);
		filter_add_prefix(&f, false, w, err, sizeof(err));
	}
	{
		struct prog p;

		worst = (unsigned int)compile(&f, AF_INET6, &p);
		ok(worst > 1500 && worst <= FILTER_BYTECODE_MAX,
		   "FILTER_MAX values in all four options: fits FILTER_BYTECODE_MAX");
		tap_diag("longest program: %u bytes (FILTER_BYTECODE_MAX %d)", worst,
			 FILTER_BYTECODE_MAX);
		is_int(vm_audit(p.b, p.len, false), 0, "the longest program passes the audit");
	}
	check_filter(&f, "FILTER_MAX values in all four options");
}

/* ---- live: the real kernel in a private network namespace ---------------- */

/*
 * The child reports through a pipe, one line per result:
 *   "P name" ok, "F name" not ok, "# text" diagnostic, "S why" skip.
 * The parent turns them into TAP lines.
 */
static FILE *live_out;

static void live_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void live_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	fputs(cond ? "P " : "F ", live_out);
	va_start(ap, fmt);
	vfprintf(live_out, fmt, ap);
	va_end(ap);
	fputc('\n', live_out);
	fflush(live_out);
}

static void live_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void live_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", live_out);
	va_start(ap, fmt);
	vfprintf(live_out, fmt, ap);
	va_end(ap);
	fputc('\n', live_out);
	fflush(live_out);
}

static int lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = -1;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return r;
}

static int live_fds[64];
static unsigned int live_nfds;

static void keep(int fd)
{
	if (live_nfds < ARRAY_SIZE(live_fds))
		live_fds[live_nfds++] = fd;
}

/* Any address text; AF_INET6 for "::..." (also v4-mapped). */
static socklen_t sockaddr_of(const char *addr, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(addr, ':')) {
		struct sockaddr_in6 *s6 = (void *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
			abort();
		return sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (void *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
			abort();
		return sizeof(*s4);
	}
}

static int live_socket(int family, const char *addr, uint16_t port, int v6only)
{
	struct sockaddr_storage ss;
	socklen_t sl = sockaddr_of(addr, port, &ss);
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6 && v6only >= 0)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		live_diag("bind %s:%u: %s", addr, port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int live_listen(int family, const char *addr, uint16_t port, int v6only)
{
	int fd = live_socket(family, addr, port, v6only);

	if (fd < 0 || listen(fd, 16) < 0)
		return -1;
	keep(fd);
	return 0;
}

/* Connect from @src:@sport to @dst:@dport (blocking, loopback), then accept
 * on @lfd_idx's listener so both ends are full ESTABLISHED sockets. */
static int live_connect(int family, const char *src, uint16_t sport, const char *dst,
			uint16_t dport, int lfd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sockaddr_of(dst, dport, &ss);
	int fd = live_socket(family, src, sport, family == AF_INET6 ? 0 : -1), afd;

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		live_diag("connect %s:%u -> %s:%u: %s", src, sport, dst, dport, strerror(errno));
		close(fd);
		return -1;
	}
	keep(fd);
	afd = accept(lfd, NULL, NULL);
	if (afd < 0)
		return -1;
	keep(afd);
	return 0;
}

/* Sockets returned by one dump, by cookie. */
struct live_set {
	uint64_t cookie[64];
	struct tcp_sock sock[64];
	unsigned int n;
	unsigned int bad;
};

static int live_cb(const struct nlmsghdr *nlh, void *data)
{
	struct live_set *set = data;
	struct tcp_sock s;

	if (diag_parse(nlh, &s) < 0 || set->n >= ARRAY_SIZE(set->cookie)) {
		set->bad++;
		return 0;
	}
	set->sock[set->n] = s;
	set->cookie[set->n++] = s.cookie;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int live_dump(struct diag *d, int family, const void *bc, size_t bclen,
		     struct live_set *set)
{
	struct diag_request req = {
		.family = (uint8_t)family,
		.states = STATES_DEFAULT_MASK,
		.bytecode = bc,
		.bytecode_len = bclen,
	};
	struct diag_stats st;
	int r;

	memset(set, 0, sizeof(*set));
	memset(&st, 0, sizeof(st));
	r = diag_dump(d, &req, live_cb, set, &st);
	qsort(set->cookie, set->n, sizeof(set->cookie[0]), cmp_u64);
	return r;
}

/* The whole dump of each family, without bytecode. */
static struct live_set live_all[2];

/*
 * Compile @f for both families, send each program, compare with
 * filter_match() on the unfiltered dump. @want4/@want6: the expected counts,
 * or -1 to check agreement only.
 */
static void live_check(struct diag *d, const struct filter *f, const char *label, int want4,
		       int want6)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	const int want[2] = { want4, want6 };
	size_t k;

	for (k = 0; k < 2; k++) {
		unsigned char bc[FILTER_BYTECODE_MAX];
		struct live_set got, exp;
		int len = filter_bytecode(f, fams[k], bc, sizeof(bc)), r;
		unsigned int i;
		const char *fam = k ? "AF_INET6" : "AF_INET";

		if (len < 0) {
			live_ok(false, "%s, %s: filter_bytecode %d", label, fam, len);
			continue;
		}
		r = live_dump(d, fams[k], len ? bc : NULL, (size_t)len, &got);
		if (len > 0 && vm_audit(bc, len, true) != 0)
			live_diag("%s, %s: vm_audit rejects the program", label, fam);
		live_ok(r == 0 && !got.bad, "%s, %s: the kernel accepts the %d-byte program", label,
			fam, len);
		if (r)
			live_diag("diag_dump: %s", strerror(-r));
		memset(&exp, 0, sizeof(exp));
		for (i = 0; i < live_all[k].n; i++)
			if (filter_match(f, &live_all[k].sock[i]))
				exp.cookie[exp.n++] = live_all[k].sock[i].cookie;
		qsort(exp.cookie, exp.n, sizeof(exp.cookie[0]), cmp_u64);
		live_ok(got.n == exp.n && !memcmp(got.cookie, exp.cookie, got.n * sizeof(uint64_t)),
			"%s, %s: the kernel returns what filter_match accepts (%u sockets)", label,
			fam, exp.n);
		if (got.n != exp.n)
			live_diag("kernel %u sockets, filter_match %u", got.n, exp.n);
		if (want[k] >= 0) {
			live_ok(got.n == (unsigned int)want[k], "%s, %s: %d sockets as planned",
				label, fam, want[k]);
			if (got.n != (unsigned int)want[k])
				live_diag("got %u", got.n);
		}
	}
}

static const struct {
	struct named f;
	int want4, want6;
} live_named[] = {
	{ { "--sport 47000", "47000", NULL, NULL, NULL }, 3, 0 },
	{ { "--sport 47000-47002", "47000-47002", NULL, NULL, NULL }, 7, 0 },
	{ { "--sport 47000,47010-47011", "47000,47010-47011", NULL, NULL, NULL }, 3, 5 },
	{ { "--dport 47000", NULL, "47000", NULL, NULL }, 1, 1 },
	{ { "--dport 0 (listeners)", NULL, "0", NULL, NULL }, 3, 2 },
	{ { "--dport 65535", NULL, "65535", NULL, NULL }, 0, 0 },
	{ { "--sport 47100-47199 --dport 47000-47099", "47100-47199", "47000-47099", NULL, NULL },
	  4, 3 },
	{ { "--sport 47000 --dport 47100", "47000", "47100", NULL, NULL }, 1, 0 },
	{ { "--src 127.0.0.1 (/32)", NULL, NULL, "127.0.0.1", NULL }, 5, 1 },
	{ { "--src 127.0.0.2/31", NULL, NULL, "127.0.0.2/31", NULL }, 3, 0 },
	{ { "--src 127.0.0.0/24", NULL, NULL, "127.0.0.0/24", NULL }, 9, 2 },
	{ { "--src 127.0.0.0/8", NULL, NULL, "127.0.0.0/8", NULL }, 10, 2 },
	{ { "--src 0.0.0.0/0", NULL, NULL, "0.0.0.0/0", NULL }, 11, 2 },
	{ { "--src ::1 (v6 prefix, v4 dump)", NULL, NULL, "::1", NULL }, 0, 5 },
	{ { "--src [::1]/128", NULL, NULL, "[::1]/128", NULL }, 0, 5 },
	{ { "--src ::/0", NULL, NULL, "::/0", NULL }, 0, 8 },
	{ { "--src ::/64", NULL, NULL, "::/64", NULL }, 0, 8 },
	{ { "--src ::ffff:0:0/96", NULL, NULL, "::ffff:0:0/96", NULL }, 0, 2 },
	{ { "--src 127.0.0.1,::1", NULL, NULL, "127.0.0.1,::1", NULL }, 5, 6 },
	{ { "--dst 127.0.0.1", NULL, NULL, NULL, "127.0.0.1" }, 4, 1 },
	{ { "--dst [::1]", NULL, NULL, NULL, "[::1]" }, 0, 4 },
	{ { "--dst 0.0.0.0/32 (v4 listeners)", NULL, NULL, NULL, "0.0.0.0/32" }, 3, 0 },
	{ { "--sport 47000-47099 --src 127.0.0.0/8 --dst 127.0.0.0/8", "47000-47099", NULL,
	    "127.0.0.0/8", "127.0.0.0/8" }, 4, 1 },
	{ { "--sport 0-65535 --src 127.0.0.1", "0-65535", NULL, "127.0.0.1", NULL }, 5, 1 },
};

/* Hand-made programs: the kernel and vm_audit() must agree on them. */
static void live_audit_agreement(struct diag *d)
{
	struct prog p[8];
	const char *what[8];
	unsigned int n = 0, i;
	struct live_set set;

	p[n].len = 0;
	what[n] = "JMP to len+4 (reject all)";
	put_op(&p[n++], INET_DIAG_BC_JMP, 4, 8);
	p[n].len = 0;
	what[n] = "no inside an operand";
	put_op(&p[n], INET_DIAG_BC_JMP, 4, 8);
	put_op(&p[n], INET_DIAG_BC_S_GE, 8, 12);
	put_op(&p[n++], 0, 0, 80);
	p[n].len = 0;
	what[n] = "no past len+4";
	put_op(&p[n++], INET_DIAG_BC_JMP, 4, 12);
	p[n].len = 0;
	what[n] = "IPv4 prefix 33";
	put_op(&p[n], INET_DIAG_BC_S_COND, 16, 20);
	put_hostcond(&p[n++], AF_INET, 33, "10.0.0.0");
	p[n].len = 0;
	what[n] = "port test yes=4";
	put_op(&p[n], INET_DIAG_BC_S_GE, 4, 12);
	put_op(&p[n++], 0, 0, 80);
	p[n].len = 0;
	what[n] = "NOP with no 0";
	put_op(&p[n++], INET_DIAG_BC_NOP, 4, 0);
	for (i = 0; i < n; i++) {
		int vm = vm_audit(p[i].b, p[i].len, true);
		int k = live_dump(d, AF_INET, p[i].b, (size_t)p[i].len, &set);

		live_ok(vm == k, "hand-made program (%s): kernel %d, vm_audit %d", what[i], k, vm);
	}
}

static void live_child(void)
{
	struct diag *d = NULL;
	unsigned int i;
	int r, l1, l2, l3, l4, l5;

	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(live_out, "S unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return;
	}
	if (lo_up() < 0) {
		live_ok(false, "bring lo up: %s", strerror(errno));
		return;
	}
	/* Listeners: v4 on two addresses and the wildcard, v6 only, dual stack. */
	r = 0;
	r |= live_listen(AF_INET, "127.0.0.1", 47000, -1);
	l1 = live_fds[live_nfds - 1];
	r |= live_listen(AF_INET, "127.0.0.2", 47001, -1);
	l2 = live_fds[live_nfds - 1];
	r |= live_listen(AF_INET, "0.0.0.0", 47002, -1);
	l3 = live_fds[live_nfds - 1];
	r |= live_listen(AF_INET6, "::1", 47010, 1);
	l4 = live_fds[live_nfds - 1];
	r |= live_listen(AF_INET6, "::", 47011, 0);
	l5 = live_fds[live_nfds - 1];
	/* Connections, each with a fixed local address and port. */
	r |= live_connect(AF_INET, "127.0.0.1", 47100, "127.0.0.1", 47000, l1);
	r |= live_connect(AF_INET, "127.0.0.3", 47101, "127.0.0.2", 47001, l2);
	r |= live_connect(AF_INET, "127.1.2.3", 47102, "127.0.0.1", 47002, l3);
	r |= live_connect(AF_INET6, "::1", 47110, "::1", 47010, l4);
	/* a v4 client of the dual-stack listener: its server end is v4-mapped */
	r |= live_connect(AF_INET, "127.0.0.5", 47111, "127.0.0.1", 47011, l5);
	/* an AF_INET6 client of a v4 listener: v4-mapped on the client end */
	r |= live_connect(AF_INET6, "::ffff:127.0.0.6", 47112, "::ffff:127.0.0.1", 47000, l1);
	r |= live_connect(AF_INET6, "::1", 47113, "::1", 47011, l5);
	live_ok(r == 0, "live: 5 listeners and 7 connections on loopback");
	if (r)
		return;
	r = diag_open(&d);
	live_ok(r == 0, "live: diag_open");
	if (r)
		return;
	r = live_dump(d, AF_INET, NULL, 0, &live_all[0]);
	r |= live_dump(d, AF_INET6, NULL, 0, &live_all[1]);
	live_ok(r == 0 && live_all[0].n == 11 && live_all[1].n == 8,
		"live: unfiltered dumps: 11 AF_INET sockets, 8 AF_INET6 (got %u, %u)",
		live_all[0].n, live_all[1].n);
	{
		unsigned int mapped = 0;

		for (i = 0; i < live_all[1].n; i++)
			mapped += live_all[1].sock[i].saddr[10] == 0xff;
		live_ok(mapped == 2, "live: two AF_INET6 sockets are v4-mapped (got %u)", mapped);
	}

	live_audit_agreement(d);

	for (i = 0; i < ARRAY_SIZE(live_named); i++) {
		struct filter f;

		fill(&f, &live_named[i].f);
		live_check(d, &f, live_named[i].f.label, live_named[i].want4,
			   live_named[i].want6);
	}
	/* Random filters built from what the sockets hold. */
	{
		static const uint16_t ports[] = { 0, 1, 47000, 47001, 47002, 47010, 47011,
						  47100, 47101, 47102, 47110, 47111, 47112,
						  47113, 65535 };
		static const char *const v4[] = { "127.0.0.1", "127.0.0.2", "127.0.0.3",
						  "127.0.0.5", "127.0.0.6", "127.1.2.3",
						  "0.0.0.0", "10.0.0.1" };
		static const char *const v6[] = { "::1", "::", "::ffff:127.0.0.1",
						  "::ffff:127.0.0.6", "2001:db8::1" };
		static const unsigned int l4s[] = { 0, 8, 16, 24, 30, 31, 32 };
		static const unsigned int l6s[] = { 0, 8, 64, 96, 104, 120, 127, 128 };
		unsigned int agree = 0, total = 0, accepted = 0, rr;

		for (rr = 0; rr < 150; rr++) {
			struct filter f;
			char err[256], w[80];
			unsigned int j, n;
			size_t k;

			filter_init(&f);
			n = rnd(4);
			for (j = 0; j < n; j++) {
				uint16_t a = ports[rnd(ARRAY_SIZE(ports))], b;

				b = rnd(2) ? a : ports[rnd(ARRAY_SIZE(ports))];
				snprintf(w, sizeof(w), "%u-%u", a < b ? a : b, a < b ? b : a);
				filter_add_ports(&f, rnd(2), w, err, sizeof(err));
			}
			n = rnd(4);
			for (j = 0; j < n; j++) {
				if (rnd(2))
					snprintf(w, sizeof(w), "%s/%u", v4[rnd(ARRAY_SIZE(v4))],
						 l4s[rnd(ARRAY_SIZE(l4s))]);
				else
					snprintf(w, sizeof(w), "%s/%u", v6[rnd(ARRAY_SIZE(v6))],
						 l6s[rnd(ARRAY_SIZE(l6s))]);
				filter_add_prefix(&f, rnd(2), w, err, sizeof(err));
			}
			for (k = 0; k < 2; k++) {
				static const int fams[] = { AF_INET, AF_INET6 };
				unsigned char bc[FILTER_BYTECODE_MAX];
				struct live_set got;
				unsigned int m = 0, e;
				int len = filter_bytecode(&f, fams[k], bc, sizeof(bc));

				total++;
				if (len < 0 || live_dump(d, fams[k], len ? bc : NULL,
							 (size_t)len, &got))
					continue;
				accepted++;
				for (e = 0; e < live_all[k].n; e++) {
					bool want = filter_match(&f, &live_all[k].sock[e]);

					m += want;
					if (want != (bsearch(&live_all[k].sock[e].cookie,
							     got.cookie, got.n, sizeof(uint64_t),
							     cmp_u64) != NULL))
						break;
				}
				if (e == live_all[k].n && m == got.n)
					agree++;
				else
					live_diag("random filter %u, family %d: disagree", rr,
						  fams[k]);
			}
		}
		live_ok(accepted == total, "live: 150 random filters: the kernel accepts all %u "
			"programs (%u)", total, accepted);
		live_ok(agree == total, "live: 150 random filters: the kernel and filter_match "
			"agree on %u of %u dumps", agree, total);
	}
	diag_close(d);
}

static void test_live(void)
{
	int pfd[2], status;
	char line[1024];
	pid_t pid;
	FILE *in;
	unsigned int results = 0;

	if (geteuid() != 0) {
		skip("live bytecode test: needs root (unshare CLONE_NEWNET)");
		return;
	}
	if (pipe(pfd) < 0) {
		ok(0, "pipe");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		ok(0, "fork");
		return;
	}
	if (pid == 0) {
		close(pfd[0]);
		live_out = fdopen(pfd[1], "w");
		if (!live_out)
			_exit(1);
		live_child();
		fclose(live_out);
		_exit(0);
	}
	close(pfd[1]);
	in = fdopen(pfd[0], "r");
	while (in && fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#')
			tap_diag("%s", line + 2);
		else if (line[0] == 'S')
			skip(line + 2), results++;
		else
			ok(line[0] == 'P', line + 2), results++;
	}
	if (in)
		fclose(in);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 && results > 0,
	   "live: the namespace child finished cleanly");
}

int main(void)
{
	test_vm_self();
	test_encodings();
	test_against_vm();
	test_live();
	return done_testing();
}

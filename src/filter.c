// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parsers for --sport/--dport/--src/--dst/--pid/--comm/--uid, the inet_diag
 * bytecode compiler and the userspace matcher that must agree with it.
 *
 * Bytecode shape (see inet_diag.c: inet_diag_bc_run, inet_diag_bc_audit):
 * every test falls through on true (yes = its own size) and jumps on false,
 * so the chain of "yes" steps visits every op and any jump to an op start
 * passes the audit's valid_cc(). One program is an AND of OR groups:
 *
 *   group := item (JMP to group end, item)*
 *   item  := test+        a port range is S_GE lo, S_LE hi; a prefix one COND
 *
 * A failing test jumps to the next item of its group, or, in the last item,
 * to len + 4, which rejects the socket. A passing item takes its JMP to the
 * end of the group, i.e. the next group or the end of the program (accept).
 */
#include <errno.h>
#include <arpa/inet.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "filter.h"
#include "states.h"
#include "util.h"

#define BUCKET (STATE_BIT(TS_SYN_RECV) | STATE_BIT(TS_TIME_WAIT))
#define CONNECTED (STATES_DEFAULT_MASK & ~(STATE_BIT(TS_LISTEN) | STATE_BIT(TS_CLOSE)))

/* ss's state groups (ss(8), "STATE-FILTER"). */
static const struct {
	const char *name;
	uint32_t mask;
} groups[] = {
	{ "all", STATES_ALL_MASK },
	{ "connected", CONNECTED },
	{ "synchronized", CONNECTED & ~STATE_BIT(TS_SYN_SENT) },
	{ "bucket", BUCKET },
	{ "big", STATES_ALL_MASK & ~BUCKET },
};

const char filter_state_words[] =
	"established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait, close, "
	"close-wait, last-ack, listen, closing, or all, connected, synchronized, bucket, big";

void filter_init(struct filter *f)
{
	memset(f, 0, sizeof(*f));
	f->families = FILTER_V4 | FILTER_V6;
}

static uint32_t word_mask(const char *w)
{
	unsigned int s, i;

	for (i = 0; i < ARRAY_SIZE(groups); i++)
		if (!strcasecmp(w, groups[i].name))
			return groups[i].mask;
	s = states_lookup(w);
	if (s == TS_CLOSE)
		return STATE_BIT(TS_CLOSE) | STATE_BIT(TS_BOUND_INACTIVE);
	return s ? STATE_BIT(s) : 0;
}

int filter_add_states(struct filter *f, const char *list, char *err, size_t errlen)
{
	char *copy = xstrdup(list), *save = NULL, *w;
	uint32_t mask = 0, m;
	int ret = 0;

	for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		m = word_mask(w);
		if (!m) {
			snprintf(err, errlen, "unknown state '%s' in --state; accepted: %s", w,
				 filter_state_words);
			ret = -EINVAL;
			goto out;
		}
		mask |= m;
	}
	if (!mask) {
		snprintf(err, errlen, "--state needs at least one state; accepted: %s",
			 filter_state_words);
		ret = -EINVAL;
		goto out;
	}
	f->states |= mask;
out:
	free(copy);
	return ret;
}

uint32_t filter_state_mask(const struct filter *f)
{
	return f->states ? f->states : STATES_DEFAULT_MASK;
}

/* ---- lists of values ---------------------------------------------------- */

/* Parsed values of one option, before they are added to the filter. */
union filter_vals {
	struct filter_ports ports[FILTER_MAX];
	struct filter_prefix prefix[FILTER_MAX];
	uint32_t u32[FILTER_MAX];
	char comm[FILTER_MAX][FILTER_COMM_MAX];
};

struct list_opt {
	const char *name; /* "--sport" */
	const char *accepted; /* what the option accepts, for messages */
	size_t size; /* bytes per value */
	/* Parse one word into value @i of @vals; 0 or -EINVAL with @err. */
	int (*parse)(const struct list_opt *o, const char *w, union filter_vals *vals,
		     unsigned int i, char *err, size_t errlen);
};

/*
 * Digits only (no sign, no space), at most @max. Sets *@end past the digits.
 * Returns 0, -EINVAL if @s does not start with a digit, -ERANGE if > @max.
 */
static int parse_num(const char *s, const char **end, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	bool big = false;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (max - (unsigned long)(*s - '0')) / 10)
			big = true;
		else
			v = v * 10 + (unsigned long)(*s - '0');
	}
	*end = s;
	*out = v;
	return big ? -ERANGE : 0;
}

static int bad_word(const struct list_opt *o, const char *w, const char *why, char *err,
		    size_t errlen)
{
	snprintf(err, errlen, "bad value '%s' in %s: %s; accepted: %s", w, o->name, why,
		 o->accepted);
	return -EINVAL;
}

/*
 * Split @spec at commas (empty words are skipped, as in --state), parse each
 * word, then append them all to @dst (holding *@n values) or, on any error,
 * nothing.
 */
static int add_list(const struct list_opt *o, const char *spec, void *dst, unsigned int *n,
		    char *err, size_t errlen)
{
	char *copy = xstrdup(spec), *save = NULL, *w;
	union filter_vals vals;
	unsigned int got = 0;
	int ret = 0;

	for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (*n + got >= FILTER_MAX) {
			snprintf(err, errlen, "too many values for %s: at most %d in all", o->name,
				 FILTER_MAX);
			ret = -E2BIG;
			goto out;
		}
		ret = o->parse(o, w, &vals, got, err, errlen);
		if (ret)
			goto out;
		got++;
	}
	if (!got) {
		snprintf(err, errlen, "%s needs at least one value; accepted: %s", o->name,
			 o->accepted);
		ret = -EINVAL;
		goto out;
	}
	memcpy((unsigned char *)dst + *n * o->size, &vals, got * o->size);
	*n += got;
out:
	free(copy);
	return ret;
}

/* ---- ports ---------------------------------------------------------------- */

static int parse_port_word(const struct list_opt *o, const char *w, union filter_vals *vals,
			   unsigned int i, char *err, size_t errlen)
{
	unsigned long lo, hi;
	const char *end;
	int r;

	r = parse_num(w, &end, 65535, &lo);
	if (!r && *end == '-')
		r = parse_num(end + 1, &end, 65535, &hi);
	else
		hi = lo;
	if (r == -ERANGE)
		return bad_word(o, w, "a port is at most 65535", err, errlen);
	if (r || *end)
		return bad_word(o, w, "not a port or a range", err, errlen);
	if (lo > hi)
		return bad_word(o, w, "the range's LO is greater than its HI", err, errlen);
	vals->ports[i].lo = (uint16_t)lo;
	vals->ports[i].hi = (uint16_t)hi;
	return 0;
}

#define PORTS_ACCEPTED "a port 0..65535 or a range LO-HI with LO <= HI, comma-separated"

static const struct list_opt opt_sport = {
	.name = "--sport",
	.accepted = PORTS_ACCEPTED,
	.size = sizeof(struct filter_ports),
	.parse = parse_port_word,
};
static const struct list_opt opt_dport = {
	.name = "--dport",
	.accepted = PORTS_ACCEPTED,
	.size = sizeof(struct filter_ports),
	.parse = parse_port_word,
};

int filter_add_ports(struct filter *f, bool local, const char *spec, char *err, size_t errlen)
{
	if (local)
		return add_list(&opt_sport, spec, f->sport, &f->nsport, err, errlen);
	return add_list(&opt_dport, spec, f->dport, &f->ndport, err, errlen);
}

/* ---- prefixes ------------------------------------------------------------- */

/* Zero the bits of @addr (network order) past the first @len. */
static void prefix_mask(uint8_t *addr, size_t bytes, unsigned int len)
{
	size_t i;

	for (i = 0; i < bytes; i++) {
		if (len >= 8 * (i + 1))
			continue;
		if (len <= 8 * i)
			addr[i] = 0;
		else
			addr[i] &= (uint8_t)(0xff00u >> (len - 8 * i));
	}
}

static int parse_prefix_word(const struct list_opt *o, const char *w, union filter_vals *vals,
			     unsigned int i, char *err, size_t errlen)
{
	struct filter_prefix *p = &vals->prefix[i];
	char buf[INET6_ADDRSTRLEN + 8], why[96], *addr = buf, *slash, *close;
	unsigned long len, max;
	const char *end;
	bool bracket = false;
	int r;

	if (strlen(w) >= sizeof(buf))
		return bad_word(o, w, "not an IPv4 or IPv6 address", err, errlen);
	strcpy(buf, w);
	if (*addr == '[') {
		bracket = true;
		close = strchr(addr, ']');
		if (!close || (close[1] && close[1] != '/'))
			return bad_word(o, w, "brackets must enclose the whole IPv6 address", err,
					errlen);
		*close = '\0';
		addr++;
		slash = close[1] ? close + 1 : NULL;
	} else {
		slash = strchr(addr, '/');
	}
	if (slash)
		*slash++ = '\0';
	memset(p, 0, sizeof(*p));
	p->family = bracket || strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(p->family, addr, p->addr) != 1)
		return bad_word(o, w,
				bracket ? "not an IPv6 address" : "not an IPv4 or IPv6 address",
				err, errlen);
	max = p->family == AF_INET ? 32 : 128;
	len = max;
	if (slash) {
		r = parse_num(slash, &end, max, &len);
		if (r == -ERANGE || (!r && *end)) {
			if (r == -ERANGE)
				snprintf(why, sizeof(why),
					 "prefix length /%s is out of range for %s (0..%lu)", slash,
					 p->family == AF_INET ? "IPv4" : "IPv6", max);
			else
				snprintf(why, sizeof(why), "bad prefix length /%s", slash);
			return bad_word(o, w, why, err, errlen);
		}
		if (r)
			return bad_word(o, w, "'/' must be followed by a prefix length", err,
					errlen);
	}
	p->len = (uint8_t)len;
	prefix_mask(p->addr, max / 8, p->len);
	return 0;
}

#define PREFIX_ACCEPTED                                                                            \
	"an IPv4 or IPv6 address with an optional /LEN (0..32 for IPv4, 0..128 for IPv6), "        \
	"IPv6 also in brackets, comma-separated"

static const struct list_opt opt_src = {
	.name = "--src",
	.accepted = PREFIX_ACCEPTED,
	.size = sizeof(struct filter_prefix),
	.parse = parse_prefix_word,
};
static const struct list_opt opt_dst = {
	.name = "--dst",
	.accepted = PREFIX_ACCEPTED,
	.size = sizeof(struct filter_prefix),
	.parse = parse_prefix_word,
};

int filter_add_prefix(struct filter *f, bool local, const char *spec, char *err, size_t errlen)
{
	if (local)
		return add_list(&opt_src, spec, f->src, &f->nsrc, err, errlen);
	return add_list(&opt_dst, spec, f->dst, &f->ndst, err, errlen);
}

/* ---- owners --------------------------------------------------------------- */

static int parse_pid_word(const struct list_opt *o, const char *w, union filter_vals *vals,
			  unsigned int i, char *err, size_t errlen)
{
	unsigned long v;
	const char *end;
	int r;

	r = parse_num(w, &end, INT_MAX, &v);
	if (r == -ERANGE)
		return bad_word(o, w, "a process id is at most 2147483647", err, errlen);
	if (r || *end || v == 0)
		return bad_word(o, w, "not a positive process id", err, errlen);
	vals->u32[i] = (uint32_t)v;
	return 0;
}

static int parse_comm_word(const struct list_opt *o, const char *w, union filter_vals *vals,
			   unsigned int i, char *err, size_t errlen)
{
	size_t n = strlen(w);

	if (n >= FILTER_COMM_MAX)
		return bad_word(o, w, "longer than the 15 bytes the kernel keeps of a name", err,
				errlen);
	memset(vals->comm[i], 0, FILTER_COMM_MAX);
	memcpy(vals->comm[i], w, n);
	return 0;
}

/* A user name through NSS (getpwnam_r). 0, -ENOENT or another -errno. */
static int lookup_user(const char *name, uint32_t *uid)
{
	long sz = sysconf(_SC_GETPW_R_SIZE_MAX);
	struct passwd pw, *res = NULL;
	char *buf;
	int r;

	if (sz <= 0)
		sz = 16384;
	for (;;) {
		buf = xmalloc((size_t)sz);
		r = getpwnam_r(name, &pw, buf, (size_t)sz, &res);
		if (r != ERANGE || sz >= (1L << 20))
			break;
		free(buf);
		sz *= 2;
	}
	if (!r && res)
		*uid = (uint32_t)res->pw_uid;
	free(buf);
	if (r)
		return -r;
	return res ? 0 : -ENOENT;
}

static int parse_uid_word(const struct list_opt *o, const char *w, union filter_vals *vals,
			  unsigned int i, char *err, size_t errlen)
{
	unsigned long v;
	const char *end;
	char why[96];
	int r;

	/* All digits: a number. Anything else is a name (names may start with one). */
	r = parse_num(w, &end, 4294967294UL, &v);
	if (r != -EINVAL && !*end) {
		if (r)
			return bad_word(o, w, "a user id is at most 4294967294", err, errlen);
		vals->u32[i] = (uint32_t)v;
		return 0;
	}
	r = lookup_user(w, &vals->u32[i]);
	if (r == -ENOENT)
		return bad_word(o, w, "no such user", err, errlen);
	if (r) {
		snprintf(why, sizeof(why), "cannot look the user up: %s", strerror(-r));
		return bad_word(o, w, why, err, errlen);
	}
	return 0;
}

static const struct list_opt opt_pid = {
	.name = "--pid",
	.accepted = "process ids 1..2147483647, comma-separated",
	.size = sizeof(uint32_t),
	.parse = parse_pid_word,
};
static const struct list_opt opt_comm = {
	.name = "--comm",
	.accepted = "exact process names as in /proc/PID/comm (1..15 bytes), comma-separated",
	.size = FILTER_COMM_MAX,
	.parse = parse_comm_word,
};
static const struct list_opt opt_uid = {
	.name = "--uid",
	.accepted = "user ids 0..4294967294 or user names, comma-separated",
	.size = sizeof(uint32_t),
	.parse = parse_uid_word,
};

int filter_add_pids(struct filter *f, const char *spec, char *err, size_t errlen)
{
	return add_list(&opt_pid, spec, f->pid, &f->npid, err, errlen);
}

int filter_add_comms(struct filter *f, const char *spec, char *err, size_t errlen)
{
	return add_list(&opt_comm, spec, f->comm, &f->ncomm, err, errlen);
}

int filter_add_uids(struct filter *f, const char *spec, char *err, size_t errlen)
{
	return add_list(&opt_uid, spec, f->uid, &f->nuid, err, errlen);
}

bool filter_has_bytecode(const struct filter *f)
{
	return f->nsport || f->ndport || f->nsrc || f->ndst;
}

bool filter_needs_owners(const struct filter *f)
{
	return f->npid || f->ncomm;
}

/* ---- matching in userspace ------------------------------------------------ */

static bool ports_match(const struct filter_ports *p, unsigned int n, uint16_t port)
{
	unsigned int i;

	if (!n)
		return true;
	for (i = 0; i < n; i++)
		if (port >= p[i].lo && port <= p[i].hi)
			return true;
	return false;
}

/* The first @bits bits of @a and @b are equal (inet_diag.c: bitstring_match). */
static bool bits_match(const uint8_t *a, const uint8_t *b, unsigned int bits)
{
	unsigned int bytes = bits / 8, rem = bits % 8;
	uint8_t mask;

	if (memcmp(a, b, bytes))
		return false;
	if (!rem)
		return true;
	mask = (uint8_t)(0xff00u >> rem);
	return !((a[bytes] ^ b[bytes]) & mask);
}

static bool is_v4mapped(const uint8_t *a)
{
	static const uint8_t pre[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, pre, sizeof(pre));
}

/* As the kernel's S_COND/D_COND with port -1: an IPv4 prefix also matches
 * a v4-mapped address of an AF_INET6 socket; an IPv6 prefix never matches an
 * AF_INET socket (it is left out of AF_INET dumps). */
static bool prefix_match(const struct filter_prefix *p, unsigned int n, int family,
			 const uint8_t *addr)
{
	unsigned int i;

	if (!n)
		return true;
	for (i = 0; i < n; i++) {
		if (p[i].family == family && bits_match(addr, p[i].addr, p[i].len))
			return true;
		if (p[i].family == AF_INET && family == AF_INET6 && is_v4mapped(addr) &&
		    bits_match(addr + 12, p[i].addr, p[i].len))
			return true;
	}
	return false;
}

bool filter_match(const struct filter *f, const struct tcp_sock *s)
{
	unsigned int fam = s->family == AF_INET ? FILTER_V4 : FILTER_V6;

	return (f->families & fam) && states_queried(filter_state_mask(f), s->state) &&
	       ports_match(f->sport, f->nsport, s->sport) &&
	       ports_match(f->dport, f->ndport, s->dport) &&
	       prefix_match(f->src, f->nsrc, s->family, s->saddr) &&
	       prefix_match(f->dst, f->ndst, s->family, s->daddr);
}

static bool u32_in(const uint32_t *v, unsigned int n, uint32_t x)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

bool filter_match_owner(const struct filter *f, uint32_t pid, const char *comm, uint32_t uid)
{
	unsigned int i;

	if (f->npid && (!comm || !u32_in(f->pid, f->npid, pid)))
		return false;
	if (f->ncomm) {
		if (!comm)
			return false;
		for (i = 0; i < f->ncomm; i++)
			if (!strcmp(f->comm[i], comm))
				break;
		if (i == f->ncomm)
			return false;
	}
	return !f->nuid || u32_in(f->uid, f->nuid, uid);
}

/* ---- bytecode ------------------------------------------------------------- */

#define OP_SIZE ((unsigned int)sizeof(struct inet_diag_bc_op))
#define HOSTCOND_SIZE ((unsigned int)sizeof(struct inet_diag_hostcond))
/* Worst case: 16 ranges in each port group (2 tests each), 16 IPv6 prefixes
 * in each address group, a JMP between items. */
#define PORT_GROUP_MAX (FILTER_MAX * 4 * OP_SIZE + (FILTER_MAX - 1) * OP_SIZE)
#define PREFIX_GROUP_MAX (FILTER_MAX * (OP_SIZE + HOSTCOND_SIZE + 16) + (FILTER_MAX - 1) * OP_SIZE)
_Static_assert(2 * PORT_GROUP_MAX + 2 * PREFIX_GROUP_MAX <= FILTER_BYTECODE_MAX,
	       "FILTER_BYTECODE_MAX too small for the worst case");
_Static_assert(OP_SIZE + HOSTCOND_SIZE + 16 <= 255, "a COND's yes must fit a u8");

struct bc {
	uint8_t prog[FILTER_BYTECODE_MAX];
	unsigned int len;
	/* ops whose "no" is still open, by where it must go */
	unsigned int fail[2], nfail; /* tests of the item being built */
	unsigned int jmp[FILTER_MAX], njmp; /* JMPs to the end of the group */
	unsigned int reject[4 * 2 * FILTER_MAX], nreject; /* to len + 4 */
};

static unsigned int bc_op(struct bc *b, uint8_t code, uint8_t yes)
{
	struct inet_diag_bc_op op = { .code = code, .yes = yes, .no = 0 };
	unsigned int at = b->len;

	memcpy(b->prog + at, &op, sizeof(op));
	b->len += OP_SIZE;
	return at;
}

/* Point the "no" of the op at @at to @target (an offset in the program). */
static void bc_patch(struct bc *b, unsigned int at, unsigned int target)
{
	struct inet_diag_bc_op op;

	memcpy(&op, b->prog + at, sizeof(op));
	op.no = (unsigned short)(target - at);
	memcpy(b->prog + at, &op, sizeof(op));
}

/* A test that falls through when true; its "no" is patched later. */
static void bc_test(struct bc *b, unsigned int at)
{
	b->fail[b->nfail++] = at;
}

/* Start the next item of a group: the previous one, when true, jumps to the
 * group's end; when false, lands here. */
static void bc_next_item(struct bc *b)
{
	unsigned int i;

	b->jmp[b->njmp++] = bc_op(b, INET_DIAG_BC_JMP, OP_SIZE);
	for (i = 0; i < b->nfail; i++)
		bc_patch(b, b->fail[i], b->len);
	b->nfail = 0;
}

static void bc_end_group(struct bc *b)
{
	unsigned int i;

	for (i = 0; i < b->nfail; i++)
		b->reject[b->nreject++] = b->fail[i];
	b->nfail = 0;
	for (i = 0; i < b->njmp; i++)
		bc_patch(b, b->jmp[i], b->len);
	b->njmp = 0;
}

static void bc_port_cmp(struct bc *b, uint8_t code, uint16_t port)
{
	unsigned int at = bc_op(b, code, 2 * OP_SIZE);
	struct inet_diag_bc_op arg = { .code = 0, .yes = 0, .no = port };

	memcpy(b->prog + b->len, &arg, sizeof(arg));
	b->len += OP_SIZE;
	bc_test(b, at);
}

static void bc_ports(struct bc *b, const struct filter_ports *p, unsigned int n, bool local)
{
	unsigned int i;

	/* A range 0-65535 matches every socket: so does the group. */
	for (i = 0; i < n; i++)
		if (p[i].lo == 0 && p[i].hi == 65535)
			return;
	for (i = 0; i < n; i++) {
		if (i)
			bc_next_item(b);
		if (p[i].lo > 0)
			bc_port_cmp(b, local ? INET_DIAG_BC_S_GE : INET_DIAG_BC_D_GE, p[i].lo);
		if (p[i].hi < 65535)
			bc_port_cmp(b, local ? INET_DIAG_BC_S_LE : INET_DIAG_BC_D_LE, p[i].hi);
	}
	bc_end_group(b);
}

/* Whether prefix @p can match a socket of a dump of @family. */
static bool prefix_applies(const struct filter_prefix *p, int family)
{
	return p->family == family || (p->family == AF_INET && family == AF_INET6);
}

static void bc_prefixes(struct bc *b, const struct filter_prefix *p, unsigned int n, bool local,
			int family)
{
	unsigned int i, alen, at, items = 0;
	struct inet_diag_hostcond hc;

	for (i = 0; i < n; i++) {
		if (!prefix_applies(&p[i], family))
			continue;
		if (items++)
			bc_next_item(b);
		alen = p[i].family == AF_INET ? 4 : 16;
		at = bc_op(b, local ? INET_DIAG_BC_S_COND : INET_DIAG_BC_D_COND,
			   (uint8_t)(OP_SIZE + HOSTCOND_SIZE + alen));
		memset(&hc, 0, sizeof(hc));
		hc.family = p[i].family;
		hc.prefix_len = p[i].len;
		hc.port = -1;
		memcpy(b->prog + b->len, &hc, HOSTCOND_SIZE);
		memcpy(b->prog + b->len + HOSTCOND_SIZE, p[i].addr, alen);
		b->len += HOSTCOND_SIZE + alen;
		bc_test(b, at);
	}
	bc_end_group(b);
}

static bool prefixes_possible(const struct filter_prefix *p, unsigned int n, int family)
{
	unsigned int i;

	if (!n)
		return true;
	for (i = 0; i < n; i++)
		if (prefix_applies(&p[i], family))
			return true;
	return false;
}

bool filter_family_possible(const struct filter *f, int family)
{
	unsigned int fam = family == AF_INET ? FILTER_V4 : family == AF_INET6 ? FILTER_V6 : 0;

	return (f->families & fam) && prefixes_possible(f->src, f->nsrc, family) &&
	       prefixes_possible(f->dst, f->ndst, family);
}

int filter_bytecode(const struct filter *f, int family, void *buf, size_t size)
{
	struct bc *b;
	unsigned int i;
	int len;

	if (!filter_has_bytecode(f))
		return 0;
	b = xcalloc(1, sizeof(*b));
	if (!prefixes_possible(f->src, f->nsrc, family) ||
	    !prefixes_possible(f->dst, f->ndst, family)) {
		/* Reject all: JMP past the end. */
		b->reject[b->nreject++] = bc_op(b, INET_DIAG_BC_JMP, OP_SIZE);
	} else {
		bc_ports(b, f->sport, f->nsport, true);
		bc_ports(b, f->dport, f->ndport, false);
		if (f->nsrc)
			bc_prefixes(b, f->src, f->nsrc, true, family);
		if (f->ndst)
			bc_prefixes(b, f->dst, f->ndst, false, family);
	}
	for (i = 0; i < b->nreject; i++)
		bc_patch(b, b->reject[i], b->len + OP_SIZE);
	len = (int)b->len;
	if ((size_t)len > size)
		len = -E2BIG;
	else
		memcpy(buf, b->prog, b->len);
	free(b);
	return len;
}

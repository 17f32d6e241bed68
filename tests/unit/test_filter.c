// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter: --state words and groups to the idiag_states mask (checked against
 * ss's definitions), errors, unions, and filter_match on replayed sockets;
 * the --sport/--dport/--src/--dst/--pid/--comm/--uid parsers (values, masks,
 * errors, limits) and the userspace port, prefix and owner matching. The
 * bytecode itself is tested in test_bytecode.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter.h"
#include "states.h"
#include "tap.h"
#include "util.h"

#define B(s) (1u << (s))

/* is_int that also says whether it passed. */
static int is_int_ok(long long got, long long want, const char *name)
{
	if (ok(got == want, name))
		return 1;
	printf("#   got %lld, want %lld\n", got, want);
	return 0;
}
/* ss(8) STATE-FILTER, in tcpdx's terms: "all" is the eleven states plus
 * bound-only sockets (bit 13, which is how CLOSE is asked for). */
#define ALL (0xffeu | B(13))
#define CONNECTED (0xffeu & ~(B(TS_LISTEN) | B(TS_CLOSE)))  /* all but listen, close */
#define SYNCHRONIZED (CONNECTED & ~B(TS_SYN_SENT))         /* connected but syn-sent */
#define BUCKET (B(TS_SYN_RECV) | B(TS_TIME_WAIT))          /* the minisocket states */
#define BIG (ALL & ~BUCKET)                                /* all but bucket */

/* The mask one --state list gives on a fresh filter, or 0 on error. */
static uint32_t mask_of(const char *list)
{
	struct filter f;
	char err[512];

	filter_init(&f);
	if (filter_add_states(&f, list, err, sizeof(err)))
		return 0;
	return filter_state_mask(&f);
}

static void test_words(void)
{
	static const struct {
		const char *list;
		uint32_t mask;
	} cases[] = {
		{ "established", B(1) }, { "estab", B(1) }, { "ESTABLISHED", B(1) },
		{ "syn-sent", B(2) }, { "syn-recv", B(3) }, { "syn-received", B(3) },
		{ "SYN_RECV", B(3) },
		{ "fin-wait-1", B(4) }, { "FIN_WAIT2", B(5) }, { "fin-wait-2", B(5) },
		{ "finwait2", B(5) }, { "Fin-Wait-2", B(5) },
		{ "time-wait", B(6) }, { "close-wait", B(8) }, { "last-ack", B(9) },
		{ "listen", B(10) }, { "listening", B(10) }, { "closing", B(11) },
		/* close needs bit 13 (TCP_BOUND_INACTIVE) to return anything */
		{ "close", B(7) | B(13) }, { "closed", B(7) | B(13) }, { "unconn", B(7) | B(13) },
		{ "CLOSE", B(7) | B(13) },
		{ "all", ALL }, { "ALL", ALL }, { "connected", CONNECTED },
		{ "Connected", CONNECTED }, { "synchronized", SYNCHRONIZED }, { "bucket", BUCKET },
		{ "big", BIG },
		{ "close-wait,fin-wait-2", B(8) | B(5) },
		{ "established,,listen", B(1) | B(10) },
		{ "listen,", B(10) }, { ",listen", B(10) },
		{ "bucket,listen", BUCKET | B(10) },
		{ "big,bucket", ALL },
		{ "established,established", B(1) },
	};
	char name[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(name, sizeof(name), "--state %s: mask 0x%x", cases[i].list,
			 (unsigned int)cases[i].mask);
		is_u64(mask_of(cases[i].list), cases[i].mask, name);
	}
	/* The groups, spelled out as ss(8) does. */
	is_u64(ALL, 0x2ffe, "all = 0x2ffe");
	is_u64(CONNECTED, 0xb7e, "connected = 0xb7e: no listen, no close, no bit 13");
	ok(CONNECTED & B(TS_TIME_WAIT) && CONNECTED & B(TS_SYN_RECV) &&
	   CONNECTED & B(TS_SYN_SENT), "connected includes time-wait, syn-recv, syn-sent");
	is_u64(SYNCHRONIZED, 0xb7a, "synchronized = 0xb7a");
	is_u64(BUCKET, 0x48, "bucket = 0x48");
	is_u64(BIG, 0x2fb6, "big = 0x2fb6: includes listen and close (bound-only)");
}

static void test_default_and_union(void)
{
	struct filter f;
	char err[256];

	filter_init(&f);
	is_int(f.families, FILTER_V4 | FILTER_V6, "init: both families");
	is_u64(f.states, 0, "init: states not set");
	is_u64(filter_state_mask(&f), 0xffe, "default mask: 0xffe (no bound-only walk)");
	is_int(filter_add_states(&f, "established", err, sizeof(err)), 0, "add established: 0");
	is_u64(filter_state_mask(&f), B(1), "first --state replaces the default");
	is_int(filter_add_states(&f, "listen", err, sizeof(err)), 0, "add listen: 0");
	is_u64(filter_state_mask(&f), B(1) | B(10), "second --state adds (union)");
	filter_add_states(&f, "bucket,listen", err, sizeof(err));
	is_u64(filter_state_mask(&f), B(1) | B(10) | BUCKET, "third --state adds a group");
	filter_add_states(&f, "close", err, sizeof(err));
	is_u64(filter_state_mask(&f), B(1) | B(10) | BUCKET | B(7) | B(13), "close adds bit 13");
}

static void test_errors(void)
{
	static const char *const bad[] = { "foo", "established,foo", "fin-wait-3",
					   "all,bogus", "new-syn-recv" };
	static const char *const empty[] = { "", ",", ",,," };
	struct filter f;
	char err[512], name[128], small[16];
	size_t i;
	const char *word;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		filter_init(&f);
		filter_add_states(&f, "listen", err, sizeof(err));
		strcpy(err, "untouched");
		snprintf(name, sizeof(name), "--state %s: -EINVAL", bad[i]);
		is_int(filter_add_states(&f, bad[i], err, sizeof(err)), -EINVAL, name);
		word = strrchr(bad[i], ',') ? strrchr(bad[i], ',') + 1 : bad[i];
		snprintf(name, sizeof(name), "'%s'", word);
		has_str(err, name, "the message names the bad word, quoted");
		has_str(err, "accepted: established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, "
			"time-wait, close, close-wait, last-ack, listen, closing",
			"the message lists the states");
		has_str(err, "all, connected, synchronized, bucket, big",
			"the message lists the groups");
		ok(!strchr(err, '\n'), "the message is one line");
		is_u64(filter_state_mask(&f), B(10), "a bad list changes nothing");
	}
	filter_init(&f);
	filter_add_states(&f, "foo", err, sizeof(err));
	is_str(err, "unknown state 'foo' in --state; accepted: established, syn-sent, syn-recv, "
	       "fin-wait-1, fin-wait-2, time-wait, close, close-wait, last-ack, listen, closing, "
	       "or all, connected, synchronized, bucket, big", "the whole message for 'foo'");
	is_u64(filter_state_mask(&f), 0xffe, "after an error the default still applies");

	for (i = 0; i < ARRAY_SIZE(empty); i++) {
		filter_init(&f);
		strcpy(err, "untouched");
		snprintf(name, sizeof(name), "--state '%s': -EINVAL", empty[i]);
		is_int(filter_add_states(&f, empty[i], err, sizeof(err)), -EINVAL, name);
		has_str(err, "accepted: established,",
			"an empty list: the message lists the states");
		lacks_str(err, "untouched", "an empty list: the message is written");
		is_u64(f.states, 0, "an empty list: nothing set");
	}

	/* A short error buffer is cut, still terminated. */
	filter_init(&f);
	memset(small, 'x', sizeof(small));
	is_int(filter_add_states(&f, "nonsense", small, sizeof(small)), -EINVAL,
	       "small error buffer: -EINVAL");
	ok(memchr(small, '\0', sizeof(small)) != NULL, "small error buffer: terminated");
	ok(!strncmp(small, "unknown state", 13), "small error buffer: the start of the message");

	/* Every word the message offers is accepted. */
	{
		char *copy = xstrdup(filter_state_words), *save = NULL, *w;
		unsigned int n = 0, good = 0;

		for (w = strtok_r(copy, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
			if (!strcmp(w, "or"))
				continue;
			n++;
			good += mask_of(w) != 0;
		}
		free(copy);
		is_int(n, 16, "filter_state_words: 11 states and 5 groups");
		is_int(good, n, "filter_state_words: every one of them is accepted");
	}
}

static void test_match(void)
{
	struct filter f;
	struct tcp_sock s;
	char err[256];

	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	s.state = TS_ESTABLISHED;
	filter_init(&f);
	ok(filter_match(&f, &s), "default: v4 established matches");
	s.family = AF_INET6;
	ok(filter_match(&f, &s), "default: v6 established matches");
	f.families = FILTER_V4;
	ok(!filter_match(&f, &s), "-4: v6 does not match");
	s.family = AF_INET;
	ok(filter_match(&f, &s), "-4: v4 matches");
	f.families = FILTER_V6;
	ok(!filter_match(&f, &s), "-6: v4 does not match");

	filter_init(&f);
	s.state = TS_CLOSE;
	ok(!filter_match(&f, &s), "default: close (bound-only) does not match");
	filter_add_states(&f, "close", err, sizeof(err));
	ok(filter_match(&f, &s), "--state close: close matches");
	s.state = TS_ESTABLISHED;
	ok(!filter_match(&f, &s), "--state close: established does not match");

	filter_init(&f);
	filter_add_states(&f, "all", err, sizeof(err));
	s.state = TS_CLOSE;
	ok(filter_match(&f, &s), "--state all: close matches");

	filter_init(&f);
	filter_add_states(&f, "connected", err, sizeof(err));
	s.state = TS_LISTEN;
	ok(!filter_match(&f, &s), "--state connected: listen does not match");
	s.state = TS_TIME_WAIT;
	ok(filter_match(&f, &s), "--state connected: time-wait matches");
	s.state = TS_CLOSE;
	ok(!filter_match(&f, &s), "--state connected: close does not match");

	filter_init(&f);
	filter_add_states(&f, "fin-wait-2", err, sizeof(err));
	s.state = TS_FIN_WAIT2;
	s.kind = SK_TIMEWAIT;
	ok(filter_match(&f, &s), "--state fin-wait-2: a fin-wait-2 minisock matches");
	s.state = TS_TIME_WAIT;
	ok(!filter_match(&f, &s), "--state fin-wait-2: time-wait does not");
}

/* ---- ports ---------------------------------------------------------------- */

#define PORTS_ACCEPTED "accepted: a port 0..65535 or a range LO-HI with LO <= HI, comma-separated"

static void test_ports(void)
{
	static const struct {
		const char *spec;
		unsigned int n;
		uint16_t lo[3], hi[3];
	} good[] = {
		{ "80", 1, { 80 }, { 80 } },
		{ "8000-8080", 1, { 8000 }, { 8080 } },
		{ "80,443,8000-8080", 3, { 80, 443, 8000 }, { 80, 443, 8080 } },
		{ "0", 1, { 0 }, { 0 } },
		{ "65535", 1, { 65535 }, { 65535 } },
		{ "0-65535", 1, { 0 }, { 65535 } },
		{ "5-5", 1, { 5 }, { 5 } },
		{ "080", 1, { 80 }, { 80 } },
		{ ",80,,443,", 2, { 80, 443 }, { 80, 443 } },
	};
	static const struct {
		const char *spec, *word, *why;
	} bad[] = {
		{ "65536", "65536", "a port is at most 65535" },
		{ "99999999999999999999999", "99999999999999999999999", "a port is at most 65535" },
		{ "80-65536", "80-65536", "a port is at most 65535" },
		{ "8080-8000", "8080-8000", "the range's LO is greater than its HI" },
		{ "http", "http", "not a port or a range" },
		{ "80-", "80-", "not a port or a range" },
		{ "-80", "-80", "not a port or a range" },
		{ "80-90-100", "80-90-100", "not a port or a range" },
		{ " 80", " 80", "not a port or a range" },
		{ "+80", "+80", "not a port or a range" },
		{ "0x50", "0x50", "not a port or a range" },
		{ ":80", ":80", "not a port or a range" },
		{ "80,443,abc", "abc", "not a port or a range" },
	};
	struct filter f;
	char err[512], name[256], want[256];
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		filter_init(&f);
		snprintf(name, sizeof(name), "--sport '%s': 0", good[i].spec);
		is_int(filter_add_ports(&f, true, good[i].spec, err, sizeof(err)), 0, name);
		snprintf(name, sizeof(name), "--sport '%s': %u values", good[i].spec, good[i].n);
		is_int(f.nsport, good[i].n, name);
		for (j = 0; j < good[i].n && j < f.nsport; j++) {
			snprintf(name, sizeof(name), "--sport '%s': value %zu is %u-%u",
				 good[i].spec, j, good[i].lo[j], good[i].hi[j]);
			ok(f.sport[j].lo == good[i].lo[j] && f.sport[j].hi == good[i].hi[j], name);
		}
		is_int(f.ndport, 0, "--sport leaves --dport alone");
	}
	filter_init(&f);
	is_int(filter_add_ports(&f, false, "443", err, sizeof(err)), 0, "--dport 443: 0");
	ok(f.ndport == 1 && f.dport[0].lo == 443 && f.nsport == 0, "--dport 443 goes to dport");

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		filter_init(&f);
		filter_add_ports(&f, true, "22", err, sizeof(err));
		snprintf(name, sizeof(name), "--sport '%s': -EINVAL", bad[i].spec);
		is_int(filter_add_ports(&f, true, bad[i].spec, err, sizeof(err)), -EINVAL, name);
		snprintf(want, sizeof(want), "bad value '%s' in --sport: %s; " PORTS_ACCEPTED,
			 bad[i].word, bad[i].why);
		snprintf(name, sizeof(name), "--sport '%s': the message", bad[i].spec);
		is_str(err, want, name);
		ok(f.nsport == 1 && f.sport[0].lo == 22, "a bad list adds nothing");
	}
	filter_init(&f);
	filter_add_ports(&f, false, "x", err, sizeof(err));
	has_str(err, "in --dport", "--dport errors name --dport");
	is_int(filter_add_ports(&f, false, "", err, sizeof(err)), -EINVAL, "--dport '': -EINVAL");
	is_str(err, "--dport needs at least one value; " PORTS_ACCEPTED, "--dport '': the message");
	is_int(filter_add_ports(&f, false, ",,", err, sizeof(err)), -EINVAL, "--dport ',,': -EINVAL");

	/* FILTER_MAX in all, over several options; all or nothing. */
	filter_init(&f);
	for (i = 0; i < FILTER_MAX - 2; i++)
		filter_add_ports(&f, true, "1", err, sizeof(err));
	is_int(filter_add_ports(&f, true, "2,3", err, sizeof(err)), 0, "16 values: 0");
	is_int(f.nsport, FILTER_MAX, "16 values kept");
	is_int(filter_add_ports(&f, true, "4", err, sizeof(err)), -E2BIG, "a 17th value: -E2BIG");
	is_str(err, "too many values for --sport: at most 16 in all", "-E2BIG: the message");
	is_int(f.nsport, FILTER_MAX, "-E2BIG: nothing added");
	filter_init(&f);
	filter_add_ports(&f, true, "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15", err, sizeof(err));
	is_int(filter_add_ports(&f, true, "16,17", err, sizeof(err)), -E2BIG,
	       "15 + 2 values: -E2BIG");
	is_int(f.nsport, 15, "15 + 2 values: neither is added");
	is_int(filter_add_ports(&f, false, "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", err,
				sizeof(err)), 0, "--dport has its own 16");
}

/* ---- prefixes ------------------------------------------------------------- */

#define PREFIX_ACCEPTED                                                                    \
	"accepted: an IPv4 or IPv6 address with an optional /LEN (0..32 for IPv4, 0..128 for " \
	"IPv6), IPv6 also in brackets, comma-separated"

static void test_prefixes(void)
{
	static const struct {
		const char *spec;
		int family;
		unsigned int len;
		const char *addr;   /* stored, masked */
	} good[] = {
		{ "10.0.0.1", AF_INET, 32, "10.0.0.1" },
		{ "10.0.0.0/8", AF_INET, 8, "10.0.0.0" },
		{ "10.1.2.3/8", AF_INET, 8, "10.0.0.0" },
		{ "10.255.255.255/12", AF_INET, 12, "10.240.0.0" },
		{ "192.168.1.129/25", AF_INET, 25, "192.168.1.128" },
		{ "192.168.1.127/25", AF_INET, 25, "192.168.1.0" },
		{ "255.255.255.255/1", AF_INET, 1, "128.0.0.0" },
		{ "255.255.255.255/31", AF_INET, 31, "255.255.255.254" },
		{ "1.2.3.4/0", AF_INET, 0, "0.0.0.0" },
		{ "0.0.0.0/0", AF_INET, 0, "0.0.0.0" },
		{ "10.0.0.1/032", AF_INET, 32, "10.0.0.1" },
		{ "::1", AF_INET6, 128, "::1" },
		{ "::", AF_INET6, 128, "::" },
		{ "::/0", AF_INET6, 0, "::" },
		{ "2001:db8::/32", AF_INET6, 32, "2001:db8::" },
		{ "2001:db8:ffff::1/32", AF_INET6, 32, "2001:db8::" },
		{ "2001:db8:ffff::1/33", AF_INET6, 33, "2001:db8:8000::" },
		{ "2001:db8::ffff/127", AF_INET6, 127, "2001:db8::fffe" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/64", AF_INET6, 64, "ffff:ffff:ffff:ffff::" },
		{ "[::1]", AF_INET6, 128, "::1" },
		{ "[2001:db8::1]/64", AF_INET6, 64, "2001:db8::" },
		{ "::ffff:10.0.0.1", AF_INET6, 128, "::ffff:10.0.0.1" },
		{ "[::ffff:10.1.2.3]/104", AF_INET6, 104, "::ffff:10.0.0.0" },
		{ "fe80::1/10", AF_INET6, 10, "fe80::" },
	};
	static const struct {
		const char *spec, *word, *why;
	} bad[] = {
		{ "10.0.0.0/33", "10.0.0.0/33", "prefix length /33 is out of range for IPv4 (0..32)" },
		{ "10.0.0.0/99999999999999999999", "10.0.0.0/99999999999999999999",
		  "prefix length /99999999999999999999 is out of range for IPv4 (0..32)" },
		{ "::/129", "::/129", "prefix length /129 is out of range for IPv6 (0..128)" },
		{ "[::1]/200", "[::1]/200", "prefix length /200 is out of range for IPv6 (0..128)" },
		{ "10.0.0.0/", "10.0.0.0/", "'/' must be followed by a prefix length" },
		{ "10.0.0.0/-1", "10.0.0.0/-1", "'/' must be followed by a prefix length" },
		{ "10.0.0.0/8x", "10.0.0.0/8x", "bad prefix length /8x" },
		{ "10.0.0.0/8/8", "10.0.0.0/8/8", "bad prefix length /8/8" },
		{ "10.0.0.256", "10.0.0.256", "not an IPv4 or IPv6 address" },
		{ "10.0.0", "10.0.0", "not an IPv4 or IPv6 address" },
		{ "1.2.3.4.5", "1.2.3.4.5", "not an IPv4 or IPv6 address" },
		{ "localhost", "localhost", "not an IPv4 or IPv6 address" },
		{ "gggg::1", "gggg::1", "not an IPv4 or IPv6 address" },
		{ "::1]", "::1]", "not an IPv4 or IPv6 address" },
		{ "/8", "/8", "not an IPv4 or IPv6 address" },
		{ "[10.0.0.1]", "[10.0.0.1]", "not an IPv6 address" },
		{ "[::1", "[::1", "brackets must enclose the whole IPv6 address" },
		{ "[::1]x", "[::1]x", "brackets must enclose the whole IPv6 address" },
		{ "[::1/64]", "[::1/64]", "not an IPv6 address" },
		{ "10.0.0.0/8,2001:db8::/200", "2001:db8::/200",
		  "prefix length /200 is out of range for IPv6 (0..128)" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "not an IPv4 or IPv6 address" },
	};
	struct filter f;
	char err[512], name[256], want[512];
	uint8_t addr[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		filter_init(&f);
		snprintf(name, sizeof(name), "--src '%s': 0", good[i].spec);
		if (!is_int_ok(filter_add_prefix(&f, true, good[i].spec, err, sizeof(err)), 0, name))
			tap_diag("%s", err);
		memset(addr, 0, sizeof(addr));
		inet_pton(good[i].family, good[i].addr, addr);
		snprintf(name, sizeof(name), "--src '%s': %s %s/%u", good[i].spec,
			 good[i].family == AF_INET ? "IPv4" : "IPv6", good[i].addr, good[i].len);
		ok(f.nsrc == 1 && f.src[0].family == good[i].family && f.src[0].len == good[i].len,
		   name);
		snprintf(name, sizeof(name), "--src '%s': stored as %s (bits past /%u zero)",
			 good[i].spec, good[i].addr, good[i].len);
		is_mem(f.src[0].addr, addr, 16, name);
	}
	filter_init(&f);
	is_int(filter_add_prefix(&f, false, "10.0.0.0/8,::1,,[fe80::]/10", err, sizeof(err)), 0,
	       "--dst list: 0");
	ok(f.ndst == 3 && f.nsrc == 0 && f.dst[0].family == AF_INET &&
	   f.dst[1].family == AF_INET6 && f.dst[2].len == 10, "--dst list: three prefixes, in order");

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		filter_init(&f);
		filter_add_prefix(&f, true, "10.0.0.0/8", err, sizeof(err));
		snprintf(name, sizeof(name), "--src '%s': -EINVAL", bad[i].spec);
		is_int(filter_add_prefix(&f, true, bad[i].spec, err, sizeof(err)), -EINVAL, name);
		snprintf(want, sizeof(want), "bad value '%s' in --src: %s; " PREFIX_ACCEPTED,
			 bad[i].word, bad[i].why);
		snprintf(name, sizeof(name), "--src '%s': the message", bad[i].spec);
		is_str(err, want, name);
		is_int(f.nsrc, 1, "a bad list adds nothing");
	}
	filter_init(&f);
	filter_add_prefix(&f, false, "nonsense", err, sizeof(err));
	has_str(err, "in --dst", "--dst errors name --dst");
	is_int(filter_add_prefix(&f, false, ",", err, sizeof(err)), -EINVAL, "--dst ',': -EINVAL");
	is_str(err, "--dst needs at least one value; " PREFIX_ACCEPTED, "--dst ',': the message");
	filter_init(&f);
	for (i = 0; i < FILTER_MAX; i++)
		filter_add_prefix(&f, false, "::1", err, sizeof(err));
	is_int(f.ndst, FILTER_MAX, "16 prefixes kept");
	is_int(filter_add_prefix(&f, false, "::2", err, sizeof(err)), -E2BIG, "a 17th prefix: -E2BIG");
	is_str(err, "too many values for --dst: at most 16 in all", "a 17th prefix: the message");
}

/* ---- owners --------------------------------------------------------------- */

static void test_owners(void)
{
	struct filter f;
	char err[512];
	struct passwd *pw;

	filter_init(&f);
	ok(!filter_needs_owners(&f) && !filter_has_bytecode(&f), "init: no owner filter, no bytecode");
	is_int(filter_add_pids(&f, "1,4194304,2147483647", err, sizeof(err)), 0, "--pid list: 0");
	ok(f.npid == 3 && f.pid[0] == 1 && f.pid[1] == 4194304 && f.pid[2] == 2147483647u,
	   "--pid list: values");
	ok(filter_needs_owners(&f), "--pid needs the owner table");
	ok(!filter_has_bytecode(&f), "--pid needs no bytecode");
	is_int(filter_add_pids(&f, "0", err, sizeof(err)), -EINVAL, "--pid 0: -EINVAL");
	is_str(err, "bad value '0' in --pid: not a positive process id; accepted: process ids "
	       "1..2147483647, comma-separated", "--pid 0: the message");
	is_int(filter_add_pids(&f, "-1", err, sizeof(err)), -EINVAL, "--pid -1: -EINVAL");
	is_int(filter_add_pids(&f, "1.5", err, sizeof(err)), -EINVAL, "--pid 1.5: -EINVAL");
	is_int(filter_add_pids(&f, "nginx", err, sizeof(err)), -EINVAL, "--pid nginx: -EINVAL");
	is_int(filter_add_pids(&f, "2147483648", err, sizeof(err)), -EINVAL,
	       "--pid 2147483648: -EINVAL");
	has_str(err, "a process id is at most 2147483647", "--pid 2147483648: the reason");
	is_int(filter_add_pids(&f, "", err, sizeof(err)), -EINVAL, "--pid '': -EINVAL");
	is_int(f.npid, 3, "bad --pid lists add nothing");

	filter_init(&f);
	is_int(filter_add_comms(&f, "nginx,sshd", err, sizeof(err)), 0, "--comm nginx,sshd: 0");
	ok(f.ncomm == 2 && !strcmp(f.comm[0], "nginx") && !strcmp(f.comm[1], "sshd"),
	   "--comm: values");
	ok(filter_needs_owners(&f), "--comm needs the owner table");
	is_int(filter_add_comms(&f, "123456789012345", err, sizeof(err)), 0, "--comm 15 bytes: 0");
	is_str(f.comm[2], "123456789012345", "--comm 15 bytes kept whole");
	is_int(filter_add_comms(&f, "1234567890123456", err, sizeof(err)), -EINVAL,
	       "--comm 16 bytes: -EINVAL");
	is_str(err, "bad value '1234567890123456' in --comm: longer than the 15 bytes the kernel "
	       "keeps of a name; accepted: exact process names as in /proc/PID/comm (1..15 "
	       "bytes), comma-separated", "--comm 16 bytes: the message");
	is_int(filter_add_comms(&f, ",", err, sizeof(err)), -EINVAL, "--comm ',': -EINVAL");
	is_int(f.ncomm, 3, "bad --comm lists add nothing");

	filter_init(&f);
	is_int(filter_add_uids(&f, "0,1000,4294967294", err, sizeof(err)), 0, "--uid numbers: 0");
	ok(f.nuid == 3 && f.uid[0] == 0 && f.uid[1] == 1000 && f.uid[2] == 4294967294u,
	   "--uid numbers: values");
	ok(!filter_needs_owners(&f), "--uid alone needs no owner table (idiag_uid)");
	is_int(filter_add_uids(&f, "4294967295", err, sizeof(err)), -EINVAL,
	       "--uid 4294967295 (-1): -EINVAL");
	has_str(err, "a user id is at most 4294967294", "--uid 4294967295: the reason");
	is_int(filter_add_uids(&f, "no-such-user-tcpdx", err, sizeof(err)), -EINVAL,
	       "--uid unknown name: -EINVAL");
	is_str(err, "bad value 'no-such-user-tcpdx' in --uid: no such user; accepted: user ids "
	       "0..4294967294 or user names, comma-separated", "--uid unknown name: the message");
	is_int(filter_add_uids(&f, "-5", err, sizeof(err)), -EINVAL, "--uid -5: -EINVAL");
	is_int(f.nuid, 3, "bad --uid lists add nothing");
	pw = getpwnam("root");
	if (pw) {
		filter_init(&f);
		is_int(filter_add_uids(&f, "root,7", err, sizeof(err)), 0, "--uid root,7: 0");
		ok(f.nuid == 2 && f.uid[0] == pw->pw_uid && f.uid[1] == 7,
		   "--uid root,7: the name is looked up");
	} else {
		skip("no user root in this system's user database");
		skip("no user root in this system's user database");
	}

	/* filter_match_owner */
	filter_init(&f);
	ok(filter_match_owner(&f, 0, NULL, 0), "no owner filter: anything passes, even no owner");
	filter_add_pids(&f, "100,200", err, sizeof(err));
	ok(filter_match_owner(&f, 200, "x", 0), "--pid 100,200: pid 200 passes");
	ok(!filter_match_owner(&f, 300, "x", 0), "--pid 100,200: pid 300 does not");
	ok(!filter_match_owner(&f, 100, NULL, 0), "--pid: no known owner does not pass");
	filter_init(&f);
	filter_add_comms(&f, "nginx", err, sizeof(err));
	ok(filter_match_owner(&f, 1, "nginx", 0), "--comm nginx: nginx passes");
	ok(!filter_match_owner(&f, 1, "ngin", 0), "--comm nginx: ngin does not (exact)");
	ok(!filter_match_owner(&f, 1, "nginx2", 0), "--comm nginx: nginx2 does not (exact)");
	ok(!filter_match_owner(&f, 1, "NGINX", 0), "--comm nginx: NGINX does not (case)");
	ok(!filter_match_owner(&f, 1, NULL, 0), "--comm: no known owner does not pass");
	filter_init(&f);
	filter_add_uids(&f, "0,1000", err, sizeof(err));
	ok(filter_match_owner(&f, 1, NULL, 1000), "--uid 0,1000: uid 1000 passes, owner or not");
	ok(!filter_match_owner(&f, 1, "x", 33), "--uid 0,1000: uid 33 does not");
	filter_add_pids(&f, "5", err, sizeof(err));
	filter_add_comms(&f, "sshd,nginx", err, sizeof(err));
	ok(filter_match_owner(&f, 5, "nginx", 0), "--pid 5 --comm sshd,nginx --uid 0,1000: all pass");
	ok(!filter_match_owner(&f, 6, "nginx", 0), "...: a wrong pid fails (options are ANDed)");
	ok(!filter_match_owner(&f, 5, "bash", 0), "...: a wrong comm fails");
	ok(!filter_match_owner(&f, 5, "sshd", 7), "...: a wrong uid fails");

	/* filter_init resets a used filter. */
	filter_init(&f);
	ok(!f.nsport && !f.ndport && !f.nsrc && !f.ndst && !f.npid && !f.ncomm && !f.nuid,
	   "filter_init clears every list");
}

/* ---- ports and prefixes in filter_match ----------------------------------- */

static struct tcp_sock sock_of(int family, const char *src, uint16_t sport, const char *dst,
			       uint16_t dport)
{
	struct tcp_sock s;

	memset(&s, 0, sizeof(s));
	s.family = (uint8_t)family;
	s.state = TS_ESTABLISHED;
	s.sport = sport;
	s.dport = dport;
	inet_pton(family, src, s.saddr);
	inet_pton(family, dst, s.daddr);
	return s;
}

static void test_match_ports_prefixes(void)
{
	struct filter f;
	struct tcp_sock s;
	char err[512];

	filter_init(&f);
	filter_add_ports(&f, true, "80,8000-8080", err, sizeof(err));
	s = sock_of(AF_INET, "10.0.0.1", 80, "10.0.0.2", 40000);
	ok(filter_match(&f, &s), "--sport 80,8000-8080: 80 matches");
	s.sport = 8080;
	ok(filter_match(&f, &s), "--sport 80,8000-8080: 8080 matches");
	s.sport = 8081;
	ok(!filter_match(&f, &s), "--sport 80,8000-8080: 8081 does not");
	s.sport = 79;
	ok(!filter_match(&f, &s), "--sport 80,8000-8080: 79 does not");
	filter_add_ports(&f, false, "40000", err, sizeof(err));
	s.sport = 80;
	ok(filter_match(&f, &s), "--sport 80 --dport 40000: both match");
	s.dport = 40001;
	ok(!filter_match(&f, &s), "--sport 80 --dport 40000: dport 40001 does not (AND)");

	filter_init(&f);
	filter_add_ports(&f, false, "0", err, sizeof(err));
	s = sock_of(AF_INET, "0.0.0.0", 80, "0.0.0.0", 0);
	s.state = TS_LISTEN;
	ok(filter_match(&f, &s), "--dport 0: a listener matches");

	filter_init(&f);
	filter_add_prefix(&f, true, "127.0.0.0/8", err, sizeof(err));
	s = sock_of(AF_INET, "127.0.0.5", 1, "10.0.0.1", 2);
	ok(filter_match(&f, &s), "--src 127.0.0.0/8: 127.0.0.5 matches");
	s = sock_of(AF_INET, "128.0.0.5", 1, "127.0.0.1", 2);
	ok(!filter_match(&f, &s), "--src 127.0.0.0/8: 128.0.0.5 does not (dst is not src)");
	s = sock_of(AF_INET6, "::ffff:127.0.0.1", 1, "::1", 2);
	ok(filter_match(&f, &s), "--src 127.0.0.0/8: v4-mapped ::ffff:127.0.0.1 matches");
	s = sock_of(AF_INET6, "::1", 1, "::1", 2);
	ok(!filter_match(&f, &s), "--src 127.0.0.0/8: ::1 does not");
	s = sock_of(AF_INET6, "::127.0.0.1", 1, "::1", 2);
	ok(!filter_match(&f, &s), "--src 127.0.0.0/8: v4-compatible ::127.0.0.1 does not");
	s = sock_of(AF_INET6, "::fffe:127.0.0.1", 1, "::1", 2);
	ok(!filter_match(&f, &s), "--src 127.0.0.0/8: ::fffe:127.0.0.1 does not");

	filter_init(&f);
	filter_add_prefix(&f, true, "0.0.0.0/0", err, sizeof(err));
	s = sock_of(AF_INET, "1.2.3.4", 1, "1.2.3.4", 2);
	ok(filter_match(&f, &s), "--src 0.0.0.0/0: any IPv4 matches");
	s = sock_of(AF_INET6, "::ffff:1.2.3.4", 1, "::1", 2);
	ok(filter_match(&f, &s), "--src 0.0.0.0/0: v4-mapped matches");
	s = sock_of(AF_INET6, "2001:db8::1", 1, "::1", 2);
	ok(!filter_match(&f, &s), "--src 0.0.0.0/0: native IPv6 does not");

	filter_init(&f);
	filter_add_prefix(&f, false, "::1,2001:db8::/32", err, sizeof(err));
	s = sock_of(AF_INET6, "::1", 1, "2001:db8:ff::7", 2);
	ok(filter_match(&f, &s), "--dst ::1,2001:db8::/32: 2001:db8:ff::7 matches");
	s = sock_of(AF_INET6, "::1", 1, "2001:db9::7", 2);
	ok(!filter_match(&f, &s), "--dst ::1,2001:db8::/32: 2001:db9::7 does not");
	s = sock_of(AF_INET, "127.0.0.1", 1, "127.0.0.1", 2);
	ok(!filter_match(&f, &s), "--dst ::1: an AF_INET socket never matches an IPv6 prefix");
	s = sock_of(AF_INET6, "::1", 1, "::ffff:1.2.3.4", 2);
	ok(!filter_match(&f, &s), "--dst ::1,2001:db8::/32: ::ffff:1.2.3.4 does not");

	filter_init(&f);
	filter_add_prefix(&f, true, "10.0.0.0/8", err, sizeof(err));
	filter_add_prefix(&f, false, "192.168.0.0/16", err, sizeof(err));
	filter_add_ports(&f, false, "443", err, sizeof(err));
	s = sock_of(AF_INET, "10.9.9.9", 5555, "192.168.3.3", 443);
	ok(filter_match(&f, &s), "--src, --dst and --dport: all match");
	s.dport = 80;
	ok(!filter_match(&f, &s), "--src, --dst and --dport: a wrong port fails");
	f.families = FILTER_V6;
	s.dport = 443;
	ok(!filter_match(&f, &s), "-6 with an IPv4 prefix: an AF_INET socket fails on family");
}

int main(void)
{
	test_words();
	test_default_and_union();
	test_errors();
	test_match();
	test_ports();
	test_prefixes();
	test_owners();
	test_match_ports_prefixes();
	return done_testing();
}

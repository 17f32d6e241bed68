// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * counters: the names table; the sockstat and pair parsers on constructed
 * text (every malformed form leaves the value unknown or untouched, never a
 * made-up number, and nothing is read past the text); a 10,000-field line;
 * every counter's column in a real TcpExt header; counters_read() over the
 * fixture trees in $FIXTURES/proc, over files written here (a NUL byte, more
 * than the 1 MiB read bound) and over this machine's /proc; counters_delta().
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "counters.h"
#include "tap.h"
#include "util.h"

/* A value no parser writes: "untouched" in the tables below. */
#define SENTINEL 0xdeadbeefULL
#define U (-1)      /* expect unknown */
#define T (-2)      /* expect untouched: still known == true, v == SENTINEL */
#define MAXV (-3)   /* expect UINT64_MAX */

static void fill_sentinel(struct counters *c)
{
	unsigned int id;

	for (id = 0; id < CTR_COUNT; id++)
		c->c[id] = (struct counter_value){ .known = true, .v = SENTINEL };
}

/* Whether counter @id is as @want says (a value >= 0, U, T or MAXV). */
static bool is_as(const struct counters *c, enum counter_id id, long long want)
{
	const struct counter_value *v = &c->c[id];

	switch (want) {
	case U: return !v->known;
	case T: return v->known && v->v == SENTINEL;
	case MAXV: return v->known && v->v == UINT64_MAX;
	default: return v->known && v->v == (uint64_t)want;
	}
}

static void show(const struct counters *c, enum counter_id id, long long want)
{
	tap_diag("%s %s: known %d v %" PRIu64 ", want %lld", counters_group(id),
		 counters_name(id), c->c[id].known, c->c[id].v, want);
}

/* Every counter not in @ids[0..n) is untouched. */
static bool rest_untouched(const struct counters *c, const enum counter_id *ids, size_t n)
{
	unsigned int id;
	size_t i;

	for (id = 0; id < CTR_COUNT; id++) {
		for (i = 0; i < n && ids[i] != id; i++)
			;
		if (i == n && !is_as(c, id, T)) {
			show(c, id, T);
			return false;
		}
	}
	return true;
}

static void test_names(void)
{
	static const char *const groups[] = { "sockstat", "sockstat6", "TcpExt", "Tcp" };
	unsigned int id, j, gauges = 0;
	bool named = true, unique = true;

	is_str(counters_name(CTR_LISTEN_OVERFLOWS), "ListenOverflows", "ListenOverflows name");
	is_str(counters_group(CTR_LISTEN_OVERFLOWS), "TcpExt", "ListenOverflows is TcpExt");
	is_str(counters_name(CTR_REQQ_FULL_DO_COOKIES), "TCPReqQFullDoCookies",
	       "TCPReqQFullDoCookies name");
	is_str(counters_name(CTR_TW_OVERFLOW), "TCPTimeWaitOverflow", "TCPTimeWaitOverflow name");
	is_str(counters_name(CTR_TW), "TW", "TW name");
	is_str(counters_name(CTR_ACTIVE_OPENS), "ActiveOpens", "ActiveOpens name");
	is_str(counters_group(CTR_OUT_RSTS), "Tcp", "OutRsts is Tcp");
	is_str(counters_name(CTR_SOCKSTAT_TCP_MEM), "mem", "sockstat mem name");
	is_str(counters_group(CTR_SOCKSTAT_TCP_MEM), "sockstat", "sockstat group");
	is_str(counters_name(CTR_SOCKSTAT_TCP6_INUSE), "inuse", "sockstat6 inuse name");
	is_str(counters_group(CTR_SOCKSTAT_TCP6_INUSE), "sockstat6", "sockstat6 group");
	for (id = 0; id < CTR_COUNT; id++) {
		const char *n = counters_name(id), *g = counters_group(id);

		for (j = 0; g && j < ARRAY_SIZE(groups) && strcmp(g, groups[j]); j++)
			;
		if (!n || !*n || !g || j == ARRAY_SIZE(groups)) {
			named = false;
			tap_diag("id %u: bad name or group", id);
			continue;
		}
		for (j = 0; j < id; j++)
			if (!strcmp(n, counters_name(j)) && !strcmp(g, counters_group(j)))
				unique = false;
		gauges += counters_is_gauge(id);
	}
	ok(named, "every counter has a name and one of the four groups");
	ok(unique, "no two counters share a group and a name");
	is_int(gauges, 7, "seven gauges: the six of sockstat and CurrEstab");
	ok(counters_is_gauge(CTR_CURR_ESTAB) && counters_is_gauge(CTR_SOCKSTAT_TCP_ORPHAN) &&
	   !counters_is_gauge(CTR_LISTEN_OVERFLOWS) && !counters_is_gauge(CTR_ACTIVE_OPENS),
	   "CurrEstab and orphan are gauges, ListenOverflows and ActiveOpens are not");
	ok(!counters_name(CTR_COUNT) && !counters_group(CTR_COUNT) &&
	   !counters_is_gauge(CTR_COUNT) && !counters_name((enum counter_id)-1),
	   "an id outside the enum has no name, no group, is no gauge");
}

/* ---- sockstat -------------------------------------------------------------- */

struct ss_case {
	const char *text;
	size_t len;                 /* bytes of text, for embedded NULs; 0: strlen */
	long long want[5];          /* inuse orphan tw alloc mem */
	const char *what;
};

static void test_sockstat(void)
{
	static const char nul[] = "TCP: inuse 4\0 orphan 1\n";
	static const struct ss_case cases[] = {
		{ "sockets: used 14\nTCP: inuse 4 orphan 0 tw 0 alloc 4 mem 213\n"
		  "UDP: inuse 0 mem 0\n",
		  0, { 4, 0, 0, 4, 213 }, "a real file" },
		{ "TCP: inuse 4 orphan 0 tw 0 alloc 4 mem 213", 0, { T, T, T, T, T },
		  "no newline at the end: the line may be cut short" },
		{ "sockets: used 1\nTCP: inuse 4 orphan 0 tw 0 alloc 4 mem 21", 0,
		  { T, T, T, T, T },
		  "the last line cut short" },
		{ "", 0, { T, T, T, T, T }, "empty" },
		{ "\n\n", 0, { T, T, T, T, T }, "blank lines" },
		{ "TCP: inuse 4 orphan\n", 0, { T, T, T, T, T }, "a key without a value" },
		{ "TCP: inuse \n", 0, { T, T, T, T, T }, "a key and a blank" },
		{ "TCP: inuse -4 orphan 18446744073709551616 tw 0x1 "
		  "alloc 18446744073709551615 mem +2\n",
		  0, { U, U, U, MAXV, U }, "negative, overflow, hex, UINT64_MAX, a plus sign" },
		{ "TCP: inuse 99999999999999999999999999999 orphan 00\n", 0, { U, 0, T, T, T },
		  "far past UINT64_MAX; leading zeros" },
		{ "TCP: inuse 4 orphan 0 tw 0 alloc 4 mem 213\r\n", 0, { T, T, T, T, T },
		  "CRLF spoils the line" },
		{ "TCP:\tinuse\t4  orphan 1\t\n", 0, { 4, 1, T, T, T }, "tabs and double blanks" },
		{ "TCP6: inuse 4\nTCPX: inuse 4\ntcp: inuse 4\nUDP: inuse 9 mem 9\n", 0,
		  { T, T, T, T, T }, "TCP6:, TCPX:, tcp: and UDP: lines are not TCP:" },
		{ "UDP: inuse 9 mem 9\nTCP: inuse 1\n", 0, { 1, T, T, T, T },
		  "UDP's mem is not TCP's" },
		{ "TCP: inuse 4 bogus 7 orphan 2\n", 0, { 4, 2, T, T, T },
		  "an unknown key is skipped" },
		{ "TCP: inuse 4\nTCP: inuse 5\n", 0, { 5, T, T, T, T }, "the last line wins" },
		{ "TCP: inuse 4 inuse x\n", 0, { U, T, T, T, T }, "the last value of a key wins" },
		{ "TCP: 4 inuse\n", 0, { T, T, T, T, T }, "value before key: no key '4'" },
		{ "TCP: inuse 1\001\n", 0, { T, T, T, T, T },
		  "a control character spoils the line" },
		{ nul, sizeof(nul) - 1, { T, T, T, T, T }, "a NUL ends the text mid-line" },
	};
	static const enum counter_id ids[5] = {
		CTR_SOCKSTAT_TCP_INUSE, CTR_SOCKSTAT_TCP_ORPHAN, CTR_SOCKSTAT_TCP_TW,
		CTR_SOCKSTAT_TCP_ALLOC, CTR_SOCKSTAT_TCP_MEM,
	};
	struct counters c;
	char name[200];
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		bool good = true;

		fill_sentinel(&c);
		counters_parse_sockstat(cases[i].text, &c);
		for (k = 0; k < 5; k++)
			if (!is_as(&c, ids[k], cases[i].want[k])) {
				show(&c, ids[k], cases[i].want[k]);
				good = false;
			}
		snprintf(name, sizeof(name), "sockstat: %s", cases[i].what);
		ok(good && rest_untouched(&c, ids, 5), name);
	}
}

static void test_sockstat6(void)
{
	static const struct {
		const char *text;
		long long want;
		const char *what;
	} cases[] = {
		{ "TCP6: inuse 3\nUDP6: inuse 0\n", 3, "a real file" },
		{ "TCP6: inuse 3", T, "no newline" },
		{ "TCP: inuse 3\n", T, "TCP: is sockstat's" },
		{ "TCP6: inuse x\n", U, "a letter" },
		{ "TCP6: inuse 3 extra\n", T, "an odd count of fields" },
		{ "TCP6: inuse 3\r\n", T, "CRLF" },
		{ "", T, "empty" },
		{ "UDP6: inuse 2\nTCP6: inuse 18446744073709551615\n", MAXV, "UINT64_MAX" },
	};
	static const enum counter_id id = CTR_SOCKSTAT_TCP6_INUSE;
	struct counters c;
	char name[200];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		fill_sentinel(&c);
		counters_parse_sockstat6(cases[i].text, &c);
		snprintf(name, sizeof(name), "sockstat6: %s", cases[i].what);
		if (!ok(is_as(&c, id, cases[i].want) && rest_untouched(&c, &id, 1), name))
			show(&c, id, cases[i].want);
	}
}

/* ---- pairs ----------------------------------------------------------------- */

static const enum counter_id pair_ids[] = {
	CTR_LISTEN_OVERFLOWS, CTR_LISTEN_DROPS, CTR_TW, CTR_ACTIVE_OPENS, CTR_CURR_ESTAB,
	CTR_OUT_RSTS,
};

struct pair_case {
	const char *text;
	size_t len;
	long long want[ARRAY_SIZE(pair_ids)]; /* LO LD TW ActiveOpens CurrEstab OutRsts */
	const char *what;
};

static void test_pairs(void)
{
	static const char nul[] = "TcpExt: ListenOverflows\nTcpExt: 5\0\nTcpExt: TW\nTcpExt: 1\n";
	static const struct pair_case cases[] = {
		{ "TcpExt: ListenOverflows ListenDrops\nTcpExt: 3 4\n", 0, { 3, 4, T, T, T, T },
		  "a pair" },
		{ "Tcp: RtoAlgorithm MaxConn ActiveOpens CurrEstab InSegs OutRsts\n"
		  "Tcp: 1 -1 27 7 753 15\n", 0, { T, T, T, 27, 7, 15 }, "Tcp with MaxConn -1" },
		{ "TcpExt: ListenOverflows ListenDrops\nTcpExt: 3 4", 0, { T, T, T, T, T, T },
		  "no newline after the values" },
		{ "TcpExt: ListenOverflows ListenDrops\n", 0, { T, T, T, T, T, T },
		  "a header alone" },
		{ "TcpExt: ListenOverflows ListenDrops\nTcpExt: 3\n", 0, { T, T, T, T, T, T },
		  "a value line shorter than its header" },
		{ "TcpExt: ListenOverflows ListenDrops\nTcpExt: 3 4 5\n", 0, { T, T, T, T, T, T },
		  "a value line longer than its header" },
		{ "TcpExt: ListenOverflows\nIpExt: 3\n", 0, { T, T, T, T, T, T },
		  "header and values of different groups" },
		{ "Tcp: ListenOverflows TW\nTcp: 3 4\n", 0, { T, T, T, T, T, T },
		  "TcpExt names under Tcp" },
		{ "TcpExt: ActiveOpens CurrEstab\nTcpExt: 3 4\n", 0, { T, T, T, T, T, T },
		  "Tcp names under TcpExt" },
		{ "MPTcpExt: TW CurrEstab\nMPTcpExt: 3 4\nIpExt: TW\nIpExt: 5\n", 0,
		  { T, T, T, T, T, T }, "MPTcpExt and IpExt are other groups" },
		{ "TcpExt: ListenOverflows ListenDrops TW\nTcpExt: 1x 2 -3\n", 0,
		  { U, 2, U, T, T, T },
		  "non-numeric and negative values are unknown, the others kept" },
		{ "TcpExt: ListenOverflows ListenDrops\n"
		  "TcpExt: 18446744073709551616 18446744073709551615\n",
		  0, { U, MAXV, T, T, T, T }, "UINT64_MAX + 1 is unknown, UINT64_MAX is not" },
		{ "TcpExt: ListenOverflows ListenDrops\r\nTcpExt: 1 2\r\n", 0, { T, T, T, T, T, T },
		  "CRLF spoils both lines" },
		{ "TcpExt: ListenOverflows\r\nTcpExt: 1\nTcp: ActiveOpens\nTcp: 2\n", 0,
		  { T, T, T, 2, T, T },
		  "a spoilt header: its values pair with nothing, the next pair is read" },
		{ "TcpExt: TW\nIpExt: X\nIpExt: 1\nTcpExt: ListenOverflows\nTcpExt: 5\n", 0,
		  { 5, T, T, T, T, T }, "a header without values is passed over" },
		{ "TcpExt: ListenOverflows\n\nTcpExt: 5\n", 0, { T, T, T, T, T, T },
		  "a blank line between header and values" },
		{ "TcpExt: ListenOverflows\ngarbage\nTcpExt: 5\n", 0, { T, T, T, T, T, T },
		  "a line without a group between header and values" },
		{ "TcpExt: 5\nTcpExt: ListenOverflows\n", 0, { T, T, T, T, T, T },
		  "values before header" },
		{ "TcpExt:ListenOverflows\nTcpExt:5\n", 0, { T, T, T, T, T, T },
		  "no blank after the colon" },
		{ ": ListenOverflows\n: 5\n", 0, { T, T, T, T, T, T }, "an empty group" },
		{ "TcpExt:\tListenOverflows\t TW\nTcpExt:\t1 \t2\n", 0, { 1, T, 2, T, T, T },
		  "tabs and runs of blanks" },
		{ "TcpExt: ListenOverflows TW\nTcpExt: 1 2\nTcpExt: TW\nTcpExt: 3\n", 0,
		  { 1, T, 3, T, T, T }, "a second pair of a group overrides" },
		{ "TcpExt: TW TW\nTcpExt: 1 2\n", 0, { T, T, 2, T, T, T },
		  "a name twice: the last" },
		{ "TcpExt:\nTcpExt:\n", 0, { T, T, T, T, T, T }, "a pair with no fields" },
		{ "", 0, { T, T, T, T, T, T }, "empty" },
		{ "\n\n\n", 0, { T, T, T, T, T, T }, "only newlines" },
		{ "Tcp: MaxConn ActiveOpens\nTcp: -1 7\n", 0, { T, T, T, 7, T, T },
		  "a negative value of a counter not kept does not matter" },
		{ "Tcp: ActiveOpens\nTcp: 7\001\n", 0, { T, T, T, T, T, T },
		  "a control character spoils the value line" },
		{ nul, sizeof(nul) - 1, { T, T, T, T, T, T },
		  "a NUL ends the text: the value line before it is cut, nothing after is read" },
	};
	struct counters c;
	char name[200];
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		bool good = true;

		fill_sentinel(&c);
		counters_parse_pairs(cases[i].text, &c);
		for (k = 0; k < ARRAY_SIZE(pair_ids); k++)
			if (!is_as(&c, pair_ids[k], cases[i].want[k])) {
				show(&c, pair_ids[k], cases[i].want[k]);
				good = false;
			}
		snprintf(name, sizeof(name), "pairs: %s", cases[i].what);
		ok(good && rest_untouched(&c, pair_ids, ARRAY_SIZE(pair_ids)), name);
	}
}

/* A 10,000-field pair with two counters at its far end, on the heap so that
 * ASan and valgrind see any read past it. */
static void test_long_line(void)
{
	enum { N = 10000 };
	size_t cap = (size_t)N * 32 + 128, len = 0;
	char *t = xmalloc(cap);
	struct counters c;
	int i;

	len += (size_t)snprintf(t + len, cap - len, "TcpExt:");
	for (i = 0; i < N; i++)
		len += (size_t)snprintf(t + len, cap - len, " Unlisted%d", i);
	len += (size_t)snprintf(t + len, cap - len, " TCPBacklogDrop ListenOverflows\nTcpExt:");
	for (i = 0; i < N; i++)
		len += (size_t)snprintf(t + len, cap - len, " %d", i);
	len += (size_t)snprintf(t + len, cap - len, " 77 18446744073709551615\n");
	ok(len < cap, "long line: built");
	memset(&c, 0, sizeof(c));
	counters_parse_pairs(t, &c);
	ok(c.c[CTR_BACKLOG_DROP].known && c.c[CTR_BACKLOG_DROP].v == 77,
	   "long line: TCPBacklogDrop after 10000 fields");
	ok(c.c[CTR_LISTEN_OVERFLOWS].known && c.c[CTR_LISTEN_OVERFLOWS].v == UINT64_MAX,
	   "long line: ListenOverflows last");
	/* The same without its final newline: nothing. */
	t[len - 1] = '\0';
	memset(&c, 0, sizeof(c));
	counters_parse_pairs(t, &c);
	ok(!c.c[CTR_BACKLOG_DROP].known && !c.c[CTR_LISTEN_OVERFLOWS].known,
	   "long line: cut before its newline, nothing");
	free(t);
}

/* ---- files ----------------------------------------------------------------- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	buf = xmalloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * Every TcpExt counter in its own column: the real header from the host
 * fixture, values 1, 2, 3 ... by column; each counter must get its column's.
 */
static void test_real_header(const char *fixtures)
{
	char path[PATH_MAX], *file, *hdr, *text, *p, *save = NULL;
	size_t n = 0, len = 0, cap;
	struct counters c;
	unsigned int id;
	bool good = true;

	snprintf(path, sizeof(path), "%s/proc/host/net/netstat", fixtures);
	file = slurp(path);
	if (!ok(file && !strncmp(file, "TcpExt: ", 8), "real header: read the host netstat")) {
		free(file);
		return;
	}
	hdr = xstrdup(file);
	hdr[strcspn(hdr, "\n")] = '\0';
	cap = strlen(hdr) * 2 + 64;
	text = xmalloc(cap);
	len = (size_t)snprintf(text, cap, "%s\nTcpExt:", hdr);
	for (p = strtok_r(hdr + 8, " ", &save); p; p = strtok_r(NULL, " ", &save))
		len += (size_t)snprintf(text + len, cap - len, " %zu", ++n);
	snprintf(text + len, cap - len, "\n");
	memset(&c, 0, sizeof(c));
	counters_parse_pairs(text, &c);

	/* Find each counter's column again, in a fresh copy of the header. */
	for (id = 0; id < CTR_COUNT; id++) {
		size_t col = 0, at = 0;

		if (strcmp(counters_group(id), "TcpExt"))
			continue;
		save = NULL;
		free(hdr);
		hdr = xstrdup(file);
		hdr[strcspn(hdr, "\n")] = '\0';
		for (p = strtok_r(hdr + 8, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
			col++;
			if (!strcmp(p, counters_name(id)))
				at = col;
		}
		if (!at || !c.c[id].known || c.c[id].v != at) {
			tap_diag("%s: column %zu, got known %d v %" PRIu64, counters_name(id), at,
				 c.c[id].known, c.c[id].v);
			good = false;
		}
	}
	tap_diag("real header: %zu TcpExt fields", n);
	ok(n > 100, "real header: over 100 TcpExt fields on this kernel");
	ok(good, "real header: every TcpExt counter took its own column's value");
	free(hdr);
	free(text);
	free(file);
}

/* Expected value of every counter in a tree, in enum order; U unknown. */
struct tree_case {
	const char *tree;
	long long want[CTR_COUNT];
};

static void check_tree(const char *root, const char *label, const long long *want)
{
	struct counters c;
	char name[300];
	unsigned int id;

	memset(&c, 0xa5, sizeof(c));
	counters_read(root, &c);
	for (id = 0; id < CTR_COUNT; id++) {
		if (want[id] == U)
			snprintf(name, sizeof(name), "%s: %s %s is unknown", label,
				 counters_group(id), counters_name(id));
		else
			snprintf(name, sizeof(name), "%s: %s %s = %lld", label, counters_group(id),
				 counters_name(id), want[id]);
		if (!ok(is_as(&c, id, want[id]), name))
			show(&c, id, want[id]);
	}
}

/* The host fixture (this machine, kernel 6.18) as copied. */
static void host_values(long long *w)
{
	unsigned int id;

	for (id = 0; id < CTR_COUNT; id++)
		w[id] = 0;
	w[CTR_SOCKSTAT_TCP_INUSE] = 4;
	w[CTR_SOCKSTAT_TCP_ALLOC] = 4;
	w[CTR_SOCKSTAT_TCP_MEM] = 213;
	w[CTR_ABORT_ON_DATA] = 1;
	w[CTR_TW] = 12;
	w[CTR_TIMEOUTS] = 2;
	w[CTR_ACTIVE_OPENS] = 27;
	w[CTR_PASSIVE_OPENS] = 15;
	w[CTR_ESTAB_RESETS] = 26;
	w[CTR_OUT_RSTS] = 15;
}

static void test_fixtures(const char *fixtures)
{
	long long w[CTR_COUNT];
	char root[PATH_MAX];
	unsigned int id;

	snprintf(root, sizeof(root), "%s/proc/host", fixtures);
	host_values(w);
	check_tree(root, "host", w);

	/* A fresh child netns: its own MIBs (all zero), but sockstat's alloc
	 * and mem are GLOBAL and show the host's. */
	for (id = 0; id < CTR_COUNT; id++)
		w[id] = 0;
	w[CTR_SOCKSTAT_TCP_ALLOC] = 4;
	w[CTR_SOCKSTAT_TCP_MEM] = 213;
	snprintf(root, sizeof(root), "%s/proc/child-netns", fixtures);
	check_tree(root, "child-netns", w);

	/* A kernel without the TCPReqQFull* counters (before 3.2). */
	host_values(w);
	w[CTR_REQQ_FULL_DO_COOKIES] = w[CTR_REQQ_FULL_DROP] = U;
	snprintf(root, sizeof(root), "%s/proc/old-kernel", fixtures);
	check_tree(root, "old-kernel", w);

	/* broken: see the files. */
	for (id = 0; id < CTR_COUNT; id++)
		w[id] = U;
	w[CTR_SOCKSTAT_TCP_ALLOC] = 4;
	w[CTR_SOCKSTAT_TCP_MEM] = 213;
	w[CTR_PASSIVE_OPENS] = MAXV;
	w[CTR_CURR_ESTAB] = 0;
	w[CTR_RETRANS_SEGS] = 7;
	w[CTR_OUT_RSTS] = 15;
	snprintf(root, sizeof(root), "%s/proc/broken", fixtures);
	check_tree(root, "broken", w);

	for (id = 0; id < CTR_COUNT; id++)
		w[id] = U;
	snprintf(root, sizeof(root), "%s/proc/no-such-tree", fixtures);
	check_tree(root, "no-such-tree", w);
}

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		abort();
	}
}

/* Files counters_read() must bound: a NUL byte, more than 1 MiB. */
static void test_read_bounds(void)
{
	static const char pair[] = "TcpExt: ListenOverflows\nTcpExt: 9\n";
	static const char nul_file[] = "TcpExt: ListenOverflows\nTcpExt: 9\n\0Tcp: ActiveOpens\n"
				       "Tcp: 3\n";
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX], net[PATH_MAX + 8], path[PATH_MAX + 32];
	size_t big = 2u << 20, i;
	struct counters c;
	char *buf;

	snprintf(dir, sizeof(dir), "%s/test_counters.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		skip("read bounds: no temporary directory");
		return;
	}
	snprintf(net, sizeof(net), "%s/net", dir);
	mkdir(net, 0700);

	/* A NUL byte: the file is not parsed at all, not even before it. */
	snprintf(path, sizeof(path), "%s/netstat", net);
	write_file(path, nul_file, sizeof(nul_file) - 1);
	counters_read(dir, &c);
	ok(!c.c[CTR_LISTEN_OVERFLOWS].known && !c.c[CTR_ACTIVE_OPENS].known,
	   "read: a file with a NUL byte is not parsed");

	/* A pair, then 2 MiB of filler: the pair is within the bound. */
	buf = xmalloc(big);
	memcpy(buf, pair, sizeof(pair) - 1);
	for (i = sizeof(pair) - 1; i < big; i++)
		buf[i] = (i % 64 == 63) ? '\n' : 'x';
	write_file(path, buf, big);
	counters_read(dir, &c);
	ok(c.c[CTR_LISTEN_OVERFLOWS].known && c.c[CTR_LISTEN_OVERFLOWS].v == 9,
	   "read: a pair at the start of a 2 MiB file");

	/* 2 MiB of filler, then the pair: past the bound, so not read. */
	for (i = 0; i < big - (sizeof(pair) - 1); i++)
		buf[i] = (i % 64 == 63) ? '\n' : 'x';
	memcpy(buf + i, pair, sizeof(pair) - 1);
	write_file(path, buf, big);
	counters_read(dir, &c);
	ok(!c.c[CTR_LISTEN_OVERFLOWS].known, "read: a pair past 1 MiB is not read");

	/* A pair whose value line straddles the 1 MiB bound: cut, so unknown. */
	for (i = 0; i < big; i++)
		buf[i] = (i % 64 == 63) ? '\n' : 'x';
	i = (1u << 20) - 37; /* the bound falls after "TcpExt: 12345" */
	buf[i - 1] = '\n';
	memcpy(buf + i, "TcpExt: ListenOverflows\nTcpExt: 12345678901234\n", 47);
	write_file(path, buf, big);
	counters_read(dir, &c);
	ok(!c.c[CTR_LISTEN_OVERFLOWS].known, "read: a value line cut by the 1 MiB bound");

	/* The same just inside the bound is read. */
	i = (1u << 20) - 47 - 64;
	buf[i - 1] = '\n';
	memcpy(buf + i, "TcpExt: ListenOverflows\nTcpExt: 12345678901234\n", 47);
	write_file(path, buf, big);
	counters_read(dir, &c);
	ok(c.c[CTR_LISTEN_OVERFLOWS].known && c.c[CTR_LISTEN_OVERFLOWS].v == 12345678901234ULL,
	   "read: the same pair inside the bound");
	free(buf);

	/* An empty file, and a directory where a file should be. */
	write_file(path, "", 0);
	snprintf(path, sizeof(path), "%s/snmp", net);
	mkdir(path, 0700);
	counters_read(dir, &c);
	ok(!c.c[CTR_LISTEN_OVERFLOWS].known && !c.c[CTR_ACTIVE_OPENS].known,
	   "read: an empty netstat, a directory for snmp");
	rmdir(path);
	snprintf(path, sizeof(path), "%s/netstat", net);
	unlink(path);
	rmdir(net);
	rmdir(dir);
}

static void test_real_proc(void)
{
	struct counters c, d;
	unsigned int id, known = 0;

	counters_read(NULL, &c);
	counters_read("/proc", &d);
	for (id = 0; id < CTR_COUNT; id++)
		known += c.c[id].known;
	tap_diag("/proc: %u of %u counters known", known, (unsigned int)CTR_COUNT);
	if (access("/proc/net/netstat", R_OK)) {
		skip("/proc: no /proc/net/netstat here");
		return;
	}
	ok(c.c[CTR_SOCKSTAT_TCP_INUSE].known && c.c[CTR_SOCKSTAT_TCP6_INUSE].known,
	   "/proc: sockstat and sockstat6 inuse known");
	ok(c.c[CTR_LISTEN_OVERFLOWS].known && c.c[CTR_TW].known && c.c[CTR_TIMEOUTS].known,
	   "/proc: TcpExt ListenOverflows, TW, TCPTimeouts known");
	ok(c.c[CTR_ACTIVE_OPENS].known && c.c[CTR_CURR_ESTAB].known && c.c[CTR_OUT_RSTS].known,
	   "/proc: Tcp ActiveOpens, CurrEstab, OutRsts known");
	is_int(known, CTR_COUNT, "/proc: every counter known on this kernel");
	ok(d.c[CTR_ACTIVE_OPENS].known && d.c[CTR_ACTIVE_OPENS].v >= c.c[CTR_ACTIVE_OPENS].v,
	   "/proc: a NULL root reads /proc (ActiveOpens did not go backwards)");
}

static void test_delta(void)
{
	struct counters a, b;
	uint64_t d = 42;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.c[CTR_LISTEN_OVERFLOWS] = (struct counter_value){ .known = true, .v = 10 };
	b.c[CTR_LISTEN_OVERFLOWS] = (struct counter_value){ .known = true, .v = 15 };
	ok(counters_delta(&a, &b, CTR_LISTEN_OVERFLOWS, &d) && d == 5, "delta: 15 - 10 = 5");
	d = 42;
	ok(counters_delta(&a, &a, CTR_LISTEN_OVERFLOWS, &d) && d == 0, "delta: unchanged is 0");
	d = 42;
	ok(!counters_delta(&b, &a, CTR_LISTEN_OVERFLOWS, &d) && d == 42,
	   "delta: gone backwards (a reset) is false, *delta untouched");
	a.c[CTR_TW] = (struct counter_value){ .known = false };
	b.c[CTR_TW] = (struct counter_value){ .known = true, .v = 3 };
	ok(!counters_delta(&a, &b, CTR_TW, &d) && d == 42, "delta: unknown before");
	ok(!counters_delta(&b, &a, CTR_TW, &d) && d == 42, "delta: unknown after");
	a.c[CTR_CURR_ESTAB] = (struct counter_value){ .known = true, .v = 1 };
	b.c[CTR_CURR_ESTAB] = (struct counter_value){ .known = true, .v = 5 };
	ok(!counters_delta(&a, &b, CTR_CURR_ESTAB, &d) && d == 42, "delta: a gauge is false");
	a.c[CTR_SOCKSTAT_TCP_INUSE] = (struct counter_value){ .known = true, .v = 1 };
	b.c[CTR_SOCKSTAT_TCP_INUSE] = (struct counter_value){ .known = true, .v = 5 };
	ok(!counters_delta(&a, &b, CTR_SOCKSTAT_TCP_INUSE, &d) && d == 42,
	   "delta: sockstat inuse is a gauge");
	a.c[CTR_RETRANS_SEGS] = (struct counter_value){ .known = true, .v = 0 };
	b.c[CTR_RETRANS_SEGS] = (struct counter_value){ .known = true, .v = UINT64_MAX };
	ok(counters_delta(&a, &b, CTR_RETRANS_SEGS, &d) && d == UINT64_MAX,
	   "delta: 0 to UINT64_MAX");
	d = 42;
	ok(!counters_delta(&a, &b, CTR_COUNT, &d) && d == 42, "delta: an id outside the enum");
}

int main(void)
{
	const char *fixtures = getenv("FIXTURES");

	test_names();
	test_sockstat();
	test_sockstat6();
	test_pairs();
	test_long_line();
	if (ok(fixtures && *fixtures, "FIXTURES is set (make check sets it to tests/fixtures)")) {
		test_real_header(fixtures);
		test_fixtures(fixtures);
	} else {
		tap_diag("set FIXTURES=<srcdir>/tests/fixtures to run the fixture tree tests");
	}
	test_read_bounds();
	test_real_proc();
	test_delta();
	return done_testing();
}

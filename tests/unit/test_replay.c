// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replaying recordings: diag_open_replay() + diag_dump() over files written
 * here (several dumps, truncated ones, ones larger than diag's 64 KiB read
 * buffer so messages straddle a refill), collect_snapshot() over a recording,
 * and every *.nl recording in $FIXTURES if there is one.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include "collect.h"
#include "diag.h"
#include "diag_parse.h"
#include "filter.h"
#include "nlbuild.h"
#include "snapshot.h"
#include "tap.h"
#include "util.h"

/* diag.c's read buffer (DIAG_BUFSIZE, private to it). The big-file tests
 * place message boundaries around this offset. */
#define REPLAY_BUF (64u * 1024u)

static char g_dir[200];

static char *tmp_path(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", g_dir, name);
	return path;
}

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		abort();
	}
}

/* Callback: parse each message, remember the cookies in order. */
struct seen {
	uint64_t *cookies;
	size_t n, cap;
	unsigned int parse_errors;
	unsigned int fail_at;
};

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct seen *sn = data;
	struct tcp_sock t;

	if (diag_parse(nlh, &t)) {
		sn->parse_errors++;
		t.cookie = 0;
	}
	if (sn->n == sn->cap) {
		sn->cap = sn->cap ? 2 * sn->cap : 64;
		sn->cookies = xreallocarray(sn->cookies, sn->cap, sizeof(*sn->cookies));
	}
	sn->cookies[sn->n++] = t.cookie;
	return sn->fail_at && sn->n == sn->fail_at ? -EINTR : 0;
}

static void seen_reset(struct seen *sn)
{
	free(sn->cookies);
	memset(sn, 0, sizeof(*sn));
}

/* Cookies @first .. @first+@n-1 were seen, in order, each once. */
static int seen_run(const struct seen *sn, size_t from, size_t n, uint64_t first)
{
	size_t i;

	if (sn->n < from + n)
		return 0;
	for (i = 0; i < n; i++)
		if (sn->cookies[from + i] != first + i)
			return 0;
	return 1;
}

static void put_socks(struct nlb *b, unsigned int n, uint64_t first_cookie)
{
	unsigned int i;
	struct nl_sock s;

	for (i = 0; i < n; i++) {
		s = nl_simple(i % 3 ? AF_INET : AF_INET6, TS_ESTABLISHED, ST_NONE, 1 + i,
			      first_cookie + i);
		nlb_sock(b, &s);
	}
}

static int dump(struct diag *d, struct seen *sn, struct diag_stats *st)
{
	struct diag_request req = { .family = AF_INET, .states = 0xfff };

	memset(st, 0, sizeof(*st));
	return diag_dump(d, &req, on_msg, sn, st);
}

static void test_open(void)
{
	struct diag *d = (struct diag *)&d;   /* must stay untouched on error */
	unsigned char buf[64];
	struct diag_stats st;
	struct seen sn = { 0 };

	is_int(diag_open_replay(&d, tmp_path("does-not-exist.nl")), -ENOENT,
	       "replay of a missing file: -ENOENT");
	ok(d == (struct diag *)&d, "replay of a missing file: *out untouched");

	write_file(tmp_path("empty.nl"), buf, 0);
	is_int(diag_open_replay(&d, tmp_path("empty.nl")), 0, "empty recording: opens");
	ok(diag_is_replay(d), "diag_is_replay()");
	is_int(diag_record(d, tmp_path("rec.nl")), -EINVAL, "diag_record() on a replay: -EINVAL");
	ok(access(tmp_path("rec.nl"), F_OK) != 0, "diag_record() on a replay: no file made");
	is_int(dump(d, &sn, &st), -ENODATA, "empty recording: -ENODATA at once");
	is_int(dump(d, &sn, &st), -ENODATA, "empty recording: -ENODATA again");
	is_int(diag_close(d), 0, "diag_close() of a replay: 0");
	is_int(diag_close(NULL), 0, "diag_close(NULL): 0");
	seen_reset(&sn);
}

static void test_dumps(void)
{
	static unsigned char buf[32768];
	struct diag_stats st;
	struct seen sn = { 0 };
	struct diag *d;
	struct nlb b;

	/* Three dumps: 3 sockets, 2 sockets, none. */
	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 3, 100);
	nlb_done(&b, 0);
	put_socks(&b, 2, 200);
	nlb_done(&b, 0);
	nlb_done(&b, 0);
	write_file(tmp_path("three.nl"), buf, b.len);

	if (!ok(!diag_open_replay(&d, tmp_path("three.nl")), "three dumps: opens"))
		return;
	is_int(dump(d, &sn, &st), 0, "dump 1: 0");
	ok(sn.n == 3 && seen_run(&sn, 0, 3, 100), "dump 1: its 3 sockets, in order");
	is_u64(st.messages, 3, "dump 1: stats.messages 3");
	is_int(dump(d, &sn, &st), 0, "dump 2: 0");
	ok(sn.n == 5 && seen_run(&sn, 3, 2, 200), "dump 2: its 2 sockets");
	is_u64(st.messages, 2, "dump 2: stats.messages 2");
	is_int(dump(d, &sn, &st), 0, "dump 3 (empty): 0");
	ok(sn.n == 5 && st.messages == 0, "dump 3: no socket");
	is_int(dump(d, &sn, &st), -ENODATA, "after the last dump: -ENODATA");
	is_int(dump(d, &sn, &st), -ENODATA, "and -ENODATA again");
	ok(sn.parse_errors == 0 && st.malformed == 0, "three dumps: nothing malformed");
	diag_close(d);
	seen_reset(&sn);

	/* Truncated inside the second dump's second message. */
	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 2, 1);
	nlb_done(&b, 0);
	put_socks(&b, 2, 10);
	write_file(tmp_path("cut.nl"), buf, b.len - 30);
	diag_open_replay(&d, tmp_path("cut.nl"));
	is_int(dump(d, &sn, &st), 0, "cut recording: the whole first dump: 0");
	is_int(dump(d, &sn, &st), -EBADMSG, "cut inside a message: -EBADMSG");
	is_u64(st.malformed, 1, "cut inside a message: counted malformed");
	is_u64(st.messages, 1, "cut inside a message: the whole message before it delivered");
	ok(sn.n == 3 && seen_run(&sn, 0, 2, 1) && seen_run(&sn, 2, 1, 10),
	   "cut inside a message: the partial one never delivered");
	is_int(dump(d, &sn, &st), -ENODATA, "cut recording: then -ENODATA");
	diag_close(d);
	seen_reset(&sn);

	/* Truncated inside a header. */
	write_file(tmp_path("cut-hdr.nl"), buf, b.last + 7);
	diag_open_replay(&d, tmp_path("cut-hdr.nl"));
	dump(d, &sn, &st);
	is_int(dump(d, &sn, &st), -EBADMSG, "cut inside a header: -EBADMSG");
	is_u64(st.malformed, 1, "cut inside a header: counted malformed");
	diag_close(d);
	seen_reset(&sn);

	/* Ends at a message boundary without DONE. */
	write_file(tmp_path("no-done.nl"), buf, b.len);
	diag_open_replay(&d, tmp_path("no-done.nl"));
	dump(d, &sn, &st);
	is_int(dump(d, &sn, &st), -EBADMSG, "last dump without DONE: -EBADMSG");
	ok(sn.n == 4, "last dump without DONE: its whole messages delivered");
	diag_close(d);
	seen_reset(&sn);

	/* A dump answered with NLMSG_ERROR; one ended by a failing callback. */
	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 1, 1);
	nlb_error(&b, -EPERM);
	write_file(tmp_path("eperm.nl"), buf, b.len);
	diag_open_replay(&d, tmp_path("eperm.nl"));
	is_int(dump(d, &sn, &st), -EPERM, "recorded NLMSG_ERROR -EPERM: -EPERM");
	diag_close(d);
	seen_reset(&sn);

	nlb_init(&b, buf, sizeof(buf));
	put_socks(&b, 4, 1);
	nlb_done(&b, 0);
	put_socks(&b, 1, 9);
	nlb_done(&b, 0);
	write_file(tmp_path("cb.nl"), buf, b.len);
	diag_open_replay(&d, tmp_path("cb.nl"));
	sn.fail_at = 2;
	is_int(dump(d, &sn, &st), -EINTR, "callback error: returned by diag_dump");
	is_int(sn.n, 2, "callback error: no more callbacks");
	diag_close(d);
	seen_reset(&sn);
}

/*
 * A recording of @ndumps dumps of varied message sizes, larger than the
 * replay buffer. One message starts exactly @before bytes before the end of
 * the first buffer fill (0: a message ends right at it), so its header or
 * body straddles the refill; with @done_there, that message is the first
 * dump's NLMSG_DONE. Returns the number of sockets per dump in
 * @counts; cookies run from 1 upwards across dumps.
 */
static size_t make_big(unsigned char *buf, size_t cap, size_t before, bool done_there,
		       unsigned int *counts, unsigned int ndumps)
{
	static unsigned char pad[4096];
	struct nl_sock s;
	struct nlb b;
	uint64_t cookie = 1;
	unsigned int dmp, i;
	size_t target = REPLAY_BUF - before, room;
	bool placed = false;

	nlb_init(&b, buf, cap);
	for (dmp = 0; dmp < ndumps; dmp++) {
		counts[dmp] = 0;
		for (i = 0; i < 800 + 300 * dmp; i++) {
			s = nl_simple(i % 2 ? AF_INET6 : AF_INET, TS_ESTABLISHED, ST_NONE, i + 1,
				      cookie);
			s.src = i % 2 ? "2001:db8::5" : "10.0.0.5";
			s.info = pad;
			s.info_len = (i * 37) % 300;
			room = target - b.len;
			if (!placed && b.len <= target && room < nl_sock_size(&s) + 200) {
				/* A filler message ends exactly at the target. */
				s.info_len = room - MNL_ATTR_HDRLEN -
					     (nl_sock_size(&s) -
					      MNL_ALIGN(MNL_ATTR_HDRLEN + s.info_len));
				placed = true;
			}
			nlb_sock(&b, &s);
			cookie++;
			counts[dmp]++;
			if (done_there && b.len == target)
				break;
		}
		nlb_done(&b, 0);
	}
	if (!placed)
		abort();
	return b.len;
}

static int has_boundary(const unsigned char *buf, size_t len, size_t at)
{
	size_t off = 0;

	while (off < len && off < at) {
		const struct nlmsghdr *nlh = (const void *)(buf + off);

		off += MNL_ALIGN(nlh->nlmsg_len);
	}
	return off == at;
}

static void test_big(void)
{
	static const size_t befores[] = { 0, 4, 8, 12, 16, 60 };
	const size_t cap = 4u << 20;
	unsigned char *buf = xmalloc(cap);
	unsigned int counts[3], dmp;
	const struct nlmsghdr *at;
	struct diag_stats st;
	struct seen sn = { 0 };
	char name[128];
	struct diag *d;
	size_t len, i, total;
	int ret;

	for (i = 0; i < 2 * ARRAY_SIZE(befores); i++) {
		bool done_there = i >= ARRAY_SIZE(befores);
		size_t before = befores[i % ARRAY_SIZE(befores)];

		len = make_big(buf, cap, before, done_there, counts, 3);
		snprintf(name, sizeof(name), "big (%zu bytes): %s starts %zu bytes before"
			 " the refill", len, done_there ? "the first DONE" : "a message", before);
		at = (const struct nlmsghdr *)(const void *)(buf + REPLAY_BUF - before);
		ok(len > 2 * REPLAY_BUF && has_boundary(buf, len, REPLAY_BUF - before) &&
		   (!done_there || at->nlmsg_type == NLMSG_DONE), name);
		write_file(tmp_path("big.nl"), buf, len);
		if (diag_open_replay(&d, tmp_path("big.nl")))
			continue;
		total = 0;
		for (dmp = 0; dmp < 3; dmp++) {
			ret = dump(d, &sn, &st);
			snprintf(name, sizeof(name), "big, %zu before: dump %u returns 0 with %u"
				 " messages, none malformed", before, dmp + 1, counts[dmp]);
			ok(ret == 0 && st.messages == counts[dmp] && st.malformed == 0, name);
			total += counts[dmp];
		}
		snprintf(name, sizeof(name), "big, %zu before: all %zu sockets exactly once, in"
			 " order", before, total);
		ok(sn.n == total && seen_run(&sn, 0, total, 1) && !sn.parse_errors, name);
		is_int(dump(d, &sn, &st), -ENODATA, "big: then -ENODATA");
		diag_close(d);
		seen_reset(&sn);
	}

	/* A message bigger than the replay buffer cannot be read whole. */
	{
		struct nlb b;
		struct nl_sock s = nl_simple(AF_INET, TS_ESTABLISHED, ST_NONE, 1, 1);
		static unsigned char pad[60000];

		nlb_init(&b, buf, cap);
		nlb_sock(&b, &s);
		nlb_attr(&b, 100, sizeof(pad), pad);
		nlb_attr(&b, 101, sizeof(pad), pad);
		nlb_done(&b, 0);
		write_file(tmp_path("huge.nl"), buf, b.len);
		if (!diag_open_replay(&d, tmp_path("huge.nl"))) {
			is_int(dump(d, &sn, &st), -EBADMSG,
			       "a 120 KB message (> the buffer): -EBADMSG, no over-read");
			ok(sn.n == 0 && st.malformed >= 1,
			   "a 120 KB message: not delivered, counted malformed");
			diag_close(d);
		}
		seen_reset(&sn);
	}
	free(buf);
}

/* collect_snapshot() over a recording: parsing, dedup and the filter. */
static void test_collect(void)
{
	static unsigned char buf[8192];
	struct filter f;
	struct collect_opts o = { .filter = &f, .replay = tmp_path("collect.nl") };
	struct snapshot snap;
	struct nl_sock s;
	struct nlb b;
	char err[256] = "";
	int ret;

	nlb_init(&b, buf, sizeof(buf));
	s = nl_simple(AF_INET, TS_ESTABLISHED, ST_NONE, 10, 1);
	nlb_sock(&b, &s);
	s = nl_simple(AF_INET, TS_ESTABLISHED, ST_NONE, 0, 2);   /* not accepted */
	nlb_sock(&b, &s);
	nlb_sock(&b, &s);                                         /* repeated */
	s = nl_simple(AF_INET, TS_LISTEN, ST_NONE, 11, 3);
	s.src = "127.0.0.1";
	s.sport = 8080;
	s.rqueue = 3;
	s.wqueue = 2;
	nlb_sock(&b, &s);
	s = nl_simple(AF_INET, TS_TIME_WAIT, ST_TIMEWAIT, 0, 4);
	nlb_sock(&b, &s);
	s = nl_simple(AF_INET, TS_ESTABLISHED, ST_NONE, 12, 5);
	nlb_sock(&b, &s);
	((struct inet_diag_msg *)mnl_nlmsg_get_payload(nlb_last(&b)))->idiag_state = 200;
	nlb_done(&b, 0);
	s = nl_simple(AF_INET6, TS_FIN_WAIT2, ST_TIMEWAIT, 0, 6);
	nlb_sock(&b, &s);
	s = nl_simple(AF_INET6, TS_CLOSE, ST_NONE, 13, 7);
	nlb_sock(&b, &s);
	nlb_done(&b, 0);
	write_file(o.replay, buf, b.len);

	filter_init(&f);
	ret = collect_snapshot(&o, &snap, err, sizeof(err));
	is_int(ret, 0, "collect over a recording: 0");
	if (ret)
		tap_diag("%s", err);
	ok(snap.replay, "collect: snapshot marked as replay");
	is_u64(snap.messages, 8, "collect: 8 messages");
	is_u64(snap.duplicates, 1, "collect: the repeated cookie dropped once");
	is_u64(snap.malformed, 1, "collect: the state-200 message counted malformed");
	is_u64(snap.count[SNAP_V4][TS_ESTABLISHED], 2, "collect: 2 established");
	is_u64(snap.not_accepted[TS_ESTABLISHED], 1, "collect: 1 not accepted");
	is_u64(snap.count[SNAP_V4][TS_TIME_WAIT], 1, "collect: 1 time-wait");
	is_u64(snap.fin_wait2_minisocks, 1, "collect: 1 fin-wait-2 minisock (v6)");
	is_u64(snap.count[SNAP_V6][TS_CLOSE], 0,
	       "collect: close not counted without --state close (filtered in userspace)");
	ok(snap.nlisteners == 1 && snap.listeners[0].accept_queue == 3 &&
	   snap.listeners[0].backlog == 2 && snap.listeners[0].port == 8080,
	   "collect: the listener and its queue");
	is_u64(snapshot_total(&snap), 5, "collect: 5 sockets in all");
	snapshot_free(&snap);

	/* -4 --state all */
	filter_init(&f);
	f.families = FILTER_V4;
	filter_add_states(&f, "all", err, sizeof(err));
	collect_snapshot(&o, &snap, err, sizeof(err));
	ok(snap.count[SNAP_V6][TS_FIN_WAIT2] == 0 && snap.count[SNAP_V6][TS_CLOSE] == 0,
	   "collect -4: no ipv6 socket counted");
	is_u64(snapshot_total(&snap), 4, "collect -4 --state all: the 4 ipv4 sockets");
	snapshot_free(&snap);

	filter_init(&f);
	filter_add_states(&f, "close,time-wait", err, sizeof(err));
	collect_snapshot(&o, &snap, err, sizeof(err));
	ok(snapshot_total(&snap) == 2 && snap.count[SNAP_V6][TS_CLOSE] == 1 &&
	   snap.count[SNAP_V4][TS_TIME_WAIT] == 1, "collect --state close,time-wait: 2 sockets");
	ok(snap.nlisteners == 0, "collect --state close,time-wait: no listener");
	snapshot_free(&snap);

	/* A truncated recording, a missing one. */
	write_file(o.replay, buf, b.len - 10);
	filter_init(&f);
	ret = collect_snapshot(&o, &snap, err, sizeof(err));
	is_int(ret, -EBADMSG, "collect over a cut recording: -EBADMSG");
	has_str(err, "truncated or corrupt", "collect over a cut recording: says so");
	snapshot_free(&snap);
	o.replay = tmp_path("missing.nl");
	ret = collect_snapshot(&o, &snap, err, sizeof(err));
	is_int(ret, -ENOENT, "collect over a missing recording: -ENOENT");
	has_str(err, "missing.nl", "collect over a missing recording: names the file");
	snapshot_free(&snap);
}

/* Record this namespace's sockets, replay the recording: the same messages.
 * Skipped where NETLINK_SOCK_DIAG cannot be opened. */
static void test_live_record(void)
{
	struct diag_request req = { .family = AF_INET, .states = 0xffe };
	struct diag_stats st_live, st_rep;
	struct seen live = { 0 }, rep = { 0 };
	struct diag *d;
	int ret, ret6;

	int fds[2] = { -1, -1 };
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t slen = sizeof(sin);

	if (diag_open(&d)) {
		skip("cannot open NETLINK_SOCK_DIAG here");
		return;
	}
	/* A listener with a connection in its accept queue: 3 sockets at least. */
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	fds[1] = socket(AF_INET, SOCK_STREAM, 0);
	if (fds[0] < 0 || fds[1] < 0 || bind(fds[0], (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(fds[0], 4) || getsockname(fds[0], (struct sockaddr *)&sin, &slen) ||
	    connect(fds[1], (struct sockaddr *)&sin, sizeof(sin)))
		tap_diag("could not make loopback sockets");
	ok(!diag_is_replay(d), "live: not a replay");
	is_int(diag_record(d, tmp_path("no/such/dir.nl")), -ENOENT,
	       "diag_record() into a missing directory: -ENOENT");
	is_int(diag_record(d, tmp_path("live.nl")), 0, "diag_record(): 0");
	memset(&st_live, 0, sizeof(st_live));
	ret = diag_dump(d, &req, on_msg, &live, &st_live);
	req.family = AF_INET6;
	ret6 = diag_dump(d, &req, on_msg, &live, &st_live);
	is_int(ret, 0, "live IPv4 dump: 0");
	is_int(ret6, 0, "live IPv6 dump: 0");
	is_int(diag_close(d), 0, "live: diag_close() flushes the recording: 0");
	ok(live.parse_errors == 0 && st_live.malformed == 0, "live: every message parses");
	ok(live.n >= 3, "live: at least our listener, client and queued child");
	close(fds[0]);
	close(fds[1]);

	if (!diag_open_replay(&d, tmp_path("live.nl"))) {
		uint64_t messages;

		ret = dump(d, &rep, &st_rep);
		messages = st_rep.messages;
		ret6 = dump(d, &rep, &st_rep);
		messages += st_rep.messages;
		is_int(ret, 0, "replay of the live recording: first dump 0");
		is_int(ret6, 0, "replay of the live recording: second dump 0");
		is_int(dump(d, &rep, &st_rep), -ENODATA,
		       "replay of the live recording: then -ENODATA");
		if (!ok(rep.n == live.n && messages == st_live.messages &&
			(live.n == 0 ||
			 !memcmp(rep.cookies, live.cookies, live.n * sizeof(uint64_t))),
			"replay of the live recording: the same messages, in order"))
			tap_diag("live: %zu callbacks, %" PRIu64 " messages; replay: %zu callbacks,"
				 " %" PRIu64 " messages", live.n, st_live.messages, rep.n,
				 messages);
		diag_close(d);
	}
	seen_reset(&live);
	seen_reset(&rep);
	unlink(tmp_path("live.nl"));

	/* A recording that cannot be written: diag_close() says so. */
	if (!diag_open(&d)) {
		if (!diag_record(d, "/dev/full")) {
			req.family = AF_INET;
			memset(&st_live, 0, sizeof(st_live));
			diag_dump(d, &req, on_msg, &live, &st_live);
			is_int(diag_close(d), -ENOSPC,
			       "recording to a full disk: diag_close() returns -ENOSPC");
		} else {
			diag_close(d);
			skip("no /dev/full");
		}
		seen_reset(&live);
	}
}

/* A recording looks like one if it starts with a sock_diag reply. */
static int replay_fixture(const char *path)
{
	struct diag_stats st;
	struct seen sn = { 0 };
	struct diag *d;
	unsigned int dumps = 0;
	uint64_t messages = 0, malformed = 0;
	char name[512];
	int ret;

	if (diag_open_replay(&d, path)) {
		snprintf(name, sizeof(name), "fixture %.300s: opens", path);
		ok(0, name);
		return 0;
	}
	while ((ret = dump(d, &sn, &st)) == 0) {
		dumps++;
		messages += st.messages;
		malformed += st.malformed;
	}
	diag_close(d);
	snprintf(name, sizeof(name), "fixture %.300s: %u dumps, %" PRIu64 " messages, replayed to"
		 " the end", path, dumps, messages);
	ok(ret == -ENODATA && dumps > 0, name);
	snprintf(name, sizeof(name), "fixture %.300s: nothing malformed, every message parses",
		 path);
	ok(malformed == 0 && sn.parse_errors == 0 && sn.n == messages, name);
	seen_reset(&sn);
	return 1;
}

static void test_fixtures(void)
{
	const char *dir = getenv("FIXTURES");
	struct dirent *e;
	char path[512];
	int found = 0;
	size_t n;
	DIR *dp;

	if (!dir || !(dp = opendir(dir))) {
		skip("no $FIXTURES directory");
		return;
	}
	while ((e = readdir(dp))) {
		n = strlen(e->d_name);
		if (n < 4 || strcmp(e->d_name + n - 3, ".nl"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		found += replay_fixture(path);
	}
	closedir(dp);
	if (!found)
		skip("no *.nl recording in $FIXTURES");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(g_dir, sizeof(g_dir), "%s/tcpdx-test-replay.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(g_dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_open();
	test_dumps();
	test_big();
	test_collect();
	test_live_record();
	test_fixtures();
	{
		static const char *names[] = { "empty.nl", "three.nl", "cut.nl", "cut-hdr.nl",
					       "no-done.nl", "eperm.nl", "cb.nl", "big.nl",
					       "huge.nl", "collect.nl" };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(names); i++)
			unlink(tmp_path(names[i]));
		rmdir(g_dir);
	}
	return done_testing();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tcpdx list (render_list) on sockets built by hand: the text header and
 * lines exactly (IPv4, IPv6 in the wide layout, listeners, minisocks, owners
 * through a listener, no owner), escaping of process names in text and JSON,
 * the JSON array and NDJSON (through jq(1) when it is installed), empty
 * listings, every --sort key and its tie-breaks, no idle time for SYN-SENT,
 * write errors. And owner attribution through the snapshot, which the listing
 * relies on: children and requests to their listener's owner, orphans and
 * minisocks to the kernel, the owner counters, groups by process and the
 * name of each kind of group.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "filter.h"
#include "groups.h"
#include "owners.h"
#include "render.h"
#include "render_list.h"
#include "snapshot.h"
#include "states.h"
#include "tap.h"

/* ---- helpers -------------------------------------------------------- */

static struct tcp_sock mk(uint8_t family, uint8_t state, uint8_t kind, const char *src,
			  uint16_t sport, const char *dst, uint16_t dport, uint32_t inode,
			  uint64_t cookie)
{
	struct tcp_sock s;

	memset(&s, 0, sizeof(s));
	s.family = family;
	s.state = state;
	s.kind = kind;
	s.has_shutdown = kind == SK_FULL;
	if (inet_pton(family, src, s.saddr) != 1 || inet_pton(family, dst, s.daddr) != 1)
		abort();
	s.sport = sport;
	s.dport = dport;
	s.inode = inode;
	s.cookie = cookie;
	s.uid = 1000;
	return s;
}

static struct tcp_sock v4(uint8_t state, const char *src, uint16_t sport, const char *dst,
			  uint16_t dport, uint32_t inode, uint64_t cookie)
{
	return mk(AF_INET, state, SK_FULL, src, sport, dst, dport, inode, cookie);
}

static void with_info(struct tcp_sock *s, uint32_t data_recv, uint32_t ack_recv)
{
	s->has_info = true;
	s->info_len = sizeof(s->info);
	s->info.tcpi_last_data_recv = data_recv;
	s->info.tcpi_last_ack_recv = ack_recv;
}

/* An output captured in memory. */
struct cap {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *cap_open(struct cap *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	if (!c->f)
		abort();
	return c->f;
}

static char *cap_close(struct cap *c)
{
	fclose(c->f);
	return c->buf;
}

/* Count @sk in @s with owner @o and hand it to the listing, as collect does. */
static int feed(struct snapshot *s, struct list_writer *w, const struct tcp_sock *sk,
		const struct owner *o)
{
	uint32_t pid = snapshot_add_owned(s, sk, o);

	return render_list_socket(sk, o, pid, s, w);
}

/* A whole listing of @n sockets (no owners) in @fmt sorted by @sort. */
static char *listing(enum list_format fmt, enum list_sort sort, bool wide,
		     const struct tcp_sock *socks, size_t n, int *ret)
{
	struct snapshot s;
	struct list_writer *w;
	struct cap c;
	size_t i;

	snapshot_init(&s, FILTER_V4 | FILTER_V6, STATES_DEFAULT_MASK);
	w = render_list_begin(cap_open(&c), fmt, sort, false, wide);
	for (i = 0; i < n; i++)
		feed(&s, w, &socks[i], NULL);
	*ret = render_list_end(w, &s);
	snapshot_free(&s);
	return cap_close(&c);
}

static size_t count_char(const char *s, char ch)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += *s == ch;
	return n;
}

/* The cookies of an NDJSON listing, in order, as "1,2,3". */
static void cookies(const char *nd, char *out, size_t len)
{
	const char *p = nd;
	size_t o = 0;

	out[0] = '\0';
	while ((p = strstr(p, "\"cookie\":"))) {
		unsigned long long v = strtoull(p + 9, NULL, 10);

		o += (size_t)snprintf(out + o, len - o, "%s%llu", o ? "," : "", v);
		if (o >= len)
			break;
		p += 9;
	}
}

/* ---- jq ------------------------------------------------------------- */

static int have_jq = -1;

static bool jq_present(void)
{
	if (have_jq < 0)
		have_jq = system("command -v jq >/dev/null 2>&1") == 0;
	return have_jq;
}

/* jq -e @expr on @json: true if it exits 0. @expr has no single quote. */
static bool jq_true(const char *json, const char *expr)
{
	char path[] = "/tmp/tcpdx-test-list-XXXXXX", cmd[4096];
	FILE *f;
	int fd, rc;

	fd = mkstemp(path);
	if (fd < 0)
		return false;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
		return false;
	}
	fputs(json, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "jq -e '%s' %s >/dev/null 2>&1", expr, path);
	rc = system(cmd);
	unlink(path);
	return rc == 0;
}

/* One test: jq -e @expr holds on @json; skipped without jq. */
static void jq_ok(const char *json, const char *expr, const char *name)
{
	char why[256];

	if (!jq_present()) {
		snprintf(why, sizeof(why), "jq not installed: %s", name);
		skip(why);
	} else if (!ok(jq_true(json, expr), name)) {
		tap_show("json", json, strlen(json));
		tap_show("expr", expr, strlen(expr));
	}
}

/* ---- text ----------------------------------------------------------- */

#define HDR_NARROW                                                                       \
	"STATE         RECV-Q  SEND-Q LOCAL ADDRESS:PORT    PEER ADDRESS:PORT     TIMER  " \
	"           RETR     IDLE\n"
#define HDR_WIDE                                                                         \
	"STATE         RECV-Q  SEND-Q LOCAL ADDRESS:PORT             PEER ADDRESS:PORT   " \
	"           TIMER             RETR     IDLE\n"
#define HDR_OWNERS                                                                       \
	"STATE         RECV-Q  SEND-Q LOCAL ADDRESS:PORT    PEER ADDRESS:PORT     OWNER  " \
	"                  TIMER             RETR     IDLE\n"

static struct tcp_sock estab_v4(void)
{
	struct tcp_sock s = v4(TS_ESTABLISHED, "10.0.0.1", 22, "192.168.1.20", 51234, 4242, 77);

	s.wqueue = 36;
	s.timer = ST_KEEPALIVE;
	s.expires_ms = 45000;
	with_info(&s, 1500, 1400);
	return s;
}

static void test_text(void)
{
	struct tcp_sock t[2];
	char *out;
	int ret;

	t[0] = estab_v4();
	t[1] = v4(TS_LISTEN, "0.0.0.0", 8080, "0.0.0.0", 0, 500, 78);
	t[1].rqueue = 3;
	t[1].wqueue = 128;
	with_info(&t[1], 123456, 123456); /* a listener's idle time means nothing */
	out = listing(LIST_TEXT, SORT_NONE, false, t, 2, &ret);
	is_int(ret, 0, "text: render_list_end 0");
	is_str(out, HDR_NARROW
	       "ESTABLISHED        0      36 10.0.0.1:22           192.168.1.20:51234    "
	       "keepalive,45s        0     1.5s\n"
	       "LISTEN             3     128 0.0.0.0:8080          0.0.0.0:*             "
	       "-                    0        -\n",
	       "text: header, an IPv4 ESTABLISHED line (timer, idle), a LISTEN line (peer *)");
	lacks_str(out, "OWNER", "text: no owner column without owners");
	free(out);

	memset(t, 0, sizeof(t));
	t[0] = mk(AF_INET6, TS_ESTABLISHED, SK_FULL, "2001:db8::1", 443, "2001:db8::2", 60000,
		  600, 1);
	t[0].rqueue = 5;
	t[0].timer = ST_RETRANS;
	t[0].expires_ms = 200;
	t[0].retrans = 2;
	with_info(&t[0], 12345, 10);
	t[1] = mk(AF_INET6, TS_LISTEN, SK_FULL, "::", 443, "::", 0, 601, 2);
	t[1].wqueue = 4096;
	out = listing(LIST_TEXT, SORT_NONE, true, t, 2, &ret);
	is_int(ret, 0, "wide text: render_list_end 0");
	is_str(out, HDR_WIDE
	       "ESTABLISHED        5       0 [2001:db8::1]:443              "
	       "[2001:db8::2]:60000            on,0.2s              2      12s\n"
	       "LISTEN             0    4096 [::]:443                       "
	       "[::]:*                         -                    0        -\n",
	       "wide text: IPv6 ESTABLISHED (on, retrans 2, idle 12s), LISTEN peer [::]:*");
	free(out);

	out = listing(LIST_TEXT, SORT_NONE, false, NULL, 0, &ret);
	is_int(ret, 0, "empty text: render_list_end 0");
	is_str(out, HDR_NARROW, "empty text: only the header");
	free(out);
	out = listing(LIST_TEXT, SORT_STATE, true, NULL, 0, &ret);
	is_str(out, HDR_WIDE, "empty text, sorted, wide: only the header");
	free(out);
}

/* Timer and idle durations: tenths below 10 s, seconds below 10 min,
 * minutes below 10 h, then hours. */
static void test_durations(void)
{
	static const struct {
		uint32_t ms;
		const char *text;
	} d[] = {
		{ 0, "0.0s" }, { 300, "0.3s" }, { 9900, "9.9s" }, { 10000, "10s" },
		{ 599999, "599s" }, { 600000, "10m" }, { 35999999, "599m" },
		{ 36000000, "10h" }, { 4294967295u, "1193h" },
	};
	char want[64], name[96], buf[256];
	struct tcp_sock s;
	size_t i;
	char *out;
	int ret;

	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		s = v4(TS_ESTABLISHED, "10.0.0.1", 1, "10.0.0.2", 2, 9, 1);
		s.timer = ST_PERSIST;
		s.expires_ms = d[i].ms;
		with_info(&s, d[i].ms, 0);
		out = listing(LIST_TEXT, SORT_NONE, false, &s, 1, &ret);
		snprintf(want, sizeof(want), " persist,%s ", d[i].text);
		snprintf(name, sizeof(name), "%u ms: timer persist,%s", d[i].ms, d[i].text);
		has_str(line_n(out, 1, buf, sizeof(buf)), want, name);
		snprintf(want, sizeof(want), " %s", d[i].text);
		snprintf(name, sizeof(name), "%u ms: idle %s, at the end of the line", d[i].ms,
			 d[i].text);
		ok(line_n(out, 1, buf, sizeof(buf)) && strlen(buf) > strlen(want) &&
		   !strcmp(buf + strlen(buf) - strlen(want), want), name);
		free(out);
	}
}

/* SYN-SENT's tcp_info last_* fields are garbage: never an idle time. */
static void test_syn_sent_idle(void)
{
	struct tcp_sock s = v4(TS_SYN_SENT, "10.0.0.1", 40000, "10.0.0.2", 80, 700, 5);
	char buf[256];
	char *out;
	int ret;

	s.timer = ST_RETRANS;
	s.expires_ms = 1000;
	with_info(&s, 4000000000u, 3999999999u);
	out = listing(LIST_TEXT, SORT_NONE, false, &s, 1, &ret);
	is_str(line_n(out, 1, buf, sizeof(buf)),
	       "SYN-SENT           0       0 10.0.0.1:40000        10.0.0.2:80           "
	       "on,1.0s              0        -",
	       "SYN-SENT with tcp_info: idle '-'");
	free(out);
	out = listing(LIST_JSON, SORT_NONE, false, &s, 1, &ret);
	has_str(out, "\"idle_ms\":null", "SYN-SENT with tcp_info: JSON idle_ms null");
	lacks_str(out, "4000000000", "SYN-SENT: the garbage value appears nowhere");
	free(out);
	out = listing(LIST_NDJSON, SORT_QUEUE, false, &s, 1, &ret);
	has_str(out, "\"idle_ms\":null", "SYN-SENT, sorted NDJSON: idle_ms null");
	free(out);
}

/* Owners: a listener with one, its accept-queue child and request (through
 * the listener), a FIN-WAIT-2 minisock (the kernel's), a socket nobody was
 * found to hold. */
static void test_owner_column(void)
{
	struct owner nginx = { .pid = 1234, .nprocs = 2, .comm = "nginx" };
	struct tcp_sock l, child, req, mini, lost;
	struct snapshot s;
	struct list_writer *w;
	struct cap c;
	char *out;

	l = v4(TS_LISTEN, "0.0.0.0", 8080, "0.0.0.0", 0, 500, 1);
	l.wqueue = 511;
	with_info(&l, 99999, 99999);
	child = v4(TS_ESTABLISHED, "10.0.0.1", 8080, "10.0.0.9", 40000, 0, 2);
	child.rqueue = 12;
	with_info(&child, 300, 300);
	req = mk(AF_INET, TS_SYN_RECV, SK_REQUEST, "10.0.0.1", 8080, "10.0.0.5", 40001, 0, 3);
	req.timer = ST_RETRANS;
	req.expires_ms = 1000;
	req.retrans = 1;
	mini = mk(AF_INET, TS_FIN_WAIT2, SK_TIMEWAIT, "10.0.0.1", 8080, "10.0.0.7", 41000, 0, 4);
	mini.timer = ST_TIMEWAIT;
	mini.expires_ms = 59000;
	lost = v4(TS_ESTABLISHED, "10.0.0.1", 5555, "10.0.0.8", 6666, 999, 5);

	snapshot_init(&s, FILTER_V4 | FILTER_V6, STATES_DEFAULT_MASK);
	s.owners = true;
	w = render_list_begin(cap_open(&c), LIST_TEXT, SORT_NONE, true, false);
	is_int(feed(&s, w, &l, &nginx), 0, "owners: listener written");
	feed(&s, w, &child, NULL);
	feed(&s, w, &req, NULL);
	feed(&s, w, &mini, NULL);
	feed(&s, w, &lost, NULL);
	is_int(render_list_end(w, &s), 0, "owners: render_list_end 0");
	out = cap_close(&c);
	is_str(out, HDR_OWNERS
	       "LISTEN             0     511 0.0.0.0:8080          0.0.0.0:*             "
	       "nginx/1234               -                    0        -\n"
	       "ESTABLISHED       12       0 10.0.0.1:8080         10.0.0.9:40000        "
	       "nginx/1234 (listener)    -                    0     0.3s\n"
	       "SYN-RECV           0       0 10.0.0.1:8080         10.0.0.5:40001        "
	       "nginx/1234 (listener)    on,1.0s              1        -\n"
	       "FIN-WAIT-2         0       0 10.0.0.1:8080         10.0.0.7:41000        "
	       "(kernel)                 timewait,59s         0        -\n"
	       "ESTABLISHED        0       0 10.0.0.1:5555         10.0.0.8:6666         "
	       "-                        -                    0        -\n",
	       "owners: nginx/1234, comm/pid (listener) twice, (kernel), -");
	free(out);

	/* The same in JSON. */
	w = render_list_begin(cap_open(&c), LIST_JSON, SORT_NONE, true, false);
	render_list_socket(&l, &nginx, 1234, &s, w);
	render_list_socket(&child, NULL, 1234, &s, w);
	render_list_socket(&mini, NULL, 0, &s, w);
	render_list_socket(&lost, NULL, 0, &s, w);
	is_int(render_list_end(w, &s), 0, "owners JSON: render_list_end 0");
	out = cap_close(&c);
	has_str(out, "\"owner\":{\"pid\":1234,\"comm\":\"nginx\",\"via\":\"fd\"}",
		"owners JSON: the listener's owner, via fd");
	has_str(out, "\"owner\":{\"pid\":1234,\"comm\":\"nginx\",\"via\":\"listener\"}",
		"owners JSON: the child's, via listener");
	is_u64(count_char(out, '\n'), 1, "JSON array: one line");
	jq_ok(out, "length == 4 and ([.[] | has(\"owner\")] | all)",
	      "owners JSON: every object has an owner key");
	jq_ok(out, ".[2].owner == null and .[2].orphan == true and .[2].kind == \"minisock\"",
	      "owners JSON: the minisock: owner null, orphan, kind minisock");
	jq_ok(out, ".[3].owner == null and .[3].orphan == false and .[3].inode == 999",
	      "owners JSON: no owner found: null, not an orphan");
	free(out);
	snapshot_free(&s);
}

/* Process names come from the processes: escaped in text (no control byte
 * but the newlines between lines), JSON-escaped in JSON. */
static void test_escaping(void)
{
	const char *evil = "ev\x1b[31mil\nname\t\x7f";
	struct owner o = { .pid = 66, .nprocs = 1, .comm = evil };
	struct tcp_sock t = v4(TS_ESTABLISHED, "10.0.0.1", 80, "10.0.0.2", 5000, 321, 9);
	struct snapshot s;
	struct list_writer *w;
	struct cap c;
	const char *p;
	char *out, expr[256];
	bool clean = true;

	snapshot_init(&s, FILTER_V4, STATES_DEFAULT_MASK);
	s.owners = true;
	w = render_list_begin(cap_open(&c), LIST_TEXT, SORT_NONE, true, false);
	feed(&s, w, &t, &o);
	is_int(render_list_end(w, &s), 0, "escape: render_list_end 0");
	out = cap_close(&c);
	for (p = out; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\n') || *p == 0x7f)
			clean = false;
	ok(clean, "text: no control byte (ESC, tab, DEL) from the name");
	is_u64(count_char(out, '\n'), 2, "text: the newline in the name does not start a line");
	has_str(out, "ev\\x1b[31mil\\x0aname\\x09\\x7f/66 ",
		"text: the name escaped as \\xNN");
	free(out);

	w = render_list_begin(cap_open(&c), LIST_JSON, SORT_NONE, true, false);
	render_list_socket(&t, &o, 66, &s, w);
	is_int(render_list_end(w, &s), 0, "escape JSON: render_list_end 0");
	out = cap_close(&c);
	clean = true;
	for (p = out; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\n') || *p == 0x7f)
			clean = false;
	ok(clean, "JSON: no raw control byte");
	is_u64(count_char(out, '\n'), 1, "JSON: one line, the raw newline escaped");
	has_str(out, "\"comm\":\"ev\\u001b[31mil\\nname\\t\\u007f\"", "JSON: \\u001b, \\n, \\t");
	snprintf(expr, sizeof(expr), ".[0].owner.comm == \"ev\\u001b[31mil\\nname\\t\\u007f\"");
	jq_ok(out, expr, "JSON: jq reads the name back byte for byte");
	free(out);

	w = render_list_begin(cap_open(&c), LIST_NDJSON, SORT_OWNER, true, false);
	render_list_socket(&t, &o, 66, &s, w);
	is_int(render_list_end(w, &s), 0, "escape NDJSON: render_list_end 0");
	out = cap_close(&c);
	is_u64(count_char(out, '\n'), 1, "NDJSON: still one line per socket");
	free(out);
	snapshot_free(&s);
}

/* Code points in the first @n bytes of @s: the column a terminal is at. */
static size_t cols(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n && s[i]; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* A UTF-8 name (valid, printable, not escaped) is padded by the columns it
 * takes, not its bytes: the TIMER column stays under its heading. */
static void test_utf8_owner_column(void)
{
	struct owner o = { .pid = 42, .nprocs = 1, .comm = "\xc3\xa9t\xc3\xa9" };
	struct tcp_sock t = estab_v4();
	struct snapshot s;
	struct list_writer *w;
	struct cap c;
	char *out, head[256], line[256];
	const char *th, *tl;

	snapshot_init(&s, FILTER_V4, STATES_DEFAULT_MASK);
	w = render_list_begin(cap_open(&c), LIST_TEXT, SORT_NONE, true, false);
	feed(&s, w, &t, &o);
	render_list_end(w, &s);
	out = cap_close(&c);
	has_str(out, " \xc3\xa9t\xc3\xa9/42 ", "UTF-8 name: written as is");
	th = line_n(out, 0, head, sizeof(head)) ? strstr(head, "TIMER") : NULL;
	tl = line_n(out, 1, line, sizeof(line)) ? strstr(line, "keepalive,45s") : NULL;
	ok(th && tl && cols(head, (size_t)(th - head)) == cols(line, (size_t)(tl - line)),
	   "UTF-8 name: the TIMER column still lines up (padding by columns, not bytes)");
	if (th && tl)
		tap_diag("TIMER heading at column %zu, the timer at column %zu",
			 cols(head, (size_t)(th - head)), cols(line, (size_t)(tl - line)));
	free(out);
	snapshot_free(&s);
}

/* ---- JSON ----------------------------------------------------------- */

static void test_json(void)
{
	struct tcp_sock t[4];
	char *out, buf[2048];
	size_t i;
	int ret;

	t[0] = estab_v4();
	t[1] = mk(AF_INET6, TS_TIME_WAIT, SK_TIMEWAIT, "2001:db8::1", 443, "2001:db8::2", 60001,
		  0, 2);
	t[1].timer = ST_TIMEWAIT;
	t[1].expires_ms = 1234;
	t[1].uid = 0;
	t[2] = mk(AF_INET, TS_SYN_RECV, SK_REQUEST, "10.0.0.1", 22, "10.0.0.3", 5, 0, 3);
	t[3] = v4(TS_FIN_WAIT1, "10.0.0.1", 22, "10.0.0.4", 6, 0, 4);
	t[3].wqueue = 1;

	out = listing(LIST_JSON, SORT_NONE, false, t, 1, &ret);
	is_int(ret, 0, "JSON: render_list_end 0");
	is_str(out, "[{\"family\":\"ipv4\",\"state\":\"established\",\"recv_q\":0,\"send_q\":36,"
	       "\"local\":{\"address\":\"10.0.0.1\",\"port\":22},"
	       "\"peer\":{\"address\":\"192.168.1.20\",\"port\":51234},\"kind\":\"full\","
	       "\"orphan\":false,\"uid\":1000,\"inode\":4242,\"cookie\":77,"
	       "\"timer\":{\"name\":\"keepalive\",\"expires_ms\":45000},\"retrans\":0,"
	       "\"idle_ms\":{\"data_recv\":1500,\"ack_recv\":1400}}]\n",
	       "JSON: one socket, exactly");
	free(out);

	out = listing(LIST_JSON, SORT_NONE, false, t, 4, &ret);
	is_int(ret, 0, "JSON of 4: render_list_end 0");
	jq_ok(out, "type == \"array\" and length == 4", "JSON: valid, an array of 4");
	jq_ok(out,
	      "[.[] | keys == ([\"family\",\"state\",\"recv_q\",\"send_q\",\"local\",\"peer\","
	      "\"kind\",\"orphan\",\"uid\",\"inode\",\"cookie\",\"timer\",\"retrans\","
	      "\"idle_ms\"] | sort)] | all",
	      "JSON: every object has exactly the documented keys (no owner without owners)");
	jq_ok(out, "[.[] | (.local | keys) == [\"address\",\"port\"] and "
		   "(.peer | keys) == [\"address\",\"port\"]] | all",
	      "JSON: local and peer are {address, port}");
	jq_ok(out, ".[1] | .family == \"ipv6\" and .state == \"time_wait\" and "
		   ".kind == \"minisock\" and .orphan == true and .local.address == "
		   "\"2001:db8::1\" and .peer.port == 60001 and .timer.name == \"timewait\" and "
		   ".timer.expires_ms == 1234 and .idle_ms == null and .inode == 0",
	      "JSON: an IPv6 TIME-WAIT minisock");
	jq_ok(out, ".[2] | .kind == \"request\" and .state == \"syn_recv\" and .timer == null "
		   "and .orphan == false",
	      "JSON: a request: kind request, timer null");
	jq_ok(out, ".[3] | .state == \"fin_wait1\" and .orphan == true and .send_q == 1",
	      "JSON: an orphan FIN-WAIT-1");
	free(out);

	out = listing(LIST_JSON, SORT_NONE, false, NULL, 0, &ret);
	is_int(ret, 0, "empty JSON: render_list_end 0");
	is_str(out, "[]\n", "empty JSON: []");
	free(out);
	out = listing(LIST_JSON, SORT_PEER, true, NULL, 0, &ret);
	is_str(out, "[]\n", "empty JSON, sorted: []");
	free(out);
	out = listing(LIST_NDJSON, SORT_NONE, false, NULL, 0, &ret);
	is_int(ret, 0, "empty NDJSON: render_list_end 0");
	is_str(out, "", "empty NDJSON: nothing");
	free(out);

	out = listing(LIST_NDJSON, SORT_NONE, false, t, 4, &ret);
	is_int(ret, 0, "NDJSON: render_list_end 0");
	is_u64(count_char(out, '\n'), 4, "NDJSON: four lines for four sockets");
	ok(out && out[0] == '{' && out[strlen(out) - 1] == '\n', "NDJSON: no array around");
	for (i = 0; i < 4; i++) {
		char name[64];

		snprintf(name, sizeof(name), "NDJSON: line %zu is one JSON object", i + 1);
		if (!line_n(out, (int)i, buf, sizeof(buf))) {
			ok(0, name);
			continue;
		}
		strcat(buf, "\n");
		jq_ok(buf, "type == \"object\" and has(\"cookie\")", name);
	}
	jq_ok(out, "true", "NDJSON: the whole stream parses");
	free(out);
}

/* ---- sorting -------------------------------------------------------- */

static void sorted(enum list_sort sort, const struct tcp_sock *t, size_t n, const char *want,
		   const char *name)
{
	char *out, got[512];
	int ret;

	out = listing(LIST_NDJSON, sort, true, t, n, &ret);
	cookies(out, got, sizeof(got));
	if (!ok(ret == 0 && !strcmp(got, want), name)) {
		tap_diag("got  %s", got);
		tap_diag("want %s", want);
	}
	free(out);
}

static void test_sort_parse(void)
{
	is_int(render_list_sort_parse("state"), SORT_STATE, "sort word: state");
	is_int(render_list_sort_parse("queue"), SORT_QUEUE, "sort word: queue");
	is_int(render_list_sort_parse("peer"), SORT_PEER, "sort word: peer");
	is_int(render_list_sort_parse("owner"), SORT_OWNER, "sort word: owner");
	is_int(render_list_sort_parse("State"), SORT_NONE, "sort word: State is unknown");
	is_int(render_list_sort_parse(""), SORT_NONE, "sort word: empty is unknown");
	is_int(render_list_sort_parse("pid"), SORT_NONE, "sort word: pid is unknown");
}

static void test_sort(void)
{
	struct tcp_sock t[8];
	size_t i;

	/* state: the kernel's order (ESTABLISHED 1 ... CLOSING 11); ties by peer,
	 * then cookie. */
	t[0] = v4(TS_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0, 1, 1);
	t[1] = v4(TS_CLOSE_WAIT, "10.0.0.1", 80, "10.0.0.2", 1, 2, 2);
	t[2] = v4(TS_ESTABLISHED, "10.0.0.1", 80, "10.0.0.9", 1, 3, 3);
	t[3] = mk(AF_INET, TS_TIME_WAIT, SK_TIMEWAIT, "10.0.0.1", 80, "10.0.0.2", 1, 0, 4);
	t[4] = v4(TS_SYN_SENT, "10.0.0.1", 4000, "10.0.0.2", 80, 5, 5);
	t[5] = v4(TS_ESTABLISHED, "10.0.0.1", 80, "10.0.0.2", 1, 6, 6);
	t[6] = v4(TS_CLOSING, "10.0.0.1", 80, "10.0.0.2", 1, 7, 7);
	t[7] = v4(TS_ESTABLISHED, "10.0.0.1", 81, "10.0.0.2", 1, 8, 8);
	sorted(SORT_STATE, t, 8, "6,8,3,5,4,2,1,7",
	       "sort state: ESTABLISHED (by peer, then cookie), SYN-SENT, TIME-WAIT, "
	       "CLOSE-WAIT, LISTEN, CLOSING");
	sorted(SORT_NONE, t, 8, "1,2,3,4,5,6,7,8", "no sort: as they came");

	/* queue: rq + wq, largest first; no 32-bit overflow. */
	memset(t, 0, sizeof(t));
	for (i = 0; i < 6; i++)
		t[i] = v4(TS_ESTABLISHED, "10.0.0.1", 80, "10.0.0.2", (uint16_t)(100 - i), 1,
			  i + 1);
	t[0].rqueue = 10, t[0].wqueue = 5;               /* 15 */
	t[1].rqueue = 0, t[1].wqueue = 0;                /* 0 */
	t[2].rqueue = 3, t[2].wqueue = 100;              /* 103 */
	t[3].rqueue = 15;                                /* 15, peer port 97 < 100 */
	t[4].rqueue = 4294967295u, t[4].wqueue = 1;      /* 2^32 */
	t[5].rqueue = 4294967295u;                       /* 2^32 - 1 */
	sorted(SORT_QUEUE, t, 6, "5,6,3,4,1,2",
	       "sort queue: largest rq+wq first (2^32 above 2^32-1), ties by peer");

	/* peer: address (numerically), then port; IPv4 before IPv6. */
	memset(t, 0, sizeof(t));
	t[0] = v4(TS_ESTABLISHED, "10.0.0.1", 1, "10.0.0.10", 22, 1, 1);
	t[1] = v4(TS_ESTABLISHED, "10.0.0.1", 1, "10.0.0.2", 443, 1, 2);
	t[2] = mk(AF_INET6, TS_ESTABLISHED, SK_FULL, "::1", 1, "2001:db8::1", 1, 1, 3);
	t[3] = v4(TS_ESTABLISHED, "10.0.0.1", 1, "10.0.0.2", 80, 1, 4);
	t[4] = v4(TS_ESTABLISHED, "10.0.0.1", 1, "9.255.255.255", 9999, 1, 5);
	t[5] = v4(TS_ESTABLISHED, "10.0.0.1", 1, "10.0.0.2", 1024, 1, 6);
	t[6] = v4(TS_ESTABLISHED, "10.0.0.1", 2, "10.0.0.2", 80, 1, 7);  /* tie with 4 */
	t[7] = v4(TS_ESTABLISHED, "10.0.0.1", 1, "10.0.0.2", 65535, 1, 8);
	sorted(SORT_PEER, t, 8, "5,4,7,2,6,8,1,3",
	       "sort peer: 9.255.255.255 < 10.0.0.2 < 10.0.0.10, ports ascending, "
	       "v6 last, ties by cookie");

	/* Ties all the way: the order does not depend on the order of arrival. */
	memset(t, 0, sizeof(t));
	for (i = 0; i < 8; i++)
		t[i] = v4(TS_ESTABLISHED, "10.0.0.1", 80, "10.0.0.2", 1, 1, 8 - i);
	sorted(SORT_STATE, t, 8, "1,2,3,4,5,6,7,8", "sort state, all tied: by cookie");
	sorted(SORT_QUEUE, t, 8, "1,2,3,4,5,6,7,8", "sort queue, all tied: by cookie");
	sorted(SORT_PEER, t, 8, "1,2,3,4,5,6,7,8", "sort peer, all tied: by cookie");
	sorted(SORT_OWNER, t, 8, "1,2,3,4,5,6,7,8", "sort owner, all unknown: by cookie");
}

/* Many tied records (past the first 1024 kept): the same total order. */
static void test_sort_many(void)
{
	enum { N = 3000 };
	struct tcp_sock *t = calloc(N, sizeof(*t));
	char *out;
	const char *p;
	unsigned long long prev = 0, v;
	size_t i, bad = 0, n = 0;
	int ret;

	if (!t)
		abort();
	for (i = 0; i < N; i++) {
		t[i] = v4(i % 3 ? TS_ESTABLISHED : TS_CLOSE_WAIT, "10.0.0.1", 80, "10.0.0.2", 1,
			  1, (uint64_t)(i * 7919 % N) + 1);
	}
	out = listing(LIST_NDJSON, SORT_STATE, false, t, N, &ret);
	is_int(ret, 0, "3000 sorted: render_list_end 0");
	for (p = out; p && (p = strstr(p, "\"cookie\":")); p += 9, n++) {
		v = strtoull(p + 9, NULL, 10);
		/* 2000 ESTABLISHED first, then 1000 CLOSE-WAIT: ascending cookies
		 * within each. */
		if (n && n != 2000 && v <= prev)
			bad++;
		prev = v;
	}
	is_u64(n, N, "3000 sorted: every record written");
	is_u64(bad, 0, "3000 sorted: ascending cookies within each state");
	ok(out && strstr(out, "close_wait") > strstr(out, "established") &&
	   !strstr(strstr(out, "close_wait"), "established"),
	   "3000 sorted: every ESTABLISHED before every CLOSE-WAIT");
	free(out);
	free(t);
}

/* owner: by comm, then pid; sockets with no known owner last. */
static void test_sort_owner(void)
{
	struct owner sshd = { 500, 1, "sshd" }, nginx1 = { 1234, 1, "nginx" },
		     nginx2 = { 99, 1, "nginx" }, apache = { 7, 1, "apache2" };
	struct tcp_sock t[7];
	struct snapshot s;
	struct list_writer *w;
	struct cap c;
	char *out, got[256], line[256];

	t[0] = v4(TS_ESTABLISHED, "10.0.0.1", 22, "10.0.0.2", 1, 10, 1);   /* sshd/500 */
	t[1] = v4(TS_ESTABLISHED, "10.0.0.1", 5, "10.0.0.2", 2, 11, 2);    /* nobody */
	t[2] = v4(TS_ESTABLISHED, "10.0.0.1", 80, "10.0.0.2", 3, 12, 3);   /* nginx/1234 */
	t[3] = v4(TS_FIN_WAIT1, "10.0.0.1", 80, "10.0.0.2", 4, 0, 4);      /* kernel */
	t[4] = v4(TS_ESTABLISHED, "10.0.0.1", 81, "10.0.0.2", 5, 13, 5);   /* nginx/99 */
	t[5] = v4(TS_ESTABLISHED, "10.0.0.1", 82, "10.0.0.2", 6, 14, 6);   /* apache2/7 */
	t[6] = v4(TS_ESTABLISHED, "10.0.0.1", 83, "10.0.0.1", 0, 15, 7);   /* nobody, peer .1 */

	snapshot_init(&s, FILTER_V4, STATES_DEFAULT_MASK);
	s.owners = true;
	w = render_list_begin(cap_open(&c), LIST_NDJSON, SORT_OWNER, true, false);
	feed(&s, w, &t[0], &sshd);
	feed(&s, w, &t[1], NULL);
	feed(&s, w, &t[2], &nginx1);
	feed(&s, w, &t[3], NULL);
	feed(&s, w, &t[4], &nginx2);
	feed(&s, w, &t[5], &apache);
	feed(&s, w, &t[6], NULL);
	is_int(render_list_end(w, &s), 0, "sort owner: render_list_end 0");
	out = cap_close(&c);
	cookies(out, got, sizeof(got));
	is_str(got, "6,5,3,1,7,2,4",
	       "sort owner: apache2/7, nginx/99, nginx/1234, sshd/500, then the unknown "
	       "(by peer)");
	free(out);

	/* Text, sorted by owner: the owner column follows. */
	w = render_list_begin(cap_open(&c), LIST_TEXT, SORT_OWNER, true, false);
	render_list_socket(&t[0], &sshd, 500, &s, w);
	render_list_socket(&t[1], NULL, 0, &s, w);
	render_list_socket(&t[2], &nginx1, 1234, &s, w);
	render_list_end(w, &s);
	out = cap_close(&c);
	has_str(line_n(out, 1, line, sizeof(line)), " nginx/1234 ", "sort owner, text: nginx first");
	has_str(line_n(out, 2, line, sizeof(line)), " sshd/500 ", "sort owner, text: sshd second");
	has_str(line_n(out, 3, line, sizeof(line)), " 10.0.0.2:2 ",
		"sort owner, text: the unknown owner last");
	is_u64(count_char(out, '\n'), 4, "sort owner, text: header and three lines");
	free(out);
	snapshot_free(&s);
}

/* A name outside ASCII (UTF-8; comm may hold any byte) is still a known owner:
 * before the unknown ones. */
static void test_sort_owner_utf8(void)
{
	struct owner ete = { 42, 1, "\xc3\xa9t\xc3\xa9" }, zed = { 43, 1, "zed" };
	struct tcp_sock t[3];
	struct snapshot s;
	struct list_writer *w;
	struct cap c;
	char *out, got[64];

	t[0] = v4(TS_ESTABLISHED, "10.0.0.1", 1, "10.0.0.2", 1, 0, 1);    /* unknown */
	t[0].inode = 20;
	t[1] = v4(TS_ESTABLISHED, "10.0.0.1", 2, "10.0.0.2", 2, 21, 2);   /* été/42 */
	t[2] = v4(TS_ESTABLISHED, "10.0.0.1", 3, "10.0.0.2", 3, 22, 3);   /* zed/43 */
	snapshot_init(&s, FILTER_V4, STATES_DEFAULT_MASK);
	w = render_list_begin(cap_open(&c), LIST_NDJSON, SORT_OWNER, true, false);
	feed(&s, w, &t[0], NULL);
	feed(&s, w, &t[1], &ete);
	feed(&s, w, &t[2], &zed);
	render_list_end(w, &s);
	out = cap_close(&c);
	cookies(out, got, sizeof(got));
	is_str(got, "3,2,1", "sort owner: a UTF-8 name (after zed by bytes) before unknown");
	free(out);
	snapshot_free(&s);
}

/* ---- write errors --------------------------------------------------- */

static void test_write_errors(void)
{
	struct tcp_sock t = estab_v4();
	struct snapshot s;
	struct list_writer *w;
	FILE *f = fopen("/dev/full", "w");
	int i, r = 0;

	if (!f) {
		skip("no /dev/full");
		skip("no /dev/full");
		skip("no /dev/full");
		skip("no /dev/full");
		return;
	}
	snapshot_init(&s, FILTER_V4, STATES_DEFAULT_MASK);
	setvbuf(f, NULL, _IONBF, 0);
	w = render_list_begin(f, LIST_TEXT, SORT_NONE, false, false);
	is_int(render_list_socket(&t, NULL, 0, &s, w), -EIO,
	       "/dev/full, unbuffered: render_list_socket -EIO");
	is_int(render_list_end(w, &s), -1, "/dev/full, text: render_list_end -1");
	clearerr(f);
	w = render_list_begin(f, LIST_JSON, SORT_QUEUE, false, false);
	render_list_socket(&t, NULL, 0, &s, w);
	is_int(render_list_end(w, &s), -1, "/dev/full, sorted JSON: render_list_end -1");
	fclose(f);

	/* Buffered as stdout is when redirected: enough lines to fill the
	 * buffer fail by the end. */
	f = fopen("/dev/full", "w");
	if (!f)
		abort();
	w = render_list_begin(f, LIST_NDJSON, SORT_NONE, false, false);
	for (i = 0; i < 2000; i++)
		r |= render_list_socket(&t, NULL, 0, &s, w);
	(void)r;
	is_int(render_list_end(w, &s), -1, "/dev/full, buffered, 2000 lines: render_list_end -1");
	fclose(f);
	snapshot_free(&s);
}

/* ---- owner attribution through the snapshot ------------------------ */

static const struct group *group_of(const struct snapshot *s, uint32_t pid, const char **name,
				    char *buf, size_t len)
{
	const struct group *top[16];
	struct group rest;
	size_t n = groups_top(s->groups, top, 16, &rest), i;

	for (i = 0; i < n; i++)
		if (top[i]->key.pid == pid) {
			*name = render_group_name(s, top[i], buf, len);
			return top[i];
		}
	*name = NULL;
	return NULL;
}

static void test_attribution(void)
{
	struct owner nginx = { .pid = 1234, .nprocs = 2, .comm = "nginx" };
	struct owner curl = { .pid = 55, .nprocs = 1, .comm = "curl" };
	struct owner nameless = { .pid = 77, .nprocs = 1, .comm = NULL };
	struct tcp_sock l, child, cw, req, orphan, tw, fw2, lost, mine, anon;
	const struct group *g;
	const char *name;
	char buf[128];
	struct snapshot s;
	struct report rep;
	struct cap c;
	char *out;

	l = v4(TS_LISTEN, "0.0.0.0", 8080, "0.0.0.0", 0, 500, 1);
	child = v4(TS_ESTABLISHED, "10.0.0.1", 8080, "10.0.0.9", 40000, 0, 2);
	cw = v4(TS_CLOSE_WAIT, "10.0.0.1", 8080, "10.0.0.9", 40002, 0, 3);
	req = mk(AF_INET, TS_SYN_RECV, SK_REQUEST, "10.0.0.1", 8080, "10.0.0.5", 40001, 0, 4);
	orphan = v4(TS_FIN_WAIT1, "10.0.0.1", 8080, "10.0.0.6", 40003, 0, 5);
	tw = mk(AF_INET, TS_TIME_WAIT, SK_TIMEWAIT, "10.0.0.1", 8080, "10.0.0.7", 40004, 0, 6);
	fw2 = mk(AF_INET, TS_FIN_WAIT2, SK_TIMEWAIT, "10.0.0.1", 8080, "10.0.0.7", 40005, 0, 7);
	lost = v4(TS_ESTABLISHED, "10.0.0.1", 5555, "10.0.0.8", 6666, 999, 8);
	mine = v4(TS_ESTABLISHED, "10.0.0.1", 41000, "93.184.216.34", 443, 888, 9);
	anon = v4(TS_ESTABLISHED, "10.0.0.1", 41001, "93.184.216.34", 443, 889, 10);

	snapshot_init(&s, FILTER_V4 | FILTER_V6, STATES_DEFAULT_MASK);
	s.owners = true;
	s.groups = groups_new(GROUP_PROCESS);
	is_u64(snapshot_add_owned(&s, &l, &nginx), 1234, "listener: its own owner");
	ok(s.nlisteners == 1 && s.listeners[0].owner_pid == 1234, "listener: owner_pid kept");
	is_str(snapshot_comm(&s, 1234), "nginx", "listener: comm remembered");
	is_u64(snapshot_add_owned(&s, &child, NULL), 1234,
	       "inode-0 ESTABLISHED child: the listener's pid");
	is_u64(snapshot_add_owned(&s, &cw, NULL), 1234,
	       "inode-0 CLOSE-WAIT child: the listener's pid");
	is_u64(snapshot_add_owned(&s, &req, NULL), 1234, "SYN-RECV request: the listener's pid");
	is_u64(snapshot_owner_of(&s, &req, NULL), 1234, "snapshot_owner_of agrees");
	is_u64(snapshot_add_owned(&s, &orphan, NULL), 0, "orphan FIN-WAIT-1 on the port: pid 0");
	is_u64(snapshot_add_owned(&s, &tw, NULL), 0, "TIME-WAIT minisock: pid 0");
	is_u64(snapshot_add_owned(&s, &fw2, NULL), 0, "FIN-WAIT-2 minisock: pid 0");
	is_u64(snapshot_add_owned(&s, &lost, NULL), 0, "an inode, no owner: pid 0");
	is_u64(snapshot_add_owned(&s, &mine, &curl), 55, "an owner found: its pid");
	is_u64(snapshot_add_owned(&s, &anon, &nameless), 77, "an owner without a name: its pid");
	ok(snapshot_comm(&s, 77) == NULL, "no name: snapshot_comm NULL");
	ok(snapshot_comm(&s, 0) == NULL && snapshot_comm(&s, 4242) == NULL,
	   "snapshot_comm of pid 0 or an unseen pid: NULL");

	is_u64(s.owner_listener, 3, "owner_listener: the two children and the request");
	is_u64(s.owner_kernel, 3, "owner_kernel: the orphan and the two minisocks");
	is_u64(s.owner_unknown, 1, "owner_unknown: the socket with an inode and no owner");
	is_u64(s.listeners[0].syn_recv, 1, "the request is on the listener");

	is_u64(groups_count(s.groups), 5, "groups by process: nginx, kernel, unknown, curl, 77");
	g = group_of(&s, 1234, &name, buf, sizeof(buf));
	ok(g && g->count[TS_LISTEN] == 1 && g->count[TS_ESTABLISHED] == 1 &&
	   g->count[TS_CLOSE_WAIT] == 1 && g->count[TS_SYN_RECV] == 1 && g->total == 4,
	   "group nginx/1234: listener, children, request (4)");
	is_str(name, "nginx/1234", "render_group_name: comm/pid");
	g = group_of(&s, GROUP_PID_KERNEL, &name, buf, sizeof(buf));
	ok(g && g->count[TS_FIN_WAIT1] == 1 && g->count[TS_TIME_WAIT] == 1 &&
	   g->count[TS_FIN_WAIT2] == 1 && g->total == 3,
	   "group (kernel): orphan, TIME-WAIT, FIN-WAIT-2 (3)");
	is_str(name, "(kernel)", "render_group_name: (kernel)");
	g = group_of(&s, 0, &name, buf, sizeof(buf));
	ok(g && g->count[TS_ESTABLISHED] == 1 && g->total == 1, "group (unknown): 1");
	is_str(name, "(unknown)", "render_group_name: (unknown)");
	g = group_of(&s, 55, &name, buf, sizeof(buf));
	is_str(name, "curl/55", "render_group_name: curl/55");
	g = group_of(&s, 77, &name, buf, sizeof(buf));
	is_str(name, "?/77", "render_group_name: a pid without a name: ?/77");

	/* The reports show them. */
	rep = render_snapshot_only(&s);
	rep.top = 2;
	render_text(cap_open(&c), &rep);
	out = cap_close(&c);
	has_str(out, "SOCKETS BY PROCESS (top 2 of 5)", "text: SOCKETS BY PROCESS (top 2 of 5)");
	has_str(out, "\nnginx/1234 ", "text: nginx/1234 row");
	has_str(out, "\n(kernel) ", "text: (kernel) row");
	has_str(out, "\n(3 others) ", "text: the rest summed: (3 others)");
	free(out);
	render_json(cap_open(&c), &rep);
	out = cap_close(&c);
	jq_ok(out, ".groups.by == \"process\" and .groups.count == 5 and "
		   "(.groups.top | map(.name)) == [\"nginx/1234\", \"(kernel)\"] and "
		   ".groups.rest.total == 3",
	      "JSON groups: by process, count 5, top nginx and (kernel), rest 3");
	jq_ok(out, ".owners.unknown == 1 and .owners.kernel == 3 and .owners.via_listener == 3",
	      "JSON owners: unknown 1, kernel 3, via_listener 3");
	free(out);
	snapshot_free(&s);

	/* Without the owner lookup, the counters stay zero. */
	snapshot_init(&s, FILTER_V4, STATES_DEFAULT_MASK);
	snapshot_add_owned(&s, &l, &nginx);
	snapshot_add_owned(&s, &child, NULL);
	snapshot_add_owned(&s, &orphan, NULL);
	snapshot_add_owned(&s, &lost, NULL);
	ok(s.owner_kernel == 0 && s.owner_listener == 0 && s.owner_unknown == 0,
	   "owners off: no owner counter moves");
	is_u64(snapshot_owner_of(&s, &child, NULL), 1234,
	       "owners off: attribution still answers");
	snapshot_free(&s);

	/* A listener without an owner: its children have none either. */
	snapshot_init(&s, FILTER_V4, STATES_DEFAULT_MASK);
	s.owners = true;
	l.sport = child.sport = 9090;
	is_u64(snapshot_add_owned(&s, &l, NULL), 0, "ownerless listener: 0");
	is_u64(snapshot_add_owned(&s, &child, NULL), 0, "its child: 0");
	is_u64(s.owner_listener, 0, "no owner_listener for an ownerless listener");
	snapshot_free(&s);
}

/* render_group_name for every kind of group. */
static void test_group_names(void)
{
	static const struct {
		enum group_by by;
		uint8_t family;
		const char *dst;
		const char *want;
	} t[] = {
		{ GROUP_LPORT, AF_INET, "10.0.0.2", "8080" },
		{ GROUP_PEER, AF_INET, "10.0.0.2", "10.0.0.2:5432" },
		{ GROUP_PEER, AF_INET6, "2001:db8::2", "[2001:db8::2]:5432" },
		{ GROUP_RHOST, AF_INET, "10.0.0.2", "10.0.0.2" },
		{ GROUP_RHOST, AF_INET6, "2001:db8::2", "2001:db8::2" },
	};
	const struct group *top[2];
	struct group rest;
	struct snapshot s;
	struct tcp_sock k;
	char buf[128], name[96];
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snapshot_init(&s, FILTER_V4 | FILTER_V6, STATES_DEFAULT_MASK);
		s.groups = groups_new(t[i].by);
		k = mk(t[i].family, TS_ESTABLISHED, SK_FULL,
		       t[i].family == AF_INET ? "10.0.0.1" : "2001:db8::1", 8080, t[i].dst, 5432,
		       1, 1);
		snapshot_add(&s, &k);
		snapshot_add(&s, &k);
		n = groups_top(s.groups, top, 2, &rest);
		snprintf(name, sizeof(name), "render_group_name by %s: %s",
			 groups_name(t[i].by), t[i].want);
		if (n != 1) {
			ok(0, name);
		} else {
			is_str(render_group_name(&s, top[0], buf, sizeof(buf)), t[i].want, name);
			ok(top[0]->total == 2, "two sockets, one group");
		}
		snapshot_free(&s);
	}
}

int main(void)
{
	test_text();
	test_durations();
	test_syn_sent_idle();
	test_owner_column();
	test_escaping();
	test_utf8_owner_column();
	test_json();
	test_sort_parse();
	test_sort();
	test_sort_many();
	test_sort_owner();
	test_sort_owner_utf8();
	test_write_errors();
	test_attribution();
	test_group_names();
	return done_testing();
}

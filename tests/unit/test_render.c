// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * render_text and render_json on snapshots built by hand (the numbers of the
 * example in the CLI spec): header, rows, '-' for states not queried, detail
 * notes, the listener section, notes about the dump; the JSON document
 * exactly, and through jq(1) when it is installed.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "filter.h"
#include "render.h"
#include "snapshot.h"
#include "states.h"
#include "tap.h"
#include "util.h"

#define WHEN 1795249812   /* 2026-11-21 08:30:12 UTC */

static struct tcp_sock sk(uint8_t family, uint8_t state, uint8_t kind, uint32_t inode)
{
	struct tcp_sock s;

	memset(&s, 0, sizeof(s));
	s.family = family;
	s.state = state;
	s.kind = kind;
	s.inode = inode;
	return s;
}

static void add_n(struct snapshot *s, unsigned int n, struct tcp_sock t)
{
	while (n--)
		snapshot_add(s, &t);
}

static void add_listener(struct snapshot *s, uint8_t family, const char *addr, uint16_t port,
			 uint32_t aq, uint32_t backlog)
{
	struct tcp_sock t = sk(family, TS_LISTEN, SK_FULL, 100 + port);

	inet_pton(family, addr, t.saddr);
	t.sport = port;
	t.rqueue = aq;
	t.wqueue = backlog;
	snapshot_add(s, &t);
}

/* The spec's example: 30 sockets, close not queried. */
static void build(struct snapshot *s, unsigned int families, uint32_t states)
{
	snapshot_init(s, families, states);
	strcpy(s->host, "myhost");
	s->when = WHEN;
	s->messages = 40;
	if (families & FILTER_V4) {
		add_n(s, 9, sk(AF_INET, TS_ESTABLISHED, SK_FULL, 7));
		add_n(s, 3, sk(AF_INET, TS_ESTABLISHED, SK_FULL, 0));
		add_n(s, 1, sk(AF_INET, TS_FIN_WAIT1, SK_FULL, 0));
		add_n(s, 3, sk(AF_INET, TS_FIN_WAIT2, SK_TIMEWAIT, 0));
		add_n(s, 1, sk(AF_INET, TS_FIN_WAIT2, SK_FULL, 8));
		add_n(s, 5, sk(AF_INET, TS_TIME_WAIT, SK_TIMEWAIT, 0));
		add_n(s, 1, sk(AF_INET, TS_CLOSE_WAIT, SK_FULL, 0));
		add_n(s, 1, sk(AF_INET, TS_CLOSE_WAIT, SK_FULL, 9));
		add_listener(s, AF_INET, "127.0.0.1", 8080, 3, 2);
		add_listener(s, AF_INET, "0.0.0.0", 22, 0, 128);
		add_listener(s, AF_INET, "0.0.0.0", 80, 0, 4096);
	}
	if (families & FILTER_V6) {
		add_n(s, 2, sk(AF_INET6, TS_ESTABLISHED, SK_FULL, 10));
		add_listener(s, AF_INET6, "::1", 8443, 1, 128);
	}
}

/* A report with only the snapshot: no settings, counters or findings. */
static char *render(int (*fn)(FILE *, const struct report *), const struct snapshot *s,
		    int *ret)
{
	struct report r = render_snapshot_only(s);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	*ret = fn(f, &r);
	fclose(f);
	return buf;
}

/* A table row: the line starting with @name and a space, its next @ncol
 * space-separated words with the column where each ends, and what follows
 * (after the two spaces that open the detail), "" if nothing. */
struct row {
	char line[512];
	char col[4][48];
	int end[4];
	const char *detail;
	bool two_spaces;       /* the detail is set off by exactly two spaces */
};

static int get_row(const char *text, const char *name, int ncol, struct row *r)
{
	size_t nlen = strlen(name);
	const char *p = text;
	char *q;
	int k, i;

	memset(r, 0, sizeof(*r));
	while (p && *p) {
		if (!strncmp(p, name, nlen) && (p[nlen] == ' ' || p[nlen] == '\n'))
			break;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p || !*p)
		return 0;
	line_n(p, 0, r->line, sizeof(r->line));
	q = r->line + nlen;
	for (k = 0; k < ncol; k++) {
		while (*q == ' ')
			q++;
		for (i = 0; *q && *q != ' '; q++)
			if (i < 47)
				r->col[k][i++] = *q;
		r->col[k][i] = '\0';
		r->end[k] = (int)(q - r->line);
	}
	r->two_spaces = !strncmp(q, "  ", 2) && q[2] != ' ';
	while (*q == ' ')
		q++;
	r->detail = q;
	return 1;
}

/* Row @name reads @a @b @c (NULL: fewer columns) with @detail after it, and
 * its numbers end under the header's labels. */
static void check_row(const char *text, const struct row *hdr, const char *name,
		      const char *a, const char *b, const char *c, const char *detail)
{
	const char *want[3] = { a, b, c };
	int ncol = c ? 3 : 2, k, cols_ok = 1, aligned = 1;
	char label[160];
	struct row r;

	snprintf(label, sizeof(label), "text row %s", name);
	if (!ok(get_row(text, name, ncol, &r), label))
		return;
	for (k = 0; k < ncol; k++) {
		cols_ok &= !strcmp(r.col[k], want[k]);
		aligned &= r.end[k] == hdr->end[k];
	}
	snprintf(label, sizeof(label), "text row %s: %s %s%s%s", name, a, b, c ? " " : "",
		 c ? c : "");
	if (!ok(cols_ok, label))
		tap_show("line", r.line, strlen(r.line));
	snprintf(label, sizeof(label), "text row %s: numbers end under the header's labels",
		 name);
	if (!ok(aligned, label)) {
		tap_show("row ", r.line, strlen(r.line));
		tap_show("head", hdr->line, strlen(hdr->line));
	}
	snprintf(label, sizeof(label), "text row %s: detail '%s'", name, detail);
	is_str(r.detail, detail, label);
	if (*detail) {
		snprintf(label, sizeof(label), "text row %s: detail set off by two spaces", name);
		ok(r.two_spaces, label);
	}
}

static void test_text(void)
{
	static const char *const order[] = { "ESTABLISHED", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
					     "FIN-WAIT-2", "TIME-WAIT", "CLOSE", "CLOSE-WAIT",
					     "LAST-ACK", "LISTEN", "CLOSING" };
	struct snapshot s;
	struct row hdr, lh;
	char line[512], *out;
	int ret, i, in_order = 1;
	const char *p8080, *p8443;

	build(&s, FILTER_V4 | FILTER_V6, STATES_DEFAULT_MASK);
	out = render(render_text, &s, &ret);
	is_int(ret, 0, "render_text: returns 0");
	is_str(line_n(out, 0, line, sizeof(line)),
	       "tcpdx: 30 TCP sockets on myhost at 2026-11-21 08:30:12 UTC (IPv4, IPv6)",
	       "text: the header line");
	is_str(line_n(out, 1, line, sizeof(line)), "", "text: a blank line after it");
	ok(get_row(out, "STATE", 3, &hdr) && !strcmp(hdr.col[0], "IPV4") &&
	   !strcmp(hdr.col[1], "IPV6") && !strcmp(hdr.col[2], "TOTAL") &&
	   !strcmp(hdr.detail, "DETAIL"), "text: table header STATE IPV4 IPV6 TOTAL DETAIL");
	is_str(line_n(out, 2, line, sizeof(line)), hdr.line, "text: the table header is line 3");
	for (i = 0; i < 11; i++) {
		line_n(out, 3 + i, line, sizeof(line));
		in_order &= !strncmp(line, order[i], strlen(order[i])) &&
			    line[strlen(order[i])] == ' ';
	}
	ok(in_order, "text: eleven rows in kernel state order");

	check_row(out, &hdr, "ESTABLISHED", "12", "2", "14", "3 not yet accept()ed");
	check_row(out, &hdr, "SYN-SENT", "0", "0", "0", "");
	check_row(out, &hdr, "SYN-RECV", "0", "0", "0", "");
	check_row(out, &hdr, "FIN-WAIT-1", "1", "0", "1", "1 orphaned");
	check_row(out, &hdr, "FIN-WAIT-2", "4", "0", "4",
		  "3 orphaned (timewait minisocks, counted as tw in sockstat), 1 half-closed");
	check_row(out, &hdr, "TIME-WAIT", "5", "0", "5", "");
	check_row(out, &hdr, "CLOSE", "-", "-", "-",
		  "bound-only sockets not queried (--state close)");
	check_row(out, &hdr, "CLOSE-WAIT", "2", "0", "2", "1 not yet accept()ed");
	check_row(out, &hdr, "LAST-ACK", "0", "0", "0", "");
	check_row(out, &hdr, "LISTEN", "3", "1", "4", "");
	check_row(out, &hdr, "CLOSING", "0", "0", "0", "");

	/* Listeners with a queue, fullest first; the empty ones not listed. */
	has_str(out, "\n\nLISTENERS WITH QUEUED CONNECTIONS\n",
		"text: the listener section after a blank line");
	ok(get_row(out, "LOCAL ADDRESS", 2, &lh) && !strcmp(lh.col[0], "ACCEPT-Q") &&
	   !strcmp(lh.col[1], "BACKLOG"), "text: listener header LOCAL ADDRESS ACCEPT-Q BACKLOG");
	check_row(out, &lh, "127.0.0.1:8080", "3", "2", NULL, "full");
	check_row(out, &lh, "[::1]:8443", "1", "128", NULL, "");
	p8080 = strstr(out, "127.0.0.1:8080");
	p8443 = strstr(out, "[::1]:8443");
	ok(p8080 && p8443 && p8080 < p8443, "text: the longest queue first");
	lacks_str(out, "0.0.0.0:22", "text: a listener with an empty queue is not listed");
	lacks_str(out, "note:", "text: no note without duplicates or interruption");
	lacks_str(out, "warning:", "text: no warning without malformed messages");
	ok(out[strlen(out) - 1] == '\n', "text: ends with a newline");

	/* The spec's example, column for column. */
	is_str(hdr.line, "STATE           IPV4    IPV6   TOTAL  DETAIL",
	       "text: table header: 12-wide state, 7-wide number columns");
	{
		struct row r;

		get_row(out, "ESTABLISHED", 3, &r);
		is_str(r.line, "ESTABLISHED       12       2      14  3 not yet accept()ed",
		       "text: ESTABLISHED row exactly");
		is_str(lh.line, "LOCAL ADDRESS                                  ACCEPT-Q  BACKLOG",
		       "text: listener header fits a bracketed IPv6 address and port");
		get_row(out, "127.0.0.1:8080", 2, &r);
		is_str(r.line, "127.0.0.1:8080                                        3        2  full",
		       "text: listener row exactly");
	}
	free(out);
	snapshot_free(&s);
}

static void test_text_variants(void)
{
	struct snapshot s;
	struct row hdr, lh;
	struct tcp_sock t;
	char line[512], *out;
	int ret;

	/* -4: one family column. */
	build(&s, FILTER_V4, STATES_DEFAULT_MASK);
	out = render(render_text, &s, &ret);
	has_str(out, "UTC (IPv4)\n", "text -4: (IPv4) in the header");
	ok(get_row(out, "STATE", 2, &hdr) && !strcmp(hdr.col[0], "IPV4") &&
	   !strcmp(hdr.col[1], "TOTAL") && !strcmp(hdr.detail, "DETAIL"),
	   "text -4: STATE IPV4 TOTAL DETAIL");
	check_row(out, &hdr, "ESTABLISHED", "12", "12", NULL, "3 not yet accept()ed");
	check_row(out, &hdr, "CLOSE", "-", "-", NULL,
		  "bound-only sockets not queried (--state close)");
	lacks_str(out, "IPV6", "text -4: no IPV6 column");
	free(out);
	snapshot_free(&s);

	/* -6. */
	build(&s, FILTER_V6, STATES_DEFAULT_MASK);
	out = render(render_text, &s, &ret);
	is_str(line_n(out, 0, line, sizeof(line)),
	       "tcpdx: 3 TCP sockets on myhost at 2026-11-21 08:30:12 UTC (IPv6)",
	       "text -6: header");
	ok(get_row(out, "STATE", 2, &hdr) && !strcmp(hdr.col[0], "IPV6"),
	   "text -6: STATE IPV6 TOTAL");
	check_row(out, &hdr, "ESTABLISHED", "2", "2", NULL, "");
	check_row(out, &hdr, "LISTEN", "1", "1", NULL, "");
	free(out);
	snapshot_free(&s);

	/* --state established,listen: every other state is '-'. */
	build(&s, FILTER_V4 | FILTER_V6, STATE_BIT(TS_ESTABLISHED) | STATE_BIT(TS_LISTEN));
	out = render(render_text, &s, &ret);
	get_row(out, "STATE", 3, &hdr);
	check_row(out, &hdr, "ESTABLISHED", "12", "2", "14", "3 not yet accept()ed");
	check_row(out, &hdr, "SYN-SENT", "-", "-", "-", "");
	check_row(out, &hdr, "FIN-WAIT-2", "-", "-", "-", "");
	check_row(out, &hdr, "CLOSE-WAIT", "-", "-", "-", "");
	check_row(out, &hdr, "CLOSE", "-", "-", "-",
		  "bound-only sockets not queried (--state close)");
	check_row(out, &hdr, "LISTEN", "3", "1", "4", "");
	free(out);
	snapshot_free(&s);

	/* --state all: close is counted; SYN-RECV details; orphans of each
	 * closing state; dump notes; a replay; an unsafe host name. */
	build(&s, FILTER_V4 | FILTER_V6, STATES_ALL_MASK);
	add_n(&s, 2, sk(AF_INET, TS_CLOSE, SK_FULL, 3));
	add_n(&s, 2, sk(AF_INET, TS_SYN_RECV, SK_REQUEST, 0));
	add_n(&s, 3, sk(AF_INET6, TS_SYN_RECV, SK_FULL, 0));
	add_n(&s, 2, sk(AF_INET, TS_FIN_WAIT2, SK_FULL, 0));
	add_n(&s, 4, sk(AF_INET, TS_LAST_ACK, SK_FULL, 0));
	add_n(&s, 1, sk(AF_INET, TS_LAST_ACK, SK_FULL, 5));
	add_n(&s, 1, sk(AF_INET6, TS_CLOSING, SK_FULL, 5));
	s.duplicates = 2;
	s.malformed = 1;
	s.interrupted = true;
	s.replay = true;
	strcpy(s.host, "evil\x1b]0;x\x07host");
	out = render(render_text, &s, &ret);
	is_str(line_n(out, 0, line, sizeof(line)),
	       "tcpdx: 45 TCP sockets in a recording, read on evil\\x1b]0;x\\x07host at "
	       "2026-11-21 08:30:12 UTC (IPv4, IPv6)",
	       "text: replay header, host name escaped");
	ok(!strchr(out, '\x1b') && !strchr(out, '\x07'), "text: no raw control character");
	get_row(out, "STATE", 3, &hdr);
	check_row(out, &hdr, "CLOSE", "2", "0", "2", "2 bound, not listening or connected");
	check_row(out, &hdr, "SYN-RECV", "2", "3", "5",
		  "2 half-open (request sockets), 3 Fast Open children");
	check_row(out, &hdr, "FIN-WAIT-2", "6", "0", "6",
		  "3 orphaned (timewait minisocks, counted as tw in sockstat), "
		  "2 orphaned full sockets, 1 half-closed");
	check_row(out, &hdr, "LAST-ACK", "5", "0", "5", "4 orphaned, 1 half-closed");
	check_row(out, &hdr, "CLOSING", "0", "1", "1", "1 half-closed");
	has_str(out, "\nnote: 2 sockets were reported twice by the kernel and counted once\n",
		"text: duplicates note");
	has_str(out, "\nwarning: 1 malformed netlink message skipped\n", "text: malformed warning");
	has_str(out,
		"\nnote: the kernel flagged the dump as inconsistent; counts are approximate\n",
		"text: interrupted note");
	free(out);
	s.duplicates = 1;
	s.malformed = 3;
	s.interrupted = false;
	out = render(render_text, &s, &ret);
	has_str(out, "note: 1 socket was reported twice", "text: one duplicate, singular");
	has_str(out, "warning: 3 malformed netlink messages skipped", "text: malformed, plural");
	lacks_str(out, "inconsistent", "text: no interrupted note when not interrupted");
	free(out);
	snapshot_free(&s);

	/* One socket; no listener queue: no listener section. */
	snapshot_init(&s, FILTER_V4 | FILTER_V6, STATES_DEFAULT_MASK);
	strcpy(s.host, "h");
	s.when = WHEN;
	add_listener(&s, AF_INET, "0.0.0.0", 22, 0, 128);
	out = render(render_text, &s, &ret);
	has_str(out, "tcpdx: 1 TCP socket on h at", "text: 1 socket, singular");
	lacks_str(out, "LISTENERS", "text: no listener section when every queue is empty");
	free(out);
	snapshot_free(&s);

	/* A listener exactly at its backlog is not full. */
	snapshot_init(&s, FILTER_V4 | FILTER_V6, STATES_DEFAULT_MASK);
	s.when = WHEN;
	add_listener(&s, AF_INET, "10.0.0.1", 443, 128, 128);
	add_listener(&s, AF_INET6, "2001:db8::1", 443, 129, 128);
	out = render(render_text, &s, &ret);
	get_row(out, "LOCAL ADDRESS", 2, &lh);
	check_row(out, &lh, "10.0.0.1:443", "128", "128", NULL, "");
	check_row(out, &lh, "[2001:db8::1]:443", "129", "128", NULL, "full");
	free(out);
	snapshot_free(&s);

	/* Counts too wide for the usual columns widen them, still aligned. */
	snapshot_init(&s, FILTER_V4 | FILTER_V6, STATES_DEFAULT_MASK);
	s.when = WHEN;
	t = sk(AF_INET, TS_ESTABLISHED, SK_FULL, 1);
	snapshot_add(&s, &t);
	s.count[SNAP_V4][TS_ESTABLISHED] = 1234567890123ull;
	s.count[SNAP_V6][TS_TIME_WAIT] = 98765432ull;
	out = render(render_text, &s, &ret);
	get_row(out, "STATE", 3, &hdr);
	check_row(out, &hdr, "ESTABLISHED", "1234567890123", "0", "1234567890123", "");
	check_row(out, &hdr, "TIME-WAIT", "0", "98765432", "98765432", "");
	free(out);
	snapshot_free(&s);
}

/* ---- JSON ------------------------------------------------------------ */

static const char want_json[] =
	"{\n"
	"  \"schema_version\": 1,\n"
	"  \"tcpdx_version\": \"" PACKAGE_VERSION "\",\n"
	"  \"host\": \"myhost\",\n"
	"  \"timestamp\": \"2026-11-21T08:30:12Z\",\n"
	"  \"source\": \"kernel\",\n"
	"  \"families\": [\n"
	"    \"ipv4\",\n"
	"    \"ipv6\"\n"
	"  ],\n"
	"  \"total\": 30,\n"
	"  \"states\": {\n"
	"    \"established\": 14,\n"
	"    \"syn_sent\": 0,\n"
	"    \"syn_recv\": 0,\n"
	"    \"fin_wait1\": 1,\n"
	"    \"fin_wait2\": 4,\n"
	"    \"time_wait\": 5,\n"
	"    \"close\": null,\n"
	"    \"close_wait\": 2,\n"
	"    \"last_ack\": 0,\n"
	"    \"listen\": 4,\n"
	"    \"closing\": 0\n"
	"  },\n"
	"  \"ipv4\": {\n"
	"    \"established\": 12,\n"
	"    \"syn_sent\": 0,\n"
	"    \"syn_recv\": 0,\n"
	"    \"fin_wait1\": 1,\n"
	"    \"fin_wait2\": 4,\n"
	"    \"time_wait\": 5,\n"
	"    \"close\": null,\n"
	"    \"close_wait\": 2,\n"
	"    \"last_ack\": 0,\n"
	"    \"listen\": 3,\n"
	"    \"closing\": 0\n"
	"  },\n"
	"  \"ipv6\": {\n"
	"    \"established\": 2,\n"
	"    \"syn_sent\": 0,\n"
	"    \"syn_recv\": 0,\n"
	"    \"fin_wait1\": 0,\n"
	"    \"fin_wait2\": 0,\n"
	"    \"time_wait\": 0,\n"
	"    \"close\": null,\n"
	"    \"close_wait\": 0,\n"
	"    \"last_ack\": 0,\n"
	"    \"listen\": 1,\n"
	"    \"closing\": 0\n"
	"  },\n"
	"  \"detail\": {\n"
	"    \"orphans\": {\n"
	"      \"fin_wait1\": 1,\n"
	"      \"fin_wait2\": 0,\n"
	"      \"last_ack\": 0,\n"
	"      \"closing\": 0,\n"
	"      \"total\": 1\n"
	"    },\n"
	"    \"half_closed\": {\n"
	"      \"fin_wait1\": 0,\n"
	"      \"fin_wait2\": 1,\n"
	"      \"last_ack\": 0,\n"
	"      \"closing\": 0,\n"
	"      \"total\": 1\n"
	"    },\n"
	"    \"fin_wait2_minisocks\": 3,\n"
	"    \"syn_recv_requests\": 0,\n"
	"    \"not_accepted\": {\n"
	"      \"established\": 3,\n"
	"      \"close_wait\": 1\n"
	"    }\n"
	"  },\n"
	"  \"listeners\": [\n"
	"    {\n"
	"      \"family\": \"ipv4\",\n"
	"      \"address\": \"127.0.0.1\",\n"
	"      \"port\": 8080,\n"
	"      \"accept_queue\": 3,\n"
	"      \"backlog\": 2,\n"
	"      \"full\": true,\n"
	"      \"syn_recv\": 0\n"
	"    },\n"
	"    {\n"
	"      \"family\": \"ipv4\",\n"
	"      \"address\": \"0.0.0.0\",\n"
	"      \"port\": 22,\n"
	"      \"accept_queue\": 0,\n"
	"      \"backlog\": 128,\n"
	"      \"full\": false,\n"
	"      \"syn_recv\": 0\n"
	"    },\n"
	"    {\n"
	"      \"family\": \"ipv4\",\n"
	"      \"address\": \"0.0.0.0\",\n"
	"      \"port\": 80,\n"
	"      \"accept_queue\": 0,\n"
	"      \"backlog\": 4096,\n"
	"      \"full\": false,\n"
	"      \"syn_recv\": 0\n"
	"    },\n"
	"    {\n"
	"      \"family\": \"ipv6\",\n"
	"      \"address\": \"::1\",\n"
	"      \"port\": 8443,\n"
	"      \"accept_queue\": 1,\n"
	"      \"backlog\": 128,\n"
	"      \"full\": false,\n"
	"      \"syn_recv\": 0\n"
	"    }\n"
	"  ],\n"
	"  \"dump\": {\n"
	"    \"messages\": 40,\n"
	"    \"duplicates\": 0,\n"
	"    \"malformed\": 0,\n"
	"    \"interrupted\": false\n"
	"  },\n"
	"  \"owners\": null,\n"
	"  \"groups\": null,\n"
	"  \"settings\": null,\n"
	"  \"counters\": null\n"
	"}\n";

static int have_jq;
static char jq_file[256];

/* Run jq -e @expr on @json; 1 if it printed true (exit 0). */
static int jq(const char *json, const char *expr)
{
	char cmd[2048];
	FILE *f = fopen(jq_file, "w");

	if (!f || fputs(json, f) == EOF || fclose(f))
		return 0;
	snprintf(cmd, sizeof(cmd), "jq -e '%s' '%s' >/dev/null 2>&1", expr, jq_file);
	return system(cmd) == 0;
}

static void jq_check(const char *json, const char *expr, const char *name)
{
	if (!have_jq) {
		skip("jq not installed");
		return;
	}
	if (!ok(jq(json, expr), name))
		tap_diag("jq expression: %s", expr);
}

static void test_json(void)
{
	struct snapshot s;
	char *out;
	int ret;

	build(&s, FILTER_V4 | FILTER_V6, STATES_DEFAULT_MASK);
	out = render(render_json, &s, &ret);
	is_int(ret, 0, "render_json: returns 0");
	is_str(out, want_json, "json: the spec's example, exactly");
	jq_check(out, ".", "json: valid (jq)");
	jq_check(out, "keys_unsorted == [\"schema_version\",\"tcpdx_version\",\"host\","
		 "\"timestamp\",\"source\",\"families\",\"total\",\"states\",\"ipv4\",\"ipv6\","
		 "\"detail\",\"listeners\",\"dump\",\"owners\",\"groups\",\"settings\",\"counters\"]", "json: the top-level keys, in order");
	jq_check(out, ".states | keys_unsorted == [\"established\",\"syn_sent\",\"syn_recv\","
		 "\"fin_wait1\",\"fin_wait2\",\"time_wait\",\"close\",\"close_wait\",\"last_ack\","
		 "\"listen\",\"closing\"]", "json: tcpstat's eleven keys, in kernel order");
	jq_check(out, ".total == ([.states[] | numbers] | add)", "json: total = sum of states");
	jq_check(out, "[.ipv4, .ipv6] | map(keys_unsorted) | unique | length == 1",
		 "json: ipv4 and ipv6 have the same keys");
	jq_check(out, ".listeners | map(select(.full)) | map(.port) == [8080]",
		 "json: only the listener over its backlog is full");
	free(out);
	snapshot_free(&s);

	/* -4 --state all; replay; an awkward host name; dump stats. */
	build(&s, FILTER_V4, STATES_ALL_MASK);
	add_n(&s, 2, sk(AF_INET, TS_CLOSE, SK_FULL, 3));
	add_n(&s, 2, sk(AF_INET, TS_SYN_RECV, SK_REQUEST, 0));
	add_n(&s, 1, sk(AF_INET, TS_LAST_ACK, SK_FULL, 0));
	add_n(&s, 1, sk(AF_INET, TS_CLOSING, SK_FULL, 0));
	s.replay = true;
	s.duplicates = 2;
	s.malformed = 1;
	s.interrupted = true;
	strcpy(s.host, "a\"b\\c\x01\xff");
	out = render(render_json, &s, &ret);
	has_str(out, "\n  \"host\": \"a\\\"b\\\\c\\u0001\\ufffd\",\n", "json: host name escaped");
	has_str(out, "\n  \"source\": \"replay\",\n", "json: source replay");
	has_str(out, "\n  \"families\": [\n    \"ipv4\"\n  ],\n", "json -4: families [ipv4]");
	has_str(out, "\n  \"total\": 33,\n", "json: total 33");
	has_str(out, "\n    \"close\": 2,\n", "json --state all: close counted");
	has_str(out, "  \"ipv6\": {\n"
		"    \"established\": null,\n"
		"    \"syn_sent\": null,\n"
		"    \"syn_recv\": null,\n"
		"    \"fin_wait1\": null,\n"
		"    \"fin_wait2\": null,\n"
		"    \"time_wait\": null,\n"
		"    \"close\": null,\n"
		"    \"close_wait\": null,\n"
		"    \"last_ack\": null,\n"
		"    \"listen\": null,\n"
		"    \"closing\": null\n"
		"  },\n", "json -4: every ipv6 key null");
	has_str(out, "    \"orphans\": {\n"
		"      \"fin_wait1\": 1,\n"
		"      \"fin_wait2\": 0,\n"
		"      \"last_ack\": 1,\n"
		"      \"closing\": 1,\n"
		"      \"total\": 3\n"
		"    },\n", "json: orphans by state and total");
	has_str(out, "\n    \"syn_recv_requests\": 2,\n", "json: syn_recv_requests");
	has_str(out, "  \"dump\": {\n"
		"    \"messages\": 40,\n"
		"    \"duplicates\": 2,\n"
		"    \"malformed\": 1,\n"
		"    \"interrupted\": true\n"
		"  },\n  \"owners\": null,\n  \"groups\": null,\n  \"settings\": null,\n"
		"  \"counters\": null\n}\n",
		"json: dump statistics, and the end of the document");
	lacks_str(out, "\"ipv6\",", "json -4: no ipv6 listener or family");
	jq_check(out, ".host == \"a\\\"b\\\\c\\u0001\\ufffd\" and .ipv6.listen == null "
		 "and .states.close == 2 and .ipv4.close == 2", "json -4 --state all: jq agrees");
	free(out);
	snapshot_free(&s);

	/* --state established: the rest null; no listeners: an empty array. */
	snapshot_init(&s, FILTER_V4 | FILTER_V6, STATE_BIT(TS_ESTABLISHED));
	s.when = WHEN;
	add_n(&s, 1, sk(AF_INET6, TS_ESTABLISHED, SK_FULL, 1));
	out = render(render_json, &s, &ret);
	has_str(out, "  \"states\": {\n"
		"    \"established\": 1,\n"
		"    \"syn_sent\": null,\n", "json --state established: others null");
	has_str(out, "\n    \"closing\": null\n  },\n  \"ipv4\": {\n    \"established\": 0,\n",
		"json --state established: ipv4 queried, 0");
	has_str(out, "\n  \"listeners\": [],\n", "json: no listener, an empty array");
	has_str(out, "\n  \"host\": \"\",\n", "json: an empty host");
	jq_check(out, ".ipv6.established == 1 and ([.states[] | select(. == null)] | length) == 10",
		 "json --state established: jq agrees");
	free(out);
	snapshot_free(&s);
}

static void test_write_errors(void)
{
	struct report rep;
	struct snapshot s;
	FILE *f = fopen("/dev/full", "w");

	if (!f) {
		skip("no /dev/full");
		skip("no /dev/full");
		return;
	}
	setvbuf(f, NULL, _IONBF, 0);
	build(&s, FILTER_V4 | FILTER_V6, STATES_DEFAULT_MASK);
	rep = render_snapshot_only(&s);
	is_int(render_text(f, &rep), -1, "render_text to a full disk: -1");
	clearerr(f);
	is_int(render_json(f, &rep), -1, "render_json to a full disk: -1");
	fclose(f);
	snapshot_free(&s);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(jq_file, sizeof(jq_file), "%s/tcpdx-test-render.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(jq_file);
	if (fd >= 0)
		close(fd);
	have_jq = fd >= 0 && system("command -v jq >/dev/null 2>&1") == 0;
	if (!have_jq)
		tap_diag("jq not found: the JSON documents are only compared as text");
	test_text();
	test_text_variants();
	test_json();
	test_write_errors();
	if (fd >= 0)
		unlink(jq_file);
	return done_testing();
}

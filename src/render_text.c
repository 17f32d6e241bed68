// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "render.h"
#include "states.h"
#include "util.h"

#define DETAIL_MAX 200

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void header(FILE *f, const struct snapshot *s)
{
	char when[64];
	struct tm tm;
	uint64_t total = snapshot_total(s);

	gmtime_r(&s->when, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(f, "tcpdx: %" PRIu64 " TCP %s %s ", total, plural(total, "socket", "sockets"),
		s->replay ? "in a recording, read on" : "on");
	util_fputs_escaped(s->host, f);
	fprintf(f, " at %s (%s)\n\n", when,
		snapshot_has_family(s, SNAP_V4) && snapshot_has_family(s, SNAP_V6) ? "IPv4, IPv6"
		: snapshot_has_family(s, SNAP_V4) ? "IPv4" : "IPv6");
}

/* Append ", "-separated notes to buf. */
/* Append "N one" or "N many" to buf, ", "-separated; nothing if N is 0. */
static void note(char *buf, uint64_t n, const char *one, const char *many)
{
	size_t len = strlen(buf);

	if (!n || len + 3 >= DETAIL_MAX)
		return;
	snprintf(buf + len, DETAIL_MAX - len, "%s%" PRIu64 " %s", len ? ", " : "", n,
		 plural(n, one, many));
}

static void detail(const struct snapshot *s, unsigned int st, char *buf)
{
	uint64_t total = snapshot_state_total(s, st);

	buf[0] = '\0';
	if (!states_queried(s->states, st)) {
		if (st == TS_CLOSE)
			strcpy(buf, "bound-only sockets not queried (--state close)");
		return;
	}
	switch (st) {
	case TS_ESTABLISHED:
	case TS_CLOSE_WAIT:
		note(buf, s->not_accepted[st], "not yet accept()ed", "not yet accept()ed");
		break;
	case TS_SYN_RECV:
		note(buf, s->syn_recv_requests, "half-open (request socket)",
		     "half-open (request sockets)");
		note(buf, total - s->syn_recv_requests, "Fast Open child", "Fast Open children");
		break;
	case TS_FIN_WAIT2:
		note(buf, s->fin_wait2_minisocks,
		     "orphaned (timewait minisock, counted as tw in sockstat)",
		     "orphaned (timewait minisocks, counted as tw in sockstat)");
		note(buf, s->orphans[st], "orphaned full socket", "orphaned full sockets");
		note(buf, s->half_closed[st], "half-closed", "half-closed");
		break;
	case TS_FIN_WAIT1:
	case TS_LAST_ACK:
	case TS_CLOSING:
		note(buf, s->orphans[st], "orphaned", "orphaned");
		note(buf, s->half_closed[st], "half-closed", "half-closed");
		break;
	case TS_CLOSE:
		note(buf, total, "bound, not listening or connected",
		     "bound, not listening or connected");
		break;
	default:
		break;
	}
}

static void cell(FILE *f, const struct snapshot *s, unsigned int st, uint64_t v, int width)
{
	if (states_queried(s->states, st))
		fprintf(f, " %*" PRIu64, width, v);
	else
		fprintf(f, " %*s", width, "-");
}

static int num_width(const struct snapshot *s)
{
	uint64_t max = snapshot_total(s);
	int w = 7;

	while (max >= 10000000) {
		max /= 10;
		w++;
	}
	return w;
}

static void state_table(FILE *f, const struct snapshot *s)
{
	bool v4 = snapshot_has_family(s, SNAP_V4), v6 = snapshot_has_family(s, SNAP_V6);
	int w = num_width(s);
	char buf[DETAIL_MAX];
	unsigned int st;

	fprintf(f, "%-12s", "STATE");
	if (v4)
		fprintf(f, " %*s", w, "IPV4");
	if (v6)
		fprintf(f, " %*s", w, "IPV6");
	fprintf(f, " %*s  DETAIL\n", w, "TOTAL");
	for (st = TS_FIRST; st <= TS_LAST; st++) {
		fprintf(f, "%-12s", states_name(st));
		if (v4)
			cell(f, s, st, s->count[SNAP_V4][st], w);
		if (v6)
			cell(f, s, st, s->count[SNAP_V6][st], w);
		cell(f, s, st, snapshot_state_total(s, st), w);
		detail(s, st, buf);
		if (buf[0])
			fprintf(f, "  %s", buf);
		fputc('\n', f);
	}
}

static int by_queue_desc(const void *a, const void *b)
{
	const struct listener *x = *(const struct listener *const *)a;
	const struct listener *y = *(const struct listener *const *)b;

	return x->accept_queue < y->accept_queue ? 1 : x->accept_queue > y->accept_queue ? -1 : 0;
}

static void listeners(FILE *f, const struct snapshot *s)
{
	const struct listener **q = xcalloc(s->nlisteners, sizeof(*q));
	char addr[UTIL_ADDRSTRLEN];
	size_t i, n = 0;

	for (i = 0; i < s->nlisteners; i++)
		if (s->listeners[i].accept_queue)
			q[n++] = &s->listeners[i];
	if (n) {
		qsort(q, n, sizeof(*q), by_queue_desc);
		fprintf(f, "\nLISTENERS WITH QUEUED CONNECTIONS\n%-46s %8s %8s\n",
			"LOCAL ADDRESS", "ACCEPT-Q", "BACKLOG");
		for (i = 0; i < n; i++) {
			util_addr_str(q[i]->family, q[i]->addr, q[i]->port, addr);
			fprintf(f, "%-46s %8" PRIu32 " %8" PRIu32 "%s\n", addr,
				q[i]->accept_queue, q[i]->backlog,
				listener_full(q[i]) ? "  full" : "");
		}
	}
	free(q);
}

static void dump_notes(FILE *f, const struct snapshot *s)
{
	if (s->duplicates)
		fprintf(f, "\nnote: %" PRIu64 " %s reported twice by the kernel and counted once\n",
			s->duplicates, plural(s->duplicates, "socket was", "sockets were"));
	if (s->malformed)
		fprintf(f, "\nwarning: %" PRIu64 " malformed netlink %s skipped\n", s->malformed,
			plural(s->malformed, "message", "messages"));
	if (s->interrupted)
		fputs("\nnote: the kernel flagged the dump as inconsistent; counts are approximate\n",
		      f);
}

int render_text(FILE *f, const struct snapshot *s)
{
	header(f, s);
	state_table(f, s);
	listeners(f, s);
	dump_notes(f, s);
	return ferror(f) ? -1 : 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "finding.h"
#include "render.h"
#include "states.h"
#include "util.h"

#define DETAIL_MAX 200
#define TEXT_WIDTH 80

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void header(FILE *f, const struct snapshot *s, const char *netns)
{
	char when[64];
	struct tm tm;
	uint64_t total = snapshot_total(s);

	gmtime_r(&s->when, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(f, "tcpdx: %" PRIu64 " TCP %s ", total, plural(total, "socket", "sockets"));
	if (netns) {
		fputs("in namespace [", f);
		util_fputs_escaped(netns, f);
		fputs("] ", f);
	}
	fputs(s->replay ? "in a recording, read on " : "on ", f);
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
		if (s->listeners[i].accept_queue && !s->listeners[i].filtered)
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

const enum sysctl_id render_key_settings[4] = {
	SYS_TCP_SYN_RETRIES, SYS_TCP_SYNACK_RETRIES, SYS_TCP_MAX_ORPHANS, SYS_TCP_ORPHAN_RETRIES,
};

/* ANSI SGR sequences, or nothing. */
static const char *sgr(const struct report *r, const char *code)
{
	return r->color ? code : "";
}

static const char *sev_color(enum severity s)
{
	switch (s) {
	case SEV_CRITICAL: return "\033[1;31m";
	case SEV_WARNING: return "\033[1;33m";
	case SEV_INFO: return "\033[36m";
	default: return "\033[32m";
	}
}

/* What the value means, for the four key settings. */
static void setting_note(enum sysctl_id id, long long v, const struct sysctls *sys, char *buf,
			 size_t len)
{
	long long lin = 0, rto = 120000;
	char d[32];

	buf[0] = '\0';
	sysctl_get(sys, SYS_TCP_RTO_MAX_MS, &rto);
	switch (id) {
	case SYS_TCP_SYN_RETRIES:
		sysctl_get(sys, SYS_TCP_SYN_LINEAR_TIMEOUTS, &lin);
		snprintf(buf, len, "connect() gives up after %s without an answer",
			 finding_duration(rules_syn_sent_give_up(v, lin, rto), d, sizeof(d)));
		break;
	case SYS_TCP_SYNACK_RETRIES:
		snprintf(buf, len, "a half-open request is dropped after %s",
			 finding_duration(rules_syn_recv_give_up(v, rto), d, sizeof(d)));
		break;
	case SYS_TCP_MAX_ORPHANS:
		snprintf(buf, len, "past this, closed connections are reset");
		break;
	case SYS_TCP_ORPHAN_RETRIES:
		snprintf(buf, len, "%s", v == 0 ? "0 means 8 resends (about 102 s)"
						: "resends before an orphan is dropped");
		break;
	default:
		break;
	}
}

static void settings(FILE *f, const struct report *r)
{
	char note_buf[128];
	long long v;
	size_t i;

	if (!r->sys)
		return;
	fprintf(f, "\n%sSETTINGS%s\n", sgr(r, "\033[1m"), sgr(r, "\033[0m"));
	for (i = 0; i < ARRAY_SIZE(render_key_settings); i++) {
		enum sysctl_id id = render_key_settings[i];

		if (!sysctl_get(r->sys, id, &v)) {
			fprintf(f, "%-30s %8s  not readable in this kernel or namespace\n",
				sysctl_name(id), "unknown");
			continue;
		}
		setting_note(id, v, r->sys, note_buf, sizeof(note_buf));
		fprintf(f, "%-30s %8lld  %s\n", sysctl_name(id), v, note_buf);
	}
}

static void evidence(FILE *f, const struct evidence *e)
{
	unsigned int i;

	fprintf(f, "    %s: ", e->label);
	switch (e->type) {
	case EV_NUM:
		if (e->num == (double)(long long)e->num)
			fprintf(f, "%lld", (long long)e->num);
		else
			fprintf(f, "%.1f", e->num);
		if (e->unit)
			fprintf(f, " %s", e->unit);
		break;
	case EV_TEXT:
		util_fputs_escaped(e->text, f);
		break;
	case EV_LIST:
		for (i = 0; i < e->nitems; i++) {
			fputs(i ? ", " : "", f);
			util_fputs_escaped(e->items[i].what, f);
			fprintf(f, " (%" PRIu64 ")", e->items[i].count);
		}
		break;
	}
	fputc('\n', f);
}

static void finding(FILE *f, const struct report *r, const struct finding *x)
{
	unsigned int i;
	char sev[16];
	size_t k;

	snprintf(sev, sizeof(sev), "%s", rules_severity_name(x->severity));
	for (k = 0; sev[k]; k++)
		sev[k] = (char)(sev[k] - 'a' + 'A');
	fprintf(f, "\n%s%-8s%s %s: ", sgr(r, sev_color(x->severity)), sev, sgr(r, "\033[0m"),
		x->id);
	util_fput_wrapped(f, 11 + (int)strlen(x->id), x->summary, 2, TEXT_WIDTH);
	fputs("  why: ", f);
	util_fput_wrapped(f, 7, x->reason, 7, TEXT_WIDTH);
	if (x->nev)
		fputs("  evidence:\n", f);
	for (i = 0; i < x->nev; i++)
		evidence(f, &x->ev[i]);
	fputs("  what to do: ", f);
	util_fput_wrapped(f, 14, x->advice, 14, TEXT_WIDTH);
}

static void findings(FILE *f, const struct report *r)
{
	const struct findings *fs = r->findings;
	unsigned int i, problems = 0;

	if (!fs)
		return;
	for (i = 0; i < fs->n; i++)
		problems += fs->f[i].severity >= SEV_WARNING;
	fprintf(f, "\n%sFINDINGS%s\n", sgr(r, "\033[1m"), sgr(r, "\033[0m"));
	if (!problems)
		fprintf(f, "%sNo problems found%s: no rule reached its warning threshold%s\n",
			sgr(r, sev_color(SEV_OK)), sgr(r, "\033[0m"),
			fs->n ? "; notes follow." : ".");
	for (i = 0; i < fs->n; i++)
		finding(f, r, &fs->f[i]);
}

char *render_group_name(const struct snapshot *s, const struct group *g, char *buf,
			size_t len)
{
	const char *comm;

	switch (groups_by(s->groups)) {
	case GROUP_PROCESS:
		comm = snapshot_comm(s, g->key.pid);
		if (g->key.pid == GROUP_PID_KERNEL)
			snprintf(buf, len, "(kernel)");
		else if (!g->key.pid)
			snprintf(buf, len, "(unknown)");
		else
			snprintf(buf, len, "%s/%u", comm ? comm : "?", g->key.pid);
		break;
	case GROUP_LPORT:
		snprintf(buf, len, "%u", g->key.port);
		break;
	case GROUP_PEER:
		util_addr_str(g->key.family, g->key.addr, g->key.port, buf);
		break;
	case GROUP_RHOST:
		if (!inet_ntop(g->key.family, g->key.addr, buf, (socklen_t)len))
			snprintf(buf, len, "?");
		break;
	default:
		snprintf(buf, len, "?");
	}
	return buf;
}

/* A state's column in the groups table: as wide as its name. */
static int state_col(unsigned int st)
{
	int w = (int)strlen(states_name(st));

	return w > 7 ? w : 7;
}

static void group_row(FILE *f, const struct snapshot *s, const char *name, const uint64_t *c,
		      uint64_t total)
{
	unsigned int st;
	int n = util_escaped_cols(name);

	util_fputs_escaped(name, f);
	fprintf(f, "%*s", n < 24 ? 24 - n : 0, "");
	for (st = TS_FIRST; st <= TS_LAST; st++)
		if (snapshot_state_total(s, st))
			fprintf(f, " %*" PRIu64, state_col(st), c[st]);
	fprintf(f, " %8" PRIu64 "\n", total);
}

static void groups_table(FILE *f, const struct report *r)
{
	const struct snapshot *s = r->snap;
	size_t i, n, want = r->top ? r->top : 10;
	const struct group **top;
	struct group rest;
	char name[UTIL_ADDRSTRLEN + OWNER_COMM_MAX];
	unsigned int st;

	if (!s->groups)
		return;
	static const char *const heads[] = { [GROUP_PROCESS] = "PROCESS",
					     [GROUP_LPORT] = "LOCAL PORT", [GROUP_PEER] = "PEER",
					     [GROUP_RHOST] = "REMOTE HOST" };
	const char *head = heads[groups_by(s->groups)] ? heads[groups_by(s->groups)] : "GROUP";

	top = xcalloc(want, sizeof(*top));
	n = groups_top(s->groups, top, want, &rest);
	fprintf(f, "\nSOCKETS BY %s (top %zu of %zu)\n%-24s", head, n, groups_count(s->groups),
		head);
	for (st = TS_FIRST; st <= TS_LAST; st++)
		if (snapshot_state_total(s, st))
			fprintf(f, " %*s", state_col(st), states_name(st));
	fprintf(f, " %8s\n", "TOTAL");
	for (i = 0; i < n; i++)
		group_row(f, s, render_group_name(s, top[i], name, sizeof(name)), top[i]->count,
			  top[i]->total);
	if (rest.total) {
		snprintf(name, sizeof(name), "(%zu others)", groups_count(s->groups) - n);
		group_row(f, s, name, rest.count, rest.total);
	}
	free(top);
}

static void owner_notes(FILE *f, const struct snapshot *s)
{
	if (!s->owners || !s->owner_unknown)
		return;
	if (s->owners_unreadable)
		fprintf(f, "\nnote: owner unknown for %" PRIu64 " %s: the fds of %zu %s could not "
			"be read%s\n", s->owner_unknown,
			plural(s->owner_unknown, "socket", "sockets"), s->owners_unreadable,
			plural(s->owners_unreadable, "process", "processes"),
			s->owners_as_root ? " even as root (protected processes)"
					  : "; run as root to see them");
	else
		fprintf(f, "\nnote: no owner found for %" PRIu64 " %s (opened or closed during the "
			"scan)\n", s->owner_unknown, plural(s->owner_unknown, "socket", "sockets"));
}

int render_text(FILE *f, const struct report *r)
{
	header(f, r->snap, r->netns);
	state_table(f, r->snap);
	listeners(f, r->snap);
	groups_table(f, r);
	owner_notes(f, r->snap);
	dump_notes(f, r->snap);
	settings(f, r);
	findings(f, r);
	return ferror(f) ? -1 : 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rule table: ids, what each looks at, its thresholds and defaults. The
 * evaluations live in rules_eval.c; this file only runs them.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "rules_eval.h"
#include "sock.h"

#define P(n, d, u, h) { .name = n, .def = d, .unit = u, .help = h }

const struct rule rules_table[] = {
	{ .id = "listen-overflow", .title = "accept queue overflow", .state = TS_LISTEN,
	  .looks_at = "listeners' accept queues; ListenOverflows and ListenDrops",
	  .params = { P("queue_warning", 80, "%", "warn when an accept queue is this full"),
		      P("rate_warning", 0, "per second",
			"warn when ListenOverflows or ListenDrops rise faster than this") },
	  .eval = rule_listen_overflow },
	{ .id = "syn-sent", .title = "unanswered SYNs", .state = TS_SYN_SENT,
	  .looks_at = "SYN-SENT sockets, their retries; tcp_syn_retries, tcp_syn_linear_timeouts",
	  .params = { P("warning", 1, "sockets", "SYN-SENT sockets that resent their SYN"),
		      P("critical", 100, "sockets", "SYN-SENT sockets that resent their SYN") },
	  .eval = rule_syn_sent },
	{ .id = "syn-recv", .title = "half-open connections", .state = TS_SYN_RECV,
	  .looks_at = "SYN-RECV requests per listener; tcp_synack_retries, tcp_syncookies, "
		      "syncookie counters",
	  .params = { P("warning", 10, "sockets", "requests that resent their SYN-ACK"),
		      P("queue_warning", 50, "%", "requests on one listener, of its backlog"),
		      P("queue_critical", 100, "%", "requests on one listener, of its backlog") },
	  .eval = rule_syn_recv },
	{ .id = "close-wait", .title = "CLOSE-WAIT pile-up", .state = TS_CLOSE_WAIT,
	  .looks_at = "CLOSE-WAIT sockets: ports, peers, receive queues, never accept()ed",
	  .params = { P("warning", 10, "sockets", "CLOSE-WAIT sockets"),
		      P("critical", 500, "sockets", "CLOSE-WAIT sockets") },
	  .eval = rule_close_wait },
	{ .id = "fin-wait-2", .title = "FIN-WAIT-2 pile-up", .state = TS_FIN_WAIT2,
	  .looks_at = "FIN-WAIT-2 minisocks and half-closed sockets, peers; tcp_fin_timeout",
	  .params = { P("warning", 50, "sockets", "FIN-WAIT-2 sockets"),
		      P("critical", 1000, "sockets", "FIN-WAIT-2 sockets") },
	  .eval = rule_fin_wait2 },
	{ .id = "fin-wait-1", .title = "FIN not acknowledged", .state = TS_FIN_WAIT1,
	  .looks_at = "FIN-WAIT-1 sockets: orphans, zero windows, retransmissions",
	  .params = { P("warning", 20, "sockets", "FIN-WAIT-1 sockets"),
		      P("critical", 1000, "sockets", "FIN-WAIT-1 sockets") },
	  .eval = rule_fin_wait1 },
	{ .id = "last-ack", .title = "final ACK missing", .state = TS_LAST_ACK,
	  .looks_at = "LAST-ACK sockets: orphans, retransmissions",
	  .params = { P("warning", 20, "sockets", "LAST-ACK sockets"),
		      P("critical", 1000, "sockets", "LAST-ACK sockets") },
	  .eval = rule_last_ack },
	{ .id = "closing", .title = "simultaneous close stuck", .state = TS_CLOSING,
	  .looks_at = "CLOSING sockets",
	  .params = { P("warning", 5, "sockets", "CLOSING sockets"),
		      P("critical", 500, "sockets", "CLOSING sockets") },
	  .eval = rule_closing },
	{ .id = "time-wait", .title = "TIME-WAIT", .state = TS_TIME_WAIT,
	  .looks_at = "TIME-WAIT sockets; sockstat tw against tcp_max_tw_buckets; "
		      "TCPTimeWaitOverflow",
	  .params = { P("buckets_warning", 80, "%", "tw buckets in use, of tcp_max_tw_buckets"),
		      P("buckets_critical", 95, "%", "tw buckets in use, of tcp_max_tw_buckets") },
	  .eval = rule_time_wait },
	{ .id = "ephemeral-ports", .title = "ephemeral port exhaustion",
	  .looks_at = "connections from ephemeral ports per (local address, remote address, "
		      "remote port); ip_local_port_range",
	  .params = { P("warning", 70, "%", "ports in use toward one destination, of the range"),
		      P("critical", 90, "%", "ports in use toward one destination, of the range") },
	  .eval = rule_ephemeral_ports },
	{ .id = "orphans", .title = "orphaned sockets",
	  .looks_at = "sockstat orphan against tcp_max_orphans",
	  .params = { P("warning", 25, "%", "orphans, of tcp_max_orphans"),
		      P("critical", 50, "%", "orphans, of tcp_max_orphans") },
	  .eval = rule_orphans },
	{ .id = "tcp-memory", .title = "TCP memory",
	  .looks_at = "sockstat mem against tcp_mem",
	  .params = { P("warning", 100, "%", "TCP pages, of tcp_mem's pressure threshold"),
		      P("critical", 100, "%", "TCP pages, of tcp_mem's maximum") },
	  .eval = rule_tcp_memory },
	{ .id = "established", .title = "stalled connections", .state = TS_ESTABLISHED,
	  .looks_at = "ESTABLISHED receive queues, zero windows, retransmissions",
	  .params = { P("rq_bytes", 65536, "bytes",
			"a receive queue this large (a power of two) is data not read"),
		      P("unread_warning", 1, "sockets", "sockets with rq_bytes unread"),
		      P("zero_window_warning", 1, "sockets",
			"sockets probing a zero window (persist timer)"),
		      P("retrans_warning", 5, "sockets", "sockets in retransmission timeouts") },
	  .eval = rule_established },
	{ .id = "aborts", .title = "aborted connections",
	  .looks_at = "TCPAbortOnTimeout, OnMemory, OnClose, OnData, OnLinger (rates)",
	  .params = { P("timeout_warning", 0, "per second", "TCPAbortOnTimeout rate above this"),
		      P("memory_critical", 0, "per second", "TCPAbortOnMemory rate above this"),
		      P("close_info", 0, "per second",
			"TCPAbortOnClose + OnData + OnLinger rate above this") },
	  .eval = rule_aborts },
};

const size_t rules_count = sizeof(rules_table) / sizeof(rules_table[0]);

_Static_assert(sizeof(rules_table) / sizeof(rules_table[0]) <= RULES_MAX, "RULES_MAX");

const char *rules_severity_name(enum severity s)
{
	static const char *const names[] = { "ok", "info", "warning", "critical" };

	return s <= SEV_CRITICAL ? names[s] : "unknown";
}

const struct rule *rules_find(const char *id)
{
	size_t i;

	for (i = 0; i < rules_count; i++)
		if (!strcmp(rules_table[i].id, id))
			return &rules_table[i];
	return NULL;
}

void rules_thresholds_default(struct thresholds *t)
{
	size_t i, p;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < rules_count; i++)
		for (p = 0; p < RULE_MAX_PARAMS && rules_table[i].params[p].name; p++)
			t->v[i][p] = rules_table[i].params[p].def;
}

void rules_id_list(char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < rules_count && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", rules_table[i].id);
}

/* "warning, critical" for a rule's error message. */
static void param_list(const struct rule *r, char *buf, size_t len)
{
	size_t p, o = 0;

	buf[0] = '\0';
	for (p = 0; p < RULE_MAX_PARAMS && r->params[p].name && o < len; p++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", p ? ", " : "", r->params[p].name);
}

int rules_threshold_set(struct thresholds *t, const char *spec, char *err, size_t errlen)
{
	const char *dot = strchr(spec, '.'), *eq = strchr(spec, '=');
	char id[64], name[64], params[512], *end;
	const struct rule *r;
	double v;
	size_t p;

	if (!dot || !eq || eq < dot || (size_t)(dot - spec) >= sizeof(id) ||
	    (size_t)(eq - dot - 1) >= sizeof(name)) {
		snprintf(err, errlen, "bad --threshold '%s'; expected RULE.PARAM=VALUE, "
			 "e.g. close-wait.warning=50", spec);
		return -EINVAL;
	}
	snprintf(id, sizeof(id), "%.*s", (int)(dot - spec), spec);
	snprintf(name, sizeof(name), "%.*s", (int)(eq - dot - 1), dot + 1);
	r = rules_find(id);
	if (!r) {
		rules_id_list(params, sizeof(params));
		snprintf(err, errlen, "unknown rule '%s' in --threshold; rules: %s", id, params);
		return -EINVAL;
	}
	for (p = 0; p < RULE_MAX_PARAMS && r->params[p].name; p++)
		if (!strcmp(r->params[p].name, name))
			break;
	if (p == RULE_MAX_PARAMS || !r->params[p].name) {
		param_list(r, params, sizeof(params));
		snprintf(err, errlen, "rule '%s' has no parameter '%s'; it has: %s", id, name,
			 params);
		return -EINVAL;
	}
	errno = 0;
	v = strtod(eq + 1, &end);
	if (eq[1] == '\0' || *end || errno || !isfinite(v) || v < 0) {
		snprintf(err, errlen, "bad value '%s' for %s.%s; expected a number >= 0 (%s)",
			 eq + 1, id, name, r->params[p].unit);
		return -EINVAL;
	}
	t->v[r - rules_table][p] = v;
	return 0;
}

static int by_severity(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->severity != y->severity)
		return x->severity < y->severity ? 1 : -1;
	/* Stable on table order: ids map back to their index. */
	return (int)(rules_find(x->id) - rules_table) - (int)(rules_find(y->id) - rules_table);
}

enum severity rules_eval(const struct rules_input *in, const struct thresholds *t,
			 struct findings *out)
{
	enum severity worst = SEV_OK, s;
	size_t i;

	out->n = 0;
	for (i = 0; i < rules_count; i++) {
		struct finding *f = &out->f[out->n];

		/* A rule about a state that was not asked for has nothing to say. */
		if (rules_table[i].state && !states_queried_rule(in->snap, rules_table[i].state))
			continue;
		memset(f, 0, sizeof(*f));
		f->id = rules_table[i].id;
		s = rules_table[i].eval(in, t->v[i], f);
		f->severity = s;
		if (s > SEV_OK)
			out->n++;
		if (s > worst)
			worst = s;
	}
	qsort(out->f, out->n, sizeof(out->f[0]), by_severity);
	return worst;
}

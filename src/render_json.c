// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "json_writer.h"
#include "render.h"
#include "states.h"
#include "util.h"

#define JSON_SCHEMA_VERSION 1

/* The eleven tcpstat keys; null where the state or family was not asked. */
static void state_counts(json_writer_t *w, const struct snapshot *s, int fam)
{
	unsigned int st;

	json_obj_start(w);
	for (st = TS_FIRST; st <= TS_LAST; st++) {
		json_key(w, states_json_key(st));
		if (!states_queried(s->states, st) ||
		    (fam >= 0 && !snapshot_has_family(s, (enum snap_family)fam)))
			json_null(w);
		else if (fam >= 0)
			json_u64(w, s->count[fam][st]);
		else
			json_u64(w, snapshot_state_total(s, st));
	}
	json_obj_end(w);
}

static const unsigned int closing_states[] = { TS_FIN_WAIT1, TS_FIN_WAIT2, TS_LAST_ACK,
					       TS_CLOSING };

static void closing_split(json_writer_t *w, const char *key, const uint64_t *v)
{
	uint64_t total = 0;
	unsigned int i;

	json_key(w, key);
	json_obj_start(w);
	for (i = 0; i < sizeof(closing_states) / sizeof(closing_states[0]); i++) {
		json_kv_u64(w, states_json_key(closing_states[i]), v[closing_states[i]]);
		total += v[closing_states[i]];
	}
	json_kv_u64(w, "total", total);
	json_obj_end(w);
}

static void details(json_writer_t *w, const struct snapshot *s)
{
	json_key(w, "detail");
	json_obj_start(w);
	closing_split(w, "orphans", s->orphans);
	closing_split(w, "half_closed", s->half_closed);
	json_kv_u64(w, "fin_wait2_minisocks", s->fin_wait2_minisocks);
	json_kv_u64(w, "syn_recv_requests", s->syn_recv_requests);
	json_key(w, "not_accepted");
	json_obj_start(w);
	json_kv_u64(w, "established", s->not_accepted[TS_ESTABLISHED]);
	json_kv_u64(w, "close_wait", s->not_accepted[TS_CLOSE_WAIT]);
	json_obj_end(w);
	json_obj_end(w);
}

static void listeners(json_writer_t *w, const struct snapshot *s)
{
	char addr[INET6_ADDRSTRLEN];
	size_t i;

	json_key(w, "listeners");
	json_arr_start(w);
	for (i = 0; i < s->nlisteners; i++) {
		const struct listener *l = &s->listeners[i];

		if (l->filtered)
			continue;
		if (!inet_ntop(l->family, l->addr, addr, sizeof(addr)))
			addr[0] = '\0';
		json_obj_start(w);
		json_kv_str(w, "family", l->family == AF_INET6 ? "ipv6" : "ipv4");
		json_kv_str(w, "address", addr);
		json_kv_u64(w, "port", l->port);
		json_kv_u64(w, "accept_queue", l->accept_queue);
		json_kv_u64(w, "backlog", l->backlog);
		json_kv_bool(w, "full", listener_full(l));
		json_kv_u64(w, "syn_recv", l->syn_recv);
		if (s->owners) {
			json_key(w, "owner");
			if (l->owner_pid) {
				json_obj_start(w);
				json_kv_u64(w, "pid", l->owner_pid);
				json_kv_str(w, "comm", snapshot_comm(s, l->owner_pid));
				json_obj_end(w);
			} else {
				json_null(w);
			}
		}
		json_obj_end(w);
	}
	json_arr_end(w);
}

static void dump_info(json_writer_t *w, const struct snapshot *s)
{
	json_key(w, "dump");
	json_obj_start(w);
	json_kv_u64(w, "messages", s->messages);
	json_kv_u64(w, "duplicates", s->duplicates);
	json_kv_u64(w, "malformed", s->malformed);
	json_kv_bool(w, "interrupted", s->interrupted);
	json_obj_end(w);
}

static void meta(json_writer_t *w, const struct snapshot *s)
{
	char when[32];
	struct tm tm;

	gmtime_r(&s->when, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_kv_u64(w, "schema_version", JSON_SCHEMA_VERSION);
	json_kv_str(w, "tcpdx_version", PACKAGE_VERSION);
	json_kv_str(w, "host", s->host);
	json_kv_str(w, "timestamp", when);
	json_kv_str(w, "source", s->replay ? "replay" : "kernel");
	json_key(w, "families");
	json_arr_start(w);
	if (snapshot_has_family(s, SNAP_V4))
		json_str(w, "ipv4");
	if (snapshot_has_family(s, SNAP_V6))
		json_str(w, "ipv6");
	json_arr_end(w);
}

static void settings(json_writer_t *w, const struct sysctls *sys)
{
	unsigned int id, i;

	json_key(w, "settings");
	if (!sys) {
		json_null(w);
		return;
	}
	json_obj_start(w);
	for (id = 0; id < SYS_COUNT; id++) {
		const struct sysctl_value *v = &sys->val[id];

		json_key(w, sysctl_short_name(id));
		if (!v->known) {
			json_null(w);
		} else if (v->n == 1) {
			json_i64(w, v->v[0]);
		} else {
			json_arr_start(w);
			for (i = 0; i < v->n; i++)
				json_i64(w, v->v[i]);
			json_arr_end(w);
		}
	}
	json_obj_end(w);
}

/* Grouped as in /proc: {"TcpExt": {"ListenOverflows": {"value": 1, "per_second": 0}}} */
static void counters(json_writer_t *w, const struct report *r)
{
	const char *group = NULL;
	unsigned int id;
	uint64_t d;

	json_key(w, "counters");
	if (!r->after) {
		json_null(w);
		return;
	}
	json_obj_start(w);
	json_key(w, "interval_seconds");
	json_double(w, r->interval);
	for (id = 0; id < CTR_COUNT; id++) {
		if (!group || strcmp(group, counters_group(id))) {
			if (group)
				json_obj_end(w);
			group = counters_group(id);
			json_key(w, group);
			json_obj_start(w);
		}
		json_key(w, counters_name(id));
		json_obj_start(w);
		json_key(w, "value");
		if (r->after->c[id].known)
			json_u64(w, r->after->c[id].v);
		else
			json_null(w);
		if (!counters_is_gauge(id)) {
			json_key(w, "per_second");
			if (r->before && r->interval > 0 &&
			    counters_delta(r->before, r->after, id, &d))
				json_double(w, (double)d / r->interval);
			else
				json_null(w);
		}
		json_obj_end(w);
	}
	if (group)
		json_obj_end(w);
	json_obj_end(w);
}

static void evidence(json_writer_t *w, const struct evidence *e)
{
	unsigned int i;

	json_key(w, e->key);
	switch (e->type) {
	case EV_NUM:
		if (e->num == (double)(long long)e->num)
			json_i64(w, (long long)e->num);
		else
			json_double(w, e->num);
		break;
	case EV_TEXT:
		json_str(w, e->text);
		break;
	case EV_LIST:
		json_arr_start(w);
		for (i = 0; i < e->nitems; i++) {
			json_obj_start(w);
			json_kv_str(w, "name", e->items[i].what);
			json_kv_u64(w, "count", e->items[i].count);
			json_obj_end(w);
		}
		json_arr_end(w);
		break;
	}
}

static void findings(json_writer_t *w, const struct report *r)
{
	unsigned int i, j;

	json_kv_str(w, "severity", rules_severity_name(r->worst));
	json_key(w, "findings");
	json_arr_start(w);
	for (i = 0; r->findings && i < r->findings->n; i++) {
		const struct finding *x = &r->findings->f[i];

		json_obj_start(w);
		json_kv_str(w, "id", x->id);
		json_kv_str(w, "severity", rules_severity_name(x->severity));
		json_kv_str(w, "summary", x->summary);
		json_kv_str(w, "reason", x->reason);
		json_key(w, "evidence");
		json_obj_start(w);
		for (j = 0; j < x->nev; j++)
			evidence(w, &x->ev[j]);
		json_obj_end(w);
		json_kv_str(w, "advice", x->advice);
		json_obj_end(w);
	}
	json_arr_end(w);
}

static void owners(json_writer_t *w, const struct snapshot *s)
{
	json_key(w, "owners");
	if (!s->owners) {
		json_null(w);
		return;
	}
	json_obj_start(w);
	json_kv_u64(w, "unknown", s->owner_unknown);
	json_kv_u64(w, "kernel", s->owner_kernel);
	json_kv_u64(w, "via_listener", s->owner_listener);
	json_kv_u64(w, "unreadable_processes", s->owners_unreadable);
	json_obj_end(w);
}

static void group_obj(json_writer_t *w, const struct snapshot *s, const char *name,
		      const struct group *g)
{
	unsigned int st;

	json_obj_start(w);
	json_kv_str(w, "name", name);
	if (g && groups_by(s->groups) == GROUP_PROCESS && g->key.pid &&
	    g->key.pid != GROUP_PID_KERNEL) {
		json_kv_u64(w, "pid", g->key.pid);
		json_kv_str(w, "comm", snapshot_comm(s, g->key.pid));
	}
	json_key(w, "states");
	json_obj_start(w);
	for (st = TS_FIRST; st <= TS_LAST; st++)
		if (states_queried(s->states, st))
			json_kv_u64(w, states_json_key(st), g ? g->count[st] : 0);
	json_obj_end(w);
	json_kv_u64(w, "total", g ? g->total : 0);
	json_obj_end(w);
}

static void groups(json_writer_t *w, const struct report *r)
{
	const struct snapshot *s = r->snap;
	size_t i, n, want = r->top ? r->top : 10;
	char name[UTIL_ADDRSTRLEN + OWNER_COMM_MAX];
	const struct group **top;
	struct group rest;

	json_key(w, "groups");
	if (!s->groups) {
		json_null(w);
		return;
	}
	top = xcalloc(want, sizeof(*top));
	n = groups_top(s->groups, top, want, &rest);
	json_obj_start(w);
	json_kv_str(w, "by", groups_name(groups_by(s->groups)));
	json_kv_u64(w, "count", groups_count(s->groups));
	json_key(w, "top");
	json_arr_start(w);
	for (i = 0; i < n; i++)
		group_obj(w, s, render_group_name(s, top[i], name, sizeof(name)), top[i]);
	json_arr_end(w);
	json_key(w, "rest");
	snprintf(name, sizeof(name), "(%zu others)", groups_count(s->groups) - n);
	group_obj(w, s, name, &rest);
	json_obj_end(w);
	free(top);
}

/* The members of one report's object. */
static void report_members(json_writer_t *w, const struct report *r)
{
	const struct snapshot *s = r->snap;

	json_kv_u64(w, "total", snapshot_total(s));
	json_key(w, "states");
	state_counts(w, s, -1);
	json_key(w, "ipv4");
	state_counts(w, s, SNAP_V4);
	json_key(w, "ipv6");
	state_counts(w, s, SNAP_V6);
	details(w, s);
	listeners(w, s);
	dump_info(w, s);
	if (r->netns)
		json_kv_str(w, "netns", r->netns);
	owners(w, s);
	groups(w, r);
	settings(w, r->sys);
	counters(w, r);
	if (r->findings)
		findings(w, r);
}

int render_json(FILE *f, const struct report *r)
{
	json_writer_t *w = json_new(f, true);

	json_obj_start(w);
	meta(w, r->snap);
	report_members(w, r);
	json_obj_end(w);
	return json_free(w);
}

int render_json_all(FILE *f, const struct report *r, size_t n, const struct report *total)
{
	json_writer_t *w = json_new(f, true);
	size_t i;

	json_obj_start(w);
	meta(w, total->snap);
	json_kv_str(w, "severity", rules_severity_name(total->worst));
	json_key(w, "namespaces");
	json_arr_start(w);
	for (i = 0; i < n; i++) {
		json_obj_start(w);
		report_members(w, &r[i]);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "total");
	json_obj_start(w);
	report_members(w, total);
	json_obj_end(w);
	json_obj_end(w);
	return json_free(w);
}

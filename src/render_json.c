// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <sys/socket.h>
#include <time.h>

#include "json_writer.h"
#include "render.h"
#include "states.h"

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

		if (!inet_ntop(l->family, l->addr, addr, sizeof(addr)))
			addr[0] = '\0';
		json_obj_start(w);
		json_kv_str(w, "family", l->family == AF_INET6 ? "ipv6" : "ipv4");
		json_kv_str(w, "address", addr);
		json_kv_u64(w, "port", l->port);
		json_kv_u64(w, "accept_queue", l->accept_queue);
		json_kv_u64(w, "backlog", l->backlog);
		json_kv_bool(w, "full", listener_full(l));
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

int render_json(FILE *f, const struct snapshot *s)
{
	json_writer_t *w = json_new(f, true);

	json_obj_start(w);
	meta(w, s);
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
	json_obj_end(w);
	return json_free(w);
}

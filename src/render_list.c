// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "json_writer.h"
#include "render_list.h"
#include "states.h"
#include "util.h"

/* What a line needs of a socket: kept for --sort, so no tcp_info. */
struct item {
	uint8_t family, state, kind, timer, retrans;
	bool orphan, has_idle, via_listener;
	uint16_t sport, dport;
	uint8_t saddr[16], daddr[16];
	uint32_t rqueue, wqueue, uid, inode, expires_ms, pid;
	uint32_t idle_data_ms, idle_ack_ms;
	uint64_t cookie;
};

struct list_writer {
	FILE *f;
	enum list_format fmt;
	enum list_sort sort;
	bool owners;
	int addr_w;
	json_writer_t *json;
	struct item *items;       /* --sort only */
	size_t n, cap;
	const struct snapshot *snap;
};

static const char *const timer_names[] = { "-", "on", "keepalive", "timewait", "persist" };

enum list_sort render_list_sort_parse(const char *word)
{
	static const char *const names[] = { [SORT_STATE] = "state", [SORT_QUEUE] = "queue",
					     [SORT_PEER] = "peer", [SORT_OWNER] = "owner" };
	size_t i;

	for (i = SORT_STATE; i < ARRAY_SIZE(names); i++)
		if (!strcmp(word, names[i]))
			return (enum list_sort)i;
	return SORT_NONE;
}

static void header(struct list_writer *w)
{
	fprintf(w->f, "%-12s %7s %7s %-*s %-*s ", "STATE", "RECV-Q", "SEND-Q", w->addr_w,
		"LOCAL ADDRESS:PORT", w->addr_w, "PEER ADDRESS:PORT");
	if (w->owners)
		fprintf(w->f, "%-24s ", "OWNER");
	fprintf(w->f, "%-16s %5s %8s\n", "TIMER", "RETR", "IDLE");
}

struct list_writer *render_list_begin(FILE *f, enum list_format fmt, enum list_sort sort,
				      bool owners, bool wide)
{
	struct list_writer *w = xcalloc(1, sizeof(*w));

	w->f = f;
	w->fmt = fmt;
	w->sort = sort;
	w->owners = owners;
	w->addr_w = wide ? 30 : 21;
	if (fmt == LIST_JSON) {
		w->json = json_new(f, false);
		json_arr_start(w->json);
	}
	if (fmt == LIST_TEXT)
		header(w);
	return w;
}

static void to_item(const struct tcp_sock *sk, uint32_t pid, const struct owner *o,
		    struct item *it)
{
	memset(it, 0, sizeof(*it));
	it->family = sk->family;
	it->state = sk->state;
	it->kind = sk->kind;
	it->timer = sk->timer;
	it->retrans = sk->retrans;
	it->orphan = tcp_sock_is_orphan(sk) || sk->kind == SK_TIMEWAIT;
	it->sport = sk->sport;
	it->dport = sk->dport;
	memcpy(it->saddr, sk->saddr, 16);
	memcpy(it->daddr, sk->daddr, 16);
	it->rqueue = sk->rqueue;
	it->wqueue = sk->wqueue;
	it->uid = sk->uid;
	it->inode = sk->inode;
	it->expires_ms = sk->expires_ms;
	it->cookie = sk->cookie;
	it->pid = pid;
	it->via_listener = pid && !o;
	/* SYN-SENT's last_* fields are garbage (reference 1.3); LISTEN has none. */
	if (sk->has_info && sk->state != TS_SYN_SENT && sk->state != TS_LISTEN) {
		it->has_idle = true;
		it->idle_data_ms = sk->info.tcpi_last_data_recv;
		it->idle_ack_ms = sk->info.tcpi_last_ack_recv;
	}
}

static char *secs(uint32_t ms, char *buf, size_t len)
{
	if (ms < 10000)
		snprintf(buf, len, "%.1fs", ms / 1000.0);
	else if (ms < 600000)
		snprintf(buf, len, "%us", ms / 1000);
	else if (ms < 36000000)
		snprintf(buf, len, "%um", ms / 60000);
	else
		snprintf(buf, len, "%uh", ms / 3600000);
	return buf;
}

static void owner_text(const struct list_writer *w, const struct item *it, char *buf,
		       size_t len)
{
	const char *comm = snapshot_comm(w->snap, it->pid);

	if (it->pid)
		snprintf(buf, len, "%s/%u%s", comm ? comm : "?", it->pid,
			 it->via_listener ? " (listener)" : "");
	else if (it->orphan)
		snprintf(buf, len, "(kernel)");
	else
		snprintf(buf, len, "-");
}

static void text_line(struct list_writer *w, const struct item *it)
{
	char a[UTIL_ADDRSTRLEN], b[UTIL_ADDRSTRLEN], own[OWNER_COMM_MAX + 32], t[40], d[16];
	int n;

	util_addr_str(it->family, it->saddr, it->sport, a);
	if (it->state == TS_LISTEN || it->state == TS_CLOSE)
		snprintf(b, sizeof(b), it->family == AF_INET6 ? "[::]:*" : "0.0.0.0:*");
	else
		util_addr_str(it->family, it->daddr, it->dport, b);
	fprintf(w->f, "%-12s %7" PRIu32 " %7" PRIu32 " %-*s %-*s ", states_name(it->state),
		it->rqueue, it->wqueue, w->addr_w, a, w->addr_w, b);
	if (w->owners) {
		owner_text(w, it, own, sizeof(own));
		/* The name comes from the process: escape it, pad by hand. */
		util_fputs_escaped(own, w->f);
		n = util_escaped_cols(own);
		fprintf(w->f, "%*s ", n < 24 ? 24 - n : 0, "");
	}
	if (it->timer)
		snprintf(t, sizeof(t), "%s,%s", timer_names[it->timer],
			 secs(it->expires_ms, d, sizeof(d)));
	else
		snprintf(t, sizeof(t), "-");
	fprintf(w->f, "%-16s %5u %8s\n", t, it->retrans,
		it->has_idle ? secs(it->idle_data_ms, d, sizeof(d)) : "-");
}

static void json_addr(json_writer_t *j, const char *key, int family, const uint8_t *addr,
		      uint16_t port)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, addr, a, sizeof(a)))
		a[0] = '\0';
	json_key(j, key);
	json_obj_start(j);
	json_kv_str(j, "address", a);
	json_kv_u64(j, "port", port);
	json_obj_end(j);
}

static void json_owner(struct list_writer *w, json_writer_t *j, const struct item *it)
{
	json_key(j, "owner");
	if (!it->pid) {
		json_null(j);
		return;
	}
	json_obj_start(j);
	json_kv_u64(j, "pid", it->pid);
	json_kv_str(j, "comm", snapshot_comm(w->snap, it->pid));
	json_kv_str(j, "via", it->via_listener ? "listener" : "fd");
	json_obj_end(j);
}

static void json_item(struct list_writer *w, json_writer_t *j, const struct item *it)
{
	static const char *const kinds[] = { "full", "minisock", "request" };

	json_obj_start(j);
	json_kv_str(j, "family", it->family == AF_INET6 ? "ipv6" : "ipv4");
	json_kv_str(j, "state", states_json_key(it->state));
	json_kv_u64(j, "recv_q", it->rqueue);
	json_kv_u64(j, "send_q", it->wqueue);
	json_addr(j, "local", it->family, it->saddr, it->sport);
	json_addr(j, "peer", it->family, it->daddr, it->dport);
	json_kv_str(j, "kind", kinds[it->kind <= SK_REQUEST ? it->kind : 0]);
	json_kv_bool(j, "orphan", it->orphan);
	json_kv_u64(j, "uid", it->uid);
	json_kv_u64(j, "inode", it->inode);
	json_kv_u64(j, "cookie", it->cookie);
	json_key(j, "timer");
	if (it->timer) {
		json_obj_start(j);
		json_kv_str(j, "name", timer_names[it->timer]);
		json_kv_u64(j, "expires_ms", it->expires_ms);
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_kv_u64(j, "retrans", it->retrans);
	json_key(j, "idle_ms");
	if (it->has_idle) {
		json_obj_start(j);
		json_kv_u64(j, "data_recv", it->idle_data_ms);
		json_kv_u64(j, "ack_recv", it->idle_ack_ms);
		json_obj_end(j);
	} else {
		json_null(j);
	}
	if (w->owners)
		json_owner(w, j, it);
	json_obj_end(j);
}

static int write_item(struct list_writer *w, const struct item *it)
{
	json_writer_t *j;

	switch (w->fmt) {
	case LIST_TEXT:
		text_line(w, it);
		break;
	case LIST_JSON:
		json_item(w, w->json, it);
		break;
	case LIST_NDJSON:
		j = json_new(w->f, false);
		json_item(w, j, it);
		json_free(j);
		break;
	}
	return ferror(w->f) ? -EIO : 0;
}

int render_list_socket(const struct tcp_sock *sk, const struct owner *o, uint32_t pid,
		       const struct snapshot *snap, void *writer)
{
	struct list_writer *w = writer;
	struct item it;

	w->snap = snap;
	to_item(sk, pid, o, &it);
	if (w->sort == SORT_NONE)
		return write_item(w, &it);
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 1024;
		w->items = xreallocarray(w->items, w->cap, sizeof(*w->items));
	}
	w->items[w->n++] = it;
	return 0;
}

/* qsort has no context argument: the writer being sorted. */
static const struct list_writer *sorting;

static int cmp_peer(const struct item *x, const struct item *y)
{
	int c = (int)x->family - (int)y->family;

	if (!c)
		c = memcmp(x->daddr, y->daddr, 16);
	if (!c)
		c = (int)x->dport - (int)y->dport;
	return c;
}

static int cmp_items(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	const char *cx, *cy;
	uint64_t qx, qy;
	int c = 0;

	switch (sorting->sort) {
	case SORT_STATE:
		c = (int)x->state - (int)y->state;
		break;
	case SORT_QUEUE:
		/* A listener's rq/wq are its accept queue and backlog, not bytes. */
		qx = x->state == TS_LISTEN ? 0 : (uint64_t)x->rqueue + x->wqueue;
		qy = y->state == TS_LISTEN ? 0 : (uint64_t)y->rqueue + y->wqueue;
		c = qx < qy ? 1 : qx > qy ? -1 : 0;
		break;
	case SORT_PEER:
		c = cmp_peer(x, y);
		break;
	case SORT_OWNER:
		cx = snapshot_comm(sorting->snap, x->pid);
		cy = snapshot_comm(sorting->snap, y->pid);
		/* Unknown owners last, whatever bytes the names start with. */
		c = !cx || !cy ? (!cx) - (!cy) : strcmp(cx, cy);
		if (!c)
			c = x->pid < y->pid ? -1 : x->pid > y->pid;
		break;
	default:
		break;
	}
	if (!c)
		c = cmp_peer(x, y);
	return c ? c : (x->cookie < y->cookie ? -1 : x->cookie > y->cookie);
}

int render_list_end(struct list_writer *w, const struct snapshot *snap)
{
	size_t i;
	int ret = 0;

	w->snap = snap;
	if (w->n) {
		sorting = w;
		qsort(w->items, w->n, sizeof(*w->items), cmp_items);
		sorting = NULL;
	}
	for (i = 0; i < w->n && !ret; i++)
		ret = write_item(w, &w->items[i]);
	if (w->json) {
		json_arr_end(w->json);
		if (json_free(w->json))
			ret = -1;
	}
	if (ferror(w->f))
		ret = -1;
	free(w->items);
	free(w);
	return ret ? -1 : 0;
}

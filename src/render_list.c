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
	if (tcp_sock_has_idle(sk)) {
		it->has_idle = true;
		it->idle_data_ms = sk->info.tcpi_last_data_recv;
		it->idle_ack_ms = sk->info.tcpi_last_ack_recv;
	}
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

/*
 * A text line is built in a buffer by hand and written with one fwrite:
 * printf's format parsing was a quarter of `tcpdx list` on a million
 * sockets. The layout is the header's: fixed columns, left- or
 * right-aligned, wider cells push the rest right as ss does.
 */
struct line {
	char b[512];
	size_t n;
};

static void put(struct line *l, const char *s, size_t len)
{
	if (len > sizeof(l->b) - l->n)
		len = sizeof(l->b) - l->n;
	memcpy(l->b + l->n, s, len);
	l->n += len;
}

static void pad(struct line *l, size_t width, size_t used)
{
	while (used++ < width && l->n < sizeof(l->b))
		l->b[l->n++] = ' ';
}

/* @s left-aligned in @width columns (ASCII), then one space. */
static void cell_left(struct line *l, const char *s, size_t width)
{
	size_t len = strlen(s);

	put(l, s, len);
	pad(l, width, len);
	put(l, " ", 1);
}

/* @v right-aligned in @width columns, then one space. */
static void cell_num(struct line *l, uint32_t v, size_t width)
{
	char d[10];
	size_t k = sizeof(d);

	do
		d[--k] = (char)('0' + v % 10);
	while ((v /= 10));
	pad(l, width, sizeof(d) - k);
	put(l, d + k, sizeof(d) - k);
	put(l, " ", 1);
}

/* Dotted quad at @p; returns the end. */
static char *ipv4_str(const uint8_t *a, char *p)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		if (a[i] >= 100)
			*p++ = (char)('0' + a[i] / 100);
		if (a[i] >= 10)
			*p++ = (char)('0' + a[i] / 10 % 10);
		*p++ = (char)('0' + a[i] % 10);
	}
	*p = '\0';
	return p;
}

/* "10.0.0.1:80" or "[::1]:80" into @buf; returns its length. */
static size_t addr_port(int family, const uint8_t *addr, uint16_t port, char *buf)
{
	char *p = buf, d[6];
	size_t k = sizeof(d);

	if (family == AF_INET6) {
		*p++ = '[';
		if (!inet_ntop(family, addr, p, INET6_ADDRSTRLEN))
			strcpy(p, "?");
		p += strlen(p);
	} else {
		/* glibc's inet_ntop formats IPv4 with sprintf: half of list's time. */
		p = ipv4_str(addr, p);
	}
	if (family == AF_INET6)
		*p++ = ']';
	*p++ = ':';
	do
		d[--k] = (char)('0' + port % 10);
	while ((port /= 10));
	memcpy(p, d + k, sizeof(d) - k);
	p += sizeof(d) - k;
	*p = '\0';
	return (size_t)(p - buf);
}

static void text_line(struct list_writer *w, const struct item *it)
{
	char a[UTIL_ADDRSTRLEN], own[OWNER_COMM_MAX + 32], t[40], d[16];
	struct line l = { .n = 0 };
	int n;

	cell_left(&l, states_name(it->state), 12);
	cell_num(&l, it->rqueue, 7);
	cell_num(&l, it->wqueue, 7);
	addr_port(it->family, it->saddr, it->sport, a);
	cell_left(&l, a, (size_t)w->addr_w);
	if (it->state == TS_LISTEN || it->state == TS_CLOSE)
		cell_left(&l, it->family == AF_INET6 ? "[::]:*" : "0.0.0.0:*", (size_t)w->addr_w);
	else {
		addr_port(it->family, it->daddr, it->dport, a);
		cell_left(&l, a, (size_t)w->addr_w);
	}
	if (w->owners) {
		/* The name comes from the process: escape it, pad by columns. */
		fwrite(l.b, 1, l.n, w->f);
		l.n = 0;
		owner_text(w, it, own, sizeof(own));
		util_fputs_escaped(own, w->f);
		n = util_escaped_cols(own);
		pad(&l, 24, n < 0 ? 0 : (size_t)n);
		put(&l, " ", 1);
	}
	if (it->timer)
		snprintf(t, sizeof(t), "%s,%s", timer_names[it->timer],
			 util_ms_str(it->expires_ms, d, sizeof(d)));
	else
		strcpy(t, "-");
	cell_left(&l, t, 16);
	cell_num(&l, it->retrans, 5);
	l.n--; /* the IDLE column is right-aligned in 8, after one space */
	put(&l, " ", 1);
	if (it->has_idle)
		util_ms_str(it->idle_data_ms, d, sizeof(d));
	else
		strcpy(d, "-");
	pad(&l, 8, strlen(d));
	put(&l, d, strlen(d));
	put(&l, "\n", 1);
	fwrite(l.b, 1, l.n, w->f);
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

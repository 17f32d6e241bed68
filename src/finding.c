// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "finding.h"
#include "util.h"

static void vset(char *dst, size_t len, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void vset(char *dst, size_t len, const char *fmt, va_list ap)
{
	vsnprintf(dst, len, fmt, ap);
}

#define SETTER(name, field)                                              \
	void finding_##name(struct finding *f, const char *fmt, ...)     \
	{                                                                \
		va_list ap;                                              \
		va_start(ap, fmt);                                       \
		vset(f->field, sizeof(f->field), fmt, ap);               \
		va_end(ap);                                              \
	}

SETTER(summary, summary)
SETTER(reason, reason)
SETTER(advice, advice)

static struct evidence *next_ev(struct finding *f, const char *key, const char *label,
				enum ev_type type)
{
	struct evidence *e;

	if (f->nev >= FINDING_EV_MAX)
		return NULL;
	e = &f->ev[f->nev++];
	memset(e, 0, sizeof(*e));
	e->key = key;
	e->label = label;
	e->type = type;
	return e;
}

void finding_num(struct finding *f, const char *key, const char *label, double v,
		 const char *unit)
{
	struct evidence *e = next_ev(f, key, label, EV_NUM);

	if (e) {
		e->num = v;
		e->unit = unit;
	}
}

void finding_text(struct finding *f, const char *key, const char *label, const char *fmt, ...)
{
	struct evidence *e = next_ev(f, key, label, EV_TEXT);
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	vset(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
}

char *finding_key_str(const struct topk_key *k, enum key_format kf, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?", b[INET6_ADDRSTRLEN] = "?";
	int fam = k->family == AF_INET6 ? AF_INET6 : AF_INET;

	if (kf != KEY_PORT)
		inet_ntop(fam, k->addr, a, sizeof(a));
	if (kf == KEY_TUPLE)
		inet_ntop(fam, k->addr2, b, sizeof(b));
	switch (kf) {
	case KEY_PORT:
		snprintf(buf, len, "%u", k->port);
		break;
	case KEY_ADDR:
		snprintf(buf, len, "%s", a);
		break;
	case KEY_ADDR_PORT:
		snprintf(buf, len, fam == AF_INET6 ? "[%s]:%u" : "%s:%u", a, k->port);
		break;
	case KEY_TUPLE:
		snprintf(buf, len, fam == AF_INET6 ? "%s -> [%s]:%u" : "%s -> %s:%u", b, a, k->port);
		break;
	}
	return buf;
}

struct evidence *finding_list(struct finding *f, const char *key, const char *label)
{
	return next_ev(f, key, label, EV_LIST);
}

void finding_top(struct finding *f, const char *key, const char *label, const struct topk *t,
		 enum key_format kf)
{
	const struct topk_entry *top[EV_LIST_MAX];
	size_t i, n = topk_top(t, top, EV_LIST_MAX);
	struct evidence *e;

	if (!n || !(e = next_ev(f, key, label, EV_LIST)))
		return;
	for (i = 0; i < n; i++) {
		finding_key_str(&top[i]->key, kf, e->items[i].what, sizeof(e->items[i].what));
		e->items[i].count = top[i]->count;
	}
	e->nitems = (unsigned int)n;
}

char *finding_proc_str(const struct snapshot *s, uint32_t pid, char *buf, size_t len)
{
	const char *comm = snapshot_comm(s, pid);

	snprintf(buf, len, "%s (pid %u)", comm ? comm : "?", pid);
	return buf;
}

void finding_top_procs(struct finding *f, const char *key, const char *label,
		       const struct topk *t, const struct snapshot *s)
{
	const struct topk_entry *top[EV_LIST_MAX];
	size_t i, n = topk_top(t, top, EV_LIST_MAX);
	struct evidence *e;
	uint32_t pid;

	if (!n || !(e = next_ev(f, key, label, EV_LIST)))
		return;
	for (i = 0; i < n; i++) {
		memcpy(&pid, top[i]->key.addr, sizeof(pid));
		finding_proc_str(s, pid, e->items[i].what, sizeof(e->items[i].what));
		e->items[i].count = top[i]->count;
	}
	e->nitems = (unsigned int)n;
}

char *finding_duration(double s, char *buf, size_t len)
{
	unsigned long long t = (unsigned long long)(s + 0.5);

	if (s < 10 && s != (double)t)
		snprintf(buf, len, "%.1f s", s);
	else if (t < 600)
		snprintf(buf, len, "%llu s", t);
	else if (t < 7200)
		snprintf(buf, len, "%llu min %llu s", t / 60, t % 60);
	else
		snprintf(buf, len, "%llu h %llu min", t / 3600, t / 60 % 60);
	return buf;
}

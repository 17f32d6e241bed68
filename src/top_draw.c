// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "finding.h"
#include "render.h"
#include "states.h"
#include "top_draw.h"
#include "util.h"

/* ---- canvas ------------------------------------------------------------ */

void top_canvas_init(struct top_canvas *c, int rows, int cols)
{
	size_t i, n;

	c->rows = rows > 0 ? rows : 0;
	c->cols = cols > 0 ? cols : 0;
	n = (size_t)c->rows * (size_t)c->cols;
	c->cell = xcalloc(n ? n : 1, sizeof(*c->cell));
	for (i = 0; i < n; i++)
		c->cell[i].ch = ' ';
}

void top_canvas_free(struct top_canvas *c)
{
	free(c->cell);
	c->cell = NULL;
	c->rows = c->cols = 0;
}

/* Code points that do not take exactly one column: combining marks,
 * zero-width ones, and the wide East Asian and emoji blocks. */
static bool one_column(uint32_t cp)
{
	static const uint32_t not_one[][2] = {
		{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05c7 },
		{ 0x200b, 0x200f }, { 0x202a, 0x202e }, { 0x2060, 0x206f },
		{ 0x1100, 0x115f }, { 0x2e80, 0xa4cf }, { 0xac00, 0xd7a3 },
		{ 0xf900, 0xfaff }, { 0xfe00, 0xfe0f }, { 0xfe30, 0xfe4f },
		{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1faff },
		{ 0x20000, 0x3fffd },
	};
	size_t i;

	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return false;
	for (i = 0; i < ARRAY_SIZE(not_one); i++)
		if (cp >= not_one[i][0] && cp <= not_one[i][1])
			return false;
	return true;
}

/* The code point of the valid @n-byte UTF-8 sequence at @p. */
static uint32_t decode(const unsigned char *p, size_t n)
{
	static const unsigned char lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t cp = p[0] & lead_mask[n];
	size_t i;

	for (i = 1; i < n; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	return cp;
}

static bool put_cell(struct top_canvas *c, int y, int x, uint16_t attr, uint32_t ch)
{
	if (y < 0 || y >= c->rows || x < 0 || x >= c->cols)
		return false;
	c->cell[(size_t)y * (size_t)c->cols + (size_t)x] = (struct top_cell){ ch, attr };
	return true;
}

static int put(struct top_canvas *c, int y, int x, int maxw, uint16_t attr, const char *s,
	       bool outside)
{
	const unsigned char *p = (const unsigned char *)s;
	int w = 0;

	while (*p && (maxw < 0 || w < maxw) && x + w < c->cols) {
		size_t n = *p < 0x80 ? 1 : util_utf8_len(p);
		uint32_t cp = n ? decode(p, n) : 0;

		if (outside && (!n || !one_column(cp) || cp < 0x20 || cp == 0x7f)) {
			/* \xNN for each byte of it, as util_fputs_escaped does */
			char esc[5];
			size_t k, bytes = n ? n : 1;

			for (k = 0; k < bytes; k++) {
				int i;

				snprintf(esc, sizeof(esc), "\\x%02x", p[k]);
				for (i = 0; i < 4 && (maxw < 0 || w < maxw); i++, w++)
					put_cell(c, y, x + w, attr, (unsigned char)esc[i]);
			}
			p += bytes;
			continue;
		}
		if (!n) {
			n = 1;
			cp = '?';
		} else if (!one_column(cp)) {
			cp = '?';
		}
		put_cell(c, y, x + w, attr, cp);
		w++;
		p += n;
	}
	return w;
}

int top_put(struct top_canvas *c, int y, int x, int maxw, uint16_t attr, const char *s)
{
	return put(c, y, x, maxw, attr, s, false);
}

int top_put_escaped(struct top_canvas *c, int y, int x, int maxw, uint16_t attr,
		    const char *s)
{
	return put(c, y, x, maxw, attr, s, true);
}

int top_printf(struct top_canvas *c, int y, int x, uint16_t attr, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return top_put(c, y, x, -1, attr, buf);
}

/* Set @attr on @n cells from (@y, @x), keeping their characters. */
static void paint(struct top_canvas *c, int y, int x, int n, uint16_t attr)
{
	int i;

	if (y < 0 || y >= c->rows)
		return;
	for (i = x < 0 ? 0 : x; i < x + n && i < c->cols; i++)
		c->cell[(size_t)y * (size_t)c->cols + (size_t)i].attr = attr;
}

static size_t encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

char *top_canvas_row(const struct top_canvas *c, int y, char *buf, size_t len)
{
	size_t o = 0, end = 0;
	int x;

	if (!len)
		return buf;
	for (x = 0; y >= 0 && y < c->rows && x < c->cols; x++) {
		char u[4];
		size_t n = encode(c->cell[(size_t)y * (size_t)c->cols + (size_t)x].ch, u);

		if (o + n >= len)
			break;
		memcpy(buf + o, u, n);
		o += n;
		if (u[0] != ' ')
			end = o;
	}
	buf[end] = '\0';
	return buf;
}

/* ---- lines of text (help, evidence, a group's sockets) ------------------ */

struct tline {
	char *s;
	uint16_t attr;
	bool outside;      /* escape when drawing */
};

struct tlines {
	struct tline *l;
	size_t n, cap;
};

static void tl_push(struct tlines *t, uint16_t attr, bool outside, const char *s, size_t len)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->l = xreallocarray(t->l, t->cap, sizeof(*t->l));
	}
	t->l[t->n].s = xmalloc(len + 1);
	memcpy(t->l[t->n].s, s, len);
	t->l[t->n].s[len] = '\0';
	t->l[t->n].attr = attr;
	t->l[t->n].outside = outside;
	t->n++;
}

static __attribute__((format(printf, 3, 4))) void tl_add(struct tlines *t, uint16_t attr,
							   const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tl_push(t, attr, false, buf, strlen(buf));
}

/* Lines written by @fn to a memory stream, split; already escaped. */
static void tl_from_stream(struct tlines *t, uint16_t attr, char *text, size_t len)
{
	size_t i, start = 0;

	for (i = 0; i < len; i++)
		if (text[i] == '\n') {
			tl_push(t, attr, false, text + start, i - start);
			start = i + 1;
		}
	if (start < len)
		tl_push(t, attr, false, text + start, len - start);
}

static void tl_free(struct tlines *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->l[i].s);
	free(t->l);
	memset(t, 0, sizeof(*t));
}

/* ---- numbers ----------------------------------------------------------- */

static const char *sev_word(enum severity s)
{
	static const char *const w[] = { "OK", "INFO", "WARNING", "CRITICAL" };

	return s <= SEV_CRITICAL ? w[s] : "?";
}

static uint16_t sev_attr(enum severity s)
{
	switch (s) {
	case SEV_CRITICAL: return TA_RED | TA_BOLD;
	case SEV_WARNING: return TA_YELLOW | TA_BOLD;
	case SEV_INFO: return TA_CYAN;
	default: return TA_GREEN;
	}
}

static uint16_t level_attr(enum top_level l)
{
	switch (l) {
	case TOP_CRITICAL: return TA_RED | TA_BOLD;
	case TOP_WARNING: return TA_YELLOW | TA_BOLD;
	case TOP_UNUSUAL: return TA_MAGENTA | TA_BOLD;
	default: return TA_PLAIN;
	}
}

static const char *level_mark(enum top_level l)
{
	static const char *const m[] = { "", "*", "!", "!!" };

	return m[l];
}

static char *rate_str(double v, char *buf, size_t len)
{
	if (v == (double)(uint64_t)v || v >= 100)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.1f", v);
	return buf;
}

/* ---- layout ------------------------------------------------------------ */

int top_nstates(const struct snapshot *s)
{
	return TS_LAST - TS_FIRST + (s && states_queried(s->states, TS_CLOSE) ? 1 : 0);
}

int top_layout(int rows, int nstates, size_t nfindings, size_t ngroups,
	       struct top_layout *l)
{
	int fixed, avail, fn, third;

	memset(l, 0, sizeof(*l));
	l->states_y = 2;
	l->nstates = nstates;
	l->rates_y = l->states_y + 1 + nstates;
	l->findings_y = l->rates_y + 1;
	if (rows == 0) {
		l->findings_n = nfindings ? (int)nfindings : 1;
		l->groups_y = l->findings_y + 1 + l->findings_n;
		l->groups_n = ngroups ? (int)ngroups : 1;
		l->keys_y = -1;
		l->rows = l->groups_y + 2 + l->groups_n;
		return 0;
	}
	if (rows < TOP_MIN_ROWS)
		return -1;
	/* header 2, state heads, states, rates, findings title, groups title and
	 * heads, the key line */
	fixed = 2 + 1 + nstates + 1 + 1 + 2 + 1;
	avail = rows - fixed;
	third = avail / 3 > 0 ? avail / 3 : 1;
	fn = nfindings ? (int)nfindings : 1;
	if (fn > third)
		fn = third;
	if (fn > avail)
		fn = avail;
	l->findings_n = fn;
	l->groups_y = l->findings_y + 1 + fn;
	l->groups_n = avail - fn > 0 ? avail - fn : 0;
	l->keys_y = rows - 1;
	l->rows = rows;
	return 0;
}

/* ---- sorting ----------------------------------------------------------- */

struct sort_ctx {
	const struct snapshot *s;
	int sort;
};

static int cmp_name(const struct snapshot *s, const struct group *x, const struct group *y)
{
	const char *cx, *cy;
	int c;

	switch (groups_by(s->groups)) {
	case GROUP_PROCESS:
		cx = snapshot_comm(s, x->key.pid);
		cy = snapshot_comm(s, y->key.pid);
		/* unknown and the kernel's last */
		c = !cx || !cy ? (!cx) - (!cy) : strcmp(cx, cy);
		if (c)
			return c;
		return x->key.pid < y->key.pid ? -1 : x->key.pid > y->key.pid;
	case GROUP_LPORT:
		return (int)x->key.port - (int)y->key.port;
	default:
		if (x->key.family != y->key.family)
			return x->key.family < y->key.family ? -1 : 1;
		c = memcmp(x->key.addr, y->key.addr, sizeof(x->key.addr));
		return c ? c : (int)x->key.port - (int)y->key.port;
	}
}

static int desc(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

static int cmp_groups(const void *a, const void *b, void *data)
{
	const struct sort_ctx *ctx = data;
	const struct group *x = *(const struct group *const *)a;
	const struct group *y = *(const struct group *const *)b;
	int c = 0;

	if (ctx->sort == TOP_SORT_NAME)
		return cmp_name(ctx->s, x, y);
	if (ctx->sort >= TS_FIRST && ctx->sort <= TS_LAST)
		c = desc(x->count[ctx->sort], y->count[ctx->sort]);
	if (!c)
		c = desc(x->total, y->total);
	return c ? c : cmp_name(ctx->s, x, y);
}

void top_sort_groups(const struct snapshot *s, const struct group **rows, size_t n,
		     int sort)
{
	struct sort_ctx ctx = { s, sort };

	if (n > 1)
		qsort_r(rows, n, sizeof(*rows), cmp_groups, &ctx);
}

int top_sort_next(const struct snapshot *s, int sort)
{
	int st;

	if (sort == TOP_SORT_NAME)
		return TOP_SORT_TOTAL;
	for (st = sort + 1; st <= TS_LAST; st++)
		if (s && snapshot_state_total(s, (unsigned int)st))
			return st;
	return TOP_SORT_NAME;
}

const char *top_sort_name(int sort)
{
	if (sort == TOP_SORT_TOTAL)
		return "TOTAL";
	if (sort == TOP_SORT_NAME)
		return "NAME";
	return states_name((unsigned int)sort);
}

/* ---- levels and rates -------------------------------------------------- */

enum top_level top_state_level(const struct top_frame *f, const struct top_history *h,
			       unsigned int state)
{
	enum top_level l = h ? top_history_level(&h->ring[state]) : TOP_NORMAL;
	const struct rule *r;
	unsigned int i;

	for (i = 0; f && i < f->fs.n; i++) {
		const struct finding *x = &f->fs.f[i];

		if (x->severity < SEV_WARNING || !(r = rules_find(x->id)) ||
		    r->state != (int)state)
			continue;
		if (x->severity == SEV_CRITICAL)
			l = TOP_CRITICAL;
		else if (l < TOP_WARNING)
			l = TOP_WARNING;
	}
	return l;
}

bool top_rate(const struct top_frame *f, int which, double *v)
{
	static const enum counter_id aborts[] = { CTR_ABORT_ON_CLOSE, CTR_ABORT_ON_DATA,
						  CTR_ABORT_ON_LINGER, CTR_ABORT_ON_MEMORY,
						  CTR_ABORT_ON_TIMEOUT };
	static const enum counter_id one[] = {
		[TOP_RATE_OVERFLOWS] = CTR_LISTEN_OVERFLOWS,
		[TOP_RATE_RESETS] = CTR_ESTAB_RESETS,
		[TOP_RATE_RSTS_OUT] = CTR_OUT_RSTS,
		[TOP_RATE_RETRANS] = CTR_RETRANS_SEGS,
	};
	uint64_t d, sum = 0;
	size_t i;

	if (!f || f->dt <= 0 || !f->c.have_settings)
		return false;
	if (which == TOP_RATE_ABORTS) {
		for (i = 0; i < ARRAY_SIZE(aborts); i++) {
			if (!counters_delta(&f->before, &f->c.after, aborts[i], &d))
				return false;
			sum += d;
		}
	} else if (which >= 0 && which < TOP_RATE_ABORTS) {
		if (!counters_delta(&f->before, &f->c.after, one[which], &sum))
			return false;
	} else {
		return false;
	}
	*v = (double)sum / f->dt;
	return true;
}

/* ---- the main screen --------------------------------------------------- */

static void header(struct top_canvas *c, const struct top_view *v, const struct top_frame *f)
{
	char when[32] = "--:--:--", iv[32];
	struct tm tm;
	int x = 0;
	size_t i;
	long long val;
	bool wide;

	if (f) {
		gmtime_r(&f->c.snap.when, &tm);
		strftime(when, sizeof(when), "%H:%M:%S UTC", &tm);
	}
	snprintf(iv, sizeof(iv), "%g", v->interval);
	x += top_put(c, 0, x, -1, TA_BOLD, "tcpdx top");
	x += top_put(c, 0, x, -1, TA_PLAIN, " - ");
	x += top_put_escaped(c, 0, x, 32, TA_PLAIN, f ? f->c.snap.host : "?");
	if (v->netns) {
		x += top_put(c, 0, x, -1, TA_PLAIN, " [");
		x += top_put_escaped(c, 0, x, 24, TA_PLAIN, v->netns);
		x += top_put(c, 0, x, -1, TA_PLAIN, "]");
	}
	x += top_printf(c, 0, x, TA_PLAIN, " - %s - every %s s", when, iv);
	if (f)
		x += top_printf(c, 0, x, TA_PLAIN, " - %" PRIu64 " %s", snapshot_total(&f->c.snap),
				snapshot_total(&f->c.snap) == 1 ? "socket" : "sockets");
	if (v->paused)
		top_put(c, 0, c->cols - 8 > x + 1 ? c->cols - 8 : x + 1, -1, TA_REVERSE | TA_BOLD,
			"PAUSED");
	else if (v->waiting || !f)
		top_put(c, 0, c->cols - 12 > x + 1 ? c->cols - 12 : x + 1, -1, TA_BOLD,
			"collecting");
	/* row 1: the four key settings */
	x = 0;
	wide = c->cols >= 90;
	for (i = 0; i < ARRAY_SIZE(render_key_settings); i++) {
		enum sysctl_id id = render_key_settings[i];

		const char *sep = !i ? "" : wide ? "  " : " ";
		const char *name = sysctl_short_name(id);

		/* 80 columns: without the tcp_ prefix */
		if (!wide && !strncmp(name, "tcp_", 4))
			name += 4;

		if (f && f->c.have_settings && sysctl_get(&f->c.sys, id, &val))
			x += top_printf(c, 1, x, TA_PLAIN, "%s%s%s%lld", sep, name,
					wide ? " " : "=", val);
		else
			x += top_printf(c, 1, x, TA_PLAIN, "%s%s%s?", sep, name, wide ? " " : "=");
	}
}

#define ST_NAME_W 12
#define SPARK_X 33

static void states_pane(struct top_canvas *c, const struct top_view *v,
			const struct top_frame *f, const struct top_layout *l)
{
	int spark_w = c->cols - SPARK_X - 1, y = l->states_y + 1, x;
	const struct snapshot *s = f ? &f->c.snap : NULL;
	uint64_t hist[TOP_HISTORY];
	char buf[3 * TOP_HISTORY + 1];
	unsigned int st;

	if (spark_w > TOP_HISTORY)
		spark_w = TOP_HISTORY;
	if (spark_w > 120)
		spark_w = 120;
	top_printf(c, l->states_y, 0, TA_BOLD, "%-*s %8s %7s  %s", ST_NAME_W, "STATE", "COUNT",
		   "CHANGE", "");
	x = SPARK_X + top_put(c, l->states_y, SPARK_X, -1, TA_BOLD, "HISTORY");
	if (v->filter_text[0]) {
		x += top_put(c, l->states_y, x, -1, TA_BOLD, "  filter: ");
		top_put_escaped(c, l->states_y, x, -1, TA_PLAIN, v->filter_text);
	} else if (spark_w > 30) {
		top_printf(c, l->states_y, x, TA_BOLD, " (last %d refreshes)", spark_w);
	}
	for (st = TS_FIRST; st <= TS_LAST; st++) {
		const struct top_ring *r = v->hist ? &v->hist->ring[st] : NULL;
		enum top_level lv;
		uint16_t a;
		size_t n;

		if (st == TS_CLOSE && (!s || !states_queried(s->states, TS_CLOSE)))
			continue;
		lv = f ? top_state_level(f, v->hist, st) : TOP_NORMAL;
		a = level_attr(lv);
		top_put(c, y, 0, ST_NAME_W, a, states_name(st));
		if (!s || !states_queried(s->states, st)) {
			top_printf(c, y, ST_NAME_W + 1, TA_PLAIN, "%8s", "-");
		} else {
			top_printf(c, y, ST_NAME_W + 1, a, "%8" PRIu64,
				   snapshot_state_total(s, st));
			if (r && r->n >= 2) {
				int64_t d = (int64_t)(top_ring_get(r, 0) - top_ring_get(r, 1));

				if (d)
					top_printf(c, y, ST_NAME_W + 10, a, "%+7" PRId64, d);
				else
					top_printf(c, y, ST_NAME_W + 10, TA_PLAIN, "%7s", "0");
			}
			top_put(c, y, ST_NAME_W + 18, 2, a, level_mark(lv));
			if (r && spark_w > 0) {
				n = top_ring_last(r, hist, (size_t)spark_w);
				top_sparkline(hist, n, (size_t)spark_w, v->utf8, buf, sizeof(buf));
				top_put(c, y, SPARK_X, spark_w, a == TA_PLAIN ? TA_GREEN : a, buf);
			}
		}
		y++;
	}
}

static void rates_line(struct top_canvas *c, const struct top_frame *f, int y)
{
	static const char *const names[TOP_NRATES] = { "listen-overflows", "resets",
						       "rsts-sent", "retransmits", "aborts" };
	char b[32];
	double r;
	int i, x;

	x = top_put(c, y, 0, -1, TA_BOLD, "per s:");
	for (i = 0; i < TOP_NRATES; i++) {
		bool known = top_rate(f, i, &r);

		x += top_printf(c, y, x, TA_PLAIN, "  %s ", names[i]);
		x += top_put(c, y, x, -1, known && r > 0 ? TA_BOLD : TA_PLAIN,
			     known ? rate_str(r, b, sizeof(b)) : "-");
	}
}

static void findings_pane(struct top_canvas *c, const struct top_view *v,
			  const struct top_frame *f, const struct top_layout *l)
{
	unsigned int i, n = f ? f->fs.n : 0;
	int y = l->findings_y + 1, x;

	x = top_put(c, l->findings_y, 0, -1, TA_BOLD, "FINDINGS");
	if (n)
		top_printf(c, l->findings_y, x, TA_PLAIN, " (%u)%s", n,
			   v->batch ? "" : "  e: evidence");
	if (!f)
		return;
	if (!n) {
		top_put(c, y, 0, -1, TA_GREEN, "No problems found: no rule reached its warning "
			"threshold.");
		return;
	}
	for (i = 0; i < n && (int)i < l->findings_n; i++, y++) {
		const struct finding *x2 = &f->fs.f[i];

		if ((int)i == l->findings_n - 1 && i + 1 < n) {
			top_printf(c, y, 0, TA_PLAIN, "... and %u more (e: evidence)", n - i);
			break;
		}
		x = top_printf(c, y, 0, sev_attr(x2->severity), "%-8s", sev_word(x2->severity));
		x += top_printf(c, y, x, TA_BOLD, " %s: ", x2->id);
		top_put_escaped(c, y, x, -1, TA_PLAIN, x2->summary);
	}
}

/* A state's column in the groups table. */
static const char *short_state(unsigned int st)
{
	static const char *const n[] = {
		[TS_ESTABLISHED] = "ESTAB", [TS_SYN_SENT] = "SYN-S", [TS_SYN_RECV] = "SYN-R",
		[TS_FIN_WAIT1] = "FIN-W1", [TS_FIN_WAIT2] = "FIN-W2", [TS_TIME_WAIT] = "TIME-W",
		[TS_CLOSE] = "CLOSE", [TS_CLOSE_WAIT] = "CL-WAIT", [TS_LAST_ACK] = "LAST-A",
		[TS_LISTEN] = "LISTEN", [TS_CLOSING] = "CLOSING",
	};

	return st < ARRAY_SIZE(n) && n[st] ? n[st] : "?";
}

static const char *group_head(enum group_by by)
{
	switch (by) {
	case GROUP_PROCESS: return "PROCESS";
	case GROUP_LPORT: return "LOCAL PORT";
	case GROUP_PEER: return "PEER";
	case GROUP_RHOST: return "REMOTE HOST";
	default: return "GROUP";
	}
}

#define COL_W 8
#define TOTAL_W 9

/* The name column's width and the states that get a column. */
static int group_columns(const struct top_canvas *c, const struct snapshot *s,
			 unsigned int *cols, int *ncols, bool *more)
{
	int name_w = 22, room;
	unsigned int st;

	if (c->cols > 120)
		name_w = 40;
	else if (c->cols > 100)
		name_w = 30;
	room = c->cols - name_w - TOTAL_W;
	*ncols = 0;
	*more = false;
	for (st = TS_FIRST; st <= TS_LAST; st++) {
		if (!snapshot_state_total(s, st))
			continue;
		if (room < COL_W) {
			*more = true;
			continue;
		}
		cols[(*ncols)++] = st;
		room -= COL_W;
	}
	return name_w;
}

static void group_row(struct top_canvas *c, int y, const struct snapshot *s, const char *name,
		      const uint64_t *count, uint64_t total, int name_w, const unsigned int *cols,
		      int ncols, uint16_t attr)
{
	int i, x = name_w;

	top_put_escaped(c, y, 0, name_w - 1, attr, name);
	(void)s;
	for (i = 0; i < ncols; i++, x += COL_W)
		top_printf(c, y, x, attr, "%*" PRIu64, COL_W, count[cols[i]]);
	top_printf(c, y, x, attr, "%*" PRIu64, TOTAL_W, total);
	if (attr & TA_REVERSE)
		paint(c, y, 0, c->cols, attr);
}

static void groups_pane(struct top_canvas *c, const struct top_view *v,
			const struct top_frame *f, const struct top_layout *l)
{
	const struct snapshot *s = f ? &f->c.snap : NULL;
	unsigned int cols[TS_MAX_STATES];
	char name[UTIL_ADDRSTRLEN + OWNER_COMM_MAX + 16];
	int ncols = 0, name_w, i, x, y;
	bool more = false, stale = !f || f->by != v->by || !s->groups;
	size_t r, shown;
	struct group rest;

	x = top_printf(c, l->groups_y, 0, TA_BOLD, "SOCKETS BY %s", group_head(v->by));
	if (stale) {
		top_put(c, l->groups_y, x, -1, TA_PLAIN, "  collecting...");
		return;
	}
	top_printf(c, l->groups_y, x, TA_PLAIN, "  %zu %s, sorted by %s%s", v->nrows,
		   v->nrows == 1 ? "group" : "groups", top_sort_name(v->sort),
		   v->batch ? "" : "  Enter opens");
	name_w = group_columns(c, s, cols, &ncols, &more);
	y = l->groups_y + 1;
	top_put(c, y, 0, name_w, v->sort == TOP_SORT_NAME ? TA_BOLD | TA_UNDERLINE : TA_BOLD,
		group_head(v->by));
	for (i = 0, x = name_w; i < ncols; i++, x += COL_W)
		top_printf(c, y, x, (int)cols[i] == v->sort ? TA_BOLD | TA_UNDERLINE : TA_BOLD,
			   "%*s", COL_W, short_state(cols[i]));
	top_printf(c, y, x, v->sort == TOP_SORT_TOTAL ? TA_BOLD | TA_UNDERLINE : TA_BOLD, "%*s",
		   TOTAL_W, "TOTAL");
	if (more)
		top_put(c, y, x + TOTAL_W + 1, -1, TA_PLAIN, ">");
	y++;
	if (!v->nrows) {
		top_put(c, y, 0, -1, TA_PLAIN, "(no sockets)");
		return;
	}
	shown = v->batch ? (v->nrows < v->top_n ? v->nrows : v->top_n) : (size_t)l->groups_n;
	for (r = v->batch ? 0 : v->scroll; r < v->nrows && (int)(y - l->groups_y - 2) <
	     (int)shown; r++, y++) {
		group_row(c, y, s, render_group_name(s, v->rows[r], name, sizeof(name)),
			  v->rows[r]->count, v->rows[r]->total, name_w, cols, ncols,
			  !v->batch && r == v->sel && v->screen == TOP_MAIN ? TA_REVERSE
									 : TA_PLAIN);
	}
	if (v->batch && r < v->nrows) {
		size_t k, st;

		memset(&rest, 0, sizeof(rest));
		for (k = r; k < v->nrows; k++) {
			for (st = 0; st < TS_MAX_STATES; st++)
				rest.count[st] += v->rows[k]->count[st];
			rest.total += v->rows[k]->total;
		}
		snprintf(name, sizeof(name), "(%zu others)", v->nrows - r);
		group_row(c, y, s, name, rest.count, rest.total, name_w, cols, ncols, TA_PLAIN);
	}
}

static void keys_line(struct top_canvas *c, const struct top_view *v, int y, const char *keys)
{
	int x;

	if (y < 0)
		return;
	if (v->prompting) {
		x = top_put(c, y, 0, -1, TA_BOLD, v->prompt);
		x += top_put_escaped(c, y, x, -1, TA_PLAIN, v->input);
		put_cell(c, y, x, TA_REVERSE, ' ');
		return;
	}
	if (v->message[0]) {
		top_put_escaped(c, y, 0, -1, TA_BOLD, v->message);
		return;
	}
	top_put(c, y, 0, -1, TA_REVERSE, keys);
	paint(c, y, 0, c->cols, TA_REVERSE);
}

static const char main_keys[] =
	"q quit  space pause  d+- delay  g group  s sort  / filter  e evidence  ? help";
static const char sub_keys[] =
	"Esc back  arrows PgUp PgDn Home End scroll  q quit  ? help";

/* Batch: the top N groups, and a line for the others. */
static size_t batch_groups(const struct top_view *v)
{
	return v->nrows <= v->top_n ? v->nrows : v->top_n + 1;
}

int top_frame_rows(const struct top_view *v, const struct top_frame *f)
{
	struct top_layout l;
	size_t ng = batch_groups(v);

	top_layout(0, top_nstates(f ? &f->c.snap : NULL), f ? f->fs.n : 0, ng, &l);
	return l.rows;
}

int top_group_rows_visible(const struct top_view *v, const struct top_frame *f, int rows)
{
	struct top_layout l;

	if (v->screen != TOP_MAIN)
		return rows - 5 > 1 ? rows - 5 : 1;
	if (top_layout(rows, top_nstates(f ? &f->c.snap : NULL), f ? f->fs.n : 0, v->nrows, &l))
		return 1;
	return l.groups_n > 1 ? l.groups_n : 1;
}

static void main_screen(struct top_canvas *c, const struct top_view *v,
			const struct top_frame *f)
{
	struct top_layout l;

	if (top_layout(v->batch ? 0 : c->rows, top_nstates(f ? &f->c.snap : NULL),
		       f ? f->fs.n : 0, v->batch ? batch_groups(v) : v->nrows, &l)) {
		top_printf(c, 0, 0, TA_BOLD, "tcpdx top needs at least %d rows", TOP_MIN_ROWS);
		return;
	}
	header(c, v, f);
	states_pane(c, v, f, &l);
	rates_line(c, f, l.rates_y);
	findings_pane(c, v, f, &l);
	groups_pane(c, v, f, &l);
	keys_line(c, v, l.keys_y, main_keys);
}

/* ---- the other screens ------------------------------------------------- */

static const char *const help_text[] = {
	"tcpdx top: TCP states, their trend, findings and groups, refreshed live.",
	"",
	"STATES   every state's count, its change since the last refresh and its",
	"         history (one column per refresh, newest right). A mark and a",
	"         colour say how unusual it is:  *  far from its recent mean,",
	"         !  a warning finding is about it,  !!  a critical one.",
	"per s    counters per second: listen-overflows (ListenOverflows), resets",
	"         (EstabResets), rsts-sent (OutRsts), retransmits (RetransSegs),",
	"         aborts (TCPAbortOnData+Close+Memory+Timeout+Linger).",
	"FINDINGS the rules' findings, most severe first; e shows their evidence.",
	"SOCKETS  the sockets by group and state; Enter lists a group's sockets.",
	"",
	"Keys",
	"  q            quit (also Ctrl-C)",
	"  space        pause or resume refreshing",
	"  d            type a refresh interval in seconds (0.01 to 3600)",
	"  + -          refresh less or more often",
	"  g            group by process, local port, peer, remote host",
	"  s            sort groups by total, by each state's count, by name",
	"  /            filters, as on the command line, e.g.",
	"               --state close-wait --dport 5432; an empty line clears them",
	"  Enter        list the sockets of the selected group",
	"  e            the findings with their evidence",
	"  Esc          back to the main screen; cancels a prompt",
	"  Up Down PgUp PgDn Home End   move the selection or scroll",
	"  ?            this help",
	"",
	"Grouping by process reads /proc/*/fd: the owners are looked up again",
	"every 5 s, or less often when that walk is slow (it may take at most",
	"5 % of a core); sooner when new sockets show as (unknown).",
	"See tcpdx(8), section TOP.",
};

static void help_lines(struct tlines *t)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(help_text); i++)
		tl_add(t, i == 0 || !strcmp(help_text[i], "Keys") ? TA_BOLD : TA_PLAIN, "%s",
		       help_text[i]);
}

static void evidence_value(FILE *m, const struct evidence *e)
{
	unsigned int i;

	switch (e->type) {
	case EV_NUM:
		if (e->num == (double)(long long)e->num)
			fprintf(m, "%lld", (long long)e->num);
		else
			fprintf(m, "%.1f", e->num);
		if (e->unit)
			fprintf(m, " %s", e->unit);
		break;
	case EV_TEXT:
		util_fputs_escaped(e->text, m);
		break;
	case EV_LIST:
		for (i = 0; i < e->nitems; i++) {
			fputs(i ? ", " : "", m);
			util_fputs_escaped(e->items[i].what, m);
			fprintf(m, " (%" PRIu64 ")", e->items[i].count);
		}
		break;
	}
}

/* Lines written to a memory stream by the caller, after it is closed. */
struct mem {
	FILE *f;
	char *buf;
	size_t len;
};

static bool mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	return m->f != NULL;
}

static void mem_lines(struct mem *m, struct tlines *t, uint16_t attr)
{
	if (!fclose(m->f))
		tl_from_stream(t, attr, m->buf, m->len);
	free(m->buf);
}

static void finding_lines(struct tlines *t, const struct finding *x, int width)
{
	struct mem m;
	unsigned int i;
	int col;

	if (!mem_open(&m))
		return;
	col = fprintf(m.f, "%-8s %s: ", sev_word(x->severity), x->id);
	util_fput_wrapped(m.f, col, x->summary, 2, width);
	mem_lines(&m, t, sev_attr(x->severity));
	if (!mem_open(&m))
		return;
	fputs("  why: ", m.f);
	util_fput_wrapped(m.f, 7, x->reason, 7, width);
	if (x->nev)
		fputs("  evidence:\n", m.f);
	for (i = 0; i < x->nev; i++) {
		fprintf(m.f, "    %s: ", x->ev[i].label);
		evidence_value(m.f, &x->ev[i]);
		fputc('\n', m.f);
	}
	fputs("  what to do: ", m.f);
	util_fput_wrapped(m.f, 14, x->advice, 14, width);
	fputc('\n', m.f);
	mem_lines(&m, t, TA_PLAIN);
}

static void evidence_lines(struct tlines *t, const struct top_frame *f, int cols)
{
	unsigned int i;

	if (!f)
		return;
	if (!f->fs.n)
		tl_add(t, TA_GREEN, "No problems found: no rule reached its warning threshold.");
	for (i = 0; i < f->fs.n; i++)
		finding_lines(t, &f->fs.f[i], cols > 20 ? cols - 1 : 20);
}

static const char *const timer_names[] = { "-", "on", "keepalive", "timewait", "persist" };

static void sock_line(struct tlines *t, const struct top_sock *k, bool narrow)
{
	char a[UTIL_ADDRSTRLEN], b[UTIL_ADDRSTRLEN], tm[40], d[16], idle[16];

	if (narrow)
		snprintf(a, sizeof(a), ":%u", k->sport);
	else
		util_addr_str(k->family, k->saddr, k->sport, a);
	if (k->state == TS_LISTEN || k->state == TS_CLOSE)
		snprintf(b, sizeof(b), "*");
	else
		util_addr_str(k->family, k->daddr, k->dport, b);
	if (k->timer && k->timer < ARRAY_SIZE(timer_names))
		snprintf(tm, sizeof(tm), "%s,%s", timer_names[k->timer],
			 util_ms_str(k->expires_ms, d, sizeof(d)));
	else
		snprintf(tm, sizeof(tm), "-");
	/* the peer last: its width varies */
	tl_add(t, TA_PLAIN, "%-12s %7" PRIu32 " %7" PRIu32 " %-15s %4u %6s  %-*s %s",
	       states_name(k->state), k->rqueue, k->wqueue, tm, k->retrans,
	       k->has_idle ? util_ms_str(k->idle_ms, idle, sizeof(idle)) : "-", narrow ? 6 : 21, a, b);
}

static bool open_matches(const struct top_view *v, const struct top_frame *f)
{
	return f && v->open && f->open && f->by == v->by &&
	       !memcmp(&f->open_key, &v->open_key, sizeof(f->open_key));
}

static void group_lines(struct tlines *t, const struct top_view *v, const struct top_frame *f,
			int cols)
{
	size_t i;

	if (!open_matches(v, f))
		return;
	for (i = 0; i < f->nsocks; i++)
		sock_line(t, &f->socks[i], cols < 100);
}

static void build_lines(struct tlines *t, const struct top_view *v, const struct top_frame *f,
			int cols)
{
	switch (v->screen) {
	case TOP_HELP: help_lines(t); break;
	case TOP_EVIDENCE: evidence_lines(t, f, cols); break;
	case TOP_GROUP: group_lines(t, v, f, cols); break;
	default: break;
	}
}

size_t top_screen_lines(const struct top_view *v, const struct top_frame *f, int cols)
{
	struct tlines t = { 0 };
	size_t n;

	build_lines(&t, v, f, cols);
	n = t.n;
	tl_free(&t);
	return n;
}

static void group_title(struct top_canvas *c, const struct top_view *v,
			const struct top_frame *f, int y)
{
	int x;

	x = top_printf(c, y, 0, TA_BOLD, "%s ", group_head(v->by));
	x += top_put_escaped(c, y, x, 40, TA_BOLD, v->open_name);
	if (!open_matches(v, f)) {
		top_put(c, y, x, -1, TA_PLAIN, "  collecting...");
		return;
	}
	x += top_printf(c, y, x, TA_PLAIN, ": %" PRIu64 " %s", f->open_total,
			f->open_total == 1 ? "socket" : "sockets");
	if (f->open_total > f->nsocks)
		x += top_printf(c, y, x, TA_PLAIN, " (the first %zu shown)", f->nsocks);
	top_put(c, y, x, -1, TA_PLAIN, "  Esc back");
	top_printf(c, y + 1, 0, TA_BOLD, "%-12s %7s %7s %-15s %4s %6s  %-*s %s", "STATE",
		   "RECV-Q", "SEND-Q", "TIMER", "RETR", "IDLE", c->cols < 100 ? 6 : 21, "LOCAL",
		   "PEER");
}

static void text_screen(struct top_canvas *c, const struct top_view *v,
			const struct top_frame *f)
{
	struct tlines t = { 0 };
	int y = 2, bottom = c->rows - 1;
	size_t i;

	header(c, v, f);
	if (v->screen == TOP_GROUP) {
		group_title(c, v, f, y);
		y += 2;
	} else {
		top_put(c, y++, 0, -1, TA_BOLD, v->screen == TOP_HELP ? "HELP  (Esc back)"
								      : "FINDINGS AND EVIDENCE  (Esc back)");
	}
	build_lines(&t, v, f, c->cols);
	for (i = v->line; i < t.n && y < bottom; i++, y++) {
		if (t.l[i].outside)
			top_put_escaped(c, y, 0, -1, t.l[i].attr, t.l[i].s);
		else
			top_put(c, y, 0, -1, t.l[i].attr, t.l[i].s);
	}
	tl_free(&t);
	keys_line(c, v, bottom, sub_keys);
}

void top_draw(struct top_canvas *c, const struct top_view *v, const struct top_frame *f)
{
	if (!c->rows || !c->cols)
		return;
	if (!v->batch && (c->rows < TOP_MIN_ROWS || c->cols < TOP_MIN_COLS)) {
		top_printf(c, 0, 0, TA_BOLD, "tcpdx top needs %dx%d (now %dx%d)", TOP_MIN_COLS,
			   TOP_MIN_ROWS, c->cols, c->rows);
		top_put(c, 1, 0, -1, TA_PLAIN, "q quits");
		return;
	}
	if (v->screen == TOP_MAIN || v->batch)
		main_screen(c, v, f);
	else
		text_screen(c, v, f);
}

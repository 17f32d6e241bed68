// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include "collect.h"
#include "owners.h"
#include "render.h"
#include "states.h"
#include "top.h"
#include "top_draw.h"
#include "util.h"

#ifdef HAVE_NCURSESW
#define NCURSES_WIDECHAR 1
#include <curses.h>
#endif

/* ---- pure helpers ------------------------------------------------------ */

static const double steps[] = { 0.01, 0.05, 0.1, 0.2, 0.5, 1, 2, 3, 5, 10, 15, 30, 60,
				120, 300, 600, 1800, 3600 };

double top_interval_step(double cur, int dir)
{
	size_t i;

	if (dir > 0) {
		for (i = 0; i < ARRAY_SIZE(steps); i++)
			if (steps[i] > cur * 1.0001)
				return steps[i];
		return TOP_INTERVAL_MAX;
	}
	for (i = ARRAY_SIZE(steps); i-- > 0;)
		if (steps[i] < cur * 0.9999)
			return steps[i];
	return TOP_INTERVAL_MIN;
}

bool top_interval_parse(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	while (*end == ' ')
		end++;
	if (!*s || *end || errno || !isfinite(v) || v < TOP_INTERVAL_MIN - 1e-9 ||
	    v > TOP_INTERVAL_MAX)
		return false;
	*out = v;
	return true;
}

/* One option of the "/" line with its value. */
static int filter_option(struct filter *f, const char *opt, const char *val, char *err,
			 size_t errlen)
{
	static const char *const names[] = { "--state", "--sport", "--dport", "--src", "--dst",
					     "--pid", "--comm", "--uid" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(opt, names[i]))
			break;
	if (i == ARRAY_SIZE(names)) {
		snprintf(err, errlen, "unknown filter '%s'; filters: --state, --sport, --dport, "
			 "--src, --dst, --pid, --comm, --uid, -4, -6", opt);
		return -EINVAL;
	}
	if (!val) {
		snprintf(err, errlen, "filter '%s' needs a value", opt);
		return -EINVAL;
	}
	switch (i) {
	case 0: return filter_add_states(f, val, err, errlen);
	case 1: return filter_add_ports(f, true, val, err, errlen);
	case 2: return filter_add_ports(f, false, val, err, errlen);
	case 3: return filter_add_prefix(f, true, val, err, errlen);
	case 4: return filter_add_prefix(f, false, val, err, errlen);
	case 5: return filter_add_pids(f, val, err, errlen);
	case 6: return filter_add_comms(f, val, err, errlen);
	default: return filter_add_uids(f, val, err, errlen);
	}
}

int top_filter_parse(const char *line, struct filter *out, char *err, size_t errlen)
{
	char buf[512], *save = NULL, *tok, *eq, *val;
	bool v4 = false, v6 = false;
	int ret;

	filter_init(out);
	if (strlen(line) >= sizeof(buf)) {
		snprintf(err, errlen, "the filter line is too long");
		return -EINVAL;
	}
	strcpy(buf, line);
	for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (!strcmp(tok, "-4") || !strcmp(tok, "--ipv4")) {
			v4 = true;
			continue;
		}
		if (!strcmp(tok, "-6") || !strcmp(tok, "--ipv6")) {
			v6 = true;
			continue;
		}
		if (strncmp(tok, "--", 2)) {
			snprintf(err, errlen, "'%s' is not a filter; write them as on the command "
				 "line, e.g. --state close-wait --dport 5432", tok);
			return -EINVAL;
		}
		eq = strchr(tok, '=');
		if (eq) {
			*eq = '\0';
			val = eq + 1;
		} else {
			val = strtok_r(NULL, " \t", &save);
		}
		ret = filter_option(out, tok, val, err, errlen);
		if (ret)
			return ret;
	}
	if (v4 || v6)
		out->families = (v4 ? FILTER_V4 : 0) | (v6 ? FILTER_V6 : 0);
	return 0;
}

/* ---- collecting -------------------------------------------------------- */

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What the UI wants collected. */
struct top_req {
	struct filter filter;
	uint64_t filter_gen;          /* bumped by each new filter */
	enum group_by by;
	bool open;
	struct group_key open_key;
	uint64_t gen;                 /* bumped by each change */
};

/* The collector's own state, kept between refreshes. */
struct collector {
	const struct top_opts *o;
	struct owners *owners;
	double owners_time;
	double owners_cost;           /* seconds the last walk took */
	uint64_t unknown_at_scan;     /* sockets without an owner just after it */
	uint64_t unknown_now;         /* and at the last refresh */
	bool scanned;                 /* this refresh walked /proc */
	enum group_by owners_by;      /* the grouping the table was scanned for */
	struct counters last;         /* the previous refresh's counters */
	double last_time;
	bool have_last;
};

/* The opened group's sockets, picked while the dump streams. */
struct pick {
	const struct top_req *rq;
	struct top_frame *f;
	size_t cap;
};

static int pick_socket(const struct tcp_sock *sk, const struct owner *o, uint32_t pid,
		       const struct snapshot *snap, void *data)
{
	struct pick *p = data;
	struct group_key k;
	struct top_sock *t;

	(void)o;
	(void)snap;
	if (!snapshot_group_key(sk, pid, p->rq->by, &k) ||
	    memcmp(&k, &p->rq->open_key, sizeof(k)))
		return 0;
	p->f->open_total++;
	if (p->f->nsocks >= TOP_SOCKS_MAX)
		return 0;
	if (p->f->nsocks == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->f->socks = xreallocarray(p->f->socks, p->cap, sizeof(*p->f->socks));
	}
	t = &p->f->socks[p->f->nsocks++];
	memset(t, 0, sizeof(*t));
	t->family = sk->family;
	t->state = sk->state;
	t->timer = sk->timer;
	t->retrans = sk->retrans;
	t->sport = sk->sport;
	t->dport = sk->dport;
	memcpy(t->saddr, sk->saddr, 16);
	memcpy(t->daddr, sk->daddr, 16);
	t->rqueue = sk->rqueue;
	t->wqueue = sk->wqueue;
	t->expires_ms = sk->expires_ms;
	t->pid = pid;
	t->cookie = sk->cookie;
	if (tcp_sock_has_idle(sk)) {
		t->has_idle = true;
		t->idle_ms = sk->info.tcpi_last_data_recv;
	}
	return 0;
}

static int cmp_socks(const void *a, const void *b)
{
	const struct top_sock *x = a, *y = b;
	int c = (int)x->state - (int)y->state;

	if (!c)
		c = (int)x->family - (int)y->family;
	if (!c)
		c = memcmp(x->daddr, y->daddr, 16);
	if (!c)
		c = (int)x->dport - (int)y->dport;
	if (!c)
		c = (int)x->sport - (int)y->sport;
	return c ? c : (x->cookie < y->cookie ? -1 : x->cookie > y->cookie);
}

static void frame_free(struct top_frame *f)
{
	if (!f)
		return;
	snapshot_free(&f->c.snap);
	free(f->socks);
	free(f);
}

static bool needs_owners(const struct top_req *rq)
{
	return rq->by == GROUP_PROCESS || filter_needs_owners(&rq->filter);
}

double top_owners_max_age(double cost, bool new_unknown)
{
	double age = new_unknown ? cost / (4 * TOP_OWNERS_BUDGET) : cost / TOP_OWNERS_BUDGET;
	double min = new_unknown ? TOP_OWNERS_MIN_AGE / 5 : TOP_OWNERS_MIN_AGE;

	return age > min ? age : min;
}

/* A fresh owner table if the one kept is too old or missing. */
static int refresh_owners(struct collector *col, const struct top_req *rq, double t,
			  char *err, size_t errlen)
{
	int ret;

	if (!needs_owners(rq)) {
		owners_free(col->owners);
		col->owners = NULL;
		return 0;
	}
	col->scanned = false;
	if (col->owners && col->owners_by == rq->by &&
	    t - col->owners_time < top_owners_max_age(col->owners_cost,
						      col->unknown_now > col->unknown_at_scan))
		return 0;
	col->scanned = true;
	owners_free(col->owners);
	col->owners = NULL;
	ret = owners_scan(col->o->proc_root, &col->owners);
	col->owners_cost = mono() - t;
	if (ret) {
		snprintf(err, errlen, "cannot read the processes in %s: %s",
			 col->o->proc_root ? col->o->proc_root : "/proc", strerror(-ret));
		return ret;
	}
	col->owners_time = t;
	col->owners_by = rq->by;
	return 0;
}

/* Read a small /proc file whole into @buf; false if it cannot be. */
static bool read_small(const char *proc_root, const char *name, char *buf, size_t len)
{
	char path[512];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", proc_root ? proc_root : "/proc", name);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n > 0;
}

/*
 * The families that may have sockets now: sockstat counts the full sockets
 * of each family in this namespace (inuse, listeners and orphans included)
 * and the timewait ones of both (tw); requests need a listener. A family
 * with none, while tw is 0, is not dumped: each dump walks the kernel's
 * whole hash tables, whatever it finds. Unknown counts dump both.
 */
static unsigned int live_families(const char *proc_root)
{
	struct counters c;
	unsigned int fam = FILTER_V4 | FILTER_V6;
	char buf[4096];

	memset(&c, 0, sizeof(c));
	if (read_small(proc_root, "net/sockstat", buf, sizeof(buf)))
		counters_parse_sockstat(buf, &c);
	if (read_small(proc_root, "net/sockstat6", buf, sizeof(buf)))
		counters_parse_sockstat6(buf, &c);
	if (!c.c[CTR_SOCKSTAT_TCP_TW].known || c.c[CTR_SOCKSTAT_TCP_TW].v)
		return fam;
	if (c.c[CTR_SOCKSTAT_TCP_INUSE].known && !c.c[CTR_SOCKSTAT_TCP_INUSE].v)
		fam &= ~FILTER_V4;
	if (c.c[CTR_SOCKSTAT_TCP6_INUSE].known && !c.c[CTR_SOCKSTAT_TCP6_INUSE].v)
		fam &= ~FILTER_V6;
	/* none at all: one family still makes a (cheap, empty) snapshot */
	return fam ? fam : FILTER_V4;
}

/**
 * collect_frame() - one refresh: the dump, settings, counters, findings and
 * the opened group's sockets. Returns 0 and *@out, or -errno with @err.
 */
static int collect_frame(struct collector *col, const struct top_req *rq,
			 struct top_frame **out, char *err, size_t errlen)
{
	struct top_frame *f = xcalloc(1, sizeof(*f));
	struct pick pick = { .rq = rq, .f = f };
	struct filter filter = rq->filter;
	struct collect_opts co = { .filter = &filter, .proc_root = col->o->proc_root,
				   .settings = true, .by = rq->by, .globals = col->o->globals,
				   .skip_info = !rq->open,
				   .each = rq->open ? pick_socket : NULL, .each_data = &pick };
	struct rules_input in;
	double t0 = mono(), t1;
	unsigned int live;
	int ret;

	ret = refresh_owners(col, rq, t0, err, errlen);
	if (ret) {
		free(f);
		return ret;
	}
	live = live_families(col->o->proc_root);
	if (filter.families & live)
		filter.families &= live;
	co.owners = col->owners != NULL;
	co.owners_table = col->owners;
	ret = collect_all(&co, &f->c, err, errlen);
	if (ret) {
		frame_free(f);
		return ret;
	}
	t1 = mono();
	if (col->have_last) {
		f->before = col->last;
		f->dt = t1 - col->last_time;
	}
	col->last = f->c.after;
	col->last_time = t1;
	col->unknown_now = f->c.snap.owner_unknown;
	if (col->scanned)
		col->unknown_at_scan = f->c.snap.owner_unknown;
	col->have_last = true;
	in = (struct rules_input){ .snap = &f->c.snap, .sys = &f->c.sys,
				   .before = f->dt > 0 ? &f->before : NULL, .after = &f->c.after,
				   .interval = f->dt };
	f->worst = rules_eval(&in, &col->o->th, &f->fs);
	f->by = rq->by;
	f->open = rq->open;
	f->open_key = rq->open_key;
	f->gen = rq->gen;
	if (f->nsocks > 1)
		qsort(f->socks, f->nsocks, sizeof(*f->socks), cmp_socks);
	f->collect_s = t1 - t0;
	f->owners_age = col->owners ? t0 - col->owners_time : -1;
	*out = f;
	return 0;
}

static void collector_free(struct collector *col)
{
	owners_free(col->owners);
	col->owners = NULL;
}

/*
 * Give up CAP_NET_ADMIN in the effective set (it stays permitted): sock_diag
 * then leaves out the attributes only an admin gets (marks, cgroup ids,
 * MD5 and ULP details), which top never shows, and answers faster.
 */
static void drop_net_admin(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return;
	if (!(d[CAP_NET_ADMIN / 32].effective & (1u << (CAP_NET_ADMIN % 32))))
		return;
	d[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
	syscall(SYS_capset, &h, d);
}

/* ---- the update step --------------------------------------------------- */

/* What the UI keeps between frames. */
struct ui {
	const struct top_opts *o;
	struct top_view v;
	struct top_history hist;
	struct top_frame *cur;
	const struct group **rows;
	size_t rows_cap;
	struct top_req req;           /* the UI's copy; the worker's is shared */
	bool have_sel;
	struct group_key sel_key;     /* the selection follows its group */
	unsigned long frames;
	bool quit;
	bool req_changed, req_now;    /* tell the worker */
	uint64_t want_gen;            /* "collecting" until a frame this new */
	bool pause_changed;
};

static void sync_rows(struct ui *u)
{
	const struct snapshot *s = u->cur ? &u->cur->c.snap : NULL;
	size_t n = s && s->groups ? groups_count(s->groups) : 0, i;

	if (n > u->rows_cap) {
		u->rows_cap = n;
		u->rows = xreallocarray(u->rows, n, sizeof(*u->rows));
	}
	u->v.nrows = n ? groups_list(s->groups, u->rows, n) : 0;
	u->v.rows = u->rows;
	top_sort_groups(s, u->rows, u->v.nrows, u->v.sort);
	if (u->have_sel)
		for (i = 0; i < u->v.nrows; i++)
			if (!memcmp(&u->rows[i]->key, &u->sel_key, sizeof(u->sel_key))) {
				u->v.sel = i;
				break;
			}
	if (u->v.sel >= u->v.nrows)
		u->v.sel = u->v.nrows ? u->v.nrows - 1 : 0;
	if (u->v.scroll > u->v.sel)
		u->v.scroll = u->v.sel;
}

/* A new frame: history, rows; the old frame goes. */
static void update(struct ui *u, struct top_frame *f)
{
	unsigned int st;

	for (st = TS_FIRST; st <= TS_LAST; st++)
		top_ring_push(&u->hist.ring[st], snapshot_state_total(&f->c.snap, st));
	u->hist.samples++;
	frame_free(u->cur);
	u->cur = f;
	sync_rows(u);
	u->v.waiting = f->gen < u->want_gen;
	u->frames++;
}

static void ui_init(struct ui *u, const struct top_opts *o)
{
	const char *cs;

	memset(u, 0, sizeof(*u));
	u->o = o;
	u->v.by = o->by != GROUP_NONE ? o->by : GROUP_LPORT;
	u->v.interval = o->interval;
	u->v.batch = o->batch;
	u->v.top_n = o->top_n ? o->top_n : 10;
	u->v.netns = o->netns;
	u->v.hist = &u->hist;
	cs = nl_langinfo(CODESET);
	u->v.utf8 = cs && !strcmp(cs, "UTF-8");
	snprintf(u->v.filter_text, sizeof(u->v.filter_text), "%s", o->filter_text);
	u->req.filter = o->filter;
	u->req.by = u->v.by;
	u->req.gen = 1;
	u->req.filter_gen = 1;
	u->want_gen = 1;
	u->v.waiting = true;
}

static void ui_free(struct ui *u)
{
	frame_free(u->cur);
	u->cur = NULL;
	free(u->rows);
	u->rows = NULL;
}

/* ---- batch mode -------------------------------------------------------- */

static void sleep_until(double until)
{
	struct timespec ts;
	double left;

	while ((left = until - mono()) > 0) {
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
}

static int batch_cols(void)
{
	const char *s = getenv("COLUMNS");
	long v = s ? strtol(s, NULL, 10) : 0;

	return v >= 40 && v <= 1000 ? (int)v : 80;
}

static int print_frame(struct ui *u, int cols)
{
	struct top_canvas c;
	char *line = xmalloc((size_t)cols * 4 + 1);
	int y;

	top_canvas_init(&c, top_frame_rows(&u->v, u->cur), cols);
	top_draw(&c, &u->v, u->cur);
	for (y = 0; y < c.rows; y++)
		puts(top_canvas_row(&c, y, line, (size_t)cols * 4 + 1));
	putchar('\n');
	top_canvas_free(&c);
	free(line);
	return fflush(stdout) || ferror(stdout) ? -1 : 0;
}

static int run_batch(const struct top_opts *o)
{
	struct collector col = { .o = o };
	struct ui *u = xcalloc(1, sizeof(*u));
	struct top_frame *f;
	unsigned long i;
	char err[512];
	double start;
	int rc = 0, cols = batch_cols();

	ui_init(u, o);
	for (i = 0; !o->iterations || i < o->iterations; i++) {
		start = mono();
		if (collect_frame(&col, &u->req, &f, err, sizeof(err))) {
			fprintf(stderr, "tcpdx: %s\n", err);
			rc = 1;
			break;
		}
		update(u, f);
		u->v.waiting = false;
		if (print_frame(u, cols)) {
			fprintf(stderr, "tcpdx: writing the output failed: %s\n", strerror(errno));
			rc = 1;
			break;
		}
		if (!o->iterations || i + 1 < o->iterations)
			sleep_until(start + o->interval);
	}
	ui_free(u);
	free(u);
	collector_free(&col);
	return rc;
}

#ifdef HAVE_NCURSESW

/* ---- the worker -------------------------------------------------------- */

struct shared {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct top_req req;
	double interval;
	bool paused, now, quit;
	struct top_frame *ready;      /* the mailbox */
	int error;                    /* a collection failed: its -errno */
	char err[512];
	int wake[2];                  /* worker -> UI */
	struct collector col;
};

static void wake_ui(struct shared *sh)
{
	ssize_t n = write(sh->wake[1], "x", 1);

	(void)n; /* a full pipe already wakes the UI */
}

static void deadline(double t, struct timespec *ts)
{
	ts->tv_sec = (time_t)t;
	ts->tv_nsec = (long)((t - (double)ts->tv_sec) * 1e9);
}

static void *worker(void *arg)
{
	struct shared *sh = arg;
	struct top_req rq;
	struct top_frame *f;
	struct timespec ts;
	double start, last = -1e9;
	char err[512];
	int ret;

	pthread_mutex_lock(&sh->lock);
	while (!sh->quit) {
		while (!sh->quit && !sh->now &&
		       (sh->paused || mono() < last + sh->interval)) {
			if (sh->paused) {
				pthread_cond_wait(&sh->cond, &sh->lock);
			} else {
				deadline(last + sh->interval, &ts);
				pthread_cond_timedwait(&sh->cond, &sh->lock, &ts);
			}
		}
		if (sh->quit)
			break;
		sh->now = false;
		rq = sh->req;
		pthread_mutex_unlock(&sh->lock);
		start = mono();
		ret = collect_frame(&sh->col, &rq, &f, err, sizeof(err));
		pthread_mutex_lock(&sh->lock);
		if (ret) {
			sh->error = ret;
			memcpy(sh->err, err, sizeof(err));
			wake_ui(sh);
			break;
		}
		frame_free(sh->ready);
		sh->ready = f;
		wake_ui(sh);
		last = start;
	}
	pthread_mutex_unlock(&sh->lock);
	return NULL;
}

/* ---- the terminal ------------------------------------------------------ */

static volatile sig_atomic_t got_signal;
static int signal_fd = -1;
static bool curses_on;

static void on_signal(int sig)
{
	ssize_t n;

	got_signal = sig;
	if (signal_fd >= 0)
		n = write(signal_fd, "s", 1);
	(void)n;
}

static void restore_terminal(void)
{
	if (curses_on) {
		curses_on = false;
		endwin();
	}
}

static bool colors;

static void start_curses(bool want_color)
{
	initscr();
	curses_on = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	colors = want_color && has_colors();
	if (colors) {
		start_color();
		use_default_colors();
		init_pair(TA_RED, COLOR_RED, -1);
		init_pair(TA_YELLOW, COLOR_YELLOW, -1);
		init_pair(TA_CYAN, COLOR_CYAN, -1);
		init_pair(TA_GREEN, COLOR_GREEN, -1);
		init_pair(TA_MAGENTA, COLOR_MAGENTA, -1);
	}
}

static attr_t curses_attr(uint16_t a, short *pair)
{
	attr_t r = 0;
	int color = a & TA_COLOR_MASK;

	*pair = 0;
	if (a & TA_BOLD)
		r |= A_BOLD;
	if (a & TA_REVERSE)
		r |= A_REVERSE;
	if (a & TA_UNDERLINE)
		r |= A_UNDERLINE;
	if (colors && color)
		*pair = (short)color;
	else if (color == TA_RED)
		r |= A_BOLD | A_UNDERLINE;  /* monochrome: critical stands out */
	return r;
}

static void show(const struct top_canvas *c, bool utf8)
{
	wchar_t run[1024];
	int y, x, x0, n;

	erase();
	for (y = 0; y < c->rows; y++) {
		for (x = 0; x < c->cols;) {
			const struct top_cell *cell = &c->cell[(size_t)y * (size_t)c->cols];
			uint16_t a = cell[x].attr;
			attr_t at;
			short pair;

			x0 = x;
			n = 0;
			while (x < c->cols && cell[x].attr == a && n < (int)ARRAY_SIZE(run)) {
				uint32_t ch = cell[x].ch;

				run[n++] = (wchar_t)(ch >= 0x80 && !utf8 ? '?' : ch);
				x++;
			}
			/* the last cell of the screen would scroll it */
			if (y == c->rows - 1 && x == c->cols)
				n--;
			at = curses_attr(a, &pair);
			attr_set(at, pair, NULL);
			if (n > 0)
				mvaddnwstr(y, x0, run, n);
		}
	}
	attr_set(A_NORMAL, 0, NULL);
	refresh();
}

static int map_key(int ch)
{
	switch (ch) {
	case KEY_UP: return TK_UP;
	case KEY_DOWN: return TK_DOWN;
	case KEY_PPAGE: return TK_PGUP;
	case KEY_NPAGE: return TK_PGDN;
	case KEY_HOME: return TK_HOME;
	case KEY_END: return TK_END;
	case KEY_ENTER: case '\n': case '\r': return TK_ENTER;
	case 27: return TK_ESC;
	case KEY_BACKSPACE: case 127: case 8: return TK_BACKSPACE;
	case KEY_RESIZE: return TK_RESIZE;
	default: return ch;
	}
}

/* ---- keys -------------------------------------------------------------- */

static void remember_sel(struct ui *u)
{
	u->have_sel = u->v.sel < u->v.nrows;
	if (u->have_sel)
		u->sel_key = u->rows[u->v.sel]->key;
}

/* The selection moved: keep it on screen. */
static void follow(struct ui *u, int visible)
{
	if (u->v.sel < u->v.scroll)
		u->v.scroll = u->v.sel;
	if (visible > 0 && u->v.sel >= u->v.scroll + (size_t)visible)
		u->v.scroll = u->v.sel - (size_t)visible + 1;
	remember_sel(u);
}

static void move_key(struct ui *u, int key, int rows, int cols)
{
	int page = top_group_rows_visible(&u->v, u->cur, rows);
	size_t n, *pos;

	if (u->v.screen == TOP_MAIN) {
		n = u->v.nrows;
		pos = &u->v.sel;
	} else {
		n = top_screen_lines(&u->v, u->cur, cols);
		pos = &u->v.line;
		/* scroll only as far as the last page */
		n = n > (size_t)page ? n - (size_t)page + 1 : 1;
	}
	if (!n)
		return;
	switch (key) {
	case TK_UP: if (*pos) (*pos)--; break;
	case TK_DOWN: if (*pos + 1 < n) (*pos)++; break;
	case TK_PGUP: *pos = *pos > (size_t)page ? *pos - (size_t)page : 0; break;
	case TK_PGDN: *pos = *pos + (size_t)page < n ? *pos + (size_t)page : n - 1; break;
	case TK_HOME: *pos = 0; break;
	case TK_END: *pos = n - 1; break;
	default: break;
	}
	if (u->v.screen == TOP_MAIN)
		follow(u, page);
}

static void changed(struct ui *u, bool now)
{
	u->req.gen++;
	u->req_changed = true;
	u->req_now |= now;
	if (now) {
		u->want_gen = u->req.gen;
		u->v.waiting = true;
	}
}

static void apply_filter(struct ui *u)
{
	struct filter f;
	char err[512];

	if (top_filter_parse(u->v.input, &f, err, sizeof(err))) {
		snprintf(u->v.message, sizeof(u->v.message), "filter not changed: %.200s", err);
		return;
	}
	u->req.filter = f;
	snprintf(u->v.filter_text, sizeof(u->v.filter_text), "%s", u->v.input);
	top_history_reset(&u->hist);
	u->req.filter_gen = u->req.gen + 1;
	changed(u, true);
}

static void apply_interval(struct ui *u, double v)
{
	u->v.interval = v;
	u->pause_changed = true;
	snprintf(u->v.message, sizeof(u->v.message), "refreshing every %g s", v);
}

/* A key while the bottom line is a prompt. */
static void prompt_key(struct ui *u, int key)
{
	size_t len = strlen(u->v.input);
	double v;

	if (key == TK_ESC) {
		u->v.prompting = false;
	} else if (key == 0x15) {            /* Ctrl-U: clear the line */
		u->v.input[0] = '\0';
	} else if (key == TK_BACKSPACE) {
		if (len)
			u->v.input[len - 1] = '\0';
	} else if (key == TK_ENTER) {
		u->v.prompting = false;
		if (u->v.prompt[0] == 'f') {
			apply_filter(u);
		} else if (top_interval_parse(u->v.input, &v)) {
			apply_interval(u, v);
		} else {
			snprintf(u->v.message, sizeof(u->v.message),
				 "bad interval '%.64s': seconds from 0.01 to 3600", u->v.input);
		}
	} else if (key >= 0x20 && key < 0x7f && len + 1 < sizeof(u->v.input)) {
		u->v.input[len] = (char)key;
		u->v.input[len + 1] = '\0';
	}
}

static void start_prompt(struct ui *u, const char *label, const char *initial)
{
	u->v.prompting = true;
	snprintf(u->v.prompt, sizeof(u->v.prompt), "%s", label);
	snprintf(u->v.input, sizeof(u->v.input), "%s", initial);
}

static void next_grouping(struct ui *u)
{
	static const enum group_by order[] = { GROUP_LPORT, GROUP_PROCESS, GROUP_PEER,
					       GROUP_RHOST };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		if (order[i] == u->v.by)
			break;
	u->v.by = order[(i + 1) % ARRAY_SIZE(order)];
	u->req.by = u->v.by;
	u->req.open = false;
	u->v.open = false;
	u->v.sel = u->v.scroll = 0;
	u->have_sel = false;
	u->v.nrows = 0;
	changed(u, true);
}

static void open_group(struct ui *u)
{
	if (!u->cur || u->cur->by != u->v.by || u->v.sel >= u->v.nrows)
		return;
	u->v.open = true;
	u->v.open_key = u->rows[u->v.sel]->key;
	render_group_name(&u->cur->c.snap, u->rows[u->v.sel], u->v.open_name,
			  sizeof(u->v.open_name));
	u->req.open = true;
	u->req.open_key = u->v.open_key;
	u->v.screen = TOP_GROUP;
	u->v.line = 0;
	changed(u, true);
}

static void back(struct ui *u)
{
	if (u->v.screen == TOP_GROUP) {
		u->v.open = false;
		u->req.open = false;
		changed(u, false);
	}
	u->v.screen = TOP_MAIN;
	u->v.line = 0;
}

static void screen_key(struct ui *u, enum top_screen s)
{
	if (u->v.screen == s) {
		back(u);
		return;
	}
	if (u->v.screen == TOP_GROUP)
		back(u);
	u->v.screen = s;
	u->v.line = 0;
}

static void handle_key(struct ui *u, int key, int rows, int cols)
{
	u->v.message[0] = '\0';
	if (u->v.prompting) {
		prompt_key(u, key);
		return;
	}
	switch (key) {
	case 'q': case 'Q': u->quit = true; break;
	case ' ':
		u->v.paused = !u->v.paused;
		u->pause_changed = true;
		break;
	case 'd': {
		char cur[32];

		snprintf(cur, sizeof(cur), "%g", u->v.interval);
		start_prompt(u, "interval (s): ", cur);
		break;
	}
	case '+': apply_interval(u, top_interval_step(u->v.interval, 1)); break;
	case '-': apply_interval(u, top_interval_step(u->v.interval, -1)); break;
	case 'g': if (u->v.screen == TOP_MAIN) next_grouping(u); break;
	case 's':
		if (u->v.screen != TOP_MAIN || !u->cur)
			break;
		u->v.sort = top_sort_next(&u->cur->c.snap, u->v.sort);
		remember_sel(u);
		sync_rows(u);
		follow(u, top_group_rows_visible(&u->v, u->cur, rows));
		break;
	case '/': start_prompt(u, "filter: ", u->v.filter_text); break;
	case TK_ENTER: if (u->v.screen == TOP_MAIN) open_group(u); break;
	case 'e': case 'E': screen_key(u, TOP_EVIDENCE); break;
	case '?': case 'h': screen_key(u, TOP_HELP); break;
	case TK_ESC: back(u); break;
	case TK_UP: case TK_DOWN: case TK_PGUP: case TK_PGDN: case TK_HOME: case TK_END:
		move_key(u, key, rows, cols);
		break;
	default: break;
	}
}

/* Tell the worker what changed. */
static void post(struct ui *u, struct shared *sh)
{
	if (!u->req_changed && !u->pause_changed)
		return;
	pthread_mutex_lock(&sh->lock);
	if (u->req_changed)
		sh->req = u->req;
	sh->now |= u->req_now;
	sh->paused = u->v.paused;
	sh->interval = u->v.interval;
	pthread_cond_signal(&sh->cond);
	pthread_mutex_unlock(&sh->lock);
	u->req_changed = u->req_now = u->pause_changed = false;
}

/* Take a finished frame, or the worker's error. Returns -1 on an error. */
static int take(struct ui *u, struct shared *sh, char *err, size_t errlen)
{
	struct top_frame *f;
	int error;

	pthread_mutex_lock(&sh->lock);
	f = sh->ready;
	sh->ready = NULL;
	error = sh->error;
	if (error)
		snprintf(err, errlen, "%s", sh->err);
	pthread_mutex_unlock(&sh->lock);
	if (error) {
		frame_free(f);
		return -1;
	}
	if (f) {
		/* A frame for an older filter would mix counts in the history. */
		if (f->gen < u->req.filter_gen)
			frame_free(f);
		else
			update(u, f);
	}
	return 0;
}

static void draw(struct ui *u)
{
	struct top_canvas c;
	int rows, cols;

	getmaxyx(stdscr, rows, cols);
	top_canvas_init(&c, rows, cols);
	top_draw(&c, &u->v, u->cur);
	show(&c, u->v.utf8);
	top_canvas_free(&c);
}

static void drain(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static int pipe_nb(int p[2])
{
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	return 0;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* The UI loop: keys at once, frames as they come. */
static int ui_loop(struct ui *u, struct shared *sh, int sigpipe, char *err, size_t errlen)
{
	struct pollfd pfd[3] = { { .fd = STDIN_FILENO, .events = POLLIN },
				 { .fd = sh->wake[0], .events = POLLIN },
				 { .fd = sigpipe, .events = POLLIN } };
	int ch, rows, cols;

	draw(u);
	while (!u->quit && !got_signal) {
		if (poll(pfd, 3, -1) < 0 && errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
		if (got_signal)
			break;
		if (pfd[1].revents & POLLIN) {
			drain(sh->wake[0]);
			if (take(u, sh, err, errlen))
				return -1;
			if (u->o->iterations && u->frames >= u->o->iterations)
				u->quit = true;
		}
		while ((ch = getch()) != ERR) {
			getmaxyx(stdscr, rows, cols);
			handle_key(u, map_key(ch), rows, cols);
		}
		post(u, sh);
		draw(u);
	}
	return 0;
}

static int run_interactive(const struct top_opts *o)
{
	struct shared *sh = xcalloc(1, sizeof(*sh));
	struct ui *u = xcalloc(1, sizeof(*u));
	pthread_condattr_t ca;
	sigset_t block, old;
	pthread_t th;
	int sigp[2] = { -1, -1 }, rc = 0, ret;
	char err[512] = "";

	ui_init(u, o);
	sh->wake[0] = sh->wake[1] = -1;
	if (pipe_nb(sh->wake) || pipe_nb(sigp)) {
		fprintf(stderr, "tcpdx: cannot make a pipe: %s\n", strerror(errno));
		rc = 1;
		goto out;
	}
	pthread_mutex_init(&sh->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sh->cond, &ca);
	pthread_condattr_destroy(&ca);
	sh->req = u->req;
	sh->interval = u->v.interval;
	sh->now = true;
	sh->col.o = o;

	signal_fd = sigp[1];
	install_signals();
	atexit(restore_terminal);
	start_curses(o->color);
	/* Signals go to the UI thread only: the worker blocks them. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	ret = pthread_create(&th, NULL, worker, sh);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		restore_terminal();
		fprintf(stderr, "tcpdx: cannot start the collector thread: %s\n", strerror(ret));
		rc = 1;
		goto out_sync;
	}
	if (ui_loop(u, sh, sigp[0], err, sizeof(err)))
		rc = 1;
	/* The terminal first: quitting must look instant. */
	restore_terminal();
	pthread_mutex_lock(&sh->lock);
	sh->quit = true;
	pthread_cond_signal(&sh->cond);
	pthread_mutex_unlock(&sh->lock);
	pthread_join(th, NULL);
	if (rc)
		fprintf(stderr, "tcpdx: %s\n", err);
out_sync:
	pthread_cond_destroy(&sh->cond);
	pthread_mutex_destroy(&sh->lock);
out:
	signal_fd = -1;
	frame_free(sh->ready);
	collector_free(&sh->col);
	ui_free(u);
	free(u);
	if (sh->wake[0] >= 0) {
		close(sh->wake[0]);
		close(sh->wake[1]);
	}
	if (sigp[0] >= 0) {
		close(sigp[0]);
		close(sigp[1]);
	}
	free(sh);
	return rc;
}

#endif /* HAVE_NCURSESW */

int top_run(const struct top_opts *o)
{
	setlocale(LC_CTYPE, "");
	drop_net_admin();
	if (o->batch)
		return run_batch(o);
#ifdef HAVE_NCURSESW
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "tcpdx: top needs a terminal on stdin and stdout; for scripts "
			"and pipes use batch mode: tcpdx top -b [-n ITERATIONS]\n");
		return 2;
	}
	return run_interactive(o);
#else
	fprintf(stderr, "tcpdx: this tcpdx was built without ncursesw, so top has only batch "
		"mode: tcpdx top -b [-n ITERATIONS]\n");
	return 2;
#endif
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* The pure parts of tcpdx top: history rings, sparklines, how unusual a
 * count is, layout, sorting, the canvas, the "/" filter line, intervals, and
 * a whole batch frame drawn from a constructed snapshot. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "states.h"
#include "tap.h"
#include "top.h"
#include "top_draw.h"
#include "top_history.h"
#include "util.h"

static void test_ring(void)
{
	struct top_ring *r = calloc(1, sizeof(*r));
	uint64_t out[8];
	size_t n;
	unsigned int i;

	is_u64(top_ring_get(r, 0), 0, "empty ring reads 0");
	is_u64(top_ring_last(r, out, 8), 0, "empty ring has no samples");
	for (i = 1; i <= 3; i++)
		top_ring_push(r, i * 10);
	is_u64(top_ring_get(r, 0), 30, "newest sample");
	is_u64(top_ring_get(r, 2), 10, "oldest sample");
	is_u64(top_ring_get(r, 3), 0, "past the oldest reads 0");
	n = top_ring_last(r, out, 8);
	ok(n == 3 && out[0] == 10 && out[1] == 20 && out[2] == 30, "last n oldest first");
	n = top_ring_last(r, out, 2);
	ok(n == 2 && out[0] == 20 && out[1] == 30, "last 2 of 3");
	for (i = 0; i < TOP_HISTORY + 5; i++)
		top_ring_push(r, i);
	is_u64(r->n, TOP_HISTORY, "a full ring holds TOP_HISTORY samples");
	is_u64(top_ring_get(r, 0), TOP_HISTORY + 4, "newest after wrapping");
	is_u64(top_ring_get(r, TOP_HISTORY - 1), 5, "oldest after wrapping");
	free(r);
}

static void fill(struct top_ring *r, const uint64_t *v, size_t n)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++)
		top_ring_push(r, v[i]);
}

static void test_level(void)
{
	struct top_ring *r = calloc(1, sizeof(*r));
	static const uint64_t flat_spike[] = { 0, 0, 0, 0, 0, 0, 25 };
	static const uint64_t few[] = { 0, 0, 0, 25 };
	static const uint64_t noisy[] = { 100, 110, 90, 105, 95, 100, 112 };
	static const uint64_t jump[] = { 100, 110, 90, 105, 95, 100, 180 };
	static const uint64_t small[] = { 0, 0, 0, 0, 0, 0, 2 };
	static const uint64_t drop[] = { 50, 50, 50, 50, 50, 50, 0 };

	fill(r, flat_spike, ARRAY_SIZE(flat_spike));
	is_int(top_history_level(r), TOP_UNUSUAL, "a jump from a flat zero is unusual");
	fill(r, few, ARRAY_SIZE(few));
	is_int(top_history_level(r), TOP_NORMAL, "too little history to judge");
	fill(r, noisy, ARRAY_SIZE(noisy));
	is_int(top_history_level(r), TOP_NORMAL, "within the noise is normal");
	fill(r, jump, ARRAY_SIZE(jump));
	is_int(top_history_level(r), TOP_UNUSUAL, "far above the noise is unusual");
	fill(r, small, ARRAY_SIZE(small));
	is_int(top_history_level(r), TOP_NORMAL, "a change of 2 sockets is not unusual");
	fill(r, drop, ARRAY_SIZE(drop));
	is_int(top_history_level(r), TOP_UNUSUAL, "a sudden drop is unusual too");
	free(r);
}

static void test_sparkline(void)
{
	static const uint64_t v[] = { 0, 1, 4, 8 };
	static const uint64_t many[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	char buf[64];

	is_str(top_sparkline(v, 4, 6, false, buf, sizeof(buf)), "   .~#",
	       "ASCII: padded left, zero blank, scaled to the largest");
	is_str(top_sparkline(v, 4, 4, true, buf, sizeof(buf)), " \u2581\u2584\u2588",
	       "UTF-8 blocks");
	is_int(strlen(top_sparkline(many, 10, 4, false, buf, sizeof(buf))), 4,
	       "exactly width columns");
	is_str(buf, "+*##", "the newest 4, scaled to their own largest");
	is_str(top_sparkline(v, 0, 3, false, buf, sizeof(buf)), "   ", "no samples: blanks");
	top_sparkline(v, 4, 4, true, buf, 5);
	ok(strlen(buf) < 5, "never past the buffer");
}

static void test_layout(void)
{
	struct top_layout l;

	is_int(top_layout(19, 10, 2, 30, &l), -1, "fewer than 20 rows: too small");
	is_int(top_layout(24, 10, 2, 30, &l), 0, "80x24 fits");
	is_int(l.states_y, 2, "states below the two header rows");
	is_int(l.rates_y, 13, "rates after the 10 states");
	is_int(l.findings_y, 14, "findings after the rates");
	is_int(l.findings_n, 2, "two findings get two rows");
	is_int(l.groups_y, 17, "groups after the findings");
	is_int(l.groups_n, 4, "the rest for groups");
	is_int(l.keys_y, 23, "keys on the bottom row");
	is_int(l.groups_y + 2 + l.groups_n, l.keys_y, "every row used, none twice");
	top_layout(24, 10, 9, 30, &l);
	is_int(l.findings_n, 2, "many findings: at most a third of the free rows");
	top_layout(24, 10, 0, 30, &l);
	is_int(l.findings_n, 1, "no findings: one row for 'no problems'");
	top_layout(50, 11, 3, 100, &l);
	is_int(l.findings_n, 3, "tall screen: every finding");
	is_int(l.groups_y + 2 + l.groups_n, l.keys_y, "tall screen: every row used");
	top_layout(0, 10, 3, 7, &l);
	is_int(l.keys_y, -1, "batch: no key line");
	is_int(l.rows, 2 + 1 + 10 + 1 + 1 + 3 + 2 + 7, "batch: as many rows as needed");
}

static void add(struct snapshot *s, uint16_t port, unsigned int state, int n)
{
	struct group_key k = { .port = port };

	while (n-- > 0)
		groups_add(s->groups, &k, state);
}

static void test_sort(void)
{
	struct snapshot *s = calloc(1, sizeof(*s));
	const struct group *rows[8];
	size_t n;

	snapshot_init(s, FILTER_V4 | FILTER_V6, STATES_DEFAULT_MASK);
	s->groups = groups_new(GROUP_LPORT);
	add(s, 80, TS_ESTABLISHED, 5);
	add(s, 443, TS_ESTABLISHED, 2);
	add(s, 443, TS_CLOSE_WAIT, 7);
	add(s, 22, TS_ESTABLISHED, 1);
	add(s, 8080, TS_ESTABLISHED, 5);
	s->count[SNAP_V4][TS_ESTABLISHED] = 13;
	s->count[SNAP_V4][TS_CLOSE_WAIT] = 7;
	n = groups_list(s->groups, rows, 8);
	is_int(n, 4, "four groups listed");
	top_sort_groups(s, rows, n, TOP_SORT_TOTAL);
	ok(rows[0]->key.port == 443 && rows[1]->key.port == 80 && rows[2]->key.port == 8080 &&
	   rows[3]->key.port == 22, "by total, ties by name");
	top_sort_groups(s, rows, n, TS_ESTABLISHED);
	ok(rows[0]->key.port == 80 && rows[1]->key.port == 8080 && rows[2]->key.port == 443,
	   "by ESTABLISHED");
	top_sort_groups(s, rows, n, TOP_SORT_NAME);
	ok(rows[0]->key.port == 22 && rows[3]->key.port == 8080, "by name: ports in order");
	is_int(top_sort_next(s, TOP_SORT_TOTAL), TS_ESTABLISHED, "sort cycle: total, then a state");
	is_int(top_sort_next(s, TS_ESTABLISHED), TS_CLOSE_WAIT, "states without sockets skipped");
	is_int(top_sort_next(s, TS_CLOSE_WAIT), TOP_SORT_NAME, "then name");
	is_int(top_sort_next(s, TOP_SORT_NAME), TOP_SORT_TOTAL, "and round");
	is_str(top_sort_name(TS_CLOSE_WAIT), "CLOSE-WAIT", "sort key names");
	snapshot_free(s);
	free(s);
}

static void test_canvas(void)
{
	struct top_canvas c;
	char row[256];

	top_canvas_init(&c, 3, 10);
	is_int(top_put(&c, 0, 0, -1, TA_BOLD, "hello world"), 10, "clipped at the right edge");
	is_str(top_canvas_row(&c, 0, row, sizeof(row)), "hello worl", "row text");
	ok(c.cell[0].attr == TA_BOLD, "attribute kept");
	top_put_escaped(&c, 1, 0, -1, TA_PLAIN, "a\033b");
	is_str(top_canvas_row(&c, 1, row, sizeof(row)), "a\\x1bb", "control characters escaped");
	top_put(&c, 2, 0, 3, TA_PLAIN, "\u2588\u4e2dxyz");
	is_str(top_canvas_row(&c, 2, row, sizeof(row)), "\u2588?x", "wide characters as '?', maxw");
	top_canvas_free(&c);
	top_canvas_init(&c, 1, 8);
	top_put_escaped(&c, 0, 0, -1, TA_PLAIN, "\xff\xfe");
	is_str(top_canvas_row(&c, 0, row, sizeof(row)), "\\xff\\xfe", "invalid UTF-8 escaped");
	top_put(&c, 0, 0, -1, TA_PLAIN, "x ");
	top_put(&c, 0, 2, -1, TA_PLAIN, "      ");
	is_str(top_canvas_row(&c, 0, row, sizeof(row)), "x", "trailing blanks trimmed");
	top_canvas_free(&c);
}

static void test_filter_line(void)
{
	struct filter f;
	char err[256];

	is_int(top_filter_parse("", &f, err, sizeof(err)), 0, "empty line: no filter");
	is_u64(filter_state_mask(&f), STATES_DEFAULT_MASK, "empty line: default states");
	is_int(top_filter_parse("--state close-wait --dport 5432", &f, err, sizeof(err)), 0,
	       "command-line syntax");
	is_u64(filter_state_mask(&f), STATE_BIT(TS_CLOSE_WAIT), "--state parsed");
	ok(f.ndport == 1 && f.dport[0].lo == 5432, "--dport parsed");
	is_int(top_filter_parse("--sport=80,443 -4", &f, err, sizeof(err)), 0, "--opt=value, -4");
	ok(f.nsport == 2 && f.families == FILTER_V4, "--sport list and -4");
	is_int(top_filter_parse("--state bogus", &f, err, sizeof(err)), -EINVAL, "bad state");
	has_str(err, "unknown state 'bogus'", "filter's own message");
	is_int(top_filter_parse("state=close-wait", &f, err, sizeof(err)), -EINVAL,
	       "not the command-line syntax");
	has_str(err, "--state close-wait --dport 5432", "the message shows the syntax");
	is_int(top_filter_parse("--bogus 1", &f, err, sizeof(err)), -EINVAL, "unknown option");
	has_str(err, "filters: --state", "lists the filters");
	is_int(top_filter_parse("--dport", &f, err, sizeof(err)), -EINVAL, "missing value");
	has_str(err, "needs a value", "says a value is missing");
}

static void test_interval(void)
{
	double v = 0;

	ok(top_interval_step(1, 1) == 2 && top_interval_step(1, -1) == 0.5, "steps around 1 s");
	ok(top_interval_step(0.7, 1) == 1 && top_interval_step(0.7, -1) == 0.5,
	   "from between steps");
	ok(top_interval_step(0.01, -1) == TOP_INTERVAL_MIN, "not below the minimum");
	ok(top_interval_step(3600, 1) == TOP_INTERVAL_MAX, "not above the maximum");
	ok(top_interval_parse("0.25", &v) && v == 0.25, "parse 0.25");
	ok(!top_interval_parse("0", &v), "0 refused");
	ok(!top_interval_parse("abc", &v) && !top_interval_parse("", &v), "junk refused");
	ok(!top_interval_parse("3601", &v), "over an hour refused");
	ok(top_owners_max_age(0.01, false) == TOP_OWNERS_MIN_AGE, "a quick owner walk: every 5 s");
	ok(top_owners_max_age(0.9, false) > 17.9 && top_owners_max_age(0.9, false) < 18.1,
	   "a 0.9 s walk: every 18 s (5 % of a core)");
	ok(top_owners_max_age(0.01, true) == 1, "new sockets without owner: after 1 s");
	ok(top_owners_max_age(0.9, true) > 4.4 && top_owners_max_age(0.9, true) < 4.6,
	   "new sockets, slow walk: after 4.5 s (20 % of a core)");
}

/* A frame with a CLOSE-WAIT pile-up, drawn in batch. */
static void test_frame(void)
{
	struct top_frame *f = calloc(1, sizeof(*f));
	struct top_history *h = calloc(1, sizeof(*h));
	struct top_view v = { 0 };
	struct top_canvas c;
	const struct group *rows[8];
	char row[512], *all = calloc(1, 65536);
	struct finding *x;
	int y, i;

	snapshot_init(&f->c.snap, FILTER_V4 | FILTER_V6, STATES_DEFAULT_MASK);
	strcpy(f->c.snap.host, "box\033");
	f->c.snap.groups = groups_new(GROUP_LPORT);
	f->c.snap.count[SNAP_V4][TS_CLOSE_WAIT] = 25;
	f->c.snap.count[SNAP_V4][TS_LISTEN] = 1;
	add(&f->c.snap, 8080, TS_CLOSE_WAIT, 25);
	add(&f->c.snap, 8080, TS_LISTEN, 1);
	f->by = GROUP_LPORT;
	f->fs.n = 1;
	x = &f->fs.f[0];
	x->id = "close-wait";
	x->severity = SEV_WARNING;
	strcpy(x->summary, "25 sockets in CLOSE-WAIT");
	for (i = 0; i < 7; i++)
		top_ring_push(&h->ring[TS_CLOSE_WAIT], i < 6 ? 0 : 25);
	v.batch = true;
	v.by = GROUP_LPORT;
	v.interval = 1;
	v.top_n = 10;
	v.hist = h;
	v.nrows = groups_list(f->c.snap.groups, rows, 8);
	v.rows = rows;
	is_int(top_state_level(f, h, TS_CLOSE_WAIT), TOP_WARNING,
	       "a warning finding about a state raises its level");
	is_int(top_state_level(f, h, TS_LISTEN), TOP_NORMAL, "others stay normal");
	top_canvas_init(&c, top_frame_rows(&v, f), 80);
	top_draw(&c, &v, f);
	for (y = 0; y < c.rows; y++) {
		strcat(all, top_canvas_row(&c, y, row, sizeof(row)));
		strcat(all, "\n");
	}
	has_str(all, "tcpdx top - box\\x1b - ", "header, host escaped");
	has_str(all, "CLOSE-WAIT         25     +25 !", "count, change and mark");
	has_str(all, "FINDINGS (1)\nWARNING  close-wait: 25 sockets in CLOSE-WAIT", "finding line");
	has_str(all, "SOCKETS BY LOCAL PORT  1 group, sorted by TOTAL", "groups title");
	has_str(all, "8080                        25       1       26", "group row");
	has_str(all, "per s:  listen-overflows -", "no rates on a first frame");
	lacks_str(all, "? help", "no key line in batch");
	top_canvas_free(&c);
	v.batch = false;
	top_canvas_init(&c, 24, 80);
	top_draw(&c, &v, f);
	has_str(top_canvas_row(&c, 23, row, sizeof(row)), "q quit", "key line at the bottom");
	top_canvas_free(&c);
	top_canvas_init(&c, 10, 40);
	top_draw(&c, &v, f);
	has_str(top_canvas_row(&c, 0, row, sizeof(row)), "needs 60x20", "too small says so");
	top_canvas_free(&c);
	snapshot_free(&f->c.snap);
	free(f);
	free(h);
	free(all);
}

int main(void)
{
	test_ring();
	test_level();
	test_sparkline();
	test_layout();
	test_sort();
	test_canvas();
	test_filter_line();
	test_interval();
	test_frame();
	return done_testing();
}

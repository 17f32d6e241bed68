/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * top_draw.h - what `tcpdx top` shows, drawn from a finished frame onto a
 * character canvas; never collects.
 *
 * A frame is one refresh's data, made by top.c's collector and then only
 * read: the snapshot (counts, evidence, groups), the settings and counters,
 * the findings, and the sockets of the opened group. A view is the UI's
 * state (screen, selection, sort, prompt) plus what the UI keeps between
 * frames (the history rings, the sorted group rows). top_draw() lays both
 * out on a canvas of cells (a code point and an attribute each): top.c
 * copies the canvas to ncurses, or prints it as a plain frame in batch mode.
 * Everything here is pure, so the unit tests check layout, sorting and
 * content without a terminal. Text from outside (process names, the host
 * name) is escaped on the way in, as util_fputs_escaped() does.
 */
#ifndef TCPDX_TOP_DRAW_H
#define TCPDX_TOP_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect.h"
#include "groups.h"
#include "rules.h"
#include "top_history.h"

/* ---- canvas ------------------------------------------------------------ */

/* Attributes: a colour in the low bits, styles above. */
enum top_attr {
	TA_PLAIN = 0,
	TA_RED = 1, TA_YELLOW = 2, TA_CYAN = 3, TA_GREEN = 4, TA_MAGENTA = 5,
	TA_COLOR_MASK = 0x7,
	TA_BOLD = 0x10,
	TA_REVERSE = 0x20,
	TA_UNDERLINE = 0x40,
};

struct top_cell {
	uint32_t ch;          /* a code point of one column */
	uint16_t attr;
};

struct top_canvas {
	int rows, cols;
	struct top_cell *cell; /* rows * cols */
};

/* A blank canvas; free with top_canvas_free(). */
void top_canvas_init(struct top_canvas *c, int rows, int cols);
void top_canvas_free(struct top_canvas *c);

/**
 * top_put() - write UTF-8 text of our own at (@y, @x) with @attr, clipped at
 * the right edge and never past @maxw columns (-1: no limit). Characters of
 * other than one column are drawn as '?'. Returns the columns written.
 */
int top_put(struct top_canvas *c, int y, int x, int maxw, uint16_t attr, const char *s);

/* The same for text from outside: control characters and invalid UTF-8 come
 * out as \xNN. */
int top_put_escaped(struct top_canvas *c, int y, int x, int maxw, uint16_t attr,
		    const char *s);

/* printf onto the canvas (our own text). */
int top_printf(struct top_canvas *c, int y, int x, uint16_t attr, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Row @y as UTF-8 without trailing blanks (batch output, tests), into @buf. */
char *top_canvas_row(const struct top_canvas *c, int y, char *buf, size_t len);

/* ---- frame ------------------------------------------------------------- */

#define TOP_SOCKS_MAX 10000 /* sockets of an opened group kept per refresh */

/* One socket of the opened group. */
struct top_sock {
	uint8_t family, state, timer, retrans;
	bool has_idle;
	uint16_t sport, dport;
	uint8_t saddr[16], daddr[16];
	uint32_t rqueue, wqueue, expires_ms, idle_ms;
	uint32_t pid;
	uint64_t cookie;
};

struct top_frame {
	struct collected c;        /* snapshot (with its groups), settings, counters */
	struct counters before;    /* the previous refresh's counters */
	double dt;                 /* seconds since them; 0: no rates yet */
	struct findings fs;
	enum severity worst;
	enum group_by by;          /* the grouping collected */
	bool open;                 /* the sockets of one group were collected */
	struct group_key open_key;
	struct top_sock *socks;    /* sorted by state, then peer */
	size_t nsocks;             /* kept (at most TOP_SOCKS_MAX) */
	uint64_t open_total;       /* sockets in the opened group */
	uint64_t gen;              /* the view request it answers */
	double collect_s;          /* how long collecting took */
	double owners_age;         /* age of the owner table used (s); -1: none */
};

/* ---- view -------------------------------------------------------------- */

#define UTIL_GROUP_NAME_MAX (56 + 64 + 16) /* an address and port, or comm/pid */

enum top_screen { TOP_MAIN, TOP_GROUP, TOP_EVIDENCE, TOP_HELP };

/* Sort keys of the groups table: TOP_SORT_TOTAL, a state (1..11) by its
 * count, or TOP_SORT_NAME; counts sort largest first. */
#define TOP_SORT_TOTAL 0
#define TOP_SORT_NAME (TS_LAST + 1)

struct top_view {
	enum top_screen screen;
	enum group_by by;          /* asked for (a frame may still have another) */
	int sort;
	size_t sel, scroll;        /* groups table: selected row, first shown */
	size_t line;               /* group, evidence, help screens: first line */
	double interval;
	bool paused;
	bool waiting;              /* a change not collected yet */
	bool utf8;                 /* sparklines in block characters */
	bool batch;                /* no selection, no key line, rows as needed */
	size_t top_n;              /* batch: group rows shown */
	const char *netns;         /* the namespace's label, or NULL */
	char filter_text[256];     /* the filters in force, as typed; "" none */
	bool prompting;            /* the bottom line edits @input */
	char prompt[32];           /* "filter: " */
	char input[256];
	char message[256];         /* shown on the bottom line until a key */
	bool open;                 /* a group is opened (TOP_GROUP) */
	struct group_key open_key;
	char open_name[UTIL_GROUP_NAME_MAX];
	const struct top_history *hist;
	const struct group **rows; /* the frame's groups, sorted by @sort */
	size_t nrows;
};

/* ---- layout ------------------------------------------------------------ */

struct top_layout {
	int states_y;              /* column heads; states follow */
	int nstates;
	int rates_y;
	int findings_y;            /* title; finding lines follow */
	int findings_n;
	int groups_y;              /* title, column heads; rows follow */
	int groups_n;
	int keys_y;                /* the bottom line, -1 in batch */
	int rows;                  /* rows used */
};

#define TOP_MIN_ROWS 20
#define TOP_MIN_COLS 60

/**
 * top_layout() - place the main screen's panes on @rows rows (0: batch, as
 * many as needed, with @ngroups rows of groups). The states take @nstates
 * rows; the findings get one row each but at most a third of what is left
 * (at least one); the groups table the rest. Returns 0, or -1 if @rows is
 * below TOP_MIN_ROWS.
 */
int top_layout(int rows, int nstates, size_t nfindings, size_t ngroups,
	       struct top_layout *l);

/* ---- the view ---------------------------------------------------------- */

/* Sort @n groups of @s by @sort (ties: total, then name). */
void top_sort_groups(const struct snapshot *s, const struct group **rows, size_t n,
		     int sort);

/* The next sort key after @sort: total, the states some group has, name. */
int top_sort_next(const struct snapshot *s, int sort);

/* "TOTAL", "CLOSE-WAIT", "NAME": a sort key for people. */
const char *top_sort_name(int sort);

/* Whether rule state / finding severity makes a state's level. */
enum top_level top_state_level(const struct top_frame *f, const struct top_history *h,
			       unsigned int state);

/* Rates per second of the counters line; false if unknown (first frame). */
bool top_rate(const struct top_frame *f, int which, double *v);
enum { TOP_RATE_OVERFLOWS, TOP_RATE_RESETS, TOP_RATE_RSTS_OUT, TOP_RATE_RETRANS,
       TOP_RATE_ABORTS, TOP_NRATES };

/* Lines of the screen other than the main one (help, evidence, group). */
size_t top_screen_lines(const struct top_view *v, const struct top_frame *f, int cols);

/**
 * top_draw() - draw @v over @f (NULL: nothing collected yet) on @c. In batch
 * mode @c must have top_frame_rows() rows.
 */
void top_draw(struct top_canvas *c, const struct top_view *v, const struct top_frame *f);

/* Rows a batch frame of @f needs. */
int top_frame_rows(const struct top_view *v, const struct top_frame *f);

/* The rows of the groups table visible on a screen of @rows rows (for
 * scrolling: PgUp/PgDn move by this much). */
int top_group_rows_visible(const struct top_view *v, const struct top_frame *f, int rows);

/* The number of states shown: CLOSE only when it was asked for. */
int top_nstates(const struct snapshot *s);

#endif

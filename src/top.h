/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * top.h - `tcpdx top`: the live view of TCP states, their trend, the
 * findings and the sockets by group. Owns the refresh loop, the keys, the
 * collector and the terminal; top_draw.c draws, top_history.c remembers.
 * Called by main once options are parsed and the namespace entered.
 *
 * The loop is htop's, strict: collect -> update -> draw. Drawing reads a
 * finished frame and never touches the kernel.
 *
 * Threads. Collecting 100,000 sockets takes tens of milliseconds, and the
 * owner lookup (the /proc walk) a third of a second; the keys must not wait
 * for either. A worker thread collects, the UI thread reads keys and draws:
 *  - the worker owns everything left of the snapshot (the netlink socket,
 *    the owner table, the previous counters); it takes a copy of the UI's
 *    request (filters, grouping, the opened group) under a mutex, collects
 *    without any lock into a new frame, and hands the finished frame over in
 *    a one-slot mailbox (an unread frame is replaced, so memory stays two
 *    frames), then writes a byte to a pipe;
 *  - the UI thread poll()s the terminal and that pipe: a key is handled at
 *    once, whatever the worker is doing; a new frame is taken, the history
 *    and the sorted group rows updated (the update step), and drawn.
 * A thread rather than a collector process: a frame holds pointers (groups,
 * listeners, names) that a process would have to serialise through a pipe,
 * and the worker inherits the network namespace main entered; nothing in
 * libtcpdx keeps static state. SIGINT, SIGTERM and SIGWINCH are blocked in
 * the worker, so they interrupt the UI's poll(): ncurses turns SIGWINCH into
 * KEY_RESIZE, the others end the loop, and the terminal is restored on every
 * way out (q, a signal, a collection error, and exit() through atexit).
 * Batch mode (-b) needs neither: it collects, updates and prints plain
 * frames in one thread, and works without ncursesw.
 *
 * What is collected per refresh, for the cost at 100,000 sockets:
 *  - one sock_diag dump per family with the filters (kernel-side), without
 *    INET_DIAG_INFO (tcp_info is a third of the kernel's time): asked for
 *    only while a group is open, whose sockets show idle times. Each dump
 *    walks the kernel's whole hash tables, so a family that has no socket
 *    now (sockstat's inuse for it and tw both 0) is not dumped at all;
 *  - the sysctls and counters (a few small /proc files); the rates are the
 *    counters' change since the previous refresh, so nothing sleeps;
 *  - owners (the /proc/PID/fd walk) only when grouping by process or a
 *    --pid/--comm filter needs them, and then the table is kept for
 *    TOP_OWNERS_MIN_AGE seconds, or longer when the walk is slow: 20 times
 *    what the last walk took, so walking costs at most TOP_OWNERS_BUDGET
 *    of a core (at 100,000 sockets a walk takes 0.4 to 0.9 s: every 8 to
 *    18 s). Sockets opened since the last walk have no owner in the table:
 *    when their number grows, the walk comes sooner, after a fifth of
 *    that (at least 1 s, at most 20 % of a core while they keep coming).
 *  - the process gives up CAP_NET_ADMIN in its effective set: with it the
 *    kernel adds marks, cgroup ids and MD5/ULP attributes to every reply
 *    (about 10 % of its time at 100,000 sockets), which top never shows.
 */
#ifndef TCPDX_TOP_H
#define TCPDX_TOP_H

#include <stdbool.h>
#include <stddef.h>

#include "filter.h"
#include "groups.h"
#include "rules.h"

#define TOP_OWNERS_MIN_AGE 5.0   /* seconds an owner table is kept, at least */
#define TOP_OWNERS_BUDGET 0.05   /* share of a core the owner walks may take */
#define TOP_INTERVAL_MIN 0.01
#define TOP_INTERVAL_MAX 3600.0

struct top_opts {
	struct filter filter;        /* the command line's filters */
	char filter_text[256];       /* the same as typed, for the header and "/" */
	struct thresholds th;
	enum group_by by;            /* the first grouping (GROUP_NONE: lport) */
	double interval;             /* seconds between refreshes */
	unsigned long iterations;    /* refreshes before quitting; 0: until q */
	bool batch;                  /* -b: plain frames to stdout */
	bool color;                  /* colours allowed (--color, NO_COLOR) */
	size_t top_n;                /* batch: group rows per frame */
	const char *netns;           /* the namespace's label, or NULL */
	const struct sysctls *globals; /* the initial namespace's, or NULL */
	const char *proc_root;       /* TCPDX_PROC_ROOT, or NULL */
};

/**
 * top_run() - run the view until q, a signal, or @o->iterations refreshes.
 * Returns the exit status: 0, 1 for a runtime error (collection, writing),
 * 2 when the interactive view is impossible (no terminal, or built without
 * ncursesw), with a one-line message on stderr pointing to -b.
 */
int top_run(const struct top_opts *o);

/* ---- pure helpers, for main and the unit tests ---------------------------- */

/* Keys after the terminal layer: printable characters as themselves. */
enum top_key {
	TK_UP = 0x110000, TK_DOWN, TK_PGUP, TK_PGDN, TK_HOME, TK_END, TK_ENTER,
	TK_ESC, TK_BACKSPACE, TK_RESIZE,
};

/**
 * top_filter_parse() - the filters typed after "/", in the command line's
 * syntax: --state LIST, --sport/--dport PORTS, --src/--dst PREFIXES, --pid,
 * --comm, --uid, -4, -6 (--opt=VALUE works too), separated by blanks. @out
 * is initialised here. An empty line is no filter. Returns 0, or -EINVAL
 * with a one-line message in @err.
 */
int top_filter_parse(const char *line, struct filter *out, char *err, size_t errlen);

/* The refresh interval one step longer (@dir > 0) or shorter than @cur. */
double top_interval_step(double cur, int dir);

/* How long an owner table that took @cost seconds to make is kept; shorter
 * when sockets it does not know have appeared (@new_unknown). */
double top_owners_max_age(double cost, bool new_unknown);

/* Parse a number of seconds within TOP_INTERVAL_MIN..MAX; false if not. */
bool top_interval_parse(const char *s, double *out);

#endif

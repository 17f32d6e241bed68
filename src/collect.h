/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * collect.h - one pass from the kernel (or a recording) into a snapshot.
 *
 * Runs one sock_diag dump per address family asked for, parses each reply,
 * drops repeats and fills the snapshot as messages stream in; no socket is
 * kept. The only caller is main; the snapshot it fills is what every
 * renderer reads.
 */
#ifndef TCPDX_COLLECT_H
#define TCPDX_COLLECT_H

#include <stdbool.h>
#include <stddef.h>

#include "counters.h"
#include "filter.h"
#include "snapshot.h"
#include "sysctl.h"

struct collect_opts {
	const struct filter *filter;
	const char *record;   /* write raw replies here, or NULL */
	const char *replay;   /* read raw replies from here, or NULL */
	const char *proc_root;/* NULL: /proc */
	double interval;      /* seconds between two counter reads; 0: read once */
	bool settings;        /* also read sysctls and counters */
	uint16_t port_lo, port_hi; /* ephemeral range for the snapshot; 0 0: all */
	bool owners;          /* look up owner processes (-p, or a filter needs it) */
	/* An owner table scanned earlier, used instead of a new scan when owners
	 * are needed (tcpdx top keeps one for a few refreshes); not freed here. */
	struct owners *owners_table;
	bool skip_info;       /* no tcp_info: a third cheaper for the kernel; the
			       * rules then lack idle times and windows (top) */
	/* Settings read in the initial namespace: the global ones (tcp_max_orphans,
	 * tcp_mem) are taken from here when the current namespace lacks them. */
	const struct sysctls *globals;
	enum group_by by;     /* count sockets per group too (--by) */
	/* Called for every socket that passes the filters, after the snapshot
	 * counted it (tcpdx list). @pid is the owner it was attributed to. */
	int (*each)(const struct tcp_sock *sk, const struct owner *o, uint32_t pid,
		    const struct snapshot *snap, void *data);
	void *each_data;
};

/* One pass: the sockets, the settings they are judged against, the counters. */
struct collected {
	struct snapshot snap;
	struct sysctls sys;
	struct counters before, after;
	double interval;      /* measured between the reads; 0 if read once */
	bool have_settings;   /* sys and counters were read (not for a bare replay) */
};

/**
 * collect_snapshot() - fill @snap (initialised here; free with
 * snapshot_free() also on error).
 *
 * Returns 0, or -errno with a one-line message in @err saying what failed.
 */
int collect_snapshot(const struct collect_opts *o, struct snapshot *snap, char *err,
		     size_t errlen);

/**
 * collect_all() - settings, counters (twice, @o->interval apart, the dump in
 * between), and the snapshot. With a replay, settings and counters are read
 * from @o->proc_root only if given (they were not recorded). Free with
 * snapshot_free(&c->snap), also on error. Returns 0 or -errno with @err set.
 */
int collect_all(const struct collect_opts *o, struct collected *c, char *err, size_t errlen);

#endif

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

#include <stddef.h>

#include "filter.h"
#include "snapshot.h"

struct collect_opts {
	const struct filter *filter;
	const char *record;   /* write raw replies here, or NULL */
	const char *replay;   /* read raw replies from here, or NULL */
};

/**
 * collect_snapshot() - fill @snap (initialised here; free with
 * snapshot_free() also on error).
 *
 * Returns 0, or -errno with a one-line message in @err saying what failed.
 */
int collect_snapshot(const struct collect_opts *o, struct snapshot *snap, char *err,
		     size_t errlen);

#endif

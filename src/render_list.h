/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_list.h - `tcpdx list`: one line (or one JSON object) per socket.
 *
 * Streams: each socket is written as it comes and nothing is kept, so memory
 * does not grow with the number of sockets; only --sort holds the records
 * (compact ones, without tcp_info). Owns the list writer. Text from outside
 * (process names) is escaped. Called by main through collect's per-socket
 * callback.
 */
#ifndef TCPDX_RENDER_LIST_H
#define TCPDX_RENDER_LIST_H

#include <stdbool.h>
#include <stdio.h>

#include "owners.h"
#include "snapshot.h"
#include "sock.h"

enum list_format { LIST_TEXT, LIST_JSON, LIST_NDJSON };
enum list_sort { SORT_NONE, SORT_STATE, SORT_QUEUE, SORT_PEER, SORT_OWNER };

struct list_writer;

/* "state", "queue", "peer", "owner" -> enum; SORT_NONE if unknown. */
enum list_sort render_list_sort_parse(const char *word);

/**
 * render_list_begin() - start a listing on @f.
 * @owners: an owner column (the owner lookup was done)
 * @wide: IPv6 addresses are possible (wider address columns)
 */
struct list_writer *render_list_begin(FILE *f, enum list_format fmt, enum list_sort sort,
				      bool owners, bool wide);

/* One socket (a collect callback): written now, or kept if sorting.
 * Returns 0, or -EIO if writing failed. */
int render_list_socket(const struct tcp_sock *sk, const struct owner *o, uint32_t pid,
		       const struct snapshot *snap, void *writer);

/* Sort and write what was kept, close the JSON array, free the writer.
 * Returns 0 or -1 if writing failed. */
int render_list_end(struct list_writer *w, const struct snapshot *snap);

#endif

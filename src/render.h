/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render.h - the output formats of a snapshot, behind one interface.
 *
 * Each renderer is a pure function of a const snapshot that writes to a
 * FILE*; none collects anything. main picks one by the --json option.
 * Return 0, or -1 if writing failed.
 */
#ifndef TCPDX_RENDER_H
#define TCPDX_RENDER_H

#include <stdio.h>

#include "snapshot.h"

/* The state table and the listeners with queued connections. */
int render_text(FILE *f, const struct snapshot *s);

/* One JSON document (schema_version 1, documented in tcpdx(8)). */
int render_json(FILE *f, const struct snapshot *s);

#endif

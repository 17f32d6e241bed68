/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render.h - the output formats of a report, behind one interface.
 *
 * A report is everything one run found: the snapshot, the settings and
 * counters it was judged against, and the findings. Each renderer is a pure
 * function of a const report that writes to a FILE*; none collects anything.
 * main picks one by --json or the check command. Return 0, or -1 if writing
 * failed.
 */
#ifndef TCPDX_RENDER_H
#define TCPDX_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "counters.h"
#include "rules.h"
#include "snapshot.h"
#include "sysctl.h"

struct report {
	const struct snapshot *snap;
	const struct sysctls *sys;        /* NULL: not read (e.g. a replay) */
	const struct counters *before;    /* NULL: not sampled */
	const struct counters *after;     /* NULL: not read */
	double interval;                  /* seconds between the reads */
	const struct findings *findings;  /* NULL: no diagnosis */
	enum severity worst;
	bool color;                       /* ANSI colours in text */
	size_t top;                       /* groups shown (--top); the rest summed */
	const char *netns;                /* the namespace's label, or NULL */
};

/* A group's name: "java/4321", "(kernel)", "8080", "10.0.0.1:5432", "10.0.0.1". */
char *render_group_name(const struct snapshot *s, const struct group *g, char *buf,
			size_t len);

/* A report with only a snapshot (no settings, counters or findings). */
static inline struct report render_snapshot_only(const struct snapshot *s)
{
	struct report r = { .snap = s };

	return r;
}

/* The state table, listeners with queued connections, the four key settings
 * and the findings, most severe first. */
int render_text(FILE *f, const struct report *r);

/* One JSON document (schema_version 1, documented in tcpdx(8)). */
int render_json(FILE *f, const struct report *r);

/* Every namespace's report, then @total (counts summed; no findings). */
int render_json_all(FILE *f, const struct report *r, size_t n, const struct report *total);

/* The monitoring-plugin line: "TCPDX WARNING - ... | perfdata". */
int render_check(FILE *f, const struct report *r);

/* One line for several namespaces: the worst one's finding, labelled, and
 * the perfdata of @total. */
int render_check_all(FILE *f, const struct report *r, size_t n, const struct report *total);

/* The settings always shown, in order. */
extern const enum sysctl_id render_key_settings[4];

#endif

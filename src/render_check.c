// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The monitoring-plugin format (Nagios/Icinga/Sensu/Checkmk): one line,
 * "TCPDX STATUS - text | perfdata", where perfdata is 'label'=value pairs.
 * main maps the worst severity to the exit code (0 OK, 1 WARNING,
 * 2 CRITICAL, 3 UNKNOWN).
 */
#include <inttypes.h>

#include "render.h"
#include "states.h"

static const char *status_word(enum severity s)
{
	return s >= SEV_CRITICAL ? "CRITICAL" : s == SEV_WARNING ? "WARNING" : "OK";
}

/* A summary may not contain '|', which starts the perfdata. */
static void put_plain(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '|' ? '/' : (unsigned char)*s < 0x20 ? ' ' : *s, f);
}

static unsigned int problems(const struct report *r)
{
	unsigned int i, n = 0;

	for (i = 0; r->findings && i < r->findings->n; i++)
		n += r->findings->f[i].severity >= SEV_WARNING;
	return n;
}

/* The first problem of @r, or nothing; returns 1 if one was written. */
static unsigned int first_problem(FILE *f, const struct report *r)
{
	const struct findings *fs = r->findings;
	unsigned int i;

	for (i = 0; fs && i < fs->n; i++) {
		if (fs->f[i].severity < SEV_WARNING)
			continue;
		if (r->netns) {
			fputc('[', f);
			put_plain(f, r->netns);
			fputs("] ", f);
		}
		fprintf(f, "%s: ", fs->f[i].id);
		put_plain(f, fs->f[i].summary);
		return 1;
	}
	return 0;
}

static void perfdata(FILE *f, const struct snapshot *s)
{
	unsigned int st;

	fputs(" |", f);
	for (st = TS_FIRST; st <= TS_LAST; st++)
		if (states_queried(s->states, st))
			fprintf(f, " %s=%" PRIu64, states_json_key(st), snapshot_state_total(s, st));
	fputc('\n', f);
}

int render_check_all(FILE *f, const struct report *r, size_t n, const struct report *total)
{
	unsigned int all = 0, shown = 0;
	size_t i, worst = 0;

	for (i = 0; i < n; i++) {
		all += problems(&r[i]);
		if (r[i].worst > r[worst].worst)
			worst = i;
	}
	fprintf(f, "TCPDX %s - ", status_word(total->worst));
	if (!all)
		fprintf(f, "%" PRIu64 " TCP %s in %zu namespaces, no problems found",
			snapshot_total(total->snap),
			snapshot_total(total->snap) == 1 ? "socket" : "sockets", n);
	else
		shown = first_problem(f, &r[worst]);
	if (all > shown)
		fprintf(f, " (+%u more)", all - shown);
	perfdata(f, total->snap);
	return ferror(f) ? -1 : 0;
}

int render_check(FILE *f, const struct report *r)
{
	unsigned int all = problems(r), shown = 0;

	fprintf(f, "TCPDX %s - ", status_word(r->worst));
	if (!all)
		fprintf(f, "%" PRIu64 " TCP %s, no problems found", snapshot_total(r->snap),
			snapshot_total(r->snap) == 1 ? "socket" : "sockets");
	else
		shown = first_problem(f, r);
	if (all > shown)
		fprintf(f, " (+%u more)", all - shown);
	perfdata(f, r->snap);
	return ferror(f) ? -1 : 0;
}

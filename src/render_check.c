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

int render_check(FILE *f, const struct report *r)
{
	const struct findings *fs = r->findings;
	unsigned int i, shown = 0, problems = 0, st;

	fprintf(f, "TCPDX %s - ", status_word(r->worst));
	for (i = 0; fs && i < fs->n; i++)
		problems += fs->f[i].severity >= SEV_WARNING;
	if (!problems)
		fprintf(f, "%" PRIu64 " TCP %s, no problems found", snapshot_total(r->snap),
			snapshot_total(r->snap) == 1 ? "socket" : "sockets");
	for (i = 0; fs && i < fs->n && shown < 1; i++) {
		if (fs->f[i].severity < SEV_WARNING)
			continue;
		fprintf(f, "%s: ", fs->f[i].id);
		put_plain(f, fs->f[i].summary);
		shown++;
	}
	if (problems > shown)
		fprintf(f, " (+%u more)", problems - shown);
	fputs(" |", f);
	for (st = TS_FIRST; st <= TS_LAST; st++)
		if (states_queried(r->snap->states, st))
			fprintf(f, " %s=%" PRIu64, states_json_key(st),
				snapshot_state_total(r->snap, st));
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}

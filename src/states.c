// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <string.h>

#include "states.h"
#include "util.h"

struct state_names {
	const char *name;
	const char *kernel;
	const char *json;
	const char *alias[3];
};

static const struct state_names names[TS_LAST + 1] = {
	[TS_ESTABLISHED] = { .name = "ESTABLISHED", .kernel = "ESTABLISHED",
			     .json = "established", .alias = { "estab" } },
	[TS_SYN_SENT] = { .name = "SYN-SENT", .kernel = "SYN_SENT", .json = "syn_sent" },
	[TS_SYN_RECV] = { .name = "SYN-RECV", .kernel = "SYN_RECV", .json = "syn_recv",
			  .alias = { "synreceived" } },
	[TS_FIN_WAIT1] = { .name = "FIN-WAIT-1", .kernel = "FIN_WAIT1", .json = "fin_wait1" },
	[TS_FIN_WAIT2] = { .name = "FIN-WAIT-2", .kernel = "FIN_WAIT2", .json = "fin_wait2" },
	[TS_TIME_WAIT] = { .name = "TIME-WAIT", .kernel = "TIME_WAIT", .json = "time_wait" },
	[TS_CLOSE] = { .name = "CLOSE", .kernel = "CLOSE", .json = "close",
		       .alias = { "closed", "unconn" } },
	[TS_CLOSE_WAIT] = { .name = "CLOSE-WAIT", .kernel = "CLOSE_WAIT", .json = "close_wait" },
	[TS_LAST_ACK] = { .name = "LAST-ACK", .kernel = "LAST_ACK", .json = "last_ack" },
	[TS_LISTEN] = { .name = "LISTEN", .kernel = "LISTEN", .json = "listen",
			.alias = { "listening" } },
	[TS_CLOSING] = { .name = "CLOSING", .kernel = "CLOSING", .json = "closing" },
};

const char *states_name(unsigned int state)
{
	return state >= TS_FIRST && state <= TS_LAST ? names[state].name : "UNKNOWN";
}

const char *states_kernel_name(unsigned int state)
{
	return state >= TS_FIRST && state <= TS_LAST ? names[state].kernel : "UNKNOWN";
}

const char *states_json_key(unsigned int state)
{
	return state >= TS_FIRST && state <= TS_LAST ? names[state].json : NULL;
}

/* Lower case, without '-' and '_': the form every spelling is compared in. */
static void fold(const char *in, char *out, size_t outlen)
{
	size_t o = 0;

	for (; *in && o + 1 < outlen; in++) {
		if (*in == '-' || *in == '_')
			continue;
		out[o++] = (char)tolower((unsigned char)*in);
	}
	out[o] = '\0';
}

unsigned int states_lookup(const char *name)
{
	char want[32], have[32];
	unsigned int s, a;

	if (strlen(name) >= sizeof(want))
		return 0;
	fold(name, want, sizeof(want));
	for (s = TS_FIRST; s <= TS_LAST; s++) {
		fold(names[s].kernel, have, sizeof(have));
		if (!strcmp(want, have))
			return s;
		for (a = 0; a < ARRAY_SIZE(names[s].alias) && names[s].alias[a]; a++) {
			fold(names[s].alias[a], have, sizeof(have));
			if (!strcmp(want, have))
				return s;
		}
	}
	return 0;
}

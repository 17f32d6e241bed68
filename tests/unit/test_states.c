// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * states: the three names of each state, lookup by every accepted spelling,
 * and which states a mask queries.
 */
#include <stdio.h>
#include <string.h>

#include "states.h"
#include "tap.h"

static const struct {
	unsigned int st;
	const char *name, *kernel, *json;
} table[] = {
	{ TS_ESTABLISHED, "ESTABLISHED", "ESTABLISHED", "established" },
	{ TS_SYN_SENT, "SYN-SENT", "SYN_SENT", "syn_sent" },
	{ TS_SYN_RECV, "SYN-RECV", "SYN_RECV", "syn_recv" },
	{ TS_FIN_WAIT1, "FIN-WAIT-1", "FIN_WAIT1", "fin_wait1" },
	{ TS_FIN_WAIT2, "FIN-WAIT-2", "FIN_WAIT2", "fin_wait2" },
	{ TS_TIME_WAIT, "TIME-WAIT", "TIME_WAIT", "time_wait" },
	{ TS_CLOSE, "CLOSE", "CLOSE", "close" },
	{ TS_CLOSE_WAIT, "CLOSE-WAIT", "CLOSE_WAIT", "close_wait" },
	{ TS_LAST_ACK, "LAST-ACK", "LAST_ACK", "last_ack" },
	{ TS_LISTEN, "LISTEN", "LISTEN", "listen" },
	{ TS_CLOSING, "CLOSING", "CLOSING", "closing" },
};

static const struct {
	const char *word;
	unsigned int st;
} spellings[] = {
	{ "FIN_WAIT2", TS_FIN_WAIT2 }, { "fin-wait-2", TS_FIN_WAIT2 },
	{ "finwait2", TS_FIN_WAIT2 }, { "Fin-Wait-2", TS_FIN_WAIT2 },
	{ "FIN-WAIT-2", TS_FIN_WAIT2 }, { "fin_wait_2", TS_FIN_WAIT2 },
	{ "fin-wait2", TS_FIN_WAIT2 }, { "FiN_wAiT-2", TS_FIN_WAIT2 },
	{ "fin-wait-1", TS_FIN_WAIT1 }, { "FIN_WAIT1", TS_FIN_WAIT1 },
	{ "established", TS_ESTABLISHED }, { "ESTABLISHED", TS_ESTABLISHED },
	{ "estab", TS_ESTABLISHED }, { "ESTAB", TS_ESTABLISHED },
	{ "syn-sent", TS_SYN_SENT }, { "SYN_SENT", TS_SYN_SENT }, { "synsent", TS_SYN_SENT },
	{ "syn-recv", TS_SYN_RECV }, { "SYN_RECV", TS_SYN_RECV },
	{ "syn-received", TS_SYN_RECV }, { "SYN_RECEIVED", TS_SYN_RECV },
	{ "synreceived", TS_SYN_RECV },
	{ "time-wait", TS_TIME_WAIT }, { "TIME_WAIT", TS_TIME_WAIT }, { "timewait", TS_TIME_WAIT },
	{ "close", TS_CLOSE }, { "CLOSE", TS_CLOSE }, { "closed", TS_CLOSE },
	{ "unconn", TS_CLOSE }, { "UNCONN", TS_CLOSE },
	{ "close-wait", TS_CLOSE_WAIT }, { "CLOSE_WAIT", TS_CLOSE_WAIT },
	{ "closewait", TS_CLOSE_WAIT },
	{ "last-ack", TS_LAST_ACK }, { "LAST_ACK", TS_LAST_ACK }, { "lastack", TS_LAST_ACK },
	{ "listen", TS_LISTEN }, { "LISTEN", TS_LISTEN }, { "listening", TS_LISTEN },
	{ "Listening", TS_LISTEN },
	{ "closing", TS_CLOSING }, { "CLOSING", TS_CLOSING },
};

static const char *const unknown[] = {
	"", "-", "_", "--", "foo", "fin-wait-3", "finwait", "established ", " established",
	"estab1", "establishe", "listen,", "close wait", "all", "connected", "bucket",
	"new-syn-recv", "bound-inactive", "unknown",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	"established-established-established-established",
};

int main(void)
{
	char name[128];
	size_t i;
	unsigned int good;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		snprintf(name, sizeof(name), "state %u: display name %s", table[i].st,
			 table[i].name);
		is_str(states_name(table[i].st), table[i].name, name);
		snprintf(name, sizeof(name), "state %u: kernel name %s", table[i].st,
			 table[i].kernel);
		is_str(states_kernel_name(table[i].st), table[i].kernel, name);
		snprintf(name, sizeof(name), "state %u: json key %s", table[i].st, table[i].json);
		is_str(states_json_key(table[i].st), table[i].json, name);
		/* Each of its own names looks it up. */
		good = states_lookup(table[i].name) == table[i].st &&
		       states_lookup(table[i].kernel) == table[i].st &&
		       states_lookup(table[i].json) == table[i].st;
		snprintf(name, sizeof(name), "state %u: found by all three names", table[i].st);
		ok(good, name);
	}
	is_int(TS_LAST - TS_FIRST + 1, 11, "eleven user-visible states");
	is_str(states_name(0), "UNKNOWN", "state 0: UNKNOWN");
	is_str(states_name(TS_NEW_SYN_RECV), "UNKNOWN", "state 12: UNKNOWN");
	is_str(states_name(TS_BOUND_INACTIVE), "UNKNOWN", "state 13: UNKNOWN");
	is_str(states_name(~0u), "UNKNOWN", "state ~0: UNKNOWN");
	is_str(states_kernel_name(0), "UNKNOWN", "kernel name of 0: UNKNOWN");
	is_str(states_kernel_name(12), "UNKNOWN", "kernel name of 12: UNKNOWN");
	ok(states_json_key(0) == NULL, "json key of 0: NULL");
	ok(states_json_key(12) == NULL && states_json_key(13) == NULL &&
	   states_json_key(255) == NULL, "json key of 12, 13, 255: NULL");

	for (i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		snprintf(name, sizeof(name), "lookup '%s': %u", spellings[i].word,
			 spellings[i].st);
		is_int(states_lookup(spellings[i].word), spellings[i].st, name);
	}
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		snprintf(name, sizeof(name), "lookup '%.40s': unknown (0)", unknown[i]);
		is_int(states_lookup(unknown[i]), 0, name);
	}

	/* Masks. */
	is_u64(STATES_DEFAULT_MASK, 0xffe, "default mask: states 1..11");
	is_u64(STATES_ALL_MASK, 0x2ffe, "all mask: 1..11 and bit 13");
	is_u64(STATE_BIT(TS_LISTEN), 1u << 10, "STATE_BIT(LISTEN) is 1 << 10");
	ok(!states_queried(STATES_DEFAULT_MASK, TS_CLOSE),
	   "default mask: close not queried (needs bit 13)");
	ok(!states_queried(STATE_BIT(TS_CLOSE), TS_CLOSE), "bit 7 alone: close not queried");
	ok(states_queried(STATE_BIT(TS_BOUND_INACTIVE), TS_CLOSE), "bit 13: close queried");
	ok(states_queried(STATES_ALL_MASK, TS_CLOSE), "all mask: close queried");
	for (i = TS_FIRST, good = 0; i <= TS_LAST; i++) {
		if (i == TS_CLOSE)
			continue;
		good += states_queried(STATES_DEFAULT_MASK, (unsigned int)i) &&
			states_queried(STATE_BIT(i), (unsigned int)i) &&
			!states_queried(STATES_ALL_MASK & ~STATE_BIT(i), (unsigned int)i);
	}
	is_int(good, 10, "every other state: queried exactly by its own bit");
	return done_testing();
}

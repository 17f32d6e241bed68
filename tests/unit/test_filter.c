// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter: --state words and groups to the idiag_states mask (checked against
 * ss's definitions), errors, unions, and filter_match on replayed sockets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter.h"
#include "states.h"
#include "tap.h"
#include "util.h"

#define B(s) (1u << (s))
/* ss(8) STATE-FILTER, in tcpdx's terms: "all" is the eleven states plus
 * bound-only sockets (bit 13, which is how CLOSE is asked for). */
#define ALL (0xffeu | B(13))
#define CONNECTED (0xffeu & ~(B(TS_LISTEN) | B(TS_CLOSE)))  /* all but listen, close */
#define SYNCHRONIZED (CONNECTED & ~B(TS_SYN_SENT))         /* connected but syn-sent */
#define BUCKET (B(TS_SYN_RECV) | B(TS_TIME_WAIT))          /* the minisocket states */
#define BIG (ALL & ~BUCKET)                                /* all but bucket */

/* The mask one --state list gives on a fresh filter, or 0 on error. */
static uint32_t mask_of(const char *list)
{
	struct filter f;
	char err[512];

	filter_init(&f);
	if (filter_add_states(&f, list, err, sizeof(err)))
		return 0;
	return filter_state_mask(&f);
}

static void test_words(void)
{
	static const struct {
		const char *list;
		uint32_t mask;
	} cases[] = {
		{ "established", B(1) }, { "estab", B(1) }, { "ESTABLISHED", B(1) },
		{ "syn-sent", B(2) }, { "syn-recv", B(3) }, { "syn-received", B(3) },
		{ "SYN_RECV", B(3) },
		{ "fin-wait-1", B(4) }, { "FIN_WAIT2", B(5) }, { "fin-wait-2", B(5) },
		{ "finwait2", B(5) }, { "Fin-Wait-2", B(5) },
		{ "time-wait", B(6) }, { "close-wait", B(8) }, { "last-ack", B(9) },
		{ "listen", B(10) }, { "listening", B(10) }, { "closing", B(11) },
		/* close needs bit 13 (TCP_BOUND_INACTIVE) to return anything */
		{ "close", B(7) | B(13) }, { "closed", B(7) | B(13) }, { "unconn", B(7) | B(13) },
		{ "CLOSE", B(7) | B(13) },
		{ "all", ALL }, { "ALL", ALL }, { "connected", CONNECTED },
		{ "Connected", CONNECTED }, { "synchronized", SYNCHRONIZED }, { "bucket", BUCKET },
		{ "big", BIG },
		{ "close-wait,fin-wait-2", B(8) | B(5) },
		{ "established,,listen", B(1) | B(10) },
		{ "listen,", B(10) }, { ",listen", B(10) },
		{ "bucket,listen", BUCKET | B(10) },
		{ "big,bucket", ALL },
		{ "established,established", B(1) },
	};
	char name[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(name, sizeof(name), "--state %s: mask 0x%x", cases[i].list,
			 (unsigned int)cases[i].mask);
		is_u64(mask_of(cases[i].list), cases[i].mask, name);
	}
	/* The groups, spelled out as ss(8) does. */
	is_u64(ALL, 0x2ffe, "all = 0x2ffe");
	is_u64(CONNECTED, 0xb7e, "connected = 0xb7e: no listen, no close, no bit 13");
	ok(CONNECTED & B(TS_TIME_WAIT) && CONNECTED & B(TS_SYN_RECV) &&
	   CONNECTED & B(TS_SYN_SENT), "connected includes time-wait, syn-recv, syn-sent");
	is_u64(SYNCHRONIZED, 0xb7a, "synchronized = 0xb7a");
	is_u64(BUCKET, 0x48, "bucket = 0x48");
	is_u64(BIG, 0x2fb6, "big = 0x2fb6: includes listen and close (bound-only)");
}

static void test_default_and_union(void)
{
	struct filter f;
	char err[256];

	filter_init(&f);
	is_int(f.families, FILTER_V4 | FILTER_V6, "init: both families");
	is_u64(f.states, 0, "init: states not set");
	is_u64(filter_state_mask(&f), 0xffe, "default mask: 0xffe (no bound-only walk)");
	is_int(filter_add_states(&f, "established", err, sizeof(err)), 0, "add established: 0");
	is_u64(filter_state_mask(&f), B(1), "first --state replaces the default");
	is_int(filter_add_states(&f, "listen", err, sizeof(err)), 0, "add listen: 0");
	is_u64(filter_state_mask(&f), B(1) | B(10), "second --state adds (union)");
	filter_add_states(&f, "bucket,listen", err, sizeof(err));
	is_u64(filter_state_mask(&f), B(1) | B(10) | BUCKET, "third --state adds a group");
	filter_add_states(&f, "close", err, sizeof(err));
	is_u64(filter_state_mask(&f), B(1) | B(10) | BUCKET | B(7) | B(13), "close adds bit 13");
}

static void test_errors(void)
{
	static const char *const bad[] = { "foo", "established,foo", "fin-wait-3",
					   "all,bogus", "new-syn-recv" };
	static const char *const empty[] = { "", ",", ",,," };
	struct filter f;
	char err[512], name[128], small[16];
	size_t i;
	const char *word;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		filter_init(&f);
		filter_add_states(&f, "listen", err, sizeof(err));
		strcpy(err, "untouched");
		snprintf(name, sizeof(name), "--state %s: -EINVAL", bad[i]);
		is_int(filter_add_states(&f, bad[i], err, sizeof(err)), -EINVAL, name);
		word = strrchr(bad[i], ',') ? strrchr(bad[i], ',') + 1 : bad[i];
		snprintf(name, sizeof(name), "'%s'", word);
		has_str(err, name, "the message names the bad word, quoted");
		has_str(err, "accepted: established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, "
			"time-wait, close, close-wait, last-ack, listen, closing",
			"the message lists the states");
		has_str(err, "all, connected, synchronized, bucket, big",
			"the message lists the groups");
		ok(!strchr(err, '\n'), "the message is one line");
		is_u64(filter_state_mask(&f), B(10), "a bad list changes nothing");
	}
	filter_init(&f);
	filter_add_states(&f, "foo", err, sizeof(err));
	is_str(err, "unknown state 'foo' in --state; accepted: established, syn-sent, syn-recv, "
	       "fin-wait-1, fin-wait-2, time-wait, close, close-wait, last-ack, listen, closing, "
	       "or all, connected, synchronized, bucket, big", "the whole message for 'foo'");
	is_u64(filter_state_mask(&f), 0xffe, "after an error the default still applies");

	for (i = 0; i < ARRAY_SIZE(empty); i++) {
		filter_init(&f);
		strcpy(err, "untouched");
		snprintf(name, sizeof(name), "--state '%s': -EINVAL", empty[i]);
		is_int(filter_add_states(&f, empty[i], err, sizeof(err)), -EINVAL, name);
		has_str(err, "accepted: established,",
			"an empty list: the message lists the states");
		lacks_str(err, "untouched", "an empty list: the message is written");
		is_u64(f.states, 0, "an empty list: nothing set");
	}

	/* A short error buffer is cut, still terminated. */
	filter_init(&f);
	memset(small, 'x', sizeof(small));
	is_int(filter_add_states(&f, "nonsense", small, sizeof(small)), -EINVAL,
	       "small error buffer: -EINVAL");
	ok(memchr(small, '\0', sizeof(small)) != NULL, "small error buffer: terminated");
	ok(!strncmp(small, "unknown state", 13), "small error buffer: the start of the message");

	/* Every word the message offers is accepted. */
	{
		char *copy = xstrdup(filter_state_words), *save = NULL, *w;
		unsigned int n = 0, good = 0;

		for (w = strtok_r(copy, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
			if (!strcmp(w, "or"))
				continue;
			n++;
			good += mask_of(w) != 0;
		}
		free(copy);
		is_int(n, 16, "filter_state_words: 11 states and 5 groups");
		is_int(good, n, "filter_state_words: every one of them is accepted");
	}
}

static void test_match(void)
{
	struct filter f;
	struct tcp_sock s;
	char err[256];

	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	s.state = TS_ESTABLISHED;
	filter_init(&f);
	ok(filter_match(&f, &s), "default: v4 established matches");
	s.family = AF_INET6;
	ok(filter_match(&f, &s), "default: v6 established matches");
	f.families = FILTER_V4;
	ok(!filter_match(&f, &s), "-4: v6 does not match");
	s.family = AF_INET;
	ok(filter_match(&f, &s), "-4: v4 matches");
	f.families = FILTER_V6;
	ok(!filter_match(&f, &s), "-6: v4 does not match");

	filter_init(&f);
	s.state = TS_CLOSE;
	ok(!filter_match(&f, &s), "default: close (bound-only) does not match");
	filter_add_states(&f, "close", err, sizeof(err));
	ok(filter_match(&f, &s), "--state close: close matches");
	s.state = TS_ESTABLISHED;
	ok(!filter_match(&f, &s), "--state close: established does not match");

	filter_init(&f);
	filter_add_states(&f, "all", err, sizeof(err));
	s.state = TS_CLOSE;
	ok(filter_match(&f, &s), "--state all: close matches");

	filter_init(&f);
	filter_add_states(&f, "connected", err, sizeof(err));
	s.state = TS_LISTEN;
	ok(!filter_match(&f, &s), "--state connected: listen does not match");
	s.state = TS_TIME_WAIT;
	ok(filter_match(&f, &s), "--state connected: time-wait matches");
	s.state = TS_CLOSE;
	ok(!filter_match(&f, &s), "--state connected: close does not match");

	filter_init(&f);
	filter_add_states(&f, "fin-wait-2", err, sizeof(err));
	s.state = TS_FIN_WAIT2;
	s.kind = SK_TIMEWAIT;
	ok(filter_match(&f, &s), "--state fin-wait-2: a fin-wait-2 minisock matches");
	s.state = TS_TIME_WAIT;
	ok(!filter_match(&f, &s), "--state fin-wait-2: time-wait does not");
}

int main(void)
{
	test_words();
	test_default_and_union();
	test_errors();
	test_match();
	return done_testing();
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <sys/socket.h>

#include "filter.h"
#include "states.h"
#include "util.h"

#define BUCKET (STATE_BIT(TS_SYN_RECV) | STATE_BIT(TS_TIME_WAIT))
#define CONNECTED (STATES_DEFAULT_MASK & ~(STATE_BIT(TS_LISTEN) | STATE_BIT(TS_CLOSE)))

/* ss's state groups (ss(8), "STATE-FILTER"). */
static const struct {
	const char *name;
	uint32_t mask;
} groups[] = {
	{ "all", STATES_ALL_MASK },
	{ "connected", CONNECTED },
	{ "synchronized", CONNECTED & ~STATE_BIT(TS_SYN_SENT) },
	{ "bucket", BUCKET },
	{ "big", STATES_ALL_MASK & ~BUCKET },
};

const char filter_state_words[] =
	"established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait, close, "
	"close-wait, last-ack, listen, closing, or all, connected, synchronized, bucket, big";

void filter_init(struct filter *f)
{
	f->families = FILTER_V4 | FILTER_V6;
	f->states = 0;
}

static uint32_t word_mask(const char *w)
{
	unsigned int s, i;

	for (i = 0; i < ARRAY_SIZE(groups); i++)
		if (!strcasecmp(w, groups[i].name))
			return groups[i].mask;
	s = states_lookup(w);
	if (s == TS_CLOSE)
		return STATE_BIT(TS_CLOSE) | STATE_BIT(TS_BOUND_INACTIVE);
	return s ? STATE_BIT(s) : 0;
}

int filter_add_states(struct filter *f, const char *list, char *err, size_t errlen)
{
	char *copy = xstrdup(list), *save = NULL, *w;
	uint32_t mask = 0, m;
	int ret = 0;

	for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		m = word_mask(w);
		if (!m) {
			snprintf(err, errlen, "unknown state '%s' in --state; accepted: %s",
				 w, filter_state_words);
			ret = -EINVAL;
			goto out;
		}
		mask |= m;
	}
	if (!mask) {
		snprintf(err, errlen, "--state needs at least one state; accepted: %s",
			 filter_state_words);
		ret = -EINVAL;
		goto out;
	}
	f->states |= mask;
out:
	free(copy);
	return ret;
}

uint32_t filter_state_mask(const struct filter *f)
{
	return f->states ? f->states : STATES_DEFAULT_MASK;
}

bool filter_match(const struct filter *f, const struct tcp_sock *s)
{
	unsigned int fam = s->family == AF_INET ? FILTER_V4 : FILTER_V6;

	return (f->families & fam) && states_queried(filter_state_mask(f), s->state);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * explain: every state and rule has a page, unknown topics are -ENOENT, the
 * time limits are worked out from the settings given (and unknown ones are
 * said to be unknown), changed thresholds show, the kernel's facts win over
 * folk wisdom, and nothing is wider than 80 columns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "states.h"
#include "tap.h"

static void set(struct sysctls *s, enum sysctl_id id, long long v)
{
	s->val[id].known = true;
	s->val[id].n = 1;
	s->val[id].v[0] = v;
}

static void unset(struct sysctls *s, enum sysctl_id id)
{
	memset(&s->val[id], 0, sizeof(s->val[id]));
}

/* Mainline defaults, as on the reference host (6.18). */
static void defaults(struct sysctls *s)
{
	memset(s, 0, sizeof(*s));
	set(s, SYS_TCP_SYN_RETRIES, 6);
	set(s, SYS_TCP_SYNACK_RETRIES, 5);
	set(s, SYS_TCP_MAX_ORPHANS, 131072);
	set(s, SYS_TCP_ORPHAN_RETRIES, 0);
	set(s, SYS_TCP_FIN_TIMEOUT, 60);
	set(s, SYS_TCP_MAX_TW_BUCKETS, 131072);
	set(s, SYS_TCP_TW_REUSE, 2);
	set(s, SYS_IP_LOCAL_PORT_RANGE, 32768);
	s->val[SYS_IP_LOCAL_PORT_RANGE].n = 2;
	s->val[SYS_IP_LOCAL_PORT_RANGE].v[1] = 60999;
	set(s, SYS_SOMAXCONN, 4096);
	set(s, SYS_TCP_MAX_SYN_BACKLOG, 2048);
	set(s, SYS_TCP_SYNCOOKIES, 1);
	set(s, SYS_TCP_ABORT_ON_OVERFLOW, 0);
	set(s, SYS_TCP_KEEPALIVE_TIME, 7200);
	set(s, SYS_TCP_KEEPALIVE_INTVL, 75);
	set(s, SYS_TCP_KEEPALIVE_PROBES, 9);
	set(s, SYS_TCP_RETRIES2, 15);
	set(s, SYS_TCP_SYN_LINEAR_TIMEOUTS, 4);
	set(s, SYS_TCP_MEM, 287901);
	s->val[SYS_TCP_MEM].n = 3;
	s->val[SYS_TCP_MEM].v[1] = 383869;
	s->val[SYS_TCP_MEM].v[2] = 575802;
	set(s, SYS_TCP_RTO_MAX_MS, 120000);
}

static struct thresholds th_default;
static struct sysctls sys_default, sys_unknown;

/* explain_topic() into a string; *ret gets its return value. Caller frees.
 * Not inlined: GCC 12 then mistakes open_memstream's buffer for a dangling
 * pointer (-Wdangling-pointer). */
static __attribute__((noinline)) char *topic(const char *word, const struct sysctls *sys, const struct thresholds *th,
		   int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	*ret = explain_topic(f, word, sys, th);
	fclose(f);
	return buf;
}

static __attribute__((noinline)) char *overview(const struct sysctls *sys, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	*ret = explain_overview(f, sys);
	fclose(f);
	return buf;
}

/* @s with each line break and the indent after it made one space, so that
 * phrases can be found wherever the text was wrapped. In place; returns @s. */
static char *flat(char *s)
{
	char *in = s, *out = s;

	if (!s)
		return s;
	while (*in) {
		if (*in == '\n') {
			while (*in == '\n' || *in == ' ')
				in++;
			*out++ = ' ';
			continue;
		}
		*out++ = *in++;
	}
	*out = '\0';
	return s;
}

/* The widest line, in bytes (the text is ASCII). */
static size_t widest(const char *s, size_t *lines)
{
	size_t w = 0, n;

	*lines = 0;
	while (*s) {
		n = strcspn(s, "\n");
		if (n > w)
			w = n;
		(*lines)++;
		s += n;
		if (*s)
			s++;
	}
	return w;
}

/* Only printable ASCII and newlines. */
static bool plain(const char *s)
{
	for (; *s; s++)
		if (*s != '\n' && (*s < 0x20 || *s > 0x7e))
			return false;
	return true;
}

static void lower(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < len; i++)
		out[i] = (char)(in[i] >= 'A' && in[i] <= 'Z' ? in[i] - 'A' + 'a' : in[i]);
	out[i] = '\0';
}

/* @word appears in explain_topics as a whole item. */
static bool listed(const char *word)
{
	const char *p = explain_topics;
	size_t n = strlen(word);

	while ((p = strstr(p, word))) {
		bool start = p == explain_topics || p[-1] == ' ';
		bool end = p[n] == '\0' || p[n] == ',';

		if (start && end)
			return true;
		p += n;
	}
	return false;
}

static void test_every_state(void)
{
	char name[64], word[32], head[80];
	unsigned int st;
	size_t w, lines;
	int ret;

	for (st = TS_FIRST; st <= TS_LAST; st++) {
		char *out = topic(states_name(st), &sys_default, &th_default, &ret);

		snprintf(name, sizeof(name), "state %s", states_name(st));
		is_int(ret, 0, name);
		snprintf(head, sizeof(head), "%s (kernel %s, state %u)\n", states_name(st),
			 states_kernel_name(st), st);
		ok(out && !strncmp(out, head, strlen(head)), "its page starts with its names");
		has_str(out, "What bounds it in time", "it says what bounds it in time");
		has_str(out, "Which side is at fault", "it says which side is at fault");
		has_str(out, "tcpdx rules", "it names the rules");
		lacks_str(out, "no such rule", "every rule it names exists");
		w = widest(out, &lines);
		if (!ok(w <= 80, "no line over 80 columns"))
			tap_diag("widest %zu", w);
		ok(lines > 15, "it has some substance");
		ok(plain(out), "plain ASCII");
		lower(states_name(st), word, sizeof(word));
		ok(listed(word), "the state is in explain_topics");
		free(out);

		out = topic(states_kernel_name(st), &sys_default, &th_default, &ret);
		ok(ret == 0 && out && !strncmp(out, head, strlen(head)),
		   "the kernel's spelling works too");
		free(out);

		out = topic(states_name(st), &sys_unknown, &th_default, &ret);
		w = widest(out, &lines);
		ok(ret == 0 && w <= 80, "with every setting unknown: 0 and 80 columns");
		free(out);
	}
}

static void test_every_rule(void)
{
	char name[96], head[96];
	size_t i, w, lines;
	int ret;

	for (i = 0; i < rules_count; i++) {
		const struct rule *r = &rules_table[i];
		char *out = topic(r->id, &sys_default, &th_default, &ret);

		snprintf(name, sizeof(name), "rule %s", r->id);
		is_int(ret, 0, name);
		snprintf(head, sizeof(head), "Rule %s: %s", r->id, r->title);
		has_str(out, head, "it has its title");
		w = widest(out, &lines);
		if (!ok(w <= 80, "no line over 80 columns"))
			tap_diag("widest %zu", w);
		ok(plain(out), "plain ASCII");
		has_str(flat(out), r->looks_at, "it says what it looks at");
		has_str(out, "Concludes", "it says what it concludes");
		has_str(out, "Which side is at fault", "it says which side is at fault");
		has_str(out, r->params[0].name, "it lists its parameters");
		has_str(out, "(default ", "with their defaults");
		ok(listed(r->id), "the rule is in explain_topics");
		/* A state's page comes first for a word that is both. */
		if (states_lookup(r->id))
			ok(strstr(out, head) && strstr(out, "(kernel ") &&
			   strstr(out, "(kernel ") < strstr(out, head),
			   "a word that is a state too: the state, then the rule");
		free(out);
	}
}

static void test_topics_list(void)
{
	char word[64];
	const char *p = explain_topics;
	bool all = true;
	size_t n, count = 0;
	int ret;

	while (*p) {
		n = strcspn(p, ", ");
		snprintf(word, sizeof(word), "%.*s", (int)n, p);
		free(topic(word, &sys_default, &th_default, &ret));
		if (ret) {
			all = false;
			tap_diag("'%s' is listed but gives %d", word, ret);
		}
		count++;
		p += n;
		p += strspn(p, ", ");
	}
	ok(all, "every word in explain_topics is accepted");
	/* 11 states plus the rules that are not also states. */
	is_int(count, 16, "explain_topics has 16 words");
}

static void test_lookup(void)
{
	char *out;
	int ret;

	out = topic("bogus", &sys_default, &th_default, &ret);
	is_int(ret, -ENOENT, "an unknown topic is -ENOENT");
	ok(out && !*out, "and prints nothing");
	free(out);
	out = topic("", &sys_default, &th_default, &ret);
	is_int(ret, -ENOENT, "an empty topic is -ENOENT");
	free(out);
	out = topic("close-waitx", &sys_default, &th_default, &ret);
	is_int(ret, -ENOENT, "a near miss is -ENOENT");
	free(out);

	out = topic("CLOSE_WAIT", &sys_default, &th_default, &ret);
	is_int(ret, 0, "CLOSE_WAIT");
	has_str(out, "Rule close-wait:", "the kernel's spelling also gets the rule");
	free(out);
	out = topic("listen", &sys_default, &th_default, &ret);
	lacks_str(out, "Rule ", "listen is a state only");
	has_str(out, "listen-overflow", "but names its rule");
	free(out);
	out = topic("orphans", &sys_default, &th_default, &ret);
	is_int(ret, 0, "orphans");
	lacks_str(out, "(kernel ", "orphans is a rule only");
	has_str(out, "None: it reads the kernel's counters", "it has no state");
	free(out);
	out = topic("TCP_MEMORY", &sys_default, &th_default, &ret);
	ok(ret == 0 && strstr(out, "Rule tcp-memory:"), "rule ids fold like states");
	free(out);
	out = topic("estab", &sys_default, &th_default, &ret);
	ok(ret == 0 && strstr(out, "ESTABLISHED (kernel"), "ss's short forms work");
	free(out);
}

/* The page of @word with @sys, checked for @want. */
static void page_has(const char *word, const struct sysctls *sys, const char *want,
		     const char *name)
{
	int ret;
	char *out = flat(topic(word, sys, &th_default, &ret));

	has_str(out, want, name);
	free(out);
}

static void page_lacks(const char *word, const struct sysctls *sys, const char *want,
		       const char *name)
{
	int ret;
	char *out = flat(topic(word, sys, &th_default, &ret));

	lacks_str(out, want, name);
	free(out);
}

static void test_syn_sent(void)
{
	struct sysctls s = sys_default;

	page_has("syn-sent", &s,
		 "connect() gives up after 131 s (tcp_syn_retries 6 + tcp_syn_linear_timeouts 4)",
		 "defaults: 131 s");
	set(&s, SYS_TCP_SYN_RETRIES, 2);
	page_has("syn-sent", &s, "after 7 s (tcp_syn_retries 2 + tcp_syn_linear_timeouts 4)",
		 "tcp_syn_retries 2: 7 s");
	set(&s, SYS_TCP_SYN_RETRIES, 6);
	unset(&s, SYS_TCP_SYN_LINEAR_TIMEOUTS);
	page_has("syn-sent", &s, "after 127 s (tcp_syn_retries 6; tcp_syn_linear_timeouts "
		 "unknown here", "an older kernel: 127 s");
	set(&s, SYS_TCP_SYN_LINEAR_TIMEOUTS, 0);
	page_has("syn-sent", &s, "after 127 s (tcp_syn_retries 6 + tcp_syn_linear_timeouts 0)",
		 "linear timeouts 0: 127 s");
	page_has("syn-sent", &sys_unknown, "tcp_syn_retries, unknown here",
		 "tcp_syn_retries unknown: said so");
	page_lacks("syn-sent", &sys_unknown, "131", "and no guessed number");
	page_has("syn-sent", NULL, "unknown here", "no settings at all: unknown");
}

static void test_syn_recv(void)
{
	struct sysctls s = sys_default;

	page_has("syn-recv", &s, "(tcp_synack_retries 5), then the request is dropped "
		 "silently after 63 s", "defaults: 63 s");
	set(&s, SYS_TCP_SYNACK_RETRIES, 3);
	page_has("syn-recv", &s, "dropped silently after 15 s", "tcp_synack_retries 3: 15 s");
	page_has("syn-recv", &s, "tcp_syncookies 1: cookies", "tcp_syncookies is explained");
	page_has("syn-recv", &sys_unknown, "tcp_synack_retries times (unknown here)",
		 "tcp_synack_retries unknown: said so");
	page_has("syn-recv", &sys_unknown, "tcp_syncookies (unknown here)",
		 "tcp_syncookies unknown: said so");
}

static void test_closing_states(void)
{
	struct sysctls s = sys_default;

	page_has("last-ack", &s, "8 unanswered resends, about 102.2 s (tcp_orphan_retries 0, "
		 "which means 8)", "tcp_orphan_retries 0 means 8: 102.2 s");
	page_has("fin-wait-1", &s, "tcp_max_orphans 131072", "tcp_max_orphans shown");
	page_has("closing", &s, "924.6 s, about 15 min (tcp_retries2 15)",
		 "open sockets: tcp_retries2 15 is 924.6 s");
	set(&s, SYS_TCP_ORPHAN_RETRIES, 3);
	page_has("last-ack", &s, "3 unanswered resends, about 3 s (tcp_orphan_retries 3)",
		 "tcp_orphan_retries 3: 3 s");
	set(&s, SYS_TCP_RTO_MAX_MS, 60000);
	page_has("closing", &s, "522.2 s", "tcp_rto_max_ms 60000 shortens tcp_retries2's time");
	page_has("fin-wait-1", &sys_unknown, "tcp_orphan_retries, unknown here",
		 "tcp_orphan_retries unknown: said so");
	page_has("fin-wait-1", &sys_unknown, "tcp_max_orphans (unknown here)",
		 "tcp_max_orphans unknown (a child namespace): said so");
}

static void test_fin_wait2(void)
{
	struct sysctls s = sys_default;

	page_has("fin-wait-2", &s, "after 60 s (tcp_fin_timeout 60", "defaults: 60 s");
	page_has("fin-wait-2", &s, "no timeout at all", "half-closed: no timeout");
	page_has("fin-wait-2", &s, "sockstat's tw counts FIN-WAIT-2 minisocks",
		 "sockstat's tw counts them: the folk rule's root");
	page_has("fin-wait-2", &s, "remote application never closed", "the remote never closed");
	set(&s, SYS_TCP_FIN_TIMEOUT, 90);
	page_has("fin-wait-2", &s, "stays a full socket (timer keepalive) for 30 s",
		 "tcp_fin_timeout 90: a full socket for 30 s first");
	page_has("fin-wait-2", &sys_unknown, "tcp_fin_timeout, unknown here",
		 "tcp_fin_timeout unknown: said so");
}

static void test_time_wait(void)
{
	struct sysctls s = sys_default;

	page_has("time-wait", &s, "the remote did close", "TIME-WAIT: the remote did close");
	page_has("time-wait", &s, "remote DID close", "said twice, loudly");
	page_has("time-wait", &s, "This host closed first", "this host closed first");
	page_has("time-wait", &s, "\"many TIME-WAIT: the remote never closed\" is wrong",
		 "the folk rule is called wrong");
	page_has("time-wait", &s, "60 s, fixed in the kernel", "60 s, fixed");
	set(&s, SYS_TCP_MAX_TW_BUCKETS, 5000);
	page_has("time-wait", &s, "tcp_max_tw_buckets 5000 caps", "tcp_max_tw_buckets's value");
	page_has("time-wait", &sys_unknown, "tcp_max_tw_buckets (unknown here)",
		 "tcp_max_tw_buckets unknown: said so");
}

static void test_other_states(void)
{
	struct sysctls s = sys_default;

	page_has("close-wait", &s, "no timer for CLOSE-WAIT", "CLOSE-WAIT: no kernel timer");
	page_has("close-wait", &s, "The local application, always.", "CLOSE-WAIT: local fault");
	page_has("established", &s, "924.6 s, about 15 min (tcp_retries2 15)",
		 "ESTABLISHED: tcp_retries2 15 is 924.6 s");
	page_has("established", &s, "7875 s, about 2.2 h (tcp_keepalive_time 7200 + "
		 "tcp_keepalive_probes 9 x tcp_keepalive_intvl 75)", "keepalive: 7875 s");
	page_has("established", &s, "only with SO_KEEPALIVE", "keepalive needs SO_KEEPALIVE");
	set(&s, SYS_TCP_RETRIES2, 8);
	page_has("established", &s, "102.2 s (tcp_retries2 8)", "tcp_retries2 8: 102.2 s");
	set(&s, SYS_TCP_KEEPALIVE_TIME, 600);
	set(&s, SYS_TCP_KEEPALIVE_PROBES, 3);
	set(&s, SYS_TCP_KEEPALIVE_INTVL, 10);
	page_has("established", &s, "630 s, about 10 min", "keepalive 600 + 3 x 10: 630 s");
	page_has("established", &sys_unknown, "tcp_retries2, unknown here",
		 "tcp_retries2 unknown: said so");
	page_has("established", &sys_unknown, "tcp_keepalive_time (unknown here)",
		 "keepalive unknown: said so");
	set(&s, SYS_SOMAXCONN, 1024);
	page_has("listen", &s, "net.core.somaxconn 1024", "LISTEN: somaxconn's value");
	page_has("listen", &sys_unknown, "net.core.somaxconn (unknown here)",
		 "somaxconn unknown: said so");
	page_has("close", &s, "bound", "CLOSE: bound-only sockets");
}

static void test_thresholds(void)
{
	struct thresholds th = th_default;
	char err[256], *out;
	int ret;

	out = flat(topic("close-wait", &sys_default, &th, &ret));
	has_str(out, "warning = 10 sockets (default 10): CLOSE-WAIT sockets",
		"the default threshold in force");
	lacks_str(out, "changed", "not marked changed");
	free(out);
	is_int(rules_threshold_set(&th, "close-wait.warning=42", err, sizeof(err)), 0,
	       "set close-wait.warning=42");
	out = flat(topic("close-wait", &sys_default, &th, &ret));
	has_str(out, "warning = 42 sockets (default 10, changed)", "a changed threshold shows");
	free(out);
	is_int(rules_threshold_set(&th, "listen-overflow.queue_warning=65", err, sizeof(err)), 0,
	       "set listen-overflow.queue_warning=65");
	out = flat(topic("listen-overflow", &sys_default, &th, &ret));
	has_str(out, "queue_warning = 65% (default 80, changed)", "percentages show as 65%");
	free(out);
	out = flat(topic("close-wait", &sys_default, NULL, &ret));
	has_str(out, "warning = 10 sockets (default 10)", "no thresholds: the defaults");
	free(out);
}

static void test_overview(void)
{
	size_t w, n, lines;
	unsigned int st;
	bool all = true;
	char *out;
	int ret;

	out = overview(&sys_default, &ret);
	is_int(ret, 0, "the overview");
	w = widest(out, &lines);
	if (!ok(w <= 80, "overview: no line over 80 columns"))
		tap_diag("widest %zu", w);
	if (!ok(lines >= 50 && lines <= 85, "overview: about one page"))
		tap_diag("%zu lines", lines);
	for (st = TS_FIRST; st <= TS_LAST; st++)
		if (!strstr(out, states_name(st)))
			all = false;
	ok(all, "overview names every state");
	has_str(out, "active open", "active open");
	has_str(out, "passive open", "passive open");
	has_str(out, "active close", "active close");
	has_str(out, "passive close", "passive close");
	has_str(out, "simultaneous close", "simultaneous close");
	has_str(out, " 8  CLOSE-WAIT  ", "one line per state, numbered");
	has_str(out, "SYN-SENT 131 s", "live limits: SYN-SENT");
	ok(plain(out), "plain ASCII");
	w = strlen(out);
	n = strlen("\ntcpdx explain STATE|RULE for details\n");
	ok(w > n && !strcmp(out + w - n, "\ntcpdx explain STATE|RULE for details\n"),
	   "it ends with the pointer to details");
	has_str(flat(out), "TIME-WAIT means the remote did close",
		"TIME-WAIT: the remote did close");
	free(out);

	out = overview(&sys_unknown, &ret);
	w = widest(out, &lines);
	ok(ret == 0 && w <= 80, "unknown settings: 0 and 80 columns");
	has_str(out, "SYN-SENT unknown", "unknown settings say unknown");
	free(out);
	out = overview(NULL, &ret);
	is_int(ret, 0, "no settings at all");
	free(out);
}

/* Big values must not widen lines or overflow buffers. */
static void test_extremes(void)
{
	struct sysctls s = sys_default;
	size_t w, lines;
	bool all = true;
	unsigned int st;
	char *out;
	int ret;

	set(&s, SYS_TCP_SYN_RETRIES, 127);
	set(&s, SYS_TCP_SYN_LINEAR_TIMEOUTS, 255);
	set(&s, SYS_TCP_SYNACK_RETRIES, 255);
	set(&s, SYS_TCP_RETRIES2, 255);
	set(&s, SYS_TCP_ORPHAN_RETRIES, 255);
	set(&s, SYS_TCP_FIN_TIMEOUT, 2147483647);
	set(&s, SYS_TCP_KEEPALIVE_TIME, 2147483647);
	set(&s, SYS_TCP_RTO_MAX_MS, 2147483647);
	for (st = TS_FIRST; st <= TS_LAST; st++) {
		out = topic(states_name(st), &s, &th_default, &ret);
		w = widest(out, &lines);
		if (ret || w > 80) {
			all = false;
			tap_diag("%s: ret %d, widest %zu", states_name(st), ret, w);
		}
		free(out);
	}
	ok(all, "extreme settings: every state still 0 and 80 columns");
	out = overview(&s, &ret);
	w = widest(out, &lines);
	ok(ret == 0 && w <= 80, "extreme settings: overview too");
	free(out);
}

static void test_write_error(void)
{
	FILE *f = fopen("/dev/null", "r");

	if (!f) {
		skip("no /dev/null");
		skip("no /dev/null");
		return;
	}
	is_int(explain_topic(f, "close-wait", &sys_default, &th_default), -EIO,
	       "a stream that cannot be written: -EIO");
	clearerr(f);
	is_int(explain_overview(f, &sys_default), -EIO, "the overview too");
	fclose(f);
}

int main(void)
{
	rules_thresholds_default(&th_default);
	defaults(&sys_default);
	memset(&sys_unknown, 0, sizeof(sys_unknown));

	test_every_state();
	test_every_rule();
	test_topics_list();
	test_lookup();
	test_syn_sent();
	test_syn_recv();
	test_closing_states();
	test_fin_wait2();
	test_time_wait();
	test_other_states();
	test_thresholds();
	test_overview();
	test_extremes();
	test_write_error();
	return done_testing();
}

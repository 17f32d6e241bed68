// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rules: every rule of rules_table on hand-built inputs (a snapshot filled
 * with constructed sockets, sysctls, two counter reads and an interval),
 * below, at and above each threshold with the defaults and with thresholds
 * changed through rules_threshold_set(); the side at fault named in the
 * texts; unknown settings shown as unknown, never guessed; the kernel timing
 * models (rules_syn_sent_give_up, rules_syn_recv_give_up); rules_eval()'s
 * order, worst severity and state mask; threshold parsing and defaults.
 * The expected kernel behaviour is tcp-diagnosis-reference.md's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter.h"
#include "rules.h"
#include "snapshot.h"
#include "states.h"
#include "tap.h"

/* ---- fixtures --------------------------------------------------------------- */

static struct snapshot snap;
static struct sysctls sys;
static struct counters before, after;
static struct rules_input in;
static struct thresholds th;
static struct finding fnd;

/* A fresh snapshot asking for @states, no settings, no counters, a 10 s
 * sampling interval, default thresholds. */
static void reset_states(uint32_t states)
{
	snapshot_free(&snap);
	snapshot_init(&snap, FILTER_V4 | FILTER_V6, states);
	memset(&sys, 0, sizeof(sys));
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	in.snap = &snap;
	in.sys = &sys;
	in.before = &before;
	in.after = &after;
	in.interval = 10;
	rules_thresholds_default(&th);
}

static void reset(void)
{
	reset_states(STATES_DEFAULT_MASK);
}

static void set_sys(enum sysctl_id id, long long v)
{
	sys.val[id].known = true;
	sys.val[id].n = 1;
	sys.val[id].v[0] = v;
}

static void set_sys2(enum sysctl_id id, long long a, long long b)
{
	set_sys(id, a);
	sys.val[id].n = 2;
	sys.val[id].v[1] = b;
}

static void set_sys3(enum sysctl_id id, long long a, long long b, long long c)
{
	set_sys2(id, a, b);
	sys.val[id].n = 3;
	sys.val[id].v[2] = c;
}

/* A cumulative counter that rose by @d between the two reads. */
static void set_delta(enum counter_id id, uint64_t d)
{
	before.c[id].known = true;
	before.c[id].v = 1000;
	after.c[id].known = true;
	after.c[id].v = 1000 + d;
}

/* A gauge (sockstat) as read now. */
static void set_gauge(enum counter_id id, uint64_t v)
{
	after.c[id].known = true;
	after.c[id].v = v;
}

static void set_th(const char *spec)
{
	char err[256] = "";
	int r = rules_threshold_set(&th, spec, err, sizeof(err));

	if (r)
		tap_diag("rules_threshold_set(%s): %s", spec, err);
}

static int rule_index(const char *id)
{
	const struct rule *r = rules_find(id);

	return r ? (int)(r - rules_table) : -1;
}

/* Run one rule on the current inputs into fnd, as rules_eval() would. */
static enum severity eval(const char *id)
{
	int i = rule_index(id);

	memset(&fnd, 0, sizeof(fnd));
	fnd.id = id;
	if (i < 0) {
		tap_diag("no rule '%s'", id);
		return (enum severity)-1;
	}
	fnd.severity = rules_table[i].eval(&in, th.v[i], &fnd);
	return fnd.severity;
}

static const struct evidence *ev(const struct finding *f, const char *key)
{
	unsigned int i;

	for (i = 0; i < f->nev; i++)
		if (f->ev[i].key && !strcmp(f->ev[i].key, key))
			return &f->ev[i];
	return NULL;
}

#define sev_is(got, want, name) \
	is_str(rules_severity_name(got), rules_severity_name(want), name)

/* Evidence @key is a number equal to @want. */
static void ev_num_is(const char *key, double want, const char *name)
{
	const struct evidence *e = ev(&fnd, key);

	if (!ok(e && e->type == EV_NUM && fabs(e->num - want) < 1e-9, name)) {
		if (!e)
			tap_diag("  no evidence '%s'", key);
		else
			tap_diag("  evidence '%s': type %d num %g text '%s'", key, e->type, e->num,
				 e->text);
		tap_diag("  want %g", want);
	}
}

/* Evidence @key is a text containing @needle. */
static void ev_text_has(const char *key, const char *needle, const char *name)
{
	const struct evidence *e = ev(&fnd, key);

	if (!ok(e && e->type == EV_TEXT && strstr(e->text, needle), name)) {
		if (!e)
			tap_diag("  no evidence '%s'", key);
		else
			tap_diag("  evidence '%s': type %d num %g text '%s'", key, e->type, e->num,
				 e->text);
		tap_diag("  want text with '%s'", needle);
	}
}

/* The setting @id is shown as unknown. */
static void ev_unknown(enum sysctl_id id, const char *name)
{
	ev_text_has(sysctl_short_name(id), "unknown", name);
}

/* A socket; IPv6 if @src has a colon. Minisocks get timer 3, requests 1. */
static struct tcp_sock mk(uint8_t state, uint8_t kind, uint32_t inode, const char *src,
			  uint16_t sport, const char *dst, uint16_t dport)
{
	struct tcp_sock s;

	memset(&s, 0, sizeof(s));
	s.family = strchr(src, ':') ? AF_INET6 : AF_INET;
	s.state = state;
	s.kind = kind;
	s.inode = inode;
	inet_pton(s.family, src, s.saddr);
	inet_pton(s.family, dst, s.daddr);
	s.sport = sport;
	s.dport = dport;
	s.timer = kind == SK_TIMEWAIT ? ST_TIMEWAIT : kind == SK_REQUEST ? ST_RETRANS : ST_NONE;
	s.has_shutdown = kind == SK_FULL;
	return s;
}

static void add_n(unsigned int n, struct tcp_sock s)
{
	while (n--)
		snapshot_add(&snap, &s);
}

/* Add sockets until there are @n in the state of @s, then evaluate. */
static enum severity fill_eval(const char *rule, struct tcp_sock s, uint64_t n)
{
	uint64_t have = snapshot_state_total(&snap, s.state);

	while (have < n) {
		snapshot_add(&snap, &s);
		have++;
	}
	return eval(rule);
}

struct level {
	uint64_t n;
	enum severity want;
};

/* Count-based rules: the severity at each level (ascending), adding sockets
 * like @s between levels. */
static void check_levels(const char *rule, struct tcp_sock s, const struct level *lv,
			 size_t nlv, const char *tag)
{
	char name[160];
	size_t i;

	for (i = 0; i < nlv; i++) {
		enum severity got = fill_eval(rule, s, lv[i].n);

		snprintf(name, sizeof(name), "%s %s: %llu sockets -> %s", rule, tag,
			 (unsigned long long)lv[i].n, rules_severity_name(lv[i].want));
		sev_is(got, lv[i].want, name);
	}
}

/* The ids tested below; every rule in rules_table must be among them. */
static const char *const tested[] = {
	"listen-overflow", "syn-sent", "syn-recv", "close-wait", "fin-wait-2", "fin-wait-1",
	"last-ack", "closing", "time-wait", "ephemeral-ports", "orphans", "tcp-memory",
	"established", "aborts",
};

/* ---- the table -------------------------------------------------------------- */

static void test_table(void)
{
	struct thresholds t;
	size_t i, p, j;
	int defaults = 1, rest_zero = 1, every_tested = 1, unique = 1, named = 1;
	char list[1024];

	is_int(rules_count, sizeof(tested) / sizeof(tested[0]), "table: 14 rules");
	for (i = 0; i < rules_count; i++) {
		int found = 0;

		for (j = 0; j < sizeof(tested) / sizeof(tested[0]); j++)
			found |= !strcmp(rules_table[i].id, tested[j]);
		if (!found) {
			every_tested = 0;
			tap_diag("rule '%s' has no test here", rules_table[i].id);
		}
		for (j = 0; j < i; j++)
			if (!strcmp(rules_table[i].id, rules_table[j].id))
				unique = 0;
		if (!rules_table[i].eval || !rules_table[i].params[0].name ||
		    !rules_table[i].title || !rules_table[i].looks_at)
			named = 0;
		if (rules_find(rules_table[i].id) != &rules_table[i])
			unique = 0;
	}
	ok(every_tested, "table: every rule is tested here");
	ok(unique, "table: ids unique, rules_find finds each");
	ok(named, "table: every rule has an eval, a title, what it looks at, a parameter");
	ok(rules_find("nonesuch") == NULL, "table: rules_find unknown -> NULL");

	memset(&t, 0x5a, sizeof(t));
	rules_thresholds_default(&t);
	for (i = 0; i < rules_count; i++)
		for (p = 0; p < RULE_MAX_PARAMS; p++) {
			const struct rule_param *rp = &rules_table[i].params[p];

			if (rp->name) {
				if (t.v[i][p] != rp->def) {
					defaults = 0;
					tap_diag("%s.%s: %g, want %g", rules_table[i].id, rp->name,
						 t.v[i][p], rp->def);
				}
				if (!rp->unit || !rp->help)
					named = 0;
			} else if (t.v[i][p] != 0) {
				rest_zero = 0;
			}
		}
	for (i = rules_count; i < RULES_MAX; i++)
		for (p = 0; p < RULE_MAX_PARAMS; p++)
			rest_zero &= t.v[i][p] == 0;
	ok(defaults, "defaults: every parameter at its .def");
	ok(rest_zero, "defaults: unused slots zero");
	ok(named, "table: every parameter has a unit and help");
	/* A few defaults the rules' documentation relies on. */
	is_int(t.v[rule_index("close-wait")][0], 10, "defaults: close-wait.warning 10");
	is_int(t.v[rule_index("close-wait")][1], 500, "defaults: close-wait.critical 500");
	is_int(t.v[rule_index("established")][0], 65536, "defaults: established.rq_bytes 65536");

	rules_id_list(list, sizeof(list));
	has_str(list, "listen-overflow, syn-sent, syn-recv, close-wait", "id list: in table order");
	has_str(list, "established, aborts", "id list: ends with the last rules");
	{
		char small[20];

		rules_id_list(small, sizeof(small));
		is_str(small, "listen-overflow, sy", "id list: truncated safely to a small buffer");
	}

	is_str(rules_severity_name(SEV_OK), "ok", "severity name ok");
	is_str(rules_severity_name(SEV_INFO), "info", "severity name info");
	is_str(rules_severity_name(SEV_WARNING), "warning", "severity name warning");
	is_str(rules_severity_name(SEV_CRITICAL), "critical", "severity name critical");
	is_str(rules_severity_name((enum severity)9), "unknown", "severity name out of range");
}

static void test_threshold_set(void)
{
	struct thresholds t, saved;
	char err[512];
	int cw = rule_index("close-wait");

	rules_thresholds_default(&t);
	is_int(rules_threshold_set(&t, "close-wait.warning=50", err, sizeof(err)), 0,
	       "set: close-wait.warning=50 accepted");
	is_int(t.v[cw][0], 50, "set: close-wait.warning is 50");
	is_int(t.v[cw][1], 500, "set: close-wait.critical untouched");
	is_int(rules_threshold_set(&t, "close-wait.critical=0", err, sizeof(err)), 0,
	       "set: 0 accepted");
	is_int(t.v[cw][1], 0, "set: critical 0");
	is_int(rules_threshold_set(&t, "fin-wait-2.warning=7", err, sizeof(err)), 0,
	       "set: id with digits and dashes");
	is_int(t.v[rule_index("fin-wait-2")][0], 7, "set: fin-wait-2.warning 7");
	is_int(rules_threshold_set(&t, "aborts.timeout_warning=0.5", err, sizeof(err)), 0,
	       "set: a fraction");
	ok(t.v[rule_index("aborts")][0] == 0.5, "set: aborts.timeout_warning 0.5");
	is_int(rules_threshold_set(&t, "established.rq_bytes=1e3", err, sizeof(err)), 0,
	       "set: exponent form");
	is_int(t.v[rule_index("established")][0], 1000, "set: rq_bytes 1000");
	is_int(rules_threshold_set(&t, "established.retrans_warning=3", err, sizeof(err)), 0,
	       "set: the fourth parameter");
	is_int(t.v[rule_index("established")][3], 3, "set: retrans_warning 3");

	saved = t;
	/* Unknown rule: names it and lists the rules. */
	err[0] = '\0';
	is_int(rules_threshold_set(&t, "bogus.warning=5", err, sizeof(err)), -EINVAL,
	       "set: unknown rule -> -EINVAL");
	has_str(err, "'bogus'", "set: unknown rule named");
	has_str(err, "close-wait", "set: the rules are listed");
	has_str(err, "aborts", "set: ... all of them");
	/* Unknown parameter: names it and lists that rule's parameters. */
	err[0] = '\0';
	is_int(rules_threshold_set(&t, "close-wait.bogus=5", err, sizeof(err)), -EINVAL,
	       "set: unknown parameter -> -EINVAL");
	has_str(err, "'bogus'", "set: unknown parameter named");
	has_str(err, "warning, critical", "set: the rule's parameters listed");
	err[0] = '\0';
	is_int(rules_threshold_set(&t, "close-wait.queue_warning=5", err, sizeof(err)), -EINVAL,
	       "set: another rule's parameter -> -EINVAL");
	has_str(err, "'queue_warning'", "set: that parameter named");
	/* Values. */
	{
		static const char *const bad[] = {
			"close-wait.warning=-1", "close-wait.warning=abc", "close-wait.warning=",
			"close-wait.warning=5x", "close-wait.warning=nan",
			"close-wait.warning=inf", "close-wait.warning=1e999",
			"close-wait.warning=-0.5",
		};
		size_t i;
		char name[160];

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			const char *val = strchr(bad[i], '=') + 1;
			char quoted[64];

			err[0] = '\0';
			snprintf(name, sizeof(name), "set: '%s' -> -EINVAL", bad[i]);
			is_int(rules_threshold_set(&t, bad[i], err, sizeof(err)), -EINVAL, name);
			snprintf(quoted, sizeof(quoted), "'%s'", val);
			snprintf(name, sizeof(name), "set: '%s': the value named", bad[i]);
			has_str(err, quoted, name);
			snprintf(name, sizeof(name), "set: '%s': says what is accepted", bad[i]);
			has_str(err, "number >= 0", name);
		}
	}
	/* Shape. */
	{
		static const char *const shape[] = {
			"close-wait.warning", "close-wait=5", "closewait", "", "warning=5.close",
		};
		size_t i;
		char name[160];

		for (i = 0; i < sizeof(shape) / sizeof(shape[0]); i++) {
			err[0] = '\0';
			snprintf(name, sizeof(name), "set: '%s' -> -EINVAL", shape[i]);
			is_int(rules_threshold_set(&t, shape[i], err, sizeof(err)), -EINVAL, name);
			snprintf(name, sizeof(name), "set: '%s': says RULE.PARAM=VALUE", shape[i]);
			has_str(err, "RULE.PARAM=VALUE", name);
		}
		err[0] = '\0';
		rules_threshold_set(&t, "close-wait.warning", err, sizeof(err));
		has_str(err, "'close-wait.warning'", "set: missing '=': the spec is quoted");
	}
	err[0] = '\0';
	is_int(rules_threshold_set(&t, ".warning=5", err, sizeof(err)), -EINVAL,
	       "set: empty rule -> -EINVAL");
	has_str(err, "unknown rule ''", "set: empty rule named");
	err[0] = '\0';
	is_int(rules_threshold_set(&t, "close-wait.=5", err, sizeof(err)), -EINVAL,
	       "set: empty parameter -> -EINVAL");
	has_str(err, "no parameter ''", "set: empty parameter named");
	ok(!memcmp(&t, &saved, sizeof(t)), "set: errors change no threshold");
	{
		char small[12];

		memset(small, 'x', sizeof(small));
		is_int(rules_threshold_set(&t, "bogus.warning=5", small, sizeof(small)), -EINVAL,
		       "set: small error buffer still -EINVAL");
		is_int(strlen(small), sizeof(small) - 1, "set: message truncated, terminated");
	}
}

/* ---- the timing models ------------------------------------------------------- */

static void test_give_up(void)
{
	/* Reference 3: retransmits at 1,2,3,4,5,7,11,19,35,67, ETIMEDOUT at 131. */
	is_int(rules_syn_sent_give_up(6, 4, 120000), 131, "syn give-up: 6 + linear 4 -> 131 s");
	/* Before 6.5 (or linear 0): 1,3,7,15,31,63, abort at 127. */
	is_int(rules_syn_sent_give_up(6, 0, 120000), 127, "syn give-up: 6, no linear -> 127 s");
	/* 2 + 4: the count limit would allow 6 resends (t = 7 at the 6th expiry:
	 * 1,2,3,4,5,7), but tcp_model_timeout(2) = 7 s ends it at the same
	 * expiry. */
	is_int(rules_syn_sent_give_up(2, 4, 120000), 7, "syn give-up: 2 + linear 4 -> 7 s");
	is_int(rules_syn_sent_give_up(2, 0, 120000), 7, "syn give-up: 2 -> 7 s");
	is_int(rules_syn_sent_give_up(1, 0, 120000), 3, "syn give-up: 1 -> 3 s");
	/* Time limit first: model(1) = 3 s, while the count allows 5 resends. */
	is_int(rules_syn_sent_give_up(1, 4, 120000), 3, "syn give-up: 1 + linear 4 -> 3 s (time)");
	/* model(3) = 15 s; expiries at 1,2,3,4,5,7,11,19: the 8th (t = 19) is
	 * the first past 15 s and also the count limit 7. */
	is_int(rules_syn_sent_give_up(3, 4, 120000), 19, "syn give-up: 3 + linear 4 -> 19 s");
	/* Past log2(rto_max) doublings the RTO is capped at rto_max (120 s):
	 * model(8) = 127 + 2 * 120 = 367 s. */
	is_int(rules_syn_sent_give_up(8, 0, 120000), 367, "syn give-up: 8 -> 367 s");
	is_int(rules_syn_sent_give_up(10, 0, 120000), 607, "syn give-up: 10 -> 607 s");
	/* A smaller rto_max (tcp_rto_max_ms, 6.15+): 10 s. ilog2(10) = 3, so
	 * model(6) = 15 + 3 * 10 = 45 s. Without linear: 1,3,7,15,25,35,45. */
	is_int(rules_syn_sent_give_up(6, 0, 10000), 45, "syn give-up: 6, rto_max 10 s -> 45 s");
	/* With linear 4: 1,2,3,4,5,7,11,19,29,39 (< 45), then 49 = count 10. */
	is_int(rules_syn_sent_give_up(6, 4, 10000), 49,
	       "syn give-up: 6 + linear 4, rto_max 10 s -> 49 s");
	/* rto_max 1 s: every RTO is 1 s; model(6) = 1 + 6 * 1 = 7, count 10. */
	is_int(rules_syn_sent_give_up(6, 4, 1000), 7, "syn give-up: 6 + 4, rto_max 1 s -> 7 s");

	/* SYN-ACKs at 1,3,7,15,31, dropped at 63 s (reference 3). */
	is_int(rules_syn_recv_give_up(5, 120000), 63, "synack give-up: 5 -> 63 s");
	is_int(rules_syn_recv_give_up(2, 120000), 7, "synack give-up: 2 -> 7 s");
	is_int(rules_syn_recv_give_up(0, 120000), 1, "synack give-up: 0 -> 1 s");
	is_int(rules_syn_recv_give_up(7, 120000), 247, "synack give-up: 7 -> 127 + 120 s");
	is_int(rules_syn_recv_give_up(5, 10000), 35, "synack give-up: 5, rto_max 10 s -> 35 s");
}

/* ---- close-wait ---------------------------------------------------------------- */

static void test_close_wait(void)
{
	static const struct level dflt[] = {
		{ 0, SEV_OK }, { 1, SEV_INFO }, { 9, SEV_INFO }, { 10, SEV_WARNING },
		{ 11, SEV_WARNING }, { 499, SEV_WARNING }, { 500, SEV_CRITICAL },
		{ 501, SEV_CRITICAL },
	};
	static const struct level changed[] = {
		{ 10, SEV_INFO }, { 49, SEV_INFO }, { 50, SEV_WARNING }, { 59, SEV_WARNING },
		{ 60, SEV_CRITICAL },
	};
	struct tcp_sock s = mk(TS_CLOSE_WAIT, SK_FULL, 777, "10.0.0.1", 8080, "10.0.0.2", 40000);
	const struct evidence *e;

	s.rqueue = 1;
	reset();
	check_levels("close-wait", s, dflt, sizeof(dflt) / sizeof(dflt[0]), "defaults");
	has_str(fnd.summary, "the local application never called close()",
		"close-wait: summary blames the local application");
	has_str(fnd.summary, "501 sockets in CLOSE-WAIT", "close-wait: summary counts");
	has_str(fnd.reason, "no timeout", "close-wait: reason says the kernel has no timeout");
	ev_num_is("count", 501, "close-wait: count evidence");
	ev_num_is("fin_unread", 501, "close-wait: rq 1 = FIN not read");
	ev_num_is("read_to_eof", 0, "close-wait: rq 0 none");
	ok(ev(&fnd, "never_accepted") == NULL, "close-wait: no never_accepted when all have inodes");
	e = ev(&fnd, "local_ports");
	ok(e && e->type == EV_LIST && e->nitems == 1 && !strcmp(e->items[0].what, "8080") &&
	   e->items[0].count == 501, "close-wait: local port 8080 x501");
	e = ev(&fnd, "peers");
	ok(e && e->type == EV_LIST && e->nitems >= 1 && !strcmp(e->items[0].what, "10.0.0.2"),
	   "close-wait: the peer listed");

	reset();
	set_th("close-wait.warning=50");
	set_th("close-wait.critical=60");
	check_levels("close-wait", s, changed, sizeof(changed) / sizeof(changed[0]), "changed");

	/* rq split, never accept()ed, both families, idle time. */
	reset();
	s.rqueue = 0;
	add_n(3, s);
	s.rqueue = 1;
	add_n(2, s);
	s.rqueue = 5000;
	s.inode = 0;
	add_n(1, s);
	{
		struct tcp_sock s6 = mk(TS_CLOSE_WAIT, SK_FULL, 9, "2001:db8::1", 443,
					"2001:db8::2", 50000);

		s6.has_info = true;
		s6.info_len = sizeof(s6.info);
		s6.info.tcpi_last_data_recv = 125000;
		add_n(4, s6);
	}
	sev_is(eval("close-wait"), SEV_WARNING, "close-wait: 6 v4 + 4 v6 = 10 -> warning");
	ev_num_is("count", 10, "close-wait: both families counted");
	ev_num_is("read_to_eof", 7, "close-wait: rq 0 (3 v4 + 4 v6)");
	ev_num_is("fin_unread", 2, "close-wait: rq 1");
	ev_num_is("data_unread", 1, "close-wait: rq > 1");
	ev_num_is("never_accepted", 1, "close-wait: inode 0 = never accept()ed");
	has_str(fnd.advice, "stopped calling accept()", "close-wait: advice on accept()");
	ev_num_is("longest_idle", 125, "close-wait: longest since data arrived (seconds)");
}

/* ---- fin-wait-2 ---------------------------------------------------------------- */

static void test_fin_wait2(void)
{
	static const struct level dflt[] = {
		{ 0, SEV_OK }, { 1, SEV_INFO }, { 49, SEV_INFO }, { 50, SEV_WARNING },
		{ 999, SEV_WARNING }, { 1000, SEV_CRITICAL },
	};
	static const struct level changed[] = {
		{ 4, SEV_INFO }, { 5, SEV_WARNING }, { 9, SEV_WARNING }, { 10, SEV_CRITICAL },
	};
	struct tcp_sock mini = mk(TS_FIN_WAIT2, SK_TIMEWAIT, 0, "10.0.0.1", 41000, "10.0.0.9", 80);
	struct tcp_sock half = mk(TS_FIN_WAIT2, SK_FULL, 55, "10.0.0.1", 41001, "10.0.0.8", 80);

	reset();
	set_sys(SYS_TCP_FIN_TIMEOUT, 60);
	check_levels("fin-wait-2", mini, dflt, sizeof(dflt) / sizeof(dflt[0]), "defaults");
	has_str(fnd.summary, "the remote side never closed",
		"fin-wait-2: summary blames the remote side");
	has_str(fnd.reason, "CLOSE-WAIT there", "fin-wait-2: reason: the peer sits in CLOSE-WAIT");
	has_str(fnd.reason, "show them as TIME-WAIT",
		"fin-wait-2: reason: other tools count the minisocks as TIME-WAIT");
	has_str(fnd.reason, "sockstat's tw counts them", "fin-wait-2: reason: via sockstat tw");
	has_str(fnd.reason, "60 s", "fin-wait-2: reason gives tcp_fin_timeout");
	ev_num_is("orphaned_minisocks", 1000, "fin-wait-2: minisocks counted");
	ev_num_is("half_closed", 0, "fin-wait-2: none half-closed");
	ev_num_is("tcp_fin_timeout", 60, "fin-wait-2: tcp_fin_timeout evidence");
	ok(ev(&fnd, "peers") && ev(&fnd, "peers")->nitems == 1 &&
	   !strcmp(ev(&fnd, "peers")->items[0].what, "10.0.0.9"),
	   "fin-wait-2: the peer that does not close");

	reset();
	set_th("fin-wait-2.warning=5");
	set_th("fin-wait-2.critical=10");
	check_levels("fin-wait-2", mini, changed, sizeof(changed) / sizeof(changed[0]), "changed");

	/* Half-closed full sockets and orphaned full ones (fin_timeout > 60). */
	reset();
	add_n(3, mini);
	add_n(2, half);
	half.inode = 0;
	half.timer = ST_KEEPALIVE;
	add_n(1, half);
	sev_is(eval("fin-wait-2"), SEV_INFO, "fin-wait-2: 6 -> info");
	ev_num_is("count", 6, "fin-wait-2: all kinds counted");
	ev_num_is("orphaned_minisocks", 3, "fin-wait-2: 3 minisocks");
	ev_num_is("half_closed", 2, "fin-wait-2: 2 half-closed (inode != 0)");
	ev_num_is("orphaned_full", 1, "fin-wait-2: 1 orphaned full socket");
	ev_unknown(SYS_TCP_FIN_TIMEOUT, "fin-wait-2: tcp_fin_timeout unknown shown as unknown");
	has_str(fnd.reason, "unknown here", "fin-wait-2: reason says fin_timeout is unknown");
}

/* ---- fin-wait-1, last-ack, closing ------------------------------------------------ */

static void test_closing_states(void)
{
	static const struct level fw1[] = {
		{ 0, SEV_OK }, { 1, SEV_INFO }, { 19, SEV_INFO }, { 20, SEV_WARNING },
		{ 999, SEV_WARNING }, { 1000, SEV_CRITICAL },
	};
	static const struct level cl[] = {
		{ 0, SEV_OK }, { 4, SEV_INFO }, { 5, SEV_WARNING }, { 499, SEV_WARNING },
		{ 500, SEV_CRITICAL },
	};
	static const struct level changed[] = {
		{ 1, SEV_INFO }, { 2, SEV_WARNING }, { 2, SEV_WARNING }, { 3, SEV_CRITICAL },
	};
	struct tcp_sock s;

	/* fin-wait-1: orphans (inode 0), retransmitting. */
	reset();
	set_sys(SYS_TCP_ORPHAN_RETRIES, 0);
	s = mk(TS_FIN_WAIT1, SK_FULL, 0, "10.0.0.1", 443, "192.0.2.7", 50000);
	s.timer = ST_RETRANS;
	s.retrans = 2;
	s.wqueue = 20000;
	check_levels("fin-wait-1", s, fw1, sizeof(fw1) / sizeof(fw1[0]), "defaults");
	has_str(fnd.summary, "1000 sockets in FIN-WAIT-1: this host's FIN is not acknowledged",
		"fin-wait-1: summary");
	ev_num_is("orphans", 1000, "fin-wait-1: orphans (inode 0)");
	ev_num_is("retransmitting", 1000, "fin-wait-1: retransmitting (timer 1, retrans > 0)");
	ev_num_is("zero_window", 0, "fin-wait-1: no persist timer");
	ev_num_is("max_send_queue", 20000, "fin-wait-1: bytes queued before the FIN");
	ev_num_is("tcp_orphan_retries", 0, "fin-wait-1: tcp_orphan_retries evidence");
	has_str(fnd.reason, "0 means 8 resends", "fin-wait-1: reason explains orphan_retries 0");
	reset();
	set_th("fin-wait-1.warning=2");
	set_th("fin-wait-1.critical=3");
	check_levels("fin-wait-1", s, changed, sizeof(changed) / sizeof(changed[0]), "changed");

	/* A zero window (persist) on an open socket: not an orphan. */
	reset();
	s = mk(TS_FIN_WAIT1, SK_FULL, 4242, "10.0.0.1", 443, "192.0.2.7", 50001);
	s.timer = ST_PERSIST;
	add_n(3, s);
	sev_is(eval("fin-wait-1"), SEV_INFO, "fin-wait-1: 3 -> info");
	ev_num_is("orphans", 0, "fin-wait-1: open sockets are not orphans");
	ev_num_is("zero_window", 3, "fin-wait-1: persist timer = peer window zero");
	has_str(fnd.advice, "peer application does not read", "fin-wait-1: advice blames the peer");
	ev_unknown(SYS_TCP_ORPHAN_RETRIES, "fin-wait-1: tcp_orphan_retries unknown");
	has_str(fnd.reason, "unknown here", "fin-wait-1: reason says unknown here");

	/* last-ack. */
	reset();
	s = mk(TS_LAST_ACK, SK_FULL, 0, "10.0.0.1", 443, "192.0.2.8", 50002);
	s.timer = ST_RETRANS;
	s.retrans = 1;
	check_levels("last-ack", s, fw1, sizeof(fw1) / sizeof(fw1[0]), "defaults");
	has_str(fnd.summary, "LAST-ACK: the ACK of this host's final FIN does not come back",
		"last-ack: summary");
	has_str(fnd.reason, "The peer closed first", "last-ack: reason: the peer closed first");
	ev_num_is("orphans", 1000, "last-ack: orphans");
	reset();
	set_th("last-ack.warning=2");
	set_th("last-ack.critical=3");
	check_levels("last-ack", s, changed, sizeof(changed) / sizeof(changed[0]), "changed");

	/* closing. */
	reset();
	s = mk(TS_CLOSING, SK_FULL, 0, "10.0.0.1", 443, "192.0.2.9", 50003);
	check_levels("closing", s, cl, sizeof(cl) / sizeof(cl[0]), "defaults");
	has_str(fnd.summary, "CLOSING: both sides closed at once", "closing: summary");
	reset();
	set_th("closing.warning=2");
	set_th("closing.critical=3");
	check_levels("closing", s, changed, sizeof(changed) / sizeof(changed[0]), "changed");
}

/* ---- time-wait ------------------------------------------------------------------ */

static void test_time_wait(void)
{
	struct tcp_sock tw = mk(TS_TIME_WAIT, SK_TIMEWAIT, 0, "10.0.0.1", 80, "198.51.100.4", 45000);
	struct tcp_sock mini = mk(TS_FIN_WAIT2, SK_TIMEWAIT, 0, "10.0.0.1", 80, "198.51.100.5", 1);
	static const struct {
		uint64_t tw;
		enum severity want;
	} pct[] = {
		{ 0, SEV_INFO }, { 799, SEV_INFO }, { 800, SEV_WARNING }, { 801, SEV_WARNING },
		{ 949, SEV_WARNING }, { 950, SEV_CRITICAL }, { 1000, SEV_CRITICAL },
	};
	char name[128];
	size_t i;

	reset();
	sev_is(eval("time-wait"), SEV_OK, "time-wait: none -> ok");
	set_delta(CTR_TW_OVERFLOW, 0);
	sev_is(eval("time-wait"), SEV_OK, "time-wait: none, overflow not rising -> ok");

	add_n(1, tw);
	sev_is(eval("time-wait"), SEV_INFO, "time-wait: one, limit unknown -> info");
	has_str(fnd.summary, "this host closed first; normal", "time-wait: summary: normal");
	has_str(fnd.reason, "the remote did close", "time-wait: reason: the remote did close");
	lacks_str(fnd.summary, "never closed", "time-wait: no folk 'remote never closed'");
	has_str(fnd.advice, "Nothing to do", "time-wait: info advice: nothing to do");
	ev_unknown(SYS_TCP_MAX_TW_BUCKETS, "time-wait: tcp_max_tw_buckets unknown");
	ev_unknown(SYS_TCP_TW_REUSE, "time-wait: tcp_tw_reuse unknown");
	ev_num_is("tw_overflow_rate", 0, "time-wait: overflow rate 0 shown");

	/* Against tcp_max_tw_buckets with sockstat's tw. */
	set_sys(SYS_TCP_MAX_TW_BUCKETS, 1000);
	for (i = 0; i < sizeof(pct) / sizeof(pct[0]); i++) {
		set_gauge(CTR_SOCKSTAT_TCP_TW, pct[i].tw);
		snprintf(name, sizeof(name), "time-wait: tw %llu of 1000 buckets -> %s",
			 (unsigned long long)pct[i].tw, rules_severity_name(pct[i].want));
		sev_is(eval("time-wait"), pct[i].want, name);
	}
	has_str(fnd.summary, "TIME-WAIT near its limit", "time-wait: summary near its limit");
	has_str(fnd.summary, "1000 of 1000", "time-wait: summary gives tw and the limit");
	ev_num_is("tcp_max_tw_buckets", 1000, "time-wait: tcp_max_tw_buckets evidence");
	ev_num_is("tw_buckets", 1000, "time-wait: tw buckets from sockstat");

	set_th("time-wait.buckets_warning=50");
	set_th("time-wait.buckets_critical=60");
	set_gauge(CTR_SOCKSTAT_TCP_TW, 499);
	sev_is(eval("time-wait"), SEV_INFO, "time-wait changed: 49.9% -> info");
	set_gauge(CTR_SOCKSTAT_TCP_TW, 500);
	sev_is(eval("time-wait"), SEV_WARNING, "time-wait changed: 50% -> warning");
	set_gauge(CTR_SOCKSTAT_TCP_TW, 599);
	sev_is(eval("time-wait"), SEV_WARNING, "time-wait changed: 59.9% -> warning");
	set_gauge(CTR_SOCKSTAT_TCP_TW, 600);
	sev_is(eval("time-wait"), SEV_CRITICAL, "time-wait changed: 60% -> critical");

	/* TCPTimeWaitOverflow rising: critical, even with the buckets low. */
	reset();
	add_n(5, tw);
	set_sys(SYS_TCP_MAX_TW_BUCKETS, 1000);
	set_gauge(CTR_SOCKSTAT_TCP_TW, 5);
	set_delta(CTR_TW_OVERFLOW, 0);
	sev_is(eval("time-wait"), SEV_INFO, "time-wait: overflow delta 0 -> info");
	set_delta(CTR_TW_OVERFLOW, 3);
	sev_is(eval("time-wait"), SEV_CRITICAL, "time-wait: overflow rising -> critical");
	has_str(fnd.summary, "TCPTimeWaitOverflow", "time-wait: summary names the counter");
	has_str(fnd.summary, "0.3 connections per second", "time-wait: summary gives the rate");
	ev_num_is("tw_overflow_rate", 0.3, "time-wait: overflow rate evidence");
	lacks_str(fnd.advice, "Nothing to do", "time-wait: critical advice is not 'nothing'");
	/* ... and with no TIME-WAIT socket left at all. */
	reset();
	set_delta(CTR_TW_OVERFLOW, 1);
	sev_is(eval("time-wait"), SEV_CRITICAL, "time-wait: overflow with 0 sockets -> critical");
	/* Not sampled: no rate. */
	in.before = NULL;
	sev_is(eval("time-wait"), SEV_OK, "time-wait: overflow not sampled -> ok");

	/* Without sockstat, tw = TIME-WAIT + FIN-WAIT-2 minisocks. */
	reset();
	set_sys(SYS_TCP_MAX_TW_BUCKETS, 1000);
	add_n(500, tw);
	add_n(299, mini);
	sev_is(eval("time-wait"), SEV_INFO, "time-wait: 500 + 299 minisocks = 79.9% -> info");
	ev_num_is("tw_buckets", 799, "time-wait: tw buckets counted from the dump");
	add_n(1, mini);
	sev_is(eval("time-wait"), SEV_WARNING, "time-wait: 500 + 300 minisocks = 80% -> warning");
	ev_num_is("count", 500, "time-wait: count is TIME-WAIT only");
}

/* ---- ephemeral-ports --------------------------------------------------------------- */

static void test_ephemeral(void)
{
	struct tcp_sock s = mk(TS_ESTABLISHED, SK_FULL, 1, "10.0.0.2", 0, "10.0.0.9", 5432);
	static const struct level lv[] = {
		{ 69, SEV_OK }, { 70, SEV_WARNING }, { 89, SEV_WARNING }, { 90, SEV_CRITICAL },
		{ 100, SEV_CRITICAL },
	};
	char name[128];
	unsigned int port = 1000;
	size_t i;
	const struct evidence *e;

	/* A 100-port range, 1000-1099. */
	reset();
	set_sys2(SYS_IP_LOCAL_PORT_RANGE, 1000, 1099);
	snapshot_set_port_range(&snap, 1000, 1099);
	/* Noise: another destination, and ports outside the range. */
	{
		struct tcp_sock o = mk(TS_ESTABLISHED, SK_FULL, 1, "10.0.0.2", 1000, "10.0.0.9",
				       5433);

		add_n(60, o);
		o = mk(TS_ESTABLISHED, SK_FULL, 1, "10.0.0.2", 2000, "10.0.0.9", 5432);
		add_n(60, o);
	}
	sev_is(eval("ephemeral-ports"), SEV_OK, "ephemeral: 60% -> ok");
	for (i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
		while (port < 1000 + lv[i].n) {
			s.sport = (uint16_t)port++;
			/* TIME-WAIT holds its port too. */
			s.state = port % 3 ? TS_ESTABLISHED : TS_TIME_WAIT;
			s.kind = s.state == TS_TIME_WAIT ? SK_TIMEWAIT : SK_FULL;
			snapshot_add(&snap, &s);
		}
		snprintf(name, sizeof(name), "ephemeral: %llu of 100 ports toward one -> %s",
			 (unsigned long long)lv[i].n, rules_severity_name(lv[i].want));
		sev_is(eval("ephemeral-ports"), lv[i].want, name);
	}
	has_str(fnd.summary, "10.0.0.2 -> 10.0.0.9:5432", "ephemeral: summary names the tuple");
	has_str(fnd.summary, "100 of 100", "ephemeral: summary counts against the range");
	ev_text_has("ip_local_port_range", "1000-1099 (100 ports)", "ephemeral: range evidence");
	e = ev(&fnd, "destinations");
	ok(e && e->type == EV_LIST && e->items[0].count == 100,
	   "ephemeral: busiest destination first");
	ev_num_is("time_wait", 33, "ephemeral: TIME-WAIT among them");
	has_str(fnd.reason, "EADDRNOTAVAIL", "ephemeral: reason names the symptom");

	/* Range unknown: no judgement. */
	sys.val[SYS_IP_LOCAL_PORT_RANGE].known = false;
	sev_is(eval("ephemeral-ports"), SEV_OK, "ephemeral: range unknown -> ok (no guess)");
	is_int(fnd.nev, 0, "ephemeral: range unknown -> no evidence");
	in.sys = NULL;
	sev_is(eval("ephemeral-ports"), SEV_OK, "ephemeral: no sysctls at all -> ok");
	in.sys = &sys;

	/* Changed thresholds. */
	set_sys2(SYS_IP_LOCAL_PORT_RANGE, 1000, 1099);
	set_th("ephemeral-ports.critical=101");
	sev_is(eval("ephemeral-ports"), SEV_WARNING, "ephemeral: critical=101% -> warning");
	set_th("ephemeral-ports.warning=101");
	sev_is(eval("ephemeral-ports"), SEV_OK, "ephemeral: warning=101% -> ok");

	/* The default range (28232 ports): 70% is 19762.4. */
	reset();
	set_sys2(SYS_IP_LOCAL_PORT_RANGE, 32768, 60999);
	snapshot_set_port_range(&snap, 32768, 60999);
	s = mk(TS_ESTABLISHED, SK_FULL, 1, "2001:db8::2", 0, "2001:db8::9", 443);
	for (port = 0; port < 19762; port++) {
		s.sport = (uint16_t)(32768 + port);
		snapshot_add(&snap, &s);
	}
	sev_is(eval("ephemeral-ports"), SEV_OK, "ephemeral default: 19762 of 28232 -> ok");
	s.sport = (uint16_t)(32768 + port);
	snapshot_add(&snap, &s);
	sev_is(eval("ephemeral-ports"), SEV_WARNING, "ephemeral default: 19763 of 28232 -> warning");
	has_str(fnd.summary, "2001:db8::2 -> [2001:db8::9]:443", "ephemeral: v6 tuple named");

	/* Server side: connections to a local listener's port are not ephemeral. */
	reset();
	set_sys2(SYS_IP_LOCAL_PORT_RANGE, 1000, 1099);
	snapshot_set_port_range(&snap, 1000, 1099);
	{
		struct tcp_sock l = mk(TS_LISTEN, SK_FULL, 3, "0.0.0.0", 1050, "0.0.0.0", 0);

		l.wqueue = 128;
		snapshot_add(&snap, &l);
		s = mk(TS_ESTABLISHED, SK_FULL, 1, "10.0.0.2", 1050, "10.0.0.9", 5432);
		for (port = 0; port < 100; port++) {
			s.dport = (uint16_t)(40000 + port);
			snapshot_add(&snap, &s);
		}
		/* All from the listener's port to one peer address, varied ports. */
		s.dport = 5432;
		add_n(95, s);
	}
	sev_is(eval("ephemeral-ports"), SEV_OK,
	       "ephemeral: accepted connections on a listener's port are not counted");
}

/* ---- syn-sent ------------------------------------------------------------------- */

static void test_syn_sent(void)
{
	struct tcp_sock s = mk(TS_SYN_SENT, SK_FULL, 99, "10.0.0.1", 50000, "203.0.113.5", 443);
	static const struct level lv[] = {
		{ 1, SEV_WARNING }, { 99, SEV_WARNING }, { 100, SEV_CRITICAL }, { 150, SEV_CRITICAL },
	};
	static const struct level changed[] = {
		{ 1, SEV_INFO }, { 2, SEV_INFO }, { 3, SEV_WARNING }, { 9, SEV_WARNING },
		{ 10, SEV_CRITICAL },
	};
	const struct evidence *e;

	s.timer = ST_RETRANS;
	s.wqueue = 1;
	reset();
	sev_is(eval("syn-sent"), SEV_OK, "syn-sent: none -> ok");
	/* Connects in progress, no SYN resent yet. */
	add_n(500, s);
	sev_is(eval("syn-sent"), SEV_OK, "syn-sent: 500 with no SYN resent -> ok");
	is_int(fnd.nev, 0, "syn-sent: ok has no evidence");

	reset();
	set_sys(SYS_TCP_SYN_RETRIES, 6);
	set_sys(SYS_TCP_SYN_LINEAR_TIMEOUTS, 4);
	add_n(10, s); /* not resent: do not count towards the thresholds */
	s.retrans = 3;
	{
		size_t i;
		char name[128];
		uint64_t stalled = 0;

		for (i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
			while (stalled < lv[i].n) {
				snapshot_add(&snap, &s);
				stalled++;
			}
			snprintf(name, sizeof(name), "syn-sent defaults: %llu resent -> %s",
				 (unsigned long long)lv[i].n, rules_severity_name(lv[i].want));
			sev_is(eval("syn-sent"), lv[i].want, name);
		}
	}
	has_str(fnd.summary, "150 connection attempts in SYN-SENT get no answer",
		"syn-sent: summary counts the stalled ones");
	has_str(fnd.summary, "SYNs are dropped on the way", "syn-sent: summary: dropped on the way");
	has_str(fnd.reason, "firewall DROP", "syn-sent: reason: a firewall DROP");
	ev_num_is("count", 160, "syn-sent: count all SYN-SENT");
	ev_num_is("stalled", 150, "syn-sent: stalled = resent at least once");
	ev_num_is("give_up_after", 131, "syn-sent: give up after 131 s (6 + linear 4)");
	ev_text_has("retries", "3 of 10 (tcp_syn_retries 6 + tcp_syn_linear_timeouts 4)",
		    "syn-sent: retries so far against the limit");
	ev_num_is("tcp_syn_retries", 6, "syn-sent: tcp_syn_retries evidence");
	e = ev(&fnd, "destinations");
	ok(e && e->type == EV_LIST && e->nitems == 1 &&
	   !strcmp(e->items[0].what, "203.0.113.5:443") && e->items[0].count == 160,
	   "syn-sent: destination address:port");
	has_str(fnd.advice, "131 s", "syn-sent: advice gives the give-up time");

	/* Older kernel: no tcp_syn_linear_timeouts. */
	sys.val[SYS_TCP_SYN_LINEAR_TIMEOUTS].known = false;
	eval("syn-sent");
	ev_num_is("give_up_after", 127, "syn-sent: linear unknown (pre-6.5) -> 127 s");
	/* syn_retries 2 + linear 4: both limits apply. */
	set_sys(SYS_TCP_SYN_RETRIES, 2);
	set_sys(SYS_TCP_SYN_LINEAR_TIMEOUTS, 4);
	eval("syn-sent");
	ev_num_is("give_up_after", 7, "syn-sent: syn_retries 2 + linear 4 -> 7 s");
	/* tcp_rto_max_ms (6.15+). */
	set_sys(SYS_TCP_SYN_RETRIES, 6);
	set_sys(SYS_TCP_RTO_MAX_MS, 120000);
	eval("syn-sent");
	ev_num_is("give_up_after", 131, "syn-sent: rto_max 120000 -> 131 s");
	set_sys(SYS_TCP_RTO_MAX_MS, 10000);
	eval("syn-sent");
	ev_num_is("give_up_after", 49, "syn-sent: rto_max 10000 -> 49 s");
	/* syn_retries unknown: no give-up time, and said so. */
	sys.val[SYS_TCP_SYN_RETRIES].known = false;
	sev_is(eval("syn-sent"), SEV_CRITICAL, "syn-sent: severity without the settings");
	ok(ev(&fnd, "give_up_after") == NULL, "syn-sent: no give-up time when syn_retries unknown");
	ev_text_has("retries", "unknown", "syn-sent: retries text says unknown");
	ev_unknown(SYS_TCP_SYN_RETRIES, "syn-sent: tcp_syn_retries unknown");

	reset();
	set_th("syn-sent.warning=3");
	set_th("syn-sent.critical=10");
	check_levels("syn-sent", s, changed, sizeof(changed) / sizeof(changed[0]), "changed");
}

/* ---- syn-recv ------------------------------------------------------------------- */

static void test_syn_recv(void)
{
	struct tcp_sock l = mk(TS_LISTEN, SK_FULL, 5000, "0.0.0.0", 80, "0.0.0.0", 0);
	struct tcp_sock r = mk(TS_SYN_RECV, SK_REQUEST, 0, "10.0.0.1", 80, "198.51.100.1", 0);
	static const struct level pct[] = {
		{ 0, SEV_OK }, { 49, SEV_OK }, { 50, SEV_WARNING }, { 99, SEV_WARNING },
		{ 100, SEV_CRITICAL }, { 101, SEV_CRITICAL },
	};
	static const struct level stalled[] = {
		{ 1, SEV_INFO }, { 9, SEV_INFO }, { 10, SEV_WARNING }, { 50, SEV_WARNING },
	};
	/* Requests against a backlog of 100, none resent. */
	reset();
	l.wqueue = 100;
	snapshot_add(&snap, &l);
	check_levels("syn-recv", r, pct, sizeof(pct) / sizeof(pct[0]), "backlog %");
	ev_text_has("busiest_listener", "0.0.0.0:80: 101 half-open, backlog 100",
		    "syn-recv: busiest listener with its backlog");
	has_str(fnd.summary, "101 half-open connections in SYN-RECV", "syn-recv: summary counts");
	has_str(fnd.summary, "SYN flood", "syn-recv: summary names a SYN flood");

	reset();
	snapshot_add(&snap, &l);
	set_th("syn-recv.queue_warning=10");
	set_th("syn-recv.queue_critical=20");
	{
		static const struct level ch[] = {
			{ 9, SEV_OK }, { 10, SEV_WARNING }, { 19, SEV_WARNING }, { 20, SEV_CRITICAL },
		};

		check_levels("syn-recv", r, ch, sizeof(ch) / sizeof(ch[0]), "changed %");
	}

	/* Requests that resent their SYN-ACK, against a large backlog. */
	reset();
	set_sys(SYS_TCP_SYNACK_RETRIES, 5);
	l.wqueue = 4096;
	snapshot_add(&snap, &l);
	r.retrans = 2;
	check_levels("syn-recv", r, stalled, sizeof(stalled) / sizeof(stalled[0]), "resent");
	ev_num_is("resent_synack", 50, "syn-recv: resent SYN-ACK evidence");
	ev_num_is("dropped_after", 63, "syn-recv: dropped after 63 s (synack_retries 5)");
	ev_text_has("retries", "2 of 5", "syn-recv: retries so far of tcp_synack_retries");
	ev_unknown(SYS_TCP_SYNCOOKIES, "syn-recv: tcp_syncookies unknown");
	reset();
	snapshot_add(&snap, &l);
	set_th("syn-recv.warning=20");
	{
		static const struct level ch[] = { { 19, SEV_INFO }, { 20, SEV_WARNING } };

		check_levels("syn-recv", r, ch, sizeof(ch) / sizeof(ch[0]), "changed resent");
	}
	ev_unknown(SYS_TCP_SYNACK_RETRIES, "syn-recv: tcp_synack_retries unknown");
	ok(ev(&fnd, "dropped_after") == NULL, "syn-recv: no drop time when synack_retries unknown");

	/* A request on another port or address family is not this listener's. */
	reset();
	l.wqueue = 10;
	snapshot_add(&snap, &l);
	{
		struct tcp_sock o = mk(TS_SYN_RECV, SK_REQUEST, 0, "10.0.0.1", 81, "198.51.100.2", 0);
		struct tcp_sock o6 = mk(TS_SYN_RECV, SK_REQUEST, 0, "2001:db8::1", 80,
					"2001:db8::2", 0);

		add_n(50, o);
		add_n(50, o6);
	}
	sev_is(eval("syn-recv"), SEV_OK, "syn-recv: requests for other listeners -> ok");
	is_int(snap.listeners[0].syn_recv, 0, "syn-recv: none counted on the listener");

	/* Syncookies and drops (rates). */
	reset();
	set_delta(CTR_SYNCOOKIES_SENT, 0);
	set_delta(CTR_REQQ_FULL_DROP, 0);
	sev_is(eval("syn-recv"), SEV_OK, "syn-recv: no cookies, no drops -> ok");
	set_delta(CTR_SYNCOOKIES_SENT, 20);
	sev_is(eval("syn-recv"), SEV_WARNING, "syn-recv: SYN cookies sent -> warning");
	has_str(fnd.summary, "2.0 SYN cookies/s", "syn-recv: summary gives the cookie rate");
	ev_num_is("syncookies_sent_rate", 2, "syn-recv: cookie rate evidence");
	set_delta(CTR_REQQ_FULL_DROP, 1);
	sev_is(eval("syn-recv"), SEV_CRITICAL, "syn-recv: SYNs dropped -> critical");
	has_str(fnd.summary, "0.1 SYNs dropped/s", "syn-recv: summary gives the drop rate");
	in.interval = 0;
	sev_is(eval("syn-recv"), SEV_OK, "syn-recv: interval 0 -> no rates -> ok");

	/*
	 * tcp_syncookies=2 sends a cookie for every SYN, queue full or not
	 * (reference 3, tcp_syncookies; 4, TCPReqQFullDoCookies "or
	 * syncookies=2"): SyncookiesSent rising is then normal traffic, not a
	 * request queue overflowing.
	 */
	reset();
	set_sys(SYS_TCP_SYNCOOKIES, 2);
	set_delta(CTR_SYNCOOKIES_SENT, 1000);
	set_delta(CTR_REQQ_FULL_DROP, 0);
	ok(eval("syn-recv") < SEV_WARNING,
	   "syn-recv: cookies with tcp_syncookies=2 are not an overflow (ref 3, 4)");
	set_sys(SYS_TCP_SYNCOOKIES, 1);
	sev_is(eval("syn-recv"), SEV_WARNING, "syn-recv: cookies with tcp_syncookies=1 -> warning");
	ev_num_is("tcp_syncookies", 1, "syn-recv: tcp_syncookies evidence");
}

/* ---- listen-overflow --------------------------------------------------------------- */

static void add_listener(const char *addr, uint16_t port, uint32_t aq, uint32_t backlog)
{
	struct tcp_sock l = mk(TS_LISTEN, SK_FULL, 6000u + port, addr, port, addr, 0);

	l.rqueue = aq;
	l.wqueue = backlog;
	snapshot_add(&snap, &l);
}

static void test_listen_overflow(void)
{
	static const struct {
		uint32_t aq;
		enum severity want;
	} q[] = {
		{ 0, SEV_OK }, { 79, SEV_OK }, { 80, SEV_WARNING }, { 99, SEV_WARNING },
		{ 100, SEV_WARNING }, /* full means aq > backlog (sk_acceptq_is_full) */
		{ 101, SEV_CRITICAL },
	};
	char name[128];
	size_t i;
	const struct evidence *e;

	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		reset();
		add_listener("0.0.0.0", 8080, q[i].aq, 100);
		add_listener("0.0.0.0", 22, 0, 128);
		snprintf(name, sizeof(name), "listen-overflow: accept queue %u of backlog 100 -> %s",
			 q[i].aq, rules_severity_name(q[i].want));
		sev_is(eval("listen-overflow"), q[i].want, name);
	}
	has_str(fnd.summary, "1 listener with a full accept queue", "listen-overflow: summary full");
	has_str(fnd.summary, "does not accept() fast enough",
		"listen-overflow: summary blames the local application's accept()");
	e = ev(&fnd, "listeners");
	ok(e && e->type == EV_LIST && e->nitems == 1 &&
	   !strcmp(e->items[0].what, "0.0.0.0:8080 backlog 100") && e->items[0].count == 101,
	   "listen-overflow: the full listener listed with its queue");
	ev_unknown(SYS_SOMAXCONN, "listen-overflow: somaxconn unknown");

	reset();
	add_listener("0.0.0.0", 8080, 80, 100);
	sev_is(eval("listen-overflow"), SEV_WARNING, "listen-overflow: 80% -> warning");
	has_str(fnd.summary, "nearly full", "listen-overflow: summary nearly full");

	/* Several listeners: the fullest first; IPv6. */
	reset();
	add_listener("10.0.0.1", 1, 3, 2);
	add_listener("::", 443, 129, 128);
	add_listener("10.0.0.1", 2, 90, 100);
	add_listener("10.0.0.1", 3, 0, 0);
	set_sys(SYS_SOMAXCONN, 4096);
	sev_is(eval("listen-overflow"), SEV_CRITICAL, "listen-overflow: two full -> critical");
	has_str(fnd.summary, "2 listeners with a full accept queue", "listen-overflow: 2 full");
	e = ev(&fnd, "listeners");
	ok(e && e->nitems == 3 && e->items[0].count == 129 && e->items[1].count == 90 &&
	   e->items[2].count == 3, "listen-overflow: fullest first, empty one left out");
	ok(e && !strcmp(e->items[0].what, "[::]:443 backlog 128"), "listen-overflow: v6 listener");
	ev_num_is("somaxconn", 4096, "listen-overflow: somaxconn evidence");

	/* Changed queue threshold. */
	reset();
	set_th("listen-overflow.queue_warning=50");
	add_listener("0.0.0.0", 8080, 49, 100);
	sev_is(eval("listen-overflow"), SEV_OK, "listen-overflow queue_warning=50: 49% -> ok");
	reset();
	set_th("listen-overflow.queue_warning=50");
	add_listener("0.0.0.0", 8080, 50, 100);
	sev_is(eval("listen-overflow"), SEV_WARNING, "listen-overflow queue_warning=50: 50% -> warning");

	/* Rates. */
	reset();
	add_listener("0.0.0.0", 8080, 0, 100);
	set_delta(CTR_LISTEN_OVERFLOWS, 0);
	set_delta(CTR_LISTEN_DROPS, 0);
	sev_is(eval("listen-overflow"), SEV_OK, "listen-overflow: counters flat -> ok");
	set_delta(CTR_LISTEN_OVERFLOWS, 1);
	set_delta(CTR_LISTEN_DROPS, 1);
	sev_is(eval("listen-overflow"), SEV_WARNING, "listen-overflow: ListenOverflows rising -> warning");
	has_str(fnd.summary, "ListenOverflows 0.1/s", "listen-overflow: summary gives the rate");
	ev_num_is("listen_overflows_rate", 0.1, "listen-overflow: overflow rate evidence");
	set_delta(CTR_LISTEN_OVERFLOWS, 0);
	sev_is(eval("listen-overflow"), SEV_WARNING, "listen-overflow: ListenDrops alone -> warning");
	set_delta(CTR_LISTEN_DROPS, 0);
	set_th("listen-overflow.rate_warning=1");
	set_delta(CTR_LISTEN_OVERFLOWS, 10);
	sev_is(eval("listen-overflow"), SEV_OK, "listen-overflow rate_warning=1: 1.0/s -> ok");
	set_delta(CTR_LISTEN_OVERFLOWS, 11);
	sev_is(eval("listen-overflow"), SEV_WARNING, "listen-overflow rate_warning=1: 1.1/s -> warning");
	in.before = NULL;
	sev_is(eval("listen-overflow"), SEV_OK, "listen-overflow: not sampled -> ok");
	in.before = &before;
	in.interval = 0;
	sev_is(eval("listen-overflow"), SEV_OK, "listen-overflow: interval 0 -> ok");
	/* A counter reset (after < before) is no rate. */
	in.interval = 10;
	before.c[CTR_LISTEN_OVERFLOWS].v = 5000;
	sev_is(eval("listen-overflow"), SEV_OK, "listen-overflow: counter went backwards -> ok");
}

/* ---- orphans -------------------------------------------------------------------- */

static void test_orphans(void)
{
	static const struct {
		uint64_t n;
		enum severity want;
	} lv[] = {
		{ 0, SEV_OK }, { 249, SEV_OK }, { 250, SEV_WARNING }, { 499, SEV_WARNING },
		{ 500, SEV_CRITICAL }, { 2000, SEV_CRITICAL },
	};
	char name[128];
	size_t i;

	reset();
	set_sys(SYS_TCP_MAX_ORPHANS, 1000);
	for (i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
		set_gauge(CTR_SOCKSTAT_TCP_ORPHAN, lv[i].n);
		snprintf(name, sizeof(name), "orphans: %llu of tcp_max_orphans 1000 -> %s",
			 (unsigned long long)lv[i].n, rules_severity_name(lv[i].want));
		sev_is(eval("orphans"), lv[i].want, name);
	}
	has_str(fnd.summary, "2000 orphaned sockets: 200% of tcp_max_orphans (1000)",
		"orphans: summary");
	ev_num_is("orphans", 2000, "orphans: sockstat orphans evidence");
	ev_num_is("tcp_max_orphans", 1000, "orphans: tcp_max_orphans evidence");

	set_th("orphans.warning=10");
	set_th("orphans.critical=20");
	set_gauge(CTR_SOCKSTAT_TCP_ORPHAN, 99);
	sev_is(eval("orphans"), SEV_OK, "orphans changed: 9.9% -> ok");
	set_gauge(CTR_SOCKSTAT_TCP_ORPHAN, 100);
	sev_is(eval("orphans"), SEV_WARNING, "orphans changed: 10% -> warning");
	set_gauge(CTR_SOCKSTAT_TCP_ORPHAN, 200);
	sev_is(eval("orphans"), SEV_CRITICAL, "orphans changed: 20% -> critical");

	/* A child namespace: tcp_max_orphans is absent. Never guess. */
	reset();
	set_gauge(CTR_SOCKSTAT_TCP_ORPHAN, 1000000);
	sev_is(eval("orphans"), SEV_OK, "orphans: tcp_max_orphans unknown -> ok");
	is_int(fnd.nev, 0, "orphans: unknown limit -> no finding at all");
	set_sys(SYS_TCP_MAX_ORPHANS, 0);
	sev_is(eval("orphans"), SEV_OK, "orphans: tcp_max_orphans 0 -> ok (no division)");

	/* No sockstat: the orphans in the dump. */
	reset();
	set_sys(SYS_TCP_MAX_ORPHANS, 1000);
	add_n(200, mk(TS_FIN_WAIT1, SK_FULL, 0, "10.0.0.1", 80, "192.0.2.1", 1));
	add_n(49, mk(TS_LAST_ACK, SK_FULL, 0, "10.0.0.1", 80, "192.0.2.1", 2));
	add_n(10, mk(TS_LAST_ACK, SK_FULL, 7, "10.0.0.1", 80, "192.0.2.1", 3)); /* open */
	sev_is(eval("orphans"), SEV_OK, "orphans: 249 orphans in the dump -> ok");
	add_n(1, mk(TS_CLOSING, SK_FULL, 0, "10.0.0.1", 80, "192.0.2.1", 4));
	sev_is(eval("orphans"), SEV_WARNING, "orphans: 250 orphans in the dump -> warning");
	ev_num_is("orphans_here", 250, "orphans: orphans in this dump");
	/* sockstat is host-wide and wins over the dump. */
	set_gauge(CTR_SOCKSTAT_TCP_ORPHAN, 600);
	sev_is(eval("orphans"), SEV_CRITICAL, "orphans: host-wide sockstat used when known");
	set_delta(CTR_ABORT_ON_MEMORY, 5);
	eval("orphans");
	ev_num_is("abort_on_memory_rate", 0.5, "orphans: TCPAbortOnMemory rate evidence");
}

/* ---- tcp-memory ----------------------------------------------------------------- */

static void test_tcp_memory(void)
{
	static const struct {
		uint64_t pages;
		enum severity want;
	} lv[] = {
		{ 0, SEV_OK }, { 199, SEV_OK }, { 200, SEV_WARNING }, { 299, SEV_WARNING },
		{ 300, SEV_CRITICAL }, { 301, SEV_CRITICAL },
	};
	char name[128];
	size_t i;

	reset();
	set_sys3(SYS_TCP_MEM, 100, 200, 300);
	for (i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
		set_gauge(CTR_SOCKSTAT_TCP_MEM, lv[i].pages);
		snprintf(name, sizeof(name), "tcp-memory: %llu pages, tcp_mem 100 200 300 -> %s",
			 (unsigned long long)lv[i].pages, rules_severity_name(lv[i].want));
		sev_is(eval("tcp-memory"), lv[i].want, name);
	}
	has_str(fnd.summary, "at tcp_mem's maximum", "tcp-memory: summary critical");
	ev_text_has("tcp_mem", "100 200 300", "tcp-memory: tcp_mem evidence");
	ev_num_is("pages", 301, "tcp-memory: pages evidence");
	set_gauge(CTR_SOCKSTAT_TCP_MEM, 250);
	eval("tcp-memory");
	has_str(fnd.summary, "above tcp_mem's pressure threshold", "tcp-memory: summary warning");

	set_th("tcp-memory.warning=50");
	set_th("tcp-memory.critical=90");
	set_gauge(CTR_SOCKSTAT_TCP_MEM, 99);
	sev_is(eval("tcp-memory"), SEV_OK, "tcp-memory changed: 49.5% of pressure -> ok");
	set_gauge(CTR_SOCKSTAT_TCP_MEM, 100);
	sev_is(eval("tcp-memory"), SEV_WARNING, "tcp-memory changed: 50% of pressure -> warning");
	set_gauge(CTR_SOCKSTAT_TCP_MEM, 270);
	sev_is(eval("tcp-memory"), SEV_CRITICAL, "tcp-memory changed: 90% of max -> critical");

	/* Unknown: never guessed. */
	reset();
	set_gauge(CTR_SOCKSTAT_TCP_MEM, 1000000);
	sev_is(eval("tcp-memory"), SEV_OK, "tcp-memory: tcp_mem unknown -> ok");
	is_int(fnd.nev, 0, "tcp-memory: unknown -> no evidence");
	set_sys2(SYS_TCP_MEM, 100, 200);
	sev_is(eval("tcp-memory"), SEV_OK, "tcp-memory: tcp_mem with 2 values -> ok");
	reset();
	set_sys3(SYS_TCP_MEM, 100, 200, 300);
	sev_is(eval("tcp-memory"), SEV_OK, "tcp-memory: sockstat mem unknown -> ok");
	in.after = NULL;
	sev_is(eval("tcp-memory"), SEV_OK, "tcp-memory: no counters -> ok");
}

/* ---- established ---------------------------------------------------------------- */

static void test_established(void)
{
	struct tcp_sock s = mk(TS_ESTABLISHED, SK_FULL, 31, "10.0.0.1", 5432, "10.0.0.50", 40000);
	struct tcp_sock r;

	reset();
	add_n(100, s); /* healthy */
	sev_is(eval("established"), SEV_OK, "established: healthy -> ok");

	/* Unread data: rq >= rq_bytes (65536). */
	s.rqueue = 65535;
	snapshot_add(&snap, &s);
	sev_is(eval("established"), SEV_OK, "established: rq 65535 -> ok");
	s.rqueue = 65536;
	snapshot_add(&snap, &s);
	sev_is(eval("established"), SEV_WARNING, "established: rq 65536 -> warning");
	has_str(fnd.summary, "1 with unread data", "established: summary unread data");
	has_str(fnd.reason, "the local application does not read",
		"established: reason blames the local application for unread data");
	ev_num_is("unread", 1, "established: unread evidence");
	ev_num_is("max_recv_queue", 65536, "established: largest receive queue");
	set_th("established.unread_warning=2");
	sev_is(eval("established"), SEV_OK, "established unread_warning=2: 1 -> ok");
	s.rqueue = 1 << 20;
	snapshot_add(&snap, &s);
	sev_is(eval("established"), SEV_WARNING, "established unread_warning=2: 2 -> warning");

	reset();
	set_th("established.rq_bytes=1024");
	s.rqueue = 1023;
	snapshot_add(&snap, &s);
	sev_is(eval("established"), SEV_OK, "established rq_bytes=1024: rq 1023 -> ok");
	s.rqueue = 1024;
	snapshot_add(&snap, &s);
	sev_is(eval("established"), SEV_WARNING, "established rq_bytes=1024: rq 1024 -> warning");

	/* Zero window: the persist timer. */
	reset();
	set_sys(SYS_TCP_RETRIES2, 15);
	r = mk(TS_ESTABLISHED, SK_FULL, 32, "10.0.0.1", 5432, "10.0.0.51", 40001);
	r.timer = ST_PERSIST;
	snapshot_add(&snap, &r);
	sev_is(eval("established"), SEV_WARNING, "established: persist timer -> warning");
	has_str(fnd.summary, "1 whose peer does not read",
		"established: summary blames the peer for a zero window");
	ev_num_is("zero_window", 1, "established: zero window evidence");
	ev_num_is("tcp_retries2", 15, "established: tcp_retries2 evidence");
	set_th("established.zero_window_warning=2");
	sev_is(eval("established"), SEV_OK, "established zero_window_warning=2: 1 -> ok");

	/* Retransmission timeouts. */
	reset();
	r = mk(TS_ESTABLISHED, SK_FULL, 33, "10.0.0.1", 5432, "10.0.0.52", 40002);
	r.timer = ST_RETRANS;
	r.retrans = 3;
	add_n(4, r);
	sev_is(eval("established"), SEV_OK, "established: 4 retransmitting -> ok");
	add_n(1, r);
	sev_is(eval("established"), SEV_WARNING, "established: 5 retransmitting -> warning");
	has_str(fnd.summary, "5 retransmitting", "established: summary retransmitting");
	ev_num_is("max_retrans", 3, "established: most consecutive timeouts");
	ev_unknown(SYS_TCP_RETRIES2, "established: tcp_retries2 unknown");
	set_th("established.retrans_warning=6");
	sev_is(eval("established"), SEV_OK, "established retrans_warning=6: 5 -> ok");

	/* All three at once. */
	reset();
	s.rqueue = 100000;
	snapshot_add(&snap, &s);
	r.timer = ST_PERSIST;
	r.retrans = 0;
	snapshot_add(&snap, &r);
	r.timer = ST_RETRANS;
	r.retrans = 1;
	add_n(5, r);
	sev_is(eval("established"), SEV_WARNING, "established: all three -> warning");
	has_str(fnd.summary, "1 with unread data, 1 whose peer does not read, 5 retransmitting",
		"established: summary lists all three");

	/*
	 * Reference 1.2 (timer table): idiag_retrans is icsk_retransmits only
	 * for timer 1; for timer 4 (persist) and 2 (keepalive) it is
	 * icsk_probes_out. Zero-window probes are not retransmission timeouts,
	 * and reference 5 (ESTABLISHED, FIN_WAIT1) tells them apart: persist
	 * = the peer does not read, timer 1 with retrans > 0 = loss.
	 */
	reset();
	r = mk(TS_ESTABLISHED, SK_FULL, 34, "10.0.0.1", 5432, "10.0.0.53", 40003);
	r.timer = ST_PERSIST;
	r.retrans = 3; /* zero-window probes sent */
	add_n(5, r);
	sev_is(eval("established"), SEV_WARNING, "established: 5 zero windows -> warning");
	has_str(fnd.summary, "5 whose peer does not read", "established: probing = peer not reading");
	lacks_str(fnd.summary, "retransmitting",
		  "established: zero-window probes are not retransmission timeouts (ref 1.2)");
	ev_num_is("retransmitting", 0,
		  "established: retransmitting counts timer 1 only, not persist probes (ref 1.2)");
	reset();
	r.timer = ST_KEEPALIVE;
	r.retrans = 2; /* keepalive probes unanswered */
	add_n(5, r);
	ev_num_is("retransmitting", 0,
		  "established: keepalive probes are not retransmission timeouts (ref 1.2)");
	{
		/* The same in FIN-WAIT-1: a zero window is not loss. */
		struct tcp_sock w = mk(TS_FIN_WAIT1, SK_FULL, 0, "10.0.0.1", 443, "192.0.2.7", 1);

		reset();
		w.timer = ST_PERSIST;
		w.retrans = 4;
		add_n(3, w);
		eval("fin-wait-1");
		ev_num_is("zero_window", 3, "fin-wait-1: persist = zero window");
		ev_num_is("retransmitting", 0,
			  "fin-wait-1: zero-window probes are not loss (ref 1.2, 5 FIN_WAIT1)");
	}
}

/* ---- aborts --------------------------------------------------------------------- */

static void aborts_flat(void)
{
	set_delta(CTR_ABORT_ON_TIMEOUT, 0);
	set_delta(CTR_ABORT_ON_MEMORY, 0);
	set_delta(CTR_ABORT_ON_CLOSE, 0);
	set_delta(CTR_ABORT_ON_DATA, 0);
	set_delta(CTR_ABORT_ON_LINGER, 0);
}

static void test_aborts(void)
{
	reset();
	sev_is(eval("aborts"), SEV_OK, "aborts: counters unknown -> ok");
	/* Cumulative totals alone say nothing. */
	set_gauge(CTR_ABORT_ON_MEMORY, 123456);
	set_gauge(CTR_ABORT_ON_TIMEOUT, 123456);
	in.before = NULL;
	sev_is(eval("aborts"), SEV_OK, "aborts: one read only (not sampled) -> ok");
	is_int(fnd.nev, 0, "aborts: not sampled -> no evidence");

	reset();
	aborts_flat();
	sev_is(eval("aborts"), SEV_OK, "aborts: all flat -> ok");
	set_delta(CTR_ABORT_ON_CLOSE, 1);
	sev_is(eval("aborts"), SEV_INFO, "aborts: OnClose rising -> info");
	has_str(fnd.summary, "0.1/s by the application", "aborts: summary gives the app rate");
	ev_num_is("on_close_rate", 0.1, "aborts: on_close_rate evidence");
	set_delta(CTR_ABORT_ON_CLOSE, 0);
	set_delta(CTR_ABORT_ON_DATA, 1);
	sev_is(eval("aborts"), SEV_INFO, "aborts: OnData rising -> info");
	set_delta(CTR_ABORT_ON_DATA, 0);
	set_delta(CTR_ABORT_ON_LINGER, 1);
	sev_is(eval("aborts"), SEV_INFO, "aborts: OnLinger rising -> info");
	set_delta(CTR_ABORT_ON_TIMEOUT, 2);
	sev_is(eval("aborts"), SEV_WARNING, "aborts: OnTimeout rising -> warning");
	has_str(fnd.summary, "0.2/s on timeout", "aborts: summary gives the timeout rate");
	set_delta(CTR_ABORT_ON_MEMORY, 1);
	sev_is(eval("aborts"), SEV_CRITICAL, "aborts: OnMemory rising -> critical");
	has_str(fnd.summary, "0.1/s for memory", "aborts: summary gives the memory rate");
	ev_num_is("on_memory_rate", 0.1, "aborts: on_memory_rate evidence");

	in.interval = 0;
	sev_is(eval("aborts"), SEV_OK, "aborts: interval 0 -> ok");
	in.interval = 10;

	/* Changed thresholds: a rate must be above (>) the threshold. */
	reset();
	aborts_flat();
	set_th("aborts.timeout_warning=1");
	set_th("aborts.memory_critical=1");
	set_th("aborts.close_info=1");
	set_delta(CTR_ABORT_ON_TIMEOUT, 10);
	set_delta(CTR_ABORT_ON_MEMORY, 10);
	set_delta(CTR_ABORT_ON_CLOSE, 5);
	set_delta(CTR_ABORT_ON_DATA, 5);
	sev_is(eval("aborts"), SEV_OK, "aborts changed: every rate exactly at 1/s -> ok");
	set_delta(CTR_ABORT_ON_LINGER, 1);
	sev_is(eval("aborts"), SEV_INFO, "aborts changed: app resets 1.1/s -> info");
	set_delta(CTR_ABORT_ON_TIMEOUT, 11);
	sev_is(eval("aborts"), SEV_WARNING, "aborts changed: timeouts 1.1/s -> warning");
	set_delta(CTR_ABORT_ON_MEMORY, 11);
	sev_is(eval("aborts"), SEV_CRITICAL, "aborts changed: memory 1.1/s -> critical");
}

/* ---- rules_eval ------------------------------------------------------------------ */

static void test_eval_all(void)
{
	struct findings out;
	enum severity worst;
	unsigned int i;
	int sorted = 1;

	/* Nothing at all, no settings, no counters. */
	reset();
	in.sys = NULL;
	in.before = NULL;
	in.after = NULL;
	in.interval = 0;
	memset(&out, 0x5a, sizeof(out));
	worst = rules_eval(&in, &th, &out);
	sev_is(worst, SEV_OK, "eval: empty -> ok");
	is_int(out.n, 0, "eval: empty -> no findings");

	/* listen-overflow critical, close-wait critical, fin-wait-2 warning,
	 * time-wait info, aborts info; everything else ok. */
	reset();
	add_listener("0.0.0.0", 8080, 11, 10);
	add_n(600, mk(TS_CLOSE_WAIT, SK_FULL, 12, "10.0.0.1", 8080, "10.0.0.2", 1));
	add_n(60, mk(TS_FIN_WAIT2, SK_TIMEWAIT, 0, "10.0.0.1", 41000, "10.0.0.3", 80));
	add_n(3, mk(TS_TIME_WAIT, SK_TIMEWAIT, 0, "10.0.0.1", 41001, "10.0.0.4", 80));
	aborts_flat();
	set_delta(CTR_ABORT_ON_CLOSE, 1);
	worst = rules_eval(&in, &th, &out);
	sev_is(worst, SEV_CRITICAL, "eval: returns the worst severity");
	is_int(out.n, 5, "eval: only findings above ok are kept");
	if (out.n == 5) {
		static const char *const order[] = { "listen-overflow", "close-wait", "fin-wait-2",
						      "time-wait", "aborts" };
		static const enum severity sev[] = { SEV_CRITICAL, SEV_CRITICAL, SEV_WARNING,
						     SEV_INFO, SEV_INFO };
		int same = 1;

		for (i = 0; i < 5; i++)
			if (strcmp(out.f[i].id, order[i]) || out.f[i].severity != sev[i])
				same = 0;
		if (!ok(same, "eval: most severe first, ties in table order"))
			for (i = 0; i < 5; i++)
				tap_diag("  %u: %s %s", i, out.f[i].id,
					 rules_severity_name(out.f[i].severity));
		has_str(out.f[1].summary, "never called close()", "eval: findings keep their text");
	}
	for (i = 1; i < out.n; i++)
		if (out.f[i - 1].severity < out.f[i].severity)
			sorted = 0;
	ok(sorted, "eval: severities descending");

	/* A rule whose state was not asked for says nothing, even with sockets
	 * of that state in the snapshot (a replay, say). */
	reset_states(STATES_DEFAULT_MASK & ~STATE_BIT(TS_CLOSE_WAIT) & ~STATE_BIT(TS_TIME_WAIT));
	add_n(600, mk(TS_CLOSE_WAIT, SK_FULL, 12, "10.0.0.1", 8080, "10.0.0.2", 1));
	add_n(3, mk(TS_TIME_WAIT, SK_TIMEWAIT, 0, "10.0.0.1", 41001, "10.0.0.4", 80));
	set_delta(CTR_TW_OVERFLOW, 5);
	worst = rules_eval(&in, &th, &out);
	sev_is(worst, SEV_OK, "eval: close-wait and time-wait not queried -> ok");
	is_int(out.n, 0, "eval: ... and no finding");
	/* Rules about no state still run. */
	reset_states(STATE_BIT(TS_ESTABLISHED));
	aborts_flat();
	set_delta(CTR_ABORT_ON_MEMORY, 1);
	add_n(600, mk(TS_CLOSE_WAIT, SK_FULL, 12, "10.0.0.1", 8080, "10.0.0.2", 1));
	worst = rules_eval(&in, &th, &out);
	sev_is(worst, SEV_CRITICAL, "eval: aborts runs whatever states were asked for");
	ok(out.n == 1 && !strcmp(out.f[0].id, "aborts"), "eval: only aborts reported");

	/* Changed thresholds reach the rules through rules_eval. */
	reset();
	add_n(20, mk(TS_CLOSE_WAIT, SK_FULL, 12, "10.0.0.1", 8080, "10.0.0.2", 1));
	worst = rules_eval(&in, &th, &out);
	sev_is(worst, SEV_WARNING, "eval: 20 CLOSE-WAIT -> warning");
	set_th("close-wait.warning=50");
	worst = rules_eval(&in, &th, &out);
	sev_is(worst, SEV_INFO, "eval: close-wait.warning=50: 20 -> info");
	ok(out.n == 1 && out.f[0].severity == SEV_INFO, "eval: finding severity set to info");
}

int main(void)
{
	test_table();
	test_threshold_set();
	test_give_up();
	test_close_wait();
	test_fin_wait2();
	test_closing_states();
	test_time_wait();
	test_ephemeral();
	test_syn_sent();
	test_syn_recv();
	test_listen_overflow();
	test_orphans();
	test_tcp_memory();
	test_established();
	test_aborts();
	test_eval_all();
	snapshot_free(&snap);
	return done_testing();
}

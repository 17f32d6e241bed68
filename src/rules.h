/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rules.h - the diagnosis: a const table of rules that turn a snapshot, the
 * kernel's settings and its counters into findings in plain language.
 *
 * Each rule has an id ("close-wait"), the state or counters it looks at,
 * named thresholds with documented defaults (changeable with
 * --threshold RULE.PARAM=VALUE), and an evaluation that says how bad things
 * are (ok, info, warning, critical), what it means in one line, why in a
 * sentence or two, the evidence, and what to do. Every evaluation is a pure
 * function of const inputs: the unit tests feed constructed snapshots.
 * Owns struct findings (fixed size, no allocation). Called by main; read by
 * the renderers and check.
 */
#ifndef TCPDX_RULES_H
#define TCPDX_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "snapshot.h"
#include "sysctl.h"

enum severity { SEV_OK, SEV_INFO, SEV_WARNING, SEV_CRITICAL };

/* "ok", "info", "warning", "critical" */
const char *rules_severity_name(enum severity s);

#define RULE_MAX_PARAMS 5
#define RULES_MAX 16

struct rule_param {
	const char *name;      /* "warning" */
	double def;            /* the default */
	const char *unit;      /* "sockets", "%", "bytes", "per second" */
	const char *help;      /* one line for the man page and explain */
};

struct thresholds {
	double v[RULES_MAX][RULE_MAX_PARAMS];
};

/* Everything a rule may look at. */
struct rules_input {
	const struct snapshot *snap;
	const struct sysctls *sys;
	const struct counters *before; /* first read; NULL if not sampled */
	const struct counters *after;  /* second read (or the only one) */
	double interval;               /* seconds between before and after; 0 = no rates */
};

/* One piece of evidence: a number, a text, or a short ranked list. */
enum ev_type { EV_NUM, EV_TEXT, EV_LIST };

#define EV_LIST_MAX 5
#define EV_TEXT_MAX 160

struct ev_item {
	char what[64];         /* "10.0.0.1", "port 8080", "127.0.0.1 -> 10.0.0.1:5432" */
	uint64_t count;
};

struct evidence {
	const char *key;       /* JSON key: "count", "top_local_ports" */
	const char *label;     /* text label: "local ports" */
	enum ev_type type;
	double num;            /* EV_NUM */
	const char *unit;      /* EV_NUM: "s", "sockets", NULL */
	char text[EV_TEXT_MAX];/* EV_TEXT */
	struct ev_item items[EV_LIST_MAX]; /* EV_LIST */
	unsigned int nitems;
};

#define FINDING_EV_MAX 10
#define FINDING_TEXT_MAX 400

struct finding {
	const char *id;        /* the rule's id */
	enum severity severity;
	char summary[FINDING_TEXT_MAX];
	char reason[FINDING_TEXT_MAX * 2];
	char advice[FINDING_TEXT_MAX * 2];
	struct evidence ev[FINDING_EV_MAX];
	unsigned int nev;
};

struct findings {
	struct finding f[RULES_MAX];
	unsigned int n;
};

struct rule {
	const char *id;
	const char *title;          /* "CLOSE-WAIT pile-up" */
	const char *looks_at;       /* one line: what it reads */
	int state;                  /* the TCP state it is about, 0 if none */
	struct rule_param params[RULE_MAX_PARAMS];
	/* Fills @f (already zeroed, id set) and returns its severity. */
	enum severity (*eval)(const struct rules_input *in, const double *th, struct finding *f);
};

/* The table, and its size. */
extern const struct rule rules_table[];
extern const size_t rules_count;

const struct rule *rules_find(const char *id);

/* "listen-overflow, syn-sent, ...": every id, for messages and help. */
void rules_id_list(char *buf, size_t len);

/* Every parameter at its default. */
void rules_thresholds_default(struct thresholds *t);

/**
 * rules_threshold_set() - apply "RULE.PARAM=VALUE".
 * Returns 0, or -EINVAL with a one-line message in @err naming what was wrong
 * (unknown rule, unknown parameter of that rule, a value that is not a
 * non-negative number) and what is accepted.
 */
int rules_threshold_set(struct thresholds *t, const char *spec, char *err, size_t errlen);

/*
 * How long until the kernel gives up (seconds), from the live settings;
 * used by the rules, the
 * settings shown with the text and explain.
 *  syn_sent: connect()'s ETIMEDOUT after the first SYN, given
 *   tcp_syn_retries @n, tcp_syn_linear_timeouts @linear (0 before 6.5, where
 *   the setting does not exist) and the maximum RTO @rto_max_ms.
 *  syn_recv: a request is dropped after the first SYN-ACK, given
 *   tcp_synack_retries @n.
 */
double rules_syn_sent_give_up(long long n, long long linear, long long rto_max_ms);

/* The maximum RTO in ms: tcp_rto_max_ms, or the kernel's fixed 120 s before
 * 6.15 (where the setting does not exist). @sys may be NULL. */
long long rules_rto_max_ms(const struct sysctls *sys);

/* tcp_model_timeout() (tcp_timer.c): how long @n retransmissions take when
 * the timeout starts at @base_s seconds and doubles up to @rto_max_ms. */
double rules_model_timeout(long long n, double base_s, long long rto_max_ms);
double rules_syn_recv_give_up(long long n, long long rto_max_ms);

/**
 * rules_eval() - run every rule. Findings with a severity above ok are kept,
 * most severe first (ties in table order). Returns the worst severity.
 */
enum severity rules_eval(const struct rules_input *in, const struct thresholds *t,
			 struct findings *out);

#endif

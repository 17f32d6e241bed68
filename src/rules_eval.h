/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rules_eval.h - the evaluation of each rule, one function per rule id.
 *
 * Private to the rules module: rules.c puts these in its table. Each reads
 * only its const input and its thresholds (in the order of the rule's params)
 * and fills the finding it is given. Pure.
 */
#ifndef TCPDX_RULES_EVAL_H
#define TCPDX_RULES_EVAL_H

#include "rules.h"

#define RULE_EVAL(name) \
	enum severity rule_##name(const struct rules_input *in, const double *th, struct finding *f)

RULE_EVAL(listen_overflow);
RULE_EVAL(syn_sent);
RULE_EVAL(syn_recv);
RULE_EVAL(close_wait);
RULE_EVAL(fin_wait2);
RULE_EVAL(fin_wait1);
RULE_EVAL(last_ack);
RULE_EVAL(closing);
RULE_EVAL(time_wait);
RULE_EVAL(ephemeral_ports);
RULE_EVAL(orphans);
RULE_EVAL(tcp_memory);
RULE_EVAL(established);
RULE_EVAL(aborts);

/* Whether the snapshot asked the kernel for this state. */
bool states_queried_rule(const struct snapshot *s, unsigned int state);


#endif

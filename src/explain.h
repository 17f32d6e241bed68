/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * explain.h - the reference text behind `tcpdx explain`: what each TCP state
 * means (who sent what, who waits for what, what bounds it in time with the
 * live setting's value, what a pile-up means, what to do), what each rule
 * looks at and its thresholds, and the whole state machine on one page.
 *
 * Pure: text from const tables, filled in with the settings it is given
 * (unknown settings are said to be unknown). The man page says the same.
 * Called by main.
 */
#ifndef TCPDX_EXPLAIN_H
#define TCPDX_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>

#include "rules.h"
#include "sysctl.h"

/* The state machine and every state in short, on one page. */
int explain_overview(FILE *f, const struct sysctls *sys);

/**
 * explain_topic() - explain a state (any spelling states_lookup() takes) or
 * a rule id. A word that is both ("close-wait") gets both.
 * @th: the thresholds in force (defaults unless --threshold changed them).
 * Returns 0, -ENOENT if @topic is neither a state nor a rule, or -EIO if
 * writing failed.
 */
int explain_topic(FILE *f, const char *topic, const struct sysctls *sys,
		  const struct thresholds *th);

/* The words explain_topic() accepts, for messages and completions. */
extern const char explain_topics[];

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * finding.h - building one finding: its texts and its pieces of evidence.
 *
 * Helpers the rule evaluations call to fill a struct finding (rules.h)
 * without repeating formatting: numbers with units, texts, ranked lists made
 * from a top-k sketch, durations. Everything is truncated safely to the
 * fixed buffers. Pure.
 */
#ifndef TCPDX_FINDING_H
#define TCPDX_FINDING_H

#include "rules.h"
#include "snapshot.h"
#include "topk.h"

/* How a top-k key is shown. */
enum key_format {
	KEY_PORT,        /* "8080" */
	KEY_ADDR,        /* "10.0.0.1" */
	KEY_ADDR_PORT,   /* "10.0.0.1:5432", "[::1]:80" */
	KEY_TUPLE,       /* "10.0.0.2 -> 10.0.0.1:5432" (addr2 -> addr:port) */
};

void finding_summary(struct finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void finding_reason(struct finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void finding_advice(struct finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Evidence; ignored once FINDING_EV_MAX are there. */
void finding_num(struct finding *f, const char *key, const char *label, double v,
		 const char *unit);
void finding_text(struct finding *f, const char *key, const char *label, const char *fmt,
		  ...) __attribute__((format(printf, 4, 5)));
/* The EV_LIST_MAX largest keys of @t; nothing if @t is empty. */
void finding_top(struct finding *f, const char *key, const char *label, const struct topk *t,
		 enum key_format kf);

/* The processes of a snapshot's per-state owner sketch: "java (pid 4321)". */
void finding_top_procs(struct finding *f, const char *key, const char *label,
		       const struct topk *t, const struct snapshot *s);

/* "java (pid 4321)" for @pid, escaped for a terminal by the renderer. */
char *finding_proc_str(const struct snapshot *s, uint32_t pid, char *buf, size_t len);

/* An empty ranked list for the caller to fill (items, nitems), or NULL. */
struct evidence *finding_list(struct finding *f, const char *key, const char *label);

/* "131 s", "2 min 11 s", "1 h 5 min": seconds for people. */
char *finding_duration(double seconds, char *buf, size_t len);

/* Format a top-k key. */
char *finding_key_str(const struct topk_key *k, enum key_format kf, char *buf, size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - a tiny TAP producer for the unit tests (automake's tap-driver.sh
 * reads it). ok()/is_u64()/is_str() print one result each; done_testing()
 * prints the plan and returns the exit status.
 */
#ifndef TCPDX_TAP_H
#define TCPDX_TAP_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *file, int line, const char *name)
{
	tap_n++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, name) tap_ok(!!(cond), __FILE__, __LINE__, name)

#define is_u64(got, want, name)                                                          \
	do {                                                                             \
		uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);                    \
		if (!ok(g_ == w_, name))                                                 \
			printf("#   got %" PRIu64 ", want %" PRIu64 "\n", g_, w_);          \
	} while (0)

#define is_int(got, want, name)                                                          \
	do {                                                                             \
		long long g_ = (long long)(got), w_ = (long long)(want);                 \
		if (!ok(g_ == w_, name))                                                 \
			printf("#   got %lld, want %lld\n", g_, w_);                        \
	} while (0)

#define is_str(got, want, name)                                                          \
	do {                                                                             \
		const char *g_ = (got), *w_ = (want);                                    \
		if (!ok(g_ && w_ && !strcmp(g_, w_), name))                              \
			printf("#   got '%s'\n#  want '%s'\n", g_ ? g_ : "(null)",           \
			       w_ ? w_ : "(null)");                                       \
	} while (0)

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif

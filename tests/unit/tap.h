/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - a tiny TAP producer for the unit tests (automake's tap-driver.sh
 * reads it). ok()/is_u64()/is_int()/is_str()/is_mem()/has_str() print one
 * result each; skip() prints a skipped one; between todo_start() and
 * todo_end() failures are reported as TODO (XFAIL), not counted as failed;
 * done_testing() prints the plan and returns the exit status. Diagnostics go
 * to stdout as "# " lines, one per line of text, so that multi-line values
 * never look like TAP results.
 */
#ifndef TCPDX_TAP_H
#define TCPDX_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;
static const char *tap_todo;

static inline int tap_ok(int cond, const char *file, int line, const char *name)
{
	tap_n++;
	printf("%sok %d - %s", cond ? "" : "not ", tap_n, name);
	if (tap_todo)
		printf(" # TODO %s", tap_todo);
	putchar('\n');
	if (!cond) {
		if (!tap_todo)
			tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

/* A "# " diagnostic line. */
static inline void __attribute__((format(printf, 1, 2))) tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Print a value as "#   label 'text'", one "# " line per line of text, with
 * control characters and bytes >= 0x7f shown as \xNN. */
static inline void tap_show(const char *label, const char *s, size_t n)
{
	size_t i;

	printf("#   %s '", label);
	if (!s) {
		fputs("(null)'\n", stdout);
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			fputs("\\n\n#        ", stdout);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	fputs("'\n", stdout);
}

#define ok(cond, name) tap_ok(!!(cond), __FILE__, __LINE__, name)

#define is_u64(got, want, name)                                                          \
	do {                                                                             \
		uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);                    \
		if (!ok(g_ == w_, name))                                                 \
			printf("#   got %" PRIu64 " (0x%" PRIx64 "), want %" PRIu64        \
			       " (0x%" PRIx64 ")\n", g_, g_, w_, w_);                     \
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
		if (!ok(g_ && w_ && !strcmp(g_, w_), name)) {                            \
			tap_show("got ", g_, g_ ? strlen(g_) : 0);                       \
			tap_show("want", w_, w_ ? strlen(w_) : 0);                       \
		}                                                                        \
	} while (0)

/* @n bytes at @got equal those at @want. */
#define is_mem(got, want, n, name)                                                       \
	do {                                                                             \
		const void *g_ = (got), *w_ = (want);                                    \
		size_t n_ = (n), i_;                                                     \
		if (!ok(!memcmp(g_, w_, n_), name)) {                                    \
			for (i_ = 0; i_ < n_; i_++)                                      \
				if (((const unsigned char *)g_)[i_] !=                   \
				    ((const unsigned char *)w_)[i_])                     \
					break;                                           \
			printf("#   first difference at byte %zu: got 0x%02x, want 0x%02x\n", \
			       i_, ((const unsigned char *)g_)[i_],                      \
			       ((const unsigned char *)w_)[i_]);                          \
		}                                                                        \
	} while (0)

/* @needle occurs in @hay. */
#define has_str(hay, needle, name)                                                       \
	do {                                                                             \
		const char *h_ = (hay), *n_ = (needle);                                  \
		if (!ok(h_ && n_ && strstr(h_, n_), name)) {                             \
			tap_show("in  ", h_, h_ ? strlen(h_) : 0);                       \
			tap_show("want", n_, n_ ? strlen(n_) : 0);                       \
		}                                                                        \
	} while (0)

/* @needle does not occur in @hay. */
#define lacks_str(hay, needle, name)                                                     \
	do {                                                                             \
		const char *h_ = (hay), *n_ = (needle);                                  \
		if (!ok(h_ && n_ && !strstr(h_, n_), name)) {                            \
			tap_show("in  ", h_, h_ ? strlen(h_) : 0);                       \
			tap_show("not ", n_, n_ ? strlen(n_) : 0);                       \
		}                                                                        \
	} while (0)

static inline void skip(const char *why)
{
	tap_n++;
	printf("ok %d # SKIP %s\n", tap_n, why);
	fflush(stdout);
}

/* Failures until todo_end() are expected (known bugs); fixing the bug turns
 * them into unexpected passes, which fail the suite: then drop the TODO. */
static inline void todo_start(const char *why)
{
	tap_todo = why;
}

static inline void todo_end(void)
{
	tap_todo = NULL;
}

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

/* Line @n (0-based) of @text into @buf, without its newline; NULL past the
 * end. For tests that check rendered output line by line. */
static inline const char *line_n(const char *text, int n, char *buf, size_t size)
{
	const char *p = text, *e;
	size_t len;

	while (n-- > 0 && p) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p || !*p)
		return NULL;
	e = strchr(p, '\n');
	len = e ? (size_t)(e - p) : strlen(p);
	if (len >= size)
		len = size - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return buf;
}

#endif

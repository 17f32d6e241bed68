/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.h - allocation that never returns NULL, and small string helpers.
 *
 * x*alloc print one line and exit(1) when memory runs out: tcpdx has no
 * useful way to go on without it, and callers stay free of NULL checks.
 * Used by every module.
 */
#ifndef TCPDX_UTIL_H
#define TCPDX_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);

/**
 * util_addr_str() - format an address and port the way ss does.
 * @family: AF_INET or AF_INET6
 * @addr: 4 or 16 bytes in network order
 * @port: host order
 * @buf: output, at least UTIL_ADDRSTRLEN bytes
 *
 * IPv6 addresses get brackets: "[::1]:80". Returns @buf.
 */
#define UTIL_ADDRSTRLEN 56
char *util_addr_str(int family, const void *addr, unsigned int port, char *buf);

/* Length (1..4) of the valid UTF-8 sequence at @s, or 0 if it is not one
 * (overlong, surrogate, out of range, truncated by a NUL). */
size_t util_utf8_len(const unsigned char *s);

/* A short duration for a table cell: "1.2s", "42s", "12m", "3h". Returns @buf. */
char *util_ms_str(uint32_t ms, char *buf, size_t len);

/**
 * util_fputs_escaped() - write text from outside (process names, command
 * lines) with control characters and invalid UTF-8 escaped as \xNN, so that
 * nothing reaches a terminal raw. Returns the number of bytes written.
 */
size_t util_fputs_escaped(const char *s, FILE *f);

/* The terminal columns util_fputs_escaped() output of @s takes: one per code
 * point, four per escaped byte (for padding table cells). */
int util_escaped_cols(const char *s);

/**
 * util_fput_wrapped() - write @text word-wrapped to @width columns, starting
 * at column @col (what the caller already printed on the line), continuation
 * lines indented by @indent spaces; ends with a newline. Words longer than a
 * line are not broken; '\n' in @text breaks a line, and UTIL_NBSP joins two
 * words with a space that is never broken. Text from outside is escaped as
 * util_fputs_escaped() does.
 */
#define UTIL_NBSP '\x1f' 
void util_fput_wrapped(FILE *f, int col, const char *text, int indent, int width);

#endif

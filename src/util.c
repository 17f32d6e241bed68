// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void oom(void)
{
	fputs("tcpdx: out of memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size)
		oom();
	p = realloc(p, nmemb && size ? nmemb * size : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		oom();
	return d;
}

char *util_addr_str(int family, const void *addr, unsigned int port, char *buf)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, addr, a, sizeof(a)))
		strcpy(a, "?");
	if (family == AF_INET6)
		snprintf(buf, UTIL_ADDRSTRLEN, "[%s]:%u", a, port);
	else
		snprintf(buf, UTIL_ADDRSTRLEN, "%s:%u", a, port);
	return buf;
}

size_t util_utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Whether the byte sequence at p (n = util_utf8_len(p)) is written escaped. */
static bool needs_escape(const unsigned char *p, size_t n)
{
	return n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f || *p == '\\')) ||
	       (n == 2 && p[0] == 0xc2 && p[1] < 0xa0);
}

int util_escaped_cols(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int cols = 0;
	size_t n;

	while (*p) {
		n = util_utf8_len(p);
		if (needs_escape(p, n)) {
			cols += 4;
			p++;
		} else {
			cols++;
			p += n;
		}
	}
	return cols;
}

size_t util_fputs_escaped(const char *s, FILE *f)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t out = 0, n;

	while (*p) {
		n = util_utf8_len(p);
		/* C0 controls, DEL and C1 controls (U+0080..U+009F, which
		 * terminals obey too) are escaped, and so is the escape
		 * character itself, to keep the output unambiguous. */
		if (needs_escape(p, n))
			n = 0;
		if (n == 0) {
			out += (size_t)fprintf(f, "\\x%02x", *p);
			p++;
			continue;
		}
		fwrite(p, 1, n, f);
		out += n;
		p += n;
	}
	return out;
}

/* Columns a UTF-8 string takes, counting each code point as one. */
static int text_cols(const char *s, size_t n)
{
	int cols = 0;
	size_t i;

	for (i = 0; i < n; i++)
		cols += ((unsigned char)s[i] & 0xc0) != 0x80;
	return cols;
}

/* A word, escaped, with UTIL_NBSP shown as a space. */
static void put_word(FILE *f, char *word)
{
	char *nb;

	while ((nb = strchr(word, UTIL_NBSP))) {
		*nb = '\0';
		util_fputs_escaped(word, f);
		fputc(' ', f);
		word = nb + 1;
	}
	util_fputs_escaped(word, f);
}

void util_fput_wrapped(FILE *f, int col, const char *text, int indent, int width)
{
	bool first = true;   /* no word yet on this line */
	bool pending = false; /* a line was broken: indent before the next word */
	char word[1024];
	size_t n;
	int wcols;

	for (;;) {
		text += strspn(text, " ");
		if (*text == '\n') {
			text++;
			if (!first) {
				fputc('\n', f);
				col = indent;
				first = pending = true;
			}
			continue;
		}
		n = strcspn(text, " \n");
		if (!n)
			break;
		if (n >= sizeof(word))
			n = sizeof(word) - 1;
		memcpy(word, text, n);
		word[n] = '\0';
		text += n;
		wcols = text_cols(word, n);
		if (!first && col + 1 + wcols > width) {
			fputc('\n', f);
			col = indent;
			first = pending = true;
		}
		if (pending)
			fprintf(f, "%*s", indent, "");
		else if (!first)
			fputc(' ', f), col++;
		put_word(f, word);
		col += wcols;
		first = pending = false;
	}
	fputc('\n', f);
}

char *util_ms_str(uint32_t ms, char *buf, size_t len)
{
	/* The common case by hand: snprintf's float formatting was a sixth of
	 * tcpdx list. Tenths are rounded half up. */
	uint32_t tenths = (ms + 50) / 100;

	if (ms < 10000 && tenths < 100 && len >= 5) {
		buf[0] = (char)('0' + tenths / 10);
		buf[1] = '.';
		buf[2] = (char)('0' + tenths % 10);
		buf[3] = 's';
		buf[4] = '\0';
	} else if (ms < 10000)
		snprintf(buf, len, "%u.%us", tenths / 10, tenths % 10);
	else if (ms < 600000)
		snprintf(buf, len, "%us", ms / 1000);
	else if (ms < 36000000)
		snprintf(buf, len, "%um", ms / 60000);
	else
		snprintf(buf, len, "%uh", ms / 3600000);
	return buf;
}

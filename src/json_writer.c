// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"
#include "util.h"

#define JSON_MAX_DEPTH 64

struct json_writer {
	FILE *f;
	bool pretty;
	unsigned int depth;
	bool first[JSON_MAX_DEPTH];  /* no value yet at this depth */
	bool after_key;
};

json_writer_t *json_new(FILE *f, bool pretty)
{
	json_writer_t *w = xcalloc(1, sizeof(*w));

	w->f = f;
	w->pretty = pretty;
	w->first[0] = true;
	return w;
}

int json_free(json_writer_t *w)
{
	int ret;

	fputc('\n', w->f);
	ret = ferror(w->f) ? -1 : 0;
	free(w);
	return ret;
}

static void newline(json_writer_t *w)
{
	unsigned int i;

	if (!w->pretty)
		return;
	fputc('\n', w->f);
	for (i = 0; i < w->depth; i++)
		fputs("  ", w->f);
}

/* Separator before a value or key at the current depth. */
static void sep(json_writer_t *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		fputc(',', w->f);
	if (w->depth > 0)
		newline(w);
	w->first[w->depth] = false;
}

static void open_container(json_writer_t *w, char c)
{
	sep(w);
	fputc(c, w->f);
	if (w->depth + 1 < JSON_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void close_container(json_writer_t *w, char c)
{
	bool empty = w->first[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (!empty)
		newline(w);
	fputc(c, w->f);
}

void json_obj_start(json_writer_t *w) { open_container(w, '{'); }
void json_obj_end(json_writer_t *w) { close_container(w, '}'); }
void json_arr_start(json_writer_t *w) { open_container(w, '['); }
void json_arr_end(json_writer_t *w) { close_container(w, ']'); }

static void put_string(json_writer_t *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	fputc('"', w->f);
	while (*p) {
		switch (*p) {
		case '"': fputs("\\\"", w->f); p++; continue;
		case '\\': fputs("\\\\", w->f); p++; continue;
		case '\n': fputs("\\n", w->f); p++; continue;
		case '\t': fputs("\\t", w->f); p++; continue;
		case '\r': fputs("\\r", w->f); p++; continue;
		default: break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			fprintf(w->f, "\\u%04x", *p++);
			continue;
		}
		n = util_utf8_len(p);
		if (!n) {
			fputs("\\ufffd", w->f);
			p++;
			continue;
		}
		fwrite(p, 1, n, w->f);
		p += n;
	}
	fputc('"', w->f);
}

void json_key(json_writer_t *w, const char *key)
{
	sep(w);
	put_string(w, key);
	fputs(w->pretty ? ": " : ":", w->f);
	w->after_key = true;
}

void json_str(json_writer_t *w, const char *s)
{
	sep(w);
	if (s)
		put_string(w, s);
	else
		fputs("null", w->f);
}

void json_u64(json_writer_t *w, uint64_t v)
{
	sep(w);
	fprintf(w->f, "%" PRIu64, v);
}

void json_i64(json_writer_t *w, int64_t v)
{
	sep(w);
	fprintf(w->f, "%" PRId64, v);
}

void json_double(json_writer_t *w, double v)
{
	sep(w);
	if (isfinite(v))
		fprintf(w->f, "%.17g", v);
	else
		fputs("null", w->f);
}

void json_bool(json_writer_t *w, bool v)
{
	sep(w);
	fputs(v ? "true" : "false", w->f);
}

void json_null(json_writer_t *w)
{
	sep(w);
	fputs("null", w->f);
}

void json_kv_str(json_writer_t *w, const char *key, const char *s)
{
	json_key(w, key);
	json_str(w, s);
}

void json_kv_u64(json_writer_t *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_u64(w, v);
}

void json_kv_bool(json_writer_t *w, const char *key, bool v)
{
	json_key(w, key);
	json_bool(w, v);
}

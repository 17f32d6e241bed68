/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json_writer.h - a streaming JSON writer (opaque json_writer_t).
 *
 * Written by hand on purpose: Debian's JSON libraries (json-c, jansson) build
 * a document tree in memory and print it at the end, while tcpdx must stream
 * arrays of a million sockets with flat memory. This writes each value as it
 * comes, tracks commas and nesting, escapes strings (control characters,
 * quotes, invalid UTF-8 as U+FFFD) and indents when asked. Used by the JSON
 * renderers; it never fails except on the FILE (see json_error()).
 */
#ifndef TCPDX_JSON_WRITER_H
#define TCPDX_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct json_writer json_writer_t;

/* @pretty: two-space indentation and newlines; otherwise one line. */
json_writer_t *json_new(FILE *f, bool pretty);
/* Ends the output with a newline. Returns 0 or -1 if a write failed. */
int json_free(json_writer_t *w);

void json_obj_start(json_writer_t *w);
void json_obj_end(json_writer_t *w);
void json_arr_start(json_writer_t *w);
void json_arr_end(json_writer_t *w);

/* Inside an object: the name of the next value. */
void json_key(json_writer_t *w, const char *key);

void json_str(json_writer_t *w, const char *s);
void json_u64(json_writer_t *w, uint64_t v);
void json_i64(json_writer_t *w, int64_t v);
void json_double(json_writer_t *w, double v);
void json_bool(json_writer_t *w, bool v);
void json_null(json_writer_t *w);

/* Shorthands for key + value. */
void json_kv_str(json_writer_t *w, const char *key, const char *s);
void json_kv_u64(json_writer_t *w, const char *key, uint64_t v);
void json_kv_bool(json_writer_t *w, const char *key, bool v);

#endif

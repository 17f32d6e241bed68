// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * json_writer: exact output for nesting, commas, empty containers, pretty and
 * compact forms, numbers and string escaping; and util's terminal escaping
 * (util_fputs_escaped, util_utf8_len, util_addr_str).
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "json_writer.h"
#include "tap.h"
#include "util.h"

struct mem {
	FILE *f;
	char *buf;
	size_t len;
};

static json_writer_t *mopen(struct mem *m, bool pretty)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	if (!m->f)
		abort();
	return json_new(m->f, pretty);
}

/* Frees the writer, returns the text (the caller frees it). */
static char *mclose(struct mem *m, json_writer_t *w)
{
	json_free(w);
	fclose(m->f);
	return m->buf;
}

/* Check what @fn writes, compact and pretty. */
static void check(void (*fn)(json_writer_t *), const char *compact, const char *pretty,
		  const char *name)
{
	struct mem m;
	json_writer_t *w;
	char *out, label[160];

	w = mopen(&m, false);
	fn(w);
	out = mclose(&m, w);
	snprintf(label, sizeof(label), "%s (compact)", name);
	is_str(out, compact, label);
	free(out);
	if (!pretty)
		return;
	w = mopen(&m, true);
	fn(w);
	out = mclose(&m, w);
	snprintf(label, sizeof(label), "%s (pretty)", name);
	is_str(out, pretty, label);
	free(out);
}

static void empty_obj(json_writer_t *w)
{
	json_obj_start(w);
	json_obj_end(w);
}

static void empty_arr(json_writer_t *w)
{
	json_arr_start(w);
	json_arr_end(w);
}

static void nested(json_writer_t *w)
{
	json_obj_start(w);
	json_kv_u64(w, "a", 1);
	json_key(w, "b");
	json_arr_start(w);
	json_bool(w, true);
	json_bool(w, false);
	json_null(w);
	json_arr_end(w);
	json_key(w, "c");
	json_obj_start(w);
	json_kv_str(w, "d", "x");
	json_key(w, "e");
	json_obj_start(w);
	json_obj_end(w);
	json_obj_end(w);
	json_key(w, "f");
	json_arr_start(w);
	json_arr_end(w);
	json_kv_bool(w, "g", false);
	json_obj_end(w);
}

static void arr_of_objs(json_writer_t *w)
{
	json_arr_start(w);
	json_obj_start(w);
	json_kv_u64(w, "a", 1);
	json_obj_end(w);
	json_obj_start(w);
	json_obj_end(w);
	json_obj_start(w);
	json_kv_str(w, "b", NULL);
	json_kv_u64(w, "c", 2);
	json_obj_end(w);
	json_arr_end(w);
}

static void numbers(json_writer_t *w)
{
	json_arr_start(w);
	json_u64(w, 0);
	json_u64(w, UINT64_MAX);
	json_i64(w, -1);
	json_i64(w, INT64_MIN);
	json_i64(w, INT64_MAX);
	json_double(w, 0.5);
	json_double(w, -2);
	json_double(w, 1e-3);
	json_double(w, NAN);
	json_double(w, INFINITY);
	json_double(w, -INFINITY);
	json_str(w, NULL);
	json_str(w, "");
	json_arr_end(w);
}

static void deep(json_writer_t *w)
{
	int i;

	for (i = 0; i < 70; i++)
		json_arr_start(w);
	json_u64(w, 1);
	json_u64(w, 2);
	for (i = 0; i < 70; i++)
		json_arr_end(w);
}

static void escaped_key(json_writer_t *w)
{
	json_obj_start(w);
	json_kv_str(w, "k\"\n", "v");
	json_obj_end(w);
}

static void test_structure(void)
{
	char *want;
	int i;

	check(empty_obj, "{}\n", "{}\n", "empty object");
	check(empty_arr, "[]\n", "[]\n", "empty array");
	check(nested,
	      "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"x\",\"e\":{}},\"f\":[],"
	      "\"g\":false}\n",
	      "{\n"
	      "  \"a\": 1,\n"
	      "  \"b\": [\n"
	      "    true,\n"
	      "    false,\n"
	      "    null\n"
	      "  ],\n"
	      "  \"c\": {\n"
	      "    \"d\": \"x\",\n"
	      "    \"e\": {}\n"
	      "  },\n"
	      "  \"f\": [],\n"
	      "  \"g\": false\n"
	      "}\n",
	      "nested object");
	check(arr_of_objs, "[{\"a\":1},{},{\"b\":null,\"c\":2}]\n",
	      "[\n"
	      "  {\n"
	      "    \"a\": 1\n"
	      "  },\n"
	      "  {},\n"
	      "  {\n"
	      "    \"b\": null,\n"
	      "    \"c\": 2\n"
	      "  }\n"
	      "]\n",
	      "array of objects");
	check(numbers,
	      "[0,18446744073709551615,-1,-9223372036854775808,9223372036854775807,0.5,-2,"
	      "0.001,null,null,null,null,\"\"]\n",
	      NULL, "numbers, non-finite doubles and NULL strings as null");
	check(escaped_key, "{\"k\\\"\\n\":\"v\"}\n", "{\n  \"k\\\"\\n\": \"v\"\n}\n",
	      "keys are escaped too");

	want = malloc(70 * 2 + 5);
	for (i = 0; i < 70; i++)
		want[i] = '[';
	memcpy(want + 70, "1,2", 3);
	for (i = 0; i < 70; i++)
		want[73 + i] = ']';
	strcpy(want + 143, "\n");
	check(deep, want, NULL, "70 levels (past the writer's depth limit) stay balanced");
	free(want);
}

/* The JSON text json_str() makes of @in, without the newline. */
static char *json_of(const char *in)
{
	struct mem m;
	json_writer_t *w = mopen(&m, false);
	char *out;

	json_str(w, in);
	out = mclose(&m, w);
	out[strlen(out) - 1] = '\0';
	return out;
}

static void test_escaping(void)
{
	static const struct {
		const char *in, *out, *name;
	} cases[] = {
		{ "plain", "\"plain\"", "plain ASCII" },
		{ "", "\"\"", "empty string" },
		{ "a\"b", "\"a\\\"b\"", "quote" },
		{ "a\\b", "\"a\\\\b\"", "backslash" },
		{ "a/b", "\"a/b\"", "slash is not escaped" },
		{ "\n\t\r", "\"\\n\\t\\r\"", "newline, tab, CR" },
		{ "\b\f", "\"\\u0008\\u000c\"", "backspace and form feed as \\u00XX" },
		{ "\x01\x1f", "\"\\u0001\\u001f\"", "control characters as \\u00XX" },
		{ "\x1b[31mred", "\"\\u001b[31mred\"", "ESC" },
		{ "\x7f", "\"\\u007f\"", "DEL" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"", "2-byte UTF-8 kept" },
		{ "\xe2\x82\xac", "\"\xe2\x82\xac\"", "3-byte UTF-8 kept (euro)" },
		{ "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"", "4-byte UTF-8 kept (emoji)" },
		{ "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"", "U+10FFFF kept" },
		{ "\xc2\x85", "\"\xc2\x85\"", "C1 control U+0085 is valid JSON, kept" },
		{ "\xff", "\"\\ufffd\"", "byte 0xff: U+FFFD" },
		{ "a\xfe" "b", "\"a\\ufffdb\"", "byte 0xfe between letters" },
		{ "\x80", "\"\\ufffd\"", "lone continuation byte" },
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"", "overlong 2-byte '/'" },
		{ "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"", "overlong 3-byte" },
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"", "UTF-16 surrogate" },
		{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"", "above U+10FFFF" },
		{ "\xe2\x82", "\"\\ufffd\\ufffd\"", "truncated at the end of the string" },
		{ "\xe2\x82(", "\"\\ufffd\\ufffd(\"", "truncated before ASCII" },
		{ "a\xc3", "\"a\\ufffd\"", "lead byte at the end" },
	};
	char *out;
	char name[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		out = json_of(cases[i].in);
		snprintf(name, sizeof(name), "json string: %s", cases[i].name);
		is_str(out, cases[i].out, name);
		free(out);
	}
}

static void test_write_error(void)
{
	FILE *f = fopen("/dev/full", "w");
	json_writer_t *w;
	struct mem m;

	if (!f) {
		skip("no /dev/full");
	} else {
		setvbuf(f, NULL, _IONBF, 0);
		w = json_new(f, true);
		empty_obj(w);
		is_int(json_free(w), -1, "json_free: -1 when a write failed (/dev/full)");
		fclose(f);
	}
	w = mopen(&m, false);
	empty_obj(w);
	is_int(json_free(w), 0, "json_free: 0 when every write worked");
	fclose(m.f);
	free(m.buf);
}

/* ---- util ------------------------------------------------------------ */

static char *escaped(const char *in, size_t *written)
{
	struct mem m;

	m.buf = NULL;
	m.f = open_memstream(&m.buf, &m.len);
	*written = util_fputs_escaped(in, m.f);
	fclose(m.f);
	return m.buf;
}

static void test_fputs_escaped(void)
{
	static const struct {
		const char *in, *out, *name;
	} cases[] = {
		{ "myhost.example", "myhost.example", "plain text passes" },
		{ "", "", "empty" },
		{ "a\tb\nc", "a\\x09b\\x0ac", "tab and newline escaped" },
		{ "\x01\x1f", "\\x01\\x1f", "C0 controls escaped" },
		{ "\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07", "ESC and BEL escaped" },
		{ "\x7f", "\\x7f", "DEL escaped" },
		{ "\xc2\x85", "\\xc2\\x85", "C1 control U+0085 escaped" },
		{ "\xc2\x9b" "31m", "\\xc2\\x9b31m", "C1 CSI U+009B escaped" },
		{ "\xc2\xa0", "\xc2\xa0", "U+00A0 (not a control) passes" },
		{ "a\\b", "a\\x5cb", "backslash escaped (so \\x is unambiguous)" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "valid UTF-8 passes" },
		{ "\xff\xfe", "\\xff\\xfe", "invalid bytes escaped" },
		{ "\xc0\xaf", "\\xc0\\xaf", "overlong escaped" },
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80", "surrogate escaped" },
		{ "x\xe2\x82", "x\\xe2\\x82", "truncated sequence escaped" },
	};
	char name[128], *out;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		out = escaped(cases[i].in, &n);
		snprintf(name, sizeof(name), "util_fputs_escaped: %s", cases[i].name);
		is_str(out, cases[i].out, name);
		snprintf(name, sizeof(name), "util_fputs_escaped: %s: returns the bytes written",
			 cases[i].name);
		is_u64(n, strlen(cases[i].out), name);
		free(out);
	}
}

static void test_utf8_len(void)
{
	is_int(util_utf8_len((const unsigned char *)"a"), 1, "utf8_len: ASCII 1");
	is_int(util_utf8_len((const unsigned char *)""), 1, "utf8_len: NUL 1");
	is_int(util_utf8_len((const unsigned char *)"\xc3\xa9"), 2, "utf8_len: 2");
	is_int(util_utf8_len((const unsigned char *)"\xe2\x82\xac"), 3, "utf8_len: 3");
	is_int(util_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80"), 4, "utf8_len: 4");
	is_int(util_utf8_len((const unsigned char *)"\xc1\xbf"), 0, "utf8_len: overlong C1 lead");
	is_int(util_utf8_len((const unsigned char *)"\xf0\x8f\xbf\xbf"), 0,
	       "utf8_len: overlong 4-byte");
	is_int(util_utf8_len((const unsigned char *)"\xf5\x80\x80\x80"), 0, "utf8_len: F5 lead");
	is_int(util_utf8_len((const unsigned char *)"\xe2\x82"), 0, "utf8_len: stops at the NUL");
}

static void test_addr_str(void)
{
	char buf[UTIL_ADDRSTRLEN];
	uint8_t a4[4] = { 127, 0, 0, 1 }, a6[16];

	is_str(util_addr_str(AF_INET, a4, 8080, buf), "127.0.0.1:8080", "addr_str: ipv4");
	inet_pton(AF_INET6, "::1", a6);
	is_str(util_addr_str(AF_INET6, a6, 443, buf), "[::1]:443", "addr_str: ipv6 in brackets");
	inet_pton(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", a6);
	is_str(util_addr_str(AF_INET6, a6, 65535, buf),
	       "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", "addr_str: the longest ipv6");
	inet_pton(AF_INET6, "::ffff:10.0.0.1", a6);
	is_str(util_addr_str(AF_INET6, a6, 0, buf), "[::ffff:10.0.0.1]:0", "addr_str: v4-mapped");
	is_str(util_addr_str(AF_UNIX, a6, 1, buf), "?:1", "addr_str: unknown family");
}

int main(void)
{
	test_structure();
	test_escaping();
	test_write_error();
	test_fputs_escaped();
	test_utf8_len();
	test_addr_str();
	return done_testing();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysctl: the names table, sysctl_parse() on constructed file contents (every
 * malformed form is unknown, never 0), sysctl_read_all() over the fixture
 * trees in $FIXTURES/proc (host, child-netns, old-kernel, broken, a missing
 * root), over this machine's /proc, and inside a new network namespace when
 * we may make one (root, or an unprivileged user namespace).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* unshare(), CLONE_NEWNET */
#endif
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sysctl.h"
#include "tap.h"
#include "util.h"

static void test_names(void)
{
	unsigned int id, j;
	bool all = true, unique = true;

	is_str(sysctl_name(SYS_TCP_SYN_RETRIES), "net.ipv4.tcp_syn_retries", "name of syn_retries");
	is_str(sysctl_short_name(SYS_TCP_SYN_RETRIES), "tcp_syn_retries", "short name");
	is_str(sysctl_name(SYS_SOMAXCONN), "net.core.somaxconn", "somaxconn is net.core");
	is_str(sysctl_short_name(SYS_SOMAXCONN), "somaxconn", "somaxconn short name");
	is_str(sysctl_name(SYS_IP_LOCAL_PORT_RANGE), "net.ipv4.ip_local_port_range",
	       "ip_local_port_range");
	is_str(sysctl_name(SYS_TCP_RTO_MAX_MS), "net.ipv4.tcp_rto_max_ms", "tcp_rto_max_ms");
	for (id = 0; id < SYS_COUNT; id++) {
		const char *n = sysctl_name(id), *s = sysctl_short_name(id);

		if (!n || !s || strncmp(n, "net.", 4) || strlen(s) >= strlen(n) ||
		    strcmp(n + strlen(n) - strlen(s), s) || n[strlen(n) - strlen(s) - 1] != '.') {
			all = false;
			tap_diag("bad names for id %u: '%s' '%s'", id, n ? n : "(null)",
				 s ? s : "(null)");
		}
		for (j = 0; j < id; j++)
			if (n && sysctl_name(j) && !strcmp(n, sysctl_name(j)))
				unique = false;
	}
	ok(all, "every id has net.* name ending in its short name");
	ok(unique, "names are unique");
	ok(sysctl_name(SYS_COUNT) == NULL && sysctl_short_name(SYS_COUNT) == NULL,
	   "an id outside the enum has no name");
	ok(sysctl_name((enum sysctl_id)-1) == NULL, "a negative id has no name");
}

/* @s with newlines, tabs and CRs shown as \n, \t, \r (for test names). */
static const char *esc(const char *s, size_t len)
{
	static char out[256];
	size_t i, o = 0;

	for (i = 0; i < len && o + 3 < sizeof(out); i++) {
		char c = s[i];

		if (c == '\n' || c == '\t' || c == '\r' || c == '\v') {
			out[o++] = '\\';
			out[o++] = c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : 'v';
		} else {
			out[o++] = c;
		}
	}
	out[o] = '\0';
	return out;
}

struct parse_case {
	enum sysctl_id id;
	const char *text;
	size_t len;          /* 0: strlen(text) */
	bool known;
	unsigned int n;
	long long v[SYSCTL_MAX_VALUES];
	const char *what;
};

#define YES(id_, t, nv, ...) \
	{ .id = id_, .text = t, .known = true, .n = nv, .v = { __VA_ARGS__ }, .what = t }
#define NO(id_, t, why) { .id = id_, .text = t, .known = false, .what = why }

static void test_parse(void)
{
	static const struct parse_case cases[] = {
		YES(SYS_TCP_SYN_RETRIES, "6\n", 1, 6),
		YES(SYS_TCP_SYN_RETRIES, "6", 1, 6),
		YES(SYS_TCP_SYN_RETRIES, "127\n", 1, 127),
		YES(SYS_TCP_SYN_RETRIES, "1\n", 1, 1),
		YES(SYS_TCP_ORPHAN_RETRIES, "0\n", 1, 0),
		YES(SYS_TCP_MAX_ORPHANS, "131072\n", 1, 131072),
		YES(SYS_TCP_MAX_ORPHANS, "2147483647\n", 1, INT_MAX),
		YES(SYS_TCP_MAX_ORPHANS, "007\n", 1, 7),
		YES(SYS_TCP_SYNACK_RETRIES, "255\n", 1, 255),
		YES(SYS_TCP_FIN_TIMEOUT, " 60 \n", 1, 60),
		YES(SYS_IP_LOCAL_PORT_RANGE, "32768\t60999\n", 2, 32768, 60999),
		YES(SYS_IP_LOCAL_PORT_RANGE, "32768 60999\n", 2, 32768, 60999),
		YES(SYS_IP_LOCAL_PORT_RANGE, "1024 1024\n", 2, 1024, 1024),
		YES(SYS_IP_LOCAL_PORT_RANGE, "1 65535\n", 2, 1, 65535),
		YES(SYS_TCP_MEM, "287901\t383869\t575802\n", 3, 287901, 383869, 575802),
		YES(SYS_TCP_MEM, "9223372036854775807 1 0\n", 3, LLONG_MAX, 1, 0),
		YES(SYS_TCP_RTO_MAX_MS, "120000\n", 1, 120000),
		YES(SYS_SOMAXCONN, "4096\n", 1, 4096),

		NO(SYS_TCP_SYN_RETRIES, "", "empty"),
		NO(SYS_TCP_SYN_RETRIES, "\n", "only a newline"),
		NO(SYS_TCP_SYN_RETRIES, " \t\n", "only blanks"),
		NO(SYS_TCP_SYN_RETRIES, "abc\n", "letters"),
		NO(SYS_TCP_SYN_RETRIES, "6x\n", "a number then letters"),
		NO(SYS_TCP_SYN_RETRIES, "0x6\n", "hex"),
		NO(SYS_TCP_SYN_RETRIES, "6.0\n", "a decimal point"),
		NO(SYS_TCP_SYN_RETRIES, "+6\n", "a plus sign"),
		NO(SYS_TCP_SYN_RETRIES, "-\n", "a lone minus"),
		NO(SYS_TCP_SYN_RETRIES, "- 6\n", "a minus apart from its digits"),
		NO(SYS_TCP_SYN_RETRIES, "6\r\n", "CRLF"),
		NO(SYS_TCP_SYN_RETRIES, "\r6\n", "a CR before"),
		NO(SYS_TCP_SYN_RETRIES, "\n6\n", "a newline before"),
		NO(SYS_TCP_SYN_RETRIES, "6\n\n", "two newlines"),
		NO(SYS_TCP_SYN_RETRIES, "6\n7\n", "two lines"),
		NO(SYS_TCP_SYN_RETRIES, "\v6\n", "a vertical tab, which strtoll skips"),
		NO(SYS_TCP_SYN_RETRIES, "6 6\n", "two values for one"),
		NO(SYS_TCP_SYN_RETRIES, "0\n", "below the kernel minimum 1"),
		NO(SYS_TCP_SYN_RETRIES, "128\n", "above MAX_TCP_SYNCNT 127"),
		NO(SYS_TCP_SYN_RETRIES, "-1\n", "negative"),
		NO(SYS_TCP_SYNACK_RETRIES, "256\n", "a u8 setting above 255"),
		NO(SYS_TCP_MAX_ORPHANS, "2147483648\n", "an int setting above INT_MAX"),
		NO(SYS_TCP_MAX_ORPHANS, "9223372036854775808\n", "above LLONG_MAX: ERANGE"),
		NO(SYS_TCP_MAX_ORPHANS, "99999999999999999999999\n", "far above LLONG_MAX"),
		NO(SYS_TCP_MAX_ORPHANS, "-9223372036854775809\n", "below LLONG_MIN"),
		NO(SYS_IP_LOCAL_PORT_RANGE, "32768\n", "one value for two"),
		NO(SYS_IP_LOCAL_PORT_RANGE, "32768 60999 1\n", "three values for two"),
		NO(SYS_IP_LOCAL_PORT_RANGE, "60999 32768\n", "low above high"),
		NO(SYS_IP_LOCAL_PORT_RANGE, "0 60999\n", "port 0"),
		NO(SYS_IP_LOCAL_PORT_RANGE, "32768 65536\n", "port 65536"),
		NO(SYS_IP_LOCAL_PORT_RANGE, "32768,60999\n", "a comma between"),
		NO(SYS_TCP_MEM, "287901 383869\n", "two values for three"),
		NO(SYS_TCP_MEM, "1 2 3 4\n", "four values for three"),
		NO(SYS_TCP_MEM, "1 -2 3\n", "a negative page count"),
		NO(SYS_TCP_MEM, "9223372036854775808 1 1\n", "above LLONG_MAX: ERANGE"),
		NO(SYS_TCP_RTO_MAX_MS, "0\n", "rto_max 0"),
	};
	char name[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct parse_case *c = &cases[i];
		struct sysctl_value v;
		size_t len = c->len ? c->len : strlen(c->text);
		int ret;

		memset(&v, 0xa5, sizeof(v));
		ret = sysctl_parse(c->id, c->text, len, &v);
		if (c->known) {
			snprintf(name, sizeof(name), "%s: '%s' is %lld", sysctl_short_name(c->id),
				 esc(c->text, len), c->v[0]);
			ok(ret == 0 && v.known && v.n == c->n &&
			   !memcmp(v.v, c->v, c->n * sizeof(v.v[0])), name);
		} else {
			snprintf(name, sizeof(name), "%s: '%s' (%s) is unknown",
				 sysctl_short_name(c->id), esc(c->text, len), c->what);
			ok(ret == -EINVAL && !v.known && v.n == 0 && v.v[0] == 0, name);
		}
	}

	/* Bytes strlen would not see. */
	{
		struct sysctl_value v;
		static const char nul_mid[] = "6\0007\n", nul_end[] = "6\0", nul_only[] = "\0";
		char big[300];

		is_int(sysctl_parse(SYS_TCP_SYN_RETRIES, nul_mid, sizeof(nul_mid) - 1, &v), -EINVAL,
		       "a NUL inside is unknown");
		ok(!v.known, "... and known is false");
		is_int(sysctl_parse(SYS_TCP_SYN_RETRIES, nul_end, sizeof(nul_end) - 1, &v), -EINVAL,
		       "a NUL at the end is unknown");
		is_int(sysctl_parse(SYS_TCP_SYN_RETRIES, nul_only, 1, &v), -EINVAL,
		       "a lone NUL is unknown");
		/* Only @len bytes are read: "6" of "67" is 6. */
		is_int(sysctl_parse(SYS_TCP_SYN_RETRIES, "67", 1, &v), 0,
		       "only len bytes are read");
		is_int(v.v[0], 6, "... giving 6");
		memset(big, ' ', sizeof(big));
		big[0] = '6';
		is_int(sysctl_parse(SYS_TCP_SYN_RETRIES, big, sizeof(big), &v), -EINVAL,
		       "a 300-byte file is unknown, without over-reading");
		is_int(sysctl_parse(SYS_COUNT, "6\n", 2, &v), -EINVAL, "an id outside the enum");
		ok(!v.known, "... is unknown");
	}
}

static void test_get(void)
{
	struct sysctls s;
	long long v = 42;

	memset(&s, 0, sizeof(s));
	ok(!sysctl_get(&s, SYS_TCP_SYN_RETRIES, &v) && v == 42, "get: unknown leaves *v alone");
	s.val[SYS_TCP_MEM] = (struct sysctl_value){ .known = true, .n = 3, .v = { 1, 2, 3 } };
	ok(sysctl_get(&s, SYS_TCP_MEM, &v) && v == 1, "get: first value of tcp_mem");
	v = 42;
	ok(!sysctl_get(&s, SYS_COUNT, &v) && v == 42, "get: an id outside the enum is false");
}

/* The expected value of every setting, by tree; -1: unknown. */
struct expect {
	long long v[SYS_COUNT][SYSCTL_MAX_VALUES];
	bool known[SYS_COUNT];
};

/* This machine's defaults (kernel 6.18), as copied into fixtures/proc/host. */
static void host_defaults(struct expect *e)
{
	static const long long one[SYS_COUNT] = {
		[SYS_TCP_SYN_RETRIES] = 6,         [SYS_TCP_SYNACK_RETRIES] = 5,
		[SYS_TCP_MAX_ORPHANS] = 131072,    [SYS_TCP_ORPHAN_RETRIES] = 0,
		[SYS_TCP_FIN_TIMEOUT] = 60,        [SYS_TCP_MAX_TW_BUCKETS] = 131072,
		[SYS_TCP_TW_REUSE] = 2,            [SYS_IP_LOCAL_PORT_RANGE] = 32768,
		[SYS_SOMAXCONN] = 4096,            [SYS_TCP_MAX_SYN_BACKLOG] = 2048,
		[SYS_TCP_SYNCOOKIES] = 1,          [SYS_TCP_ABORT_ON_OVERFLOW] = 0,
		[SYS_TCP_KEEPALIVE_TIME] = 7200,   [SYS_TCP_KEEPALIVE_INTVL] = 75,
		[SYS_TCP_KEEPALIVE_PROBES] = 9,    [SYS_TCP_RETRIES2] = 15,
		[SYS_TCP_SYN_LINEAR_TIMEOUTS] = 4, [SYS_TCP_MEM] = 287901,
		[SYS_TCP_RTO_MAX_MS] = 120000,
	};
	unsigned int id;

	memset(e, 0, sizeof(*e));
	for (id = 0; id < SYS_COUNT; id++) {
		e->known[id] = true;
		e->v[id][0] = one[id];
	}
	e->v[SYS_IP_LOCAL_PORT_RANGE][1] = 60999;
	e->v[SYS_TCP_MEM][1] = 383869;
	e->v[SYS_TCP_MEM][2] = 575802;
}

static unsigned int nvalues(enum sysctl_id id)
{
	return id == SYS_TCP_MEM ? 3 : id == SYS_IP_LOCAL_PORT_RANGE ? 2 : 1;
}

static void check_tree(const char *fixtures, const char *tree, const struct expect *e)
{
	char root[PATH_MAX], name[200];
	struct sysctls s;
	unsigned int id;

	snprintf(root, sizeof(root), "%s/proc/%s", fixtures, tree);
	memset(&s, 0xa5, sizeof(s));
	sysctl_read_all(root, &s);
	for (id = 0; id < SYS_COUNT; id++) {
		const struct sysctl_value *v = &s.val[id];

		if (e->known[id]) {
			snprintf(name, sizeof(name), "%s: %s = %lld", tree, sysctl_short_name(id),
				 e->v[id][0]);
			if (!ok(v->known && v->n == nvalues(id) &&
				!memcmp(v->v, e->v[id], v->n * sizeof(v->v[0])), name))
				tap_diag("known %d n %u v %lld %lld %lld", v->known, v->n, v->v[0],
					 v->v[1], v->v[2]);
		} else {
			snprintf(name, sizeof(name), "%s: %s is unknown", tree,
				 sysctl_short_name(id));
			if (!ok(!v->known && v->n == 0, name))
				tap_diag("known %d n %u v %lld", v->known, v->n, v->v[0]);
		}
	}
}

static void test_fixtures(const char *fixtures)
{
	struct expect e;
	unsigned int id;

	host_defaults(&e);
	check_tree(fixtures, "host", &e);

	/* GLOBAL settings are absent from a child netns's /proc/sys. */
	e.known[SYS_TCP_MAX_ORPHANS] = e.known[SYS_TCP_MEM] = false;
	check_tree(fixtures, "child-netns", &e);

	/* Before 6.5 and 6.15. */
	host_defaults(&e);
	e.known[SYS_TCP_SYN_LINEAR_TIMEOUTS] = e.known[SYS_TCP_RTO_MAX_MS] = false;
	check_tree(fixtures, "old-kernel", &e);

	/* Every file malformed in its own way (see the tree), or a directory. */
	for (id = 0; id < SYS_COUNT; id++)
		e.known[id] = false;
	check_tree(fixtures, "broken", &e);
	check_tree(fixtures, "no-such-tree", &e);
}

/* What this machine's /proc says, read without sysctl.c. */
static bool read_one(const char *path, long long *v)
{
	FILE *f = fopen(path, "r");
	bool r;

	if (!f)
		return false;
	r = fscanf(f, "%lld", v) == 1;
	fclose(f);
	return r;
}

static void test_real_proc(void)
{
	static const char *const path[] = {
		[SYS_TCP_SYN_RETRIES] = "/proc/sys/net/ipv4/tcp_syn_retries",
		[SYS_TCP_SYNACK_RETRIES] = "/proc/sys/net/ipv4/tcp_synack_retries",
		[SYS_TCP_MAX_ORPHANS] = "/proc/sys/net/ipv4/tcp_max_orphans",
		[SYS_TCP_ORPHAN_RETRIES] = "/proc/sys/net/ipv4/tcp_orphan_retries",
	};
	struct sysctls s, d;
	char name[200];
	long long want, got;
	unsigned int id, known = 0;

	sysctl_read_all(NULL, &s);
	sysctl_read_all("/proc", &d);
	for (id = 0; id < SYS_COUNT; id++)
		if (s.val[id].known != d.val[id].known || s.val[id].n != d.val[id].n ||
		    memcmp(s.val[id].v, d.val[id].v, sizeof(s.val[id].v)))
			break;
	is_int(id, SYS_COUNT, "/proc: a NULL root reads /proc");
	/* The four always shown: known exactly when the file is there. */
	for (id = 0; id < ARRAY_SIZE(path); id++) {
		if (!read_one(path[id], &want)) {
			snprintf(name, sizeof(name), "/proc: %s is unknown (no such file here: "
				 "a child netns?)", sysctl_short_name(id));
			ok(!sysctl_get(&s, id, &got), name);
			continue;
		}
		snprintf(name, sizeof(name), "/proc: %s is known and %lld", sysctl_short_name(id),
			 want);
		ok(sysctl_get(&s, id, &got) && got == want, name);
	}
	if (sysctl_get(&s, SYS_TCP_SYN_RETRIES, &got) && got != 6)
		tap_diag("tcp_syn_retries is %lld on this machine, not the default 6", got);
	for (id = 0; id < SYS_COUNT; id++)
		known += s.val[id].known;
	tap_diag("/proc: %u of %u settings known", known, (unsigned int)SYS_COUNT);
	ok(s.val[SYS_SOMAXCONN].known, "/proc: somaxconn is known (per netns, always there)");
}

/*
 * In a new network namespace (root, or failing that a user namespace):
 * tcp_max_orphans and tcp_mem are unknown, per-netns settings known. The
 * child reports through its exit status: bit 0 max_orphans known, bit 1
 * tcp_mem known, bit 2 syn_retries known, bit 3 somaxconn known; 255 if no
 * namespace could be made.
 */
static void test_child_netns(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		skip("fork failed");
		return;
	}
	if (pid == 0) {
		struct sysctls s;

		if (unshare(CLONE_NEWNET) && unshare(CLONE_NEWUSER | CLONE_NEWNET))
			_exit(255);
		sysctl_read_all("/proc", &s);
		_exit(s.val[SYS_TCP_MAX_ORPHANS].known | s.val[SYS_TCP_MEM].known << 1 |
		      s.val[SYS_TCP_SYN_RETRIES].known << 2 | s.val[SYS_SOMAXCONN].known << 3);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		ok(0, "child netns: the child exited");
		return;
	}
	if (WEXITSTATUS(status) == 255) {
		skip("child netns: cannot unshare a network namespace here");
		skip("child netns: cannot unshare a network namespace here");
		return;
	}
	is_int(WEXITSTATUS(status) & 3, 0, "child netns: tcp_max_orphans and tcp_mem unknown");
	is_int(WEXITSTATUS(status) & 12, 12, "child netns: tcp_syn_retries and somaxconn known");
}

int main(void)
{
	const char *fixtures = getenv("FIXTURES");

	test_names();
	test_parse();
	test_get();
	if (ok(fixtures && *fixtures, "FIXTURES is set (make check sets it to tests/fixtures)"))
		test_fixtures(fixtures);
	else
		tap_diag("set FIXTURES=<srcdir>/tests/fixtures to run the fixture tree tests");
	test_real_proc();
	test_child_netns();
	return done_testing();
}

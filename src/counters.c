// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters.h"
#include "util.h"

/*
 * One entry per counter: the group it is found under and the kernel's name
 * for it. Groups are those of /proc/net/netstat ("TcpExt") and
 * /proc/net/snmp ("Tcp") as written there; "sockstat" and "sockstat6" stand
 * for the "TCP:" line of /proc/net/sockstat and the "TCP6:" line of
 * /proc/net/sockstat6.
 */
struct counter_def {
	const char *group;
	const char *name;
	bool gauge;
};

static const struct counter_def defs[CTR_COUNT] = {
	[CTR_SOCKSTAT_TCP_INUSE] = { .group = "sockstat", .name = "inuse", .gauge = true },
	[CTR_SOCKSTAT_TCP_ORPHAN] = { .group = "sockstat", .name = "orphan", .gauge = true },
	[CTR_SOCKSTAT_TCP_TW] = { .group = "sockstat", .name = "tw", .gauge = true },
	[CTR_SOCKSTAT_TCP_ALLOC] = { .group = "sockstat", .name = "alloc", .gauge = true },
	[CTR_SOCKSTAT_TCP_MEM] = { .group = "sockstat", .name = "mem", .gauge = true },
	[CTR_SOCKSTAT_TCP6_INUSE] = { .group = "sockstat6", .name = "inuse", .gauge = true },

	[CTR_LISTEN_OVERFLOWS] = { .group = "TcpExt", .name = "ListenOverflows" },
	[CTR_LISTEN_DROPS] = { .group = "TcpExt", .name = "ListenDrops" },
	[CTR_REQQ_FULL_DO_COOKIES] = { .group = "TcpExt", .name = "TCPReqQFullDoCookies" },
	[CTR_REQQ_FULL_DROP] = { .group = "TcpExt", .name = "TCPReqQFullDrop" },
	[CTR_SYNCOOKIES_SENT] = { .group = "TcpExt", .name = "SyncookiesSent" },
	[CTR_SYNCOOKIES_RECV] = { .group = "TcpExt", .name = "SyncookiesRecv" },
	[CTR_SYNCOOKIES_FAILED] = { .group = "TcpExt", .name = "SyncookiesFailed" },
	[CTR_ABORT_ON_CLOSE] = { .group = "TcpExt", .name = "TCPAbortOnClose" },
	[CTR_ABORT_ON_DATA] = { .group = "TcpExt", .name = "TCPAbortOnData" },
	[CTR_ABORT_ON_LINGER] = { .group = "TcpExt", .name = "TCPAbortOnLinger" },
	[CTR_ABORT_ON_MEMORY] = { .group = "TcpExt", .name = "TCPAbortOnMemory" },
	[CTR_ABORT_ON_TIMEOUT] = { .group = "TcpExt", .name = "TCPAbortOnTimeout" },
	[CTR_ABORT_FAILED] = { .group = "TcpExt", .name = "TCPAbortFailed" },
	[CTR_TW_OVERFLOW] = { .group = "TcpExt", .name = "TCPTimeWaitOverflow" },
	[CTR_TW] = { .group = "TcpExt", .name = "TW" },
	[CTR_TW_KILLED] = { .group = "TcpExt", .name = "TWKilled" },
	[CTR_TW_RECYCLED] = { .group = "TcpExt", .name = "TWRecycled" },
	[CTR_TIMEOUTS] = { .group = "TcpExt", .name = "TCPTimeouts" },
	[CTR_SYN_RETRANS] = { .group = "TcpExt", .name = "TCPSynRetrans" },
	[CTR_KEEPALIVE] = { .group = "TcpExt", .name = "TCPKeepAlive" },
	[CTR_EMBRYONIC_RSTS] = { .group = "TcpExt", .name = "EmbryonicRsts" },
	[CTR_MEMORY_PRESSURES] = { .group = "TcpExt", .name = "TCPMemoryPressures" },
	[CTR_PRUNE_CALLED] = { .group = "TcpExt", .name = "PruneCalled" },
	[CTR_BACKLOG_DROP] = { .group = "TcpExt", .name = "TCPBacklogDrop" },

	[CTR_ACTIVE_OPENS] = { .group = "Tcp", .name = "ActiveOpens" },
	[CTR_PASSIVE_OPENS] = { .group = "Tcp", .name = "PassiveOpens" },
	[CTR_ATTEMPT_FAILS] = { .group = "Tcp", .name = "AttemptFails" },
	[CTR_ESTAB_RESETS] = { .group = "Tcp", .name = "EstabResets" },
	[CTR_CURR_ESTAB] = { .group = "Tcp", .name = "CurrEstab", .gauge = true },
	[CTR_RETRANS_SEGS] = { .group = "Tcp", .name = "RetransSegs" },
	[CTR_OUT_RSTS] = { .group = "Tcp", .name = "OutRsts" },
};

/* Bounds on one /proc file read whole: netstat is a few KiB today. */
#define COUNTERS_FILE_START (16 * 1024)
#define COUNTERS_FILE_MAX (1024 * 1024)

const char *counters_name(enum counter_id id)
{
	return (unsigned int)id < CTR_COUNT ? defs[id].name : NULL;
}

const char *counters_group(enum counter_id id)
{
	return (unsigned int)id < CTR_COUNT ? defs[id].group : NULL;
}

bool counters_is_gauge(enum counter_id id)
{
	return (unsigned int)id < CTR_COUNT && defs[id].gauge;
}

/* A piece of the text: not NUL-terminated. */
struct span {
	const char *p;
	size_t len;
};

static bool span_is(struct span s, const char *str)
{
	size_t n = strlen(str);

	return s.len == n && !memcmp(s.p, str, n);
}

/*
 * The next line of @*text without its '\n'. A last line with no '\n' may have
 * been cut short (a read that stopped early), so it is not a line.
 */
static bool next_line(const char **text, struct span *line)
{
	const char *nl = strchr(*text, '\n');

	if (!nl)
		return false;
	line->p = *text;
	line->len = (size_t)(nl - *text);
	*text = nl + 1;
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* No control character but tabs: a CR (CRLF) or other junk spoils a line. */
static bool line_is_clean(struct span line)
{
	size_t i;

	for (i = 0; i < line.len; i++) {
		unsigned char c = (unsigned char)line.p[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

/* The next blank-separated field of @rest, taken off its front. */
static bool next_field(struct span *rest, struct span *field)
{
	while (rest->len && is_blank(*rest->p)) {
		rest->p++;
		rest->len--;
	}
	if (!rest->len)
		return false;
	field->p = rest->p;
	while (rest->len && !is_blank(*rest->p)) {
		rest->p++;
		rest->len--;
	}
	field->len = (size_t)(rest->p - field->p);
	return true;
}

static size_t count_fields(struct span rest)
{
	struct span f;
	size_t n = 0;

	while (next_field(&rest, &f))
		n++;
	return n;
}

/*
 * Split "Group: rest" into the group (without ':') and the rest. The first
 * field must end in ':' and be more than that.
 */
static bool split_group(struct span line, struct span *group, struct span *rest)
{
	struct span f;

	*rest = line;
	if (!next_field(rest, &f) || f.len < 2 || f.p[f.len - 1] != ':')
		return false;
	group->p = f.p;
	group->len = f.len - 1;
	return true;
}

/* Only decimal digits, at least one, no sign, no more than UINT64_MAX. */
static bool parse_u64(struct span s, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!s.len)
		return false;
	for (i = 0; i < s.len; i++) {
		unsigned int d = (unsigned char)s.p[i] - '0';

		if (d > 9)
			return false;
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static int lookup(const char *group, struct span name)
{
	unsigned int id;

	for (id = 0; id < CTR_COUNT; id++)
		if (!strcmp(defs[id].group, group) && span_is(name, defs[id].name))
			return (int)id;
	return -1;
}

static void set_value(struct counters *out, int id, struct span value)
{
	uint64_t v;

	out->c[id].known = parse_u64(value, &v);
	out->c[id].v = out->c[id].known ? v : 0;
}

/*
 * The line that starts with the field @prefix ("TCP:"): "key value" pairs.
 * A line with a key and no value is broken and left out whole.
 */
static void parse_kv(const char *text, const char *prefix, const char *group, struct counters *out)
{
	struct span line, rest, key, value, f;
	int id;

	if (!text)
		return;
	while (next_line(&text, &line)) {
		rest = line;
		if (!line_is_clean(line) || !next_field(&rest, &f) || !span_is(f, prefix))
			continue;
		if (count_fields(rest) % 2)
			continue;
		while (next_field(&rest, &key) && next_field(&rest, &value)) {
			id = lookup(group, key);
			if (id >= 0)
				set_value(out, id, value);
		}
	}
}

void counters_parse_sockstat(const char *text, struct counters *out)
{
	parse_kv(text, "TCP:", "sockstat", out);
}

void counters_parse_sockstat6(const char *text, struct counters *out)
{
	parse_kv(text, "TCP6:", "sockstat6", out);
}

/* A header and a value line of the same group: take the names we know. */
static void parse_pair(struct span group, struct span names, struct span values,
		       struct counters *out)
{
	struct span name, value;
	const char *g;
	int id;

	if (span_is(group, "TcpExt"))
		g = "TcpExt";
	else if (span_is(group, "Tcp"))
		g = "Tcp";
	else
		return;
	if (count_fields(names) != count_fields(values))
		return;
	while (next_field(&names, &name) && next_field(&values, &value)) {
		id = lookup(g, name);
		if (id >= 0)
			set_value(out, id, value);
	}
}

void counters_parse_pairs(const char *text, struct counters *out)
{
	struct span line, group, rest, head_group = { 0 }, head_rest = { 0 };
	bool have_head = false;

	if (!text)
		return;
	/*
	 * Each line is a header unless it follows one of its own group, in
	 * which case it is that header's value line. A line whose partner is
	 * missing is passed over and the next line starts afresh.
	 */
	while (next_line(&text, &line)) {
		if (!line_is_clean(line) || !split_group(line, &group, &rest)) {
			have_head = false;
			continue;
		}
		if (have_head && group.len == head_group.len &&
		    !memcmp(group.p, head_group.p, group.len)) {
			parse_pair(group, head_rest, rest, out);
			have_head = false;
			continue;
		}
		head_group = group;
		head_rest = rest;
		have_head = true;
	}
}

/*
 * Read @proc_root/@rel whole (up to COUNTERS_FILE_MAX bytes; /proc files say
 * they are empty, so read to EOF) into a NUL-terminated buffer the caller
 * frees. A file with a NUL byte in it is -EINVAL: the parsers would stop
 * there. Returns 0 or -errno.
 */
static int read_whole(const char *proc_root, const char *rel, char **text)
{
	char path[PATH_MAX];
	size_t len = 0, size = COUNTERS_FILE_START;
	char *buf = NULL;
	ssize_t r;
	int fd, n, ret;

	*text = NULL;
	n = snprintf(path, sizeof(path), "%s/%s", proc_root, rel);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = xmalloc(size + 1);
	while (len < COUNTERS_FILE_MAX) {
		if (len == size) {
			size *= 2;
			buf = xreallocarray(buf, size + 1, 1);
		}
		r = read(fd, buf + len, size - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	if (memchr(buf, '\0', len)) {
		ret = -EINVAL;
		goto fail;
	}
	close(fd);
	*text = buf;
	return 0;
fail:
	free(buf);
	close(fd);
	return ret;
}

void counters_read(const char *proc_root, struct counters *out)
{
	static const struct {
		const char *rel;
		void (*parse)(const char *text, struct counters *out);
	} files[] = {
		{ "net/sockstat", counters_parse_sockstat },
		{ "net/sockstat6", counters_parse_sockstat6 },
		{ "net/netstat", counters_parse_pairs },
		{ "net/snmp", counters_parse_pairs },
	};
	char *text;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!proc_root)
		proc_root = "/proc";
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		if (read_whole(proc_root, files[i].rel, &text))
			continue;
		files[i].parse(text, out);
		free(text);
	}
}

bool counters_delta(const struct counters *before, const struct counters *after, enum counter_id id,
		    uint64_t *delta)
{
	if ((unsigned int)id >= CTR_COUNT || defs[id].gauge)
		return false;
	if (!before->c[id].known || !after->c[id].known || after->c[id].v < before->c[id].v)
		return false;
	*delta = after->c[id].v - before->c[id].v;
	return true;
}

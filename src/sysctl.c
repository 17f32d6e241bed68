// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysctl.h"

/*
 * One entry per setting: its dotted name, its file under the /proc root, how
 * many integers the file holds and the range the kernel lets it take
 * (net/ipv4/sysctl_net_ipv4.c, net/core/sysctl_net_core.c). A value outside
 * it is garbage, not a setting, and so unknown. u8 settings
 * (proc_dou8vec_minmax) are 0..255; int ones 0..INT_MAX, though the kernel
 * lets a few of those go negative: no rule could use such a value.
 */
struct sysctl_def {
	const char *name;
	const char *path;
	unsigned int nvalues;
	long long min, max;
	bool ordered; /* values must not decrease (low <= high) */
};

#define RANGE_U8 .min = 0, .max = 255
#define RANGE_INT .min = 0, .max = INT_MAX

/* clang-format off */
static const struct sysctl_def defs[SYS_COUNT] = {
	[SYS_TCP_SYN_RETRIES] = { .name = "net.ipv4.tcp_syn_retries",
				  .path = "sys/net/ipv4/tcp_syn_retries",
				  .nvalues = 1, .min = 1, .max = 127 }, /* MAX_TCP_SYNCNT */
	[SYS_TCP_SYNACK_RETRIES] = { .name = "net.ipv4.tcp_synack_retries",
				     .path = "sys/net/ipv4/tcp_synack_retries",
				     .nvalues = 1, RANGE_U8 },
	[SYS_TCP_MAX_ORPHANS] = { .name = "net.ipv4.tcp_max_orphans",
				  .path = "sys/net/ipv4/tcp_max_orphans",
				  .nvalues = 1, RANGE_INT },
	[SYS_TCP_ORPHAN_RETRIES] = { .name = "net.ipv4.tcp_orphan_retries",
				     .path = "sys/net/ipv4/tcp_orphan_retries",
				     .nvalues = 1, RANGE_U8 },
	[SYS_TCP_FIN_TIMEOUT] = { .name = "net.ipv4.tcp_fin_timeout",
				  .path = "sys/net/ipv4/tcp_fin_timeout",
				  .nvalues = 1, RANGE_INT },
	[SYS_TCP_MAX_TW_BUCKETS] = { .name = "net.ipv4.tcp_max_tw_buckets",
				     .path = "sys/net/ipv4/tcp_max_tw_buckets",
				     .nvalues = 1, RANGE_INT },
	[SYS_TCP_TW_REUSE] = { .name = "net.ipv4.tcp_tw_reuse",
			       .path = "sys/net/ipv4/tcp_tw_reuse",
			       .nvalues = 1, RANGE_U8 },
	[SYS_IP_LOCAL_PORT_RANGE] = { .name = "net.ipv4.ip_local_port_range",
				      .path = "sys/net/ipv4/ip_local_port_range",
				      .nvalues = 2, .min = 1, .max = 65535, .ordered = true },
	[SYS_SOMAXCONN] = { .name = "net.core.somaxconn",
			    .path = "sys/net/core/somaxconn",
			    .nvalues = 1, RANGE_INT },
	[SYS_TCP_MAX_SYN_BACKLOG] = { .name = "net.ipv4.tcp_max_syn_backlog",
				      .path = "sys/net/ipv4/tcp_max_syn_backlog",
				      .nvalues = 1, RANGE_INT },
	[SYS_TCP_SYNCOOKIES] = { .name = "net.ipv4.tcp_syncookies",
				 .path = "sys/net/ipv4/tcp_syncookies",
				 .nvalues = 1, RANGE_U8 },
	[SYS_TCP_ABORT_ON_OVERFLOW] = { .name = "net.ipv4.tcp_abort_on_overflow",
					.path = "sys/net/ipv4/tcp_abort_on_overflow",
					.nvalues = 1, RANGE_U8 },
	[SYS_TCP_KEEPALIVE_TIME] = { .name = "net.ipv4.tcp_keepalive_time",
				     .path = "sys/net/ipv4/tcp_keepalive_time",
				     .nvalues = 1, RANGE_INT },
	[SYS_TCP_KEEPALIVE_INTVL] = { .name = "net.ipv4.tcp_keepalive_intvl",
				      .path = "sys/net/ipv4/tcp_keepalive_intvl",
				      .nvalues = 1, RANGE_INT },
	[SYS_TCP_KEEPALIVE_PROBES] = { .name = "net.ipv4.tcp_keepalive_probes",
				       .path = "sys/net/ipv4/tcp_keepalive_probes",
				       .nvalues = 1, RANGE_U8 },
	[SYS_TCP_RETRIES2] = { .name = "net.ipv4.tcp_retries2",
			       .path = "sys/net/ipv4/tcp_retries2",
			       .nvalues = 1, RANGE_U8 },
	[SYS_TCP_SYN_LINEAR_TIMEOUTS] = { .name = "net.ipv4.tcp_syn_linear_timeouts",
					  .path = "sys/net/ipv4/tcp_syn_linear_timeouts",
					  .nvalues = 1, RANGE_U8 },
	/* Pages, proc_doulongvec_minmax. */
	[SYS_TCP_MEM] = { .name = "net.ipv4.tcp_mem",
			  .path = "sys/net/ipv4/tcp_mem",
			  .nvalues = 3, .min = 0, .max = LLONG_MAX },
	/* 1000..120000 today; a later kernel may raise the top. */
	[SYS_TCP_RTO_MAX_MS] = { .name = "net.ipv4.tcp_rto_max_ms",
				 .path = "sys/net/ipv4/tcp_rto_max_ms",
				 .nvalues = 1, .min = 1, .max = INT_MAX },
};
/* clang-format on */

#undef RANGE_U8
#undef RANGE_INT

/* Longer than any valid file: three 19-digit numbers, blanks and a newline. */
#define SYSCTL_FILE_MAX 128

const char *sysctl_name(enum sysctl_id id)
{
	return (unsigned int)id < SYS_COUNT ? defs[id].name : NULL;
}

const char *sysctl_short_name(enum sysctl_id id)
{
	const char *dot;

	if ((unsigned int)id >= SYS_COUNT)
		return NULL;
	dot = strrchr(defs[id].name, '.');
	return dot ? dot + 1 : defs[id].name;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int sysctl_parse(enum sysctl_id id, const char *text, size_t len, struct sysctl_value *out)
{
	char buf[SYSCTL_FILE_MAX];
	const struct sysctl_def *d;
	struct sysctl_value val = { 0 };
	char *p, *end;
	long long v;

	memset(out, 0, sizeof(*out));
	if ((unsigned int)id >= SYS_COUNT || !text || len >= sizeof(buf))
		return -EINVAL;
	d = &defs[id];
	/* A NUL inside would end the text early and hide what follows. */
	if (memchr(text, '\0', len))
		return -EINVAL;
	memcpy(buf, text, len);
	buf[len] = '\0';
	/* One newline may end the file, nothing may follow it. */
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	if (strchr(buf, '\n'))
		return -EINVAL;

	p = buf;
	for (;;) {
		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		/* strtoll would skip other white space and take a '+'. */
		if (!is_digit(*p) && !(*p == '-' && is_digit(p[1])))
			return -EINVAL;
		if (val.n == d->nvalues)
			return -EINVAL; /* too many */
		errno = 0;
		v = strtoll(p, &end, 10);
		if (errno || end == p || (*end && !is_blank(*end)))
			return -EINVAL;
		if (v < d->min || v > d->max)
			return -EINVAL;
		if (d->ordered && val.n && v < val.v[val.n - 1])
			return -EINVAL;
		val.v[val.n++] = v;
		p = end;
	}
	if (val.n != d->nvalues)
		return -EINVAL;
	val.known = true;
	*out = val;
	return 0;
}

/* Read a small file whole into @buf; -EFBIG if it does not fit. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t r;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (len == size) {
			ret = -EFBIG;
			goto out;
		}
		r = read(fd, buf + len, size - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	ret = 0;
out:
	close(fd);
	return ret ? ret : (ssize_t)len;
}

void sysctl_read_all(const char *proc_root, struct sysctls *out)
{
	char path[PATH_MAX], buf[SYSCTL_FILE_MAX];
	unsigned int id;
	ssize_t len;
	int n;

	memset(out, 0, sizeof(*out));
	if (!proc_root)
		proc_root = "/proc";
	for (id = 0; id < SYS_COUNT; id++) {
		n = snprintf(path, sizeof(path), "%s/%s", proc_root, defs[id].path);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		len = read_small(path, buf, sizeof(buf));
		if (len < 0)
			continue;
		sysctl_parse(id, buf, (size_t)len, &out->val[id]);
	}
}

bool sysctl_get(const struct sysctls *s, enum sysctl_id id, long long *v)
{
	if ((unsigned int)id >= SYS_COUNT || !s->val[id].known || !s->val[id].n)
		return false;
	*v = s->val[id].v[0];
	return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sysctl.h - the kernel's TCP settings that a diagnosis is judged against.
 *
 * Reads /proc/sys/net/... once into struct sysctls (plain data, no pointers).
 * A setting that does not exist here (an older kernel, or a global one such as
 * tcp_max_orphans or tcp_mem inside a child network namespace) or that cannot
 * be parsed is *unknown*: known == false, never 0, and the rules say so.
 * The /proc root is a parameter so tests can point it at a fixture tree.
 * Called by collect (left of the snapshot); rules and renderers only read.
 */
#ifndef TCPDX_SYSCTL_H
#define TCPDX_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>

enum sysctl_id {
	/* The four always shown. */
	SYS_TCP_SYN_RETRIES,
	SYS_TCP_SYNACK_RETRIES,
	SYS_TCP_MAX_ORPHANS,          /* GLOBAL */
	SYS_TCP_ORPHAN_RETRIES,
	/* The others a rule reads. */
	SYS_TCP_FIN_TIMEOUT,
	SYS_TCP_MAX_TW_BUCKETS,
	SYS_TCP_TW_REUSE,
	SYS_IP_LOCAL_PORT_RANGE,      /* two values: low high */
	SYS_SOMAXCONN,                /* net.core.somaxconn */
	SYS_TCP_MAX_SYN_BACKLOG,
	SYS_TCP_SYNCOOKIES,
	SYS_TCP_ABORT_ON_OVERFLOW,
	SYS_TCP_KEEPALIVE_TIME,
	SYS_TCP_KEEPALIVE_INTVL,
	SYS_TCP_KEEPALIVE_PROBES,
	SYS_TCP_RETRIES2,
	SYS_TCP_SYN_LINEAR_TIMEOUTS,  /* 6.5+ */
	SYS_TCP_MEM,                  /* GLOBAL; three values, in pages */
	SYS_TCP_RTO_MAX_MS,           /* 6.15+; else 120000 is the kernel's constant */
	SYS_COUNT
};

#define SYSCTL_MAX_VALUES 3

struct sysctl_value {
	bool known;
	unsigned int n;                 /* values read (1, 2 or 3) */
	long long v[SYSCTL_MAX_VALUES];
};

struct sysctls {
	struct sysctl_value val[SYS_COUNT];
};

/* "net.ipv4.tcp_syn_retries"; NULL for an id outside the enum. */
const char *sysctl_name(enum sysctl_id id);
/* "tcp_syn_retries": the short form used in JSON keys and the text; NULL
 * for an id outside the enum. */
const char *sysctl_short_name(enum sysctl_id id);

/**
 * sysctl_read_all() - read every setting under @proc_root (NULL: "/proc").
 *
 * Never fails: what cannot be read is left unknown. A file holding other than
 * the expected count of integers (separated by blanks or tabs) is unknown.
 */
void sysctl_read_all(const char *proc_root, struct sysctls *out);

/* The first value if known; otherwise false and *v untouched. */
bool sysctl_get(const struct sysctls *s, enum sysctl_id id, long long *v);

/**
 * sysctl_parse() - parse the @len bytes of a setting's file, as read.
 *
 * Exposed for tests and fuzzing; sysctl_read_all() uses it. The text must be
 * exactly the setting's count of decimal integers, separated by blanks or
 * tabs, each within the range the kernel accepts for it, and may end in one
 * newline. Anything else (empty, a NUL byte, CRLF, a sign or digit missing,
 * overflow) is -EINVAL and leaves @out unknown. Returns 0 or -EINVAL.
 */
int sysctl_parse(enum sysctl_id id, const char *text, size_t len, struct sysctl_value *out);

#endif

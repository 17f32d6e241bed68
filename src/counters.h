/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * counters.h - the kernel's TCP counters: /proc/net/sockstat and sockstat6
 * (gauges), TcpExt in /proc/net/netstat and Tcp in /proc/net/snmp
 * (cumulative, so rules use their rate between two reads).
 *
 * Owns struct counters (plain data). A counter the kernel does not have is
 * unknown (known == false), never 0. The /proc root is a parameter so tests
 * can use fixture files. Parsers validate everything: a header and a value
 * line must pair up, with as many fields each; anything else is unknown.
 * Called by collect; rules and renderers only read.
 */
#ifndef TCPDX_COUNTERS_H
#define TCPDX_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>

enum counter_id {
	/* /proc/net/sockstat "TCP:" and sockstat6 "TCP6:" (gauges) */
	CTR_SOCKSTAT_TCP_INUSE,
	CTR_SOCKSTAT_TCP_ORPHAN,    /* host-wide, even read in a child netns */
	CTR_SOCKSTAT_TCP_TW,
	CTR_SOCKSTAT_TCP_ALLOC,     /* host-wide */
	CTR_SOCKSTAT_TCP_MEM,       /* host-wide, pages */
	CTR_SOCKSTAT_TCP6_INUSE,
	/* /proc/net/netstat TcpExt (cumulative) */
	CTR_LISTEN_OVERFLOWS,
	CTR_LISTEN_DROPS,
	CTR_REQQ_FULL_DO_COOKIES,   /* TCPReqQFullDoCookies */
	CTR_REQQ_FULL_DROP,         /* TCPReqQFullDrop */
	CTR_SYNCOOKIES_SENT,
	CTR_SYNCOOKIES_RECV,
	CTR_SYNCOOKIES_FAILED,
	CTR_ABORT_ON_CLOSE,         /* TCPAbortOnClose */
	CTR_ABORT_ON_DATA,
	CTR_ABORT_ON_LINGER,
	CTR_ABORT_ON_MEMORY,
	CTR_ABORT_ON_TIMEOUT,
	CTR_ABORT_FAILED,
	CTR_TW_OVERFLOW,            /* TCPTimeWaitOverflow */
	CTR_TW,                     /* TW */
	CTR_TW_KILLED,              /* TWKilled */
	CTR_TW_RECYCLED,            /* TWRecycled */
	CTR_TIMEOUTS,               /* TCPTimeouts */
	CTR_SYN_RETRANS,            /* TCPSynRetrans */
	CTR_KEEPALIVE,              /* TCPKeepAlive */
	CTR_EMBRYONIC_RSTS,         /* EmbryonicRsts */
	CTR_MEMORY_PRESSURES,       /* TCPMemoryPressures */
	CTR_PRUNE_CALLED,           /* PruneCalled */
	CTR_BACKLOG_DROP,           /* TCPBacklogDrop */
	/* /proc/net/snmp Tcp (cumulative, except CurrEstab) */
	CTR_ACTIVE_OPENS,
	CTR_PASSIVE_OPENS,
	CTR_ATTEMPT_FAILS,
	CTR_ESTAB_RESETS,
	CTR_CURR_ESTAB,             /* gauge */
	CTR_RETRANS_SEGS,
	CTR_OUT_RSTS,
	CTR_COUNT
};

struct counter_value {
	bool known;
	uint64_t v;
};

struct counters {
	struct counter_value c[CTR_COUNT];
};

/* The kernel's name: "ListenOverflows", "TCPAbortOnTimeout", "inuse" ...;
 * NULL for an id outside the enum (and for counters_group()). */
const char *counters_name(enum counter_id id);
/* Where it comes from: "TcpExt", "Tcp", "sockstat", "sockstat6". */
const char *counters_group(enum counter_id id);
/* A gauge (a level now) rather than a cumulative count. */
bool counters_is_gauge(enum counter_id id);

/**
 * counters_read() - read all four files under @proc_root (NULL: "/proc").
 * Never fails: what cannot be read or parsed stays unknown. Each file is read
 * whole, up to 1 MiB; one holding a NUL byte is not parsed at all.
 */
void counters_read(const char *proc_root, struct counters *out);

/**
 * counters_delta() - @after - @before for a cumulative counter known in both
 * and not gone backwards (a counter reset); false otherwise, and always for
 * a gauge, with *@delta untouched.
 */
bool counters_delta(const struct counters *before, const struct counters *after,
		    enum counter_id id, uint64_t *delta);

/*
 * Parsers, exposed for tests and fuzzing: they take a file's whole text and
 * fill the counters found in it, leaving the others as they were. Only whole
 * lines count: a last line with no newline may have been cut short, and a
 * line with a control character other than a tab in it (a CR of CRLF) is
 * spoilt; both are ignored whole. Fields are separated by blanks or tabs. A
 * value is decimal digits only, at most UINT64_MAX; a counter whose value is
 * anything else (a sign, a letter) is set unknown. sockstat's "TCP:" line
 * must hold key-value pairs (an odd count of fields ignores the line).
 */
void counters_parse_sockstat(const char *text, struct counters *out);
void counters_parse_sockstat6(const char *text, struct counters *out);
/* /proc/net/netstat and /proc/net/snmp share a format: pairs of lines
 * "Group: Name1 Name2 ..." then "Group: v1 v2 ...". */
void counters_parse_pairs(const char *text, struct counters *out);

#endif

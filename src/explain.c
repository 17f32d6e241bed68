// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reference text behind `tcpdx explain`. Every fact comes from
 * tcp-diagnosis-reference.md (the kernel, not folk wisdom: TIME-WAIT means the
 * remote did close; FIN-WAIT-2 means it did not). The words live in two const
 * tables, one indexed by state and one by rule id; the time limits are worked
 * out from the settings given, and a setting that is unknown is said to be.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "explain.h"
#include "states.h"
#include "util.h"

#define WRAP_COLS 78
#define NBSP "\x1f" /* UTIL_NBSP: a space wrap() does not break at */
#define TCP_RTO_MIN_S 0.2             /* TCP_RTO_MIN: the base of tcp_retries2's model */
#define TCP_TIMEWAIT_LEN_S 60         /* hard-coded, no setting */

const char explain_topics[] =
	"established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait, close, "
	"close-wait, last-ack, listen, closing, listen-overflow, ephemeral-ports, orphans, "
	"tcp-memory, aborts";

/* ---- text building and wrapping ------------------------------------------- */

struct sb {
	char s[2048];
	size_t n;
};

static void __attribute__((format(printf, 2, 3))) sb_add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (b->n >= sizeof(b->s) - 1)
		return;
	va_start(ap, fmt);
	r = vsnprintf(b->s + b->n, sizeof(b->s) - b->n, fmt, ap);
	va_end(ap);
	if (r > 0)
		b->n = b->n + (size_t)r < sizeof(b->s) ? b->n + (size_t)r : sizeof(b->s) - 1;
}

/*
 * Print @text wrapped at WRAP_COLS, the first line indented by @indent and the
 * others by @indent + @hang; nothing for a text without words.
 */
static void wrap(FILE *f, unsigned int indent, unsigned int hang, const char *text)
{
	if (!text[strspn(text, " \n")])
		return;
	fprintf(f, "%*s", (int)indent, "");
	util_fput_wrapped(f, (int)indent, text, (int)(indent + hang), WRAP_COLS);
}

static void __attribute__((format(printf, 4, 5))) wrapf(FILE *f, unsigned int indent,
							 unsigned int hang, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	wrap(f, indent, hang, buf);
}

/* A heading, then its text indented by two. */
static void section(FILE *f, const char *title, const char *text)
{
	fprintf(f, "\n%s\n", title);
	wrap(f, 2, 0, text);
}

/* ---- settings and the kernel's time limits ---------------------------------- */

static bool get(const struct sysctls *sys, enum sysctl_id id, long long *v)
{
	return sys && sysctl_get(sys, id, v);
}

/* "tcp_fin_timeout 60" or "tcp_fin_timeout (unknown here)"; net.core ones in full. */
static void sb_setting(struct sb *b, const struct sysctls *sys, enum sysctl_id id)
{
	const char *name = strncmp(sysctl_name(id), "net.ipv4.", 9) ? sysctl_name(id)
								     : sysctl_short_name(id);
	long long v;

	if (get(sys, id, &v))
		sb_add(b, "%s %lld", name, v);
	else
		sb_add(b, "%s (unknown here)", name);
}

/* "131 s", "924.6 s, about 15 min", with non-breaking spaces. */
static void sb_secs(struct sb *b, double s)
{
	if (fabs(s - round(s)) < 0.05)
		sb_add(b, "%.0f" NBSP "s", s);
	else
		sb_add(b, "%.1f" NBSP "s", s);
	if (s >= 7200)
		sb_add(b, ", about" NBSP "%.1f" NBSP "h", s / 3600);
	else if (s >= 600)
		sb_add(b, ", about" NBSP "%.0f" NBSP "min", s / 60);
}

static long long rto_max_ms(const struct sysctls *sys)
{
	return rules_rto_max_ms(sys);
}

/* How long @n doubling retransmissions take from the 200 ms TCP_RTO_MIN, the
 * limit of tcp_retries2 and tcp_orphan_retries (retransmits_timed_out). */
static double model_timeout(long long n, long long rto_max)
{
	return rules_model_timeout(n, TCP_RTO_MIN_S, rto_max);
}

/* "924.6 s, about 15 min (tcp_retries2 15)" */
static void sb_retries2(struct sb *b, const struct sysctls *sys)
{
	long long n;

	if (!get(sys, SYS_TCP_RETRIES2, &n)) {
		sb_add(b, "a time set by tcp_retries2, unknown here");
		return;
	}
	sb_secs(b, model_timeout(n, rto_max_ms(sys)));
	sb_add(b, " (tcp_retries2 %lld)", n);
}

/* "7875 s, about 2.2 h (tcp_keepalive_time 7200 + tcp_keepalive_probes 9 x ...)" */
static void sb_keepalive(struct sb *b, const struct sysctls *sys)
{
	long long t, n, i;

	if (get(sys, SYS_TCP_KEEPALIVE_TIME, &t) && get(sys, SYS_TCP_KEEPALIVE_PROBES, &n) &&
	    get(sys, SYS_TCP_KEEPALIVE_INTVL, &i)) {
		sb_secs(b, (double)(t + n * i));
		sb_add(b, " (tcp_keepalive_time %lld + tcp_keepalive_probes %lld x "
			  "tcp_keepalive_intvl %lld)", t, n, i);
		return;
	}
	sb_add(b, "a time not known here, from ");
	sb_setting(b, sys, SYS_TCP_KEEPALIVE_TIME);
	sb_add(b, ", ");
	sb_setting(b, sys, SYS_TCP_KEEPALIVE_PROBES);
	sb_add(b, " and ");
	sb_setting(b, sys, SYS_TCP_KEEPALIVE_INTVL);
}

/* connect()'s give-up time; false if tcp_syn_retries is unknown. */
static bool syn_sent_time(const struct sysctls *sys, double *t, long long *n, long long *lin,
			  bool *lin_known)
{
	*lin = 0;
	*lin_known = get(sys, SYS_TCP_SYN_LINEAR_TIMEOUTS, lin);
	if (!get(sys, SYS_TCP_SYN_RETRIES, n))
		return false;
	*t = rules_syn_sent_give_up(*n, *lin, rto_max_ms(sys));
	return true;
}

/* ---- time limits of each state --------------------------------------------- */

static void bound_established(struct sb *b, const struct sysctls *sys)
{
	sb_add(b, "No timeout while the peer answers, however long the connection idles. "
		  "When the peer stops acknowledging data, the kernel gives up, with "
		  "ETIMEDOUT and no reset, after ");
	sb_retries2(b, sys);
	sb_add(b, ". An idle connection whose peer vanished is noticed only with "
		  "SO_KEEPALIVE, after ");
	sb_keepalive(b, sys);
	sb_add(b, ". A peer that keeps acknowledging zero-window probes can hold it forever.");
}

static void bound_syn_sent(struct sb *b, const struct sysctls *sys)
{
	long long n, lin;
	bool lin_known;
	double t;

	if (!syn_sent_time(sys, &t, &n, &lin, &lin_known)) {
		sb_add(b, "connect() gives up after a time set by tcp_syn_retries, unknown here (");
		sb_setting(b, sys, SYS_TCP_SYN_LINEAR_TIMEOUTS);
		sb_add(b, ").");
	} else {
		sb_add(b, "connect() gives up after ");
		sb_secs(b, t);
		if (lin_known)
			sb_add(b, " (tcp_syn_retries %lld + tcp_syn_linear_timeouts %lld)", n, lin);
		else
			sb_add(b, " (tcp_syn_retries %lld; tcp_syn_linear_timeouts unknown here, "
				  "so none, as before Linux 6.5)", n);
		sb_add(b, " with ETIMEDOUT.");
	}
	sb_add(b, " A reset (closed port) or an ICMP error (unreachable host) ends it at once "
		  "with ECONNREFUSED or EHOSTUNREACH. TCP_SYNCNT and TCP_USER_TIMEOUT change "
		  "the limit per socket.");
}

static const char *const syncookies_means[] = {
	"no cookies: SYNs are dropped when a request queue is full",
	"cookies once a listener's request queue is full",
	"cookies always, so no requests are kept at all",
};

static void bound_syn_recv(struct sb *b, const struct sysctls *sys)
{
	long long m, c;

	if (get(sys, SYS_TCP_SYNACK_RETRIES, &m)) {
		sb_add(b, "The SYN-ACK is resent up to %lld times (tcp_synack_retries %lld), then "
			  "the request is dropped silently after ", m, m);
		sb_secs(b, rules_syn_recv_give_up(m, rto_max_ms(sys)));
		sb_add(b, ".");
	} else {
		sb_add(b, "The SYN-ACK is resent tcp_synack_retries times (unknown here), then the "
			  "request is dropped silently.");
	}
	if (!get(sys, SYS_TCP_SYNACK_RETRIES, &m) || m > 2) {
		sb_add(b, " When a listener's requests fill more than half its backlog, older "
			  "ones get fewer resends, down to 2 (");
		sb_secs(b, rules_syn_recv_give_up(2, rto_max_ms(sys)));
		sb_add(b, ").");
	}
	sb_add(b, " TCP_DEFER_ACCEPT keeps acknowledged requests longer; the listener's "
		  "TCP_SYNCNT overrides the count. ");
	sb_setting(b, sys, SYS_TCP_SYNCOOKIES);
	if (get(sys, SYS_TCP_SYNCOOKIES, &c) && c >= 0 && c <= 2)
		sb_add(b, ": %s", syncookies_means[c]);
	sb_add(b, ".");
}

/* Orphans: "8 resends of the FIN, 102.2 s (tcp_orphan_retries 0, which means 8)". */
static void sb_orphan(struct sb *b, const struct sysctls *sys)
{
	long long r;

	if (!get(sys, SYS_TCP_ORPHAN_RETRIES, &r)) {
		sb_add(b, "a number of resends set by tcp_orphan_retries, unknown here");
		return;
	}
	sb_add(b, "%lld unanswered resends, about ", r ? r : 8);
	sb_secs(b, model_timeout(r ? r : 8, rto_max_ms(sys)));
	if (r)
		sb_add(b, " (tcp_orphan_retries %lld)", r);
	else
		sb_add(b, " (tcp_orphan_retries 0, which means 8)");
}

/* FIN-WAIT-1, LAST-ACK and CLOSING: @persist adds the zero-window case. */
static void bound_closing_any(struct sb *b, const struct sysctls *sys, bool persist)
{
	sb_add(b, "Orphans (the application closed the socket; inode 0) give up after ");
	sb_orphan(b, sys);
	sb_add(b, ", without a reset, and are killed early, with a reset, past ");
	sb_setting(b, sys, SYS_TCP_MAX_ORPHANS);
	sb_add(b, " or tcp_mem.");
	if (persist)
		sb_add(b, " An orphan probing a zero window is aborted once its probe backoff "
			  "reaches the maximum RTO.");
	sb_add(b, " Sockets still open (shutdown() on a live descriptor) give up after ");
	sb_retries2(b, sys);
	sb_add(b, "%s.", persist ? ", or never while the peer's window stays zero and it "
				  "answers the probes" : "");
}

static void bound_fin_wait1(struct sb *b, const struct sysctls *sys)
{
	bound_closing_any(b, sys, true);
}

static void bound_closing(struct sb *b, const struct sysctls *sys)
{
	bound_closing_any(b, sys, false);
}

static void bound_fin_wait2(struct sb *b, const struct sysctls *sys)
{
	long long t;

	if (!get(sys, SYS_TCP_FIN_TIMEOUT, &t)) {
		sb_add(b, "Orphans (closed here) are freed, without a reset, after "
			  "tcp_fin_timeout, unknown here.");
	} else {
		sb_add(b, "Orphans (closed here) are freed, without a reset, after %lld s "
			  "(tcp_fin_timeout %lld; at least 3.5 RTO; TCP_LINGER2 overrides it per "
			  "socket).", t, t);
		if (t <= TCP_TIMEWAIT_LEN_S)
			sb_add(b, " At this value they are timewait minisocks the whole time.");
		else
			sb_add(b, " Above 60 s an orphan first stays a full socket (timer "
				  "keepalive) for %lld s, then becomes a minisock.",
			       t - TCP_TIMEWAIT_LEN_S);
	}
	sb_add(b, " Half-closed sockets (shutdown(SHUT_WR) with the descriptor still open) have "
		  "no timeout at all. A FIN from the peer moves either to TIME-WAIT. "
		  "tcp_fin_timeout does not change TIME-WAIT. Orphan minisocks count against ");
	sb_setting(b, sys, SYS_TCP_MAX_TW_BUCKETS);
	sb_add(b, " together with TIME-WAIT.");
}

static const char *const tw_reuse_means[] = {
	"outgoing connect() never takes over a TIME-WAIT 4-tuple",
	"outgoing connect() may take over a TIME-WAIT 4-tuple when the peer sent timestamps "
	"and the TIME-WAIT is older than tcp_tw_reuse_delay",
	"as 1, for connections on loopback only",
};

static void bound_time_wait(struct sb *b, const struct sysctls *sys)
{
	long long r;

	sb_add(b, "%d s, fixed in the kernel (TCP_TIMEWAIT_LEN); no setting changes it, "
		  "tcp_fin_timeout included. ", TCP_TIMEWAIT_LEN_S);
	sb_setting(b, sys, SYS_TCP_MAX_TW_BUCKETS);
	sb_add(b, " caps TIME-WAIT plus FIN-WAIT-2 minisocks: past it, connections close at "
		  "once without TIME-WAIT, with no log, and TCPTimeWaitOverflow counts them. ");
	sb_setting(b, sys, SYS_TCP_TW_REUSE);
	if (get(sys, SYS_TCP_TW_REUSE, &r) && r >= 0 && r <= 2)
		sb_add(b, ": %s", tw_reuse_means[r]);
	sb_add(b, ".");
}

static void bound_close(struct sb *b, const struct sysctls *sys)
{
	(void)sys;
	sb_add(b, "None: a bound socket stays until the application closes it, and holds its "
		  "port all that time.");
}

static void bound_close_wait(struct sb *b, const struct sysctls *sys)
{
	sb_add(b, "None: the kernel has no timer for CLOSE-WAIT. It ends when the application "
		  "calls close() (the socket moves to LAST-ACK) or exits, on ss -K, or on a "
		  "failure the kernel notices: with SO_KEEPALIVE after ");
	sb_keepalive(b, sys);
	sb_add(b, ", or when data sent to the peer stays unacknowledged for ");
	sb_retries2(b, sys);
	sb_add(b, ".");
}

static void bound_listen(struct sb *b, const struct sysctls *sys)
{
	long long a;

	sb_add(b, "No timeout. The backlog given to listen() is capped by ");
	sb_setting(b, sys, SYS_SOMAXCONN);
	sb_add(b, "; the accept queue then holds backlog + 1 connections. Requests (SYN-RECV) "
		  "are capped by the backlog too; ");
	sb_setting(b, sys, SYS_TCP_MAX_SYN_BACKLOG);
	sb_add(b, " matters only when tcp_syncookies is 0; here ");
	sb_setting(b, sys, SYS_TCP_SYNCOOKIES);
	sb_add(b, ". When the accept queue is full, ");
	sb_setting(b, sys, SYS_TCP_ABORT_ON_OVERFLOW);
	if (get(sys, SYS_TCP_ABORT_ON_OVERFLOW, &a))
		sb_add(b, a ? ": the client's final ACK gets a reset."
			    : ": the client's final ACK is dropped, so the client thinks it is "
			      "connected while this side waits to resend its SYN-ACK.");
	else
		sb_add(b, ".");
}

/* ---- the states ------------------------------------------------------------ */

struct state_text {
	const char *waits_short;  /* overview, at most 34 characters */
	const char *fault_short;  /* overview, at most 28 characters */
	const char *happened;
	const char *waits_for;
	void (*bound)(struct sb *b, const struct sysctls *sys);
	const char *looks;
	const char *pileup;
	const char *fault;
	const char *todo;
	const char *rules;        /* rule ids, ", " between; NULL: none */
};

static const struct state_text state_texts[TS_LAST + 1] = {
	[TS_ESTABLISHED] = {
		.waits_short = "both send and read; nobody closed",
		.fault_short = "normal; see rq, window",
		.happened = "The three-way handshake completed (SYN, SYN-ACK, ACK). Both sides "
			    "may send and read; neither has sent a FIN.",
		.waits_for = "Nobody waits on the connection itself. Inside it, data can wait "
			     "for the application that should read it (the receive queue, rq, "
			     "on this side), or for the peer's window to open (a zero window: "
			     "the peer's application does not read).",
		.bound = bound_established,
		.looks = "A full socket. Timer none when idle; on, with retrans > 0, while "
			 "retransmitting; persist when the peer's window is zero; keepalive with "
			 "SO_KEEPALIVE. rq: bytes the local application has not read. wq: bytes "
			 "the peer has not acknowledged. Inode 0: completed by the kernel but not "
			 "yet accept()ed (waiting in a listener's accept queue).",
		.pileup = "Many ESTABLISHED connections are normal. Look at the patterns "
			  "instead: rq large and growing (the local application does not read); "
			  "timer persist with a zero window (the peer's application does not "
			  "read); timer on with retransmissions and nothing acknowledged (the path "
			  "or the peer is dead); inode 0 (the local accept() loop is behind).",
		.fault = "Unread data: the local application. Zero window: the remote "
			 "application. Retransmissions: the path or the remote host.",
		.todo = "Find the process that stopped reading (its owner and port); check the "
			"path and the peers that retransmit; use SO_KEEPALIVE or heartbeats "
			"where idle peers can vanish.",
		.rules = "established",
	},
	[TS_SYN_SENT] = {
		.waits_short = "we wait for the peer's SYN-ACK",
		.fault_short = "path or remote drops SYNs",
		.happened = "The local application called connect(); this host sent a SYN and no "
			    "SYN-ACK has come back yet.",
		.waits_for = "This host waits for the peer's SYN-ACK; the application waits in "
			     "connect() (or polls for it).",
		.bound = bound_syn_sent,
		.looks = "A full socket, timer on, retrans = SYNs resent so far, wq 1 (the "
			 "SYN). A normal connect shows here for one round trip; retrans > 0 means "
			 "no answer came.",
		.pileup = "SYNs are dropped silently: a firewall DROP rule, a black-holed route, "
			  "or a peer whose accept queue is full (if that peer is on this host, "
			  "its ListenOverflows rises). A closed port or an unreachable host would "
			  "have answered at once.",
		.fault = "The path (a firewall or a route) or the remote side (a full or silent "
			 "listener); not the local application.",
		.todo = "Group the sockets by destination and test reachability; prefer REJECT "
			"to DROP in firewalls; check the peer's accept queue. To fail faster, "
			"lower tcp_syn_retries or use TCP_SYNCNT, TCP_USER_TIMEOUT or a connect "
			"timeout.",
		.rules = "syn-sent",
	},
	[TS_SYN_RECV] = {
		.waits_short = "we wait for the client's last ACK",
		.fault_short = "remote: flood or lost ACKs",
		.happened = "A SYN arrived at a listener; this host answered with a SYN-ACK and "
			    "waits for the final ACK of the handshake. Linux keeps this as a small "
			    "request socket, not a full one.",
		.waits_for = "This host waits for the client's ACK. No application is involved "
			     "yet: accept() sees the connection only once the handshake is "
			     "complete.",
		.bound = bound_syn_recv,
		.looks = "A request socket: inode 0, uid 0, rq and wq 0, timer on, retrans = "
			 "SYN-ACKs resent. The kernel's internal state 12 (NEW_SYN_RECV) is "
			 "reported as 3. Count them per listener: the listener's rq does not "
			 "include them.",
		.pileup = "Many with retrans > 0 from many sources: a SYN flood (spoofed or dead "
			  "sources), or the clients' ACKs are lost on the way. With "
			  "tcp_abort_on_overflow 0, clients whose ACK met a full accept queue "
			  "wait here too (ListenOverflows rises). Once SYN cookies start, "
			  "SYN-RECV stays near the backlog and the flood shows in SyncookiesSent "
			  "instead.",
		.fault = "The remote side (flooding or unreachable clients) or the path back; "
			 "the local application when its accept queue is full.",
		.todo = "Keep tcp_syncookies 1; raise the listen() backlog together with "
			"net.core.somaxconn; filter floods upstream; if the accept queue is full, "
			"see listen-overflow.",
		.rules = "syn-recv, listen-overflow",
	},
	[TS_FIN_WAIT1] = {
		.waits_short = "we wait for the ACK of our FIN",
		.fault_short = "remote not reading, or loss",
		.happened = "The local application closed (close() or shutdown(SHUT_WR)); this "
			    "host queued or sent its FIN, which the peer has not acknowledged yet.",
		.waits_for = "This host waits for the peer to acknowledge the FIN and any data "
			     "queued before it.",
		.bound = bound_fin_wait1,
		.looks = "A full socket. Inode 0: an orphan (closed); inode not 0: shutdown() on "
			 "an open descriptor. wq large: data still queued before the FIN. Timer "
			 "persist with a zero window: the peer does not read. Timer on with "
			 "retrans > 0: loss.",
		.pileup = "Normally it lasts one round trip. Many mean the peer's application "
			  "does not read (zero window) or segments are lost on the path.",
		.fault = "Usually the remote side (its application does not read) or the path "
			 "(loss).",
		.todo = "Check the peers listed for an application that stopped reading and the "
			"path for loss. Orphans go away by themselves within the limit above.",
		.rules = "fin-wait-1, orphans",
	},
	[TS_FIN_WAIT2] = {
		.waits_short = "we wait for the peer's FIN",
		.fault_short = "REMOTE app never closed",
		.happened = "This host closed first: it sent its FIN and the peer acknowledged "
			    "it. The peer has not sent its own FIN.",
		.waits_for = "This host waits for the peer's FIN, that is for the remote "
			     "application to close(). Meanwhile the peer's socket sits in "
			     "CLOSE-WAIT.",
		.bound = bound_fin_wait2,
		.looks = "An orphan (closed here) is a timewait minisock: timer timewait, inode "
			 "0, no tcp_info (a full socket with timer keepalive first if "
			 "tcp_fin_timeout > 60). A half-closed one is a full socket with inode not "
			 "0. sockstat's tw counts FIN-WAIT-2 minisocks together with TIME-WAIT, so "
			 "tools that read sockstat show them as TIME-WAIT: that is where the folk "
			 "rule \"many TIME-WAIT means the remote never closed\" comes from. tcpdx "
			 "tells the two apart.",
		.pileup = "The remote application never closed its socket: it sits in "
			  "CLOSE-WAIT on the peer host.",
		.fault = "The remote side.",
		.todo = "Look for CLOSE-WAIT on the peers listed and fix that application's "
			"close path. Here, a lower tcp_fin_timeout frees orphans sooner; "
			"half-closed sockets stay until this application closes them.",
		.rules = "fin-wait-2",
	},
	[TS_TIME_WAIT] = {
		.waits_short = "we closed first; 60 s, then gone",
		.fault_short = "nobody: remote DID close",
		.happened = "This host closed first (it sent the first FIN), the peer "
			    "acknowledged it, then the peer closed too and this host acknowledged "
			    "the peer's FIN. Both sides closed: the remote did close.",
		.waits_for = "Nobody waits for anybody. The kernel keeps the connection's "
			     "4-tuple so that late segments of it are not taken for a new "
			     "connection, and so that its last ACK can be sent again if the "
			     "peer's FIN comes again.",
		.bound = bound_time_wait,
		.looks = "A timewait minisock: timer timewait with the time left, inode 0, uid "
			 "0, no tcp_info. Expect about (connections this host closes first per "
			 "second) x 60.",
		.pileup = "Normal, and it means the remote DID close: this host closed first. "
			  "The folk rule \"many TIME-WAIT: the remote never closed\" is wrong for "
			  "real TIME-WAIT; that pattern is FIN-WAIT-2, with CLOSE-WAIT on the "
			  "peer. The rule comes from sockstat's tw, which counts FIN-WAIT-2 "
			  "minisocks with TIME-WAIT. TIME-WAIT hurts only when TCPTimeWaitOverflow "
			  "rises, or when outgoing connections run out of ephemeral ports toward "
			  "one destination (TIME-WAIT holds its port).",
		.fault = "Nobody: it is the normal end of a connection this host closed first. "
			 "If it overflows, the design that makes this side close first, with one "
			 "connection per request.",
		.todo = "Usually nothing. If it hurts: reuse connections (keep-alive, pools), "
			"let the client close first, tcp_tw_reuse 1 for outgoing connections, "
			"more source addresses or a wider ip_local_port_range.",
		.rules = "time-wait, ephemeral-ports",
	},
	[TS_CLOSE] = {
		.waits_short = "bound; not listening or connected",
		.fault_short = "local app (unused sockets)",
		.happened = "No connection: the socket is bound to a port (bind()) but neither "
			    "listens nor connects. Sockets being torn down pass through it "
			    "briefly.",
		.waits_for = "Nothing in TCP: the local application holds a bound socket it has "
			     "not used for listen() or connect().",
		.bound = bound_close,
		.looks = "Only returned when bound-only sockets are asked for (sock_diag bit 13, "
			 "Linux 6.8+; tcpdx --state close). ss shows CLOSE as UNCONN. bind() to "
			 "port 0 takes an ephemeral port exclusively unless "
			 "IP_BIND_ADDRESS_NO_PORT is set.",
		.pileup = "The local application binds sockets and neither uses nor closes them "
			  "(a leak), taking ports from everyone else.",
		.fault = "The local application.",
		.todo = "Find the owner and fix its socket handling; set IP_BIND_ADDRESS_NO_PORT "
			"when binding before connect().",
	},
	[TS_CLOSE_WAIT] = {
		.waits_short = "the local app must call close()",
		.fault_short = "LOCAL app never closed",
		.happened = "The peer closed its side: it sent a FIN, and this host acknowledged "
			    "it. The local application has not called close() yet.",
		.waits_for = "The kernel waits for the local application to call close(). "
			     "Nothing is pending on the network; the peer sits in FIN-WAIT-2 "
			     "meanwhile, or has given up.",
		.bound = bound_close_wait,
		.looks = "A full socket. rq 1: the application has not read up to the FIN; rq "
			 "0: it read to the end (its next read returns EOF) and still did not "
			 "close; rq > 1: unread data plus the FIN. Inode 0: never accept()ed (it "
			 "waits in a listener's accept queue).",
		.pileup = "The local application never calls close(): a descriptor leak, no "
			  "close on EOF or on an error path, or (inode 0) a listener whose "
			  "accept() loop stopped.",
		.fault = "The local application, always.",
		.todo = "Find the process that owns the local ports and fix its close path. "
			"Restarting it frees the sockets; ss -K (CAP_NET_ADMIN) aborts them with "
			"a reset and the application gets ECONNABORTED.",
		.rules = "close-wait",
	},
	[TS_LAST_ACK] = {
		.waits_short = "we wait for the ACK of our FIN",
		.fault_short = "remote vanished, or loss",
		.happened = "The peer closed first (this host went through CLOSE-WAIT); then the "
			    "local application closed and this host sent its FIN, not yet "
			    "acknowledged.",
		.waits_for = "This host waits for the peer's ACK of its FIN. Usually the socket "
			     "is an orphan: the application is done with it.",
		.bound = bound_closing,
		.looks = "A full socket, usually inode 0 (an orphan), timer on with retrans = "
			 "FINs resent.",
		.pileup = "The peer vanished after sending its FIN, or ACKs are dropped between "
			  "the hosts (a firewall that forgets the connection after the first "
			  "FIN).",
		.fault = "The remote side or the path.",
		.todo = "Look for loss or a firewall dropping ACKs toward the peers listed; "
			"orphans go away within the limit above.",
		.rules = "last-ack, orphans",
	},
	[TS_LISTEN] = {
		.waits_short = "SYNs; the local app's accept()",
		.fault_short = "local app: slow accept()",
		.happened = "The local application called listen(): the socket takes "
			    "connections on its port.",
		.waits_for = "The listener waits for SYNs. Connections whose handshake completed "
			     "wait in its accept queue for the application's accept().",
		.bound = bound_listen,
		.looks = "rq: connections waiting for accept(); wq: the effective backlog. The "
			 "queue is full when rq = wq + 1. The connections waiting in it are "
			 "ESTABLISHED (or CLOSE-WAIT) with inode 0 on the same local port.",
		.pileup = "Listeners do not pile up, their queues do. A full accept queue: the "
			  "application does not accept() fast enough or its backlog is too "
			  "small. The kernel then drops SYNs and final ACKs (ListenOverflows), and "
			  "clients see SYN retries and slow or failed connects.",
		.fault = "The local application (a slow accept() loop) or its backlog.",
		.todo = "Accept faster (more acceptor threads, less work before accept()); "
			"raise the backlog passed to listen() and net.core.somaxconn together.",
		.rules = "listen-overflow, syn-recv",
	},
	[TS_CLOSING] = {
		.waits_short = "both closed; we wait for our ACK",
		.fault_short = "path: lost ACKs",
		.happened = "Both sides closed at about the same time: this host sent its FIN, "
			    "then received the peer's FIN before the ACK of its own (a "
			    "simultaneous close).",
		.waits_for = "This host waits for the ACK of its FIN; it has already "
			     "acknowledged the peer's. Next comes TIME-WAIT.",
		.bound = bound_closing,
		.looks = "A full socket, often inode 0 (an orphan), timer on with retrans > 0 "
			 "when ACKs are lost.",
		.pileup = "Rare; many mean ACKs are lost on the path.",
		.fault = "The path (lost ACKs), not either application.",
		.todo = "Look for loss or a firewall dropping ACKs between this host and the "
			"peers.",
		.rules = "closing, orphans",
	},
};

/* "close-wait" for "CLOSE-WAIT": the word that explains a state. */
static const char *state_word(unsigned int st, char *buf, size_t len)
{
	const char *n = states_name(st);
	size_t i;

	for (i = 0; n[i] && i + 1 < len; i++)
		buf[i] = (char)(n[i] >= 'A' && n[i] <= 'Z' ? n[i] - 'A' + 'a' : n[i]);
	buf[i] = '\0';
	return buf;
}

/* One line per rule id in @ids: "close-wait: CLOSE-WAIT pile-up". */
static void state_rules(FILE *f, const char *ids)
{
	char id[32];
	size_t w;

	fputs("\ntcpdx rules\n", f);
	if (!ids) {
		wrap(f, 2, 0, "None; tcpdx counts these sockets and lists them when asked.");
		return;
	}
	while (*ids) {
		w = strcspn(ids, ", ");
		snprintf(id, sizeof(id), "%.*s", (int)w, ids);
		if (rules_find(id))
			wrapf(f, 2, 4, "%s: %s (tcpdx explain %s)", id, rules_find(id)->title, id);
		else
			wrapf(f, 2, 4, "%s: no such rule", id);
		ids += w;
		ids += strspn(ids, ", ");
	}
}

static void explain_state(FILE *f, unsigned int st, const struct sysctls *sys)
{
	const struct state_text *t = &state_texts[st];
	struct sb b = { .n = 0 };

	fprintf(f, "%s (kernel %s, state %u)\n", states_name(st), states_kernel_name(st), st);
	section(f, "What happened", t->happened);
	section(f, "Who waits for what", t->waits_for);
	t->bound(&b, sys);
	section(f, "What bounds it in time (settings here)", b.s);
	section(f, "How it looks in tcpdx and ss", t->looks);
	section(f, "If they pile up", t->pileup);
	section(f, "Which side is at fault", t->fault);
	section(f, "What to do", t->todo);
	state_rules(f, t->rules);
}

/* ---- the rules --------------------------------------------------------------- */

struct rule_text {
	const char *id;
	const char *concludes;
	const char *fault;
};

static const struct rule_text rule_texts[] = {
	{ .id = "listen-overflow",
	  .concludes = "Critical when a listener's accept queue is full (rq above the "
		       "backlog); warning when one is at least queue_warning percent full, or "
		       "when ListenOverflows or ListenDrops rise faster than rate_warning. It "
		       "means the application does not accept() fast enough or the backlog is "
		       "too small: clients see SYN retries and slow or failed connects.",
	  .fault = "The local application (its accept() loop) or its backlog and "
		   "net.core.somaxconn." },
	{ .id = "syn-sent",
	  .concludes = "Counts the SYN-SENT sockets that resent their SYN (one in its first "
		       "RTO is just a connect in progress): info for a few, warning from the "
		       "warning count, critical from the critical count. It means SYNs or "
		       "their answers are dropped silently on the way, since a closed port or "
		       "an unreachable host answers at once.",
	  .fault = "The path (a firewall DROP, a black hole) or the remote side (a full "
		   "accept queue); not the local application." },
	{ .id = "syn-recv",
	  .concludes = "Info when requests resent their SYN-ACK; warning when the warning "
		       "count of them did, when one listener's requests reach queue_warning "
		       "percent of its backlog, or when SYN cookies are sent; critical at "
		       "queue_critical percent or when SYNs are dropped. It means a SYN "
		       "flood, or final ACKs lost on the way.",
	  .fault = "The remote side (flooding or unreachable clients) or the path back." },
	{ .id = "close-wait",
	  .concludes = "Any CLOSE-WAIT socket is info; warning from the warning count, "
		       "critical from the critical count. "
		       "It means the local application never called close(): the peer closed "
		       "and the kernel has no timeout for this state.",
	  .fault = "The local application." },
	{ .id = "fin-wait-2",
	  .concludes = "Any FIN-WAIT-2 socket is info; warning from the warning count, "
		       "critical from the critical count. "
		       "It means the remote application never closed (it sits in CLOSE-WAIT "
		       "there); orphans here are freed after tcp_fin_timeout, half-closed ones "
		       "never.",
	  .fault = "The remote side." },
	{ .id = "fin-wait-1",
	  .concludes = "Any FIN-WAIT-1 socket is info; warning from the warning count, "
		       "critical from the critical count. "
		       "It means this host's FIN is not acknowledged: the peer does not read "
		       "(zero window) or segments are lost.",
	  .fault = "The remote side (not reading) or the path (loss)." },
	{ .id = "last-ack",
	  .concludes = "Any LAST-ACK socket is info; warning from the warning count, "
		       "critical from the critical count. It means the ACK of this host's "
		       "last FIN does not come back: the peer vanished after its FIN, or ACKs "
		       "are dropped.",
	  .fault = "The remote side or the path." },
	{ .id = "closing",
	  .concludes = "Any CLOSING socket is info; warning from the warning count, "
		       "critical from the critical count. It means simultaneous closes whose "
		       "ACKs are lost.",
	  .fault = "The path." },
	{ .id = "time-wait",
	  .concludes = "Info while TIME-WAIT is the normal trace of connections this host "
		       "closed first (the remote did close); warning and critical when "
		       "sockstat's tw (TIME-WAIT plus FIN-WAIT-2 minisocks) reaches "
		       "buckets_warning and buckets_critical percent of tcp_max_tw_buckets; "
		       "critical when TCPTimeWaitOverflow rises, as connections then close "
		       "without TIME-WAIT.",
	  .fault = "Nobody while it is normal; near the limit, the design that has this "
		   "host close first, with one connection per request." },
	{ .id = "ephemeral-ports",
	  .concludes = "Warning and critical when the connections from one local address to "
		       "one remote address and port hold warning and critical percent of "
		       "ip_local_port_range (TIME-WAIT included): connect() then fails with "
		       "EADDRNOTAVAIL, which no counter records. Silent when the range is "
		       "unknown.",
	  .fault = "The local application (a connection per request, no pooling) or a "
		   "port range too narrow for its load." },
	{ .id = "orphans",
	  .concludes = "Warning and critical when sockstat's orphan count (host-wide) "
		       "reaches warning and critical percent of tcp_max_orphans: past the "
		       "limit the kernel kills orphans with a reset (TCPAbortOnMemory), and it "
		       "counts some orphans 2 or 4 times. Silent in a child namespace, where "
		       "the limit cannot be read.",
	  .fault = "Whatever keeps closes from completing: usually the remote side (not "
		   "reading or not acknowledging) or the path; see fin-wait-1 and last-ack." },
	{ .id = "tcp-memory",
	  .concludes = "Warning when TCP's pages reach warning percent of tcp_mem's "
		       "pressure threshold, critical at critical percent of its maximum: the "
		       "kernel then shrinks buffers, refuses memory and kills orphans.",
	  .fault = "The applications whose sockets hold large queues (often ones that do not "
		   "read), or a tcp_mem too small for the load." },
	{ .id = "established",
	  .concludes = "Warning when the sockets with rq_bytes or more unread reach "
		       "unread_warning (the local application does not read), those probing a "
		       "zero window reach zero_window_warning (the peer does not read), or "
		       "those in retransmission timeouts reach retrans_warning (the path or the "
		       "peer is dead).",
	  .fault = "Unread data: the local application. Zero window: the remote "
		   "application. Retransmissions: the path or the remote host." },
	{ .id = "aborts",
	  .concludes = "Needs two samples (totals alone say nothing). Info when resets "
		       "caused by applications' closes (TCPAbortOnClose, OnData, OnLinger) "
		       "exceed close_info; warning when TCPAbortOnTimeout exceeds "
		       "timeout_warning; critical when TCPAbortOnMemory exceeds "
		       "memory_critical.",
	  .fault = "Timeouts: the path or the remote side. Memory: this host's limits. "
		   "Resets on close: the local application." },
};

static const struct rule_text *rule_text(const char *id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rule_texts); i++)
		if (!strcmp(rule_texts[i].id, id))
			return &rule_texts[i];
	return NULL;
}

/* "80%", "10 sockets", "0 per second" */
static void value_unit(char *buf, size_t len, double v, const char *unit)
{
	snprintf(buf, len, "%g%s%s", v, strcmp(unit, "%") ? " " : "", unit);
}

static void rule_params(FILE *f, const struct rule *r, const struct thresholds *th)
{
	const struct rule_param *p;
	char now[48];
	double v;
	size_t i;

	fprintf(f, "\nParameters (--threshold %s.NAME=VALUE)\n", r->id);
	for (i = 0; i < RULE_MAX_PARAMS && r->params[i].name; i++) {
		p = &r->params[i];
		v = th ? th->v[r - rules_table][i] : p->def;
		value_unit(now, sizeof(now), v, p->unit);
		wrapf(f, 2, 4, "%s = %s (default %g%s): %s", p->name, now, p->def,
		      v != p->def ? ", changed" : "", p->help);
	}
}

static void explain_rule(FILE *f, const struct rule *r, const struct thresholds *th)
{
	const struct rule_text *t = rule_text(r->id);
	char word[32];

	fprintf(f, "Rule %s: %s\n", r->id, r->title);
	section(f, "Looks at", r->looks_at);
	if (t) {
		section(f, "Concludes", t->concludes);
		section(f, "Which side is at fault", t->fault);
	}
	rule_params(f, r, th);
	fputs("\nState\n", f);
	if (r->state)
		wrapf(f, 2, 0, "%s (tcpdx explain %s)", states_name((unsigned int)r->state),
		      state_word((unsigned int)r->state, word, sizeof(word)));
	else
		wrap(f, 2, 0, "None: it reads the kernel's counters and settings.");
}

/* ---- lookup ------------------------------------------------------------------ */

/* Equal ignoring case, '-' and '_' ("TCP_MEMORY" is "tcp-memory"). */
static bool folded_eq(const char *a, const char *b)
{
	for (;;) {
		while (*a == '-' || *a == '_')
			a++;
		while (*b == '-' || *b == '_')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if ((*a | 0x20) != (*b | 0x20))
			return false;
		a++;
		b++;
	}
}

static const struct rule *find_rule(const char *topic)
{
	size_t i;

	if (rules_find(topic))
		return rules_find(topic);
	for (i = 0; i < rules_count; i++)
		if (folded_eq(rules_table[i].id, topic))
			return &rules_table[i];
	return NULL;
}

int explain_topic(FILE *f, const char *topic, const struct sysctls *sys,
		  const struct thresholds *th)
{
	unsigned int st = topic ? states_lookup(topic) : 0;
	const struct rule *r = topic ? find_rule(topic) : NULL;

	if (!st && !r)
		return -ENOENT;
	if (st)
		explain_state(f, st, sys);
	if (st && r)
		fputs("\n\n", f);
	if (r)
		explain_rule(f, r, th);
	return ferror(f) ? -EIO : 0;
}

/* ---- the overview --------------------------------------------------------------- */

static const char *const diagram[] = {
	"                               +-------+",
	"          passive open         | CLOSE |          active open",
	"          listen()      +------+-------+------+   connect(): send SYN",
	"                        v                     v",
	"                   +--------+           +----------+",
	"                   | LISTEN |           | SYN-SENT |",
	"                   +--------+           +----------+",
	"      rcv SYN: send SYN-ACK |                 | rcv SYN-ACK: send ACK",
	"                            v                 |",
	"                     +----------+             |",
	"                     | SYN-RECV |             |",
	"                     +----------+             |",
	"                    rcv ACK |                 |",
	"                            v                 v",
	"                         +-----------------------+",
	"                         |      ESTABLISHED      |",
	"                         +-----------------------+",
	"         close(): send FIN |                   | rcv FIN: send ACK",
	"          (active close)   v                   v  (passive close)",
	"      +------------+  rcv FIN:  +---------+   +------------+",
	"      | FIN-WAIT-1 |----------->| CLOSING |   | CLOSE-WAIT |",
	"      +------------+  send ACK  +---------+   +------------+",
	"  rcv ACK |   (simultaneous close)   | rcv ACK      | close(): send FIN",
	"          v                          v              v",
	"      +------------+  rcv FIN:  +-----------+   +----------+",
	"      | FIN-WAIT-2 |----------->| TIME-WAIT |   | LAST-ACK |",
	"      +------------+  send ACK  +-----------+   +----------+",
	"                                     | 60 s         | rcv ACK",
	"                                     v              v",
	"                                   (gone)         (gone)",
};

static void overview_limits(FILE *f, const struct sysctls *sys)
{
	struct sb b = { .n = 0 };
	long long n, lin, v;
	bool lin_known;
	double t;

	sb_add(&b, "Time limits here: SYN-SENT ");
	if (syn_sent_time(sys, &t, &n, &lin, &lin_known))
		sb_secs(&b, t);
	else
		sb_add(&b, "unknown");
	sb_add(&b, "; SYN-RECV ");
	if (get(sys, SYS_TCP_SYNACK_RETRIES, &v))
		sb_secs(&b, rules_syn_recv_give_up(v, rto_max_ms(sys)));
	else
		sb_add(&b, "unknown");
	sb_add(&b, "; orphans in FIN-WAIT-1, LAST-ACK or CLOSING ");
	sb_orphan(&b, sys);
	sb_add(&b, "; orphaned FIN-WAIT-2 ");
	if (get(sys, SYS_TCP_FIN_TIMEOUT, &v))
		sb_add(&b, "%lld s", v);
	else
		sb_add(&b, "unknown");
	sb_add(&b, "; TIME-WAIT %d s; unanswered data ", TCP_TIMEWAIT_LEN_S);
	sb_retries2(&b, sys);
	sb_add(&b, "; CLOSE-WAIT, LISTEN and half-closed FIN-WAIT-2: none.");
	wrap(f, 0, 0, b.s);
}

int explain_overview(FILE *f, const struct sysctls *sys)
{
	unsigned int st;
	size_t i;

	fputs("TCP states as Linux numbers them (1-11); \"we\" is this host.\n\n", f);
	for (i = 0; i < ARRAY_SIZE(diagram); i++)
		fprintf(f, "%s\n", diagram[i]);
	fputs("\nA listener stays in LISTEN: each SYN makes a new request (SYN-RECV).\n\n", f);
	fprintf(f, "%-4s%-12s%-35s%s\n", " #", "State", "Who waits for what",
		"If they pile up, blame");
	for (st = TS_FIRST; st <= TS_LAST; st++)
		fprintf(f, "%2u  %-12s%-35s%s\n", st, states_name(st),
			state_texts[st].waits_short, state_texts[st].fault_short);
	fputc('\n', f);
	wrap(f, 0, 0, "Whoever closes first passes FIN-WAIT-2 and ends in TIME-WAIT: TIME-WAIT "
		      "means the remote did close. The other side passes CLOSE-WAIT, where its "
		      "application must call close(). After close(), the kernel finishes "
		      "FIN-WAIT-1, FIN-WAIT-2, LAST-ACK and CLOSING alone (orphans, inode 0).");
	fputc('\n', f);
	overview_limits(f, sys);
	fputs("\ntcpdx explain STATE|RULE for details\n", f);
	return ferror(f) ? -EIO : 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One evaluation per rule. The kernel facts behind each sentence are in
 * tcp-diagnosis-reference.md; where folk wisdom disagrees, the kernel wins
 * (TIME-WAIT means the remote did close; FIN-WAIT-2 means it did not).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "rules_eval.h"
#include "states.h"
#include "util.h"

#define TCP_RTO_MAX_MS_DEFAULT 120000 /* the kernel's constant before 6.15 */

/* ---- inputs -------------------------------------------------------------- */

bool states_queried_rule(const struct snapshot *s, unsigned int state)
{
	return states_queried(s->states, state);
}

static bool sys(const struct rules_input *in, enum sysctl_id id, long long *v)
{
	return in->sys && sysctl_get(in->sys, id, v);
}

static bool gauge(const struct rules_input *in, enum counter_id id, uint64_t *v)
{
	if (!in->after || !in->after->c[id].known)
		return false;
	*v = in->after->c[id].v;
	return true;
}

/* Per second over the sampling interval; false if not sampled or unknown. */
static bool rate(const struct rules_input *in, enum counter_id id, double *r)
{
	uint64_t d;

	if (!in->before || !in->after || in->interval <= 0 ||
	    !counters_delta(in->before, in->after, id, &d))
		return false;
	*r = (double)d / in->interval;
	return true;
}

static uint64_t count(const struct rules_input *in, unsigned int state)
{
	return snapshot_state_total(in->snap, state);
}

/* Count against two thresholds; anything at all is at least info. */
static enum severity by_count(uint64_t n, double warn, double crit)
{
	if (n >= crit)
		return SEV_CRITICAL;
	if (n >= warn)
		return SEV_WARNING;
	return n ? SEV_INFO : SEV_OK;
}

static enum severity max_sev(enum severity a, enum severity b)
{
	return a > b ? a : b;
}

long long rules_rto_max_ms(const struct sysctls *s)
{
	long long v;

	return s && sysctl_get(s, SYS_TCP_RTO_MAX_MS, &v) && v > 0 ? v : TCP_RTO_MAX_MS_DEFAULT;
}

static long long rto_max_ms(const struct rules_input *in)
{
	return rules_rto_max_ms(in->sys);
}

double rules_model_timeout(long long n, double base_s, long long rto_max_ms)
{
	double rto_max = (double)rto_max_ms / 1000.0;
	int thresh = 0;

	/* linear_backoff_thresh = ilog2(rto_max / base) */
	while (thresh < 40 && base_s * (double)(2LL << thresh) <= rto_max)
		thresh++;
	if (n <= thresh)
		return (double)((2LL << n) - 1) * base_s;
	return (double)((2LL << thresh) - 1) * base_s + (double)(n - thresh) * rto_max;
}

/* Evidence for a setting: its value, or that it is unknown here. */
static void setting(struct finding *f, const struct rules_input *in, enum sysctl_id id)
{
	long long v;

	if (sys(in, id, &v))
		finding_num(f, sysctl_short_name(id), sysctl_name(id), (double)v, NULL);
	else
		finding_text(f, sysctl_short_name(id), sysctl_name(id),
			     "unknown (not readable in this kernel or namespace)");
}

static void rate_ev(struct finding *f, const struct rules_input *in, enum counter_id id,
		    const char *key)
{
	double r;

	if (rate(in, id, &r))
		finding_num(f, key, counters_name(id), r, "per second");
}

/* The processes holding sockets of a state, or how to see them. */
static void owners_evidence(struct finding *f, const struct rules_input *in,
			    const struct state_evidence *e)
{
	if (!in->snap->owners) {
		finding_text(f, "processes", "processes", "not looked up (run with -p)");
		return;
	}
	finding_top_procs(f, "processes", "processes", &e->procs, in->snap);
	if (!e->procs.total)
		finding_text(f, "processes", "processes", "%s",
			     in->snap->owners_unreadable && !in->snap->owners_as_root
			     ? "unknown: their fds cannot be read (run as root)"
			     : "none found (the sockets appeared after the process scan, or "
			       "their processes are protected)");
}

/* ---- kernel timing models -------------------------------------------------- */

double rules_syn_sent_give_up(long long n, long long linear, long long rto_max_ms)
{
	double rto_max = (double)rto_max_ms / 1000.0, rto = 1.0, t = 0;
	/* The time limit: tcp_model_timeout() with TCP_TIMEOUT_INIT (1 s). */
	double model = rules_model_timeout(n, 1.0, rto_max_ms);
	long long k;

	/* Each RTO expiry checks both limits (tcp_write_timeout); the first
	 * tcp_syn_linear_timeouts retransmits keep the 1 s RTO. */
	for (k = 1; k <= n + linear + 1; k++) {
		t += rto;
		if (k - 1 >= n + linear || t >= model)
			return t;
		if (k > linear)
			rto = rto * 2 > rto_max ? rto_max : rto * 2;
	}
	return t;
}

double rules_syn_recv_give_up(long long n, long long rto_max_ms)
{
	double rto_max = (double)rto_max_ms / 1000.0, rto = 1.0, t = 0;
	long long k;

	/* reqsk_timer_handler: a SYN-ACK, then n resends, each timeout doubled. */
	for (k = 0; k <= n; k++) {
		t += rto;
		rto = rto * 2 > rto_max ? rto_max : rto * 2;
	}
	return t;
}

/* ---- close-wait ----------------------------------------------------------- */

RULE_EVAL(close_wait)
{
	const struct state_evidence *e = &in->snap->ev[TS_CLOSE_WAIT];
	uint64_t n = count(in, TS_CLOSE_WAIT), never = in->snap->not_accepted[TS_CLOSE_WAIT];

	const struct topk_entry *top[1];
	char who[96] = "", proc[80];
	uint32_t pid;

	if (!n)
		return SEV_OK;
	if (topk_top(&e->procs, top, 1)) {
		memcpy(&pid, top[0]->key.addr, sizeof(pid));
		snprintf(who, sizeof(who), " held by %s",
			 finding_proc_str(in->snap, pid, proc, sizeof(proc)));
	}
	finding_summary(f, "%" PRIu64 " %s in CLOSE-WAIT%s: the local application never called "
			"close()", n, n == 1 ? "socket" : "sockets", who);
	finding_reason(f, "The peer closed its side (it sent a FIN, which this host "
		       "acknowledged); the socket now waits for the application on this host "
		       "to call close(). The kernel has no timeout for CLOSE-WAIT: these sockets "
		       "stay until the process closes them or exits.");
	finding_num(f, "count", "sockets", (double)n, NULL);
	owners_evidence(f, in, e);
	finding_top(f, "local_ports", "local ports", &e->lports, KEY_PORT);
	finding_top(f, "peers", "peers", &e->peers, KEY_ADDR);
	finding_num(f, "read_to_eof", "read up to the FIN, still not closed (rq 0)",
		    (double)e->rq_zero, NULL);
	finding_num(f, "fin_unread", "FIN not yet read (rq 1)", (double)e->rq_one, NULL);
	finding_num(f, "data_unread", "data and FIN not read (rq > 1)", (double)e->rq_more, NULL);
	if (never)
		finding_num(f, "never_accepted", "never accept()ed (no inode)", (double)never,
			    NULL);
	if (e->with_info)
		finding_num(f, "longest_idle", "longest since data arrived",
			    e->max_idle_ms / 1000.0, "s");
	finding_advice(f, "Fix the close path of the process that owns these local ports: a "
		       "socket it never closes (an fd leak, or no close() on EOF or on an error "
		       "path).%s Restarting the process frees them; ss -K (CAP_NET_ADMIN) "
		       "aborts them with a reset.",
		       never ? " Sockets never accept()ed mean the application stopped calling "
			       "accept() on its listener." : "");
	return by_count(n, th[0], th[1]);
}

/* ---- fin-wait-2 ----------------------------------------------------------- */

RULE_EVAL(fin_wait2)
{
	const struct snapshot *s = in->snap;
	uint64_t n = count(in, TS_FIN_WAIT2), mini = s->fin_wait2_minisocks;
	uint64_t half = s->half_closed[TS_FIN_WAIT2], full = s->orphans[TS_FIN_WAIT2];
	long long fin;
	char d[32];

	if (!n)
		return SEV_OK;
	finding_summary(f, "%" PRIu64 " %s in FIN-WAIT-2: the remote side never closed", n,
			n == 1 ? "socket" : "sockets");
	if (sys(in, SYS_TCP_FIN_TIMEOUT, &fin))
		finding_duration((double)fin, d, sizeof(d));
	else
		snprintf(d, sizeof(d), "tcp_fin_timeout (unknown here)");
	finding_reason(f, "This host closed its sending side and the peer acknowledged the "
		       "FIN, but the peer never sent its own FIN: the application on the remote "
		       "host has not closed its socket (it sits in CLOSE-WAIT there). Orphaned "
		       "ones (closed here) are kept as timewait minisocks for %s and then freed "
		       "without a reset; sockstat's tw counts them, which is why other tools "
		       "show them as TIME-WAIT. Half-closed ones (shutdown() on a socket still "
		       "open here) have no timeout at all.", d);
	finding_num(f, "count", "sockets", (double)n, NULL);
	finding_num(f, "orphaned_minisocks", "orphaned (minisocks, freed after tcp_fin_timeout)",
		    (double)mini, NULL);
	if (full)
		finding_num(f, "orphaned_full", "orphaned full sockets (tcp_fin_timeout > 60)",
			    (double)full, NULL);
	finding_num(f, "half_closed", "half-closed, still open here (no timeout)", (double)half,
		    NULL);
	setting(f, in, SYS_TCP_FIN_TIMEOUT);
	finding_top(f, "peers", "peers that do not close", &s->ev[TS_FIN_WAIT2].peers, KEY_ADDR);
	if (half && s->owners)
		finding_top_procs(f, "processes", "processes holding half-closed ones",
				  &s->ev[TS_FIN_WAIT2].procs, s);
	finding_advice(f, "Fix the peers' application: look for CLOSE-WAIT on the hosts listed. "
		       "On this host, a lower net.ipv4.tcp_fin_timeout frees orphaned ones "
		       "sooner; half-closed ones stay until this application closes them.");
	return by_count(n, th[0], th[1]);
}

/* ---- time-wait ------------------------------------------------------------ */

RULE_EVAL(time_wait)
{
	uint64_t n = count(in, TS_TIME_WAIT), tw;
	enum severity sev = SEV_OK;
	long long max;
	double overflow = 0, pct = -1;
	bool have_overflow = rate(in, CTR_TW_OVERFLOW, &overflow);

	/* sockstat's tw is TIME-WAIT plus FIN-WAIT-2 minisocks: what the limit caps. */
	if (!gauge(in, CTR_SOCKSTAT_TCP_TW, &tw))
		tw = n + in->snap->fin_wait2_minisocks;
	if (sys(in, SYS_TCP_MAX_TW_BUCKETS, &max) && max > 0)
		pct = 100.0 * (double)tw / (double)max;
	/* FIN-WAIT-2 minisocks alone can fill the buckets too. */
	if (!n && !(have_overflow && overflow > 0) && !(pct >= th[0]))
		return SEV_OK;
	sev = n ? SEV_INFO : SEV_OK;
	if (pct >= th[0])
		sev = SEV_WARNING;
	if (pct >= th[1] || (have_overflow && overflow > 0))
		sev = SEV_CRITICAL;
	if (have_overflow && overflow > 0)
		finding_summary(f, "TIME-WAIT table full: %.1f connections per second closed "
				"without TIME-WAIT (TCPTimeWaitOverflow)", overflow);
	else if (sev >= SEV_WARNING)
		finding_summary(f, "TIME-WAIT near its limit: %" PRIu64 " of %lld tw buckets "
				"(%.0f%% of tcp_max_tw_buckets)", tw, max, pct);
	else
		finding_summary(f, "%" PRIu64 " %s in TIME-WAIT: this host closed first; normal", n,
				n == 1 ? "socket" : "sockets");
	finding_reason(f, "TIME-WAIT means this host sent the first FIN and the peer closed "
		       "too: the remote did close. The kernel keeps the connection's 4-tuple "
		       "for 60 s (fixed) to absorb stray segments; expect about (connections "
		       "this host closes first per second) x 60. It only hurts when "
		       "tcp_max_tw_buckets is reached (connections then close without "
		       "TIME-WAIT) or outgoing connections run out of ephemeral ports.");
	finding_num(f, "count", "sockets", (double)n, NULL);
	finding_num(f, "tw_buckets", "tw buckets in use (TIME-WAIT + FIN-WAIT-2 minisocks)",
		    (double)tw, NULL);
	setting(f, in, SYS_TCP_MAX_TW_BUCKETS);
	rate_ev(f, in, CTR_TW_OVERFLOW, "tw_overflow_rate");
	setting(f, in, SYS_TCP_TW_REUSE);
	finding_top(f, "peers", "peers", &in->snap->ev[TS_TIME_WAIT].peers, KEY_ADDR);
	finding_advice(f, "%s", sev == SEV_INFO
		       ? "Nothing to do. If the count grows: reuse connections (keep-alive, "
			 "pools) rather than one per request, and let clients close first."
		       : "Reuse connections (keep-alive, pools) rather than one per request; "
			 "let the client close first so TIME-WAIT lands there; raise "
			 "net.ipv4.tcp_max_tw_buckets if memory allows; tcp_tw_reuse=1 lets "
			 "outgoing connections reuse TIME-WAIT tuples (needs timestamps).");
	return sev;
}

/* ---- ephemeral-ports ------------------------------------------------------ */

RULE_EVAL(ephemeral_ports)
{
	const struct sysctl_value *r = in->sys ? &in->sys->val[SYS_IP_LOCAL_PORT_RANGE] : NULL;
	const struct topk_entry *top[1];
	long long size;
	double pct;
	char what[128];

	if (!topk_top(&in->snap->ephemeral, top, 1))
		return SEV_OK;
	if (!r || !r->known || r->n != 2 || r->v[1] < r->v[0])
		return SEV_OK; /* cannot judge without the range; explain says so */
	size = r->v[1] - r->v[0] + 1;
	pct = 100.0 * (double)top[0]->count / (double)size;
	if (pct < th[0])
		return SEV_OK;
	finding_key_str(&top[0]->key, KEY_TUPLE, what, sizeof(what));
	finding_summary(f, "Ephemeral ports %.0f%% used toward one destination: %" PRIu64
			" of %lld for %s", pct, top[0]->count, size, what);
	finding_reason(f, "Each outgoing connection needs a unique (local address, local port, "
		       "remote address, remote port). From one local address to one remote "
		       "address and port only the ports of ip_local_port_range exist, and a "
		       "TIME-WAIT connection holds its port for 60 s. When they run out, "
		       "connect() fails with EADDRNOTAVAIL; no kernel counter records it.");
	finding_top(f, "destinations", "busiest (local address -> destination)",
		    &in->snap->ephemeral, KEY_TUPLE);
	finding_text(f, "ip_local_port_range", "net.ipv4.ip_local_port_range", "%lld-%lld (%lld "
		     "ports)", r->v[0], r->v[1], size);
	finding_num(f, "time_wait", "of all sockets, in TIME-WAIT",
		    (double)count(in, TS_TIME_WAIT), NULL);
	finding_advice(f, "Pool and reuse connections; spread them over more local addresses "
		       "or destination ports; widen net.ipv4.ip_local_port_range; "
		       "net.ipv4.tcp_tw_reuse=1 lets new connections reuse TIME-WAIT ports "
		       "(the default, 2, does so on loopback only).");
	return pct >= th[1] ? SEV_CRITICAL : SEV_WARNING;
}

/* ---- syn-sent ------------------------------------------------------------- */

RULE_EVAL(syn_sent)
{
	const struct state_evidence *e = &in->snap->ev[TS_SYN_SENT];
	uint64_t n = count(in, TS_SYN_SENT), stalled = e->retransmitting;
	long long retries, linear = 0;
	char d[32];

	if (!n || !stalled)
		return SEV_OK; /* a SYN in its first RTO is just a connect in progress */
	finding_summary(f, "%" PRIu64 " connection %s in SYN-SENT get no answer: SYNs are "
			"dropped on the way", stalled, stalled == 1 ? "attempt" : "attempts");
	finding_reason(f, "This host sent a SYN and no SYN-ACK came back, so it keeps resending "
		       "it. A closed port answers with a reset and an unreachable host with an "
		       "ICMP error, both of which end connect() at once: silence means the SYNs "
		       "or the replies are dropped on the way (a firewall DROP rule, a "
		       "black-holed route), or the peer drops them because its accept queue is "
		       "full.");
	finding_num(f, "count", "sockets in SYN-SENT", (double)n, NULL);
	finding_num(f, "stalled", "resent their SYN at least once", (double)stalled, NULL);
	finding_top(f, "destinations", "destinations", &in->snap->syn_sent_dests, KEY_ADDR_PORT);
	if (in->snap->owners)
		finding_top_procs(f, "processes", "connecting processes", &e->procs, in->snap);
	sys(in, SYS_TCP_SYN_LINEAR_TIMEOUTS, &linear);
	if (sys(in, SYS_TCP_SYN_RETRIES, &retries)) {
		finding_text(f, "retries", "SYN retransmits so far (most)",
			     "%u of %lld (tcp_syn_retries %lld + tcp_syn_linear_timeouts %lld)",
			     e->max_retrans, retries + linear, retries, linear);
		finding_num(f, "give_up_after", "connect() fails with ETIMEDOUT after",
			    rules_syn_sent_give_up(retries, linear, rto_max_ms(in)), "s");
	} else {
		finding_text(f, "retries", "SYN retransmits so far (most)",
			     "%u; tcp_syn_retries is unknown here, so the give-up time is too",
			     e->max_retrans);
	}
	setting(f, in, SYS_TCP_SYN_RETRIES);
	finding_advice(f, "Check reachability and firewalls between this host and the "
		       "destinations (a DROP rule rather than REJECT causes exactly this); if "
		       "the peer is yours, check its accept queue (listen-overflow). To fail "
		       "faster than %s, lower net.ipv4.tcp_syn_retries, or use TCP_SYNCNT, "
		       "TCP_USER_TIMEOUT or a connect timeout in the application.",
		       sys(in, SYS_TCP_SYN_RETRIES, &retries)
		       ? finding_duration(rules_syn_sent_give_up(retries, linear, rto_max_ms(in)),
					  d, sizeof(d))
		       : "the default");
	return by_count(stalled, th[0], th[1]);
}

/* ---- syn-recv ------------------------------------------------------------- */

/* The listener with the most requests against its backlog. */
static const struct listener *busiest_listener(const struct snapshot *s, double *pct)
{
	const struct listener *best = NULL;
	double p, bp = -1;
	size_t i;

	for (i = 0; i < s->nlisteners; i++) {
		const struct listener *l = &s->listeners[i];

		if (!l->syn_recv || l->filtered)
			continue;
		p = 100.0 * l->syn_recv / (l->backlog ? l->backlog : 1);
		if (p > bp) {
			bp = p;
			best = l;
		}
	}
	*pct = bp;
	return best;
}

static void syn_recv_evidence(struct finding *f, const struct rules_input *in,
			      const struct listener *l, double pct)
{
	const struct state_evidence *e = &in->snap->ev[TS_SYN_RECV];
	char addr[UTIL_ADDRSTRLEN];
	long long m;

	finding_num(f, "count", "sockets in SYN-RECV", (double)count(in, TS_SYN_RECV), NULL);
	finding_num(f, "resent_synack", "resent their SYN-ACK", (double)e->retransmitting, NULL);
	if (sys(in, SYS_TCP_SYNACK_RETRIES, &m)) {
		finding_text(f, "retries", "SYN-ACKs resent (most)", "%u of %lld (tcp_synack_retries)",
			     e->max_retrans, m);
		finding_num(f, "dropped_after", "a request is dropped after",
			    rules_syn_recv_give_up(m, rto_max_ms(in)), "s");
	} else {
		setting(f, in, SYS_TCP_SYNACK_RETRIES);
	}
	if (l)
		finding_text(f, "busiest_listener", "busiest listener",
			     "%s: %u half-open, backlog %u (%.0f%%)",
			     util_addr_str(l->family, l->addr, l->port, addr), l->syn_recv,
			     l->backlog, pct);
	setting(f, in, SYS_TCP_SYNCOOKIES);
	rate_ev(f, in, CTR_SYNCOOKIES_SENT, "syncookies_sent_rate");
	rate_ev(f, in, CTR_REQQ_FULL_DROP, "reqq_full_drop_rate");
	finding_top(f, "sources", "sources", &e->peers, KEY_ADDR);
}

RULE_EVAL(syn_recv)
{
	uint64_t n = count(in, TS_SYN_RECV);
	uint64_t stalled = in->snap->ev[TS_SYN_RECV].retransmitting;
	double cookies = 0, drops = 0, pct;
	const struct listener *l = busiest_listener(in->snap, &pct);
	enum severity sev = SEV_OK;
	long long mode;

	/* With tcp_syncookies=2 every SYN gets a cookie: no sign of overflow. */
	if (!sys(in, SYS_TCP_SYNCOOKIES, &mode) || mode != 2)
		rate(in, CTR_SYNCOOKIES_SENT, &cookies);
	rate(in, CTR_REQQ_FULL_DROP, &drops);
	if (stalled)
		sev = stalled >= th[0] ? SEV_WARNING : SEV_INFO;
	if (l && pct >= th[1])
		sev = max_sev(sev, SEV_WARNING);
	if ((l && pct >= th[2]) || drops > 0)
		sev = SEV_CRITICAL;
	if (cookies > 0)
		sev = max_sev(sev, SEV_WARNING);
	if (sev == SEV_OK)
		return SEV_OK;
	if (drops > 0 || cookies > 0)
		finding_summary(f, "A listener's request queue overflows (%.1f SYN cookies/s, %.1f "
				"SYNs dropped/s): a SYN flood, or a backlog too small", cookies, drops);
	else
		finding_summary(f, "%" PRIu64 " half-open %s in SYN-RECV: a SYN flood, or the "
				"clients' final ACKs are lost", n,
				n == 1 ? "connection" : "connections");
	finding_reason(f, "This host answered SYNs with SYN-ACKs and waits for the final ACK of "
		       "the handshake. Requests that resend their SYN-ACK got no ACK: the SYNs "
		       "came from spoofed or dead sources (a SYN flood), or the ACKs are lost on "
		       "the way back. The kernel resends the SYN-ACK tcp_synack_retries times "
		       "and then drops the request silently. With tcp_abort_on_overflow=0, "
		       "connections whose ACK met a full accept queue also wait here.");
	syn_recv_evidence(f, in, l, pct);
	finding_advice(f, "Keep net.ipv4.tcp_syncookies=1; raise the listen backlog and "
		       "net.core.somaxconn (and tcp_max_syn_backlog if syncookies are off); filter "
		       "floods upstream. If the sources are real clients, look for lost ACKs on "
		       "their way in.");
	return sev;
}

/* ---- listen-overflow ------------------------------------------------------ */

static int cmp_queue(const void *a, const void *b)
{
	const struct listener *x = *(const struct listener *const *)a;
	const struct listener *y = *(const struct listener *const *)b;

	return x->accept_queue < y->accept_queue ? 1 : x->accept_queue > y->accept_queue ? -1 : 0;
}

/* The fullest listeners as an evidence list; returns how many are full. */
static size_t listener_list(struct finding *f, const struct snapshot *s, double warn_pct,
			    size_t *nearly)
{
	const struct listener *l[EV_LIST_MAX];
	char addr[UTIL_ADDRSTRLEN];
	size_t i, n = 0, full = 0;
	struct evidence *e;

	*nearly = 0;
	for (i = 0; i < s->nlisteners; i++) {
		const struct listener *x = &s->listeners[i];

		if (x->filtered)
			continue;
		if (listener_full(x))
			full++;
		else if (x->backlog && 100.0 * x->accept_queue / x->backlog >= warn_pct &&
			 x->accept_queue)
			(*nearly)++;
		else
			continue;
		if (n < EV_LIST_MAX)
			l[n++] = x;
		else if (cmp_queue(&x, &l[n - 1]) < 0)
			l[n - 1] = x;
		qsort(l, n, sizeof(l[0]), cmp_queue);
	}
	if (!n || !(e = finding_list(f, "listeners", "fullest listeners (accept queue)")))
		return full;
	for (i = 0; i < n; i++) {
		const char *comm = snapshot_comm(s, l[i]->owner_pid);

		if (comm)
			snprintf(e->items[i].what, sizeof(e->items[i].what), "%s backlog %u, %.15s/%u",
				 util_addr_str(l[i]->family, l[i]->addr, l[i]->port, addr),
				 l[i]->backlog, comm, l[i]->owner_pid);
		else
			snprintf(e->items[i].what, sizeof(e->items[i].what), "%s backlog %u",
				 util_addr_str(l[i]->family, l[i]->addr, l[i]->port, addr),
				 l[i]->backlog);
		e->items[i].count = l[i]->accept_queue;
	}
	e->nitems = (unsigned int)n;
	return full;
}

RULE_EVAL(listen_overflow)
{
	double ovf = 0, drops = 0;
	size_t nearly, full;
	bool r1 = rate(in, CTR_LISTEN_OVERFLOWS, &ovf), r2 = rate(in, CTR_LISTEN_DROPS, &drops);
	enum severity sev = SEV_OK;

	full = listener_list(f, in->snap, th[0], &nearly);
	if (nearly)
		sev = SEV_WARNING;
	if ((r1 && ovf > th[1]) || (r2 && drops > th[1]))
		sev = SEV_WARNING;
	if (full)
		sev = SEV_CRITICAL;
	if (sev == SEV_OK)
		return SEV_OK;
	if (full)
		finding_summary(f, "%zu %s with a full accept queue: the application does not "
				"accept() fast enough", full, full == 1 ? "listener" : "listeners");
	else if (nearly)
		finding_summary(f, "%zu %s with a nearly full accept queue: the application "
				"falls behind on accept()", nearly,
				nearly == 1 ? "listener" : "listeners");
	else
		finding_summary(f, "Connections are dropped at listeners: ListenOverflows "
				"%.1f/s, ListenDrops %.1f/s", ovf, drops);
	finding_reason(f, "Completed connections wait in a listener's accept queue until the "
		       "application calls accept(). When the queue holds more than the backlog, "
		       "the kernel drops new SYNs and final ACKs (ListenOverflows): clients see "
		       "SYN retries and slow or failed connects, and with "
		       "tcp_abort_on_overflow=0 their side looks connected while this side is "
		       "not.");
	rate_ev(f, in, CTR_LISTEN_OVERFLOWS, "listen_overflows_rate");
	rate_ev(f, in, CTR_LISTEN_DROPS, "listen_drops_rate");
	setting(f, in, SYS_SOMAXCONN);
	setting(f, in, SYS_TCP_ABORT_ON_OVERFLOW);
	finding_advice(f, "Make the application accept() faster (more acceptor threads, less "
		       "work before accept()); raise the backlog it passes to listen() together "
		       "with net.core.somaxconn, which caps it.");
	return sev;
}

/* ---- fin-wait-1, last-ack, closing ------------------------------------------ */

struct closing_text {
	unsigned int state;
	const char *summary;   /* after "N sockets in STATE: " */
	const char *reason;
	const char *advice;
};

static const struct closing_text closing_texts[] = {
	{ TS_FIN_WAIT1, "this host's FIN is not acknowledged",
	  "This host closed its side; its FIN (queued behind any unsent data) has not been "
	  "acknowledged yet. Normally this lasts one round trip.",
	  "A zero window means the peer application does not read: fix the peer. "
	  "Retransmissions mean loss on the path. Orphans give up after tcp_orphan_retries." },
	{ TS_LAST_ACK, "the ACK of this host's final FIN does not come back",
	  "The peer closed first, then this host closed too and sent its FIN; the ACK for it "
	  "has not arrived. The peer vanished after its FIN, or the ACKs are dropped.",
	  "Look for loss or a firewall dropping ACKs between this host and the peers listed; "
	  "orphans are freed after tcp_orphan_retries resends." },
	{ TS_CLOSING, "both sides closed at once and the ACKs are lost",
	  "Both sides sent a FIN before receiving the other's (a simultaneous close); each now "
	  "waits for the ACK of its own FIN. This is rare, and many of them mean ACKs are lost.",
	  "Look for loss or a firewall dropping ACKs between this host and the peers listed." },
};

static enum severity closing_state(const struct rules_input *in, const double *th,
				   struct finding *f, const struct closing_text *t)
{
	const struct state_evidence *e = &in->snap->ev[t->state];
	uint64_t n = count(in, t->state), orphans = in->snap->orphans[t->state];
	long long r;

	if (!n)
		return SEV_OK;
	finding_summary(f, "%" PRIu64 " %s in %s: %s", n, n == 1 ? "socket" : "sockets",
			states_name(t->state), t->summary);
	if (sys(in, SYS_TCP_ORPHAN_RETRIES, &r))
		finding_reason(f, "%s Orphans (closed by the application) are bounded by "
			       "tcp_orphan_retries = %lld%s and by tcp_max_orphans; sockets still "
			       "open are bounded by tcp_retries2, or never while the peer's window "
			       "stays zero.", t->reason, r,
			       r == 0 ? " (0 means 8 resends, about 102 s)" : "");
	else
		finding_reason(f, "%s Orphans are bounded by tcp_orphan_retries (unknown here) "
			       "and tcp_max_orphans.", t->reason);
	finding_num(f, "count", "sockets", (double)n, NULL);
	finding_num(f, "orphans", "orphaned (closed by the application)", (double)orphans, NULL);
	finding_num(f, "zero_window", "peer window zero (persist timer: peer not reading)",
		    (double)e->by_timer[ST_PERSIST], NULL);
	finding_num(f, "retransmitting", "retransmitting (loss)", (double)e->retransmitting,
		    NULL);
	if (e->max_wqueue > 1)
		finding_num(f, "max_send_queue", "most bytes queued before the FIN",
			    (double)e->max_wqueue, "bytes");
	setting(f, in, SYS_TCP_ORPHAN_RETRIES);
	finding_top(f, "peers", "peers", &e->peers, KEY_ADDR);
	if (in->snap->owners && n > orphans)
		finding_top_procs(f, "processes", "processes (sockets still open)", &e->procs,
				  in->snap);
	finding_advice(f, "%s", t->advice);
	return by_count(n, th[0], th[1]);
}

RULE_EVAL(fin_wait1)
{
	return closing_state(in, th, f, &closing_texts[0]);
}

RULE_EVAL(last_ack)
{
	return closing_state(in, th, f, &closing_texts[1]);
}

RULE_EVAL(closing)
{
	return closing_state(in, th, f, &closing_texts[2]);
}

/* ---- orphans -------------------------------------------------------------- */

RULE_EVAL(orphans)
{
	uint64_t orphans, mine = 0;
	long long max;
	double pct;
	unsigned int st;

	for (st = TS_FIRST; st <= TS_LAST; st++)
		mine += in->snap->orphans[st];
	/* sockstat's orphan is host-wide (all namespaces), like the limit. */
	if (!gauge(in, CTR_SOCKSTAT_TCP_ORPHAN, &orphans))
		orphans = mine;
	if (!sys(in, SYS_TCP_MAX_ORPHANS, &max) || max <= 0)
		return SEV_OK; /* a child namespace cannot see the global limit */
	pct = 100.0 * (double)orphans / (double)max;
	if (pct < th[0])
		return SEV_OK;
	finding_summary(f, "%" PRIu64 " orphaned sockets: %.0f%% of tcp_max_orphans (%lld)",
			orphans, pct, max);
	finding_reason(f, "Orphans are sockets the applications closed while the kernel still "
		       "finishes the close (FIN-WAIT-1, FIN-WAIT-2, LAST-ACK, CLOSING). Past "
		       "tcp_max_orphans the kernel kills them with a reset, counts "
		       "TCPAbortOnMemory and logs \"too many orphaned sockets\". For an orphan "
		       "idle longer than twice the maximum RTO, or after an ICMP error, it counts "
		       "2 or 4 times against the limit, so trouble starts well below 100%%.");
	finding_num(f, "orphans", "orphans (host-wide)", (double)orphans, NULL);
	finding_num(f, "orphans_here", "orphans in this dump", (double)mine, NULL);
	setting(f, in, SYS_TCP_MAX_ORPHANS);
	rate_ev(f, in, CTR_ABORT_ON_MEMORY, "abort_on_memory_rate");
	finding_advice(f, "Find why closes do not complete (see the fin-wait-1 and last-ack "
		       "findings); raise net.ipv4.tcp_max_orphans only with memory to spare "
		       "(each orphan can hold up to about 64 KB).");
	return pct >= th[1] ? SEV_CRITICAL : SEV_WARNING;
}

/* ---- tcp-memory ----------------------------------------------------------- */

RULE_EVAL(tcp_memory)
{
	const struct sysctl_value *m = in->sys ? &in->sys->val[SYS_TCP_MEM] : NULL;
	uint64_t pages;
	double pp, ph;

	if (!gauge(in, CTR_SOCKSTAT_TCP_MEM, &pages) || !m || !m->known || m->n != 3 ||
	    m->v[1] <= 0 || m->v[2] <= 0)
		return SEV_OK;
	pp = 100.0 * (double)pages / (double)m->v[1];
	ph = 100.0 * (double)pages / (double)m->v[2];
	if (pp < th[0] && ph < th[1])
		return SEV_OK;
	finding_summary(f, "TCP memory at %" PRIu64 " pages: %s", pages,
			ph >= th[1] ? "at tcp_mem's maximum" : "above tcp_mem's pressure threshold");
	finding_reason(f, "tcp_mem sets three thresholds, in pages, for all TCP buffers on the "
		       "host: under the first nothing is limited; above the second the kernel "
		       "shrinks buffers (TCPMemoryPressures); above the third it refuses "
		       "memory: orphans are killed (\"out of memory -- consider tuning "
		       "tcp_mem\") and sends stall until memory is freed.");
	finding_num(f, "pages", "TCP pages in use", (double)pages, NULL);
	finding_text(f, "tcp_mem", "net.ipv4.tcp_mem", "%lld %lld %lld", m->v[0], m->v[1],
		     m->v[2]);
	rate_ev(f, in, CTR_MEMORY_PRESSURES, "memory_pressures_rate");
	rate_ev(f, in, CTR_ABORT_ON_MEMORY, "abort_on_memory_rate");
	finding_advice(f, "Find the sockets with large queues (applications that do not read "
		       "let receive queues grow); raise net.ipv4.tcp_mem only if the host has "
		       "the memory.");
	return ph >= th[1] ? SEV_CRITICAL : SEV_WARNING;
}

/* ---- established ---------------------------------------------------------- */

RULE_EVAL(established)
{
	const struct state_evidence *e = &in->snap->ev[TS_ESTABLISHED];
	unsigned int lg = 0;
	uint64_t unread, zero = e->by_timer[ST_PERSIST], retr = e->retransmitting;
	enum severity sev = SEV_OK;
	char what[200] = "";
	size_t o = 0;

	while (lg < 31 && (double)(1ull << (lg + 1)) <= th[0])
		lg++;
	unread = snapshot_rq_at_least(in->snap, TS_ESTABLISHED, lg);
	if (unread && unread >= th[1]) {
		sev = SEV_WARNING;
		o += (size_t)snprintf(what + o, sizeof(what) - o, "%" PRIu64 " with unread data",
				      unread);
	}
	if (zero && zero >= th[2] && o < sizeof(what)) {
		sev = SEV_WARNING;
		o += (size_t)snprintf(what + o, sizeof(what) - o, "%s%" PRIu64 " whose peer does "
				      "not read", o ? ", " : "", zero);
	}
	if (retr && retr >= th[3] && o < sizeof(what)) {
		sev = SEV_WARNING;
		snprintf(what + o, sizeof(what) - o, "%s%" PRIu64 " retransmitting", o ? ", " : "",
			 retr);
	}
	if (sev == SEV_OK)
		return SEV_OK;
	finding_summary(f, "Stalled ESTABLISHED connections: %s", what);
	finding_reason(f, "Unread data (a large receive queue) means the local application does "
		       "not read. A peer that does not read advertises a zero window and this "
		       "host probes it (persist timer), possibly forever. Retransmission "
		       "timeouts mean the path or the peer stopped answering; the connection "
		       "aborts after tcp_retries2 (about 15 min by default).");
	finding_num(f, "unread", "with at least rq_bytes unread", (double)unread, NULL);
	finding_num(f, "max_recv_queue", "largest receive queue", (double)e->max_rqueue, "bytes");
	finding_num(f, "zero_window", "peer not reading (persist timer)", (double)zero, NULL);
	finding_num(f, "retransmitting", "in retransmission timeouts", (double)retr, NULL);
	finding_num(f, "max_retrans", "most consecutive timeouts", (double)e->max_retrans, NULL);
	setting(f, in, SYS_TCP_RETRIES2);
	finding_top(f, "peers", "peers of established connections", &e->peers, KEY_ADDR);
	finding_advice(f, "Unread data: find the local process that stopped reading. Zero "
		       "windows: the peer's application stopped reading. Retransmissions: check "
		       "the path (loss, MTU black holes) and whether the peers are alive.");
	return sev;
}

/* ---- aborts --------------------------------------------------------------- */

RULE_EVAL(aborts)
{
	double timeout = 0, memory = 0, closed = 0, data = 0, linger = 0;
	enum severity sev = SEV_OK;

	if (!rate(in, CTR_ABORT_ON_TIMEOUT, &timeout) && !rate(in, CTR_ABORT_ON_CLOSE, &closed))
		return SEV_OK; /* not sampled: cumulative totals alone say nothing */
	rate(in, CTR_ABORT_ON_MEMORY, &memory);
	rate(in, CTR_ABORT_ON_CLOSE, &closed);
	rate(in, CTR_ABORT_ON_DATA, &data);
	rate(in, CTR_ABORT_ON_LINGER, &linger);
	if (closed + data + linger > th[2])
		sev = SEV_INFO;
	if (timeout > th[0])
		sev = SEV_WARNING;
	if (memory > th[1])
		sev = SEV_CRITICAL;
	if (sev == SEV_OK)
		return SEV_OK;
	finding_summary(f, "Connections are being aborted: %.1f/s on timeout, %.1f/s for "
			"memory, %.1f/s by the application", timeout, memory, closed + data + linger);
	finding_reason(f, "TCPAbortOnTimeout: connections given up after their retries (SYN, "
		       "data, orphan, zero-window or keepalive limit), with ETIMEDOUT and no "
		       "reset. TCPAbortOnMemory: orphans killed because of tcp_max_orphans or "
		       "tcp_mem. TCPAbortOnClose/OnData/OnLinger: applications closed sockets "
		       "with unread data, with SO_LINGER 0, or data arrived after close(), so "
		       "the kernel sent a reset; usually a protocol or shutdown bug, sometimes "
		       "intended.");
	rate_ev(f, in, CTR_ABORT_ON_TIMEOUT, "on_timeout_rate");
	rate_ev(f, in, CTR_ABORT_ON_MEMORY, "on_memory_rate");
	rate_ev(f, in, CTR_ABORT_ON_CLOSE, "on_close_rate");
	rate_ev(f, in, CTR_ABORT_ON_DATA, "on_data_rate");
	rate_ev(f, in, CTR_ABORT_ON_LINGER, "on_linger_rate");
	finding_advice(f, "Timeouts: see syn-sent and established for where segments are lost. "
		       "Memory: see orphans and tcp-memory. Resets on close: read all data "
		       "before close(), or shut down cleanly.");
	return sev;
}

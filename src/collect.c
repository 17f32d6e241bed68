// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <sys/socket.h>

#include "collect.h"
#include "dedup.h"
#include "diag.h"
#include "diag_parse.h"
#include "states.h"
#include "util.h"

/*
 * tcp_info (windows, idle times) costs the kernel time on every socket it is
 * asked for: about a quarter more than the whole dump without it. Every
 * socket gets it when each one is wanted whole (tcpdx list's idle times,
 * through ->each) and in a recording (a replay must see what a live run
 * sees). Otherwise only one finding reads it: close-wait's longest idle
 * time (a peer that does not read shows in the persist timer, which comes
 * without tcp_info). So the dump goes without it ("lazy"), and afterwards
 * asks for just the CLOSE-WAIT sockets, whenever there is one (that finding
 * shows any): a lookup per socket while they are at most COLLECT_LOOKUP_MAX,
 * else a dump of that state. SHUTDOWN comes with every full socket anyway.
 */
#define COLLECT_EXT ((1u << (INET_DIAG_INFO - 1)) | (1u << (INET_DIAG_SHUTDOWN - 1)))

#define COLLECT_EXT_LEAN (1u << (INET_DIAG_SHUTDOWN - 1))

#define COLLECT_LOOKUP_MAX 256u

struct pass {
	const struct collect_opts *o;
	const struct filter *filter;
	struct snapshot *snap;
	struct dedup *dedup;
	struct owners *owners;
	bool owner_filter;
	bool replay;
	/* The dump left tcp_info out: what to ask for afterwards. */
	bool lazy_info;
	uint64_t close_wait;          /* CLOSE-WAIT sockets counted */
	struct diag_one *lookups;     /* the first COLLECT_LOOKUP_MAX of them */
	uint32_t info_states;         /* the follow-up dump's states */
};

/* --pid, --comm and --uid, on the owner the socket is attributed to. */
static bool owner_passes(const struct pass *p, const struct tcp_sock *sk, const struct owner *o)
{
	uint32_t pid;

	if (!p->owner_filter)
		return true;
	pid = snapshot_owner_of(p->snap, sk, o);
	return filter_match_owner(p->filter, pid,
				  o ? o->comm : snapshot_comm(p->snap, pid), sk->uid);
}

/* A socket counted without tcp_info: does a finding need its tcp_info? */
static void note_info_wanted(struct pass *p, const struct tcp_sock *sk)
{
	struct diag_one *one;

	if (sk->kind != SK_FULL)
		return;
	if (sk->state != TS_CLOSE_WAIT)
		return;
	if (p->close_wait < COLLECT_LOOKUP_MAX) {
		if (!p->lookups)
			p->lookups = xcalloc(COLLECT_LOOKUP_MAX, sizeof(*p->lookups));
		one = &p->lookups[p->close_wait];
		one->family = sk->family;
		one->id.idiag_sport = htons(sk->sport);
		one->id.idiag_dport = htons(sk->dport);
		memcpy(one->id.idiag_src, sk->saddr, sizeof(one->id.idiag_src));
		memcpy(one->id.idiag_dst, sk->daddr, sizeof(one->id.idiag_dst));
		one->id.idiag_if = sk->ifindex;
		one->id.idiag_cookie[0] = (uint32_t)sk->cookie;
		one->id.idiag_cookie[1] = (uint32_t)(sk->cookie >> 32);
	}
	p->close_wait++;
}

static int on_message(const struct nlmsghdr *nlh, void *data)
{
	struct pass *p = data;
	const struct owner *o;
	struct tcp_sock sk;
	uint32_t pid;

	if (diag_parse(nlh, &sk) < 0) {
		p->snap->malformed++;
		return 0;
	}
	/* The kernel filtered a live dump; a recording may hold anything, and
	 * checking again costs a few comparisons. */
	if (!filter_match(p->filter, &sk))
		return 0;
	if (dedup_seen(p->dedup, sk.cookie)) {
		p->snap->duplicates++;
		return 0;
	}
	o = p->owners && sk.inode ? owners_lookup(p->owners, sk.inode) : NULL;
	if (!owner_passes(p, &sk, o)) {
		/* Its requests and accept queue still need to know it. */
		snapshot_add_filtered_listener(p->snap, &sk, o);
		return 0;
	}
	pid = snapshot_add_owned(p->snap, &sk, o);
	if (p->lazy_info)
		note_info_wanted(p, &sk);
	if (p->o->each)
		return p->o->each(&sk, o, pid, p->snap, p->o->each_data);
	return 0;
}

/* The listener pre-dump: only remembers listeners, to attribute queues. */
static int on_listener(const struct nlmsghdr *nlh, void *data)
{
	struct pass *p = data;
	struct tcp_sock sk;

	if (diag_parse(nlh, &sk) < 0 || sk.state != TS_LISTEN)
		return 0;
	snapshot_add_filtered_listener(p->snap, &sk,
				       sk.inode ? owners_lookup(p->owners, sk.inode) : NULL);
	return 0;
}

/* The follow-up dump: the same filters as the first, tcp_info only. */
static int on_info(const struct nlmsghdr *nlh, void *data)
{
	struct pass *p = data;
	struct tcp_sock sk;

	if (diag_parse(nlh, &sk) < 0 || !(p->info_states & STATE_BIT(sk.state)) ||
	    !filter_match(p->filter, &sk) || dedup_seen(p->dedup, sk.cookie) ||
	    !owner_passes(p, &sk, p->owners && sk.inode ? owners_lookup(p->owners, sk.inode)
							: NULL))
		return 0;
	snapshot_add_info(p->snap, &sk);
	return 0;
}

/* A looked-up CLOSE-WAIT socket: it passed the filters when dumped. */
static int on_lookup(const struct nlmsghdr *nlh, void *data)
{
	struct pass *p = data;
	struct tcp_sock sk;

	if (diag_parse(nlh, &sk) == 0 && sk.state == TS_CLOSE_WAIT)
		snapshot_add_info(p->snap, &sk);
	return 0;
}

/*
 * Requests and accept-queue children belong to their listener's owner. When
 * the filters leave listeners out of the dump (--state without listen, a port
 * or address filter), ask for the listeners alone first; they are remembered
 * for attribution, not counted.
 */
static int listener_predump(struct diag *d, struct pass *p, uint8_t family)
{
	struct diag_request req = { .family = family, .states = STATE_BIT(TS_LISTEN) };
	struct diag_stats st = { 0 };

	if (!p->owners || p->replay ||
	    ((filter_state_mask(p->filter) & STATE_BIT(TS_LISTEN)) &&
	     !filter_has_bytecode(p->filter)))
		return 0;
	return diag_dump(d, &req, on_listener, p, &st);
}

static void add_stats(struct snapshot *snap, const struct diag_stats *st)
{
	snap->messages += st->messages;
	snap->malformed += st->malformed;
	snap->interrupted |= st->interrupted;
}

/* One dump per family asked for, with the filters' kernel program. The
 * first pass counts; a follow-up (@first false) only adds tcp_info. */
static int dump_families(struct diag *d, struct pass *p, struct diag_request req,
			 diag_msg_cb cb, bool first, char *err, size_t errlen)
{
	static const struct { unsigned int bit; uint8_t family; } fams[] = {
		{ FILTER_V4, AF_INET }, { FILTER_V6, AF_INET6 },
	};
	struct diag_stats st;
	unsigned char bc[4096];
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		if (!(p->filter->families & fams[i].bit) ||
		    !filter_family_possible(p->filter, fams[i].family))
			continue;
		req.family = fams[i].family;
		ret = first ? listener_predump(d, p, req.family) : 0;
		if (ret < 0) {
			snprintf(err, errlen, "the kernel's %s listener dump failed: %s",
				 req.family == AF_INET ? "IPv4" : "IPv6", strerror(-ret));
			return ret;
		}
		ret = filter_bytecode(p->filter, req.family, bc, sizeof(bc));
		if (ret < 0) {
			snprintf(err, errlen, "the filters do not fit in a kernel filter program");
			return ret;
		}
		req.bytecode = ret ? bc : NULL;
		req.bytecode_len = (size_t)ret;
		memset(&st, 0, sizeof(st));
		ret = diag_dump(d, &req, cb, p, &st);
		if (first)
			add_stats(p->snap, &st);
		if (ret < 0) {
			snprintf(err, errlen, "the kernel's %s socket dump failed: %s",
				 req.family == AF_INET ? "IPv4" : "IPv6", strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* tcp_info for the sockets whose findings read it (see COLLECT_EXT). */
static int info_followup(struct diag *d, struct pass *p, char *err, size_t errlen)
{
	struct diag_request req = { .ext = COLLECT_EXT };
	struct diag_stats st = { 0 };
	int ret;

	if (p->close_wait > COLLECT_LOOKUP_MAX)
		p->info_states |= STATE_BIT(TS_CLOSE_WAIT);
	if (p->info_states) {
		req.states = p->info_states;
		dedup_init(p->dedup);
		ret = dump_families(d, p, req, on_info, false, err, errlen);
		if (ret)
			return ret;
	}
	if (p->close_wait && p->close_wait <= COLLECT_LOOKUP_MAX) {
		ret = diag_lookup(d, p->lookups, (size_t)p->close_wait, COLLECT_EXT, on_lookup,
				  p, &st);
		if (ret) {
			snprintf(err, errlen, "looking up CLOSE-WAIT sockets failed: %s",
				 strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static int run_dumps(struct diag *d, struct pass *p, char *err, size_t errlen)
{
	struct diag_request req = { .ext = p->o->skip_info || p->lazy_info ? COLLECT_EXT_LEAN
									 : COLLECT_EXT,
				    .states = filter_state_mask(p->filter) };
	struct diag_stats st;
	int ret;

	if (p->replay) {
		do {
			memset(&st, 0, sizeof(st));
			ret = diag_dump(d, &req, on_message, p, &st);
			add_stats(p->snap, &st);
		} while (ret == 0);
		if (ret == -ENODATA)
			return 0;
		snprintf(err, errlen, "replay: the recording is %s: %s",
			 ret == -EBADMSG ? "truncated or corrupt" : "unreadable",
			 strerror(-ret));
		return ret;
	}
	ret = dump_families(d, p, req, on_message, true, err, errlen);
	if (!ret && p->lazy_info)
		ret = info_followup(d, p, err, errlen);
	return ret;
}

static int open_diag(const struct collect_opts *o, struct diag **d, char *err,
		     size_t errlen)
{
	int ret;

	if (o->replay) {
		ret = diag_open_replay(d, o->replay);
		if (ret)
			snprintf(err, errlen, "--replay: cannot open '%s': %s", o->replay,
				 strerror(-ret));
		return ret;
	}
	ret = diag_open(d);
	if (ret) {
		snprintf(err, errlen, "cannot open a NETLINK_SOCK_DIAG socket: %s",
			 strerror(-ret));
		return ret;
	}
	if (o->record) {
		ret = diag_record(*d, o->record);
		if (ret)
			snprintf(err, errlen, "--record: cannot write '%s': %s", o->record,
				 strerror(-ret));
	}
	return ret;
}

int collect_snapshot(const struct collect_opts *o, struct snapshot *snap, char *err,
		     size_t errlen)
{
	struct dedup *dedup = malloc(sizeof(*dedup));
	struct diag *d = NULL;
	struct pass p;
	int ret, cret;

	snapshot_init(snap, o->filter->families, filter_state_mask(o->filter));
	snapshot_set_port_range(snap, o->port_lo, o->port_hi);
	snap->replay = o->replay != NULL;
	snap->when = time(NULL);
	if (gethostname(snap->host, sizeof(snap->host) - 1))
		strcpy(snap->host, "unknown");
	if (!dedup) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	dedup_init(dedup);
	p = (struct pass){ .o = o, .filter = o->filter, .snap = snap, .dedup = dedup,
			   .owner_filter = filter_needs_owners(o->filter) ||
					   o->filter->nuid > 0,
			   .replay = o->replay != NULL,
			   .lazy_info = !o->replay && !o->record && !o->each && !o->skip_info };
	if (o->by != GROUP_NONE)
		snap->groups = groups_new(o->by);
	/* A recording holds no processes; this host's would be wrong. */
	if (!o->replay &&
	    (o->owners || filter_needs_owners(o->filter) || o->by == GROUP_PROCESS)) {
		/* Scanned before the dump: a socket opened in between has no
		 * owner yet, one closed in between is simply not dumped. */
		ret = o->owners_table ? 0 : owners_scan(o->proc_root, &p.owners);
		if (o->owners_table)
			p.owners = o->owners_table;
		if (ret) {
			snprintf(err, errlen, "cannot read the processes in %s: %s",
				 o->proc_root ? o->proc_root : "/proc", strerror(-ret));
			goto out;
		}
		snap->owners = true;
		snap->owners_unreadable = owners_unreadable(p.owners);
		snap->owners_as_root = geteuid() == 0;
	}

	ret = open_diag(o, &d, err, errlen);
	if (ret)
		goto out;
	ret = run_dumps(d, &p, err, errlen);
out:
	cret = diag_close(d);
	if (!ret && cret) {
		snprintf(err, errlen, "--record: writing '%s' failed: %s", o->record,
			 strerror(-cret));
		ret = cret;
	}
	free(dedup);
	free(p.lookups);
	if (p.owners != o->owners_table)
		owners_free(p.owners);
	return ret;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleep until @until on the monotonic clock, through signals. */
static void sleep_until(double until)
{
	struct timespec ts;
	double left;

	while ((left = until - now()) > 0) {
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
}

int collect_all(const struct collect_opts *o, struct collected *c, char *err, size_t errlen)
{
	const struct sysctl_value *range = &c->sys.val[SYS_IP_LOCAL_PORT_RANGE];
	bool settings = o->settings && (!o->replay || o->proc_root);
	struct collect_opts oo = *o;
	double start = 0;
	int ret;

	memset(&c->sys, 0, sizeof(c->sys));
	memset(&c->before, 0, sizeof(c->before));
	memset(&c->after, 0, sizeof(c->after));
	c->interval = 0;
	c->have_settings = settings;
	if (settings) {
		sysctl_read_all(o->proc_root, &c->sys);
		if (o->globals) {
			if (!c->sys.val[SYS_TCP_MAX_ORPHANS].known)
				c->sys.val[SYS_TCP_MAX_ORPHANS] = o->globals->val[SYS_TCP_MAX_ORPHANS];
			if (!c->sys.val[SYS_TCP_MEM].known)
				c->sys.val[SYS_TCP_MEM] = o->globals->val[SYS_TCP_MEM];
		}
		/* A replay's /proc copy does not change: no rates to wait for. */
		if (o->interval > 0 && !o->replay) {
			start = now();
			counters_read(o->proc_root, &c->before);
		}
	}
	if (range->known && range->n == 2 && range->v[0] >= 0 && range->v[1] <= 65535) {
		oo.port_lo = (uint16_t)range->v[0];
		oo.port_hi = (uint16_t)range->v[1];
	}
	ret = collect_snapshot(&oo, &c->snap, err, errlen);
	if (ret)
		return ret;
	if (!settings)
		return 0;
	if (o->interval > 0 && !o->replay) {
		sleep_until(start + o->interval);
		c->interval = now() - start;
	}
	counters_read(o->proc_root, &c->after);
	return 0;
}

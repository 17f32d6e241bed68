/*
 * tcpstate: hold real TCP sockets in a chosen state on loopback, for tests.
 *
 * Run it as root inside a private network namespace (ip netns exec NS ...).
 * It builds the sockets for RECIPE on 127.0.0.1 (or ::1 with -6), waits
 * (bounded) until /proc/net/tcp{,6} shows exactly the expected states, prints
 * "ready" and then waits for SIGTERM or SIGINT, and exits 0.
 *
 * Some recipes need lost segments: tcpstate then runs nft itself and installs
 * table inet tcpdx_test with drop rules that match only the recipe's port.
 * Only loopback addresses are ever used, and tcpstate refuses to run in a
 * namespace that has any interface besides lo.
 *
 * Build: gcc -std=c11 -Wall -Wextra -O2 -o tcpstate tests/tcpstate.c
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1   /* config.h may already define it */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_N        500
#define SYN_RECV_MAX 63     /* keeps the request queue far from full: no cookies */
#define TIMEOUT_MS   5000   /* bound on every wait */
#define POLL_MS      5
#define HOLD_MS      100    /* the final states must still hold after this */
#define NFT_TABLE    "tcpdx_test"
#define NSTATES      (TCP_CLOSING + 1)

enum side { SRV, CLI, NSIDES };   /* local port in the server range / remote port in it */
#define END (-1)                  /* ends the (side, state, count) list of wait_for() */

struct expect { int n[NSIDES][NSTATES]; };

struct recipe {
	const char *name;
	void (*run)(void);
	const char *leaves;
	bool needs_nft;
	int max_n;                /* 0: MAX_N */
	bool port_range;          /* uses PORT..PORT+N-1 */
};

static int family = AF_INET;
static int port = 47000;
static int nconn = 3;
static int nports = 1;            /* server ports: PORT..PORT+nports-1 */
static int lfd = -1;              /* the listener */
static int cfd[MAX_N];            /* client sockets */
static int sfd[MAX_N];            /* accepted (or listening/bound) server-side sockets */
static const char *nft_path;
static bool nft_installed;
static struct expect final_expect;
static bool have_final;

static const char *const state_name[NSTATES] = {
	[TCP_ESTABLISHED] = "ESTABLISHED", [TCP_SYN_SENT] = "SYN_SENT",
	[TCP_SYN_RECV] = "SYN_RECV",       [TCP_FIN_WAIT1] = "FIN_WAIT1",
	[TCP_FIN_WAIT2] = "FIN_WAIT2",     [TCP_TIME_WAIT] = "TIME_WAIT",
	[TCP_CLOSE] = "CLOSE",             [TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_LAST_ACK] = "LAST_ACK",       [TCP_LISTEN] = "LISTEN",
	[TCP_CLOSING] = "CLOSING",
};
static const char *const side_name[NSIDES] = { [SRV] = "server", [CLI] = "client" };

/* ---------- errors, time ---------- */

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("tcpstate: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* ---------- sockets ---------- */

static socklen_t loopback(struct sockaddr_storage *ss, int p)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		s6->sin6_port = htons((uint16_t)p);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s4->sin_port = htons((uint16_t)p);
	return sizeof(*s4);
}

static int tcp_socket(bool nonblock)
{
	int one = 1;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);

	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		die("setsockopt(IPV6_V6ONLY): %s", strerror(errno));
	return fd;
}

static int bound_socket(int p)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(&ss, p);
	int fd = tcp_socket(false);

	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind to port %d: %s", p, strerror(errno));
	return fd;
}

static int open_listener(int p, int backlog)
{
	int one = 1;
	struct sockaddr_storage ss;
	socklen_t len = loopback(&ss, p);
	int fd = tcp_socket(false);

	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		die("setsockopt(SO_REUSEADDR): %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind to port %d: %s", p, strerror(errno));
	if (listen(fd, backlog) < 0)
		die("listen: %s", strerror(errno));
	return fd;
}

/* A non-blocking connect to the server port; the handshake may still be under way. */
static int start_connect(void)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(&ss, port);
	int fd = tcp_socket(true);

	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS)
		die("connect to port %d: %s", port, strerror(errno));
	return fd;
}

static void finish_connect(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t len = sizeof(err);
	int r = poll(&pfd, 1, TIMEOUT_MS);

	if (r < 0)
		die("poll: %s", strerror(errno));
	if (r == 0)
		die("connect to port %d did not complete within %d ms", port, TIMEOUT_MS);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0)
		die("connect to port %d: %s", port, strerror(err ? err : errno));
}

static int accept_one(void)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	int r = poll(&pfd, 1, TIMEOUT_MS);
	int fd;

	if (r < 0)
		die("poll: %s", strerror(errno));
	if (r == 0)
		die("nothing to accept on port %d within %d ms", port, TIMEOUT_MS);
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		die("accept: %s", strerror(errno));
	return fd;
}

static int tcp_state_of(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		die("getsockopt(TCP_INFO): %s", strerror(errno));
	return ti.tcpi_state;
}

static void close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++) {
		close(fds[i]);
		fds[i] = -1;
	}
}

/* ---------- counting states in /proc/net/tcp{,6} ---------- */

static bool in_server_range(unsigned p)
{
	return p >= (unsigned)port && p < (unsigned)(port + nports);
}

/*
 * Tally this namespace's sockets of our family by side and state. /proc shows
 * request socks as SYN_RECV and timewait minisocks by their substate, so this
 * sees orphans, minisocks and unaccepted children that no fd of ours reaches.
 */
static void tally(struct expect *t)
{
	const char *path = family == AF_INET6 ? "/proc/net/tcp6" : "/proc/net/tcp";
	FILE *f = fopen(path, "re");
	char line[512];

	if (!f)
		die("%s: %s", path, strerror(errno));
	memset(t, 0, sizeof(*t));
	if (!fgets(line, sizeof(line), f)) {   /* header */
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned lport, rport, st;

		if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%x %x", &lport, &rport, &st) != 3
		    || st >= NSTATES)
			continue;
		if (in_server_range(rport))
			t->n[CLI][st]++;
		else if (in_server_range(lport))
			t->n[SRV][st]++;
	}
	fclose(f);
}

static void print_expect(const char *what, const struct expect *e)
{
	fprintf(stderr, "  %s:", what);
	for (int s = 0; s < NSIDES; s++)
		for (int st = 1; st < NSTATES; st++)
			if (e->n[s][st])
				fprintf(stderr, " %s %s=%d", side_name[s], state_name[st], e->n[s][st]);
	fputc('\n', stderr);
}

static bool tally_matches(const struct expect *want)
{
	struct expect got;

	tally(&got);
	return memcmp(&got, want, sizeof(got)) == 0;
}

static void mismatch(const char *stage, const char *why, const struct expect *want)
	__attribute__((noreturn));
static void mismatch(const char *stage, const char *why, const struct expect *want)
{
	struct expect got;

	tally(&got);
	fprintf(stderr, "tcpstate: %s: %s (port %d, %s)\n", stage, why, port,
		family == AF_INET6 ? "::1" : "127.0.0.1");
	print_expect("expected", want);
	print_expect("found   ", &got);
	exit(1);
}

/*
 * wait_for(stage, side, state, count, ..., END): wait until the sockets on
 * our ports are exactly these (every other side/state count zero).
 */
static void wait_for(const char *stage, ...)
{
	struct expect want;
	va_list ap;
	long long deadline = now_ms() + TIMEOUT_MS;

	memset(&want, 0, sizeof(want));
	va_start(ap, stage);
	for (int side = va_arg(ap, int); side != END; side = va_arg(ap, int)) {
		int st = va_arg(ap, int);

		want.n[side][st] += va_arg(ap, int);
	}
	va_end(ap);

	while (!tally_matches(&want)) {
		if (now_ms() > deadline)
			mismatch(stage, "states not reached within 5 s", &want);
		sleep_ms(POLL_MS);
	}
	final_expect = want;
	have_final = true;
}

/* ---------- nft ---------- */

static const char *find_nft(void)
{
	static char buf[4096];
	const char *path = getenv("PATH");
	static const char *const fallback[] = { "/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft" };

	for (const char *p = path; p && *p;) {
		size_t len = strcspn(p, ":");

		if (len > 0 && (size_t)snprintf(buf, sizeof(buf), "%.*s/nft", (int)len, p) < sizeof(buf)
		    && access(buf, X_OK) == 0)
			return buf;
		p += len + (p[len] == ':');
	}
	for (size_t i = 0; i < sizeof(fallback) / sizeof(fallback[0]); i++)
		if (access(fallback[i], X_OK) == 0)
			return fallback[i];
	return NULL;
}

/* Feed script to `nft -f -`; returns nft's exit status (or -1). Bounded in time. */
static int nft_run(const char *script)
{
	int pipefd[2];
	sigset_t none;
	pid_t pid;
	int status;
	long long deadline = now_ms() + TIMEOUT_MS;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(pipefd[0], STDIN_FILENO) < 0)
			_exit(127);
		execl(nft_path, "nft", "-f", "-", (char *)NULL);
		fprintf(stderr, "tcpstate: exec %s: %s\n", nft_path, strerror(errno));
		_exit(127);
	}
	close(pipefd[0]);
	if (write(pipefd[1], script, strlen(script)) != (ssize_t)strlen(script))
		fprintf(stderr, "tcpstate: writing to nft: %s\n", strerror(errno));
	close(pipefd[1]);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		sleep_ms(POLL_MS);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Install table inet tcpdx_test with one input chain holding these rules. */
static void nft_drop(const char *rules)
{
	char script[2048];

	snprintf(script, sizeof(script),
		 "table inet " NFT_TABLE " {}\n"
		 "delete table inet " NFT_TABLE "\n"
		 "table inet " NFT_TABLE " {\n"
		 "  chain input {\n"
		 "    type filter hook input priority 0; policy accept;\n"
		 "%s"
		 "  }\n"
		 "}\n", rules);
	if (nft_run(script) != 0)
		die("nft failed to install table inet " NFT_TABLE " with:\n%s", rules);
	nft_installed = true;
}

static void nft_cleanup(void)
{
	if (nft_installed) {
		nft_installed = false;
		nft_run("delete table inet " NFT_TABLE "\n");
	}
}

/* ---------- recipes ---------- */

/* Listener on PORT and n accepted connections; all fds kept. */
static void establish(int n)
{
	lfd = open_listener(port, 512);
	for (int i = 0; i < n; i++) {
		cfd[i] = start_connect();
		finish_connect(cfd[i]);
		sfd[i] = accept_one();
	}
	wait_for("handshakes", SRV, TCP_LISTEN, 1, SRV, TCP_ESTABLISHED, n,
		 CLI, TCP_ESTABLISHED, n, END);
}

static void r_listen(void)
{
	for (int i = 0; i < nconn; i++)
		sfd[i] = open_listener(port + i, 128);
	wait_for("listen", SRV, TCP_LISTEN, nconn, END);
}

static void r_established(void)
{
	establish(nconn);
}

static void r_acceptq_full(void)
{
	lfd = open_listener(port, 2);          /* the queue holds backlog+1 = 3 */
	for (int i = 0; i < 6; i++) {
		cfd[i] = start_connect();
		if (i < 3)
			wait_for("connect into the accept queue", SRV, TCP_LISTEN, 1,
				 SRV, TCP_ESTABLISHED, i + 1, CLI, TCP_ESTABLISHED, i + 1, END);
		else
			wait_for("connect to the full listener", SRV, TCP_LISTEN, 1,
				 SRV, TCP_ESTABLISHED, 3, CLI, TCP_ESTABLISHED, 3,
				 CLI, TCP_SYN_SENT, i - 2, END);
	}
}

static void r_syn_sent(void)
{
	char rules[256];

	snprintf(rules, sizeof(rules),
		 "    tcp dport %d tcp flags & (syn | ack) == syn drop\n", port);
	nft_drop(rules);
	for (int i = 0; i < nconn; i++)
		cfd[i] = start_connect();
	wait_for("SYNs dropped", CLI, TCP_SYN_SENT, nconn, END);
}

static void r_syn_recv(void)
{
	char rules[256];

	lfd = open_listener(port, 512);
	snprintf(rules, sizeof(rules), "    tcp dport %d tcp flags == ack drop\n", port);
	nft_drop(rules);
	for (int i = 0; i < nconn; i++) {
		cfd[i] = start_connect();
		finish_connect(cfd[i]);
	}
	wait_for("final ACKs dropped", SRV, TCP_LISTEN, 1, SRV, TCP_SYN_RECV, nconn,
		 CLI, TCP_ESTABLISHED, nconn, END);
}

static void r_fin_wait1(void)
{
	char rules[256];

	establish(nconn);
	snprintf(rules, sizeof(rules), "    tcp dport %d tcp flags & fin == fin drop\n", port);
	nft_drop(rules);
	close_all(cfd, nconn);
	wait_for("client FINs dropped", SRV, TCP_LISTEN, 1, SRV, TCP_ESTABLISHED, nconn,
		 CLI, TCP_FIN_WAIT1, nconn, END);
}

static void r_fin_wait2(void)
{
	establish(nconn);
	close_all(cfd, nconn);
	wait_for("client close", SRV, TCP_LISTEN, 1, SRV, TCP_CLOSE_WAIT, nconn,
		 CLI, TCP_FIN_WAIT2, nconn, END);
}

static void r_fin_wait2_half(void)
{
	establish(nconn);
	for (int i = 0; i < nconn; i++)
		if (shutdown(cfd[i], SHUT_WR) < 0)
			die("shutdown: %s", strerror(errno));
	wait_for("client shutdown(SHUT_WR)", SRV, TCP_LISTEN, 1, SRV, TCP_CLOSE_WAIT, nconn,
		 CLI, TCP_FIN_WAIT2, nconn, END);
	for (int i = 0; i < nconn; i++)
		if (tcp_state_of(cfd[i]) != TCP_FIN_WAIT2)
			die("client socket %d is not in FIN_WAIT2", i);
}

static void r_time_wait(void)
{
	char c;

	establish(nconn);
	close_all(sfd, nconn);
	wait_for("server close", SRV, TCP_LISTEN, 1, SRV, TCP_FIN_WAIT2, nconn,
		 CLI, TCP_CLOSE_WAIT, nconn, END);
	for (int i = 0; i < nconn; i++) {
		ssize_t r = read(cfd[i], &c, 1);

		if (r != 0)
			die("client read: expected EOF, got %zd (%s)", r, r < 0 ? strerror(errno) : "data");
	}
	close_all(cfd, nconn);
	wait_for("client close after EOF", SRV, TCP_LISTEN, 1, SRV, TCP_TIME_WAIT, nconn, END);
}

static void r_last_ack(void)
{
	char rules[256];

	establish(nconn);
	snprintf(rules, sizeof(rules), "    tcp dport %d tcp flags == ack drop\n", port);
	nft_drop(rules);
	close_all(cfd, nconn);
	wait_for("client close", SRV, TCP_LISTEN, 1, SRV, TCP_CLOSE_WAIT, nconn,
		 CLI, TCP_FIN_WAIT2, nconn, END);
	close_all(sfd, nconn);
	wait_for("server close, last ACKs dropped", SRV, TCP_LISTEN, 1, SRV, TCP_LAST_ACK, nconn,
		 CLI, TCP_TIME_WAIT, nconn, END);
}

static void r_closing(void)
{
	char rules[512];

	establish(nconn);
	snprintf(rules, sizeof(rules),
		 "    tcp dport %d tcp flags == ack drop\n"
		 "    tcp sport %d tcp flags == ack drop\n"
		 "    tcp sport %d tcp flags & fin == fin drop\n", port, port, port);
	nft_drop(rules);
	close_all(sfd, nconn);
	wait_for("server close, server FINs dropped", SRV, TCP_LISTEN, 1,
		 SRV, TCP_FIN_WAIT1, nconn, CLI, TCP_ESTABLISHED, nconn, END);
	close_all(cfd, nconn);
	wait_for("client close, ACKs dropped", SRV, TCP_LISTEN, 1, SRV, TCP_CLOSING, nconn,
		 CLI, TCP_FIN_WAIT1, nconn, END);
}

static void r_bound(void)
{
	/* Bound-only sockets are in neither /proc/net/tcp table: check each fd. */
	for (int i = 0; i < nconn; i++) {
		sfd[i] = bound_socket(port + i);
		if (tcp_state_of(sfd[i]) != TCP_CLOSE)
			die("bound socket %d is not in CLOSE", i);
	}
}

static const struct recipe recipes[] = {
	{ .name = "listen", .run = r_listen, .port_range = true,
	  .leaves = "LISTEN N on PORT..PORT+N-1" },
	{ .name = "established", .run = r_established,
	  .leaves = "ESTABLISHED 2N, LISTEN 1" },
	{ .name = "acceptq-full", .run = r_acceptq_full,
	  .leaves = "backlog 2, 6 connects (-n ignored): ESTABLISHED 6 (3 unaccepted), SYN_SENT 3, LISTEN 1" },
	{ .name = "syn-sent", .run = r_syn_sent, .needs_nft = true,
	  .leaves = "SYN_SENT N (SYNs dropped, no listener)" },
	{ .name = "syn-recv", .run = r_syn_recv, .needs_nft = true, .max_n = SYN_RECV_MAX,
	  .leaves = "server SYN_RECV N, client ESTABLISHED N, LISTEN 1 (N <= 63)" },
	{ .name = "fin-wait-1", .run = r_fin_wait1, .needs_nft = true,
	  .leaves = "client FIN_WAIT1 N (orphans), server ESTABLISHED N, LISTEN 1" },
	{ .name = "fin-wait-2", .run = r_fin_wait2,
	  .leaves = "client FIN_WAIT2 N (minisocks), server CLOSE_WAIT N, LISTEN 1" },
	{ .name = "close-wait", .run = r_fin_wait2,
	  .leaves = "alias of fin-wait-2" },
	{ .name = "fin-wait-2-half", .run = r_fin_wait2_half,
	  .leaves = "client FIN_WAIT2 N (shutdown, fd open), server CLOSE_WAIT N, LISTEN 1" },
	{ .name = "time-wait", .run = r_time_wait,
	  .leaves = "server TIME_WAIT N, LISTEN 1" },
	{ .name = "last-ack", .run = r_last_ack, .needs_nft = true,
	  .leaves = "server LAST_ACK N, client TIME_WAIT N, LISTEN 1" },
	{ .name = "closing", .run = r_closing, .needs_nft = true,
	  .leaves = "server CLOSING N, client FIN_WAIT1 N, LISTEN 1" },
	{ .name = "bound", .run = r_bound, .port_range = true,
	  .leaves = "CLOSE N (bound only) on PORT..PORT+N-1" },
};

/* ---------- main ---------- */

static void usage(FILE *f)
{
	fprintf(f, "usage: tcpstate [-6] [-n N] [-p PORT] [-c NAME] RECIPE\n"
		   "Hold TCP sockets in a state on 127.0.0.1 (or ::1 with -6), print 'ready',\n"
		   "wait for SIGTERM/SIGINT. Run as root in a private network namespace.\n"
		   "  -6       use ::1 instead of 127.0.0.1\n"
		   "  -n N     number of sockets or connections, 1..%d (default 3)\n"
		   "  -p PORT  server port (default 47000)\n"
		   "  -c NAME  set the process name (prctl PR_SET_NAME, 15 bytes; \\e is ESC)\n"
		   "recipes:\n", MAX_N);
	for (size_t i = 0; i < sizeof(recipes) / sizeof(recipes[0]); i++)
		fprintf(f, "  %-16s %s\n", recipes[i].name, recipes[i].leaves);
}

static void usage_error(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("tcpstate: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	usage(stderr);
	exit(2);
}

static int parse_int(const char *s, const char *what, int lo, int hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		usage_error("%s must be %d..%d, got '%s'", what, lo, hi, s);
	return (int)v;
}

static const struct recipe *find_recipe(const char *name)
{
	for (size_t i = 0; i < sizeof(recipes) / sizeof(recipes[0]); i++)
		if (strcmp(recipes[i].name, name) == 0)
			return &recipes[i];
	return NULL;
}

/*
 * A namespace made by `ip netns add` holds only lo. Any other interface means
 * we are in a real namespace (the host's or a container's): refuse.
 */
static void refuse_shared_netns(void)
{
	struct if_nameindex *ifs = if_nameindex();

	if (!ifs)
		die("if_nameindex: %s", strerror(errno));
	for (struct if_nameindex *i = ifs; i->if_index; i++)
		if (strcmp(i->if_name, "lo") != 0)
			die("refusing to run: this network namespace has interface %s besides lo; "
			    "run me in a fresh one: ip netns add NS; ip netns exec NS tcpstate ...",
			    i->if_name);
	if_freenameindex(ifs);
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* The last wait_for() must still hold a moment later: catches transient states. */
static void check_hold(void)
{
	if (!have_final)
		return;
	sleep_ms(HOLD_MS);
	if (!tally_matches(&final_expect))
		mismatch("final check", "states did not hold", &final_expect);
}

/* A process name for owner tests; "\e" stands for ESC so tests can check
 * that tcpdx escapes what processes call themselves. */
static void set_name(const char *arg)
{
	char name[16];
	size_t o = 0;

	for (; *arg && o < sizeof(name) - 1; arg++) {
		if (arg[0] == '\\' && arg[1] == 'e') {
			name[o++] = '\033';
			arg++;
		} else {
			name[o++] = *arg;
		}
	}
	name[o] = '\0';
	if (prctl(PR_SET_NAME, name, 0, 0, 0))
		die("prctl(PR_SET_NAME): %s", strerror(errno));
}

int main(int argc, char **argv)
{
	const struct recipe *r;
	sigset_t sigs;
	int opt, sig;

	while ((opt = getopt(argc, argv, "6n:p:c:h")) != -1) {
		switch (opt) {
		case 'c': set_name(optarg); break;
		case '6': family = AF_INET6; break;
		case 'n': nconn = parse_int(optarg, "N", 1, MAX_N); break;
		case 'p': port = parse_int(optarg, "PORT", 1, 65535); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1)
		usage_error("expected exactly one RECIPE");
	r = find_recipe(argv[optind]);
	if (!r)
		usage_error("unknown recipe '%s'", argv[optind]);
	if (r->max_n && nconn > r->max_n)
		usage_error("recipe %s takes N <= %d", r->name, r->max_n);
	if (r->port_range) {
		if (port + nconn - 1 > 65535)
			usage_error("PORT+N-1 must be <= 65535");
		nports = nconn;
	}

	refuse_shared_netns();
	raise_fd_limit();
	if (r->needs_nft && !(nft_path = find_nft()))
		die("recipe %s needs nft (nftables) to drop segments, but nft was found "
		    "neither in PATH nor in /usr/sbin or /sbin", r->name);
	atexit(nft_cleanup);

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) < 0)
		die("sigprocmask: %s", strerror(errno));

	r->run();
	check_hold();
	puts("ready");
	fflush(stdout);

	while (sigwait(&sigs, &sig) != 0)
		;
	return 0;   /* atexit removes the nft table; the sockets go with the process */
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench.c - the helper of bench/run.sh: makes sockets, sets the floor, times
 * commands. One program, five modes:
 *
 *   bench hold INDEX PAIRS LIFETIME
 *       INDEX < 60000. Connect PAIRS pairs on loopback and hold both ends
 *       (2*PAIRS fds; keep it under the open-files limit): a listener on
 *       127.0.0.1:(10000+INDEX), clients bound to 127.1.(INDEX>>8).(INDEX&255)
 *       ports 32768+i, so no ephemeral-port search and no 64k limit. The
 *       listener is closed once all are accepted: only ESTABLISHED remains.
 *       Every socket has SO_LINGER {1, 0}: when the holder dies its sockets
 *       are reset, not left in TIME_WAIT. Prints "ready PAIRS", then sleeps
 *       until killed, its parent dies (PR_SET_PDEATHSIG) or LIFETIME s pass.
 *
 *   bench timewait INDEX COUNT
 *       Make COUNT TIME_WAIT sockets and exit: connect, accept, close the
 *       client first (it keeps TIME_WAIT; the server end goes through
 *       LAST_ACK and is freed). Listener 127.0.0.2:(10000+INDEX); clients
 *       127.(2+INDEX).x.y, ports 10000..59999, each pair used once. Needs
 *       tcp_max_tw_buckets >= COUNT and tcp_tw_reuse = 0 (run.sh sets both
 *       in its namespace). Prints "made COUNT".
 *
 *   bench floor [EXT]
 *       The least a sock_diag client can do: one AF_INET and one AF_INET6
 *       dump, idiag_states 0xfff, no extensions, a 64 KiB receive buffer,
 *       and only a count per state. Prints "total N" and "STATE N" lines.
 *       EXT sets idiag_ext instead (2 = INET_DIAG_INFO): what it costs.
 *
 *   bench procwalk
 *       The least an owner lookup can do: readlink every /proc/PID/fd/N and
 *       count "socket:[" targets. Prints "processes P sockets S".
 *
 *   bench run TIMEOUT OUT -- COMMAND [ARGS...]
 *       Run COMMAND with stdout to OUT (e.g. /dev/null) and time it. Prints
 *       "WALL USER SYS MAXRSS_KIB STATUS" (seconds, seconds, seconds, KiB;
 *       STATUS is the exit code, "timeout" if it ran past TIMEOUT s and was
 *       killed, or "signal N").
 *
 * Loopback only; every loop is bounded in count and in time.
 * Build: cc -O2 -o bench bench/bench.c
 */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCH 1024          /* connections in flight; below the listen backlog */
#define BACKLOG 4096
#define SETUP_LIMIT_S 600   /* no setup loop runs longer */

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long arg_long(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi) {
		fprintf(stderr, "bench: bad %s '%s' (%ld..%ld)\n", what, s, lo, hi);
		exit(2);
	}
	return v;
}

static struct sockaddr_in sin4(uint32_t addr, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	a.sin_addr.s_addr = htonl(addr);
	a.sin_port = htons(port);
	return a;
}

static int listener(uint32_t addr, uint16_t port, int linger0)
{
	struct sockaddr_in a = sin4(addr, port);
	struct linger lg = { 1, 0 };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Children inherit it: accepted ends are reset on close too. */
	if (linger0 && setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
		die("SO_LINGER");
	if (bind(fd, (void *)&a, sizeof(a)) || listen(fd, BACKLOG))
		die("listener");
	return fd;
}

/* A client bound to @src:@sport, connected to @dst (blocking: on loopback the
 * handshake is done when connect returns). */
static int client(uint32_t src, uint16_t sport, const struct sockaddr_in *dst, int linger0)
{
	struct sockaddr_in a = sin4(src, sport);
	struct linger lg = { 1, 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	if (linger0 && setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
		die("SO_LINGER");
	if (bind(fd, (void *)&a, sizeof(a)))
		die("bind client");
	if (connect(fd, (const void *)dst, sizeof(*dst)))
		die("connect");
	return fd;
}

static int mode_hold(int argc, char **argv)
{
	long idx, pairs, life, i, b, k;
	uint32_t src;
	struct sockaddr_in dst;
	double t0 = now();
	int lfd, fd;

	if (argc != 5) {
		fprintf(stderr, "usage: bench hold INDEX PAIRS LIFETIME\n");
		return 2;
	}
	idx = arg_long(argv[2], 0, 59999, "INDEX");
	pairs = arg_long(argv[3], 1, 28000, "PAIRS");
	life = arg_long(argv[4], 1, 86400, "LIFETIME");
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		return 1;
	src = 0x7f010000u | (uint32_t)idx;
	lfd = listener(0x7f000001u, (uint16_t)(10000 + idx), 1);
	dst = sin4(0x7f000001u, (uint16_t)(10000 + idx));
	for (i = 0; i < pairs; i += b) {
		b = pairs - i < BATCH ? pairs - i : BATCH;
		for (k = 0; k < b; k++)
			client(src, (uint16_t)(32768 + i + k), &dst, 1);
		for (k = 0; k < b; k++) {
			fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (fd < 0)
				die("accept");
		}
		if (now() - t0 > SETUP_LIMIT_S) {
			fprintf(stderr, "bench hold: setup took too long\n");
			return 1;
		}
	}
	close(lfd);
	printf("ready %ld\n", pairs);
	fflush(stdout);
	alarm((unsigned int)life); /* SIGALRM ends us, whatever happens to run.sh */
	for (;;)
		pause();
}

static int mode_timewait(int argc, char **argv)
{
	static int cfd[BATCH], sfd[BATCH];
	long idx, count, made = 0, b, k;
	struct sockaddr_in dst;
	double t0 = now();
	uint32_t pair = 0; /* (address, port) pairs used so far */
	int lfd;

	if (argc != 4) {
		fprintf(stderr, "usage: bench timewait INDEX COUNT\n");
		return 2;
	}
	idx = arg_long(argv[2], 0, 100, "INDEX");
	count = arg_long(argv[3], 1, 50000L * 65000, "COUNT");
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	lfd = listener(0x7f000002u, (uint16_t)(10000 + idx), 0);
	dst = sin4(0x7f000002u, (uint16_t)(10000 + idx));
	while (made < count) {
		b = count - made < BATCH ? count - made : BATCH;
		for (k = 0; k < b; k++, pair++) {
			uint32_t src = 0x7f000000u | (uint32_t)(2 + idx) << 16 | (pair / 50000 + 1);

			cfd[k] = client(src, (uint16_t)(10000 + pair % 50000), &dst, 0);
		}
		for (k = 0; k < b; k++) {
			sfd[k] = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (sfd[k] < 0)
				die("accept");
		}
		/* The client closes first and keeps TIME_WAIT. */
		for (k = 0; k < b; k++)
			close(cfd[k]);
		for (k = 0; k < b; k++)
			close(sfd[k]);
		made += b;
		if (now() - t0 > SETUP_LIMIT_S) {
			fprintf(stderr, "bench timewait: setup took too long\n");
			return 1;
		}
	}
	close(lfd);
	printf("made %ld\n", made);
	return 0;
}

/* ---- the floor ------------------------------------------------------------ */

static int dump_count(int fd, uint8_t family, uint8_t ext, unsigned long *counts,
		      unsigned long *total)
{
	static unsigned char buf[64 * 1024];
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.r = { .sdiag_family = family, .sdiag_protocol = IPPROTO_TCP,
		       .idiag_ext = ext, .idiag_states = 0xfff },
	};
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	ssize_t n;

	if (sendto(fd, &req, sizeof(req), 0, (void *)&nl, sizeof(nl)) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EPIPE;
		for (h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			const struct inet_diag_msg *m = NLMSG_DATA(h);

			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -EPROTO;
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
				continue;
			counts[m->idiag_state & 15]++;
			(*total)++;
		}
	}
}

static int mode_floor(uint8_t ext)
{
	static const char *const names[16] = {
		[1] = "ESTABLISHED", [2] = "SYN_SENT", [3] = "SYN_RECV", [4] = "FIN_WAIT1",
		[5] = "FIN_WAIT2", [6] = "TIME_WAIT", [7] = "CLOSE", [8] = "CLOSE_WAIT",
		[9] = "LAST_ACK", [10] = "LISTEN", [11] = "CLOSING",
	};
	unsigned long counts[16] = { 0 }, total = 0;
	int fd, ret, s;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		die("netlink");
	ret = dump_count(fd, AF_INET, ext, counts, &total);
	if (!ret)
		ret = dump_count(fd, AF_INET6, ext, counts, &total);
	if (ret) {
		fprintf(stderr, "bench floor: dump failed: %s\n", strerror(-ret));
		return 1;
	}
	printf("total %lu\n", total);
	for (s = 0; s < 16; s++)
		if (counts[s])
			printf("%s %lu\n", names[s] ? names[s] : "OTHER", counts[s]);
	return 0;
}

/* ---- the /proc walk --------------------------------------------------------- */

static int mode_procwalk(void)
{
	unsigned long procs = 0, socks = 0;
	struct dirent *pe, *fe;
	char link[64];
	DIR *proc, *fds;
	int pfd, dfd;
	ssize_t n;

	proc = opendir("/proc");
	if (!proc)
		die("/proc");
	pfd = dirfd(proc);
	while ((pe = readdir(proc))) {
		char path[300];

		if (pe->d_name[0] < '1' || pe->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/fd", pe->d_name);
		dfd = openat(pfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;
		fds = fdopendir(dfd);
		if (!fds) {
			close(dfd);
			continue;
		}
		procs++;
		while ((fe = readdir(fds))) {
			if (fe->d_name[0] == '.')
				continue;
			n = readlinkat(dfd, fe->d_name, link, sizeof(link));
			if (n > 8 && !memcmp(link, "socket:[", 8))
				socks++;
		}
		closedir(fds);
	}
	closedir(proc);
	printf("processes %lu sockets %lu\n", procs, socks);
	return 0;
}

/* ---- timing ------------------------------------------------------------------ */

static volatile sig_atomic_t alarmed;

static void on_alarm(int sig)
{
	(void)sig;
	alarmed = 1;
}

static int mode_run(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { 0 };
	struct rusage ru;
	double t0, wall, limit;
	int status, out;
	pid_t pid, w;

	if (argc < 6 || strcmp(argv[4], "--")) {
		fprintf(stderr, "usage: bench run TIMEOUT OUT -- COMMAND [ARGS...]\n");
		return 2;
	}
	limit = strtod(argv[2], NULL);
	if (!(limit > 0 && limit <= 86400)) {
		fprintf(stderr, "bench run: bad TIMEOUT '%s'\n", argv[2]);
		return 2;
	}
	out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		die(argv[3]);
	sigaction(SIGALRM, &sa, NULL);
	t0 = now();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		dup2(out, STDOUT_FILENO);
		execvp(argv[5], argv + 5);
		perror(argv[5]);
		_exit(127);
	}
	it.it_value.tv_sec = (time_t)limit;
	it.it_value.tv_usec = (suseconds_t)((limit - (double)(time_t)limit) * 1e6);
	setitimer(ITIMER_REAL, &it, NULL);
	for (;;) {
		w = wait4(pid, &status, 0, &ru);
		if (w == pid)
			break;
		if (w < 0 && errno == EINTR && alarmed) {
			kill(pid, SIGKILL);
			alarmed = 2;
			continue;
		}
		if (w < 0 && errno != EINTR)
			die("wait4");
	}
	wall = now() - t0;
	printf("%.6f %.6f %.6f %ld ", wall,
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss);
	if (alarmed == 2)
		printf("timeout\n");
	else if (WIFSIGNALED(status))
		printf("signal%d\n", WTERMSIG(status));
	else
		printf("%d\n", WEXITSTATUS(status));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "hold"))
		return mode_hold(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "timewait"))
		return mode_timewait(argc, argv);
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "floor"))
		return mode_floor(argc == 3 ? (uint8_t)arg_long(argv[2], 0, 255, "EXT") : 0);
	if (argc == 2 && !strcmp(argv[1], "procwalk"))
		return mode_procwalk();
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return mode_run(argc, argv);
	fprintf(stderr, "usage: bench hold|timewait|floor|procwalk|run ... (see bench.c)\n");
	return 2;
}

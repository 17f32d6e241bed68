// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * owners: a fake /proc tree built in a temporary directory (socket links,
 * malformed ones, other fd kinds, names with a newline and escape bytes, a
 * process without fd/, one whose fd/ is mode 000, entries that are not
 * pids), the same tree scanned as uid 65534 (unreadable processes), command
 * lines, 200,000 sockets over 2,000 fake processes (table growth), and the
 * real /proc with sockets this process holds.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_PATH, mkdtemp(), setresuid() */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "owners.h"
#include "tap.h"
#include "util.h"

#define NOBODY 65534

/* ---- building a tree --------------------------------------------------- */

static int tree_failed;

static void tree_fail(const char *what, const char *name)
{
	if (!tree_failed++)
		tap_diag("building the fixture tree: %s %s: %s", what, name, strerror(errno));
}

/* mkdir @name under @dirfd and open it. */
static int mkdir_open(int dirfd, const char *name)
{
	int fd;

	if (mkdirat(dirfd, name, 0755) && errno != EEXIST)
		tree_fail("mkdir", name);
	fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		tree_fail("open", name);
	return fd;
}

static void make_link(int dirfd, const char *name, const char *target)
{
	if (symlinkat(target, dirfd, name))
		tree_fail("symlink", name);
}

static void make_file(int dirfd, const char *name, const char *data, size_t len)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		tree_fail("write", name);
	if (fd >= 0)
		close(fd);
}

#define make_str(dirfd, name, s) make_file(dirfd, name, s, sizeof(s) - 1)

/* A fake process @pid: its comm (if @comm, @commlen bytes), an fd/ directory
 * (if @with_fd) whose fd is returned, else -1. */
static int make_proc(int root, const char *pid, const char *comm, size_t commlen, bool with_fd)
{
	int p = mkdir_open(root, pid), fd = -1;

	if (comm)
		make_file(p, "comm", comm, commlen);
	if (with_fd)
		fd = mkdir_open(p, "fd");
	close(p);
	return fd;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void rm_tree(const char *path)
{
	nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the small tree ---------------------------------------------------- */

static const char esc_comm[] = "esc\x1b[31m\x7f\xff\t";

/*
 * pid  comm            fds
 * 200  esc bytes       12345 555 888
 * 100  nginx           /dev/null pipe 12345 12345(dup) 4294967295 77, malformed links,
 *                      a regular file
 *  50  worker          12345 888
 * 300  (no comm file)  3000
 * 400  idle            /dev/null                    (no sockets)
 * 500  gone            (no fd/: exited meanwhile)   (not a process)
 * 600  locked          6000, fd/ mode 000
 * 700  70 x 'A'        7000
 * 800  "two\nlines"    8000
 * 900  x               (cmdline without NUL)
 * and entries that are no pids: self, net, 12abc, 0, +7, 99999999999, a file 123.
 * 200 is made before 100 and 50, so a walk in creation order meets the
 * lowest pid of 12345 and 888 last.
 */
static void build_small(const char *root)
{
	char big[70];
	int r, fd;

	r = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r < 0) {
		tree_fail("open", root);
		return;
	}
	fd = make_proc(r, "200", "esc\x1b[31m\x7f\xff\t\n", sizeof(esc_comm), true);
	make_link(fd, "3", "socket:[12345]");
	make_link(fd, "4", "socket:[555]");
	make_link(fd, "5", "socket:[888]");
	close(fd);

	fd = make_proc(r, "100", "nginx\n", 6, true);
	make_link(fd, "0", "/dev/null");
	make_link(fd, "1", "pipe:[999]");
	make_link(fd, "3", "socket:[12345]");
	make_link(fd, "4", "socket:[abc]");
	make_link(fd, "5", "socket:[99999999999]");
	make_link(fd, "6", "socket:[1]x");
	make_link(fd, "7", "anon_inode:[eventpoll]");
	make_link(fd, "8", "socket:[4294967295]");
	make_link(fd, "9", "socket:[4294967296]");
	make_link(fd, "10", "socket:[]");
	make_link(fd, "11", "socket:[0]");
	make_link(fd, "12", "socket:[12345]");
	make_link(fd, "13", "socket:[-5]");
	make_link(fd, "14", "socket:[+5]");
	make_link(fd, "15", "socket:[5 ]");
	make_link(fd, "16", "socket:[5");
	make_link(fd, "17", "xsocket:[5]");
	make_link(fd, "18", "socket:[123456789012345678901234567890]");
	make_link(fd, "19", "SOCKET:[5]");
	make_link(fd, "20", "socket:[1\n]");
	make_str(fd, "21", "socket:[5]"); /* a file, not a link */
	make_link(fd, "22", "socket:[77]");
	close(fd);
	fd = openat(r, "100", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		make_file(fd, "cmdline", "nginx: master process\0-g\0daemon off;\0", 38);
		close(fd);
	}

	fd = make_proc(r, "50", "worker\n", 7, true);
	make_link(fd, "3", "socket:[12345]");
	make_link(fd, "4", "socket:[888]");
	close(fd);

	fd = make_proc(r, "300", NULL, 0, true);
	make_link(fd, "3", "socket:[3000]");
	close(fd);

	fd = make_proc(r, "400", "idle\n", 5, true);
	make_link(fd, "0", "/dev/null");
	close(fd);
	fd = openat(r, "400", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		make_file(fd, "cmdline", "", 0);
		close(fd);
	}

	make_proc(r, "500", "gone\n", 5, false);

	fd = make_proc(r, "600", "locked\n", 7, true);
	make_link(fd, "3", "socket:[6000]");
	close(fd);
	fd = openat(r, "600", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fchmodat(fd, "fd", 0, 0))
		tree_fail("chmod", "600/fd");
	if (fd >= 0)
		close(fd);

	memset(big, 'A', sizeof(big));
	fd = make_proc(r, "700", big, sizeof(big), true);
	make_link(fd, "3", "socket:[7000]");
	close(fd);

	fd = make_proc(r, "800", "two\nlines\n", 10, true);
	make_link(fd, "3", "socket:[8000]");
	close(fd);

	fd = make_proc(r, "900", "x\n", 2, true);
	close(fd);
	fd = openat(r, "900", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		make_str(fd, "cmdline", "setproctitle style");
		close(fd);
	}

	/* not pids: none of their sockets may show */
	make_link(r, "self", "100");
	close(make_proc(r, "net", NULL, 0, false));
	fd = make_proc(r, "12abc", "bad\n", 4, true);
	make_link(fd, "3", "socket:[1212]");
	close(fd);
	fd = make_proc(r, "0", "zero\n", 5, true);
	make_link(fd, "3", "socket:[10]");
	close(fd);
	fd = make_proc(r, "+7", "plus\n", 5, true);
	make_link(fd, "3", "socket:[11]");
	close(fd);
	fd = make_proc(r, "99999999999", "huge\n", 5, true);
	make_link(fd, "3", "socket:[9999]");
	close(fd);
	make_str(r, "123", "a file named like a pid");
	close(r);
}

/* Owner of @inode is @pid with @nprocs holders and name @comm. */
static void check_owner(const struct owners *o, uint32_t inode, uint32_t pid, uint32_t nprocs,
			const char *comm, const char *what)
{
	const struct owner *w = owners_lookup(o, inode);
	char name[160];

	snprintf(name, sizeof(name), "%s: socket %u found", what, inode);
	if (!ok(w, name))
		return;
	snprintf(name, sizeof(name), "%s: pid", what);
	is_int(w->pid, pid, name);
	snprintf(name, sizeof(name), "%s: nprocs", what);
	is_int(w->nprocs, nprocs, name);
	snprintf(name, sizeof(name), "%s: comm", what);
	is_str(w->comm, comm, name);
}

static void test_small(const char *root)
{
	static const uint32_t absent[] = { 0, 1, 5, 10, 11, 999, 1212, 9999, 4294967294u };
	struct owners *o = NULL;
	char a63[64];
	bool none = true;
	size_t i;
	int err;

	err = owners_scan(root, &o);
	is_int(err, 0, "scan of the fixture tree");
	if (!ok(o, "scan gave a table"))
		return;
	check_owner(o, 12345, 50, 3, "worker", "shared by 200, 100 (twice), 50: lowest pid");
	check_owner(o, 888, 50, 2, "worker", "shared by 200 and 50");
	check_owner(o, 555, 200, 1, esc_comm, "escape bytes in comm kept raw");
	check_owner(o, 4294967295u, 100, 1, "nginx", "largest uint32 inode");
	check_owner(o, 77, 100, 1, "nginx", "socket after the malformed links");
	check_owner(o, 3000, 300, 1, "", "process without comm file");
	check_owner(o, 6000, 600, 1, "locked", "fd/ mode 000 is readable by root");
	memset(a63, 'A', 63);
	a63[63] = '\0';
	check_owner(o, 7000, 700, 1, a63, "70-byte comm cut to OWNER_COMM_MAX-1");
	check_owner(o, 8000, 800, 1, "two\nlines", "only the final newline is stripped");
	for (i = 0; i < ARRAY_SIZE(absent); i++)
		if (owners_lookup(o, absent[i])) {
			none = false;
			tap_diag("inode %u should not be found", absent[i]);
		}
	ok(none, "malformed links, other fd kinds, inode 0 and non-pid entries are not sockets");
	ok(owners_lookup(o, 12345) == owners_lookup(o, 12345), "lookups are stable");
	ok(owners_lookup(o, 888)->comm == owners_lookup(o, 12345)->comm,
	   "one copy of a process name for all its sockets");
	is_int(owners_processes(o), 9, "processes: with an fd dir, not 500 (no fd/), no non-pids");
	is_int(owners_sockets(o), 13, "socket fds: 3 + 4 + 2 + 1 + 1 + 1 + 1");
	is_int(owners_unreadable(o), 0, "nothing unreadable to root");
	owners_free(o);
}

/* ---- the same tree as nobody ------------------------------------------- */

struct nobody_result {
	int setuid_err;
	int err;
	size_t processes, sockets, unreadable;
	uint32_t pid12345, pid6000;
	int real_err;
	size_t real_unreadable;
	uint32_t real_parent_found;
};

static void nobody_child(const char *root, int wfd, uint32_t parent_inode)
{
	struct nobody_result r = { 0 };
	struct owners *o = NULL;
	const struct owner *w;

	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		r.setuid_err = errno;
	if (!r.setuid_err) {
		r.err = owners_scan(root, &o);
		r.processes = owners_processes(o);
		r.sockets = owners_sockets(o);
		r.unreadable = owners_unreadable(o);
		w = owners_lookup(o, 12345);
		r.pid12345 = w ? w->pid : 0;
		w = owners_lookup(o, 6000);
		r.pid6000 = w ? w->pid : 0;
		owners_free(o);
		o = NULL;
		r.real_err = owners_scan(NULL, &o);
		r.real_unreadable = owners_unreadable(o);
		r.real_parent_found = owners_lookup(o, parent_inode) != NULL;
		owners_free(o);
	}
	if (write(wfd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(2);
	_exit(0);
}

static void test_nobody(const char *root)
{
	struct nobody_result r;
	struct stat st;
	int p[2], s, status;
	pid_t pid;

	if (geteuid() != 0) {
		skip("not root: cannot switch to uid 65534 to test unreadable fd dirs");
		return;
	}
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || fstat(s, &st) || pipe2(p, O_CLOEXEC)) {
		ok(0, "socket and pipe for the uid 65534 child");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		close(s); /* only the root parent holds it now */
		nobody_child(root, p[1], (uint32_t)st.st_ino);
	}
	close(p[1]);
	memset(&r, 0, sizeof(r));
	if (!ok(pid > 0 && read(p[0], &r, sizeof(r)) == (ssize_t)sizeof(r),
		"uid 65534 child reports"))
		goto out;
	if (r.setuid_err) {
		errno = r.setuid_err;
		tap_diag("setresuid(65534): %s", strerror(errno));
		skip("cannot become uid 65534");
		goto out;
	}
	is_int(r.err, 0, "as uid 65534: scan of the fixture tree");
	is_int(r.unreadable, 1, "as uid 65534: 600/fd (mode 000) is unreadable");
	is_int(r.processes, 9, "as uid 65534: the unreadable process still counts as a process");
	is_int(r.sockets, 12, "as uid 65534: its socket is not seen");
	is_int(r.pid6000, 0, "as uid 65534: socket 6000 has no owner");
	is_int(r.pid12345, 50, "as uid 65534: readable processes still resolve");
	is_int(r.real_err, 0, "as uid 65534: scan of /proc");
	ok(r.real_unreadable >= 1, "as uid 65534: root's processes (this test) are unreadable");
	is_int(r.real_parent_found, 0, "as uid 65534: a socket of root's process has no owner");
out:
	close(p[0]);
	close(s);
	if (pid > 0)
		waitpid(pid, &status, 0);
}

/* ---- command lines, errors --------------------------------------------- */

static void test_cmdline(const char *root)
{
	char buf[128];

	is_str(owners_cmdline(root, 100, buf, sizeof(buf)), "nginx: master process -g daemon off;",
	       "cmdline: arguments joined by spaces, trailing NUL dropped");
	is_str(owners_cmdline(root, 100, buf, 8), "nginx: ", "cmdline: cut to len - 1 bytes");
	ok(owners_cmdline(root, 100, buf, 1) == NULL, "cmdline: no room for a byte is NULL");
	ok(owners_cmdline(root, 400, buf, sizeof(buf)) == NULL,
	   "cmdline: empty (kernel thread) is NULL");
	ok(owners_cmdline(root, 500, buf, sizeof(buf)) == NULL, "cmdline: no such file is NULL");
	ok(owners_cmdline(root, 4242, buf, sizeof(buf)) == NULL,
	   "cmdline: no such process is NULL");
	is_str(owners_cmdline(root, 900, buf, sizeof(buf)), "setproctitle style",
	       "cmdline: one string without NUL (setproctitle)");
}

static void test_errors(const char *root)
{
	struct owners *o = (struct owners *)1;
	char path[4300];
	int fd;

	is_int(owners_scan("/nonexistent/tcpdx-proc", &o), -ENOENT, "missing root: -ENOENT");
	ok(o == NULL, "missing root: no table");
	snprintf(path, sizeof(path), "%s/123", root);
	is_int(owners_scan(path, &o), -ENOTDIR, "a file as root: -ENOTDIR");
	snprintf(path, sizeof(path), "%s/net", root);
	is_int(owners_scan(path, &o), 0, "an empty root");
	is_int(owners_processes(o), 0, "an empty root: no processes");
	ok(owners_lookup(o, 12345) == NULL, "an empty root: no sockets");
	owners_free(o);
	ok(owners_lookup(NULL, 1) == NULL && owners_sockets(NULL) == 0, "NULL table is empty");
	owners_free(NULL);
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ok(fd >= 0, "root still there");
	if (fd >= 0)
		close(fd);
}

/* ---- 200,000 sockets over 2,000 processes ------------------------------ */

#define BIG_PROCS 2000
#define BIG_FDS 100
#define BIG_OWN (BIG_FDS - 2) /* sockets of its own; two more shared with neighbours */

static uint32_t big_pid(unsigned int p)
{
	return 10000 + 3 * p;
}

/* Distinct, nonzero, scattered inodes: an odd multiplier is a bijection
 * mod 2^32. */
static uint32_t big_own(unsigned int p, unsigned int j)
{
	return (uint32_t)(p * BIG_OWN + j + 1) * 2654435761u;
}

/* Held by process p and p + 1 (mod BIG_PROCS). */
static uint32_t big_shared(unsigned int p)
{
	return (uint32_t)(BIG_PROCS * BIG_OWN + p + 1) * 2654435761u;
}

static void test_big(const char *tmp)
{
	char root[4200], name[32], target[32], comm[32];
	unsigned int p, j, bad = 0, badshared = 0, badcomm = 0;
	struct owners *o = NULL;
	double t0, t1, t2;
	int r, fd, err;

	snprintf(root, sizeof(root), "%s/big", tmp);
	t0 = now();
	r = mkdir_open(AT_FDCWD, root);
	for (p = 0; p < BIG_PROCS && !tree_failed; p++) {
		snprintf(name, sizeof(name), "%u", big_pid(p));
		snprintf(comm, sizeof(comm), "proc%u\n", p);
		fd = make_proc(r, name, comm, strlen(comm), true);
		for (j = 0; j < BIG_OWN; j++) {
			snprintf(name, sizeof(name), "%u", j + 3);
			snprintf(target, sizeof(target), "socket:[%u]", big_own(p, j));
			make_link(fd, name, target);
		}
		snprintf(target, sizeof(target), "socket:[%u]", big_shared(p));
		make_link(fd, "200", target);
		snprintf(target, sizeof(target), "socket:[%u]",
			 big_shared((p + BIG_PROCS - 1) % BIG_PROCS));
		make_link(fd, "201", target);
		close(fd);
	}
	close(r);
	if (!ok(!tree_failed, "built 2,000 fake processes with 100 socket fds each"))
		goto out;
	t1 = now();
	err = owners_scan(root, &o);
	t2 = now();
	tap_diag("built in %.2f s, scanned in %.3f s", t1 - t0, t2 - t1);
	is_int(err, 0, "big tree: scan");
	if (!o)
		goto out;
	is_int(owners_processes(o), BIG_PROCS, "big tree: processes");
	is_int(owners_sockets(o), BIG_PROCS * BIG_FDS, "big tree: socket fds");
	for (p = 0; p < BIG_PROCS; p++) {
		const struct owner *first = owners_lookup(o, big_own(p, 0));
		unsigned int next = (p + 1) % BIG_PROCS;
		uint32_t lo = big_pid(p) < big_pid(next) ? big_pid(p) : big_pid(next);
		const struct owner *w;

		snprintf(comm, sizeof(comm), "proc%u", p);
		if (!first || strcmp(first->comm, comm))
			badcomm++;
		for (j = 0; j < BIG_OWN; j++) {
			w = owners_lookup(o, big_own(p, j));
			if (!w || w->pid != big_pid(p) || w->nprocs != 1 || !first ||
			    w->comm != first->comm)
				bad++;
		}
		w = owners_lookup(o, big_shared(p));
		if (!w || w->pid != lo || w->nprocs != 2)
			badshared++;
	}
	is_int(bad, 0,
	       "big tree: each of 196,000 own sockets: its pid, one holder, its process' name");
	is_int(badshared, 0, "big tree: each of 2,000 shared sockets: the lower pid, two holders");
	is_int(badcomm, 0, "big tree: every process name");
	ok(!owners_lookup(o, big_shared(BIG_PROCS)) && !owners_lookup(o, 12345),
	   "big tree: inodes nobody holds are not found");
	ok(t2 - t1 < 5.0, "big tree: scan under 5 s");
	owners_free(o);
out:
	rm_tree(root);
}

/* ---- the real /proc ---------------------------------------------------- */

/*
 * Processes of /proc whose fds this process may not read, counted another
 * way (paths, opendir, readlink): the fd dir cannot be opened, or its first
 * link cannot be read (no ptrace access). Each one is named.
 */
static size_t count_denied(void)
{
	char path[64], link[256];
	struct dirent *de, *fe;
	size_t denied = 0;
	DIR *proc, *fds;

	proc = opendir("/proc");
	if (!proc)
		return 0;
	while ((de = readdir(proc))) {
		bool no = false;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/fd", de->d_name);
		fds = opendir(path);
		if (!fds) {
			no = errno == EACCES || errno == EPERM;
		} else {
			while ((fe = readdir(fds)))
				if (fe->d_name[0] != '.')
					break;
			if (fe) {
				snprintf(path, sizeof(path), "/proc/%.20s/fd/%.20s", de->d_name,
					 fe->d_name);
				no = readlink(path, link, sizeof(link)) < 0 &&
				     (errno == EACCES || errno == EPERM);
			}
			closedir(fds);
		}
		if (no) {
			char comm[OWNER_COMM_MAX] = "?";
			ssize_t n;
			int fd;

			snprintf(path, sizeof(path), "/proc/%.20s/comm", de->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			n = fd >= 0 ? read(fd, comm, sizeof(comm) - 1) : -1;
			if (fd >= 0)
				close(fd);
			if (n > 0)
				comm[n - (comm[n - 1] == '\n')] = '\0';
			tap_diag("fds of pid %s (%s) are not readable to us", de->d_name, comm);
			denied++;
		}
	}
	closedir(proc);
	return denied;
}

static void test_live(int argc, char **argv)
{
	char comm[OWNER_COMM_MAX] = "", want[4096] = "", buf[4096];
	const struct owner *w;
	struct owners *o = NULL;
	struct stat st, ust;
	int s, d = -1, u[2] = { -1, -1 }, p[2] = { -1, -1 }, fd, i, status;
	double t0, t1;
	size_t denied;
	ssize_t n;
	pid_t child = -1;

	fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, comm, sizeof(comm) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n > 0 && comm[n - 1] == '\n')
		n--;
	comm[n > 0 ? n : 0] = '\0';

	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (!ok(s >= 0 && !fstat(s, &st), "live: a TCP socket and its inode"))
		return;
	d = dup(s);
	if (pipe2(p, O_CLOEXEC) == 0) {
		fflush(stdout);
		child = fork();
		if (child == 0) {
			char c;

			close(p[1]);
			(void)!read(p[0], &c, 1); /* until the parent closes its end */
			_exit(0);
		}
	}
	close(p[0]);
	/* after the fork: only this process holds the pair */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, u) || fstat(u[0], &ust))
		memset(&ust, 0, sizeof(ust));

	t0 = now();
	is_int(owners_scan(NULL, &o), 0, "live: scan of /proc");
	t1 = now();
	tap_diag("/proc: %zu processes, %zu socket fds, %zu unreadable, %.1f ms",
		 owners_processes(o), owners_sockets(o), owners_unreadable(o), (t1 - t0) * 1e3);
	w = owners_lookup(o, (uint32_t)st.st_ino);
	if (ok(w, "live: our TCP socket is found")) {
		is_int(w->pid, getpid(), "live: its owner is this process (lower than the child)");
		is_int(w->nprocs, child > 0 ? 2 : 1, "live: held by us (twice: dup) and the child");
		is_str(w->comm, comm, "live: our comm");
	}
	w = owners_lookup(o, (uint32_t)ust.st_ino);
	if (ok(w, "live: our unix socketpair is found")) {
		is_int(w->pid, getpid(), "live: socketpair owner");
		is_int(w->nprocs, 1, "live: socketpair held by us only");
	}
	ok(owners_processes(o) >= 2, "live: at least us and the child");
	denied = count_denied();
	if (geteuid() == 0 && !denied) {
		is_int(owners_unreadable(o), 0, "live: root reads every process' fds");
	} else {
		if (geteuid() == 0)
			tap_diag("root, yet denied: capabilities beyond our bounding set, "
				 "an LSM (Landlock, Yama) or hidepid");
		is_int(owners_unreadable(o), denied,
		       "live: unreadable processes are those a plain readlink is denied");
	}
	owners_free(o);

	for (i = 0; i < argc; i++) {
		if (i)
			strncat(want, " ", sizeof(want) - strlen(want) - 1);
		strncat(want, argv[i], sizeof(want) - strlen(want) - 1);
	}
	is_str(owners_cmdline(NULL, (uint32_t)getpid(), buf, sizeof(buf)), want,
	       "live: our cmdline is argv joined by spaces");

	close(p[1]);
	if (child > 0)
		waitpid(child, &status, 0);
	close(s);
	if (d >= 0)
		close(d);
	if (u[0] >= 0) {
		close(u[0]);
		close(u[1]);
	}
}

int main(int argc, char **argv)
{
	const char *base = getenv("TMPDIR");
	char tmp[4096], root[4200];

	/* 200,000 symlinks: seconds on tmpfs, sometimes a minute on a busy ext4 */
	if (!access("/dev/shm", W_OK | X_OK))
		base = "/dev/shm";
	else if (!base || !*base)
		base = "/tmp";
	snprintf(tmp, sizeof(tmp), "%s/test_owners.XXXXXX", base);
	umask(022);
	if (!mkdtemp(tmp)) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	chmod(tmp, 0755); /* uid 65534 walks it too */
	snprintf(root, sizeof(root), "%s/proc", tmp);
	if (mkdir(root, 0755))
		tree_fail("mkdir", root);
	build_small(root);
	if (ok(!tree_failed, "built the fixture tree")) {
		test_small(root);
		test_nobody(root);
		test_cmdline(root);
		test_errors(root);
	}
	test_big(tmp);
	test_live(argc, argv);
	rm_tree(tmp);
	return done_testing();
}

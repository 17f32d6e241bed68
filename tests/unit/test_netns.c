// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netns: netns_resolve() of pids, names and paths (and what is none of them),
 * netns_enter() errors, netns_list() on this machine (self first, every inode
 * once, the order). As root, with a namespace made by `ip netns add` for the
 * test: resolving it, listing it once under its name even with a process
 * inside it, an anonymous namespace (unshare) listed by pid and comm,
 * entering it and coming back, and as uid 65534 without capabilities the
 * EPERM that names CAP_SYS_ADMIN. A guard process deletes what the test made
 * even if the test dies; the children die with the test (PR_SET_PDEATHSIG).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* setns(), unshare(), setresuid() */
#endif
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns.h"
#include "tap.h"
#include "util.h"

static char ns_name[64]; /* made by `ip netns add` for this run */
static char stale_path[96]; /* a plain file under /run/netns */

static uint64_t ino_of(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? 0 : (uint64_t)st.st_ino;
}

/* Run `ip ARGS...` quietly; returns its exit status, or -1. */
static int run_ip(const char *a1, const char *a2, const char *a3)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execlp("ip", "ip", a1, a2, a3, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Fork a guard that waits for the test to end (its end of @fd closing, which
 * also happens if the test crashes) and then deletes the namespace and the
 * stale file. Returns the guard's pid; the caller keeps the write end.
 */
static pid_t start_guard(int *wfd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		char c;
		char path[128];

		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		close(p[1]);
		while (read(p[0], &c, 1) > 0 || errno == EINTR)
			;
		if (stale_path[0])
			unlink(stale_path);
		snprintf(path, sizeof(path), "/run/netns/%s", ns_name);
		if (access(path, F_OK) == 0)
			run_ip("netns", "del", ns_name);
		_exit(0);
	}
	close(p[0]);
	*wfd = p[1];
	return pid;
}

/*
 * A child that dies with us, named @comm, in the namespace at @path (or a new
 * one when @path is NULL), paused. Returns its pid once it is there, or -1.
 */
static pid_t spawn_in(const char *path, const char *comm)
{
	pid_t parent = getpid(), pid;
	int p[2];
	char c = 0;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd;

		close(p[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		prctl(PR_SET_NAME, comm);
		if (path) {
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
				_exit(1);
			close(fd);
		} else if (unshare(CLONE_NEWNET) < 0) {
			_exit(1);
		}
		c = 'y';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1 || c != 'y') {
		close(p[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(p[0]);
	return pid;
}

static void reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* pid 1's namespace; when that is not readable, kthreadd's (the host's). */
static uint64_t init_ino(void)
{
	char comm[32] = "";
	uint64_t ino = ino_of("/proc/1/ns/net");
	FILE *f;

	if (ino)
		return ino;
	f = fopen("/proc/2/comm", "r");
	if (f && fgets(comm, sizeof(comm), f) && !strcmp(comm, "kthreadd\n"))
		ino = ino_of("/proc/2/ns/net");
	if (f)
		fclose(f);
	return ino;
}

static void test_resolve(void)
{
	char spec[64], path[128], want[128], err[256], tiny[8];
	int r;

	snprintf(spec, sizeof(spec), "%d", (int)getpid());
	snprintf(want, sizeof(want), "/proc/%d/ns/net", (int)getpid());
	r = netns_resolve(spec, path, sizeof(path), err, sizeof(err));
	is_int(r, 0, "own pid resolves");
	is_str(path, want, "to /proc/PID/ns/net");

	snprintf(spec, sizeof(spec), "00%d", (int)getpid());
	r = netns_resolve(spec, path, sizeof(path), err, sizeof(err));
	is_int(r, 0, "own pid with leading zeros resolves");
	is_str(path, want, "to the canonical /proc path");

	r = netns_resolve("99999999", path, sizeof(path), err, sizeof(err));
	is_int(r, -ENOENT, "a pid above PID_MAX_LIMIT is -ENOENT");
	is_str(err, "no process 99999999", "message names the pid");
	r = netns_resolve("0", path, sizeof(path), err, sizeof(err));
	is_int(r, -ENOENT, "pid 0 is no process");
	r = netns_resolve("123456789012345678901234567890", path, sizeof(path), err, sizeof(err));
	is_int(r, -ENOENT, "a pid that overflows is no process");
	has_str(err, "no process 123456789012345678901234567890", "message quotes it whole");

	snprintf(spec, sizeof(spec), "tcpdx-no-such-%d", (int)getpid());
	r = netns_resolve(spec, path, sizeof(path), err, sizeof(err));
	is_int(r, -ENOENT, "a bogus name is -ENOENT");
	has_str(err, spec, "message names it");
	has_str(err, "ip netns list", "and says where names come from");

	r = netns_resolve("/etc/passwd", path, sizeof(path), err, sizeof(err));
	is_int(r, -EINVAL, "/etc/passwd is -EINVAL");
	is_str(err, "'/etc/passwd' is not a network namespace", "message says why");
	r = netns_resolve("/etc/", path, sizeof(path), err, sizeof(err));
	is_int(r, -EINVAL, "a directory is not a namespace");
	r = netns_resolve("/dev/null", path, sizeof(path), err, sizeof(err));
	is_int(r, -EINVAL, "a device is not a namespace");
	r = netns_resolve("/proc/self/ns/uts", path, sizeof(path), err, sizeof(err));
	is_int(r, -EINVAL, "a UTS namespace file is not a network namespace");
	has_str(err, "is not a network namespace", "message for the wrong type");
	r = netns_resolve("/nonexistent/tcpdx", path, sizeof(path), err, sizeof(err));
	is_int(r, -ENOENT, "a missing path is -ENOENT");
	has_str(err, "/nonexistent/tcpdx", "message names the path");
	r = netns_resolve("/proc/self/ns/net", path, sizeof(path), err, sizeof(err));
	is_int(r, 0, "/proc/self/ns/net is a path to a network namespace");
	is_str(path, "/proc/self/ns/net", "kept as given");

	r = netns_resolve(".hidden", path, sizeof(path), err, sizeof(err));
	is_int(r, -EINVAL, "a word starting with '.' is not a name");
	r = netns_resolve("..", path, sizeof(path), err, sizeof(err));
	is_int(r, -EINVAL, "'..' is not a name");
	has_str(err, "not a namespace name", "message says so");
	r = netns_resolve("", path, sizeof(path), err, sizeof(err));
	is_int(r, -EINVAL, "empty is -EINVAL");

	snprintf(spec, sizeof(spec), "%d", (int)getpid());
	r = netns_resolve(spec, tiny, sizeof(tiny), err, sizeof(err));
	is_int(r, -EINVAL, "a path buffer too small is -EINVAL, not truncated");
	r = netns_resolve("/proc/self/ns/net", tiny, sizeof(tiny), err, sizeof(err));
	is_int(r, -EINVAL, "also for a path");
	r = netns_resolve("99999999", path, sizeof(path), NULL, 0);
	is_int(r, -ENOENT, "no error buffer is fine");
	r = netns_resolve("99999999", path, sizeof(path), err, 5);
	is_str(err, "no p", "the message is cut to its buffer");
}

static void test_enter_errors(void)
{
	char err[256];
	int r;

	r = netns_enter("/nonexistent/tcpdx", err, sizeof(err));
	is_int(r, -ENOENT, "entering a missing path is -ENOENT");
	has_str(err, "/nonexistent/tcpdx", "message names it");
	r = netns_enter("/etc/passwd", err, sizeof(err));
	is_int(r, -EINVAL, "entering /etc/passwd is -EINVAL");
	has_str(err, "is not a network namespace", "message says why");
	is_int(netns_restore(-1), -EBADF, "restoring no fd is -EBADF");
}

/* The shape every list must have; returns true when it does. */
static bool check_list_shape(const struct netns_entry *v, size_t n, const char *what)
{
	char name[160], want[160];
	size_t i, j, nself = 0;
	bool unique = true, order = true, paths = true, labels = true;

	for (i = 0; i < n; i++) {
		nself += v[i].is_self ? 1 : 0;
		for (j = 0; j < i; j++)
			if (v[i].inode == v[j].inode)
				unique = false;
		if (!v[i].label[0])
			labels = false;
		if (!v[i].path[0] || ino_of(v[i].path) != v[i].inode)
			paths = false;
		if (v[i].is_self)
			continue;
		if (v[i].name[0]) {
			snprintf(want, sizeof(want), "name %s", v[i].name);
			if (strcmp(v[i].label, want))
				labels = false;
		} else if (!v[i].pid) {
			labels = false;
		}
		if (i == 0 || v[i - 1].is_self)
			continue;
		if (v[i].name[0] && (!v[i - 1].name[0] || strcmp(v[i - 1].name, v[i].name) >= 0))
			order = false;
		if (!v[i].name[0] && !v[i - 1].name[0] && v[i - 1].pid >= v[i].pid)
			order = false;
	}
	snprintf(name, sizeof(name), "%s: self first", what);
	ok(n && v[0].is_self, name);
	snprintf(name, sizeof(name), "%s: one self", what);
	is_int(nself, 1, name);
	snprintf(name, sizeof(name), "%s: self is /proc/self/ns/net", what);
	is_u64(n ? v[0].inode : 0, ino_of("/proc/self/ns/net"), name);
	snprintf(name, sizeof(name), "%s: self's label", what);
	has_str(n ? v[0].label : NULL, "this namespace", name);
	snprintf(name, sizeof(name), "%s: every inode once", what);
	ok(unique, name);
	snprintf(name, sizeof(name), "%s: named by name, then the rest by pid", what);
	ok(order, name);
	snprintf(name, sizeof(name), "%s: every path opens the entry's namespace", what);
	ok(paths, name);
	snprintf(name, sizeof(name), "%s: labels", what);
	ok(labels, name);
	if (!(unique && order && paths && labels))
		for (i = 0; i < n; i++)
			tap_diag("%zu: inode %llu self %d pid %d name '%s' path '%s' label '%s'", i,
				 (unsigned long long)v[i].inode, v[i].is_self, (int)v[i].pid,
				 v[i].name, v[i].path, v[i].label);
	return unique && order && paths && labels && n && v[0].is_self;
}

static void test_list_basic(void)
{
	struct netns_entry *v = NULL;
	size_t n = 0, hidden = 0;
	char err[256];
	uint64_t init;
	int r;

	r = netns_list(NULL, &v, &n, err, sizeof(err));
	is_int(r, 0, "netns_list on this machine");
	if (r == 0)
		check_list_shape(v, n, "list");
	init = init_ino();
	if (r == 0 && n && init && init == v[0].inode && !v[0].name[0])
		is_str(v[0].label, "this namespace (init)", "self is init's: labelled so");
	else if (r == 0 && n && !v[0].name[0])
		is_str(v[0].label, "this namespace", "self is not init's: labelled so");
	else
		skip("this namespace is named");
	free(v);

	v = NULL;
	r = netns_list_hidden("/proc", &v, &n, &hidden, err, sizeof(err));
	is_int(r, 0, "netns_list_hidden with an explicit /proc");
	/* Not even root reads them all: ptrace access also wants the target's
	 * capabilities to be a subset of ours, and LSMs can refuse. */
	tap_diag("%zu processes whose namespace we may not read", hidden);
	free(v);

	v = (void *)1;
	r = netns_list("/nonexistent-proc", &v, &n, err, sizeof(err));
	is_int(r, -ENOENT, "a missing /proc root is -ENOENT");
	has_str(err, "/nonexistent-proc", "message names it");
	ok(v == NULL && n == 0, "and gives no array");
}

/* What a child running as nobody found out. */
struct nobody_result {
	int caps_zero;
	int enter_rc;
	char enter_err[256];
	int open_rc;
	char open_err[256];
	int list_rc;
	int list_self_first;
	size_t hidden;
};

static void as_nobody(const char *path, struct nobody_result *res)
{
	struct netns_entry *v = NULL;
	char line[256];
	size_t n = 0;
	FILE *f;

	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		return;
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7) && strtoull(line + 7, NULL, 16) == 0)
			res->caps_zero = 1;
	if (f)
		fclose(f);
	res->enter_rc = netns_enter(path, res->enter_err, sizeof(res->enter_err));
	res->open_rc = netns_enter("/proc/1/ns/net", res->open_err, sizeof(res->open_err));
	res->list_rc = netns_list_hidden(NULL, &v, &n, &res->hidden, NULL, 0);
	res->list_self_first = n && v[0].is_self && v[0].inode == ino_of("/proc/self/ns/net");
	free(v);
}

static void test_nobody(const char *path)
{
	struct nobody_result res;
	int p[2];
	pid_t pid;
	ssize_t got;

	memset(&res, 0, sizeof(res));
	if (pipe2(p, O_CLOEXEC) < 0) {
		skip("pipe failed");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		res.enter_rc = 1;
		as_nobody(path, &res);
		if (write(p[1], &res, sizeof(res)) != (ssize_t)sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	got = pid > 0 ? read(p[0], &res, sizeof(res)) : -1;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (!ok(got == (ssize_t)sizeof(res), "uid 65534 child reported back"))
		return;
	ok(res.caps_zero, "uid 65534 has no effective capabilities");
	is_int(res.enter_rc, -EPERM, "uid 65534 entering the named namespace: -EPERM");
	has_str(res.enter_err, "CAP_SYS_ADMIN", "message names CAP_SYS_ADMIN");
	has_str(res.enter_err, path, "and the namespace");
	is_int(res.open_rc, -EACCES, "uid 65534 opening pid 1's namespace: -EACCES");
	has_str(res.open_err, "run as root", "message says to run as root");
	is_int(res.list_rc, 0, "uid 65534 can list");
	ok(res.list_self_first, "uid 65534's list has self first");
	ok(res.hidden > 0, "and counts root's processes as hidden");
	tap_diag("uid 65534: %zu processes hidden", res.hidden);
}

static void test_root(void)
{
	char path[128], want[128], err[256], spec[64], pidpath[128], label[160];
	struct netns_entry *v = NULL;
	uint64_t named, anon, before;
	pid_t inside = -1, outside = -1;
	size_t n = 0, i, nnamed = 0, nanon = 0, named_at = 0, anon_at = 0;
	int r, fd;

	snprintf(ns_name, sizeof(ns_name), "tcpdx-test-%d", (int)getpid());
	if (run_ip("netns", "add", ns_name) != 0) {
		skip("`ip netns add` failed (no ip, or namespaces unavailable)");
		return;
	}
	snprintf(want, sizeof(want), "/run/netns/%s", ns_name);
	r = netns_resolve(ns_name, path, sizeof(path), err, sizeof(err));
	is_int(r, 0, "the name from `ip netns add` resolves");
	is_str(path, want, "to /run/netns/NAME");
	if (r < 0)
		goto out;
	named = ino_of(path);

	/* A file that is not a mounted namespace, as a failed `ip netns add` leaves. */
	snprintf(stale_path, sizeof(stale_path), "/run/netns/tcpdx-stale-%d", (int)getpid());
	fd = open(stale_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd >= 0) {
		close(fd);
		r = netns_resolve(stale_path + strlen("/run/netns/"), path, sizeof(path), err,
				  sizeof(err));
		is_int(r, -EINVAL, "a stale file under /run/netns is -EINVAL");
		has_str(err, "ip netns del", "message says how to remove it");
	} else {
		stale_path[0] = '\0';
		skip("cannot make a stale file in /run/netns");
	}

	inside = spawn_in(want, "tcpdx-inside");
	outside = spawn_in(NULL, "tcpdx-anon");
	snprintf(spec, sizeof(spec), "%d", (int)inside);
	r = netns_resolve(spec, pidpath, sizeof(pidpath), err, sizeof(err));
	is_int(r, 0, "the pid of a process in it resolves");
	is_u64(ino_of(pidpath), named, "to the same namespace");
	anon = 0;
	if (outside > 0) {
		snprintf(pidpath, sizeof(pidpath), "/proc/%d/ns/net", (int)outside);
		anon = ino_of(pidpath);
	}
	ok(inside > 0 && outside > 0 && anon && anon != named, "children are in place");

	r = netns_list(NULL, &v, &n, err, sizeof(err));
	is_int(r, 0, "netns_list with a named and an anonymous namespace");
	check_list_shape(v, n, "root list");
	for (i = 0; i < n; i++) {
		if (v[i].inode == named) {
			nnamed++;
			named_at = i;
		}
		if (v[i].inode == anon) {
			nanon++;
			anon_at = i;
		}
		if (stale_path[0] && !strcmp(v[i].path, stale_path))
			ok(0, "the stale file is listed");
	}
	is_int(nnamed, 1, "the named namespace is listed once, its process no second time");
	if (nnamed == 1) {
		snprintf(label, sizeof(label), "name %s", ns_name);
		is_str(v[named_at].label, label, "labelled by its name");
		is_str(v[named_at].name, ns_name, "with its name");
		is_str(v[named_at].path, want, "and its /run/netns path");
		is_int(v[named_at].pid, inside, "and the process in it");
		ok(!v[named_at].is_self, "not self");
	}
	is_int(nanon, 1, "the anonymous namespace is listed once");
	if (nanon == 1) {
		snprintf(label, sizeof(label), "pid %d (tcpdx-anon)", (int)outside);
		is_str(v[anon_at].label, label, "labelled by pid and comm");
		is_str(v[anon_at].path, pidpath, "entered through /proc/PID/ns/net");
		is_str(v[anon_at].name, "", "with no name");
		ok(nnamed == 1 && named_at < anon_at, "after the named one");
	}
	free(v);

	before = ino_of("/proc/thread-self/ns/net");
	fd = netns_save();
	ok(fd >= 0, "netns_save");
	r = netns_enter(want, err, sizeof(err));
	is_int(r, 0, "netns_enter into the named namespace");
	if (r < 0)
		tap_diag("%s", err);
	is_u64(ino_of("/proc/thread-self/ns/net"), named, "now in it");
	is_int(netns_restore(fd), 0, "netns_restore");
	is_u64(ino_of("/proc/thread-self/ns/net"), before, "back where we started");

	if (outside > 0) {
		fd = netns_save();
		r = netns_enter(pidpath, err, sizeof(err));
		is_int(r, 0, "netns_enter through a pid's path");
		is_u64(ino_of("/proc/thread-self/ns/net"), anon, "now in the anonymous one");
		is_int(netns_restore(fd), 0, "netns_restore");
		is_u64(ino_of("/proc/thread-self/ns/net"), before, "back again");
	}

	test_nobody(want);
out:
	reap(inside);
	reap(outside);
	if (stale_path[0] && unlink(stale_path) == 0)
		stale_path[0] = '\0';
	is_int(run_ip("netns", "del", ns_name), 0, "ip netns del");
	r = netns_resolve(ns_name, path, sizeof(path), err, sizeof(err));
	is_int(r, -ENOENT, "the deleted name no longer resolves");
}

int main(void)
{
	pid_t guard = -1;
	int gfd = -1;

	test_resolve();
	test_enter_errors();
	test_list_basic();
	if (geteuid() != 0) {
		skip("not root: ip netns add, netns_enter and uid 65534 need root");
	} else {
		/* Set before the guard forks, so that it knows what to delete. */
		snprintf(ns_name, sizeof(ns_name), "tcpdx-test-%d", (int)getpid());
		snprintf(stale_path, sizeof(stale_path), "/run/netns/tcpdx-stale-%d",
			 (int)getpid());
		guard = start_guard(&gfd);
		stale_path[0] = '\0';
		if (guard < 0)
			skip("cannot fork a guard to clean up: not making namespaces");
		else
			test_root();
	}
	if (guard > 0) {
		close(gfd);
		waitpid(guard, NULL, 0);
	}
	return done_testing();
}

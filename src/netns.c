// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* setns(), CLONE_NEWNET */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<linux/magic.h>)
#include <linux/magic.h>
#endif
#if __has_include(<linux/nsfs.h>)
#include <linux/nsfs.h>
#endif
#endif

#include "netns.h"
#include "util.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673 /* include/uapi/linux/magic.h, Linux 3.19 */
#endif

/* Where `ip netns add` bind-mounts the namespaces it names (iproute2 NETNS_RUN_DIR). */
static const char *const run_dirs[] = { "/run/netns", "/var/run/netns" };

static void __attribute__((format(printf, 3, 4)))
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/*
 * Is the open file @fd a network namespace? nsfs files are on the nsfs
 * superblock (Linux >= 3.19; before that they lived in procfs and we cannot
 * tell them apart, so anything that is not nsfs there is let through to
 * setns(), which checks for itself). NS_GET_NSTYPE (Linux >= 4.11) tells a
 * net namespace from the others; an older kernel answers ENOTTY and we trust
 * the superblock. Returns 0 or -EINVAL.
 */
static int fd_is_netns(int fd)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0 || (unsigned long)sfs.f_type != (unsigned long)NSFS_MAGIC)
		return -EINVAL;
#ifdef NS_GET_NSTYPE
	{
		int type = ioctl(fd, NS_GET_NSTYPE);

		if (type >= 0 && type != CLONE_NEWNET)
			return -EINVAL;
		if (type < 0 && errno != ENOTTY && errno != EINVAL)
			return -EINVAL;
	}
#endif
	return 0;
}

/*
 * Check that @path names a network namespace file. Returns 0, -ENOENT,
 * -EINVAL, or -errno from open() (EACCES: /proc/PID/ns/net of another
 * user's process), with a message.
 */
static int check_netns_path(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd, r;

	if (stat(path, &st) < 0) {
		r = -errno;
		if (r == -ENOENT || r == -ENOTDIR)
			set_err(err, errlen, "'%s' does not exist", path);
		else
			set_err(err, errlen, "cannot read '%s': %s", path, strerror(-r));
		return r == -ENOTDIR ? -ENOENT : r;
	}
	/* nsfs inodes are regular files; refusing anything else also keeps
	 * open() from blocking on a FIFO or touching a device. */
	if (!S_ISREG(st.st_mode)) {
		set_err(err, errlen, "'%s' is not a network namespace", path);
		return -EINVAL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		set_err(err, errlen, "cannot open '%s': %s", path, strerror(-r));
		return r;
	}
	r = fd_is_netns(fd);
	close(fd);
	if (r < 0)
		set_err(err, errlen, "'%s' is not a network namespace", path);
	return r;
}

static int resolve_pid(const char *spec, char *path, size_t pathlen, char *err, size_t errlen)
{
	unsigned long pid = 0;
	const char *p;
	char dir[32];
	struct stat st;
	int len;

	/* Parse by hand: procfs knows "12", not "012", and pids are < 2^22. */
	for (p = spec; *p; p++) {
		pid = pid * 10 + (unsigned long)(*p - '0');
		if (pid > INT_MAX)
			break;
	}
	if (*p || pid == 0) {
		set_err(err, errlen, "no process %s", spec);
		return -ENOENT;
	}
	snprintf(dir, sizeof(dir), "/proc/%lu", pid);
	if (stat(dir, &st) < 0) {
		if (errno == ENOENT) {
			set_err(err, errlen, "no process %lu", pid);
			return -ENOENT;
		}
		set_err(err, errlen, "cannot read %s: %s", dir, strerror(errno));
		return -errno;
	}
	len = snprintf(path, pathlen, "/proc/%lu/ns/net", pid);
	if (len < 0 || (size_t)len >= pathlen) {
		set_err(err, errlen, "no room for the path of process %lu's namespace", pid);
		return -EINVAL;
	}
	return 0;
}

static int resolve_name(const char *spec, char *path, size_t pathlen, char *err, size_t errlen)
{
	char buf[PATH_MAX];
	size_t i;
	int r;

	if (spec[0] == '.') {
		set_err(err, errlen,
			"'%s' is not a namespace name: give a name (ip netns list), a pid or a "
			"path",
			spec);
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(run_dirs); i++) {
		struct stat st;
		int len = snprintf(buf, sizeof(buf), "%s/%s", run_dirs[i], spec);

		if (len < 0 || (size_t)len >= sizeof(buf)) {
			set_err(err, errlen, "namespace name too long");
			return -EINVAL;
		}
		if (stat(buf, &st) < 0)
			continue;
		r = check_netns_path(buf, err, errlen);
		if (r == -EINVAL)
			set_err(err, errlen,
				"'%s' is not a network namespace (left over? ip netns del %s)", buf,
				spec);
		if (r < 0)
			return r;
		if ((size_t)len >= pathlen) {
			set_err(err, errlen, "no room for the path '%s'", buf);
			return -EINVAL;
		}
		memcpy(path, buf, (size_t)len + 1);
		return 0;
	}
	set_err(err, errlen, "no network namespace named '%s' (ip netns list shows them)", spec);
	return -ENOENT;
}

int netns_resolve(const char *spec, char *path, size_t pathlen, char *err, size_t errlen)
{
	size_t len;
	int r;

	if (!spec || !*spec) {
		set_err(err, errlen,
			"empty network namespace: give a name (ip netns list), a pid or a path");
		return -EINVAL;
	}
	if (!path || !pathlen) {
		set_err(err, errlen, "no room for the namespace's path");
		return -EINVAL;
	}
	if (all_digits(spec))
		return resolve_pid(spec, path, pathlen, err, errlen);
	if (!strchr(spec, '/'))
		return resolve_name(spec, path, pathlen, err, errlen);
	len = strlen(spec);
	if (len >= pathlen) {
		set_err(err, errlen, "path too long: '%s'", spec);
		return -EINVAL;
	}
	r = check_netns_path(spec, err, errlen);
	if (r < 0)
		return r;
	memcpy(path, spec, len + 1);
	return 0;
}

int netns_enter(const char *path, char *err, size_t errlen)
{
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		if (r == -EACCES)
			set_err(err, errlen,
				"cannot open network namespace %s: %s (another user's process: "
				"run as root)",
				path, strerror(-r));
		else
			set_err(err, errlen, "cannot open network namespace %s: %s", path,
				strerror(-r));
		return r;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		r = -errno;
		if (r == -EPERM)
			set_err(err, errlen,
				"entering network namespace %s needs CAP_SYS_ADMIN (run as root)",
				path);
		else if (r == -EINVAL)
			set_err(err, errlen, "'%s' is not a network namespace", path);
		else
			set_err(err, errlen, "cannot enter network namespace %s: %s", path,
				strerror(-r));
	}
	close(fd);
	return r;
}

int netns_save(void)
{
	/* thread-self: setns() moves only the calling thread (Linux >= 3.17). */
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int netns_restore(int fd)
{
	int r = 0;

	if (fd < 0)
		return -EBADF;
	if (setns(fd, CLONE_NEWNET) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* One namespace while netns_list() gathers them. */
struct ns_item {
	dev_t dev;
	ino_t ino;
	pid_t pid; /* lowest pid seen in it, or 0 */
	char comm[64]; /* that process's comm */
	char name[64]; /* first name under a run dir, or "" */
	char path[128]; /* run dir path when named */
	bool is_self;
};

struct ns_set {
	struct ns_item *v;
	size_t n, cap;
};

static struct ns_item *set_find(struct ns_set *s, dev_t dev, ino_t ino)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].ino == ino && s->v[i].dev == dev)
			return &s->v[i];
	return NULL;
}

static struct ns_item *set_add(struct ns_set *s, dev_t dev, ino_t ino)
{
	struct ns_item *it;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	it = &s->v[s->n++];
	memset(it, 0, sizeof(*it));
	it->dev = dev;
	it->ino = ino;
	return it;
}

/* Read /proc/PID/comm into @buf without its newline; "" when it is gone. */
static void read_comm(const char *root, const char *pid, char *buf, size_t len)
{
	char p[PATH_MAX];
	ssize_t r;
	int fd;

	buf[0] = '\0';
	if ((size_t)snprintf(p, sizeof(p), "%s/%s/comm", root, pid) >= sizeof(p))
		return;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	r = read(fd, buf, len - 1);
	close(fd);
	if (r < 0)
		r = 0;
	buf[r] = '\0';
	if (r > 0 && buf[r - 1] == '\n')
		buf[r - 1] = '\0';
}

struct run_name {
	char name[64];
	char path[128];
};

static int run_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct run_name *)a)->name, ((const struct run_name *)b)->name);
}

/*
 * Collect the names under the run directories (skipping a second directory
 * that is the first one, as /var/run -> /run makes it) and give each named
 * namespace its alphabetically first name. Names that do not fit the entry's
 * buffers are left out: a truncated name or path would not open.
 */
static void add_named(struct ns_set *s)
{
	struct run_name *names = NULL;
	size_t n = 0, cap = 0, i, d;
	struct stat seen[ARRAY_SIZE(run_dirs)];
	size_t nseen = 0;

	for (d = 0; d < ARRAY_SIZE(run_dirs); d++) {
		struct dirent *de;
		struct stat dst;
		bool dup = false;
		DIR *dir;

		if (stat(run_dirs[d], &dst) < 0)
			continue;
		for (i = 0; i < nseen; i++)
			if (seen[i].st_dev == dst.st_dev && seen[i].st_ino == dst.st_ino)
				dup = true;
		if (dup)
			continue;
		seen[nseen++] = dst;
		dir = opendir(run_dirs[d]);
		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			struct run_name *rn;
			int len;

			if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(rn->name))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				names = xreallocarray(names, cap, sizeof(*names));
			}
			rn = &names[n];
			len = snprintf(rn->path, sizeof(rn->path), "%s/%s", run_dirs[d],
				       de->d_name);
			if (len < 0 || (size_t)len >= sizeof(rn->path))
				continue;
			memcpy(rn->name, de->d_name, strlen(de->d_name) + 1);
			n++;
		}
		closedir(dir);
	}
	if (n)
		qsort(names, n, sizeof(*names), run_name_cmp);
	for (i = 0; i < n; i++) {
		struct ns_item *it;
		struct stat st;

		/* A file left by a failed `ip netns add` is not mounted: skip it. */
		if (stat(names[i].path, &st) < 0 || check_netns_path(names[i].path, NULL, 0) < 0)
			continue;
		it = set_find(s, st.st_dev, st.st_ino);
		if (!it)
			it = set_add(s, st.st_dev, st.st_ino);
		if (it->name[0])
			continue;
		memcpy(it->name, names[i].name, sizeof(it->name));
		memcpy(it->path, names[i].path, sizeof(it->path));
	}
	free(names);
}

/* Walk @root's pid directories; count those whose namespace we may not read. */
static int add_pids(struct ns_set *s, const char *root, size_t *hidden, char *err, size_t errlen)
{
	struct dirent *de;
	DIR *dir;

	dir = opendir(root);
	if (!dir) {
		int r = -errno;

		set_err(err, errlen, "cannot read %s: %s", root, strerror(-r));
		return r;
	}
	while ((de = readdir(dir))) {
		char p[PATH_MAX];
		struct ns_item *it;
		struct stat st;
		long pid;

		if (!all_digits(de->d_name) || strlen(de->d_name) > 9)
			continue;
		if ((size_t)snprintf(p, sizeof(p), "%s/%s/ns/net", root, de->d_name) >= sizeof(p))
			continue;
		if (stat(p, &st) < 0) {
			if (errno == EACCES || errno == EPERM)
				(*hidden)++;
			continue; /* ENOENT: it exited, or a kernel thread's */
		}
		pid = strtol(de->d_name, NULL, 10);
		it = set_find(s, st.st_dev, st.st_ino);
		if (!it)
			it = set_add(s, st.st_dev, st.st_ino);
		if (it->pid && it->pid <= pid)
			continue;
		it->pid = (pid_t)pid;
		read_comm(root, de->d_name, it->comm, sizeof(it->comm));
	}
	closedir(dir);
	return 0;
}

static int item_cmp(const void *a, const void *b)
{
	const struct ns_item *x = a, *y = b;

	if (x->is_self != y->is_self)
		return x->is_self ? -1 : 1;
	if (!!x->name[0] != !!y->name[0])
		return x->name[0] ? -1 : 1;
	if (x->name[0]) {
		int c = strcmp(x->name, y->name);

		if (c)
			return c;
	}
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/*
 * Is @it the namespace of the first process: pid 1, or, when pid 1's link is
 * not readable (its capabilities exceed ours, an LSM), kthreadd, since kernel
 * threads never leave the initial namespace? The first is what a container
 * calls init; the second only holds on the host.
 */
static bool item_is_init(const struct ns_item *it)
{
	return it->pid == 1 || (it->pid == 2 && !strcmp(it->comm, "kthreadd"));
}

static void fill_entry(struct netns_entry *e, const struct ns_item *it, const char *root)
{
	memset(e, 0, sizeof(*e));
	e->inode = (uint64_t)it->ino;
	e->pid = it->pid;
	e->is_self = it->is_self;
	memcpy(e->name, it->name, sizeof(e->name));
	if (it->name[0])
		memcpy(e->path, it->path, sizeof(e->path));
	else if (it->pid && (size_t)snprintf(e->path, sizeof(e->path), "%s/%ld/ns/net", root,
					     (long)it->pid) >= sizeof(e->path))
		e->path[0] = '\0';

	if (it->is_self && it->name[0])
		snprintf(e->label, sizeof(e->label), "this namespace (name %s)", it->name);
	else if (it->is_self && item_is_init(it))
		snprintf(e->label, sizeof(e->label), "this namespace (init)");
	else if (it->is_self)
		snprintf(e->label, sizeof(e->label), "this namespace");
	else if (it->name[0])
		snprintf(e->label, sizeof(e->label), "name %s", it->name);
	else if (it->pid == 1)
		snprintf(e->label, sizeof(e->label), "init (pid 1)");
	else if (item_is_init(it))
		snprintf(e->label, sizeof(e->label), "init (pid 2, kthreadd)");
	else if (it->comm[0])
		snprintf(e->label, sizeof(e->label), "pid %ld (%s)", (long)it->pid, it->comm);
	else
		snprintf(e->label, sizeof(e->label), "pid %ld", (long)it->pid);
}

int netns_list_hidden(const char *proc_root, struct netns_entry **out, size_t *n, size_t *hidden,
		      char *err, size_t errlen)
{
	const char *root = proc_root ? proc_root : "/proc";
	struct ns_set s = { 0 };
	struct ns_item *self;
	struct netns_entry *v;
	char p[PATH_MAX];
	size_t i, nhidden = 0;
	struct stat st;
	int r;

	*out = NULL;
	*n = 0;
	if (hidden)
		*hidden = 0;
	if ((size_t)snprintf(p, sizeof(p), "%s/self/ns/net", root) >= sizeof(p)) {
		set_err(err, errlen, "/proc root too long");
		return -ENAMETOOLONG;
	}
	if (stat(p, &st) < 0) {
		r = -errno;
		set_err(err, errlen, "cannot read %s: %s", p, strerror(-r));
		return r;
	}
	self = set_add(&s, st.st_dev, st.st_ino);
	self->is_self = true;

	add_named(&s);
	r = add_pids(&s, root, &nhidden, err, errlen);
	if (r < 0) {
		free(s.v);
		return r;
	}
	qsort(s.v, s.n, sizeof(*s.v), item_cmp);

	v = xcalloc(s.n, sizeof(*v));
	for (i = 0; i < s.n; i++)
		fill_entry(&v[i], &s.v[i], root);
	free(s.v);
	*out = v;
	*n = s.n;
	if (hidden)
		*hidden = nhidden;
	return 0;
}

int netns_list(const char *proc_root, struct netns_entry **out, size_t *n, char *err, size_t errlen)
{
	return netns_list_hidden(proc_root, out, n, NULL, err, errlen);
}

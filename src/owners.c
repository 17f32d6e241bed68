// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "owners.h"
#include "util.h"

/*
 * The table: open addressing with linear probing on the socket inode, a
 * power-of-two number of slots, doubled before it is half full, so a probe
 * is short and the whole walk costs O(socket fds). Inode 0 marks an empty
 * slot (the kernel never gives a socket in an fd table inode 0, and lookups
 * of inode 0 answer NULL anyway).
 *
 * Process names live in a chunked arena, one copy per process that holds a
 * socket (not per socket): a chunk is never moved or reallocated, so the
 * pointers the slots hold stay valid while the table grows and new chunks
 * are added, until owners_free().
 */
#define OWNERS_MIN_BITS 8 /* 256 slots */
#define OWNERS_CHUNK 4096
/* "socket:[4294967295]" is 19 bytes: anything longer is not a socket. */
#define OWNERS_LINK_MAX 32

struct owners_slot {
	uint32_t inode; /* 0: empty */
	uint32_t last_pid; /* the last process that counted in nprocs */
	struct owner owner;
};

struct owners_chunk {
	struct owners_chunk *next;
	size_t used;
	char data[OWNERS_CHUNK];
};

struct owners {
	struct owners_slot *slots;
	size_t nslots; /* a power of two */
	unsigned int bits; /* log2(nslots) */
	size_t used; /* distinct inodes */
	struct owners_chunk *chunks; /* newest first */
	size_t processes, sockets, unreadable;
};

/* Fibonacci hashing: socket inodes are mostly consecutive numbers; the top
 * bits of the product spread them over the whole table. */
static size_t owners_hash(const struct owners *o, uint32_t inode)
{
	return (size_t)(((uint64_t)inode * 0x9e3779b97f4a7c15ULL) >> (64 - o->bits));
}

/* The slot holding @inode, or the empty slot where it would go. */
static struct owners_slot *owners_probe(const struct owners *o, uint32_t inode)
{
	size_t mask = o->nslots - 1, i = owners_hash(o, inode);

	while (o->slots[i].inode && o->slots[i].inode != inode)
		i = (i + 1) & mask;
	return &o->slots[i];
}

static void owners_resize(struct owners *o, unsigned int bits)
{
	struct owners_slot *old = o->slots;
	size_t i, n = o->nslots;

	o->bits = bits;
	o->nslots = (size_t)1 << bits;
	o->slots = xcalloc(o->nslots, sizeof(*o->slots));
	for (i = 0; i < n; i++)
		if (old[i].inode)
			*owners_probe(o, old[i].inode) = old[i];
	free(old);
}

/* Record that @pid holds socket @inode; the lowest pid keeps the entry. */
static void owners_add(struct owners *o, uint32_t inode, uint32_t pid, const char *comm)
{
	struct owners_slot *s = owners_probe(o, inode);

	o->sockets++;
	if (!s->inode) {
		if ((o->used + 1) * 2 > o->nslots) {
			owners_resize(o, o->bits + 1);
			s = owners_probe(o, inode);
		}
		s->inode = inode;
		s->last_pid = pid;
		s->owner.pid = pid;
		s->owner.nprocs = 1;
		s->owner.comm = comm;
		o->used++;
		return;
	}
	/* Processes are walked one after the other: a second fd of the same
	 * process (dup) finds its own pid here and counts once. */
	if (s->last_pid == pid)
		return;
	s->last_pid = pid;
	s->owner.nprocs++;
	if (pid < s->owner.pid) {
		s->owner.pid = pid;
		s->owner.comm = comm;
	}
}

/* A copy of @n bytes at @s, NUL-terminated, in the arena. */
static const char *owners_intern(struct owners *o, const char *s, size_t n)
{
	struct owners_chunk *c = o->chunks;
	char *p;

	if (!c || OWNERS_CHUNK - c->used < n + 1) {
		c = xmalloc(sizeof(*c));
		c->used = 0;
		c->next = o->chunks;
		o->chunks = c;
	}
	p = c->data + c->used;
	memcpy(p, s, n);
	p[n] = '\0';
	c->used += n + 1;
	return p;
}

/* The name of the process whose /proc directory is @pidfd, raw bytes without
 * the kernel's newline; "" if it exited meanwhile. */
static const char *owners_read_comm(struct owners *o, int pidfd)
{
	char buf[OWNER_COMM_MAX];
	ssize_t n = -1;
	int fd;

	fd = openat(pidfd, "comm", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n < 0)
		n = 0;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return owners_intern(o, buf, strlen(buf));
}

/* The inode of a link target "socket:[N]" (N decimal, fits uint32), or 0. */
static uint32_t owners_parse_link(const char *s, size_t len)
{
	static const char prefix[] = "socket:[";
	uint64_t v = 0;
	size_t i = sizeof(prefix) - 1;

	/* at least one digit: len >= strlen(prefix) + 2 */
	if (len < sizeof(prefix) + 1 || memcmp(s, prefix, i) || s[len - 1] != ']')
		return 0;
	for (; i < len - 1; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return 0;
	}
	return (uint32_t)v;
}

/* A pid directory name: decimal digits, 1..UINT32_MAX; else 0. */
static uint32_t owners_parse_pid(const char *s)
{
	uint64_t v = 0;

	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return 0;
	}
	return (uint32_t)v;
}

static bool owners_denied(int err)
{
	return err == EACCES || err == EPERM;
}

/*
 * One process: /proc/PID/fd/N -> "socket:[inode]". The name is read only
 * once a socket turns up (most processes hold none). A process that vanishes
 * on the way is skipped; one whose fds we may not read counts as unreadable.
 */
static void owners_scan_pid(struct owners *o, int rootfd, const char *name, uint32_t pid)
{
	const char *comm = NULL;
	char link[OWNERS_LINK_MAX];
	struct dirent *de;
	int pidfd, fdfd;
	uint32_t inode;
	ssize_t n;
	DIR *fds;

	pidfd = openat(rootfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pidfd < 0) {
		if (owners_denied(errno)) {
			o->processes++;
			o->unreadable++;
		}
		return;
	}
	fdfd = openat(pidfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdfd < 0) {
		if (owners_denied(errno)) {
			o->processes++;
			o->unreadable++;
		}
		goto out_pid;
	}
	fds = fdopendir(fdfd);
	if (!fds) {
		close(fdfd);
		goto out_pid;
	}
	o->processes++;
	while ((de = readdir(fds))) {
		if (de->d_type != DT_LNK && de->d_type != DT_UNKNOWN)
			continue; /* ".", ".." */
		n = readlinkat(fdfd, de->d_name, link, sizeof(link));
		if (n < 0) {
			if (owners_denied(errno)) {
				/* fd dir readable, but no ptrace access */
				o->unreadable++;
				break;
			}
			continue; /* fd closed meanwhile, or not a link */
		}
		if ((size_t)n >= sizeof(link))
			continue; /* truncated: too long for a socket */
		inode = owners_parse_link(link, (size_t)n);
		if (!inode)
			continue;
		if (!comm)
			comm = owners_read_comm(o, pidfd);
		owners_add(o, inode, pid, comm);
	}
	closedir(fds);
out_pid:
	close(pidfd);
}

int owners_scan(const char *proc_root, struct owners **out)
{
	struct owners *o = NULL;
	struct dirent *de;
	DIR *root = NULL;
	uint32_t pid;
	int fd, err = 0;

	*out = NULL;
	fd = open(proc_root ? proc_root : "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	root = fdopendir(fd);
	if (!root) {
		err = -errno;
		close(fd);
		return err;
	}
	o = xcalloc(1, sizeof(*o));
	o->bits = OWNERS_MIN_BITS;
	o->nslots = (size_t)1 << o->bits;
	o->slots = xcalloc(o->nslots, sizeof(*o->slots));
	for (;;) {
		errno = 0;
		de = readdir(root);
		if (!de) {
			err = -errno;
			break;
		}
		pid = owners_parse_pid(de->d_name);
		if (pid)
			owners_scan_pid(o, fd, de->d_name, pid);
	}
	if (err)
		goto cleanup;
	*out = o;
	o = NULL;
cleanup:
	owners_free(o);
	closedir(root);
	return err;
}

const struct owner *owners_lookup(const struct owners *o, uint32_t inode)
{
	const struct owners_slot *s;

	if (!o || !inode)
		return NULL;
	s = owners_probe(o, inode);
	return s->inode ? &s->owner : NULL;
}

size_t owners_unreadable(const struct owners *o)
{
	return o ? o->unreadable : 0;
}

size_t owners_processes(const struct owners *o)
{
	return o ? o->processes : 0;
}

size_t owners_sockets(const struct owners *o)
{
	return o ? o->sockets : 0;
}

/*
 * /proc/PID/cmdline holds the arguments, each ending in a NUL; a process
 * that rewrote its arguments (setproctitle) may leave one string with no
 * NUL. Trailing NULs are dropped and the others become spaces. NULL when
 * the process is gone, unreadable, a kernel thread (empty), or @len < 2.
 */
char *owners_cmdline(const char *proc_root, uint32_t pid, char *buf, size_t len)
{
	const char *root = proc_root ? proc_root : "/proc";
	size_t plen = strlen(root) + sizeof("/4294967295/cmdline");
	size_t n = 0, i;
	char *path;
	ssize_t r;
	int fd;

	if (!buf || len < 2 || !pid)
		return NULL;
	path = xmalloc(plen);
	snprintf(path, plen, "%s/%u/cmdline", root, pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return NULL;
	while (n < len - 1) {
		r = read(fd, buf + n, len - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	if (!n)
		return NULL;
	for (i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return buf;
}

void owners_free(struct owners *o)
{
	struct owners_chunk *c, *next;

	if (!o)
		return;
	for (c = o->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(o->slots);
	free(o);
}

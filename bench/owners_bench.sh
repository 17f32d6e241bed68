#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# owners_bench.sh - time owners_scan() on the real /proc with many sockets,
# beside ss -p, which walks the same /proc/*/fd.
#
#   bench/owners_bench.sh [SOCKETS [HOLDERS [RUNS [tcp|unix]]]]
#
# Defaults: 100000 sockets held by 8 processes (under a 20000 open-files
# limit each), 5 runs. tcp: loopback listeners on 127.0.0.N:20000+i, so
# `ss -tanp` sees them; unix: socketpairs, for `ss -xp`. Runs in a private
# network namespace (unshare -n, needs root): nothing leaves it, and it is
# gone when the script ends. The holders are children of this script, killed
# by pid at the end (and by PR_SET_PDEATHSIG if the script dies).
set -eu

SOCKETS=${1:-100000}
HOLDERS=${2:-8}
RUNS=${3:-5}
KIND=${4:-tcp}
TOP=$(cd "$(dirname "$0")/.." && pwd)

if [ -z "${OWNERS_BENCH_INNER:-}" ]; then
	exec unshare -n env OWNERS_BENCH_INNER=1 "$0" "$SOCKETS" "$HOLDERS" "$RUNS" "$KIND"
fi

tmp=$(mktemp -d /tmp/owners_bench.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

cat >"$tmp/holder.c" <<'EOF'
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* holder INDEX COUNT tcp|unix: hold COUNT sockets, say "ready", sleep. */
int main(int argc, char **argv)
{
	int idx = atoi(argv[1]), n = atoi(argv[2]), tcp = argv[3][0] == 't', i, fd, sv[2];
	struct sockaddr_in a = { .sin_family = AF_INET };

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	a.sin_addr.s_addr = htonl(0x7f000001 + (uint32_t)idx);
	for (i = 0; i < n; ) {
		if (tcp) {
			fd = socket(AF_INET, SOCK_STREAM, 0);
			a.sin_port = htons(20000 + i);
			if (fd < 0 || bind(fd, (void *)&a, sizeof(a)) || listen(fd, 1)) {
				perror("holder: tcp");
				return 1;
			}
			i++;
		} else {
			if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
				perror("holder: socketpair");
				return 1;
			}
			i += 2;
		}
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
EOF

cat >"$tmp/scan.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "owners.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* scan RUNS: time owners_scan("/proc") RUNS times */
int main(int argc, char **argv)
{
	int runs = atoi(argv[1]), r;

	for (r = 0; r < runs; r++) {
		struct owners *o;
		double t0 = now(), t1;
		int err = owners_scan(NULL, &o);

		t1 = now();
		if (err) {
			fprintf(stderr, "owners_scan: %d\n", err);
			return 1;
		}
		printf("owners_scan run %d: %8.1f ms  (%zu processes, %zu socket fds, %zu unreadable)\n",
		       r + 1, (t1 - t0) * 1e3, owners_processes(o), owners_sockets(o),
		       owners_unreadable(o));
		owners_free(o);
	}
	return 0;
}
EOF

CC=${CC:-gcc}
$CC -O2 -o "$tmp/holder" "$tmp/holder.c"
$CC -std=c11 -O2 -D_GNU_SOURCE -I"$TOP/src" -o "$tmp/scan" "$tmp/scan.c" \
	"$TOP/src/owners.c" "$TOP/src/util.c"

ip link set lo up
per=$(( (SOCKETS + HOLDERS - 1) / HOLDERS ))
for ((h = 0; h < HOLDERS; h++)); do
	"$tmp/holder" "$h" "$per" "$KIND" >"$tmp/ready.$h" &
	pids+=($!)
done
for ((t = 0; t < 600; t++)); do
	n=$(cat "$tmp"/ready.* 2>/dev/null | grep -c ready || true)
	[ "$n" -ge "$HOLDERS" ] && break
	sleep 0.1
done
[ "$n" -ge "$HOLDERS" ] || { echo "holders not ready" >&2; exit 1; }

nproc_=(/proc/[0-9]*)
echo "# $((per * HOLDERS)) $KIND sockets in $HOLDERS processes, ${#nproc_[@]} processes in /proc"
/usr/bin/time -f "owners_scan x $RUNS: %U s user, %S s sys, %M KiB max RSS" "$tmp/scan" "$RUNS"

if [ "$KIND" = tcp ]; then
	ssargs=(-tan) ; ssp=(-tanp)
else
	ssargs=(-xa) ; ssp=(-xap)
fi
for ((r = 1; r <= RUNS; r++)); do
	/usr/bin/time -f "ss ${ssargs[*]}  run $r: %e s  (%M KiB)" ss "${ssargs[@]}" >"$tmp/ss.out"
	echo "  ($(($(wc -l <"$tmp/ss.out") - 1)) sockets listed)"
done
for ((r = 1; r <= RUNS; r++)); do
	/usr/bin/time -f "ss ${ssp[*]} run $r: %e s  (%M KiB)" ss "${ssp[@]}" >"$tmp/ss.out"
	echo "  ($(grep -c 'users:' "$tmp/ss.out") sockets with an owner)"
done

# tcpdx itself, when built: the same sockets, listed without and with owners.
TCPDX=${TCPDX:-$TOP/tcpdx}
if [ "$KIND" = tcp ] && [ -x "$TCPDX" ]; then
	for ((r = 1; r <= RUNS; r++)); do
		/usr/bin/time -f "tcpdx list     run $r: %e s  (%M KiB)" "$TCPDX" list >"$tmp/tcpdx.out"
	done
	for ((r = 1; r <= RUNS; r++)); do
		/usr/bin/time -f "tcpdx list -p  run $r: %e s  (%M KiB)" "$TCPDX" list -p >"$tmp/tcpdx.out"
		echo "  ($(grep -c '/[0-9]' "$tmp/tcpdx.out") sockets with an owner)"
	done
fi

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh - tcpdx beside ss, netstat and the kernel's floor, on the same sockets.
#
#   make bench                          N = 10k and 100k
#   make bench BENCH_ARGS=--1m          also N = 1M (~4.5 GiB of kernel memory)
#   make bench-smoke                    N = 2k, 2 runs: what CI runs
#   bench/run.sh --help                 every option
#
# For each N, two sets of sockets, each in a network namespace of its own
# (created here, deleted at the end, also on failure or Ctrl-C): N ESTABLISHED
# (N/2 connected pairs on loopback, held by several processes because no
# process may open more than 20,000 files), then N TIME_WAIT. On each set,
# every command runs once to warm up, then RUNS times in turn (round-robin,
# so a disturbance hits them all alike), and the table gives the median wall
# time, the median user+sys time, the peak RSS, and the wall time as a ratio to
# `ss -tan` and to the floor: bench/bench.c's raw sock_diag loop that only
# counts states (one AF_INET and one AF_INET6 dump, no extensions).
#
# TIME_WAIT lives 60 s (TCP_TIMEWAIT_LEN): the runs on that set stop before
# the first sockets would expire, and the table says how many rounds fit.
# `ss -tanp` is quadratic in the sockets: a run past --ss-p-limit is killed,
# and the command is reported as skipped. On ESTABLISHED sets from 100k to
# below 1M, `tcpdx top -b -d 1` also runs for a minute: its share of one
# core. Timings are printed, never asserted: on a shared machine they are
# noise-prone.
#
# Needs root (network namespaces), ip and ss (iproute2), a C compiler, and
# netstat (net-tools: installed with apt-get when missing, unless
# --no-install). Only loopback addresses are used, inside the namespaces.
# Results: a text table and a CSV in --out (bench/results by default).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
SIZES=(10000 100000)
SMOKE=0
RUNS=5
ONLY=""
TCPDX=${TCPDX:-}
OUT=""
SS_P_LIMIT=60
TIMEOUT=120
INSTALL=1
TOP_SECONDS=60      # tcpdx top -b -d 1 on ESTABLISHED sets of 100k..999k
TW_LIFE=60          # TCP_TIMEWAIT_LEN
TW_MARGIN=3         # stop the TIME_WAIT runs this long before the first expire
PAIRS_PER_HOLDER=9000 # 18,000 fds: under the 20,000 open-files limit

usage() {
	sed -n '3,8p' "$0" | sed 's/^# \{0,1\}//'
	cat <<EOF

Options:
  --sizes LIST      socket counts, comma-separated (default: 10000,100000)
  --1m              add N = 1000000 (~4.5 GiB of kernel memory for ESTABLISHED)
  --smoke           N = 2000, 2 runs: checks that the benchmark works (CI)
  --runs R          timed runs of each command after the warm-up (default 5)
  --only est|tw     one set of sockets only
  --tcpdx PATH      the tcpdx to time (default: \$TCPDX, else ./tcpdx)
  --out DIR         where the .txt and .csv go (default: bench/results)
  --ss-p-limit S    kill ss -tanp after S seconds and report it skipped (60)
  --timeout S       the limit for any other command (120)
  --no-install      do not apt-get install net-tools when netstat is missing
  --top-seconds S   how long tcpdx top -b -d 1 runs on each ESTABLISHED set of
                    100000 <= N < 1000000 (default 60; 0: not at all)
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	--sizes) IFS=, read -r -a SIZES <<<"$2"; shift ;;
	--1m) SIZES+=(1000000) ;;
	--smoke) SIZES=(2000); RUNS=2; TOP_SECONDS=3; SMOKE=1 ;;
	--runs) RUNS=$2; shift ;;
	--only) ONLY=$2; shift ;;
	--tcpdx) TCPDX=$2; shift ;;
	--out) OUT=$2; shift ;;
	--ss-p-limit) SS_P_LIMIT=$2; shift ;;
	--timeout) TIMEOUT=$2; shift ;;
	--no-install) INSTALL=0 ;;
	--top-seconds) TOP_SECONDS=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
for n in "${SIZES[@]}"; do
	[[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 2 ] && [ "$n" -le 2000000 ] ||
		{ echo "run.sh: bad size '$n' (2..2000000)" >&2; exit 2; }
done
[[ $TOP_SECONDS =~ ^[0-9]+$ ]] && [ "$TOP_SECONDS" -le 600 ] ||
	{ echo "run.sh: bad --top-seconds '$TOP_SECONDS' (0..600)" >&2; exit 2; }
[[ $RUNS =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] && [ "$RUNS" -le 50 ] ||
	{ echo "run.sh: bad --runs '$RUNS' (1..50)" >&2; exit 2; }
case $ONLY in "" | est | tw) ;; *) echo "run.sh: --only est or tw" >&2; exit 2 ;; esac
[ -n "$TCPDX" ] || TCPDX=$PWD/tcpdx
[ -x "$TCPDX" ] || { echo "run.sh: no tcpdx at '$TCPDX' (build it, or --tcpdx PATH)" >&2; exit 2; }
TCPDX=$(cd "$(dirname "$TCPDX")" && pwd)/$(basename "$TCPDX")
[ "$(id -u)" -eq 0 ] || { echo "run.sh: needs root (network namespaces)" >&2; exit 2; }
for t in ip ss; do
	command -v $t >/dev/null || { echo "run.sh: needs $t (iproute2)" >&2; exit 2; }
done
if ! command -v netstat >/dev/null && [ "$INSTALL" = 1 ] && command -v apt-get >/dev/null; then
	echo "run.sh: installing net-tools for netstat"
	apt-get install -y -qq net-tools >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq net-tools >/dev/null 2>&1; } ||
		true
fi
HAVE_NETSTAT=0
command -v netstat >/dev/null && HAVE_NETSTAT=1
[ -n "$OUT" ] || OUT=$TOP/bench/results
mkdir -p "$OUT"

# ---- cleanup: only what this run started -----------------------------------
work=$(mktemp -d /tmp/tcpdx-bench.XXXXXX)
pids=()
namespaces=()
stop_holders() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
}
cleanup() {
	local ns
	stop_holders
	for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

CC=${CC:-cc}
$CC -std=c11 -O2 -Wall -o "$work/bench" "$TOP/bench/bench.c"
H=$work/bench

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---- the commands ------------------------------------------------------------
# label|command; ss -tanp is special (time limit, skipped past it).
commands() {
	echo "floor|$H floor"
	echo "tcpdx diagnose|$TCPDX diagnose -i 0"
	echo "tcpdx diagnose -p --by process|$TCPDX diagnose -i 0 -p --by process"
	echo "tcpdx list|$TCPDX list"
	echo "tcpdx -j|$TCPDX -j -i 0"
	echo "ss -tan|ss -tan"
	[ "$HAVE_NETSTAT" = 1 ] && echo "netstat -tan|netstat -tan"
	echo "ss -tanp|ss -tanp"
	echo "/proc walk (owners floor)|$H procwalk"
}

# run_one NS LIMIT OUTFILE CMD...: "wall user sys maxrss status"
run_one() {
	local ns=$1 limit=$2 outf=$3
	shift 3
	ip netns exec "$ns" "$H" run "$limit" "$outf" -- "$@"
}

# ---- one set of sockets --------------------------------------------------------
csv=$OUT/bench-$(date +%Y%m%d-%H%M%S).csv
txt=${csv%.csv}.txt
echo "set,n,counted,command,runs,wall_median_s,cpu_median_s,user_median_s,sys_median_s,peak_rss_kib,x_ss_tan,x_floor,note" >"$csv"
: >"$txt"
failures=0

say() { echo "$*" | tee -a "$txt"; }

# measure SET N NS TLIMIT: warm-up + rounds; TLIMIT is an absolute deadline
# (seconds since the epoch) for starting a round, or 0.
measure() {
	local set=$1 n=$2 ns=$3 deadline=$4
	local -a labels cmds
	local line label r i res wall rounds=0 t0 last=0 ssp_skip="" counted
	while IFS= read -r line; do
		labels+=("${line%%|*}")
		cmds+=("${line#*|}")
	done < <(commands)
	: >"$work/runs"
	for ((r = 0; r <= RUNS; r++)); do
		if [ "$r" -ge 2 ] && [ "$deadline" != 0 ] &&
			awk -v d="$deadline" -v n="$(now)" -v l="$last" 'BEGIN { exit !(n + l > d) }'; then
			break
		fi
		t0=$(now)
		for i in "${!labels[@]}"; do
			label=${labels[$i]}
			if [ "$label" = "ss -tanp" ]; then
				[ -z "$ssp_skip" ] || continue
				# shellcheck disable=SC2086
				res=$(run_one "$ns" "$SS_P_LIMIT" /dev/null ${cmds[$i]})
				if [ "${res##* }" = timeout ]; then
					ssp_skip="skipped: one run took over ${SS_P_LIMIT} s (quadratic in the sockets)"
					continue
				fi
			elif [ "$label" = floor ]; then
				# shellcheck disable=SC2086
				res=$(run_one "$ns" "$TIMEOUT" "$work/floor.out" ${cmds[$i]})
				counted=$(awk -v s="$([ "$set" = est ] && echo ESTABLISHED || echo TIME_WAIT)" \
					'$1 == s { print $2 }' "$work/floor.out")
				echo "$r counted ${counted:-0}" >>"$work/counts"
			else
				# shellcheck disable=SC2086
				res=$(run_one "$ns" "$TIMEOUT" /dev/null ${cmds[$i]})
			fi
			if [ "${res##* }" != 0 ]; then
				echo "run.sh: '$label' failed on $set N=$n: status ${res##* }" >&2
				failures=$((failures + 1))
			fi
			[ "$r" -eq 0 ] || echo "$i $res" >>"$work/runs"
		done
		last=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')
		[ "$r" -eq 0 ] || rounds=$r
	done
	report "$set" "$n" "$rounds" "$ssp_skip" labels
}

# report SET N ROUNDS SSP_NOTE LABELS_ARRAY_NAME
report() {
	local set=$1 n=$2 rounds=$3 ssp=$4
	local -n labs=$5
	local lo hi title
	lo=$(awk '$1 > 0 { print $3 }' "$work/counts" | sort -n | head -1)
	hi=$(awk '$1 > 0 { print $3 }' "$work/counts" | sort -n | tail -1)
	if [ "$set" = est ]; then title="ESTABLISHED"; else title="TIME_WAIT"; fi
	say ""
	say "== $title, N = $n: the floor counted ${lo:-?}$([ "$lo" != "$hi" ] && echo "..$hi") in that state; $rounds run(s) of each after a warm-up =="
	printf '%s\n' "${labs[@]}" >"$work/labels"
	awk -v set="$set" -v n="$n" -v counted="${lo:-0}" -v ssp="$ssp" -v csv="$csv" '
	function median(a, k,    i, j, t) {
		for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
		return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	}
	FILENAME == ARGV[1] { lab[FNR - 1] = $0; nl = FNR; next }
	{ c = $1; k = ++cnt[c]; W[c, k] = $2; U[c, k] = $3; S[c, k] = $4; C[c, k] = $3 + $4
	  if ($5 > R[c]) R[c] = $5 }
	END {
		for (c = 0; c < nl; c++) {
			if (!cnt[c]) continue
			for (k = 1; k <= cnt[c]; k++) { w[k] = W[c, k]; u[k] = U[c, k]; s[k] = S[c, k]; t[k] = C[c, k] }
			mw[c] = median(w, cnt[c]); mu[c] = median(u, cnt[c]); ms[c] = median(s, cnt[c]); mc[c] = median(t, cnt[c])
			if (lab[c] == "floor") fl = mw[c]
			if (lab[c] == "ss -tan") ss = mw[c]
		}
		printf "%-34s %5s %9s %9s %8s %9s %7s\n", "command", "runs", "wall s", "cpu s", "RSS MiB", "x ss -tan", "x floor"
		for (c = 0; c < nl; c++) {
			if (!cnt[c]) {
				note = lab[c] == "ss -tanp" ? ssp : "not run"
				printf "%-34s %s\n", lab[c], note
				printf "%s,%d,%d,%s,0,,,,,,,,%s\n", set, n, counted, lab[c], note >> csv
				continue
			}
			xs = ss > 0 ? mw[c] / ss : 0; xf = fl > 0 ? mw[c] / fl : 0
			printf "%-34s %5d %9.3f %9.3f %8.1f %9.2f %7.2f\n", lab[c], cnt[c], mw[c], mc[c], R[c] / 1024, xs, xf
			printf "%s,%d,%d,%s,%d,%.6f,%.6f,%.6f,%.6f,%d,%.3f,%.3f,\n", set, n, counted, lab[c], cnt[c], mw[c], mc[c], mu[c], ms[c], R[c], xs, xf >> csv
		}
	}' "$work/labels" "$work/runs" | tee -a "$txt"
	rm -f "$work/counts"
}

new_ns() {
	local ns=tcpdx-bench-$$-$1
	ip netns add "$ns"
	namespaces+=("$ns")
	ip netns exec "$ns" ip link set lo up
	echo "$ns"
}

del_ns() {
	local ns=$1 keep=() x
	ip netns del "$ns" 2>/dev/null || true
	for x in "${namespaces[@]}"; do [ "$x" = "$ns" ] || keep+=("$x"); done
	namespaces=("${keep[@]}")
}

# top_minute N NS: tcpdx top -b, one refresh a second for TOP_SECONDS, as a
# share of one core (the target: under 5 % at 100k sockets).
top_minute() {
	local n=$1 ns=$2 res wall cpu pct rss
	[ "$TOP_SECONDS" -gt 0 ] && { { [ "$n" -ge 100000 ] && [ "$n" -lt 1000000 ]; } || [ "$SMOKE" = 1 ]; } || return 0
	if ! ip netns exec "$ns" "$TCPDX" top -b -n 1 >/dev/null 2>&1; then
		say "tcpdx top -b: not available in this tcpdx, left out"
		return 0
	fi
	res=$(run_one "$ns" $((TOP_SECONDS + 60)) /dev/null "$TCPDX" top -b -d 1 -n "$TOP_SECONDS")
	if [ "${res##* }" != 0 ]; then
		echo "run.sh: 'tcpdx top -b' failed on est N=$n: status ${res##* }" >&2
		failures=$((failures + 1))
		return 0
	fi
	read -r wall cpu pct rss <<<"$(awk '{ printf "%.3f %.3f %.2f %d", $1, $2 + $3, 100 * ($2 + $3) / $1, $4 }' <<<"$res")"
	say "tcpdx top -b -d 1 -n $TOP_SECONDS: ${wall} s, cpu ${cpu} s: ${pct} % of one core, peak RSS $(awk -v r="$rss" 'BEGIN { printf "%.1f", r / 1024 }') MiB"
	echo "est,$n,$n,tcpdx top -b -d 1,1,$wall,$cpu,,,$rss,,,cpu_percent=$pct" >>"$csv"
}

set_established() {
	local n=$1 ns pairs holders per extra i p t0 ready deadline
	ns=$(new_ns "est-$n")
	pairs=$((n / 2))
	holders=$(((pairs + PAIRS_PER_HOLDER - 1) / PAIRS_PER_HOLDER))
	per=$((pairs / holders))
	extra=$((pairs % holders))
	t0=$(now)
	rm -f "$work"/ready.*
	for ((i = 0; i < holders; i++)); do
		p=$((per + (i < extra ? 1 : 0)))
		# A holder lives at most an hour, whatever happens to this script.
		ip netns exec "$ns" "$H" hold "$i" "$p" 3600 >"$work/ready.$i" &
		pids+=($!)
	done
	deadline=$((SECONDS + 60 + n / 5000))
	while :; do
		ready=$(cat "$work"/ready.* 2>/dev/null | grep -c '^ready' || true)
		[ "$ready" -ge "$holders" ] && break
		for p in "${pids[@]}"; do
			kill -0 "$p" 2>/dev/null || { echo "run.sh: a holder died while connecting" >&2; return 1; }
		done
		[ "$SECONDS" -lt "$deadline" ] || { echo "run.sh: holders not ready in time" >&2; return 1; }
		sleep 0.2
	done
	say ""
	say "# N = $n ESTABLISHED: $pairs pairs in $holders processes, built in $(elapsed "$t0") s"
	measure est "$n" "$ns" 0
	top_minute "$n" "$ns"
	stop_holders
	del_ns "$ns"
}

set_timewait() {
	local n=$1 ns makers i c t0 deadline mpids=()
	ns=$(new_ns "tw-$n")
	# Per namespace: room for all of them, and no reuse of a TIME_WAIT tuple.
	ip netns exec "$ns" sysctl -qw net.ipv4.tcp_max_tw_buckets=$((n + n / 10 + 1000)) \
		net.ipv4.tcp_tw_reuse=0
	makers=$(nproc)
	[ "$makers" -le 8 ] || makers=8
	[ "$n" -ge 20000 ] || makers=1
	t0=$(now)
	for ((i = 0; i < makers; i++)); do
		c=$((n / makers + (i < n % makers ? 1 : 0)))
		ip netns exec "$ns" timeout 300 "$H" timewait "$i" "$c" >/dev/null &
		mpids+=($!)
		pids+=($!)
	done
	for i in "${mpids[@]}"; do
		wait "$i" || { echo "run.sh: making TIME_WAIT sockets failed" >&2; return 1; }
	done
	pids=()
	# The first ones expire TW_LIFE s after they were made: start no round
	# that could run past that.
	deadline=$(awk -v a="$t0" -v l="$TW_LIFE" -v m="$TW_MARGIN" 'BEGIN { printf "%.3f", a + l - m }')
	say ""
	say "# N = $n TIME_WAIT: made by $makers processes in $(elapsed "$t0") s; they live ${TW_LIFE} s, so the runs stop by then"
	measure tw "$n" "$ns" "$deadline"
	del_ns "$ns"
	# The namespace's sockets are freed in the background: let that finish.
	sleep $((1 + n / 200000))
}

{
	echo "tcpdx benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -r), $(nproc) CPUs"
	echo "tcpdx: $TCPDX ($("$TCPDX" --version 2>/dev/null | head -1))"
	echo "ss: $(ss -V 2>/dev/null | head -1)"
	[ "$HAVE_NETSTAT" = 1 ] && echo "netstat: $(netstat --version 2>/dev/null | head -1)" ||
		echo "netstat: not installed (net-tools), left out"
	echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$txt"

for n in "${SIZES[@]}"; do
	[ "$ONLY" = tw ] || set_established "$n"
	[ "$ONLY" = est ] || set_timewait "$n"
done

# ---- the targets (printed, not asserted) --------------------------------------
targets() {
	awk -F, '
	NR == 1 { next }
	{ k = $1 SUBSEP $2; W[k, $4] = $6; X[k, $4] = $12; S[k, $4] = $11; M[k, $4] = $10; N[k, $4] = $13; sets[k] = 1 }
	function st(ok) { return ok ? "holds" : "MISSED" }
	END {
		for (k in sets) {
			split(k, a, SUBSEP); set = a[1]; n = a[2]
			tag = sprintf("%d %d %-21s", n, set == "tw", sprintf("%s N=%d", set == "est" ? "ESTABLISHED" : "TIME_WAIT", n))
			d = "tcpdx diagnose"
			if (n >= 100000 && W[k, d] != "") {
				printf "%s diagnose <= 1.3x floor: %.2fx  %s\n", tag, X[k, d], st(X[k, d] <= 1.3)
				printf "%s diagnose <= 0.5x ss -tan: %.2fx  %s\n", tag, S[k, d], st(S[k, d] <= 0.5)
			}
			if (W[k, "tcpdx list"] != "")
				printf "%s list <= 0.8x ss -tan: %.2fx  %s\n", tag, S[k, "tcpdx list"], st(S[k, "tcpdx list"] <= 0.8)
			p = "tcpdx diagnose -p --by process"
			if (n >= 1000000 && W[k, p] != "")
				printf "%s diagnose -p <= 3x floor: %.2fx  %s (the /proc walk alone: %.2fx)\n", tag, X[k, p], st(X[k, p] <= 3), X[k, "/proc walk (owners floor)"]
			t = "tcpdx top -b -d 1"
			if (W[k, t] != "") {
				split(N[k, t], q, "=")
				printf "%s top -b -d 1 < 5%% of one core: %.2f %%  %s\n", tag, q[2], (n >= 100000 ? st(q[2] < 5) : "(target at 100k)")
			}
			if (W[k, d] != "")
				printf "%s diagnose peak RSS: %.1f MiB%s\n", tag, M[k, d] / 1024, (n >= 1000000 ? sprintf("  %s (< 8 MiB)", st(M[k, d] < 8192)) : "")
		}
	}' "$csv" | sort -s -n -k1,1 -k2,2 | cut -d' ' -f3- | tee -a "$txt"
}
say ""
say "== targets (ratios of median wall times in this run; not asserted) =="
targets
say ""
say "written: $txt"
say "         $csv"
if [ "$failures" -gt 0 ]; then
	echo "run.sh: $failures command run(s) failed" >&2
	exit 1
fi

# Shared helpers for the bats tests that build real sockets (states.bats,
# record.bats). Each test gets its own network namespace holding only lo; the
# tests/tcpstate helper builds the sockets in it, tcpdx and ss count them.
#
# Environment:
#   TCPDX       the tcpdx binary      (default: $BATS_TEST_DIRNAME/../../tcpdx)
#   TCPSTATE    the tcpstate helper   (default: $BATS_TEST_DIRNAME/../tcpstate)
#   TCPDX_WRAP  command prefix for tcpdx, e.g. "valgrind -q --error-exitcode=99"
#               (empty by default; split on spaces)
#
# Loaded with `load helpers`, i.e. sourced inside a function: globals that are
# declared explicitly use declare -g.

TCPDX=${TCPDX:-$BATS_TEST_DIRNAME/../../tcpdx}
TCPSTATE=${TCPSTATE:-$BATS_TEST_DIRNAME/../tcpstate}
TCPDX_WRAP=${TCPDX_WRAP:-}

NS=""                # this test's namespace, set once `ip netns add` succeeded
TCPSTATE_PIDS=()     # tcpstate processes started by start_state
JSON=""              # last `tcpdx -j` output (snapshot)
TEXT=""              # last `tcpdx` text output (snapshot)

# tcpdx's JSON keys in kernel state order, and their names in ss 6.1 and in
# tcpdx's text table.
STATE_KEYS=(established syn_sent syn_recv fin_wait1 fin_wait2 time_wait close
	close_wait last_ack listen closing)
declare -gA SS_NAME=(
	[established]=established [syn_sent]=syn-sent [syn_recv]=syn-recv
	[fin_wait1]=fin-wait-1 [fin_wait2]=fin-wait-2 [time_wait]=time-wait
	[close]=closed [close_wait]=close-wait [last_ack]=last-ack
	[listen]=listening [closing]=closing
)
declare -gA TEXT_NAME=(
	[established]=ESTABLISHED [syn_sent]=SYN-SENT [syn_recv]=SYN-RECV
	[fin_wait1]=FIN-WAIT-1 [fin_wait2]=FIN-WAIT-2 [time_wait]=TIME-WAIT
	[close]=CLOSE [close_wait]=CLOSE-WAIT [last_ack]=LAST-ACK
	[listen]=LISTEN [closing]=CLOSING
)

fail() {
	printf '%s\n' "$@" >&2
	return 1
}

# ---- namespace and tcpstate lifecycle ---------------------------------------

require_root() {
	if [[ $EUID -ne 0 ]]; then
		skip "needs root: creates a network namespace (ip netns) and nft rules"
	fi
}

require_tools() {
	local t
	for t in ip ss jq; do
		command -v "$t" >/dev/null || fail "$t not found in PATH; these tests need it" || return
	done
	[[ -x $TCPDX ]] || fail "tcpdx binary not found at TCPDX=$TCPDX (build it first)" || return
	[[ -x $TCPSTATE ]] || fail "tcpstate helper not found at TCPSTATE=$TCPSTATE (make check builds it)"
}

# setup_netns: skip unless root; create this test's namespace with lo up.
setup_netns() {
	require_root
	require_tools || return
	local name="tcpdx-t-$$-$BATS_TEST_NUMBER"
	ip netns add "$name" || fail "ip netns add $name failed" || return
	NS=$name
	ip -n "$NS" link set lo up || fail "cannot bring lo up in $NS"
}

# _gone PID: the process has exited (it may still be an unreaped zombie).
_gone() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	[[ ${stat%% *} == Z ]]
}

# start_state RECIPE-ARGS...: run tcpstate ARGS in the namespace in the
# background and wait (at most 10 s) for its "ready" line.
start_state() {
	local i=${#TCPSTATE_PIDS[@]}
	local out="$BATS_TEST_TMPDIR/tcpstate.$i.out" err="$BATS_TEST_TMPDIR/tcpstate.$i.err"
	local pid rc n

	# 3>&-: bats waits for fd 3 to close, so the background job must not hold it.
	ip netns exec "$NS" "$TCPSTATE" "$@" >"$out" 2>"$err" 3>&- &
	pid=$!
	TCPSTATE_PIDS+=("$pid")
	for ((n = 0; n < 200; n++)); do
		grep -qx ready "$out" 2>/dev/null && return 0
		if _gone "$pid"; then
			rc=0
			wait "$pid" || rc=$?
			unset 'TCPSTATE_PIDS[-1]'
			fail "tcpstate $* exited with status $rc before 'ready'; its stderr:" "$(cat "$err")"
			return
		fi
		sleep 0.05
	done
	fail "tcpstate $* printed no 'ready' within 10 s; its stderr:" "$(cat "$err")"
}

# teardown_netns: stop the tcpstate processes we started (by PID), then delete
# the namespace. Safe after a setup that failed halfway, and idempotent. Fails
# if a tcpstate did not exit 0 on SIGTERM.
teardown_netns() {
	local pid rc n status=0

	for pid in "${TCPSTATE_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${TCPSTATE_PIDS[@]}"; do
		for ((n = 0; n < 100; n++)); do
			_gone "$pid" && break
			sleep 0.05
		done
		if ! _gone "$pid"; then
			echo "tcpstate (pid $pid) ignored SIGTERM for 5 s; sending SIGKILL" >&2
			kill -KILL "$pid" 2>/dev/null || true
			status=1
		fi
		rc=0
		wait "$pid" 2>/dev/null || rc=$?
		if ((rc != 0 && status == 0)); then
			echo "tcpstate (pid $pid) exited with status $rc on SIGTERM, want 0" >&2
			status=1
		fi
	done
	TCPSTATE_PIDS=()
	if [[ -n $NS ]]; then
		ip netns del "$NS" || status=1
		NS=""
	fi
	return $status
}

# ---- running things in the namespace ----------------------------------------

in_ns() {
	ip netns exec "$NS" "$@"
}

tcpdx_ns() {
	# TCPDX_WRAP is a command prefix: split it into words on purpose.
	# shellcheck disable=SC2086
	ip netns exec "$NS" $TCPDX_WRAP "$TCPDX" "$@"
}

# ss_count STATE [-4|-6]: how many sockets ss sees in STATE (ss 6.1 names).
ss_count() {
	local state=$1
	shift
	ip netns exec "$NS" ss -H -t -a -n "$@" state "$state" | wc -l
}

# ---- tcpdx output -----------------------------------------------------------

# snapshot [TCPDX ARGS...]: run `tcpdx -j ARGS` and `tcpdx ARGS` in the namespace
# once each; keep the output in $JSON and $TEXT.
snapshot() {
	local rc=0
	JSON=$(tcpdx_ns -j "$@") || rc=$?
	((rc == 0)) || fail "tcpdx -j${*:+ $*} exited with status $rc; stdout: $JSON" || return
	jq -e . >/dev/null <<<"$JSON" || fail "tcpdx -j${*:+ $*} printed invalid JSON:" "$JSON" || return
	TEXT=$(tcpdx_ns "$@") || rc=$?
	((rc == 0)) || fail "tcpdx${*:+ $*} exited with status $rc; stdout: $TEXT"
}

# jv EXPR: jq -c EXPR applied to $JSON (strings come out quoted, null as null).
jv() {
	jq -c "$1" <<<"$JSON"
}

# jv_all EXPR...: one jq run; sets the array JV to each expression's value on
# $JSON (compact; several outputs joined by spaces, an error as "error").
jv_all() {
	local prog="" e
	for e in "$@"; do
		prog+="${prog:+, }(try ([($e)] | map(tojson) | join(\" \")) catch \"error\")"
	done
	mapfile -t JV < <(jq -r "$prog" <<<"$JSON")
	((${#JV[@]} == $#)) || fail "jq could not evaluate: $*" "on:" "$JSON"
}

# text_total NAME: the TOTAL column of the row NAME (e.g. FIN-WAIT-2) in $TEXT.
text_total() {
	awk -v s="$1" '
		$1 == "STATE" && !col { for (i = 1; i <= NF; i++) if ($i == "TOTAL") col = i; next }
		col && $1 == s { print $col; exit }' <<<"$TEXT"
}

dump_outputs() {
	printf '%s\n' "--- tcpdx -j:" "$JSON" "--- tcpdx:" "$TEXT" >&2
}

# report [ERROR...]: succeed if there are no errors, else print them and the
# last tcpdx outputs and fail. (Not `fail; dump_outputs`: bats runs with set -e.)
report() {
	(($# == 0)) && return 0
	printf '%s\n' "$@" >&2
	dump_outputs
	return 1
}

# expect_json EXPR WANT [EXPR WANT]...: each jq expression on $JSON gives WANT
# (compared as compact JSON: numbers, true, null, "string", [1,2]).
expect_json() {
	local exprs=() wants=() errs=() i
	while (($# >= 2)); do
		exprs+=("$1")
		wants+=("$2")
		shift 2
	done
	jv_all "${exprs[@]}" || return
	for i in "${!exprs[@]}"; do
		[[ ${JV[i]} == "${wants[i]}" ]] ||
			errs+=("tcpdx -j: ${exprs[i]}: expected ${wants[i]}, got ${JV[i]}")
	done
	report "${errs[@]}"
}

# expect_counts FAMILY KEY=N...: with the default state set (everything but
# close), every state is counted exactly: the listed ones N, all others 0. For
# each state this checks .states.KEY, .FAMILY.KEY (and 0 in the other family),
# the text table's TOTAL column, and ss in the same namespace (overall and for
# FAMILY). Also .total, and that close was not queried (null, "-").
expect_counts() {
	local fam=$1 other=ipv6 ssfam=-4
	shift
	if [[ $fam == ipv6 ]]; then
		other=ipv4
		ssfam=-6
	fi
	local -A want=()
	local kv key n i sum=0 ss ssf errs=() keys=() exprs=()
	for kv in "$@"; do
		key=${kv%%=*}
		[[ -n ${SS_NAME[$key]:-} ]] || fail "expect_counts: unknown state key $key" || return
		want[$key]=${kv#*=}
	done
	for key in "${STATE_KEYS[@]}"; do
		[[ $key == close ]] || keys+=("$key")
	done
	for key in "${keys[@]}"; do
		exprs+=(".states.$key" ".$fam.$key" ".$other.$key")
	done
	jv_all "${exprs[@]}" .total .states.close .source .dump.malformed || return
	i=0
	for key in "${keys[@]}"; do
		n=${want[$key]:-0}
		sum=$((sum + n))
		ss=$(ss_count "${SS_NAME[$key]}")
		ssf=$(ss_count "${SS_NAME[$key]}" "$ssfam")
		[[ $ss == "$n" ]] || errs+=("ss state ${SS_NAME[$key]}: expected $n, got $ss")
		[[ $ssf == "$n" ]] || errs+=("ss $ssfam state ${SS_NAME[$key]}: expected $n, got $ssf")
		[[ ${JV[i]} == "$n" ]] ||
			errs+=("tcpdx -j .states.$key: expected $n, got ${JV[i]} (ss: $ss)")
		[[ ${JV[i + 1]} == "$n" ]] ||
			errs+=("tcpdx -j .$fam.$key: expected $n, got ${JV[i + 1]} (ss $ssfam: $ssf)")
		[[ ${JV[i + 2]} == 0 ]] || errs+=("tcpdx -j .$other.$key: expected 0, got ${JV[i + 2]}")
		kv=$(text_total "${TEXT_NAME[$key]}")
		[[ $kv == "$n" ]] ||
			errs+=("tcpdx text, row ${TEXT_NAME[$key]}, TOTAL: expected $n, got '$kv' (ss: $ss)")
		i=$((i + 3))
	done
	[[ ${JV[i]} == "$sum" ]] || errs+=("tcpdx -j .total: expected $sum, got ${JV[i]}")
	[[ ${JV[i + 1]} == null ]] ||
		errs+=("tcpdx -j .states.close: expected null (not queried by default), got ${JV[i + 1]}")
	[[ ${JV[i + 2]} == '"kernel"' ]] || errs+=("tcpdx -j .source: expected \"kernel\", got ${JV[i + 2]}")
	[[ ${JV[i + 3]} == 0 ]] || errs+=("tcpdx -j .dump.malformed: expected 0, got ${JV[i + 3]}")
	kv=$(text_total CLOSE)
	[[ $kv == - ]] || errs+=("tcpdx text, row CLOSE, TOTAL: expected '-' (not queried), got '$kv'")
	report "${errs[@]}"
}

# expect_only STATEARG KEY N: `tcpdx --state STATEARG` (JSON and text) shows N
# for KEY and null / "-" for every other state; .total is N.
expect_only() {
	local arg=$1 only=$2 n=$3 key i got want exprs=() errs=()
	snapshot --state "$arg" || return
	for key in "${STATE_KEYS[@]}"; do
		exprs+=(".states.$key")
	done
	jv_all "${exprs[@]}" .total || return
	i=0
	for key in "${STATE_KEYS[@]}"; do
		if [[ $key == "$only" ]]; then want=$n; else want=null; fi
		[[ ${JV[i]} == "$want" ]] ||
			errs+=("tcpdx -j --state $arg: .states.$key: expected $want, got ${JV[i]}")
		[[ $want == null ]] && want=-
		got=$(text_total "${TEXT_NAME[$key]}")
		[[ $got == "$want" ]] ||
			errs+=("tcpdx --state $arg, row ${TEXT_NAME[$key]}, TOTAL: expected '$want', got '$got'")
		i=$((i + 1))
	done
	[[ ${JV[i]} == "$n" ]] || errs+=("tcpdx -j --state $arg: .total: expected $n, got ${JV[i]}")
	report "${errs[@]}"
}

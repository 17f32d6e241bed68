#!/usr/bin/env bats
# The diagnosis end to end: tests/tcpstate builds a real pile-up on loopback in
# a fresh network namespace (one per test, deleted in teardown); tcpdx must
# judge it as the kernel facts say (tcp-diagnosis-reference.md, sections 3
# and 5): the finding, its severity, the side it blames, its evidence, the
# `tcpdx check` line and exit code, and `tcpdx explain` from the namespace's
# own settings. Needs root (skipped otherwise). Counter rates are not needed
# except where a test says so: -i 0 keeps the runs fast.

bats_require_minimum_version 1.5.0

setup() {
	load helpers
	setup_netns
}

teardown() {
	teardown_netns
}

CHECK=""        # last `tcpdx check` stdout
CHECK_RC=0      # and its exit status

# ---- helpers ------------------------------------------------------------------

# f ID: a jq expression for the finding ID in $JSON (empty when absent).
f() {
	printf 'first(.findings[] | select(.id == "%s"))' "$1"
}

# run_check ARGS...: `tcpdx check ARGS` in the namespace; $CHECK, $CHECK_RC.
run_check() {
	CHECK_RC=0
	CHECK=$(tcpdx_ns check "$@") || CHECK_RC=$?
}

# expect_check RC STATUS [SUBSTRING...]: the last check exited RC and printed
# exactly one line "TCPDX STATUS - ... | perfdata" containing each SUBSTRING.
expect_check() {
	local rc=$1 status=$2 s errs=()
	shift 2
	((CHECK_RC == rc)) || errs+=("tcpdx check: exit status: expected $rc ($status), got $CHECK_RC")
	[[ $CHECK == "TCPDX $status - "* ]] ||
		errs+=("tcpdx check: expected a line starting 'TCPDX $status - ', got: $CHECK")
	[[ $(wc -l <<<"$CHECK") == 1 ]] || errs+=("tcpdx check: expected one line, got: $CHECK")
	[[ $CHECK == *" | "*=* ]] || errs+=("tcpdx check: no perfdata after ' | ': $CHECK")
	for s in "$@"; do
		[[ $CHECK == *"$s"* ]] || errs+=("tcpdx check: expected '$s' in: $CHECK")
	done
	report "${errs[@]}"
}

# findings_flat: the text FINDINGS section of $TEXT with line wrapping undone
# (every run of spaces and newlines becomes one space).
findings_flat() {
	sed -n '/^FINDINGS$/,$p' <<<"$TEXT" | tr -s ' \n' '  '
}

# expect_text_line REGEX: some line of $TEXT matches the extended REGEX.
expect_text_line() {
	grep -Eq -- "$1" <<<"$TEXT" || report "tcpdx text: expected a line matching /$1/"
}

# expect_findings_text SUBSTRING...: the unwrapped FINDINGS section has each.
expect_findings_text() {
	local flat s errs=()
	flat=$(findings_flat)
	for s in "$@"; do
		[[ $flat == *"$s"* ]] || errs+=("tcpdx text FINDINGS: expected '$s' (line wrapping ignored)")
	done
	report "${errs[@]}"
}

# syn_give_up RETRIES LINEAR RTO_MAX_MS: when connect() gives up, in whole
# seconds, from the kernel facts (reference section 3, tcp_syn_retries): the
# retransmit timer starts at TCP_TIMEOUT_INIT (1 s); the first LINEAR timeouts
# keep it, later ones double it up to rto_max. At each expiry
# tcp_write_timeout gives up if RETRIES + LINEAR SYNs were resent already, or
# if the time since the first SYN reached tcp_model_timeout(RETRIES), i.e.
# (2^(RETRIES+1) - 1) s while 2^RETRIES s stays within rto_max, plus rto_max
# for each retry beyond.
syn_give_up() {
	local n=$1 linear=$2 rto_max=$3 doublings=0 model t=0 rto=1000 resent=0
	while (((2000 << doublings) <= rto_max)); do
		doublings=$((doublings + 1))
	done
	if ((n <= doublings)); then
		model=$((((2 << n) - 1) * 1000))
	else
		model=$((((2 << doublings) - 1) * 1000 + (n - doublings) * rto_max))
	fi
	while :; do
		t=$((t + rto))                       # the timer expires
		if ((resent >= n + linear || t >= model)); then
			echo $((t / 1000))
			return
		fi
		resent=$((resent + 1))               # resend the SYN
		if ((resent > linear)); then
			rto=$((2 * rto > rto_max ? rto_max : 2 * rto))
		fi
	done
}

# ns_sysctl NAME: a sysctl's value inside the namespace.
ns_sysctl() {
	in_ns sysctl -n "$1"
}

# wait_syn_resent N: wait (at most 5 s) until N SYN-SENT sockets have resent
# their SYN at least once (ss: timer:(on,EXPIRES,RETRANSMITS)).
wait_syn_resent() {
	local want=$1 n got=0
	for ((n = 0; n < 50; n++)); do
		got=$(in_ns ss -H -t -n -o state syn-sent | grep -Ec 'timer:\(on,[^,]*,[1-9][0-9]*\)') || true
		((got >= want)) && return 0
		sleep 0.1
	done
	fail "after 5 s, $got of $want SYN-SENT sockets had resent their SYN; ss:" \
		"$(in_ns ss -t -n -o -a)"
}

# ---- close-wait -------------------------------------------------------------------

@test "close-wait: 20 sockets the local application never closed" {
	start_state -n 20 -p 47010 close-wait
	[[ $(ss_count close-wait) == 20 ]] || fail "ss: expected 20 CLOSE-WAIT, got $(ss_count close-wait)"
	snapshot -i 0
	local cw
	cw=$(f close-wait)
	expect_json "$cw | .severity" '"warning"' \
		"$cw | .summary | startswith(\"20 sockets in CLOSE-WAIT\")" true \
		"$cw | .summary | contains(\"the local application never called close()\")" true \
		"$cw | .evidence.count" 20 \
		"$cw | [.evidence.local_ports[].name] | index(\"47010\") != null" true \
		"$cw | .evidence.local_ports[] | select(.name == \"47010\") | .count" 20 \
		"$cw | .evidence.peers" '[{"name":"127.0.0.1","count":20}]' \
		.severity '"warning"'
	expect_text_line '^WARNING  close-wait: '
	expect_findings_text "WARNING close-wait: 20 sockets in CLOSE-WAIT: the local application never called close()"
	run_check -i 0
	expect_check 1 WARNING "close-wait: " "the local application never called close()" \
		" close_wait=20" " fin_wait2=20"
}

@test "close-wait: --threshold moves its severity; check follows the other findings" {
	start_state -n 20 -p 47010 close-wait
	# close-wait.warning=50: 20 < 50 makes close-wait info (by_count: any is
	# info). The other findings: fin-wait-2, 20 minisocks < its warning 50:
	# info; no TIME-WAIT, no full queue, no ephemeral range near use, and
	# orphans and tcp-memory have no global limits in a child namespace;
	# -i 0: no rates, so no aborts. Worst: info, so check says OK (exit 0).
	snapshot -i 0 -t close-wait.warning=50
	local cw fw
	cw=$(f close-wait)
	fw=$(f fin-wait-2)
	expect_json "$cw | .severity" '"info"' "$cw | .evidence.count" 20 \
		"$fw | .severity" '"info"' \
		'[.findings[] | select(.severity == "warning" or .severity == "critical") | .id]' '[]' \
		.severity '"info"'
	expect_text_line '^INFO     close-wait: '
	expect_findings_text "No problems found"
	run_check -i 0 --threshold close-wait.warning=50
	expect_check 0 OK "no problems found" " close_wait=20"
	# Now fin-wait-2 warns at 20: the status is fin-wait-2's alone.
	run_check -i 0 --threshold close-wait.warning=50 -t fin-wait-2.warning=20
	expect_check 1 WARNING "fin-wait-2: 20 sockets in FIN-WAIT-2: the remote side never closed"
	[[ $CHECK != *close-wait:* && $CHECK != *"+1 more"* ]] ||
		report "tcpdx check: close-wait is info and must not be named: $CHECK"
	# The thresholds are inclusive: critical=20 with 20 sockets is critical.
	snapshot -i 0 -t close-wait.critical=20
	expect_json "$(f close-wait) | .severity" '"critical"' .severity '"critical"' \
		'.findings[0].id' '"close-wait"'
	run_check -i 0 -t close-wait.critical=20
	expect_check 2 CRITICAL "close-wait: 20 sockets in CLOSE-WAIT"
}

# ---- fin-wait-2 -------------------------------------------------------------------

@test "fin-wait-2: 60 orphaned minisocks, the remote side never closed" {
	# A value other than the host's default, so it must come from the namespace.
	in_ns sysctl -q -w net.ipv4.tcp_fin_timeout=45
	local fin
	fin=$(ns_sysctl net.ipv4.tcp_fin_timeout)
	[[ $fin == 45 ]] || fail "tcp_fin_timeout in $NS: expected 45, got '$fin'"
	start_state -n 60 -p 47020 fin-wait-2
	snapshot -i 0
	local fw
	fw=$(f fin-wait-2)
	expect_json "$fw | .severity" '"warning"' \
		"$fw | .summary" '"60 sockets in FIN-WAIT-2: the remote side never closed"' \
		"$fw | .reason | contains(\"other tools show them as TIME-WAIT\")" true \
		"$fw | .reason | contains(\"sockstat\")" true \
		"$fw | .reason | contains(\"for $fin s\")" true \
		"$fw | .evidence.count" 60 \
		"$fw | .evidence.orphaned_minisocks" 60 \
		"$fw | .evidence.half_closed" 0 \
		"$fw | .evidence.tcp_fin_timeout" "$fin" \
		"$fw | .evidence.peers" '[{"name":"127.0.0.1","count":60}]' \
		"$(f close-wait) | .severity" '"warning"' \
		.severity '"warning"'
	expect_text_line '^WARNING  fin-wait-2: '
	expect_findings_text "fin-wait-2: 60 sockets in FIN-WAIT-2: the remote side never closed" \
		"net.ipv4.tcp_fin_timeout: $fin"
	run_check -i 0
	# Both warn; close-wait comes first in the rule table.
	expect_check 1 WARNING "close-wait: " "(+1 more)" " fin_wait2=60"

	# Only FIN-WAIT-2 queried: only fin-wait-2 judged, CLOSE-WAIT not counted.
	snapshot -i 0 --state fin-wait-2
	expect_json '[.findings[].id]' '["fin-wait-2"]' \
		"$(f fin-wait-2) | .severity" '"warning"' \
		"$(f fin-wait-2) | .evidence.orphaned_minisocks" 60 \
		.states.close_wait null \
		.severity '"warning"'
	[[ $TEXT != *close-wait:* ]] || report "tcpdx --state fin-wait-2: text names close-wait"
	run_check -i 0 --state fin-wait-2
	expect_check 1 WARNING "fin-wait-2: 60 sockets in FIN-WAIT-2: the remote side never closed" \
		" fin_wait2=60"
	[[ $CHECK != *close-wait* && $CHECK != *close_wait* && $CHECK != *"more)"* ]] ||
		report "tcpdx check --state fin-wait-2: expected neither close-wait nor more findings: $CHECK"
}

# ---- syn-sent ---------------------------------------------------------------------

@test "syn-sent: unanswered SYNs, give-up time from the namespace's settings" {
	local host_retries retries linear rto_max want
	host_retries=$(sysctl -n net.ipv4.tcp_syn_retries)
	start_state -n 4 -p 47123 syn-sent
	wait_syn_resent 4
	retries=$(ns_sysctl net.ipv4.tcp_syn_retries)
	linear=$(ns_sysctl net.ipv4.tcp_syn_linear_timeouts 2>/dev/null) || linear=0
	rto_max=$(ns_sysctl net.ipv4.tcp_rto_max_ms 2>/dev/null) || rto_max=120000
	want=$(syn_give_up "$retries" "$linear" "$rto_max")
	# The kernel's defaults, 6 and 4 (6.5+), give 131 s.
	if [[ $retries == 6 && $linear == 4 && $rto_max == 120000 ]]; then
		[[ $want == 131 ]] || fail "syn_give_up 6 4 120000: expected 131, got $want"
	fi
	snapshot -i 0
	local sn
	sn=$(f syn-sent)
	expect_json "$sn | .severity" '"warning"' \
		"$sn | .summary | startswith(\"4 connection attempts in SYN-SENT get no answer\")" true \
		"$sn | .evidence.count" 4 \
		"$sn | .evidence.stalled" 4 \
		"$sn | .evidence.give_up_after" "$want" \
		"$sn | .evidence.tcp_syn_retries" "$retries" \
		"$sn | .evidence.retries | test(\"^[1-9][0-9]* of $((retries + linear)) \\\\(tcp_syn_retries $retries \\\\+ tcp_syn_linear_timeouts $linear\\\\)$\")" true \
		"$sn | .evidence.destinations" '[{"name":"127.0.0.1:47123","count":4}]' \
		.severity '"warning"'
	if [[ $retries == 6 && $linear == 4 && $rto_max == 120000 ]]; then
		expect_json "$sn | .evidence.give_up_after" 131
	fi
	expect_text_line '^WARNING  syn-sent: '
	run_check -i 0
	expect_check 1 WARNING "syn-sent: 4 connection attempts in SYN-SENT" " syn_sent=4"

	# tcp_syn_retries=2 (linear still 4): the count limit would be 6 resends,
	# at 6 s; the time limit, tcp_model_timeout(2) = 7 s, ends it first at
	# the expiry due at 7 s (resends at 1,2,3,4,5 s, RTO 2 s after the
	# fifth). These sockets are aborted at 7 s: check them before that.
	in_ns sysctl -q -w net.ipv4.tcp_syn_retries=2
	want=$(syn_give_up 2 "$linear" "$rto_max")
	if [[ $linear == 4 && $rto_max == 120000 ]]; then
		[[ $want == 7 ]] || fail "syn_give_up 2 4 120000: expected 7, got $want"
	fi
	snapshot -i 0
	expect_json "$sn | .severity" '"warning"' \
		"$sn | .evidence.give_up_after" "$want" \
		"$sn | .evidence.tcp_syn_retries" 2 \
		"$sn | .evidence.retries | test(\" of $((2 + linear)) \\\\(tcp_syn_retries 2 \")" true \
		"$sn | .advice | contains(\"faster than $want s\")" true \
		"$sn | .evidence.destinations" '[{"name":"127.0.0.1:47123","count":4}]'
	if [[ $linear == 4 && $rto_max == 120000 ]]; then
		expect_json "$sn | .evidence.give_up_after" 7
	fi
	[[ $(sysctl -n net.ipv4.tcp_syn_retries) == "$host_retries" ]] ||
		fail "the host's tcp_syn_retries changed: was $host_retries, now $(sysctl -n net.ipv4.tcp_syn_retries)"
}

# ---- listen-overflow --------------------------------------------------------------

@test "listen-overflow: a full accept queue is critical" {
	start_state acceptq-full
	snapshot -i 0
	local lo
	lo=$(f listen-overflow)
	expect_json "$lo | .severity" '"critical"' \
		"$lo | .summary" '"1 listener with a full accept queue: the application does not accept() fast enough"' \
		"$lo | .evidence.listeners" '[{"name":"127.0.0.1:47000 backlog 2","count":3}]' \
		"$lo | .evidence.somaxconn" "$(ns_sysctl net.core.somaxconn)" \
		.severity '"critical"' \
		'.findings[0].id' '"listen-overflow"'
	expect_text_line '^CRITICAL listen-overflow: '
	expect_findings_text "fullest listeners (accept queue): 127.0.0.1:47000 backlog 2 (3)"
	run_check -i 0
	expect_check 2 CRITICAL "listen-overflow: 1 listener with a full accept queue" " listen=1"

	# Sampled over 1 s: the dropped SYNs may show as a ListenOverflows rate
	# (the clients resend them, so usually they do); not required.
	snapshot -i 1
	expect_json "$lo | .severity" '"critical"' \
		"$lo | .evidence.listeners" '[{"name":"127.0.0.1:47000 backlog 2","count":3}]' \
		"$lo | .evidence.listen_overflows_rate // 0 | type == \"number\" and . >= 0" true \
		"$lo | .evidence.listen_drops_rate // 0 | type == \"number\" and . >= 0" true \
		.severity '"critical"'
	run_check -i 1
	expect_check 2 CRITICAL "listen-overflow: "
}

# ---- healthy ----------------------------------------------------------------------

@test "healthy: a few established connections, no problems" {
	start_state -n 3 established
	snapshot -i 0
	expect_json '[.findings[] | select(.severity == "warning" or .severity == "critical") | .id]' '[]' \
		'.severity == "ok" or .severity == "info"' true \
		.states.established 6
	expect_findings_text "No problems found"
	if grep -Eq '^(WARNING|CRITICAL) ' <<<"$TEXT"; then
		report "tcpdx text: expected no WARNING or CRITICAL finding"
	fi
	# Counters sampled as by default (1 s): no rate may raise a problem either.
	run_check
	expect_check 0 OK "TCPDX OK - " "7 TCP sockets, no problems found" " established=6"
}

# ---- check exit codes ----------------------------------------------------------------

@test "check: 0 on an empty namespace; 3 for usage and runtime errors (others: 2, 1)" {
	run_check -i 0
	expect_check 0 OK "0 TCP sockets, no problems found"

	run --separate-stderr tcpdx_ns check --bogus
	((status == 3)) || report "tcpdx check --bogus: exit status: expected 3 (UNKNOWN), got $status; stderr: $stderr"
	[[ $stderr == *"unknown option '--bogus'"* ]] ||
		report "tcpdx check --bogus: expected \"unknown option '--bogus'\" on stderr, got: $stderr"
	[[ $output == "TCPDX UNKNOWN - unknown option '--bogus'"* ]] ||
		report "tcpdx check --bogus: expected a TCPDX UNKNOWN status line on stdout, got: $output"
	run --separate-stderr tcpdx_ns check -i 0 --replay /nonexistent
	((status == 3)) ||
		report "tcpdx check --replay /nonexistent: exit status: expected 3 (UNKNOWN), got $status; stderr: $stderr"
	[[ $stderr == *"/nonexistent"* ]] ||
		report "tcpdx check --replay /nonexistent: expected the file named on stderr, got: $stderr"
	# tcpdx(8): on an error, check still prints its status line: UNKNOWN.
	[[ $output == "TCPDX UNKNOWN - --replay: cannot open '/nonexistent'"* ]] ||
		report "tcpdx check --replay /nonexistent: expected a TCPDX UNKNOWN line on stdout, got: $output"
	# The same errors outside check: 2 (usage) and 1 (runtime).
	run --separate-stderr tcpdx_ns --bogus
	((status == 2)) || report "tcpdx --bogus: exit status: expected 2, got $status"
	run --separate-stderr tcpdx_ns -i 0 --replay /nonexistent
	((status == 1)) || report "tcpdx --replay /nonexistent: exit status: expected 1, got $status"
}

# ---- explain ----------------------------------------------------------------------

@test "explain: give-up time from the namespace, the overview, unknown topics" {
	local out flat retries linear rto_max want
	retries=$(ns_sysctl net.ipv4.tcp_syn_retries)
	linear=$(ns_sysctl net.ipv4.tcp_syn_linear_timeouts 2>/dev/null) || linear=0
	rto_max=$(ns_sysctl net.ipv4.tcp_rto_max_ms 2>/dev/null) || rto_max=120000
	want=$(syn_give_up "$retries" "$linear" "$rto_max")
	out=$(tcpdx_ns explain syn-sent)
	flat=$(tr -s ' \n' '  ' <<<"$out")
	[[ $flat == *"gives up after $want s"* ]] ||
		fail "tcpdx explain syn-sent: expected 'gives up after $want s' (tcp_syn_retries $retries)" "$out"

	in_ns sysctl -q -w net.ipv4.tcp_syn_retries=2
	want=$(syn_give_up 2 "$linear" "$rto_max")
	if [[ $linear == 4 && $rto_max == 120000 ]]; then
		[[ $want == 7 ]] || fail "syn_give_up 2 4 120000: expected 7, got $want"
	fi
	out=$(tcpdx_ns explain syn-sent)
	flat=$(tr -s ' \n' '  ' <<<"$out")
	[[ $flat == *"gives up after $want s"* && $flat != *"131 s"* ]] ||
		fail "tcpdx explain syn-sent with tcp_syn_retries=2: expected 'gives up after $want s', no 131 s" "$out"

	# The overview: all eleven states with the kernel's numbers, and the time
	# limits of this namespace.
	out=$(tcpdx_ns explain)
	local i errs=() names=(ESTABLISHED SYN-SENT SYN-RECV FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT CLOSE
		CLOSE-WAIT LAST-ACK LISTEN CLOSING)
	for i in "${!names[@]}"; do
		grep -Eq "^ *$((i + 1)) +${names[i]} " <<<"$out" ||
			errs+=("tcpdx explain: expected a row '$((i + 1))  ${names[i]}' in the state list")
	done
	flat=$(tr -s ' \n' '  ' <<<"$out")
	[[ $flat == *"SYN-SENT $want s"* ]] ||
		errs+=("tcpdx explain: expected 'SYN-SENT $want s' in the time limits (tcp_syn_retries 2)")
	((${#errs[@]} == 0)) || fail "${errs[@]}" "--- tcpdx explain:" "$out"

	run --separate-stderr tcpdx_ns explain bogus
	((status == 2)) || fail "tcpdx explain bogus: exit status: expected 2, got $status; stderr: $stderr"
	[[ $stderr == *"unknown topic 'bogus'"* ]] ||
		fail "tcpdx explain bogus: expected \"unknown topic 'bogus'\" on stderr, got: $stderr"
	[[ -z $output ]] || fail "tcpdx explain bogus: expected nothing on stdout, got: $output"
}

#!/usr/bin/env bats
# Who and where: owner processes, tcpdx list, grouping, network namespaces.
# Real sockets in private namespaces (tests/tcpstate), checked against the
# process that holds them, against ss, and as an unprivileged user.

bats_require_minimum_version 1.5.0

setup() {
	load helpers
	setup_netns
	NS2=""
}

teardown() {
	teardown_netns
	[[ -z $NS2 ]] || ip netns del "$NS2"
}

# The pid of the tcpstate started last.
last_pid() {
	echo "${TCPSTATE_PIDS[-1]}"
}

@test "a process that leaks CLOSE-WAIT is named by pid and comm (text and JSON)" {
	start_state -n 12 -p 47010 -c leaky close-wait
	local pid
	pid=$(last_pid)
	run tcpdx_ns -p -i 0 -j
	[ "$status" -eq 0 ]
	local f
	f=$(jq -c '.findings[] | select(.id == "close-wait")' <<<"$output")
	[[ $(jq -r .summary <<<"$f") == "12 sockets in CLOSE-WAIT held by leaky (pid $pid): the local application never called close()" ]] ||
		fail "summary: $(jq -r .summary <<<"$f")"
	[ "$(jq -r '.evidence.processes[0].name' <<<"$f")" = "leaky (pid $pid)" ]
	[ "$(jq -r '.evidence.processes[0].count' <<<"$f")" = 12 ]
	[ "$(jq -r '.owners.unknown' <<<"$output")" = 0 ]
	run tcpdx_ns -p -i 0
	[[ $output == *"held by leaky (pid $pid)"* ]] || fail "text lacks the owner: $output"
	# tcpdx list: every CLOSE-WAIT line names leaky/PID, like ss -p would.
	run tcpdx_ns list -p --state close-wait
	[ "$status" -eq 0 ]
	[ "$(grep -c "^CLOSE-WAIT .* leaky/$pid " <<<"$output")" -eq 12 ] || fail "list: $output"
	run tcpdx_ns list -p --state close-wait -j
	[ "$(jq "[.[] | select(.owner.pid == $pid and .owner.comm == \"leaky\")] | length" <<<"$output")" = 12 ]
	# ss agrees on who holds them.
	[ "$(in_ns ss -Htanp state close-wait | grep -c "\"leaky\",pid=$pid,")" -eq 12 ]
}

@test "sockets without an inode: orphans are the kernel's, the accept queue is the listener's" {
	start_state -c qholder acceptq-full
	local pid
	pid=$(last_pid)
	run tcpdx_ns list -p -j
	[ "$status" -eq 0 ]
	# The three connections waiting in the accept queue (server side, inode 0).
	[ "$(jq "[.[] | select(.state == \"established\" and .inode == 0 and .owner.via == \"listener\" and .owner.pid == $pid)] | length" <<<"$output")" = 3 ]
	start_state -n 4 -p 47020 -c closer fin-wait-2
	run tcpdx_ns list -p --state fin-wait-2
	[ "$(grep -c '^FIN-WAIT-2 .*(kernel)' <<<"$output")" -eq 4 ] || fail "$output"
}

@test "as nobody: everything is still counted and listed, owners are reported unknown" {
	command -v setpriv >/dev/null || skip "setpriv is not installed"
	start_state -n 5 -p 47030 established
	local as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
	run in_ns "${as_nobody[@]}" "$TCPDX" -p -i 0 -j
	[ "$status" -eq 0 ] || fail "exit $status: $output"
	[ "$(jq .states.established <<<"$output")" = 10 ]
	[ "$(jq .states.established <<<"$output")" = "$(ss_count established)" ]
	[ "$(jq .owners.unknown <<<"$output")" -eq 11 ] || fail "owners: $(jq -c .owners <<<"$output")"
	[ "$(jq .owners.unreadable_processes <<<"$output")" -ge 1 ]
	run in_ns "${as_nobody[@]}" "$TCPDX" -p -i 0
	[[ $output == *"note: owner unknown for 11 sockets: the fds of "*" could not be read; run as root to see them"* ]] ||
		fail "$output"
	run in_ns "${as_nobody[@]}" "$TCPDX" list -p
	[ "$status" -eq 0 ]
	[ "$(grep -c '^ESTABLISHED' <<<"$output")" -eq 10 ]
	# Entering a namespace needs CAP_SYS_ADMIN: one clear error, exit 1.
	run --separate-stderr "${as_nobody[@]}" "$TCPDX" -N "$NS"
	[ "$status" -eq 1 ]
	[[ $stderr == "tcpdx: "*"CAP_SYS_ADMIN"* ]] || fail "stderr: $stderr"
}

@test "a process name with an escape sequence is shown escaped" {
	start_state -n 2 -p 47040 -c 'ev\e[31mil' close-wait
	run tcpdx_ns list -p --state close-wait
	[ "$status" -eq 0 ]
	[[ $output != *$'\033'* ]] || fail "raw ESC reached the output"
	[[ $output == *'ev\x1b[31mil/'* ]] || fail "$output"
	run tcpdx_ns -p -i 0
	[[ $output != *$'\033'* ]]
	[[ $output == *'held by ev\x1b[31mil (pid'* ]] || fail "$output"
	run tcpdx_ns list -p --state close-wait -j
	[ "$(jq -r '.[0].owner.comm' <<<"$output")" = $'ev\033[31mil' ]
	[[ $output == *'ev\u001b[31mil'* ]]
}

@test "--by groups sockets per process, local port, peer and remote host; --top sums the rest" {
	start_state -n 3 -p 47050 -c alpha established
	start_state -n 2 -p 47060 -c beta close-wait
	run tcpdx_ns -p -i 0 --by process -j
	[ "$status" -eq 0 ]
	[ "$(jq -r '.groups.by' <<<"$output")" = process ]
	[ "$(jq '[.groups.top[] | select(.comm == "alpha")][0].states.established' <<<"$output")" = 6 ]
	[ "$(jq '[.groups.top[] | select(.comm == "beta")][0].states.close_wait' <<<"$output")" = 2 ]
	[ "$(jq '[.groups.top[] | select(.name == "(kernel)")][0].states.fin_wait2' <<<"$output")" = 2 ]
	run tcpdx_ns -i 0 --by lport --top 1 -j
	[ "$(jq '.groups.top | length' <<<"$output")" = 1 ]
	[ "$(jq '.groups.top[0].total + .groups.rest.total' <<<"$output")" = "$(jq .total <<<"$output")" ]
	run tcpdx_ns -i 0 --by rhost
	[[ $output == *"SOCKETS BY REMOTE HOST"* ]]
	[[ $output == *"127.0.0.1 "* ]]
	run tcpdx_ns -i 0 --by peer -j
	[ "$(jq '[.groups.top[] | select(.name == "127.0.0.1:47050")][0].states.established' <<<"$output")" = 3 ]
}

@test "-N runs in a namespace given by name, pid or path" {
	start_state -n 2 -p 47070 established
	local pid
	pid=$(last_pid)
	run "$TCPDX" -N "$NS" -i 0 -j
	[ "$status" -eq 0 ]
	[ "$(jq .states.established <<<"$output")" = 4 ]
	run "$TCPDX" --netns "$pid" -i 0 -j
	[ "$(jq .states.established <<<"$output")" = 4 ]
	run "$TCPDX" --netns "/proc/$pid/ns/net" list
	[ "$(grep -c '^ESTABLISHED' <<<"$output")" -eq 4 ]
	run --separate-stderr "$TCPDX" -N no-such-namespace-here
	[ "$status" -eq 1 ]
	[[ $stderr == "tcpdx: "*"no-such-namespace-here"* ]]
	run --separate-stderr "$TCPDX" -N /etc/passwd
	[ "$status" -eq 1 ]
	[[ $stderr == "tcpdx: "*"not a network namespace"* ]]
}

@test "--all-netns finds two test namespaces with their different counts, and the total" {
	start_state -n 3 -p 47080 close-wait
	NS2="tcpdx-t2-$$-$BATS_TEST_NUMBER"
	ip netns add "$NS2"
	ip -n "$NS2" link set lo up
	local ns1=$NS
	NS=$NS2
	start_state -n 2 -p 47090 established
	NS=$ns1
	run "$TCPDX" --all-netns -i 0 -j
	[ "$status" -eq 0 ] || fail "$output"
	local a b
	a=$(jq -c "[.namespaces[] | select(.netns | contains(\"$ns1\"))]" <<<"$output")
	b=$(jq -c "[.namespaces[] | select(.netns | contains(\"$NS2\"))]" <<<"$output")
	[ "$(jq length <<<"$a")" = 1 ] || fail "namespace $ns1 found $(jq length <<<"$a") times"
	[ "$(jq length <<<"$b")" = 1 ]
	[ "$(jq '.[0].states.close_wait' <<<"$a")" = 3 ]
	[ "$(jq '.[0].states.established' <<<"$a")" = 0 ]
	[ "$(jq '.[0].states.established' <<<"$b")" = 4 ]
	[ "$(jq '.[0].states.close_wait' <<<"$b")" = 0 ]
	# The total adds every namespace up.
	[ "$(jq '[.namespaces[].states.established] | add' <<<"$output")" = "$(jq .total.states.established <<<"$output")" ]
	run "$TCPDX" --all-netns -i 0
	[[ $output == *"==== TOTAL OVER "*" NAMESPACES ===="* ]]
	[[ $output == *"in namespace [name $ns1]"* ]] || fail "$output"
	# Other tests may hold namespaces of their own meanwhile: judge ours in
	# the JSON, and only the form of check's line.
	run "$TCPDX" --all-netns -i 0 --threshold close-wait.warning=3 -j
	[ "$(jq -r "[.namespaces[] | select(.netns | contains(\"$ns1\"))][0].findings[] | select(.id == \"close-wait\") | .severity" <<<"$output")" = warning ]
	run "$TCPDX" check --all-netns -i 0 --threshold close-wait.warning=3
	[ "$status" -ge 1 ] && [ "$status" -le 2 ]
	[[ $output =~ ^TCPDX\ (WARNING|CRITICAL)\ -\ \[(name|pid|this|init) ]] || fail "$output"
}

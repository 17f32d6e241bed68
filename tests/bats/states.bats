#!/usr/bin/env bats
# Every TCP state counted exactly: tests/tcpstate holds real sockets in one
# state (or a few) on loopback in a fresh network namespace; tcpdx's JSON, its
# text table and ss must all give the number created. Needs root (skipped
# otherwise). Each recipe's states hold for at least a minute (kernel timers),
# far longer than a test takes.

bats_require_minimum_version 1.5.0

setup() {
	load helpers
	setup_netns
}

teardown() {
	teardown_netns
}

@test "listen: N listeners" {
	start_state -n 4 listen
	snapshot
	expect_counts ipv4 listen=4
	expect_json '.listeners | length' 4 \
		'[.listeners[].port] | sort' '[47000,47001,47002,47003]' \
		'[.listeners[] | .address] | unique' '["127.0.0.1"]' \
		'[.listeners[] | .family] | unique' '["ipv4"]' \
		'[.listeners[] | .accept_queue] | add' 0 \
		'[.listeners[] | .backlog] | unique' '[128]' \
		'[.listeners[] | .full] | unique' '[false]'
	if grep -q 'LISTENERS WITH QUEUED CONNECTIONS' <<<"$TEXT"; then
		report "no accept queue is used, yet the text output has a LISTENERS section"
	fi
	expect_only listen listen 4
	expect_only listening listen 4
}

@test "established: 2N ESTABLISHED, all accepted" {
	start_state -n 5 established
	snapshot
	expect_counts ipv4 established=10 listen=1
	expect_json .detail.not_accepted.established 0 \
		.detail.orphans.total 0 \
		.detail.half_closed.total 0 \
		'.families' '["ipv4","ipv6"]'
	expect_only established established 10
}

@test "established -6: counted under ipv6; -6 and -4 select the family" {
	start_state -6 -n 3 established
	snapshot
	expect_counts ipv6 established=6 listen=1
	expect_json '.listeners[0].family' '"ipv6"' '.listeners[0].address' '"::1"' \
		'.listeners[0].port' 47000
	snapshot -6
	expect_json .families '["ipv6"]' .states.established 6 .ipv6.established 6 \
		.ipv4.established null .ipv4.listen null .total 7
	snapshot -4
	expect_json .families '["ipv4"]' .states.established 0 .ipv4.established 0 \
		.ipv6.established null .total 0
}

@test "acceptq-full: 3 unaccepted children, 3 SYN_SENT, a full listener" {
	start_state acceptq-full
	snapshot
	# ESTABLISHED 6 = 3 clients + 3 server children never accept()ed (inode 0);
	# the last 3 clients stay SYN_SENT: the full queue drops their SYNs.
	expect_counts ipv4 established=6 syn_sent=3 listen=1
	expect_json .detail.not_accepted.established 3 \
		.detail.not_accepted.close_wait 0 \
		'.listeners | length' 1 \
		'.listeners[0].address' '"127.0.0.1"' \
		'.listeners[0].port' 47000 \
		'.listeners[0].accept_queue' 3 \
		'.listeners[0].backlog' 2 \
		'.listeners[0].full' true
	# The text LISTENERS section lists it with "full".
	local section
	section=$(sed -n '/^LISTENERS WITH QUEUED CONNECTIONS/,$p' <<<"$TEXT")
	[[ -n $section ]] || report "text output has no LISTENERS WITH QUEUED CONNECTIONS section"
	grep -Eq '^127\.0\.0\.1:47000[[:space:]]+3[[:space:]]+2[[:space:]]+full[[:space:]]*$' <<<"$section" ||
		report "LISTENERS section lacks '127.0.0.1:47000  3  2  full'"
	expect_only syn-sent syn_sent 3
}

@test "syn-sent: SYNs dropped by nft" {
	start_state -n 4 syn-sent
	snapshot
	expect_counts ipv4 syn_sent=4
	expect_json '.listeners' '[]'
	expect_only syn-sent syn_sent 4
}

@test "syn-recv: request sockets waiting for the final ACK" {
	start_state -n 5 syn-recv
	snapshot
	expect_counts ipv4 syn_recv=5 established=5 listen=1
	# rq of a listener excludes requests: nothing is in the accept queue.
	expect_json .detail.syn_recv_requests 5 \
		.detail.not_accepted.established 0 \
		'.listeners[0].accept_queue' 0 \
		'.listeners[0].full' false
	expect_only syn-recv syn_recv 5
	expect_only syn-received syn_recv 5
}

@test "fin-wait-1: orphans whose FIN is dropped" {
	start_state -n 3 fin-wait-1
	snapshot
	expect_counts ipv4 fin_wait1=3 established=3 listen=1
	expect_json .detail.orphans.fin_wait1 3 \
		.detail.orphans.total 3 \
		.detail.half_closed.fin_wait1 0 \
		.detail.half_closed.total 0
	expect_only fin-wait-1 fin_wait1 3
}

@test "fin-wait-2: orphaned FIN_WAIT2 minisocks facing CLOSE_WAIT" {
	start_state -n 4 fin-wait-2
	snapshot
	expect_counts ipv4 fin_wait2=4 close_wait=4 listen=1
	# Minisocks are not full sockets: not orphans in tcpdx's (sockstat's) sense.
	expect_json .detail.fin_wait2_minisocks 4 \
		.detail.orphans.fin_wait2 0 \
		.detail.half_closed.fin_wait2 0 \
		.detail.not_accepted.close_wait 0
	expect_only fin-wait-2 fin_wait2 4
	expect_only close-wait close_wait 4
	expect_only FIN_WAIT2 fin_wait2 4
}

@test "close-wait (recipe alias of fin-wait-2)" {
	start_state -n 2 close-wait
	snapshot
	expect_counts ipv4 close_wait=2 fin_wait2=2 listen=1
}

@test "fin-wait-2 -6: counted under ipv6" {
	start_state -6 -n 3 fin-wait-2
	snapshot
	expect_counts ipv6 fin_wait2=3 close_wait=3 listen=1
	expect_json .detail.fin_wait2_minisocks 3
	snapshot -6 --state fin-wait-2
	expect_json .states.fin_wait2 3 .ipv6.fin_wait2 3 .ipv4.fin_wait2 null \
		.states.established null .total 3
}

@test "fin-wait-2-half: shutdown(SHUT_WR), fds kept: full sockets, half-closed" {
	start_state -n 3 fin-wait-2-half
	snapshot
	expect_counts ipv4 fin_wait2=3 close_wait=3 listen=1
	expect_json .detail.half_closed.fin_wait2 3 \
		.detail.half_closed.total 3 \
		.detail.fin_wait2_minisocks 0 \
		.detail.orphans.total 0
	expect_only fin-wait-2 fin_wait2 3
}

@test "time-wait: the server closed first" {
	start_state -n 4 time-wait
	snapshot
	expect_counts ipv4 time_wait=4 listen=1
	expect_json .detail.fin_wait2_minisocks 0 .detail.orphans.total 0
	expect_only time-wait time_wait 4
	# The "bucket" group is syn-recv and time-wait.
	snapshot --state bucket
	expect_json .states.time_wait 4 .states.syn_recv 0 .states.established null \
		.states.listen null .total 4
}

@test "time-wait -6: counted under ipv6" {
	start_state -6 -n 3 time-wait
	snapshot
	expect_counts ipv6 time_wait=3 listen=1
	expect_only time-wait time_wait 3
}

@test "last-ack: final ACKs dropped, server LAST_ACK, client TIME_WAIT" {
	start_state -n 3 last-ack
	snapshot
	expect_counts ipv4 last_ack=3 time_wait=3 listen=1
	expect_json .detail.orphans.last_ack 3 \
		.detail.orphans.total 3 \
		.detail.half_closed.last_ack 0
	expect_only last-ack last_ack 3
}

@test "closing: simultaneous close with ACKs and server FINs dropped" {
	start_state -n 3 closing
	snapshot
	expect_counts ipv4 closing=3 fin_wait1=3 listen=1
	expect_json .detail.orphans.closing 3 \
		.detail.orphans.fin_wait1 3 \
		.detail.orphans.total 6 \
		.detail.half_closed.total 0
	expect_only closing closing 3
}

@test "bound: bound-only sockets are CLOSE, queried only on request" {
	start_state -n 4 bound
	# ss 6.1 never sets the TCP_BOUND_INACTIVE bit, so it cannot see
	# bound-only sockets: the count is checked against N alone.
	snapshot
	expect_json .states.close null .ipv4.close null .total 0
	[[ $(text_total CLOSE) == - ]] || report "text, row CLOSE, TOTAL: expected '-', got '$(text_total CLOSE)'"
	expect_only close close 4
	expect_only closed close 4
	expect_json .ipv4.close 4 .ipv6.close 0
	snapshot --state all
	expect_json .states.close 4 .states.listen 0 .states.established 0 .total 4
}

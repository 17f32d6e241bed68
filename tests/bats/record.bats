#!/usr/bin/env bats
# --record writes the kernel's netlink replies; --replay reads them back and
# must give the same counts, with -4/-6/--state applied in userspace. The
# sockets are real (tests/tcpstate in a fresh namespace, root needed); the
# replays run outside the namespace after it is gone.

bats_require_minimum_version 1.5.0

setup() {
	load helpers
	setup_netns
	REC=$BATS_TEST_TMPDIR/dump.nl
}

teardown() {
	teardown_netns
}

# record: IPv4 fin-wait-2 (4 FIN_WAIT2 minisocks, 4 CLOSE_WAIT, 1 LISTEN) and
# IPv6 established on another port (4 ESTABLISHED, 1 LISTEN); then tear down.
record() {
	start_state -n 4 fin-wait-2
	start_state -6 -n 2 -p 47100 established
	local rc=0
	JSON=$(tcpdx_ns --record "$REC" -j) || rc=$?
	((rc == 0)) || fail "tcpdx --record $REC -j exited with status $rc" || return
	[[ -s $REC ]] || fail "tcpdx --record left $REC missing or empty" || return
	expect_json .source '"kernel"' .states.fin_wait2 4 .states.close_wait 4 \
		.states.established 4 .states.listen 2 .ipv6.established 4 .ipv4.fin_wait2 4 \
		.total 14 || return
	LIVE=$JSON
	# The sockets and the namespace go away: the replay can only use the file.
	teardown_netns
}

# replay ARGS...: tcpdx --replay $REC ARGS, outside any test namespace.
replay() {
	local rc=0
	# shellcheck disable=SC2086
	JSON=$($TCPDX_WRAP "$TCPDX" --replay "$REC" "$@") || rc=$?
	((rc == 0)) || fail "tcpdx --replay $REC $* exited with status $rc; stdout: $JSON"
}

@test "--replay of a --record file gives the same counts as the live run" {
	record
	replay -j
	local what live got
	for what in .states .ipv4 .ipv6 .total .families .detail .listeners; do
		live=$(jq -cS "$what" <<<"$LIVE")
		got=$(jq -cS "$what" <<<"$JSON")
		[[ $live == "$got" ]] ||
			fail "$what differs: live (--record) $live, --replay $got" || return
	done
	expect_json .source '"replay"'
	# The text table from the replay agrees too.
	# shellcheck disable=SC2034 # TEXT is read by text_total
	TEXT=$($TCPDX_WRAP "$TCPDX" --replay "$REC") || fail "tcpdx --replay $REC (text) failed" || return
	[[ $(text_total FIN-WAIT-2) == 4 && $(text_total CLOSE-WAIT) == 4 && $(text_total ESTABLISHED) == 4 ]] ||
		report "tcpdx --replay (text): expected FIN-WAIT-2 4, CLOSE-WAIT 4, ESTABLISHED 4"
}

@test "--replay applies -4, -6 and --state in userspace" {
	record
	replay -j -4 --state close-wait
	expect_json .source '"replay"' .families '["ipv4"]' \
		.states.close_wait 4 .ipv4.close_wait 4 .ipv6.close_wait null \
		.states.fin_wait2 null .states.established null .states.listen null \
		.total 4

	replay -j -6
	expect_json .families '["ipv6"]' .states.established 4 .states.listen 1 \
		.states.fin_wait2 0 .states.close_wait 0 .ipv4.established null .total 5

	replay -j --state fin-wait-2,listen
	expect_json .states.fin_wait2 4 .states.listen 2 .states.close_wait null \
		.states.established null .detail.fin_wait2_minisocks 4 .total 6

	# --state may be repeated: the union.
	replay -j --state established --state close-wait
	expect_json .states.established 4 .states.close_wait 4 .states.fin_wait2 null .total 8
}

#!/usr/bin/env bats
# tcpdx top: batch frames checked for content, and the live view driven in
# tmux (send-keys, capture-pane) over real sockets in a private namespace.
# Each test has its own tmux server (-L, a private socket), killed in
# teardown; every wait is bounded.

bats_require_minimum_version 1.5.0

setup() {
	load helpers
	TMUX_SOCK="tcpdx-top-$$-$BATS_TEST_NUMBER"
	PANE="top"
	TOP_PIDFILE="$BATS_TEST_TMPDIR/top.pid"
	BG_PID=""
}

teardown() {
	if [[ -n $BG_PID ]]; then
		kill -TERM "$BG_PID" 2>/dev/null || true
		wait "$BG_PID" 2>/dev/null || true
	fi
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
	teardown_netns
}

# A tcpdx built without ncursesw has only batch mode.
have_interactive() {
	! "$TCPDX" top </dev/null 2>&1 | grep -q 'built without ncursesw'
}

require_tmux() {
	have_interactive || skip "tcpdx was built without ncursesw: no interactive view"
	command -v tmux >/dev/null || fail "tmux not found; these tests drive tcpdx top in it (apt-get install tmux)"
}

# tmux on this test's private server.
tm() {
	tmux -L "$TMUX_SOCK" "$@"
}

# start_top [TCPDX TOP ARGS...]: run `tcpdx top ARGS` in the namespace in a
# detached 80x24 tmux pane; the pane stays after it exits and shows its
# status as TOP-EXIT=N. The pid goes to $TOP_PIDFILE.
start_top() {
	require_tmux || return
	local cmd
	printf -v cmd '%q ' "$@"
	tm -u new-session -d -s "$PANE" -x 80 -y 24 \
		"env LC_ALL=C.UTF-8 TERM=${TOP_TERM:-screen} sh -c 'echo \$\$ >$TOP_PIDFILE; exec ip netns exec $NS $TCPDX top $cmd'; echo TOP-EXIT=\$?; sleep 600" ||
		fail "tmux new-session failed"
}

screen() {
	tm capture-pane -p -t "$PANE"
}

# wait_screen REGEX [SECONDS]: until the pane shows a line matching REGEX
# (grep -E), at most SECONDS (default 10).
wait_screen() {
	local re=$1 max=${2:-10} n
	for ((n = 0; n < max * 10; n++)); do
		screen | grep -qE -- "$re" && return 0
		sleep 0.1
	done
	fail "the screen never showed /$re/ within $max s; it shows:" "$(screen)"
}

# no_screen REGEX: the pane does not show REGEX now.
no_screen() {
	if screen | grep -qE -- "$1"; then
		fail "the screen shows /$1/ but should not:" "$(screen)"
	fi
}

keys() {
	tm send-keys -t "$PANE" "$@"
}

# The screen has exactly ROWS lines, none wider than COLS, the header on
# the first and the key line on the last: no leftovers of another size.
expect_clean_screen() {
	local rows=$1 cols=$2 out n=0 line
	out=$(tm capture-pane -p -t "$PANE")
	while IFS= read -r line; do
		n=$((n + 1))
		((${#line} <= cols)) || fail "line $n is ${#line} columns wide, over $cols: '$line'" || return
	done <<<"$out"
	[[ $(sed -n 1p <<<"$out") == "tcpdx top - "* ]] || fail "first line is not the header:" "$out" || return
	[[ $(tm display -p -t "$PANE" '#{window_height}') == "$rows" ]] || fail "window is not $rows rows" || return
	[[ $(tm capture-pane -p -t "$PANE" -S $((rows - 1)) -E $((rows - 1))) == "q quit"* ]] ||
		fail "the last row is not the key line:" "$out" || return
	[[ $(grep -c '^tcpdx top - ' <<<"$out") == 1 ]] || fail "two headers on the screen:" "$out"
}

# The pane's program ended with status $1 and the terminal is back: the
# alternate screen left, the cursor visible again.
expect_restored() {
	wait_screen "^TOP-EXIT=$1\$" 10 || return
	[[ $(tm display -p -t "$PANE" '#{alternate_on}') == 0 ]] || fail "still on the alternate screen" || return
	[[ $(tm display -p -t "$PANE" '#{cursor_flag}') == 1 ]] || fail "the cursor is still hidden" || return
	no_screen '^tcpdx top - '
}

# ---- batch and errors -------------------------------------------------------

@test "top -b: plain frames with the states, findings and groups of a pile-up" {
	setup_netns
	start_state -n 25 -p 8080 close-wait
	run --separate-stderr tcpdx_ns top -b -n 3 -d 0.1
	[ "$status" -eq 0 ] || fail "exit $status: $stderr"
	[ -z "$stderr" ] || fail "stderr: $stderr"
	[ "$(grep -c '^tcpdx top - ' <<<"$output")" -eq 3 ] || fail "want 3 frames:" "$output"
	# no escape sequences in batch output
	! grep -q $'\033' <<<"$output" || fail "escape sequences in batch output"
	local last
	last=$(awk '/^tcpdx top - /{f=""} {f = f $0 "\n"} END {printf "%s", f}' <<<"$output")
	grep -qE '^CLOSE-WAIT +25 +0 !' <<<"$last" || fail "CLOSE-WAIT row:" "$last"
	grep -qE '^FIN-WAIT-2 +25 ' <<<"$last" || fail "FIN-WAIT-2 row:" "$last"
	grep -qE '^LISTEN +1 ' <<<"$last" || fail "LISTEN row:" "$last"
	grep -qE '^ESTABLISHED +0 +0' <<<"$last" || fail "ESTABLISHED row:" "$last"
	grep -qE '^per s:  listen-overflows [0-9.]+  resets [0-9.]+  rsts-sent [0-9.]+  retransmits [0-9.]+  aborts [0-9.]+$' <<<"$last" ||
		fail "rates line:" "$last"
	grep -qE '^WARNING  close-wait: 25 sockets in CLOSE-WAIT' <<<"$last" || fail "finding:" "$last"
	grep -qE '^SOCKETS BY LOCAL PORT  26 groups, sorted by TOTAL$' <<<"$last" || fail "groups title:" "$last"
	grep -qE '^8080 +0 +25 +1 +26$' <<<"$last" || fail "group 8080:" "$last"
	grep -qE '^\(16 others\) +16 +0 +0 +16$' <<<"$last" || fail "the rest summed:" "$last"
	# the first frame has no change and no rates yet
	grep -qE '^per s:  listen-overflows -' <<<"$output" || fail "first frame rates"
}

@test "top -b: options and filters as on the command line" {
	setup_netns
	start_state -n 5 -p 8080 close-wait
	run --separate-stderr tcpdx_ns top -b -n 1 --state close-wait --by peer --top 2
	[ "$status" -eq 0 ]
	grep -qE '^STATE +COUNT +CHANGE +HISTORY  filter: --state close-wait$' <<<"$output" || fail "$output"
	grep -qE '^LISTEN +-$' <<<"$output" || fail "unqueried state not shown as -:" "$output"
	grep -qE '^SOCKETS BY PEER  5 groups' <<<"$output" || fail "$output"
	grep -qE '^\(3 others\) +3 +3$' <<<"$output" || fail "--top 2 shows two rows and the rest:" "$output"
	run --separate-stderr tcpdx_ns top -b -n 1 -p
	[ "$status" -eq 0 ]
	grep -qE '^SOCKETS BY PROCESS' <<<"$output" || fail "-p groups by process:" "$output"
	grep -qE '^tcpstate/[0-9]+ ' <<<"$output" || fail "owner named:" "$output"
}

@test "top: usage errors, and no terminal points to -b" {
	run --separate-stderr "$TCPDX" top </dev/null
	[ "$status" -eq 2 ]
	if have_interactive; then
		[[ $stderr == "tcpdx: top needs a terminal"*"tcpdx top -b"* ]] || fail "stderr: $stderr"
	else
		[[ $stderr == *"built without ncursesw"*"tcpdx top -b"* ]] || fail "stderr: $stderr"
	fi
	[ -z "$output" ]
	run --separate-stderr "$TCPDX" top -b -d 0
	[ "$status" -eq 2 ]
	[[ $stderr == *"bad -d '0'; expected seconds from 0.01 to 3600"* ]] || fail "$stderr"
	run --separate-stderr "$TCPDX" top -b -n 0
	[ "$status" -eq 2 ]
	[[ $stderr == *"bad -n '0'"* ]] || fail "$stderr"
	run --separate-stderr "$TCPDX" list -b
	[ "$status" -eq 2 ]
	[[ $stderr == *"-d, -n and -b are for tcpdx top"* ]] || fail "$stderr"
	run --separate-stderr "$TCPDX" top -b -i 2
	[ "$status" -eq 2 ]
	[[ $stderr == *"use -d, not -i"* ]] || fail "$stderr"
	run --separate-stderr "$TCPDX" top -j
	[ "$status" -eq 2 ]
	[[ $stderr == *"top has no JSON output"* ]] || fail "$stderr"
	run --separate-stderr "$TCPDX" top -b --all-netns
	[ "$status" -eq 2 ]
	run --separate-stderr "$TCPDX" bogus
	[[ $stderr == *"commands: diagnose, list, check, explain, top"* ]] || fail "$stderr"
}

@test "top -b is valgrind-clean" {
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	if nm -C "$TCPDX" 2>/dev/null | grep -q __asan_init; then
		skip "an AddressSanitizer build cannot run under valgrind"
	fi
	setup_netns
	start_state -n 5 -p 8080 close-wait
	run --separate-stderr ip netns exec "$NS" valgrind -q --leak-check=full \
		--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 "$TCPDX" top -b -n 3 -d 0.05 --by process
	[ "$status" -eq 0 ] || fail "valgrind: exit $status" "$stderr"
	[ "$(grep -c '^tcpdx top - ' <<<"$output")" -eq 3 ]
}

@test "a long batch run (2000 refreshes) keeps memory and file descriptors flat" {
	setup_netns
	start_state -n 20 -p 8080 close-wait
	local out="$BATS_TEST_TMPDIR/frames" rss=() fds=() n line
	# ASan's quarantine keeps freed memory on purpose: keep it small here.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1" \
		ip netns exec "$NS" "$TCPDX" top -b -d 0.01 -n 2000 >"$out" 3>&- &
	BG_PID=$!
	for ((n = 0; n < 2400; n++)); do
		line=$(grep VmRSS "/proc/$BG_PID/status" 2>/dev/null) || break
		_gone "$BG_PID" && break
		if ((n % 5 == 0)); then
			rss+=("$(awk '{print $2}' <<<"$line")")
			fds+=("$(ls "/proc/$BG_PID/fd" 2>/dev/null | wc -l)")
		fi
		sleep 0.1
	done
	_gone "$BG_PID" || fail "tcpdx top -b -n 2000 still runs after 240 s" || return
	local rc=0
	wait "$BG_PID" || rc=$?
	BG_PID=""
	[ "$rc" -eq 0 ] || fail "exit $rc"
	[ "$(grep -c '^tcpdx top - ' "$out")" -eq 2000 ] || fail "want 2000 frames"
	((${#rss[@]} >= 6)) || fail "only ${#rss[@]} samples: ${rss[*]}" || return
	# after a warm-up (the first two samples), the floor of the second half
	# is no higher than the floor of the first: a leak of 100 bytes a
	# refresh would raise it by 100 KiB. Floors, not peaks: the allocator
	# (ASan's above all) grows and returns a few hundred KiB in steps.
	local s=("${rss[@]:2}") half min1=0 min2=0 i
	half=$((${#s[@]} / 2))
	for ((i = 0; i < ${#s[@]}; i++)); do
		if ((i < half)); then
			((min1 == 0 || s[i] < min1)) && min1=${s[i]}
		else
			((min2 == 0 || s[i] < min2)) && min2=${s[i]}
		fi
	done
	((min2 - min1 <= 64)) || fail "VmRSS grew: first half at least $min1 KiB, second $min2: ${rss[*]}"
	# each refresh opens and closes one netlink socket: a sample may catch it
	local lo=${fds[0]} fd
	for fd in "${fds[@]}"; do ((fd < lo)) && lo=$fd; done
	for fd in "${fds[@]}"; do
		((fd <= lo + 1)) || fail "open fds grew: ${fds[*]}" || return
	done
	echo "# VmRSS KiB: ${rss[*]}; fds: ${fds[*]}" >&3
}

# ---- the live view ------------------------------------------------------------

@test "top in tmux: states of the namespace, the keys g s / Enter e ? Esc, and q restores the terminal" {
	setup_netns
	start_state -n 25 -p 8080 -c leaky close-wait
	start_top -d 0.2
	wait_screen '^CLOSE-WAIT +25 '
	wait_screen '^FIN-WAIT-2 +25 '
	wait_screen '^LISTEN +1 '
	wait_screen '^SOCKETS BY LOCAL PORT  26 groups, sorted by TOTAL'
	wait_screen '^WARNING  close-wait: 25 sockets in CLOSE-WAIT'
	wait_screen '^per s:  listen-overflows 0  resets 0'
	[[ $(screen | sed -n 24p) == "q quit  space pause"* ]] || fail "key line:" "$(screen)"
	# g: by process; the owner is looked up
	keys g
	wait_screen '^SOCKETS BY PROCESS'
	wait_screen "^leaky/${TCPSTATE_PIDS[0]} +0 +25 +1 +26$"
	keys g
	wait_screen '^SOCKETS BY PEER'
	keys g g
	wait_screen '^SOCKETS BY LOCAL PORT'
	# s: sorted by each state that has sockets, then name
	keys s
	wait_screen 'sorted by FIN-WAIT-2'
	keys s
	wait_screen 'sorted by CLOSE-WAIT'
	wait_screen '^8080 '
	# /: filters in the command line's syntax
	keys /
	wait_screen '^filter:'
	keys -l -- '--state close-wait'
	keys Enter
	wait_screen 'filter: --state close-wait$'
	wait_screen '^LISTEN +-$'
	wait_screen '^SOCKETS BY LOCAL PORT  1 group'
	# a bad filter says why and keeps the old one
	keys / C-u
	keys -l -- '--state nope'
	keys Enter
	wait_screen "filter not changed: unknown state 'nope'"
	wait_screen 'filter: --state close-wait$'
	# Enter: the group's sockets, with idle times (tcp_info); Esc back
	keys Home Enter
	wait_screen '^LOCAL PORT 8080: 25 sockets  Esc back'
	wait_screen '^CLOSE-WAIT +1 +0 +- +0 +[0-9.]+[smh] +:8080 +127\.0\.0\.1:[0-9]+$'
	keys Escape
	wait_screen '^SOCKETS BY LOCAL PORT'
	# e: findings with evidence
	keys e
	wait_screen '^FINDINGS AND EVIDENCE'
	wait_screen '^  evidence:'
	keys Escape
	wait_screen '^SOCKETS BY LOCAL PORT'
	# ?: help
	keys '?'
	wait_screen '^HELP'
	wait_screen '^  /  +filters, as on the command line'
	keys Escape
	wait_screen '^STATE +COUNT'
	# space pauses, + and - change the interval
	keys Space
	wait_screen 'PAUSED'
	keys Space +
	wait_screen 'refreshing every 0.5 s'
	wait_screen 'every 0.5 s'
	keys q
	expect_restored 0
}

@test "top in tmux: resizes without leftovers, and works at 80x24 and monochrome" {
	setup_netns
	start_state -n 5 -p 8080 close-wait
	TOP_TERM=xterm-mono start_top -d 0.2
	wait_screen '^CLOSE-WAIT +5 '
	expect_clean_screen 24 80
	tm resize-window -t "$PANE" -x 120 -y 40
	wait_screen '^tcp_syn_retries '   # the wide form of the settings
	sleep 0.5
	expect_clean_screen 40 120
	tm resize-window -t "$PANE" -x 80 -y 24
	wait_screen '^syn_retries='
	sleep 0.5
	expect_clean_screen 24 80
	tm resize-window -t "$PANE" -x 50 -y 12
	wait_screen 'tcpdx top needs 60x20 \(now 50x12\)'
	tm resize-window -t "$PANE" -x 80 -y 24
	wait_screen '^CLOSE-WAIT +5 '
	sleep 0.5
	expect_clean_screen 24 80
	keys q
	expect_restored 0
}

@test "top in tmux: a CLOSE-WAIT pile-up while it runs shows in counts and findings" {
	setup_netns
	start_top -d 0.2
	wait_screen '^CLOSE-WAIT +0 +0'
	wait_screen '^No problems found'
	start_state -n 30 -p 8080 close-wait
	wait_screen '^CLOSE-WAIT +30 '
	wait_screen '^WARNING  close-wait: 30 sockets in CLOSE-WAIT'
	wait_screen '^8080 +0 +30 +1 +31$'
	screen | tee "$BATS_TEST_TMPDIR/pileup.txt" | sed 's/^/# /' >&3
	keys C-c
	expect_restored 0
}

@test "top in tmux: SIGTERM restores the terminal; -n quits by itself" {
	setup_netns
	start_top -d 0.2
	wait_screen '^ESTABLISHED +0'
	local pid
	pid=$(cat "$TOP_PIDFILE")
	kill -TERM "$pid"
	expect_restored 0
	tm kill-server
	start_top -d 0.1 -n 5
	expect_restored 0
}

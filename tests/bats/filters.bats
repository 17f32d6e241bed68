#!/usr/bin/env bats
# Kernel-side filters end to end: --sport, --dport, --src, --dst (inet_diag
# bytecode) and the owner filters --pid, --comm, --uid. Real sockets of both
# families live in a private network namespace (tests/tcpstate); `tcpdx list
# -j` must show exactly the sockets `ss -Htan FILTER` shows for the same
# filter, and `tcpdx -j` (diagnose) must count as many. Tests that build
# sockets need root (skipped otherwise); the bad-input tests run as anyone.

bats_require_minimum_version 1.5.0

setup() {
	load helpers
}

teardown() {
	teardown_netns
}

# The sockets every network test starts from. Clients take their ports from
# 50000-60999, so that no client port falls in the server ranges below.
#   v4: LISTEN 127.0.0.1:47000 + 3 connections (tcpstate -c bcv4)   7 sockets
#       LISTEN 127.0.0.1:47010, :47011                               2
#       LISTEN 127.0.0.1:80                                          1
#       LISTEN 127.0.0.1:47020 + 2 server TIME_WAIT (no owner)       3
#   v6: LISTEN [::1]:47005 + 2 connections (tcpstate -6 -c bcv6)     5
# 18 sockets: 13 AF_INET, 5 AF_INET6.
start_mix() {
	setup_netns || return
	in_ns sh -c 'echo "50000 60999" >/proc/sys/net/ipv4/ip_local_port_range' ||
		fail "cannot set ip_local_port_range in $NS" || return
	start_state -n 3 -p 47000 -c bcv4 established || return
	start_state -6 -n 2 -p 47005 -c bcv6 established || return
	start_state -n 2 -p 47010 listen || return
	start_state -n 1 -p 80 listen || return
	start_state -n 2 -p 47020 time-wait || return
	local n
	n=$(in_ns ss -Htan | wc -l)
	[[ $n == 18 ]] || fail "start_mix: ss sees $n sockets, want 18:" "$(in_ns ss -tan)"
}

# tcpdx_socks ARGS...: "LOCAL PEER" of each socket `tcpdx list -j ARGS` prints,
# written the way ss writes them ("[::1]:47005", port 0 as "*"), sorted.
tcpdx_socks() {
	local out rc=0
	out=$(tcpdx_ns list -j "$@") || rc=$?
	((rc == 0)) || fail "tcpdx list -j $*: exit $rc: $out" || return
	jq -r '.[] | .family as $f
		| def ep: (if $f == "ipv6" then "[\(.address)]" else .address end)
			+ ":" + (if .port == 0 then "*" else (.port | tostring) end);
		"\(.local | ep) \(.peer | ep)"' <<<"$out" | sort
}

# count_socks TCPDX-ARGS...: how many sockets tcpdx list -j shows.
count_socks() {
	local out
	out=$(tcpdx_socks "$@") || return
	grep -c . <<<"$out" || true
}

# ss_socks [SS ARGS...]: the same from `ss -Htan ARGS`.
ss_socks() {
	# the last two columns: ss drops the State column when given a state
	in_ns ss -Htan "$@" | awk '{ print $(NF - 1), $NF }' | sort
}

# expect_same N TCPDX-ARGS... -- SS-ARGS...: tcpdx list shows the very sockets
# ss shows, N of them; tcpdx diagnose counts N in .total.
expect_same() {
	local n=$1 targs=() sargs=() got want total
	shift
	while (($#)) && [[ $1 != -- ]]; do
		targs+=("$1")
		shift
	done
	shift
	sargs=("$@")
	got=$(tcpdx_socks "${targs[@]}") || return
	want=$(ss_socks "${sargs[@]}")
	if [[ $got != "$want" ]]; then
		fail "tcpdx list ${targs[*]} and ss ${sargs[*]} differ" \
			"--- tcpdx:" "$got" "--- ss:" "$want"
		return
	fi
	[[ $(grep -c . <<<"$got") == "$n" ]] ||
		fail "tcpdx list ${targs[*]}: want $n sockets, got:" "$got" || return
	total=$(tcpdx_ns -j "${targs[@]}" | jq .total) ||
		fail "tcpdx -j ${targs[*]} failed" || return
	[[ $total == "$n" ]] || fail "tcpdx -j ${targs[*]}: .total $total, want $n"
}

# ---- ports -------------------------------------------------------------------

@test "--sport 80: the one listener on :80, as ss 'sport = :80'" {
	start_mix
	expect_same 1 --sport 80 -- 'sport = :80'
}

@test "--dport 47000-47010: the clients, as ss 'dport >= :47000 and dport <= :47010'" {
	start_mix
	expect_same 5 --dport 47000-47010 -- 'dport >= :47000 and dport <= :47010'
}

@test "--sport 80,47010-47011: several ranges ORed" {
	start_mix
	expect_same 3 --sport 80,47010-47011 -- \
		'( sport = :80 or ( sport >= :47010 and sport <= :47011 ) )'
}

@test "--sport 47000 --sport 47005: a repeated option ORs, across both families" {
	start_mix
	expect_same 7 --sport 47000 --sport 47005 -- '( sport = :47000 or sport = :47005 )'
}

@test "--sport 50000-60999 --dport 47000: sport AND dport" {
	start_mix
	expect_same 3 --sport 50000-60999 --dport 47000 -- \
		'sport >= :50000 and sport <= :60999 and dport = :47000'
}

@test "--dport 0: listeners only" {
	start_mix
	expect_same 6 --dport 0 -- 'dport = :0'
}

@test "--sport 47020 --state time-wait: the filter reaches minisockets" {
	start_mix
	expect_same 2 --sport 47020 --state time-wait -- state time-wait 'sport = :47020'
}

@test "--sport 0-65535: matches everything (no program is sent)" {
	start_mix
	expect_same 18 --sport 0-65535 --
}

@test "--dport 65535: nothing" {
	start_mix
	expect_same 0 --dport 65535 -- 'dport = :65535'
}

# ---- addresses -----------------------------------------------------------------

@test "--src 127.0.0.0/8, /24, /32 and 0.0.0.0/0: every IPv4 socket" {
	start_mix
	expect_same 13 --src 127.0.0.0/8 -- 'src 127.0.0.0/8'
	expect_same 13 --src 127.0.0.0/24 -- 'src 127.0.0.0/24'
	expect_same 13 --src 127.0.0.1 -- 'src 127.0.0.1'
	expect_same 13 --src 127.0.0.1/32 -- 'src 127.0.0.1/32'
	expect_same 13 --src 0.0.0.0/0 -- -4
}

@test "--src 127.0.0.2 and 128.0.0.0/1: nothing" {
	start_mix
	expect_same 0 --src 127.0.0.2 -- 'src 127.0.0.2'
	expect_same 0 --src 128.0.0.0/1 -- 'src 128.0.0.0/1'
}

@test "--dst 127.0.0.1: the IPv4 connections, both ends, and TIME_WAIT" {
	start_mix
	expect_same 8 --dst 127.0.0.1 -- 'dst 127.0.0.1'
}

@test "--dst [::1]: the IPv6 connections, as ss 'dst [::1]'" {
	start_mix
	expect_same 4 --dst '[::1]' -- 'dst [::1]'
	expect_same 4 --dst ::1 -- 'dst [::1]'
}

@test "--src ::1/128, ::/64, ::/0: every IPv6 socket" {
	start_mix
	expect_same 5 --src ::1/128 -- 'src ::1/128'
	expect_same 5 --src '[::1]/128' -- 'src ::1/128'
	expect_same 5 --src ::/64 -- 'src ::/64'
	expect_same 5 --src ::/0 -- 'src ::/0'
	expect_same 0 --src 2001:db8::/32 -- 'src 2001:db8::/32'
}

@test "--src ::1 -4: an IPv6 prefix on the IPv4 dump matches nothing, exit 0" {
	start_mix
	expect_same 0 -4 --src ::1 -- -4 'src [::1]'
}

@test "--src 127.0.0.0/8 -6: an IPv4 prefix on the IPv6 dump (no v4-mapped sockets here)" {
	start_mix
	expect_same 0 -6 --src 127.0.0.0/8 -- -6 'src 127.0.0.0/8'
}

@test "--src 127.0.0.1,::1: a list of both families" {
	start_mix
	expect_same 18 --src 127.0.0.1,::1 -- '( src 127.0.0.1 or src [::1] )'
}

@test "--src, --dst, --sport and --dport together" {
	start_mix
	expect_same 3 --src 127.0.0.0/8 --dst 127.0.0.1/32 --sport 47000 --dport 50000-60999 -- \
		'src 127.0.0.0/8 and dst 127.0.0.1/32 and sport = :47000 and dport >= :50000 and dport <= :60999'
}

# ---- owners --------------------------------------------------------------------

@test "--comm, --pid, --uid: established sockets by owner" {
	start_mix
	local got errs=()
	got=$(count_socks --state established --comm bcv4)
	[[ $got == 6 ]] || errs+=("--comm bcv4: $got established, want 6")
	got=$(count_socks --state established --comm bcv6)
	[[ $got == 4 ]] || errs+=("--comm bcv6: $got established, want 4")
	got=$(count_socks --state established --comm bcv4,bcv6)
	[[ $got == 10 ]] || errs+=("--comm bcv4,bcv6: $got established, want 10")
	got=$(count_socks --state established --comm bcv)
	[[ $got == 0 ]] || errs+=("--comm bcv (a prefix): $got established, want 0")
	got=$(count_socks --state established --pid "${TCPSTATE_PIDS[1]}")
	[[ $got == 4 ]] || errs+=("--pid ${TCPSTATE_PIDS[1]} (bcv6): $got established, want 4")
	got=$(count_socks --state established --pid "${TCPSTATE_PIDS[0]},${TCPSTATE_PIDS[1]}")
	[[ $got == 10 ]] || errs+=("--pid of both: $got established, want 10")
	got=$(count_socks --state established --uid 0)
	[[ $got == 10 ]] || errs+=("--uid 0: $got established, want 10")
	got=$(count_socks --state established --uid root)
	[[ $got == 10 ]] || errs+=("--uid root: $got established, want 10")
	got=$(count_socks --state established --uid 65534)
	[[ $got == 0 ]] || errs+=("--uid 65534: $got established, want 0")
	got=$(count_socks --state established --comm bcv4 --sport 47000)
	[[ $got == 3 ]] || errs+=("--comm bcv4 --sport 47000: $got established, want 3")
	report "${errs[@]}"
}

@test "list --comm: listeners of other processes are not listed" {
	start_mix
	local got
	got=$(tcpdx_socks --comm no-such-comm)
	[[ -z $got ]] || fail "tcpdx list --comm no-such-comm lists:" "$got"
	got=$(tcpdx_socks --state listen --comm bcv6)
	[[ $got == "[::1]:47005 [::]:*" ]] ||
		fail "tcpdx list --state listen --comm bcv6: want only [::1]:47005, got:" "$got"
}

# ---- bad input (no root needed) ------------------------------------------------

# expect_bad PATTERN ARGS...: exit 2, one line on stderr matching PATTERN.
expect_bad() {
	local pattern=$1
	shift
	run --separate-stderr $TCPDX_WRAP "$TCPDX" "$@"
	[[ $status == 2 ]] || fail "tcpdx $*: exit $status, want 2; stderr: $stderr" || return
	[[ -z $output ]] || fail "tcpdx $*: stdout should be empty: $output" || return
	grep -qE -- "$pattern" <<<"$stderr" ||
		fail "tcpdx $*: stderr does not match /$pattern/: $stderr" || return
	[[ $(wc -l <<<"$stderr") == 1 ]] || fail "tcpdx $*: want one line, got: $stderr"
}

@test "bad filter values: exit 2 and a message naming the value and what is accepted" {
	[[ -x $TCPDX ]] || skip "tcpdx not built at $TCPDX"
	expect_bad "'70000' in --sport: a port is at most 65535; accepted: a port 0..65535" \
		--sport 70000
	expect_bad "'8080-80' in --dport: the range's LO is greater than its HI" --dport 8080-80
	expect_bad "'http' in --sport: not a port or a range" list --sport 80,http
	expect_bad "'10.0.0.0/33' in --src: prefix length /33 is out of range for IPv4 \(0..32\)" \
		--src 10.0.0.0/33
	expect_bad "'::/129' in --dst: prefix length /129 is out of range for IPv6 \(0..128\)" \
		--dst ::/129
	expect_bad "'example.com' in --dst: not an IPv4 or IPv6 address" --dst example.com
	expect_bad "'\[10.0.0.1\]' in --src: not an IPv6 address" --src '[10.0.0.1]'
	expect_bad "'0' in --pid: not a positive process id" --pid 0
	expect_bad "'a-sixteen-bytes!' in --comm: longer than the 15 bytes" --comm a-sixteen-bytes!
	expect_bad "'no-such-user-tcpdx' in --uid: no such user" --uid no-such-user-tcpdx
	expect_bad "too many values for --sport: at most 16" \
		--sport 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17
	expect_bad "--src needs at least one value" --src ,
}

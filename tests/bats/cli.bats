#!/usr/bin/env bats
# Command-line behaviour: help, version, and every bad input we can think of.
# Usage errors: exit 2, one line naming what was wrong and what is accepted;
# nothing on stdout.

bats_require_minimum_version 1.5.0

setup() {
	TCPDX=${TCPDX:-$BATS_TEST_DIRNAME/../../tcpdx}
}

# run_usage_error ARGS...: expect exit 2, a message on stderr, empty stdout.
expect_usage_error() {
	local pattern=$1
	shift
	run --separate-stderr $TCPDX_WRAP "$TCPDX" "$@"
	if [ "$status" -ne 2 ]; then
		echo "tcpdx $*: exit $status, want 2; stderr: $stderr" >&2
		return 1
	fi
	if [ -n "$output" ]; then
		echo "tcpdx $*: stdout should be empty, got: $output" >&2
		return 1
	fi
	if ! grep -qE -- "$pattern" <<<"$stderr"; then
		echo "tcpdx $*: stderr does not match /$pattern/: $stderr" >&2
		return 1
	fi
	if [ "$(wc -l <<<"$stderr")" -ne 1 ] || [[ "$stderr" != "tcpdx: "* ]]; then
		echo "tcpdx $*: want exactly one line starting 'tcpdx: ', got: $stderr" >&2
		return 1
	fi
}

@test "--help prints usage with every option and exits 0" {
	run --separate-stderr "$TCPDX" --help
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "${lines[0]}" == "Usage: tcpdx"* ]]
	for opt in --ipv4 --ipv6 --state --interval --threshold --json --color --record --replay \
		--sport --dport --src --dst --pid --comm --uid --processes --netns --all-netns --by \
		--top --sort --ndjson --numeric --help --version diagnose list check explain; do
		grep -q -- "$opt" <<<"$output" || { echo "--help lacks $opt" >&2; return 1; }
	done
	run "$TCPDX" -h
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "Usage: tcpdx"* ]]
}

@test "--version and -V print the version" {
	run "$TCPDX" --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^tcpdx\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	run "$TCPDX" -V
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^tcpdx\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "unknown long option" {
	expect_usage_error "unknown option '--bogus'; options: .*--state" --bogus
}

@test "unknown short option" {
	expect_usage_error "unknown option '-x'" -x
	expect_usage_error "unknown option '-z'" -4z
	expect_usage_error "unknown option '-z'" -j -z4
}

@test "a long option given an argument it does not take" {
	expect_usage_error "option '--json' takes no argument" --json=yes
	expect_usage_error "option '--ipv4' takes no argument" --ipv4=1
}

@test "missing argument to --state, --record, --replay" {
	expect_usage_error "option '--state' needs an argument: a comma-separated list of states" --state
	expect_usage_error "option '--record' needs an argument: a file name" --record
	expect_usage_error "option '--replay' needs an argument: a file name" --replay
}

@test "unknown state name lists the accepted names" {
	expect_usage_error "unknown state 'foo' in --state; accepted: established, syn-sent.*closing, or all, connected" --state foo
	expect_usage_error "unknown state 'bogus'" --state listen,bogus
	expect_usage_error "unknown state 'fin-wait-3'" --state fin-wait-3
}

@test "empty state list" {
	expect_usage_error "--state needs at least one state" --state ""
	expect_usage_error "--state needs at least one state" --state ,
}

@test "unknown command lists the commands" {
	expect_usage_error "unknown command 'lst'; commands: diagnose, list, check, explain" lst
}

@test "extra argument after the command" {
	expect_usage_error "unexpected argument 'extra'" diagnose extra
}

@test "--record and --replay together" {
	expect_usage_error "--record and --replay cannot be used together" --record a --replay b
}

@test "every accepted state spelling is taken" {
	local s
	for s in established estab ESTABLISHED syn-sent SYN_SENT syn-recv syn_recv syn-received \
		fin-wait-1 FIN_WAIT1 finwait1 fin-wait-2 FIN_WAIT2 time-wait TIME_WAIT close closed \
		unconn close-wait CLOSE_WAIT last-ack LAST_ACK listen listening LISTEN closing CLOSING \
		all connected synchronized bucket big; do
		run "$TCPDX" --replay /dev/null --state "$s" -j
		[ "$status" -eq 0 ] || { echo "--state $s: exit $status: $output" >&2; return 1; }
	done
}

@test "a replay file that does not exist is a runtime error (exit 1)" {
	run --separate-stderr "$TCPDX" --replay /nonexistent/dump.nl
	[ "$status" -eq 1 ]
	[[ "$stderr" == "tcpdx: --replay: cannot open '/nonexistent/dump.nl': No such file or directory" ]]
}

@test "a corrupt replay file is a runtime error (exit 1), not a crash" {
	local f=$BATS_TEST_TMPDIR/garbage.nl
	head -c 1000 /dev/urandom >"$f"
	run --separate-stderr "$TCPDX" --replay "$f"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "tcpdx: replay: the recording is "* ]]
}

@test "a record file that cannot be written is a runtime error (exit 1)" {
	run --separate-stderr "$TCPDX" --record /nonexistent/dir/dump.nl
	[ "$status" -eq 1 ]
	[[ "$stderr" == "tcpdx: --record: cannot write '/nonexistent/dir/dump.nl': No such file or directory" ]]
}

@test "an empty replay counts nothing and says so in JSON" {
	run "$TCPDX" --replay /dev/null -j
	[ "$status" -eq 0 ]
	[ "$(jq -r '.source' <<<"$output")" = replay ]
	[ "$(jq -r '.total' <<<"$output")" = 0 ]
	[ "$(jq -r '.states.close' <<<"$output")" = null ]
	[ "$(jq -r '[.states[]] | length' <<<"$output")" = 11 ]
}

@test "options may come before or after the command" {
	run "$TCPDX" --replay /dev/null diagnose -j
	[ "$status" -eq 0 ]
	jq -e '.schema_version == 1' <<<"$output" >/dev/null
	run "$TCPDX" -j --replay /dev/null diagnose
	[ "$status" -eq 0 ]
	jq -e '.schema_version == 1' <<<"$output" >/dev/null
}

@test "-4 and -6 choose the families shown" {
	run "$TCPDX" --replay /dev/null -4 -j
	[ "$(jq -c '.families' <<<"$output")" = '["ipv4"]' ]
	[ "$(jq -r '.ipv6.established' <<<"$output")" = null ]
	run "$TCPDX" --replay /dev/null -6
	[[ "${lines[1]}" == "STATE"*"IPV6"*"TOTAL"* ]]
	[[ "${lines[1]}" != *IPV4* ]]
}

@test "a closed stdout is an error, not silence" {
	if [ ! -e /dev/full ]; then
		skip "no /dev/full"
	fi
	run --separate-stderr bash -c '"$0" --replay /dev/null >/dev/full' "$TCPDX"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "tcpdx: writing the output failed: No space left on device" ]]
}

@test "bad --threshold: unknown rule, unknown parameter, bad value, bad form" {
	expect_usage_error "unknown rule 'nosuch' in --threshold; rules: listen-overflow, syn-sent" \
		--threshold nosuch.warning=1
	expect_usage_error "rule 'close-wait' has no parameter 'warn'; it has: warning, critical" \
		--threshold close-wait.warn=1
	expect_usage_error "bad value 'lots' for close-wait.warning; expected a number >= 0" \
		-t close-wait.warning=lots
	expect_usage_error "bad value '-1' for close-wait.warning" --threshold close-wait.warning=-1
	expect_usage_error "bad --threshold 'close-wait'; expected RULE.PARAM=VALUE" \
		--threshold close-wait
	expect_usage_error "option '--threshold' needs an argument: RULE.PARAM=VALUE" --threshold
}

@test "bad --interval and --color" {
	expect_usage_error "bad --interval 'soon'; expected seconds from 0 to 3600" --interval soon
	expect_usage_error "bad --interval '-1'" -i -1
	expect_usage_error "bad --interval '4000'" -i 4000
	expect_usage_error "option '--interval' needs an argument: a number of seconds" --interval
	expect_usage_error "bad --color 'sometimes'; expected auto, always or never" --color=sometimes
}

@test "check: usage and runtime errors are UNKNOWN (exit 3)" {
	run --separate-stderr "$TCPDX" check --bogus
	[ "$status" -eq 3 ]
	[[ "$stderr" == "tcpdx: unknown option '--bogus'"* ]]
	[[ "$output" == "TCPDX UNKNOWN - unknown option '--bogus'"* ]]
	run --separate-stderr "$TCPDX" check --replay /nonexistent/x.nl
	[ "$status" -eq 3 ]
	[[ "$stderr" == "tcpdx: --replay: cannot open"* ]]
	run --separate-stderr "$TCPDX" check extra
	[ "$status" -eq 3 ]
}

@test "check on a recording: one line with perfdata for every queried state" {
	run --separate-stderr "$TCPDX" check --replay /dev/null
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "TCPDX OK - 0 TCP sockets, no problems found | established=0 syn_sent=0 "* ]]
	[[ "$output" == *" closing=0" ]]
}

@test "explain: overview, a state, a rule, an unknown topic" {
	run "$TCPDX" explain
	[ "$status" -eq 0 ]
	local st
	for st in ESTABLISHED SYN-SENT SYN-RECV FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT CLOSE CLOSE-WAIT \
		LAST-ACK LISTEN CLOSING; do
		grep -q -- "$st" <<<"$output" || { echo "overview lacks $st" >&2; return 1; }
	done
	run "$TCPDX" explain TIME_WAIT
	[ "$status" -eq 0 ]
	grep -qi "remote did close" <<<"$output"
	run "$TCPDX" explain orphans
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "Rule orphans"* ]]
	run "$TCPDX" --threshold close-wait.warning=42 explain close-wait
	[ "$status" -eq 0 ]
	grep -q "warning = 42" <<<"$output"
	run --separate-stderr "$TCPDX" explain bogus
	[ "$status" -eq 2 ]
	[[ "$stderr" == "tcpdx: unknown topic 'bogus'; topics: "* ]]
	expect_usage_error "unexpected argument 'more'; explain takes one topic" explain close-wait more
}

@test "--color: none in a pipe, always on request (even with NO_COLOR), never on request" {
	run "$TCPDX" --replay /dev/null
	[[ "$output" != *$'\033['* ]]
	run "$TCPDX" --replay /dev/null --color=always
	[[ "$output" == *$'\033['* ]]
	NO_COLOR=1 run "$TCPDX" --replay /dev/null --color=always
	[[ "$output" == *$'\033['* ]]
	run "$TCPDX" --replay /dev/null --color=never
	[[ "$output" != *$'\033['* ]]
}

@test "--color=auto on a terminal: colours, unless NO_COLOR or TERM=dumb" {
	command -v script >/dev/null || skip "script(1) is not installed"
	run script -qec "'$TCPDX' --replay /dev/null" /dev/null
	[[ "$output" == *$'\033['* ]]
	NO_COLOR=1 run script -qec "'$TCPDX' --replay /dev/null" /dev/null
	[[ "$output" != *$'\033['* ]]
	TERM=dumb run script -qec "'$TCPDX' --replay /dev/null" /dev/null
	[[ "$output" != *$'\033['* ]]
}

@test "bad --by, --top, --sort and options that belong to another command" {
	expect_usage_error "bad --by 'program'; expected process, lport, peer or rhost" --by program
	expect_usage_error "bad --top '0'; expected a number of groups from 1 to 100000" --by lport --top 0
	expect_usage_error "bad --top 'x'" --top x
	expect_usage_error "bad --sort 'size'; expected state, queue, peer or owner" list --sort size
	expect_usage_error "--sort and --ndjson are for tcpdx list" --sort state
	expect_usage_error "--sort and --ndjson are for tcpdx list" --ndjson
	expect_usage_error "--by and --all-netns are for diagnose and check, not list" list --by process
	expect_usage_error "--netns and --all-netns cannot be used together" -N x --all-netns
	expect_usage_error "--replay reads a recording, not a namespace" --replay /dev/null -N x
	expect_usage_error "option '--netns' needs an argument: a namespace name, a pid or a path" --netns
	expect_usage_error "option '--sport' needs an argument: a port or a range" --sport
}

@test "list on a recording: text header, an empty JSON array, no NDJSON lines" {
	run "$TCPDX" list --replay /dev/null
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "STATE "*"RECV-Q"*"LOCAL ADDRESS:PORT"*"PEER ADDRESS:PORT"* ]]
	[ "${#lines[@]}" -eq 1 ]
	run "$TCPDX" list --replay /dev/null -j
	[ "$output" = "[]" ]
	run "$TCPDX" list --replay /dev/null --ndjson
	[ -z "$output" ]
}

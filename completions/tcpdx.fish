# fish completion for tcpdx(8)
# Install in a directory of $fish_complete_path, e.g.
# $(pkg-config --variable completionsdir fish).
# The lists below mirror src/main.c (options, --by and --sort keys),
# src/states.c, src/filter.c and the rule table in src/rules.c; keep them
# in step.

# Print the state names that complete the current comma-separated list:
# what precedes the last comma is kept, and names already in the list
# are not offered again.
function __tcpdx_states
    set -l tok (commandline -ct | string replace -r -- '^--state=' '')
    set -l prefix ''
    set -l used
    if string match -q -- '*,*' $tok
        set prefix (string replace -r -- ',[^,]*$' ',' $tok)
        set used (string split -- ',' $prefix)
    end
    for s in \
        established\t'ESTABLISHED (1)' \
        syn-sent\t'SYN-SENT (2): connect() waits for the SYN-ACK' \
        syn-recv\t'SYN-RECV (3): request sockets' \
        fin-wait-1\t'FIN-WAIT-1 (4): our FIN not yet acknowledged' \
        fin-wait-2\t'FIN-WAIT-2 (5): waiting for the peer FIN' \
        time-wait\t'TIME-WAIT (6): we closed first; 60 s' \
        close\t'CLOSE (7): bound-only sockets (Linux 6.8+)' \
        close-wait\t'CLOSE-WAIT (8): waiting for the local close()' \
        last-ack\t'LAST-ACK (9): our FIN after the peer one' \
        listen\t'LISTEN (10)' \
        closing\t'CLOSING (11): simultaneous close' \
        all\t'every state, bound-only sockets included' \
        connected\t'all but listen and close' \
        synchronized\t'connected minus syn-sent' \
        bucket\t'syn-recv and time-wait' \
        big\t'all but bucket'
        set -l name (string split -f1 -- \t $s)
        contains -- $name $used; and continue
        printf '%s%s\n' $prefix $s
    end
end

# Complete a comma-separated list: the candidates (NAME or NAME<tab>DESC)
# come as arguments; what precedes the last comma of the current token is
# kept, and names already in the list are not offered again.
function __tcpdx_list
    set -l tok (commandline -ct | string replace -r -- '^--[a-z]+=' '')
    set -l prefix ''
    set -l used
    if string match -q -- '*,*' $tok
        set prefix (string replace -r -- ',[^,]*$' ',' $tok)
        set used (string split -- ',' $prefix)
    end
    for c in $argv
        set -l name (string split -f1 -- \t $c)
        contains -- $name $used; and continue
        printf '%s%s\n' $prefix $c
    end
end

# -N: namespace names from ip netns (or the run directories), or pids, or
# a path to a namespace file once a '/' is typed.
function __tcpdx_netns
    set -l tok (commandline -ct | string replace -r -- '^(--netns=|-N)' '')
    if string match -q -- '*/*' $tok
        __fish_complete_path $tok
        return
    end
    if string match -qr -- '^[0-9]' $tok
        ps -eo pid=,comm= 2>/dev/null | string trim | string replace -r -- '\s+' \t
        return
    end
    set -l names (ip netns list 2>/dev/null | string replace -r -- ' .*' '')
    if test (count $names) -eq 0
        for f in /run/netns/* /var/run/netns/*
            test -e $f; and set -a names (string replace -r -- '.*/' '' $f)
        end
    end
    printf '%s\tnetwork namespace\n' (printf '%s\n' $names | sort -u)
end

# RULE.PARAM=VALUE for --threshold: "RULE." while no dot has been typed,
# then "RULE.PARAM=" for that rule; nothing for the value.
function __tcpdx_thresholds
    set -l tok (commandline -ct | string replace -r -- '^(--threshold=|-t)' '')
    set -l all \
        listen-overflow.queue_warning\t'% of the backlog an accept queue may fill (80)' \
        listen-overflow.rate_warning\t'ListenOverflows/ListenDrops per second (0)' \
        syn-sent.warning\t'SYN-SENT sockets that resent their SYN (1)' \
        syn-sent.critical\t'SYN-SENT sockets that resent their SYN (100)' \
        syn-recv.warning\t'requests that resent their SYN-ACK (10)' \
        syn-recv.queue_warning\t'% of a listener backlog in requests (50)' \
        syn-recv.queue_critical\t'% of a listener backlog in requests (100)' \
        close-wait.warning\t'CLOSE-WAIT sockets (10)' \
        close-wait.critical\t'CLOSE-WAIT sockets (500)' \
        fin-wait-2.warning\t'FIN-WAIT-2 sockets (50)' \
        fin-wait-2.critical\t'FIN-WAIT-2 sockets (1000)' \
        fin-wait-1.warning\t'FIN-WAIT-1 sockets (20)' \
        fin-wait-1.critical\t'FIN-WAIT-1 sockets (1000)' \
        last-ack.warning\t'LAST-ACK sockets (20)' \
        last-ack.critical\t'LAST-ACK sockets (1000)' \
        closing.warning\t'CLOSING sockets (5)' \
        closing.critical\t'CLOSING sockets (500)' \
        time-wait.buckets_warning\t'% of tcp_max_tw_buckets in use (80)' \
        time-wait.buckets_critical\t'% of tcp_max_tw_buckets in use (95)' \
        ephemeral-ports.warning\t'% of the port range toward one destination (70)' \
        ephemeral-ports.critical\t'% of the port range toward one destination (90)' \
        orphans.warning\t'% of tcp_max_orphans (25)' \
        orphans.critical\t'% of tcp_max_orphans (50)' \
        tcp-memory.warning\t'% of the tcp_mem pressure threshold (100)' \
        tcp-memory.critical\t'% of the tcp_mem maximum (100)' \
        established.rq_bytes\t'receive queue bytes that count as unread (65536)' \
        established.unread_warning\t'sockets with rq_bytes unread (1)' \
        established.zero_window_warning\t'sockets probing a zero window (1)' \
        established.retrans_warning\t'sockets in retransmission timeouts (5)' \
        aborts.timeout_warning\t'TCPAbortOnTimeout per second (0)' \
        aborts.memory_critical\t'TCPAbortOnMemory per second (0)' \
        aborts.close_info\t'TCPAbortOnClose+OnData+OnLinger per second (0)'
    string match -q -- '*=*' $tok; and return
    if string match -q -- '*.*' $tok
        for p in $all
            set -l name (string split -f1 -- \t $p)
            set -l desc (string split -f2 -- \t $p)
            string match -q -- "$tok*" $name; and printf '%s=\t%s\n' $name $desc
        end
        return
    end
    for r in \
        listen-overflow\t'accept queue overflow' \
        syn-sent\t'unanswered SYNs' \
        syn-recv\t'half-open connections' \
        close-wait\t'CLOSE-WAIT pile-up' \
        fin-wait-2\t'FIN-WAIT-2 pile-up' \
        fin-wait-1\t'FIN not acknowledged' \
        last-ack\t'final ACK missing' \
        closing\t'simultaneous close stuck' \
        time-wait\t'TIME-WAIT' \
        ephemeral-ports\t'ephemeral port exhaustion' \
        orphans\t'orphaned sockets' \
        tcp-memory\t'TCP memory' \
        established\t'stalled connections' \
        aborts\t'aborted connections'
        set -l name (string split -f1 -- \t $r)
        set -l desc (string split -f2 -- \t $r)
        printf '%s.\t%s\n' $name $desc
    end
end

# The words that are neither options nor their arguments, in order: the
# command, then explain's topic.
function __tcpdx_args
    set -l words (commandline -opc)
    set -e words[1]
    set -l skip 0
    for w in $words
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $w
            case --state --record --replay -i --interval -t --threshold \
                --sport --dport --src --dst --pid --comm --uid \
                -N --netns --by --top --sort -d --delay -n --iterations
                set skip 1
            case '-*'
            case '*'
                echo $w
        end
    end
end

function __tcpdx_no_command
    test (count (__tcpdx_args)) -eq 0
end

# True when the command is explain and its topic is still to come.
function __tcpdx_wants_topic
    set -l args (__tcpdx_args)
    test (count $args) -eq 1; and test "$args[1]" = explain
end

complete -c tcpdx -f
complete -c tcpdx -n __tcpdx_no_command -a diagnose \
    -d 'States, listeners, key settings, findings (default)'
complete -c tcpdx -n __tcpdx_no_command -a list \
    -d 'One line per socket, like ss -tan, with owner, timer, idle time'
complete -c tcpdx -n __tcpdx_no_command -a check \
    -d 'One monitoring-plugin line; exit 0/1/2/3'
complete -c tcpdx -n __tcpdx_no_command -a explain \
    -d 'What a state or a rule means'
complete -c tcpdx -n __tcpdx_no_command -a top \
    -d 'Live view: states, trends, findings, groups (q quits)'

# explain's topics: the states, then the rules that are not also states.
complete -c tcpdx -n __tcpdx_wants_topic -a "
    established\t'state 1'
    syn-sent\t'state 2, rule'
    syn-recv\t'state 3, rule'
    fin-wait-1\t'state 4, rule'
    fin-wait-2\t'state 5, rule'
    time-wait\t'state 6, rule'
    close\t'state 7'
    close-wait\t'state 8, rule'
    last-ack\t'state 9, rule'
    listen\t'state 10'
    closing\t'state 11, rule'
    listen-overflow\t'rule: accept queue overflow'
    ephemeral-ports\t'rule: ephemeral port exhaustion'
    orphans\t'rule: orphaned sockets'
    tcp-memory\t'rule: TCP memory'
    aborts\t'rule: aborted connections'"

complete -c tcpdx -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpdx -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpdx -l state -x -a '(__tcpdx_states)' \
    -d 'Count only these states (comma-separated)'
complete -c tcpdx -l sport -x \
    -d 'Only these local ports or ranges (80,8000-8080)'
complete -c tcpdx -l dport -x -d 'Only these remote ports or ranges'
complete -c tcpdx -l src -x \
    -d 'Only these local addresses or prefixes (10.0.0.0/8)'
complete -c tcpdx -l dst -x -d 'Only these remote addresses or prefixes'
complete -c tcpdx -l pid -x \
    -a '(__tcpdx_list (ps -eo pid=,comm= 2>/dev/null | string trim | string replace -r -- "\s+" \t))' \
    -d 'Only sockets of these processes'
# Not the names longer than the 15 bytes tcpdx accepts (kernel threads').
complete -c tcpdx -l comm -x \
    -a '(__tcpdx_list (ps -eo comm= 2>/dev/null | LC_ALL=C awk "length <= 15" | sort -u))' \
    -d 'Only sockets of processes with these names'
complete -c tcpdx -l uid -x -a '(__tcpdx_list (__fish_complete_users))' \
    -d 'Only sockets of these users (ids or names)'
complete -c tcpdx -s p -l processes -d 'Look up the process owning each socket'
complete -c tcpdx -s N -l netns -x -a '(__tcpdx_netns)' \
    -d 'Run in a network namespace (name, pid or path)'
complete -c tcpdx -l all-netns -d 'Diagnose every network namespace, and the total'
complete -c tcpdx -l by -x -a "
    process\t'the owner process (implies -p)'
    lport\t'the local port'
    peer\t'the peer address and port'
    rhost\t'the peer address'" -d 'Count states per group'
complete -c tcpdx -l top -x -d 'With --by: how many groups to show (default 10)'
complete -c tcpdx -l sort -x -a "
    state\t'kernel state order'
    queue\t'receive plus send queue, largest first'
    peer\t'peer address and port'
    owner\t'process name, then pid'" -d 'list: sort the sockets (held in memory)'
complete -c tcpdx -l ndjson -d 'list: one JSON object per line'
complete -c tcpdx -l numeric -d 'Addresses as numbers (always)'
complete -c tcpdx -s d -l delay -x -d 'top: seconds between refreshes (0.01-3600)'
complete -c tcpdx -s n -l iterations -x -d 'top: quit after this many refreshes'
complete -c tcpdx -s b -l batch -d 'top: plain frames on stdout, no terminal'
complete -c tcpdx -s i -l interval -x \
    -d 'Seconds between two reads of the counters (0: no rates)'
complete -c tcpdx -s t -l threshold -x -a '(__tcpdx_thresholds)' \
    -d 'Change a rule threshold: RULE.PARAM=VALUE'
complete -c tcpdx -s j -l json -d 'Write one JSON document'
# WHEN only ever follows '=' (--color=never): fish offers these values in
# that form only, since the option does not require a parameter.
complete -c tcpdx -l color -a 'auto always never' -d 'Colour the text'
complete -c tcpdx -l colour -a 'auto always never' -d 'Colour the text'
complete -c tcpdx -l record -r -F \
    -d 'Also write the raw netlink replies to FILE'
complete -c tcpdx -l replay -r -F \
    -d 'Read netlink replies from FILE made by --record'
complete -c tcpdx -s h -l help -d 'Show usage and exit'
complete -c tcpdx -s V -l version -d 'Show the version and exit'

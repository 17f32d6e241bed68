# fish completion for tcpdx(8)
# Install in a directory of $fish_complete_path, e.g.
# $(pkg-config --variable completionsdir fish).

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

# True while no command has been given yet (the words after an option
# that takes an argument are not commands).
function __tcpdx_no_command
    set -l words (commandline -opc)
    set -e words[1]
    set -l skip 0
    for w in $words
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $w
            case --state --record --replay
                set skip 1
            case '-*'
            case '*'
                return 1
        end
    end
    return 0
end

complete -c tcpdx -f
complete -c tcpdx -n __tcpdx_no_command -a diagnose \
    -d 'Count sockets by state (the default)'
complete -c tcpdx -s 4 -l ipv4 -d 'IPv4 sockets only'
complete -c tcpdx -s 6 -l ipv6 -d 'IPv6 sockets only'
complete -c tcpdx -l state -x -a '(__tcpdx_states)' \
    -d 'Count only these states (comma-separated)'
complete -c tcpdx -s j -l json -d 'Write one JSON document'
complete -c tcpdx -l record -r -F \
    -d 'Also write the raw netlink replies to FILE'
complete -c tcpdx -l replay -r -F \
    -d 'Read netlink replies from FILE made by --record'
complete -c tcpdx -s h -l help -d 'Show usage and exit'
complete -c tcpdx -s V -l version -d 'Show the version and exit'

# bash completion for tcpdx(8)                             -*- shell-script -*-
# Install as <completionsdir>/tcpdx (see pkg-config bash-completion).
#
# The lists below mirror src/main.c (options, --by and --sort keys),
# src/states.c, src/filter.c and the rule table in src/rules.c; keep them
# in step. Plain assignments, not declare: this file may be sourced inside
# a function (bash-completion's loader), and these must stay global.

_tcpdx_states="established syn-sent syn-recv fin-wait-1 fin-wait-2
	time-wait close close-wait last-ack listen closing
	all connected synchronized bucket big"

# What `tcpdx explain` takes: the states, then the rule ids that are not
# also state names.
_tcpdx_topics="established syn-sent syn-recv fin-wait-1 fin-wait-2
	time-wait close close-wait last-ack listen closing
	listen-overflow ephemeral-ports orphans tcp-memory aborts"

# Every RULE.PARAM that --threshold accepts, in rule table order.
_tcpdx_thresholds="listen-overflow.queue_warning listen-overflow.rate_warning
	syn-sent.warning syn-sent.critical
	syn-recv.warning syn-recv.queue_warning syn-recv.queue_critical
	close-wait.warning close-wait.critical
	fin-wait-2.warning fin-wait-2.critical
	fin-wait-1.warning fin-wait-1.critical
	last-ack.warning last-ack.critical
	closing.warning closing.critical
	time-wait.buckets_warning time-wait.buckets_critical
	ephemeral-ports.warning ephemeral-ports.critical
	orphans.warning orphans.critical
	tcp-memory.warning tcp-memory.critical
	established.rq_bytes established.unread_warning
	established.zero_window_warning established.retrans_warning
	aborts.timeout_warning aborts.memory_critical aborts.close_info"

# Complete a comma-separated list of states in $cur: keep what is
# before the last comma, complete the part after it, and do not offer
# names the list already holds.
_tcpdx_complete_states()
{
	local prefix="" part="$cur" name
	local -a words=()
	if [[ $cur == *,* ]]; then
		prefix=${cur%,*},
		part=${cur##*,}
	fi
	for name in $_tcpdx_states; do
		[[ ,$prefix == *,"$name",* ]] && continue
		[[ $name == "$part"* ]] && words+=("$prefix$name")
	done
	COMPREPLY=("${words[@]}")
	# Let the user type a comma after a complete name.
	[[ ${#COMPREPLY[@]} -eq 1 ]] && compopt -o nospace 2>/dev/null
	return 0
}

# Complete a comma-separated list in $cur from the words in $1: keep what
# is before the last comma, complete the part after it, and do not offer
# words the list already holds.
_tcpdx_complete_list()
{
	local prefix="" part="$cur" w
	local -a words=()
	if [[ $cur == *,* ]]; then
		prefix=${cur%,*},
		part=${cur##*,}
	fi
	for w in $1; do
		[[ ,$prefix == *,"$w",* ]] && continue
		[[ $w == "$part"* ]] && words+=("$prefix$w")
	done
	COMPREPLY=("${words[@]}")
	[[ ${#COMPREPLY[@]} -eq 1 ]] && compopt -o nospace 2>/dev/null
	return 0
}

# The network namespaces named by `ip netns add`: ip netns list prints
# "NAME" or "NAME (id: N)"; without ip, the run directories.
_tcpdx_netns_names()
{
	local names
	names=$(ip netns list 2>/dev/null | awk '{ print $1 }')
	[[ -n $names ]] ||
		names=$(command ls -1 /run/netns /var/run/netns 2>/dev/null |
			awk 'NF && !/:$/ && !/^\./ && !seen[$0]++')
	printf '%s\n' "$names"
}

# Complete RULE.PARAM=VALUE in $cur in two steps: "RULE." while no dot has
# been typed, then "RULE.PARAM=" for that rule. Nothing for the value.
_tcpdx_complete_threshold()
{
	local w rule
	local -a words=()
	[[ $cur == *=* ]] && return 0
	for w in $_tcpdx_thresholds; do
		if [[ $cur == *.* ]]; then
			[[ $w == "$cur"* ]] && words+=("$w=")
		else
			rule=${w%%.*}.
			[[ $rule == "$cur"* && " ${words[*]} " != *" $rule "* ]] &&
				words+=("$rule")
		fi
	done
	COMPREPLY=("${words[@]}")
	compopt -o nospace 2>/dev/null
	return 0
}

_tcpdx()
{
	local cur prev words cword split
	_init_completion -s || return

	case $prev in
	--record | --replay)
		_filedir
		return
		;;
	--state)
		_tcpdx_complete_states
		return
		;;
	--by)
		mapfile -t COMPREPLY < <(compgen -W 'process lport peer rhost' -- "$cur")
		return
		;;
	--sort)
		mapfile -t COMPREPLY < <(compgen -W 'state queue peer owner' -- "$cur")
		return
		;;
	-N | --netns)
		# A name (ip netns), a pid, or a path to a namespace file.
		if [[ $cur == */* ]]; then
			_filedir
		elif [[ $cur == [0-9]* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(command ps -eo pid= 2>/dev/null)" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_tcpdx_netns_names)" -- "$cur")
		fi
		return
		;;
	--comm)
		# The names of the running processes, as in /proc/PID/comm; not
		# those longer than the 15 bytes tcpdx accepts (kernel threads').
		_tcpdx_complete_list "$(command ps -eo comm= 2>/dev/null |
			LC_ALL=C awk 'length <= 15' | sort -u)"
		return
		;;
	--uid)
		_tcpdx_complete_list "$(compgen -u)"
		return
		;;
	--pid)
		_tcpdx_complete_list "$(command ps -eo pid= 2>/dev/null)"
		return
		;;
	--sport | --dport | --src | --dst | --top)
		# Ports, prefixes or a number: nothing to offer.
		return
		;;
	-t | --threshold)
		_tcpdx_complete_threshold
		return
		;;
	--color | --colour)
		# WHEN only ever follows '=': "--color never" would make "never"
		# the command.
		if $split; then
			mapfile -t COMPREPLY < <(compgen -W 'auto always never' -- "$cur")
			return
		fi
		;;
	-i | --interval | -d | --delay | -n | --iterations)
		# A number of seconds or of refreshes; nothing to offer.
		return
		;;
	-h | --help | -V | --version)
		return
		;;
	esac

	$split && return

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W '-4 --ipv4 -6 --ipv6
			--state --sport --dport --src --dst --pid --comm --uid
			-p --processes -N --netns --all-netns --by --top
			--sort --ndjson --numeric
			-d --delay -n --iterations -b --batch
			-i --interval -t --threshold -j --json
			--color= --colour= --record --replay -h --help
			-V --version' -- "$cur")
		[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] &&
			compopt -o nospace 2>/dev/null
		return
	fi

	# The command (at most one, anywhere among the options) and, after
	# explain, one topic.
	local i command="" nargs=0
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--record | --replay | --state | -i | --interval | -t | --threshold | \
			--sport | --dport | --src | --dst | --pid | --comm | --uid | \
			-N | --netns | --by | --top | --sort | -d | --delay | -n | --iterations)
			((i++))
			;;
		-*) ;;
		*)
			if [[ -z $command ]]; then
				command=${words[i]}
			else
				((nargs++))
			fi
			;;
		esac
	done
	if [[ -z $command ]]; then
		mapfile -t COMPREPLY < <(compgen -W 'diagnose list check explain top' -- "$cur")
	elif [[ $command == explain ]] && ((nargs == 0)); then
		mapfile -t COMPREPLY < <(compgen -W "$_tcpdx_topics" -- "$cur")
	fi
} &&
	complete -F _tcpdx tcpdx

# ex: filetype=sh

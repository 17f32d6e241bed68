# bash completion for tcpdx(8)                             -*- shell-script -*-
# Install as <completionsdir>/tcpdx (see pkg-config bash-completion).

_tcpdx_states="established syn-sent syn-recv fin-wait-1 fin-wait-2
	time-wait close close-wait last-ack listen closing
	all connected synchronized bucket big"

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
	-h | --help | -V | --version)
		return
		;;
	esac

	$split && return

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W '-4 --ipv4 -6 --ipv6
			--state -j --json --record --replay -h --help
			-V --version' -- "$cur")
		return
	fi

	# The command: at most one, anywhere among the options.
	local i
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--record | --replay | --state) ((i++)) ;;
		-*) ;;
		*) return ;;
		esac
	done
	mapfile -t COMPREPLY < <(compgen -W 'diagnose' -- "$cur")
} &&
	complete -F _tcpdx tcpdx

# ex: filetype=sh

#!/usr/bin/env bats
# make install / uninstall into a scratch DESTDIR: the binary, the man page and
# the three completions land where their tools look, and uninstall removes them.

setup() {
	BUILDDIR=${BUILDDIR:-$BATS_TEST_DIRNAME/../..}
	DEST=$BATS_TEST_TMPDIR/root
}

mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$BUILDDIR" "$@" DESTDIR="$DEST"
}

@test "make install puts every file in place and uninstall removes them" {
	run mk install
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
	local f want
	for want in /bin/tcpdx /share/man/man8/tcpdx.8 /share/bash-completion/completions/tcpdx \
		/share/zsh/site-functions/_tcpdx /share/fish/vendor_completions.d/tcpdx.fish; do
		f=$(find "$DEST" -path "*$want" -type f | head -n 1)
		[ -n "$f" ] || { echo "missing after install: *$want" >&2; find "$DEST" >&2; return 1; }
	done
	f=$(find "$DEST" -path '*/bin/tcpdx' -type f)
	[ -x "$f" ]
	run "$f" --version
	[ "$status" -eq 0 ]
	[[ "$output" == "tcpdx "* ]]

	run mk uninstall
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
	run find "$DEST" -type f
	[ -z "$output" ] || { echo "left after uninstall: $output" >&2; return 1; }
}

@test "the installed man page renders without warnings" {
	command -v groff >/dev/null || skip "groff is not installed"
	run bash -c "groff -man -Tutf8 -ww -z '$TOP_SRCDIR/man/tcpdx.8' 2>&1"
	[ "$status" -eq 0 ]
	[ -z "$output" ] || { echo "$output" >&2; return 1; }
}

@test "the bash completion offers states after --state" {
	bash_completion=/usr/share/bash-completion/bash_completion
	[ -r "$bash_completion" ] || skip "bash-completion is not installed"
	run bash -c "source '$bash_completion'; source '$TOP_SRCDIR/completions/tcpdx.bash';
		COMP_WORDS=(tcpdx --state clos); COMP_CWORD=2; COMP_LINE='tcpdx --state clos'; COMP_POINT=\${#COMP_LINE};
		_tcpdx tcpdx clos --state; printf '%s\n' \"\${COMPREPLY[@]}\""
	[ "$status" -eq 0 ]
	grep -qx 'close-wait' <<<"$output" || { echo "got: $output" >&2; return 1; }
	grep -qx 'closing' <<<"$output"
}

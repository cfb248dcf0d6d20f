# tests/uml/lib/tap.sh - print TAP (Test Anything Protocol) from bash test scripts.
#
# Source it, then:
#   tap_plan N                 print "1..N" (call once, first)
#   tap_skip_all REASON        print "1..0 # SKIP REASON" and exit 0 (the whole test is skipped)
#   tap_ok DESC / tap_not_ok DESC
#   tap_check DESC CMD [ARG…]  run CMD; ok when it exits 0, else not ok (its output goes to stderr)
#   tap_is DESC GOT WANT       ok when the two strings are equal, otherwise the diagnostic shows both
#   tap_skip DESC REASON       "ok N - DESC # SKIP REASON"
#   tap_diag TEXT…             "# TEXT" lines (diagnostics; the TAP driver shows them in the log)
#   tap_diag_file FILE [N]     the last N (default 40) lines of FILE as diagnostics
#   tap_import FILE            re-number and print the ok/not ok lines a guest wrote into FILE
#                              (see guest_tap_* in guest-lib.sh); missing FILE gives nothing
#   tap_bail_out REASON        "Bail out! REASON" and exit 1
#   tap_finish                 print "1..N" now if tap_plan was never called (a plan at the end
#                              is valid TAP), then exit 0 when every test passed and the plan
#                              was met, else 1
#
# Output goes to stdout, or to the file named by $TAP_FILE when it is set (the guest uses that
# to hand its results back through the output folder).

TAP_COUNT=0
TAP_FAILED=0
TAP_PLANNED=

_tap_emit() {
	if [ -n "${TAP_FILE:-}" ]; then
		printf '%s\n' "$*" >>"$TAP_FILE"
	else
		printf '%s\n' "$*"
	fi
}

tap_plan() {
	TAP_PLANNED=$1
	_tap_emit "1..$1"
}

tap_skip_all() {
	_tap_emit "1..0 # SKIP $*"
	exit 0
}

tap_ok() {
	TAP_COUNT=$((TAP_COUNT + 1))
	_tap_emit "ok $TAP_COUNT - $*"
}

tap_not_ok() {
	TAP_COUNT=$((TAP_COUNT + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	_tap_emit "not ok $TAP_COUNT - $*"
}

tap_check() {
	local desc=$1
	shift
	if "$@" >&2; then
		tap_ok "$desc"
		return 0
	fi
	tap_not_ok "$desc"
	tap_diag "command failed: $*"
	return 1
}

tap_is() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
		return 0
	fi
	tap_not_ok "$1"
	tap_diag "got:  '$2'"
	tap_diag "want: '$3'"
	return 1
}

tap_skip() {
	TAP_COUNT=$((TAP_COUNT + 1))
	_tap_emit "ok $TAP_COUNT - $1 # SKIP $2"
}

tap_diag() {
	local line
	printf '%s\n' "$*" | while IFS= read -r line; do
		_tap_emit "# $line"
	done
}

tap_diag_file() {
	local file=$1 lines=${2:-40} line
	if [ ! -r "$file" ]; then
		tap_diag "($file: missing)"
		return 0
	fi
	tap_diag "---- last $lines lines of $file"
	tail -n "$lines" "$file" | while IFS= read -r line; do
		_tap_emit "# $line"
	done
}

tap_import() {
	local file=$1 line rest
	[ -r "$file" ] || return 0
	while IFS= read -r line; do
		case $line in
		"ok "*)
			rest=${line#ok }
			rest=${rest#* - }
			case $rest in
			*" # SKIP "*) tap_skip "${rest%% # SKIP *}" "${rest#* # SKIP }" ;;
			*) tap_ok "$rest" ;;
			esac
			;;
		"not ok "*)
			rest=${line#not ok }
			rest=${rest#* - }
			tap_not_ok "$rest"
			;;
		"#"*) _tap_emit "$line" ;;
		esac
	done <"$file"
}

tap_bail_out() {
	_tap_emit "Bail out! $*"
	exit 1
}

tap_finish() {
	if [ -z "$TAP_PLANNED" ]; then
		tap_plan "$TAP_COUNT"
	fi
	if [ -n "$TAP_PLANNED" ] && [ "$TAP_PLANNED" != "$TAP_COUNT" ]; then
		tap_diag "planned $TAP_PLANNED tests but ran $TAP_COUNT"
		exit 1
	fi
	[ "$TAP_FAILED" -eq 0 ] || exit 1
	exit 0
}

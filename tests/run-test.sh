#!/bin/sh
# Runs one test program for automake's TAP driver: GLib test programs get
# --tap; shell scripts print TAP themselves.
#
# Sanitizers (configure --enable-sanitizers; README.md, "Sanitizers"): every
# test runs with ASAN/UBSAN/LSAN_OPTIONS that write each report to a file in
# tests/sanitizer-logs/TEST/ instead of a stream the test may not show, and
# after the test any non-empty report there (UML guests' reports are copied in
# by uml-run.sh) fails it with "Bail out!". The options are harmless in a
# plain build: only sanitized programs read them.
test=$1
name=$(echo "${test#"${top_srcdir:-.}"/}" | sed 's|^\./||; s|^\.\./||; s|/|_|g')
dir=${top_builddir:-.}/tests/sanitizer-logs/$name
rm -rf "$dir" && mkdir -p "$dir" || { echo "Bail out! cannot create $dir"; exit 99; }
dir=$(cd "$dir" && pwd)
supp=$(cd "${top_srcdir:-.}" && pwd)/tests/sanitizer.supp
# halt_on_error: the first report ends the program (UBSan is also built with
# -fno-sanitize-recover); exitcode 23: a status no test expects.
ASAN_OPTIONS="log_path=$dir/asan:detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=23${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
# The editors run libnma and GLib, built without frame pointers: the fast
# unwinder stops in them, and a leak of theirs (tests/sanitizer.supp) could
# not be told from one of ours. The slow unwinder gives whole stacks there.
case "$name" in
	*test-editor-gtk*) ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0" ;;
esac
UBSAN_OPTIONS="log_path=$dir/ubsan:halt_on_error=1:print_stacktrace=1:exitcode=23${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
LSAN_OPTIONS="suppressions=$supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
SSTP_SANITIZER_DIR=$dir
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS SSTP_SANITIZER_DIR
# An ASan build's UBSan-only copy (tests/sanitizer.am): for the UML guests and
# for plugins that pppd or nmcli load.
if [ -n "${top_builddir:-}" ] && [ -e "$top_builddir/sanitizer-guest/.built" ]; then
	SSTP_GUEST_BUILDDIR=$(cd "$top_builddir/sanitizer-guest" && pwd)
	export SSTP_GUEST_BUILDDIR
fi

case "$test" in
    *.sh) "$@" ;;
    *) "$@" --tap ;;
esac
status=$?

reports=$(find "$dir" -type f -size +0 2>/dev/null | sort)
if [ -n "$reports" ]; then
	for f in $reports; do
		echo "# ---- sanitizer report $f"
		head -60 "$f" | sed 's/^/# /'
	done
	echo "Bail out! sanitizer report(s) in $dir"
	exit 1
fi
exit $status

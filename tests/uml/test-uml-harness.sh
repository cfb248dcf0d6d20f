#!/bin/bash
# tests/uml/test-uml-harness.sh - checks the UML harness itself: the guest boots, gets its
# environment, has a writable overlay that never touches the host, PPP modules, a private
# /etc/ppp, networking to the host side of the test's namespace and NetworkManager; its exit
# status comes back; nothing of the run stays behind.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"

uml_require

out=$(uml_outdir uml-harness) || tap_bail_out "cannot create the output folder"
ns=sstp-hn-$$
tap=umltap0

# A host file the guest overwrites in its overlay: it must stay as it is. (Not in $out: the
# guest mounts that folder read-write on purpose.)
host_file2=$(dirname "$out")/uml-harness-host-file
echo "host content" >"$host_file2"
uml_cleanup_push rm -f "$host_file2"

tap_check "network namespace $ns with $tap" \
	uml_netns_create "$ns" "$tap" "$UML_HOST_ADDR/$UML_PREFIX_LEN"

uml_run --netns "$ns" --tap "$tap" --guest-addr "$UML_GUEST_ADDR/$UML_PREFIX_LEN" --timeout 240 \
	"$out" "$here/guest/harness.sh" \
	HARNESS_WORDS='two words, $dollar "quote" *' HARNESS_EXIT=7 \
	HARNESS_HOST_FILE="$host_file2" HARNESS_PEER="$UML_HOST_ADDR" HARNESS_NM=1
rc=$?
boot_line=$(grep 'uml-run:' "$out/console.log")
tap_import "$out/guest.tap"
tap_is "the guest script's exit status comes back" "$rc" 7
tap_is "the host file is unchanged by guest writes" "$(cat "$host_file2")" "host content"
tap_check "the guest wrote into the output folder" test -s "$out/written-by-guest"
# The guest is the platform asked for: the host's Debian 12, or UML_ROOT's (Debian 13).
want_os=$(. "${UML_ROOT:-}/etc/os-release" && echo "$ID $VERSION_ID")
tap_is "the guest runs the root it was given ($want_os)" "$(sed -n 's/^os=//p' "$out/platform" 2>/dev/null)" "$want_os"
[ ! -r "$out/platform" ] || tap_diag "guest platform: $(tr '\n' ' ' <"$out/platform")"
tap_check "the guest's password-bearing env file is private" test "$(stat -c %a "$out/guest.env")" = 600

pids=$(ps -e -o pid=,args= | awk -v d="$out/uml" 'index($0, "uml_dir=" d) { print $1 }')
tap_is "no linux.uml process is left" "$pids" ""

# A guest that never finishes is stopped by the time limit and reported as 124.
cat >"$out/hang.sh" <<'EOF'
sleep 600
EOF
uml_run --timeout 20 "$out" "$out/hang.sh"
tap_is "a guest over its time limit gives 124" "$?" 124
pids=$(ps -e -o pid=,args= | awk -v d="$out/uml" 'index($0, "uml_dir=" d) { print $1 }')
tap_is "no linux.uml process is left after the time limit" "$pids" ""

tap_diag "$boot_line"
[ ! -r "$out/timing" ] || tap_diag "$(cat "$out/timing")"
tap_finish

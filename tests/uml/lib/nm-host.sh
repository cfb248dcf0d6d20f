# tests/uml/lib/nm-host.sh - host side of the NetworkManager end-to-end tests (test-nm-*.sh)
# and tests/demo.sh. Source it after tap.sh and uml.sh. The guest side is nm-guest.sh.
#
#   nm_host_require               skip the whole test unless UML, NetworkManager, dbus and the
#                                 built service, worker, pppd plugin and test server are there;
#                                 sets NM_HOST_BUILDDIR and NM_HOST_SRCDIR
#   nm_host_server_files OUT      for the strict server: OUT/cert.pem + key.pem (self-signed,
#                                 CN sstp.test), NM_HOST_PIN (its SHA-256), OUT/password (random)
#                                 and OUT/wrong-password, both mode 0600
#   nm_host_guest_words OUT       the KEY=VALUE words every guest script of these tests reads
#                                 (NM_GUEST_NO_AUTH_DIALOG=1 too when set: see nm-guest.sh)
#   nm_host_run_guest OUT SCRIPT [uml_run options] -- [KEY=VALUE…]
#                                 boot the guest, run SCRIPT, import its TAP lines ("# TODO"
#                                 failures are not counted), then "ok - guest script passed"
#                                 (uml_run_guest with the words above)
#   nm_host_strict_server_test NAME SCRIPT
#                                 the whole host side of a test against the strict server in
#                                 the guest: output folder NAME (uml_outdir, path in
#                                 NM_HOST_OUT), nm_host_server_files, nm_host_run_guest with
#                                 a 600 s limit

nm_host_require() {
	local f
	uml_require
	command -v NetworkManager >/dev/null || tap_skip_all "missing NetworkManager (apt-get install network-manager)"
	command -v nmcli >/dev/null || tap_skip_all "missing nmcli (apt-get install network-manager)"
	command -v dbus-daemon >/dev/null || tap_skip_all "missing dbus-daemon (apt-get install dbus-daemon)"
	command -v dbus-monitor >/dev/null || tap_skip_all "missing dbus-monitor (apt-get install dbus-bin)"
	command -v python3 >/dev/null || tap_skip_all "missing python3 (syslog catcher in the guest)"
	NM_HOST_SRCDIR=$(cd "$UML_LIB_DIR/../../.." && pwd)
	# (a sanitizer build: its UBSan-only copy, tests/sanitizer.am)
	NM_HOST_BUILDDIR=$(cd "${SSTP_GUEST_BUILDDIR:-${top_builddir:-.}}" && pwd)
	for f in src/service/nm-sstp-service src/tunnel/nm-sstp-tunnel \
		src/pppd-plugin/.libs/nm-sstp-pppd-plugin.so src/service/nm-sstp-service.name \
		tests/server/sstp-test-server; do
		[ -e "$NM_HOST_BUILDDIR/$f" ] || tap_skip_all "$f is not built (make check builds it)"
	done
}

nm_host_server_files() {
	local out=$1
	# The second name is bücher.sstp.test in its ASCII form (international
	# names: test-nm-ip-settings).
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-subj /CN=sstp.test -addext subjectAltName=DNS:sstp.test,DNS:xn--bcher-kva.sstp.test \
		-days 2 -keyout "$out/key.pem" -out "$out/cert.pem" 2>/dev/null ||
		return 1
	# The client pins the server certificate: a real check, no "ignore" switch.
	NM_HOST_PIN=$(openssl x509 -in "$out/cert.pem" -outform der | sha256sum | cut -d' ' -f1)
	uml_random_password "$out/password"
	(umask 077 && printf 'not-the-password\n' >"$out/wrong-password")
}

nm_host_guest_words() {
	local out=$1
	printf '%s\n' "BUILDDIR=$NM_HOST_BUILDDIR" "SRCDIR=$NM_HOST_SRCDIR" \
		"SERVER=$NM_HOST_BUILDDIR/tests/server/sstp-test-server" \
		"CERT=$out/cert.pem" "KEY=$out/key.pem" "PIN=${NM_HOST_PIN:-}" \
		"SSTP_USER=alice" "SSTP_PASSWORD_FILE=$out/password" \
		"WRONG_PASSWORD_FILE=$out/wrong-password"
	# (set on the host to run the guest as if the auth dialog were not built)
	[ -z "${NM_GUEST_NO_AUTH_DIALOG:-}" ] || echo "NM_GUEST_NO_AUTH_DIALOG=1"
}

nm_host_run_guest() {
	local out=$1 script=$2 word
	local -a opts=() words=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		opts+=("$1")
		shift
	done
	[ $# -eq 0 ] || shift
	while IFS= read -r word; do
		words+=("$word")
	done < <(nm_host_guest_words "$out")
	uml_run_guest "$out" "$script" "${opts[@]}" -- "${words[@]}" "$@"
}

nm_host_strict_server_test() {
	local name=$1 script=$2
	NM_HOST_OUT=$(uml_outdir "$name") || tap_bail_out "cannot create the output folder"
	# Self-signed certificate, pinned by the client (a real check, no "ignore" switch),
	# a random password and a wrong one (0600 files).
	nm_host_server_files "$NM_HOST_OUT" ||
		tap_bail_out "cannot make the test certificate and passwords"
	nm_host_run_guest "$NM_HOST_OUT" "$script" --timeout 600
}

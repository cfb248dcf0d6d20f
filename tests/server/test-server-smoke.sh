#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Host-side smoke test of sstp-test-server (TAP). Covers what runs without
# kernel PPP: TLS, the HTTP request and answer, the SSTP negotiation up to
# the Call Connect ACK, the fault flags that act before PPP, the strict
# checks on client input, and garbage on a --loop server. Only 127.0.0.1;
# every server started here is ended by its PID.
set -u

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-.}
server="$builddir/tests/server/sstp-test-server"
client="$srcdir/tests/server/smoke-client.py"

echo "1..22"

if ! command -v python3 >/dev/null || ! command -v openssl >/dev/null || [ ! -x "$server" ]; then
	i=1
	while [ $i -le 22 ]; do
		echo "ok $i # SKIP needs python3, openssl and a built sstp-test-server"
		i=$((i + 1))
	done
	exit 0
fi

tmp=$(mktemp -d /tmp/sstp-server-smoke.XXXXXX)
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-subj /CN=sstp.test -days 2 -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
printf 'smoke-Pass1\n' > "$tmp/password"
chmod 600 "$tmp/password"

n=0
log=
status=

# start_server ARGS...: background server on a free port; sets $port, $log
start_server() {
	n=$((n + 1))
	log="$tmp/server-$n.log"
	rm -f "$tmp/port"
	"$server" --cert "$tmp/cert.pem" --key "$tmp/key.pem" --user smoke \
		--password-file "$tmp/password" --port 0 --port-file "$tmp/port" \
		--log "$log" --workdir "$tmp" "$@" &
	server_pid=$!
	i=0
	while [ ! -s "$tmp/port" ] && [ $i -lt 100 ] && kill -0 "$server_pid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	port=$(cat "$tmp/port" 2>/dev/null)
}

# stop_server: wait up to 10 s for the server to end by itself, then end
# it by PID; sets $status (its exit status, or "killed")
stop_server() {
	i=0
	while kill -0 "$server_pid" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$server_pid" 2>/dev/null; then
		kill "$server_pid"
		wait "$server_pid"
		status=killed
	else
		wait "$server_pid"
		status=$?
	fi
	server_pid=
}

# run_case DESCRIPTION EXPECTED_STATUS "GREP PATTERNS|…" SCENARIO ARG -- SERVER ARGS
run_case() {
	desc=$1 want=$2 patterns=$3 scenario=$4 arg=$5
	shift 6
	start_server "$@"
	ok=yes
	if [ -z "$port" ]; then
		echo "# server did not start"
		ok=no
	elif ! python3 "$client" "$scenario" "$port" "$arg" > "$tmp/client.out" 2>&1; then
		ok=no
	fi
	stop_server
	if [ "$status" != "$want" ]; then
		echo "# server exit status $status, expected $want"
		ok=no
	fi
	old_ifs=$IFS
	IFS='|'
	for pat in $patterns; do
		if ! grep -q -- "$pat" "$log"; then
			echo "# log lacks: $pat"
			ok=no
		fi
	done
	IFS=$old_ifs
	if [ $ok = yes ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/# client: /' "$tmp/client.out"
		sed 's/^/# server: /' "$log"
	fi
}

run_case "negotiation: HTTP 200, 48-byte ACK offering SHA256, disconnect acknowledged" 3 \
	"http request ok host=sstp.test sni=sstp.test correlation={2A4B6C8D-1E3F-4A5B-9C7D-0E1F2A3B4C5D} guid=yes|sent ack hashes=sha256 nonce=|pppd started pid=|call ended reason=" \
	negotiate 02 -- --netns new
run_case "--hash both offers bitmask 0x03" 3 "sent ack hashes=sha1,sha256" \
	negotiate 03 -- --hash both
run_case "--hash sha1 offers bitmask 0x01" 3 "sent ack hashes=sha1 " \
	negotiate 01 -- --hash sha1
run_case "--fault nak-first: NAK, then ACK on the retry" 3 \
	"sent nak status=VALUE_NOT_SUPPORTED (fault nak-first) count=1|sent ack hashes=sha256" \
	nak-first "" -- --fault nak-first
run_case "--fault nak-always: three NAKs, then Abort RETRY_COUNT_EXCEEDED" 3 \
	"count=3|sent abort status=" nak-always "" -- --fault nak-always
run_case "a request for a protocol other than PPP is NAKed" 3 \
	"sent nak status=VALUE_NOT_SUPPORTED (protocol is not PPP)" bad-protocol "" --
run_case "--fault bad-version: the ACK carries version 0x11" 3 \
	"fault bad-version" bad-version "" -- --fault bad-version
run_case "--fault oversized-length: the ACK's length field says 4095" 3 \
	"fault oversized-length" oversized-length "" -- --fault oversized-length
run_case "--fault http-403: HTTP 403 and close" 3 "sent http 403" http-error 403 -- --fault http-403
run_case "--fault http-500: HTTP 500 and close" 3 "sent http 500" http-error 500 -- --fault http-500
run_case "--fault no-ack: the request is never answered" 3 \
	"fault no-ack: not answering" no-ack "" -- --fault no-ack
run_case "a wrong URI gets HTTP 400" 3 "http request BAD: URI is not" bad-request uri --
run_case "a wrong Content-Length gets HTTP 400" 3 \
	"http request BAD: Content-Length is not 18446744073709551615" bad-request length --
run_case "a request without SSTPCORRELATIONID gets HTTP 400" 3 \
	"http request BAD: no SSTPCORRELATIONID header" bad-request no-correlation --
run_case "--expect-host: a different SNI gets HTTP 404" 3 \
	"http request refused: host=sstp.test sni=other.test" expect-404 404 -- --expect-host sstp.test
run_case "a data packet before the request is answered with Abort" 3 \
	"sent abort status=UNACCEPTED_FRAME_RECEIVED" data-first "" --
run_case "an echo request before Call Connected ends the call" 3 "sent ack" echo-early "" --
run_case "NCP and IP frames before Call Connected are dropped and counted" 3 \
	"dropped client frame before call connected proto=0x8021|dropped client frame before call connected proto=0x0021|dropped_before_binding=2" \
	ncp-early "" --
run_case "a Call Connected before PPP authentication is deferred, not verified" 3 \
	"call connected received hash=sha256|deferred" connected-early "" --
run_case "a packet with version 0x11 from the client closes the stream" 3 \
	"client stream unusable" garbage 1101000800080000 --
run_case "a length field below 4 closes the stream" 3 \
	"client stream unusable" garbage 10010002 --

# Random and mutated packets on one --loop server: it must survive all.
start_server --loop
ok=yes
if [ -z "$port" ] || ! python3 "$client" fuzz "$port" 40 > "$tmp/client.out" 2>&1; then
	ok=no
fi
if ! kill -0 "$server_pid" 2>/dev/null; then
	echo "# the --loop server died"
	ok=no
fi
kill -TERM "$server_pid" 2>/dev/null
stop_server
ended=$(grep -c "call ended reason=" "$log")
case $status in 0|2|3) ;; *) echo "# exit status $status after SIGTERM"; ok=no ;; esac
if [ "$ended" -ne 40 ]; then
	echo "# $ended calls ended, expected 40"
	ok=no
fi
if [ $ok = yes ]; then
	echo "ok $n - 40 connections of mutated packets: no crash, every call ended"
else
	echo "not ok $n - 40 connections of mutated packets: no crash, every call ended"
	sed 's/^/# client: /' "$tmp/client.out"
	tail -n 40 "$log" | sed 's/^/# server: /'
fi

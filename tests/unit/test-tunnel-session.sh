#!/bin/sh
# nm-sstp-tunnel with the session up, without kernel PPP: the server is
# fake-sstp-server.py on 127.0.0.1, pppd is fake-pppd.py (given with --pppd;
# it plays the plugin's part on fd 3). TAP output. Checks:
#   - once Call Connected is sent, no copy of the MPPE keys (raw or as the
#     hex of the auth-up message) is left in the worker's memory;
#   - when the service's end of the status pipe closes, the worker sends
#     Call Disconnect, stops pppd and exits;
#   - with close_range() failing (ENOSYS, an LD_PRELOAD shim), pppd still
#     inherits no descriptor above the plugin's fd 3.
# Every process started here is killed by PID at the end.
set -u
top_builddir=${top_builddir:-$(pwd)}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
tunnel="$top_builddir/src/tunnel/nm-sstp-tunnel"
shim="$top_builddir/tests/unit/.libs/close-range-enosys.so"
fake_server="$top_srcdir/tests/unit/fake-sstp-server.py"
fake_pppd="$top_srcdir/tests/unit/fake-pppd.py"
scan="$top_srcdir/tests/unit/scan-memory.py"

command -v openssl >/dev/null || { echo "1..0 # SKIP openssl missing"; exit 0; }
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 missing"; exit 0; }
[ -x "$tunnel" ] || { echo "1..1"; echo "not ok 1 - $tunnel not built"; exit 0; }

# As root the worker gives up root once "pppd" runs and takes a dynamic uid, locked in
# /run/nm-sstp-tunnel for its whole life (tunnel-sandbox.h); the lock files outlive it
# by design. The test runs in a private mount namespace with a /run of its own, so it
# leaves nothing in the host's.
if [ "$(id -u)" = 0 ] && [ -z "${SSTP_SESSION_PRIVATE_RUN:-}" ] && unshare --mount true 2>/dev/null; then
    exec env SSTP_SESSION_PRIVATE_RUN=1 unshare --mount --propagation private \
        sh -c 'mount -t tmpfs -o mode=0755 tmpfs /run && exec sh "$0" "$@"' "$0" "$@"
fi

work=$(mktemp -d)
pids=
cleanup() {
    for p in $pids; do kill -KILL "$p" 2>/dev/null; done
    for f in "$work"/pppd*.report; do
        [ -f "$f" ] && sed -n 's/^pid //p' "$f" | while read -r p; do kill -KILL "$p" 2>/dev/null; done
    done
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

t=0
ok() { t=$((t + 1)); echo "ok $t - $1"; }
not_ok() {
    t=$((t + 1)); echo "not ok $t - $1"
    for f in tunnel*.err server.log pppd*.report status*.out; do
        [ -f "$f" ] && sed "s|^|#   $f: |" "$f"
    done
}
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }

# wait_for FILE [PATTERN]: until FILE exists (and holds PATTERN). Gives up
# after 30 s: a guard against hanging, not a timing requirement.
wait_for() {
    i=0
    until [ -e "$1" ] && { [ $# -lt 2 ] || grep -q -- "$2" "$1"; }; do
        i=$((i + 1)); [ $i -gt 300 ] && return 1
        sleep 0.1
    done
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout key.pem \
    -out cert.pem -days 30 -subj /CN=vpn.test -addext subjectAltName=DNS:vpn.test >/dev/null 2>&1 \
    || { echo "Bail out! cannot make a certificate"; exit 1; }
pin=$(openssl x509 -in cert.pem -noout -fingerprint -sha256 | sed 's/.*=//')
printf -- '--user\000alice\000--password\000not-a-real-password\000' > options

start_server() {
    rm -f port server.log
    python3 "$fake_server" cert.pem key.pem port server.log &
    pids="$pids $!"
    wait_for port || { echo "Bail out! the fake server did not start"; exit 1; }
    port=$(cat port)
}

# start_tunnel N [OPTION...]: the worker against the server, in the
# background; its PID in tunnelN.pid, stderr in tunnelN.err, exit status
# in tunnelN.rc once it ends. fd 5 goes to $status_to if set.
start_tunnel() {
    n=$1; shift
    (
        if [ -n "${status_to:-}" ]; then exec 5>"$status_to"; fi
        sh -c 'echo $$ > "$0"; exec "$@"' "tunnel$n.pid" "$tunnel" --pppd "$fake_pppd" \
            --pppd-plugin /dev/null --pin-sha256 "$pin" --host vpn.test --no-dhcp-inform \
            --options-fd 3 "$@" "127.0.0.1:$port" 3<options 2>"tunnel$n.err"
        echo $? > "tunnel$n.rc"
    ) &
    pids="$pids $!"
    wait_for "tunnel$n.pid" || { echo "Bail out! the worker did not start"; exit 1; }
    pids="$pids $(cat "tunnel$n.pid")"
}

stop_tunnel() {
    kill -TERM "$(cat "tunnel$1.pid")" 2>/dev/null
    wait_for "tunnel$1.rc"
}

hex_of() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

echo "1..6"

# ---- 1-2: key material ---------------------------------------------------
# The keys reach fake-pppd.py through a file: in the worker's environment
# they would be in its memory (the stack) for a reason of the test's own.
send_key=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
recv_key=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
echo "$send_key $recv_key" > keys
start_server
FAKE_PPPD_REPORT=$work/pppd1.report FAKE_PPPD_KEYS=$work/keys start_tunnel 1
if wait_for server.log '^< CALL_CONNECTED$'; then
    # Control: the scan must find what the worker does still hold.
    python3 "$scan" "$(cat tunnel1.pid)" "host=$(hex_of vpn.test)" > scan-control.out
    control=$?
    python3 "$scan" "$(cat tunnel1.pid)" "send-key=$send_key" "recv-key=$recv_key" \
        "send-key-hex=$(hex_of "$send_key")" "recv-key-hex=$(hex_of "$recv_key")" > scan.out
    scanned=$?
    if [ $control = 2 ] || [ $scanned = 2 ]; then
        ok "# SKIP cannot read the worker's memory: $(cat scan.out)"
        ok "# SKIP cannot read the worker's memory"
    else
        check "memory scan control: the host name the worker holds is found" '[ $control = 1 ]'
        check "after Call Connected no MPPE key is left in the worker's memory, raw or hex" \
            '[ $scanned = 0 ] || { sed "s/^/#   /" scan.out; false; }'
    fi
else
    not_ok "the session came up to Call Connected (memory scan control)"
    not_ok "the session came up to Call Connected (keys)"
fi
stop_tunnel 1

# ---- 3-4: the service goes away -----------------------------------------
# The status pipe's reader is a cat the test kills, as the service's end
# closes when it dies.
start_server
mkfifo status.fifo
cat status.fifo > status2.out &
cat_pid=$!
pids="$pids $cat_pid"
status_to=status.fifo FAKE_PPPD_REPORT=$work/pppd2.report FAKE_PPPD_IP_UP=1 start_tunnel 2 --status-fd 5
if wait_for status2.out '^phase=connected$'; then
    kill "$cat_pid"
    check "status pipe closed: the worker says why and exits" \
        'wait_for tunnel2.rc && grep -q "nm-sstp-service is gone" tunnel2.err'
    check "status pipe closed: Call Disconnect sent, pppd stopped" \
        'wait_for server.log "^< CALL_DISCONNECT$" && wait_for pppd2.report "^\(hangup\|SIGTERM\)$"'
else
    not_ok "the session came up (status pipe test)"
    not_ok "the session came up (status pipe test)"
fi
stop_tunnel 2

# ---- 5-6: no close_range() -------------------------------------------------
# fd 9 is open in the worker without close-on-exec, as anything its
# parent leaked would be.
if [ -f "$shim" ]; then
    start_server
    : > leak-me
    exec 9<leak-me
    # (a sanitizer build: ASan wants its runtime first in the preload list; the shim only
    # replaces close_range, so ASan's own interception is unaffected)
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
        LD_PRELOAD=$shim FAKE_PPPD_REPORT=$work/pppd3.report start_tunnel 3
    exec 9<&-
    if wait_for pppd3.report '^auth-up sent$'; then
        check "close_range() shim in effect in the pppd child" 'grep -q "close-range-enosys" tunnel3.err'
        check "without close_range() pppd inherits no descriptor above fd 3" \
            '! grep "^fd " pppd3.report | grep -qv "^fd 3 "'
    else
        not_ok "pppd was started (close_range test)"
        not_ok "pppd was started (close_range test)"
    fi
    stop_tunnel 3
else
    ok "# SKIP $shim not built"
    ok "# SKIP $shim not built"
fi
exit 0

#!/bin/sh
# No core dump of the programs that hold secrets: nm-sstp-tunnel and
# nm-sstp-auth-dialog (nm-sstp-service: test-service-dbus). Each runs with
# `ulimit -c unlimited` in an empty folder of its own, is killed with
# SIGSEGV once it holds a password, and must leave nothing in that folder.
# TAP output.
#
# Host safety: kernel.core_pattern is global; it is only read here. The
# test runs only where it names a file relative to the crashing process's
# folder ("core", "core.%p", ...), so any core lands in our temporary
# folder. With a pipe to a crash collector (systemd-coredump, apport) or an
# absolute path it skips. A control process (sleep) killed the same way
# must leave a core, else cores are off for another reason and a missing
# one would prove nothing: it skips then too.
set -u
top_builddir=${top_builddir:-$(pwd)}
tunnel="$top_builddir/src/tunnel/nm-sstp-tunnel"
dialog="$top_builddir/auth-dialog/nm-sstp-auth-dialog"

pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null) || pattern='|unknown'
case "$pattern" in
'|'* | */*) echo "1..0 # SKIP core_pattern \"$pattern\" does not write into the process's folder"; exit 0 ;;
esac
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 missing (loopback listener)"; exit 0; }
[ -x "$tunnel" ] || { echo "1..1"; echo "not ok 1 - $tunnel not built"; exit 0; }

work=$(mktemp -d)
pids=
cleanup() {
    for p in $pids; do kill -KILL "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT

t=0
ok() { t=$((t + 1)); echo "ok $t - $1"; }
not_ok() { t=$((t + 1)); echo "not ok $t - $1"; }

# wait_for FILE PATTERN: gives up after 30 s (a guard, not a timing requirement)
wait_for() {
    i=0
    until grep -q -- "$2" "$1" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 300 ] && return 1
        sleep 0.1
    done
}

# crash NAME PID: SIGSEGV, reap, then $verdict from folder NAME: "core"
# (something was written there), "none", or "exit N" if the process did
# not die of the signal.
crash() {
    kill -SEGV "$2"
    wait "$2"
    rc=$?
    if [ $rc != 139 ]; then verdict="exit $rc"
    elif [ -n "$(ls -A "$work/$1")" ]; then verdict=core
    else verdict=none; fi
}

# run_in NAME STDIN PROGRAM ARGS...: in the background, in folder NAME,
# with unlimited cores; sets $pid. (stdin is named here: an asynchronous
# list's own stdin would be /dev/null.)
run_in() {
    name=$1 stdin=$2; shift 2
    mkdir "$work/$name"
    # (a sanitizer build: ASan would turn the SIGSEGV into a report and an exit; the test is
    # about the kernel's core dump of a real signal death)
    (cd "$work/$name" && ulimit -c unlimited &&
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0" exec "$@") <"$stdin" &
    pid=$!
    pids="$pids $pid"
}

echo "1..3"

if ! (ulimit -c unlimited) 2>/dev/null; then
    echo "# SKIP the hard core size limit is 0 here: nothing can dump"
    ok "# SKIP control"; ok "# SKIP worker"; ok "# SKIP auth dialog"; exit 0
fi

run_in control /dev/null sleep 60
wait_for "/proc/$pid/comm" '^sleep$'
crash control "$pid"
if [ "$verdict" != core ]; then
    echo "# a plain process leaves no core here ($verdict): skipping"
    ok "# SKIP control"; ok "# SKIP worker"; ok "# SKIP auth dialog"; exit 0
fi
ok "control: a plain process killed with SIGSEGV leaves a core here"

# ---- the worker, during the TLS handshake --------------------------------
# A loopback listener that never accepts: the kernel completes TCP, the
# worker then waits for the server's TLS hello with its password read.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4)
print(s.getsockname()[1], flush=True)
time.sleep(600)' > "$work/port" &
pids="$pids $!"
wait_for "$work/port" '[0-9]' || { echo "Bail out! no listener"; exit 1; }
printf -- '--user\000alice\000--password\000core-dump-canary\000' > "$work/options"
run_in worker /dev/null "$tunnel" --pppd /bin/true --pppd-plugin /dev/null --options-fd 3 --status-fd 5 \
    "127.0.0.1:$(cat "$work/port")" 3<"$work/options" 5>"$work/status" 2>"$work/worker.err"
if wait_for "$work/status" '^phase=tls$'; then
    crash worker "$pid"
    if [ "$verdict" = none ]; then ok "nm-sstp-tunnel holding a password leaves no core"
    else not_ok "nm-sstp-tunnel holding a password leaves no core ($verdict)"; fi
else
    not_ok "nm-sstp-tunnel did not reach the TLS phase"; sed 's/^/#   /' "$work/worker.err"
fi

# ---- the auth dialog, waiting for QUIT after its answer ------------------
if [ -x "$dialog" ]; then
    mkfifo "$work/dialog.in"
    # Our end first (read-write: does not wait for a reader), kept open so
    # the dialog, once it has answered, waits for QUIT.
    exec 7<>"$work/dialog.in"
    run_in dialog "$work/dialog.in" env -u DISPLAY -u WAYLAND_DISPLAY \
        DBUS_SESSION_BUS_ADDRESS="unix:path=$work/no-bus" \
        "$dialog" -u 0b1c2d3e-aaaa-bbbb-cccc-000000000001 -n "Office VPN" \
        -s org.freedesktop.NetworkManager.sstp >"$work/dialog.out" 2>"$work/dialog.err"
    printf 'DATA_KEY=gateway\nDATA_VAL=vpn.example.com\n\nDATA_KEY=password-flags\nDATA_VAL=0\n\n' >&7
    printf 'SECRET_KEY=password\nSECRET_VAL=core-dump-canary\n\nDONE\n\n' >&7
    if wait_for "$work/dialog.out" '^core-dump-canary$'; then
        crash dialog "$pid"
        if [ "$verdict" = none ]; then ok "nm-sstp-auth-dialog holding a password leaves no core"
        else not_ok "nm-sstp-auth-dialog holding a password leaves no core ($verdict)"; fi
    else
        not_ok "nm-sstp-auth-dialog did not answer"; sed 's/^/#   /' "$work/dialog.err"
    fi
    exec 7>&-
else
    ok "# SKIP nm-sstp-auth-dialog not built (GNOME off)"
fi
exit 0

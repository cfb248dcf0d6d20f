#!/bin/sh
# Name resolution that never gets an answer: nm-sstp-tunnel must still stop
# at once on SIGTERM (the service's way to end it), and give up by itself
# with a message naming the cause once its connect deadline (30 s for
# resolution and every address together) has passed. TAP output.
#
# The silence is made in namespaces of the test's own, never on the host:
# `unshare --mount --net`, only lo up, and, bind-mounted inside that mount
# namespace only, a resolv.conf naming 127.0.0.1 (where a UDP socket of the
# test takes queries and never answers; timeout:30 attempts:5 make glibc
# wait minutes) and an nsswitch.conf with "hosts: files dns" so that no
# other resolver (systemd-resolved, mDNS, nscd) is asked. Needs root; skips
# without it.
set -u
top_builddir=${top_builddir:-$(pwd)}
tunnel="$top_builddir/src/tunnel/nm-sstp-tunnel"
name=sstp.no-answer.test

# ---- inside the namespaces ------------------------------------------------
if [ "${1:-}" = inside ]; then
    work=$2
    cd "$work" || exit 1
    pids=
    # SIGKILL: a worker stuck in getaddrinfo() would never see a SIGTERM.
    trap 'for p in $pids; do kill -KILL "$p" 2>/dev/null; done' EXIT
    ip link set lo up || exit 20
    printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:5\n' > resolv.conf
    printf 'hosts: files dns\n' > nsswitch.conf
    mount --bind resolv.conf /etc/resolv.conf || exit 20
    mount --bind nsswitch.conf /etc/nsswitch.conf || exit 20
    for d in /run/nscd /var/run/nscd; do
        if [ -d "$d" ]; then mount -t tmpfs none "$d" || exit 20; fi
    done
    python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
log = open(sys.argv[1], "a", buffering=1)
log.write("listening\n")
while True:
    data, peer = s.recvfrom(4096)
    log.write("query from %s\n" % (peer,))' queries.log &
    pids="$pids $!"
    i=0
    until grep -q listening queries.log 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 300 ] && exit 20
        sleep 0.1
    done

    # start N: a worker in the background; its PID in $pid
    start() {
        ( sh -c 'echo $$ > "$0"; exec "$@"' "tunnel$1.pid" "$tunnel" --pppd /bin/true \
              --pppd-plugin /dev/null "$name" 2>"tunnel$1.err"
          echo $? > "tunnel$1.rc" ) &
        pids="$pids $!"
        i=0
        until [ -s "tunnel$1.pid" ]; do i=$((i + 1)); [ $i -gt 300 ] && exit 20; sleep 0.1; done
        pid=$(cat "tunnel$1.pid")
        pids="$pids $pid"
    }
    # ended N SECONDS: the worker has written its exit status within SECONDS
    # (a guard against hanging, far above what the check needs)
    ended() {
        i=0
        until [ -s "tunnel$1.rc" ]; do
            i=$((i + 1)); [ $i -gt $(($2 * 10)) ] && return 1
            sleep 0.1
        done
    }
    show() { sed "s/^/#   /" "tunnel$1.err"; }

    # 1: left alone, it must give up at its deadline.
    start 1
    # 2: SIGTERM once its query has reached the name server.
    start 2
    i=0
    until grep -q query queries.log; do i=$((i + 1)); [ $i -gt 300 ] && break; sleep 0.1; done
    sleep 1
    kill -TERM "$pid"
    if ended 2 20 && [ "$(cat tunnel2.rc)" = 0 ] && grep -q "stopped by a signal" tunnel2.err; then
        echo "ok 1 - SIGTERM during name resolution: the worker stops at once and says so"
    else
        echo "not ok 1 - SIGTERM during name resolution: the worker stops at once and says so"
        show 2
    fi
    if ended 1 90 && [ "$(cat tunnel1.rc)" = 2 ] \
       && grep -q "cannot resolve server \"$name\": the name servers did not answer within 30 s" tunnel1.err; then
        echo "ok 2 - no answer at all: exit 2 at the deadline, with a message naming the cause"
    else
        echo "not ok 2 - no answer at all: exit 2 at the deadline, with a message naming the cause"
        show 1
    fi
    exit 0
fi

# ---- outside ----------------------------------------------------------------
[ -x "$tunnel" ] || { echo "1..1"; echo "not ok 1 - $tunnel not built"; exit 0; }
for tool in unshare ip python3 mount; do
    command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool missing"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (network and mount namespaces)"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "1..2"
unshare --mount --propagation private --net sh "$0" inside "$work" > "$work/tap"
rc=$?
if [ $rc = 20 ] || ! grep -q '^ok\|^not ok' "$work/tap"; then
    echo "ok 1 # SKIP cannot set up the namespaces (exit $rc)"
    echo "ok 2 # SKIP cannot set up the namespaces"
    exit 0
fi
cat "$work/tap"

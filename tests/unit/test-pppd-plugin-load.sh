#!/bin/sh
# pppd loads nm-sstp-pppd-plugin.so and takes its `sstp-sock` option.
# The host kernel has no PPP: pppd parses all options (loading the plugin,
# which reads the credentials from the socket) and then exits with 4
# ("no kernel support"). That is enough to test the plugin's start-up.
# TAP output. Needs root (pppd refuses plugins otherwise) and python3 (to
# make the SEQPACKET socketpair the worker would make).
set -u
top_builddir=${top_builddir:-$(pwd)}
# pppd is not an ASan program: a sanitizer build's UBSan-only copy (tests/sanitizer.am)
plugin="${SSTP_GUEST_BUILDDIR:-$top_builddir}/src/pppd-plugin/.libs/nm-sstp-pppd-plugin.so"
pppd=/usr/sbin/pppd
n=6

skip_all() { echo "1..0 # SKIP $1"; exit 0; }
[ -x "$pppd" ] || skip_all "no $pppd"
[ "$(id -u)" = 0 ] || skip_all "pppd loads plugins only for root"
command -v python3 >/dev/null || skip_all "python3 missing"
[ -f "$plugin" ] || { echo "1..1"; echo "not ok 1 - plugin not built at $plugin"; exit 0; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run_pppd MODE: MODE says what the "worker" end sends / what fd 3 is.
# Prints pppd's exit status on the first line, then its output.
run_pppd() {
    python3 - "$pppd" "$plugin" "$1" <<'EOF'
import fcntl, os, socket, subprocess, sys
pppd, plugin, mode = sys.argv[1:4]
master, slave = os.openpty()
tty = os.ttyname(slave)
# Keep both pty ends away from fd 3, which becomes the plugin socket.
master = fcntl.fcntl(master, fcntl.F_DUPFD, 20)
slave = fcntl.fcntl(slave, fcntl.F_DUPFD, 20)
keep = None
if mode == "notsock":
    fd = os.open("/dev/null", os.O_RDWR)
else:
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    keep = a
    if mode == "good":
        a.send(b"credentials\nuser=DOM\\bob\npassword=s3cret-PW\n\n")
    elif mode == "nopass":
        a.send(b"credentials\nuser=alice\n\n")
    elif mode == "wrongtype":
        a.send(b"ip-up\nifname=ppp0\n\n")
    fd = b.fileno()
os.dup2(fd, 3, inheritable=True)
args = [pppd, tty, "nodetach", "noauth", "local", "nolock", "nocrtscts",
        "noipdefault", "debug", "plugin", plugin, "sstp-sock", "3"]
p = subprocess.run(args, pass_fds=(3,), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                   stderr=subprocess.STDOUT, timeout=30)
print(p.returncode)
sys.stdout.write(p.stdout.decode(errors="replace"))
EOF
}

echo "1..$n"

run_pppd good >"$work/good" 2>&1
status=$(head -n1 "$work/good")
if grep -q "nm-sstp: plugin .* loaded" "$work/good" &&
   grep -q 'credentials received (user DOM\\bob, with password)' "$work/good"; then
    echo "ok 1 - pppd loads the plugin, which reads user and password from sstp-sock"
else
    echo "not ok 1 - plugin did not load or read the credentials"; sed 's/^/# /' "$work/good"
fi
# 4: no kernel PPP on the host (the option parsing itself succeeded);
# 0 would mean a kernel with PPP, also fine for this test.
case "$status" in
    4|0) echo "ok 2 - pppd accepted all options (exit $status)" ;;
    *) echo "not ok 2 - pppd exited $status"; sed 's/^/# /' "$work/good" ;;
esac
if grep -q "s3cret-PW" "$work/good"; then
    echo "not ok 3 - the password appears in pppd's output"
else
    echo "ok 3 - the password is not in pppd's debug output"
fi

run_pppd notsock >"$work/notsock" 2>&1
if [ "$(head -n1 "$work/notsock")" = 2 ] && grep -q "not the SEQPACKET socket" "$work/notsock"; then
    echo "ok 4 - sstp-sock on a non-socket is an option error (exit 2)"
else
    echo "not ok 4 - sstp-sock on /dev/null was not refused"; sed 's/^/# /' "$work/notsock"
fi

run_pppd wrongtype >"$work/wrongtype" 2>&1
if [ "$(head -n1 "$work/wrongtype")" = 2 ] && grep -q "bad credentials message" "$work/wrongtype"; then
    echo "ok 5 - a message other than credentials is refused (exit 2)"
else
    echo "not ok 5 - a wrong first message was accepted"; sed 's/^/# /' "$work/wrongtype"
fi

run_pppd nopass >"$work/nopass" 2>&1
if grep -q 'credentials received (user alice, no password)' "$work/nopass" &&
   [ "$(head -n1 "$work/nopass")" != 2 ]; then
    echo "ok 6 - credentials without a password are accepted"
else
    echo "not ok 6 - credentials without password"; sed 's/^/# /' "$work/nopass"
fi

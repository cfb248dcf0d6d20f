#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Stand-in for pppd, run by nm-sstp-tunnel (--pppd) in test-tunnel-session.sh.

It plays the pppd plugin's part on fd 3 (the SEQPACKET socketpair), not PPP:
  - writes the descriptors it inherited above 2 to $FAKE_PPPD_REPORT
    ("fd N TARGET" lines), so a test sees what leaked across exec;
  - takes the credentials message, then sends auth-up: MS-CHAPv2 with the
    keys in the file $FAKE_PPPD_KEYS ("SEND RECV", hex) if set, else PAP
    (a file: in the worker's environment the keys would be in its memory);
  - with $FAKE_PPPD_IP_UP=1 sends ip-up too (the worker then reports
    "connected");
  - leaves as pppd does: when its line (the pty slave, argv[1]) hangs up it
    reports "hangup" and exits 16; on SIGTERM it reports "SIGTERM" and
    exits 5.
"""
import errno
import os
import signal
import socket
import sys


def report(line):
    with open(os.environ["FAKE_PPPD_REPORT"], "a") as f:
        f.write(line + "\n")


def report_fds():
    for name in sorted(os.listdir("/proc/self/fd"), key=int):
        fd = int(name)
        if fd <= 2:
            continue
        try:
            report("fd %d %s" % (fd, os.readlink("/proc/self/fd/" + name)))
        except OSError:
            pass  # the directory listdir() had open


def on_term(signo, frame):
    report("SIGTERM")
    os._exit(5)


def wait_for_hangup(line):
    """Reads the pty until the worker closes its side: EOF or EIO."""
    while True:
        try:
            if not os.read(line, 4096):
                break
        except OSError as e:
            if e.errno != errno.EIO:
                raise
            break
    report("hangup")
    os._exit(16)


def main():
    signal.signal(signal.SIGTERM, on_term)
    signal.alarm(600)  # never outlive a broken test run by much
    report("pid %d" % os.getpid())
    report("started " + " ".join(sys.argv[1:]))
    report_fds()
    line = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
    sock = socket.socket(fileno=3)
    sock.settimeout(30)
    sock.recv(4096)  # credentials
    if os.environ.get("FAKE_PPPD_KEYS"):
        with open(os.environ["FAKE_PPPD_KEYS"]) as f:
            send_key, recv_key = f.read().split()
        msg = "auth-up\nmethod=mschapv2\nsend-key=%s\nrecv-key=%s\n\n" % (send_key, recv_key)
    else:
        msg = "auth-up\nmethod=pap\n\n"
    sock.send(msg.encode())
    if os.environ.get("FAKE_PPPD_IP_UP") == "1":
        sock.send(b"ip-up\nifname=ppp9\naddress=10.77.0.2\npeer=10.77.0.1\nmtu=1400\nipv6=no\n\n")
    report("auth-up sent")
    wait_for_hangup(line)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A tiny SSTP client that drives sstp-test-server through one scenario.

Used by test-server-smoke.sh on the host, where pppd cannot run (no kernel
PPP): it covers TLS, the HTTP request and answer, and the SSTP negotiation
up to the Call Connect ACK, plus the server's reactions to bad input.
Prints what it saw; exits 0 if the server behaved as the scenario expects.
"""
import os
import random
import socket
import ssl
import struct
import sys

URI = "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"
GUID = "{2A4B6C8D-1E3F-4A5B-9C7D-0E1F2A3B4C5D}"
CONNECT_REQUEST = bytes.fromhex("1001000e0001000100010006" "0001")

MSG_ACK, MSG_NAK, MSG_CONNECTED, MSG_ABORT = 2, 3, 4, 5
MSG_DISCONNECT, MSG_DISCONNECT_ACK, MSG_ECHO_REQ, MSG_ECHO_RESP = 6, 7, 8, 9


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)
    print("  ok: " + what)


def control(msg_type, attrs=b"", n_attrs=0):
    length = 8 + len(attrs)
    return struct.pack(">BBHHH", 0x10, 0x01, length, msg_type, n_attrs) + attrs


def status_attr(attr_id, status):
    return struct.pack(">BBHBBBBI", 0, 2, 12, 0, 0, 0, attr_id, status)


def data_packet(frame):
    return struct.pack(">BBH", 0x10, 0x00, 4 + len(frame)) + frame


class Conn:
    def __init__(self, port, sni):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        raw = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.s = ctx.wrap_socket(raw, server_hostname=sni)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def http(self, host="sstp.test", uri=URI, length="18446744073709551615",
             correlation=GUID):
        req = "SSTP_DUPLEX_POST %s HTTP/1.1\r\nHost: %s\r\n" % (uri, host)
        if length is not None:
            req += "Content-Length: %s\r\n" % length
        if correlation is not None:
            req += "SSTPCORRELATIONID: %s\r\n" % correlation
        req += "\r\n"
        self.send(req.encode())
        while b"\r\n\r\n" not in self.buf:
            chunk = self.s.recv(4096)
            if not chunk:
                raise Fail("connection closed before the HTTP answer")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("ascii", "replace").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        print("  http answer: " + lines[0])
        return status, headers

    def read_exact(self, n, timeout=10):
        self.s.settimeout(timeout)
        while len(self.buf) < n:
            try:
                chunk = self.s.recv(4096)
            except socket.timeout:
                return None
            except (ssl.SSLError, OSError):
                chunk = b""
            if not chunk:
                return None
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_packet(self, timeout=10):
        head = self.read_exact(4, timeout)
        if head is None:
            return None
        length = struct.unpack(">H", head[2:4])[0] & 0x0FFF
        if head[0] != 0x10 or length < 4:
            return head
        rest = self.read_exact(length - 4, timeout)
        if rest is None:
            raise Fail("packet cut short: header %s" % head.hex())
        return head + rest

    def closed(self, timeout=10):
        """True if the server closes the connection without sending more."""
        return self.read_exact(1, timeout) is None


def msg_type(pkt):
    return struct.unpack(">H", pkt[4:6])[0] if pkt and len(pkt) >= 8 and pkt[1] & 1 else None


def expect_ack(conn, bitmask=0x02):
    ack = conn.read_packet()
    check(ack is not None, "an answer to the call connect request")
    print("  ack: " + ack.hex())
    check(len(ack) == 48, "the ACK is 48 bytes")
    check(ack[0:4] == bytes.fromhex("10010030"), "version 0x10, control, length 48")
    check(ack[4:8] == bytes.fromhex("00020001"), "type CALL_CONNECT_ACK with one attribute")
    check(ack[8:12] == bytes.fromhex("00040028"), "Crypto Binding Request attribute, length 40")
    check(ack[12:15] == b"\0\0\0" and ack[15] == bitmask, "hash bitmask 0x%02x" % bitmask)
    check(ack[16:48] != bytes(32), "a non-zero nonce")
    return ack


def end_with_disconnect(conn):
    """Disconnect and expect the Ack. On the host the server's pppd fails
    at once (no kernel PPP), so the server may have sent its own Disconnect
    first: then answer it and accept the crossing."""
    conn.send(control(MSG_DISCONNECT, status_attr(0, 0), 1))
    for _ in range(8):
        pkt = conn.read_packet(timeout=8)
        if pkt is None:
            raise Fail("connection closed without a disconnect ack")
        t = msg_type(pkt)
        if t == MSG_DISCONNECT_ACK:
            check(len(pkt) == 8, "disconnect ack received")
            return
        if t == MSG_DISCONNECT:
            print("  server disconnected first (its pppd ended); answering")
            conn.send(control(MSG_DISCONNECT_ACK))
            continue
        print("  ignoring packet " + pkt.hex())
    raise Fail("no disconnect ack")


def scenario(name, port, arg):
    if name in ("http-error", "expect-404"):
        conn = Conn(port, "other.test" if name == "expect-404" else "sstp.test")
        status, headers = conn.http()
        check(status == int(arg), "HTTP status %s" % arg)
        check(conn.closed(), "the server closes the connection")
        return

    if name == "bad-request":
        conn = Conn(port, "sstp.test")
        kind = arg
        if kind == "uri":
            status, _ = conn.http(uri="/sra_wrong/")
        elif kind == "length":
            status, _ = conn.http(length="0")
        elif kind == "no-correlation":
            status, _ = conn.http(correlation=None)
        else:
            raise Fail("unknown bad-request kind")
        check(status == 400, "HTTP 400 for a bad request (%s)" % kind)
        check(conn.closed(), "the server closes the connection")
        return

    conn = Conn(port, "sstp.test")
    status, headers = conn.http()
    check(status == 200, "HTTP 200")
    check(headers.get("content-length") == "18446744073709551615",
          "Content-Length 18446744073709551615")
    check("server" in headers and "date" in headers, "Server and Date headers")

    if name == "negotiate":
        conn.send(CONNECT_REQUEST)
        expect_ack(conn, int(arg, 16) if arg else 0x02)
        end_with_disconnect(conn)
    elif name == "nak-first":
        conn.send(CONNECT_REQUEST)
        nak = conn.read_packet()
        print("  first answer: " + (nak.hex() if nak else "none"))
        check(msg_type(nak) == MSG_NAK, "the first request is NAKed")
        check(len(nak) == 20 and nak[8:12] == bytes.fromhex("0002000c") and
              nak[15] == 1 and nak[16:20] == bytes.fromhex("00000004"),
              "the NAK carries Status Info attr 1 VALUE_NOT_SUPPORTED")
        conn.send(CONNECT_REQUEST)
        expect_ack(conn)
        end_with_disconnect(conn)
    elif name == "nak-always":
        for i in range(3):
            conn.send(CONNECT_REQUEST)
            check(msg_type(conn.read_packet()) == MSG_NAK, "request %d is NAKed" % (i + 1))
        conn.send(CONNECT_REQUEST)
        pkt = conn.read_packet()
        check(msg_type(pkt) == MSG_ABORT and pkt[16:20] == bytes.fromhex("00000006"),
              "the fourth request gets an Abort with RETRY_COUNT_EXCEEDED")
    elif name == "bad-protocol":
        conn.send(bytes.fromhex("1001000e000100010001000600" "02"))
        pkt = conn.read_packet()
        check(msg_type(pkt) == MSG_NAK and pkt[15] == 1, "a request for protocol 2 is NAKed")
    elif name == "bad-version":
        conn.send(CONNECT_REQUEST)
        ack = conn.read_exact(48)
        check(ack is not None and ack[0] == 0x11 and ack[4:6] == b"\x00\x02",
              "the ACK carries version 0x11")
    elif name == "oversized-length":
        conn.send(CONNECT_REQUEST)
        ack = conn.read_exact(48)
        check(ack is not None and ack[0] == 0x10 and
              struct.unpack(">H", ack[2:4])[0] & 0xfff == 4095,
              "the ACK's length field says 4095")
    elif name == "no-ack":
        conn.send(CONNECT_REQUEST)
        check(conn.read_exact(1, timeout=3) is None, "no answer within 3 s")
    elif name == "data-first":
        conn.send(data_packet(bytes.fromhex("ff03c021010100040000")))
        pkt = conn.read_packet()
        check(msg_type(pkt) == MSG_ABORT and pkt[16:20] == bytes.fromhex("00000005"),
              "a data packet before the request gets Abort UNACCEPTED_FRAME_RECEIVED")
    elif name == "echo-early":
        conn.send(CONNECT_REQUEST)
        expect_ack(conn)
        conn.send(control(MSG_ECHO_REQ))
        for _ in range(4):
            pkt = conn.read_packet()
            if msg_type(pkt) in (MSG_ABORT, MSG_DISCONNECT, None):
                break
        # pppd failing on the host makes the server disconnect; the abort
        # must still be what answers an echo before Call Connected, unless
        # the pppd disconnect came first.
        check(msg_type(pkt) in (MSG_ABORT, MSG_DISCONNECT),
              "an echo request before Call Connected ends the call")
    elif name == "ncp-early":
        conn.send(CONNECT_REQUEST)
        expect_ack(conn)
        # IPCP Configure-Request and an IP packet before Call Connected
        # (one write: the server's pppd fails at once on the host, and both
        # must arrive while the call is still up)
        conn.send(data_packet(bytes.fromhex("ff0380210101000a0306")) +
                  data_packet(bytes.fromhex("ff03002145000014")))
        end_with_disconnect(conn)
    elif name == "connected-early":
        conn.send(CONNECT_REQUEST)
        ack = expect_ack(conn)
        cc = bytearray(112)
        cc[0:12] = bytes.fromhex("100100700004000100030068")
        cc[15] = 0x02
        cc[16:48] = ack[16:48]
        conn.send(bytes(cc))
        end_with_disconnect(conn)
    elif name == "garbage":
        check(conn.read_exact(1, timeout=0.2) is None, "nothing before the request")
        conn.send(bytes.fromhex(arg))
        check(conn.closed(), "the server closes the connection")
    else:
        raise Fail("unknown scenario " + name)


def fuzz(port, rounds, seed):
    """Random and mutated packets on successive connections (server in
    --loop mode): it must answer or close, never crash or hang."""
    rng = random.Random(seed)
    seeds = [CONNECT_REQUEST, control(MSG_ECHO_REQ), control(MSG_DISCONNECT, status_attr(0, 0), 1),
             bytes.fromhex("10010070000400010003006800000002") + bytes(96),
             data_packet(bytes.fromhex("ff03c021010100040000"))]
    for i in range(rounds):
        conn = Conn(port, "sstp.test")
        status, _ = conn.http()
        if status != 200:
            raise Fail("round %d: HTTP %d" % (i, status))
        blob = bytearray(rng.choice(seeds) + rng.choice(seeds))
        for _ in range(rng.randint(1, 6)):
            pos = rng.randrange(len(blob))
            blob[pos] = rng.randrange(256)
        if rng.random() < 0.3:
            blob += os.urandom(rng.randint(1, 64))
        try:
            conn.send(bytes(blob))
            conn.send(control(MSG_DISCONNECT, status_attr(0, 0), 1))
            # read what the server answers for a moment, then hang up:
            # the server must notice either way
            while conn.read_packet(timeout=0.5) is not None:
                pass
        except (Fail, OSError, ssl.SSLError):
            pass
        conn.s.close()
    print("  ok: %d fuzz rounds sent" % rounds)


def main():
    name, port = sys.argv[1], int(sys.argv[2])
    arg = sys.argv[3] if len(sys.argv) > 3 else ""
    try:
        if name == "fuzz":
            fuzz(port, int(arg), 1)
        else:
            scenario(name, port, arg)
    except Fail as e:
        print("  FAILED: %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Just enough of an SSTP server to bring nm-sstp-tunnel's session up on
127.0.0.1 without kernel PPP, for test-tunnel-session.sh.

Not a strict server (tests/server/sstp-test-server checks the crypto
binding; it needs a real pppd): one TLS connection, HTTP 200 to the
request, a Call Connect ACK (SHA-256 binding offered) to the Call Connect
Request, an Echo Response to each Echo Request, a Disconnect Ack to a
Call Disconnect; data packets are dropped. Each control message received
is logged as one line ("< CALL_CONNECTED") for the test to grep.

usage: fake-sstp-server.py CERT KEY PORT_FILE LOG
The port (chosen by the kernel) is written to PORT_FILE once listening.
Ends when the client closes the connection, or after an hour.
"""
import os
import signal
import socket
import ssl
import struct
import sys

NAMES = {1: "CALL_CONNECT_REQUEST", 2: "CALL_CONNECT_ACK", 3: "CALL_CONNECT_NAK",
         4: "CALL_CONNECTED", 5: "CALL_ABORT", 6: "CALL_DISCONNECT",
         7: "CALL_DISCONNECT_ACK", 8: "ECHO_REQUEST", 9: "ECHO_RESPONSE"}
HTTP_OK = (b"HTTP/1.1 200 OK\r\n"
           b"Content-Length: 18446744073709551615\r\n"
           b"Server: fake-sstp-server\r\n\r\n")


def control(msg_type, attrs=b"", n_attrs=0):
    return struct.pack(">BBHHH", 0x10, 0x01, 8 + len(attrs), msg_type, n_attrs) + attrs


def connect_ack():
    # Crypto Binding Request: reserved(3), hash bitmask (2 = SHA-256), nonce(32)
    attr = struct.pack(">BBH", 0, 4, 40) + b"\0\0\0\x02" + os.urandom(32)
    return control(2, attr, 1)


class Server:
    def __init__(self, cert, key, log_path):
        self.log_file = open(log_path, "a", buffering=1)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.buf = b""

    def log(self, line):
        self.log_file.write(line + "\n")

    def recv_more(self):
        chunk = self.conn.recv(65536)
        if not chunk:
            raise EOFError
        self.buf += chunk

    def read_http_request(self):
        while b"\r\n\r\n" not in self.buf:
            self.recv_more()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        self.log("http " + head.split(b"\r\n", 1)[0].decode("ascii", "replace"))

    def read_packet(self):
        while len(self.buf) < 4:
            self.recv_more()
        length = struct.unpack(">H", self.buf[2:4])[0] & 0x0FFF
        if self.buf[0] != 0x10 or length < 4:
            raise ValueError("not SSTP: " + self.buf[:4].hex())
        while len(self.buf) < length:
            self.recv_more()
        pkt, self.buf = self.buf[:length], self.buf[length:]
        return pkt

    def answer(self, pkt):
        if not pkt[1] & 1:
            return  # data: dropped
        msg_type = struct.unpack(">H", pkt[4:6])[0]
        self.log("< " + NAMES.get(msg_type, "type %d" % msg_type))
        if msg_type == 1:
            self.conn.sendall(connect_ack())
        elif msg_type == 8:
            self.conn.sendall(control(9))
        elif msg_type == 6:
            self.conn.sendall(control(7))

    def serve(self, listener):
        raw, _ = listener.accept()
        self.conn = self.ctx.wrap_socket(raw, server_side=True)
        self.log("tls up")
        try:
            self.read_http_request()
            self.conn.sendall(HTTP_OK)
            while True:
                self.answer(self.read_packet())
        except (EOFError, ConnectionError, ssl.SSLError) as e:
            self.log("closed (%s)" % (type(e).__name__))


def main():
    cert, key, port_file, log_path = sys.argv[1:5]
    signal.alarm(3600)  # never outlive a broken test run by much
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % listener.getsockname()[1])
    os.rename(port_file + ".tmp", port_file)
    Server(cert, key, log_path).serve(listener)


if __name__ == "__main__":
    main()

#!/bin/sh
# nm-sstp-tunnel's certificate checks against `openssl s_server` on
# 127.0.0.1 (ports picked free, servers killed by PID). TAP output.
#
# The server answers every connection with "HTTP/1.1 404" so that a run
# whose certificate is accepted ends quickly with exit 4 (HTTP refusal);
# a rejected certificate must end with exit 3 and a message naming the
# reason, and the server must not have received a single HTTP byte.
#
# Names: the server certificates are CN=vpn.test (one is CN=127.0.0.1); the
# name checked is --host (or the address 127.0.0.1 without it), and the name
# sent as SNI is --host, never an address (RFC 6066). A DNS subjectAltName,
# when there is one, decides alone; only a certificate without any falls
# back on its CN, as OpenSSL's X509_check_host() does (RFC 6125 6.4.4):
# self-made SSTP server certificates are often CN-only, while Windows RRAS
# ones carry SANs. An address is matched against IP subjectAltNames only,
# never against a CN (RFC 2818 3.1), and the refusal says so.
#
# Renegotiation: a TLS 1.2 renegotiation would be a new handshake whose
# certificate nothing checks, so the worker refuses it and ends the
# connection, saying why (s_server's "r" command on stdin asks for one).
set -u
top_builddir=${top_builddir:-$(pwd)}
tunnel="$top_builddir/src/tunnel/nm-sstp-tunnel"
# pppd is not an ASan program: a sanitizer build's UBSan-only copy (tests/sanitizer.am)
plugin="${SSTP_GUEST_BUILDDIR:-$top_builddir}/src/pppd-plugin/.libs/nm-sstp-pppd-plugin.so"

command -v openssl >/dev/null || { echo "1..0 # SKIP openssl missing"; exit 0; }
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 missing (port picking)"; exit 0; }
[ -x "$tunnel" ] || { echo "1..1"; echo "not ok 1 - $tunnel not built"; exit 0; }
[ -f "$plugin" ] || plugin=/dev/null

work=$(mktemp -d)
server_pid=
tunnel_pid=
relay_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    [ -n "$tunnel_pid" ] && kill "$tunnel_pid" 2>/dev/null
    [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

# ---- certificates --------------------------------------------------------
q() { "$@" >/dev/null 2>&1 || { echo "Bail out! $*"; exit 1; }; }
cat > ca.cnf <<'EOF'
[ ca ]
default_ca = local
[ local ]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = anything
copy_extensions = copy
unique_subject = no
[ anything ]
commonName = supplied
[ server ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:vpn.test
[ client ]
basicConstraints = CA:FALSE
extendedKeyUsage = clientAuth
subjectAltName = DNS:vpn.test
[ ip ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
[ otherip ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.2
[ wildcard ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.sstp.test
[ partialwildcard ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:v*.sstp.test
[ cnonly ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
[ othersan ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.test
EOF
: > index.txt
echo 01 > serial
mkca() {
    q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1.key" -out "$1.pem" -days 30 \
        -subj "/CN=$2" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=keyCertSign,cRLSign
}
# mkcert NAME CA EXT [STARTDATE ENDDATE]: subject CN=$cn
cn=vpn.test
mkcert() {
    q openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$cn"
    if [ $# -ge 5 ]; then
        q openssl ca -batch -config ca.cnf -cert "$2.pem" -keyfile "$2.key" -in "$1.csr" -out "$1.pem" \
            -extensions "$3" -startdate "$4" -enddate "$5" -notext
    else
        q openssl ca -batch -config ca.cnf -cert "$2.pem" -keyfile "$2.key" -in "$1.csr" -out "$1.pem" \
            -extensions "$3" -days 30 -notext
    fi
}
mkca ca "Test SSTP CA"
mkca otherca "Some Other CA"
mkcert good ca server
mkcert expired ca server 20200101000000Z 20210101000000Z
mkcert foreign otherca server
mkcert clientonly ca client
mkcert ip ca ip
mkcert otherip ca otherip
mkcert wildcard ca wildcard
mkcert partialwildcard ca partialwildcard
mkcert cnonly ca cnonly
mkcert othersan ca othersan
cn=127.0.0.1 && mkcert cnaddress ca cnonly && cn=vpn.test
# its own authority, as self-made SSTP servers often have
q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout selfsigned.key \
    -out selfsigned.pem -days 30 -subj /CN=vpn.test -addext subjectAltName=DNS:vpn.test \
    -addext extendedKeyUsage=serverAuth

pin_of() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

http_404='HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'

# start_server CERT [EXTRA S_SERVER OPTIONS...]: answers 404 at once
start_server() {
    start_silent_server "$@"
    printf "$http_404" >&7
}
# start_silent_server CERT [EXTRA S_SERVER OPTIONS...]: sends what the test
# writes to fd 7, when it does (a line "r" asks for a renegotiation)
start_silent_server() {
    cert=$1; shift
    port=$(free_port)
    rm -f server.out in.fifo
    # stdin is a FIFO we hold open (fd 7), so s_server never sees EOF.
    mkfifo in.fifo
    exec 7<>in.fifo
    openssl s_server -accept "127.0.0.1:$port" -cert "$cert.pem" -key "$cert.key" \
        -naccept 1 -ign_eof "$@" <in.fifo >server.out 2>&1 &
    server_pid=$!
    i=0
    until grep -q ACCEPT server.out 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 100 ] && break
        sleep 0.1
    done
}
stop_server() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=
    exec 7>&-
}

# run_tunnel ARGS...: runs against the current server; sets $rc, output in run.err
run_tunnel() {
    timeout 60 "$tunnel" --pppd /bin/true --pppd-plugin "$plugin" "$@" "127.0.0.1:$port" \
        >run.out 2>run.err 5>status.out
    rc=$?
}
# start_tunnel ARGS...: the same in the background; end_tunnel waits for it
start_tunnel() {
    timeout 60 "$tunnel" --pppd /bin/true --pppd-plugin "$plugin" "$@" "127.0.0.1:$port" \
        >run.out 2>run.err 5>status.out &
    tunnel_pid=$!
}
# end_tunnel: the server answers 404 (a worker still waiting for its HTTP
# answer then ends); sets $rc
end_tunnel() {
    printf "$http_404" >&7
    wait "$tunnel_pid"
    rc=$?
    tunnel_pid=
}
# wait_for PATTERN FILE: until PATTERN is in FILE, at most 5 s
wait_for() {
    i=0
    until grep -q "$1" "$2" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 50 ] && return 1
        sleep 0.1
    done
}

t=0
ok() { t=$((t + 1)); echo "ok $t - $1"; }
not_ok() {
    t=$((t + 1)); echo "not ok $t - $1 (exit $rc)"
    sed 's/^/#   tunnel: /' run.err; sed 's/^/#   server: /' server.out
}
# s_server may print the request it read after the worker has already exited (under load,
# make -j): wait for it (wait_for, 5 s at most) rather than race. The worker sending no
# request is checked at once: it has exited by then, and what it did not send never comes.
got_http() { wait_for SSTP_DUPLEX_POST server.out; }
no_http() { ! grep -q SSTP_DUPLEX_POST server.out; }

echo "1..34"

start_server good
run_tunnel --ca-cert ca.pem --host vpn.test
if [ $rc = 4 ] && grep -q "certificate for vpn.test verified" run.err && grep -q "HTTP 404" run.err \
   && got_http && grep -q "Host: vpn.test:$port" server.out; then
    ok "trusted CA and right name: accepted, request sent, 404 gives exit 4"
else not_ok "trusted CA and right name"; fi
stop_server

start_server foreign
run_tunnel --ca-cert ca.pem --host vpn.test --status-fd 5
if [ $rc = 3 ] && grep -q "signed by an unknown certificate authority" run.err && no_http; then
    ok "unknown CA: exit 3, no HTTP byte sent"
else not_ok "unknown CA"; fi
if grep -q '^code=3$' status.out && grep -q '^message=certificate for vpn.test is signed by an unknown' status.out \
   && grep -q '^phase=tls$' status.out; then
    ok "status fd reports phase tls and error code 3 with the message"
else not_ok "status fd error message"; sed 's/^/#   status: /' status.out; fi
stop_server

start_server good
run_tunnel --ca-cert ca.pem --host other.test
if [ $rc = 3 ] && grep -q "name mismatch: certificate is for vpn.test, not other.test" run.err && no_http; then
    ok "wrong name: exit 3, message names the certificate's name"
else not_ok "wrong name"; fi
stop_server

start_server expired
run_tunnel --ca-cert ca.pem --host vpn.test
if [ $rc = 3 ] && grep -q "certificate for vpn.test expired on 2021-01-01 00:00:00 UTC" run.err && no_http; then
    ok "expired: exit 3 with the expiry date"
else not_ok "expired"; fi
stop_server

start_server clientonly
run_tunnel --ca-cert ca.pem --host vpn.test
if [ $rc = 3 ] && grep -q "lacks serverAuth" run.err && no_http; then
    ok "certificate without serverAuth EKU: exit 3"
else not_ok "EKU clientAuth only"; fi
stop_server

start_server foreign
run_tunnel --host vpn.test --pin-sha256 "$(pin_of foreign.pem)"
if [ $rc = 4 ] && grep -q "matches the --pin-sha256 pin" run.err && got_http; then
    ok "pinned certificate from an unknown CA is accepted"
else not_ok "pin accepted"; fi
stop_server

start_server good
run_tunnel --ca-cert ca.pem --host vpn.test --pin-sha256 "$(pin_of foreign.pem)"
if [ $rc = 3 ] && grep -q "certificate pin mismatch" run.err && no_http; then
    ok "certificate not matching the pin is refused even though its CA is trusted"
else not_ok "pin mismatch"; fi
stop_server

# A self-signed certificate: the message offers the pin of the fingerprint it logged, and
# that pin, copied from the message, is accepted.
start_server selfsigned
run_tunnel --host vpn.test
suggested=$(sed -n 's/.*accept exactly it with --pin-sha256 \([0-9A-F:]*\).*/\1/p' run.err | head -1)
if [ $rc = 3 ] && [ "$suggested" = "$(pin_of selfsigned.pem)" ] \
   && grep -q "server certificate SHA-256 $suggested" run.err && no_http; then
    ok "self-signed: exit 3, the message suggests --pin-sha256 with the logged fingerprint"
else not_ok "self-signed certificate message"; fi
stop_server
start_server selfsigned
run_tunnel --host vpn.test --pin-sha256 "${suggested:-none}"
if [ $rc = 4 ] && grep -q "matches the --pin-sha256 pin" run.err && got_http; then
    ok "the suggested pin is accepted"
else not_ok "suggested pin"; fi
stop_server

# pppd takes the plugin only from root: a user is told so before anything connects.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
    start_server good
    (cd / && timeout 60 setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
        "$tunnel" --host vpn.test "127.0.0.1:$port") >run.out 2>run.err
    rc=$?
    if [ $rc = 1 ] && grep -q "must run as root" run.err && no_http && ! grep -q "connecting to" run.err; then
        ok "not root: exit 1 with the reason, the server never reached"
    else not_ok "not root"; fi
    stop_server
else
    t=$((t + 1)); echo "ok $t # SKIP needs root, setpriv and the user nobody"
fi

start_server foreign
run_tunnel --host vpn.test --no-verify
if [ $rc = 4 ] && grep -q "NOT checked" run.err && got_http; then
    ok "--no-verify accepts anything and says so loudly"
else not_ok "--no-verify"; fi
stop_server

start_server good -tls1_2
run_tunnel --ca-cert ca.pem --host vpn.test --tls-min 1.3
if [ $rc = 3 ] && grep -q "TLS handshake with vpn.test failed" run.err && no_http; then
    ok "--tls-min 1.3 refuses a TLS 1.2-only server"
else not_ok "--tls-min"; fi
stop_server

# ---- renegotiation -------------------------------------------------------
# s_server -msg logs each TLS message; -no_cache -no_ticket keep it from
# resuming, so a renegotiation would be a full handshake with its
# certificate. "r" is sent once the worker waits for its HTTP answer.
start_silent_server good -tls1_2 -no_cache -no_ticket -msg
start_tunnel --ca-cert ca.pem --host vpn.test --status-fd 5
wait_for SSTP_DUPLEX_POST server.out
printf 'r\n' >&7
wait_for 'error: ' run.err
end_tunnel
if [ $rc = 3 ] && grep -q "the server asked to renegotiate TLS: refused" run.err \
   && grep -q '^code=3$' status.out && grep -q '^message=the server asked to renegotiate TLS' status.out; then
    ok "TLS 1.2 renegotiation asked by the server: refused, exit 3 with the reason"
else not_ok "renegotiation refused"; sed 's/^/#   status: /' status.out; fi
if [ "$(grep -c '^<<< .*, ClientHello$' server.out)" = 1 ] && [ "$(grep -c '^>>> .*, Certificate$' server.out)" = 1 ]; then
    ok "no second handshake: one ClientHello, the certificate sent once"
else not_ok "second handshake"; fi
stop_server

# A server that carries on after the refusal: s_server ends the session
# when it gets the no_renegotiation alert, so a relay drops the client's
# alert records (s_server would then reject the worker's next record, its
# record count being one behind, but a worker that ends at once sends
# none). The worker is past HTTP, where SSTP waits 60 s for the server's
# Call Connect Ack; it must end within 5 s, saying why, with the TLS exit
# code 3 as in the HTTP phase.
cat > relay.py <<'EOF'
import socket, sys, threading
listen_port, server_port = int(sys.argv[1]), int(sys.argv[2])
ls = socket.socket()
ls.bind(("127.0.0.1", listen_port))
ls.listen(1)
print("LISTENING", flush=True)
c, _ = ls.accept()
s = socket.create_connection(("127.0.0.1", server_port))
def server_to_client():
    while True:
        d = s.recv(65536)
        if not d:
            break
        c.sendall(d)
    c.close()
threading.Thread(target=server_to_client, daemon=True).start()
def take(n):
    b = b""
    while len(b) < n:
        d = c.recv(n - len(b))
        if not d:
            return None
        b += d
    return b
while True:
    head = take(5)
    body = take(int.from_bytes(head[3:5], "big")) if head else None
    if body is None:
        break
    if head[0] == 21:
        print("dropped an alert from the client", flush=True)
        continue
    s.sendall(head + body)
s.close()
EOF
start_silent_server good -tls1_2 -no_cache -no_ticket -msg
server_port=$port
port=$(free_port)
python3 relay.py "$port" "$server_port" >relay.out 2>&1 &
relay_pid=$!
wait_for LISTENING relay.out
start_tunnel --ca-cert ca.pem --host vpn.test --status-fd 5
wait_for SSTP_DUPLEX_POST server.out
printf 'HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n' >&7
wait_for "SSTP accepted" run.err
printf 'r\n' >&7
wait_for '^message=' status.out || kill "$tunnel_pid"
wait "$tunnel_pid"; rc=$?; tunnel_pid=
wait_for "dropped an alert" relay.out
kill "$relay_pid" 2>/dev/null; wait "$relay_pid" 2>/dev/null; relay_pid=
if [ $rc = 3 ] && grep -q "dropped an alert" relay.out \
   && grep -q '^message=the server asked to renegotiate TLS' status.out \
   && [ "$(grep -c '^<<< .*, ClientHello$' server.out)" = 1 ]; then
    ok "renegotiation asked in the SSTP phase by a server that carries on: the worker ends, saying why"
else not_ok "renegotiation, server carries on"; sed 's/^/#   relay: /' relay.out; sed 's/^/#   status: /' status.out; fi
stop_server

# TLS 1.3 has no renegotiation: after a KeyUpdate (s_server's "k") the
# session goes on, and the 404, sent with the new key, is read.
start_silent_server good -tls1_3 -msg
start_tunnel --ca-cert ca.pem --host vpn.test
wait_for SSTP_DUPLEX_POST server.out
printf 'k\n' >&7
wait_for '^>>> .*, KeyUpdate$' server.out
end_tunnel
if [ $rc = 4 ] && grep -q "HTTP 404" run.err && ! grep -q renegotiate run.err \
   && grep -q '^>>> .*, KeyUpdate$' server.out; then
    ok "TLS 1.3 KeyUpdate is not a renegotiation: the session goes on"
else not_ok "TLS 1.3 KeyUpdate"; fi
stop_server

# ---- names: addresses, wildcards, CN, SNI --------------------------------
# -servername makes s_server log the SNI it gets ("Hostname in TLS
# extension"); -cert2 is the same certificate, so nothing else changes.
sni_log() { echo -servername vpn.test -cert2 "$1.pem" -key2 "$1.key"; }

start_server ip $(sni_log ip) -msg
run_tunnel --ca-cert ca.pem
if [ $rc = 4 ] && grep -q "certificate for 127.0.0.1 verified" run.err && got_http; then
    ok "gateway 127.0.0.1, certificate with IP SAN 127.0.0.1: accepted"
else not_ok "IP SAN"; fi
if grep -q '^<<< .*, ClientHello$' server.out && ! grep -q "Hostname in TLS extension" server.out; then
    ok "gateway given as an address: no SNI sent"
else not_ok "SNI with an address"; fi
stop_server

start_server otherip
run_tunnel --ca-cert ca.pem
if [ $rc = 3 ] && grep -q "name mismatch: certificate is for 127.0.0.2, not 127.0.0.1" run.err && no_http; then
    ok "gateway 127.0.0.1, certificate with IP SAN 127.0.0.2: refused"
else not_ok "other IP SAN"; fi
stop_server

start_server cnaddress
run_tunnel --ca-cert ca.pem
if [ $rc = 3 ] && grep -q "certificate for 127.0.0.1 has no IP address subjectAltName, and a common name never counts" run.err \
   && no_http; then
    ok "gateway 127.0.0.1, certificate with only CN=127.0.0.1: refused, saying the CN does not count"
else not_ok "CN that is an address"; fi
stop_server

start_server wildcard
run_tunnel --ca-cert ca.pem --host vpn.sstp.test
if [ $rc = 4 ] && grep -q "certificate for vpn.sstp.test verified" run.err && got_http; then
    ok "*.sstp.test is accepted for vpn.sstp.test"
else not_ok "wildcard"; fi
stop_server

start_server wildcard
run_tunnel --ca-cert ca.pem --host a.b.sstp.test
if [ $rc = 3 ] && grep -q "name mismatch: certificate is for \*.sstp.test, not a.b.sstp.test" run.err \
   && no_http; then
    ok "*.sstp.test is refused for a.b.sstp.test (one label only)"
else not_ok "wildcard over two labels"; fi
stop_server

start_server partialwildcard
run_tunnel --ca-cert ca.pem --host vpn.sstp.test
if [ $rc = 3 ] && grep -q "name mismatch: certificate is for v\*.sstp.test, not vpn.sstp.test" run.err \
   && no_http; then
    ok "partial wildcard v*.sstp.test is refused for vpn.sstp.test"
else not_ok "partial wildcard"; fi
stop_server

start_server cnonly
run_tunnel --ca-cert ca.pem --host vpn.test
if [ $rc = 4 ] && grep -q "certificate for vpn.test verified" run.err && got_http; then
    ok "no subjectAltName: the CN vpn.test is accepted for vpn.test"
else not_ok "CN-only certificate"; fi
stop_server

start_server othersan
run_tunnel --ca-cert ca.pem --host vpn.test
if [ $rc = 3 ] && grep -q "name mismatch: certificate is for other.test, not vpn.test" run.err && no_http; then
    ok "with a DNS subjectAltName other.test the CN vpn.test does not count: refused"
else not_ok "CN beside a DNS SAN"; fi
stop_server

start_server good $(sni_log good)
run_tunnel --ca-cert ca.pem --host vpn.test
if [ $rc = 4 ] && grep -q 'Hostname in TLS extension: "vpn.test"' server.out; then
    ok "SNI is the host name vpn.test"
else not_ok "SNI with a host name"; fi
stop_server

# sstpc's --uuid is the SSTP correlation id of the HTTP request.
start_server good
run_tunnel --ca-cert ca.pem --host vpn.test --uuid 0f2c6a1e-93b4-4c3a-8e1d-2b7f90a1c4d5
if [ $rc = 4 ] && grep -q "SSTPCORRELATIONID: {0F2C6A1E-93B4-4C3A-8E1D-2B7F90A1C4D5}" server.out; then
    ok "--uuid (sstpc's) is sent as the correlation id"
else not_ok "--uuid as correlation id"; fi
stop_server

start_server good $(sni_log good)
run_tunnel --ca-cert ca.pem --host vpn.test --no-sni
if [ $rc = 4 ] && ! grep -q "Hostname in TLS extension" server.out; then
    ok "--no-sni: no SNI sent"
else not_ok "--no-sni"; fi
stop_server

# ---- servers that cannot be trusted or are too old -----------------------
# A MikroTik RouterOS SSTP server without a certificate offers only
# anonymous ciphers (-nocert: s_server ignores its certificate); old servers
# offer only TLS 1.0 or 1.1. The error says which, not just "handshake
# failure"; the second look at the server (-naccept 2: a second
# connection) never completes a handshake.
start_server good -naccept 2 -nocert -tls1_2 -cipher 'aNULL:@SECLEVEL=0'
run_tunnel --host vpn.test --no-verify
if [ $rc = 3 ] && grep -q "TLS handshake with vpn.test failed: the server offers only anonymous TLS (ADH-" run.err \
   && grep -q "MikroTik RouterOS" run.err && ! got_http; then
    ok "anonymous-only server (MikroTik without certificate): exit 3, the error says so, even with --no-verify"
else not_ok "anonymous-only server"; fi
if ! grep -q "CIPHER is" server.out; then
    ok "the look at the anonymous server completed no handshake"
else not_ok "probe handshake completed"; fi
stop_server

start_server good -naccept 2 -tls1 -cipher 'DEFAULT:@SECLEVEL=0'
run_tunnel --ca-cert ca.pem --host vpn.test
if [ $rc = 3 ] && grep -q "the server offers only TLS 1.0, and this client needs TLS 1.2 or later" run.err \
   && ! got_http; then
    ok "TLS 1.0-only server: exit 3, the error names TLS 1.0"
else not_ok "TLS 1.0-only server"; fi
stop_server

start_server good -naccept 2 -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
run_tunnel --ca-cert ca.pem --host vpn.test
if [ $rc = 3 ] && grep -q "the server offers only TLS 1.1, and this client needs TLS 1.2 or later" run.err \
   && ! got_http; then
    ok "TLS 1.1-only server: exit 3, the error names TLS 1.1"
else not_ok "TLS 1.1-only server"; fi
stop_server


# A server that does not speak TLS (plain HTTP on the port): OpenSSL's own
# reason reaches the message. Without OpenSSL's error strings loaded it would
# be "lib(20)::reason(267)" (as it was on Debian 13's OpenSSL 3.5 when the
# worker tried to load them only once an error came).
port=$(free_port)
python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); s.settimeout(30)
print("listening", flush=True)
c, _ = s.accept(); c.recv(4096); c.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n"); c.close()
' "$port" >plain.out 2>&1 &
server_pid=$!
wait_for listening plain.out
run_tunnel --no-verify
if [ $rc = 3 ] && grep -q "TLS handshake with 127.0.0.1 failed: error:[0-9A-F]*:SSL routines::wrong version number" run.err; then
    ok "plain HTTP server: exit 3, OpenSSL's reason in words (wrong version number)"
else not_ok "plain HTTP server"; sed 's/^/# /' run.err; fi
wait "$server_pid" 2>/dev/null
server_pid=

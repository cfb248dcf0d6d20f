#!/bin/sh
# nm-sstp-tunnel's certificate checks against `openssl s_server` on
# 127.0.0.1 (ports picked free, servers killed by PID). TAP output.
#
# The server answers every connection with "HTTP/1.1 404" so that a run
# whose certificate is accepted ends quickly with exit 4 (HTTP refusal);
# a rejected certificate must end with exit 3 and a message naming the
# reason, and the server must not have received a single HTTP byte.
set -u
top_builddir=${top_builddir:-$(pwd)}
tunnel="$top_builddir/src/tunnel/nm-sstp-tunnel"
plugin="$top_builddir/src/pppd-plugin/.libs/nm-sstp-pppd-plugin.so"

command -v openssl >/dev/null || { echo "1..0 # SKIP openssl missing"; exit 0; }
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 missing (port picking)"; exit 0; }
[ -x "$tunnel" ] || { echo "1..1"; echo "not ok 1 - $tunnel not built"; exit 0; }
[ -f "$plugin" ] || plugin=/dev/null

work=$(mktemp -d)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
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
EOF
: > index.txt
echo 01 > serial
mkca() {
    q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1.key" -out "$1.pem" -days 30 \
        -subj "/CN=$2" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=keyCertSign,cRLSign
}
# mkcert NAME CA EXT [STARTDATE ENDDATE]
mkcert() {
    q openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=vpn.test"
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

pin_of() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server CERT [EXTRA S_SERVER OPTIONS...]
start_server() {
    cert=$1; shift
    port=$(free_port)
    rm -f server.out in.fifo
    # stdin is a FIFO we hold open (fd 7), so s_server never sees EOF.
    mkfifo in.fifo
    exec 7<>in.fifo
    printf 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n' >&7
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

t=0
ok() { t=$((t + 1)); echo "ok $t - $1"; }
not_ok() {
    t=$((t + 1)); echo "not ok $t - $1 (exit $rc)"
    sed 's/^/#   tunnel: /' run.err; sed 's/^/#   server: /' server.out
}
got_http() { grep -q SSTP_DUPLEX_POST server.out; }

echo "1..10"

start_server good
run_tunnel --ca-cert ca.pem --host vpn.test
if [ $rc = 4 ] && grep -q "certificate for vpn.test verified" run.err && grep -q "HTTP 404" run.err \
   && got_http && grep -q "Host: vpn.test:$port" server.out; then
    ok "trusted CA and right name: accepted, request sent, 404 gives exit 4"
else not_ok "trusted CA and right name"; fi
stop_server

start_server foreign
run_tunnel --ca-cert ca.pem --host vpn.test --status-fd 5
if [ $rc = 3 ] && grep -q "signed by an unknown certificate authority" run.err && ! got_http; then
    ok "unknown CA: exit 3, no HTTP byte sent"
else not_ok "unknown CA"; fi
if grep -q '^code=3$' status.out && grep -q '^message=certificate for vpn.test is signed by an unknown' status.out \
   && grep -q '^phase=tls$' status.out; then
    ok "status fd reports phase tls and error code 3 with the message"
else not_ok "status fd error message"; sed 's/^/#   status: /' status.out; fi
stop_server

start_server good
run_tunnel --ca-cert ca.pem --host other.test
if [ $rc = 3 ] && grep -q "name mismatch: certificate is for vpn.test, not other.test" run.err && ! got_http; then
    ok "wrong name: exit 3, message names the certificate's name"
else not_ok "wrong name"; fi
stop_server

start_server expired
run_tunnel --ca-cert ca.pem --host vpn.test
if [ $rc = 3 ] && grep -q "certificate for vpn.test expired on 2021-01-01 00:00:00 UTC" run.err && ! got_http; then
    ok "expired: exit 3 with the expiry date"
else not_ok "expired"; fi
stop_server

start_server clientonly
run_tunnel --ca-cert ca.pem --host vpn.test
if [ $rc = 3 ] && grep -q "lacks serverAuth" run.err && ! got_http; then
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
if [ $rc = 3 ] && grep -q "certificate pin mismatch" run.err && ! got_http; then
    ok "certificate not matching the pin is refused even though its CA is trusted"
else not_ok "pin mismatch"; fi
stop_server

start_server foreign
run_tunnel --host vpn.test --no-verify
if [ $rc = 4 ] && grep -q "NOT checked" run.err && got_http; then
    ok "--no-verify accepts anything and says so loudly"
else not_ok "--no-verify"; fi
stop_server

start_server good -tls1_2
run_tunnel --ca-cert ca.pem --host vpn.test --tls-min 1.3
if [ $rc = 3 ] && grep -q "TLS handshake with vpn.test failed" run.err && ! got_http; then
    ok "--tls-min 1.3 refuses a TLS 1.2-only server"
else not_ok "--tls-min"; fi
stop_server

# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-legacy-profile-guest.sh - runs INSIDE the UML guest (see
# test-nm-legacy-profile.sh). Environment: see lib/nm-guest.sh (BUILDDIR, SRCDIR, SERVER,
# CERT, KEY, SSTP_USER, SSTP_PASSWORD_FILE).

. "$UML_LIB_DIR/guest-lib.sh"
. "$UML_LIB_DIR/nm-guest.sh"

conn=sstp-legacy
uuid=9d5e7c1a-2b4f-4e61-8a3c-6f0d2e9b1c57
profile=$GUEST_NM_DIR/system-connections/$conn.nmconnection

pppd_argv() {
	tr '\0' ' ' <"/proc/$(nm_guest_client_pppd_pids | head -n 1)/cmdline" 2>/dev/null
}

nm_guest_setup

nm_guest_start_server legacy "$SSTP_PASSWORD_FILE" --ipv6 --dns 10.77.0.53 ||
	tap_bail_out "sstp-test-server does not listen"

# What the old plugin's editor saved (NetworkManager's keyfile of that time, keys sorted):
# ignore-cert-warn instead of a CA or pin, tls-ext for SNI, the refuse-* list with only
# MS-CHAPv2 left, lcp-echo-* from "Send PPP echo packets", its own copy of the uuid.
IFS= read -r password <"$SSTP_PASSWORD_FILE"
nm_guest_write_keyfile "$conn" <<PROFILE
[connection]
id=$conn
uuid=$uuid
type=vpn
autoconnect=false
permissions=

[vpn]
gateway=127.0.0.1:$NM_SERVER_PORT
ignore-cert-warn=yes
lcp-echo-failure=5
lcp-echo-interval=30
no-vj-comp=yes
nobsdcomp=yes
nodeflate=yes
password-flags=0
refuse-chap=yes
refuse-eap=yes
refuse-mschap=yes
refuse-pap=yes
tls-ext=yes
user=$SSTP_USER
uuid=$uuid
service-type=org.freedesktop.NetworkManager.sstp

[vpn-secrets]
password=$password

[ipv4]
dns-search=
method=auto
never-default=true

[ipv6]
addr-gen-mode=stable-privacy
dns-search=
ip6-privacy=0
method=auto
never-default=true

[proxy]
PROFILE
unset password
sum_before=$(sha256sum <"$profile")
tap_is "NetworkManager loaded the profile as it is (vpn.service-type)" \
	"$(nmcli -g vpn.service-type connection show "$conn" 2>/dev/null)" org.freedesktop.NetworkManager.sstp

nm_guest_up "$conn" nmcli-up "nmcli connection up $conn (old plugin's profile)" ||
	tap_diag "$(grep 'nm-sstp-service' "$UML_OUT/syslog.log" | tail -n 5)"
tap_is "state is activated" "$(nmcli -g GENERAL.STATE connection show "$conn" 2>/dev/null)" activated
tap_is "IPv4 address" "$(nmcli -g IP4.ADDRESS connection show "$conn" 2>/dev/null)" "10.77.0.2/32"
tap_is "the server's DNS server (usepeerdns)" "$(nmcli -g IP4.DNS connection show "$conn" 2>/dev/null)" \
	"10.77.0.53"
guest_check_ping "ping 10.77.0.1 crosses the tunnel" ping 10.77.0.1 ppp0
argv=$(pppd_argv)
tap_diag "pppd: $argv"
for words in refuse-eap refuse-pap refuse-chap refuse-mschap nobsdcomp nodeflate novj \
	"lcp-echo-failure 5" "lcp-echo-interval 30"; do
	case " $argv " in
	*" $words "*) tap_ok "old key reaches pppd: $words" ;;
	*) tap_not_ok "old key reaches pppd: $words" ;;
	esac
done
tap_check "ignore-cert-warn=yes: the worker accepted the self-signed certificate, with a warning" \
	grep -q 'nm-sstp-tunnel.*--no-verify: the server certificate is NOT checked' "$UML_OUT/NetworkManager.log"
tap_check "no password on any process's argv" nm_guest_no_password_on_any_argv

nm_guest_down "$conn" nmcli-down "nmcli connection down $conn"
nm_guest_check_nothing_left "nothing left: no worker, no pppd, no ppp device, no service"
nm_guest_stop_server
tap_is "server: binding verified, clean call (exit 0)" "$NM_SERVER_STATUS" 0
# (the old plugin's uuid: the connection's UUID, sent as sstpc --uuid did)
tap_check "the profile's uuid is the SSTPCORRELATIONID" \
	grep -aq 'correlation={9D5E7C1A-2B4F-4E61-8A3C-6F0D2E9B1C57} guid=yes' "$NM_SERVER_LOG"
tap_is "the profile file is unchanged" "$(sha256sum <"$profile")" "$sum_before"
tap_check "no password in NetworkManager's log" nm_guest_no_password_in "$UML_OUT/NetworkManager.log"
tap_check "no password in the service's log" nm_guest_no_password_in "$UML_OUT/syslog.log"

# ---- Profiles KDE Plasma's editor (plasma-nm) wrote --------------------------------
# The fixtures are what NetworkManager saves for plasma-nm's SSTP editor
# (tests/unit/fixtures/plasma-nm-*.nmconnection, also read by the unit test): proxy-port=0
# in every profile, proxy-password in vpn.data. @NAME@ are filled in here.
plasma_profile() {
	local name=$1 fixture=$2 password
	shift 2
	IFS= read -r password <"$SSTP_PASSWORD_FILE"
	sed -e "s|@GATEWAY@|127.0.0.1:$NM_SERVER_PORT|" -e "s|@USER@|$SSTP_USER|" \
		-e "s|@PASSWORD@|$password|" -e "s|@CA_CERT@|$CERT|" "$@" \
		"$SRCDIR/tests/unit/fixtures/$fixture" | nm_guest_write_keyfile "$name"
}

# A plain HTTP CONNECT proxy that wants Basic authentication (user and password from a
# 0600 file; the log says whether they matched, never what they were).
cat >"$UML_OUT/connect-proxy.py" <<'PROXY'
import base64, socket, sys, threading
user, pwfile, portfile, log = sys.argv[1], sys.argv[2], sys.argv[3], open(sys.argv[4], "a", 1)
want = "Basic " + base64.b64encode((user + ":" + open(pwfile).readline().rstrip("\n")).encode()).decode()
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(4)
open(portfile, "w").write("%d\n" % ls.getsockname()[1])
def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
while True:
    c, _ = ls.accept()
    head = b""
    while b"\r\n\r\n" not in head:
        d = c.recv(4096)
        if not d:
            break
        head += d
    lines = head.decode("latin-1").split("\r\n")
    auth = [l.split(":", 1)[1].strip() for l in lines[1:] if l.lower().startswith("proxy-authorization:")]
    ok = auth == [want]
    log.write("%s auth=%s\n" % (lines[0], "ok" if ok else ("none" if not auth else "wrong")))
    if not ok or not lines[0].startswith("CONNECT "):
        c.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"t\"\r\nContent-Length: 0\r\n\r\n")
        c.close()
        continue
    host, port = lines[0].split()[1].rsplit(":", 1)
    s = socket.create_connection((host, int(port)))
    c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    threading.Thread(target=pipe, args=(c, s), daemon=True).start()
    threading.Thread(target=pipe, args=(s, c), daemon=True).start()
PROXY

# -- plasma-nm, minimal: gateway, user, password, "ignore certificate warnings" -----
# (nmcli is given the fixture's uuid)
conn=3f0c5e9a-8d1b-4c7e-9a26-5b4f0e1d2c38 label=kde-minimal
nm_guest_start_server kde-minimal "$SSTP_PASSWORD_FILE" || tap_bail_out "sstp-test-server does not listen"
plasma_profile kde-minimal plasma-nm-minimal.nmconnection
tap_is "$label: NetworkManager loaded plasma-nm's profile (proxy-port=0)" \
	"$(nmcli -g vpn.data connection show "$conn" 2>/dev/null | grep -o 'proxy-port = 0')" "proxy-port = 0"
nm_guest_up "$conn" "up-$label" "$label: nmcli connection up (plasma-nm, minimal)" ||
	tap_diag "$(grep -a 'nm-sstp-service' "$UML_OUT/syslog.log" | tail -n 5)"
tap_diag "$label: pppd: $(pppd_argv)"
tap_diag "$label: nmcli -g IP4.ADDRESS: '$(nmcli -g IP4.ADDRESS connection show "$conn")'; IP6.ADDRESS: '$(nmcli -g IP6.ADDRESS connection show "$conn" | sed 's/\\//g')'"
tap_is "$label: IPv4 address" "$(nmcli -g IP4.ADDRESS connection show "$conn" 2>/dev/null)" "10.77.0.2/32"
tap_check "$label: proxy-port=0 means no proxy: straight to the server" \
	grep -aq "connected to server 127.0.0.1 (127.0.0.1) port $NM_SERVER_PORT" "$UML_OUT/NetworkManager.log"
nm_guest_down "$conn" "down-$label" "$label: nmcli connection down"
nm_guest_check_nothing_left "$label: nothing left"
nm_guest_stop_server
tap_is "$label: server: binding verified, clean call (exit 0)" "$NM_SERVER_STATUS" 0

# -- plasma-nm, every field of its editor -------------------------------------------
# The domain makes the PPP user CORP\alice, which the server's secrets name. The proxy
# password is in vpn.data, as plasma-nm stores it; MPPE-128 is required, unit 7 asked.
conn=b7e2d4c1-6a3f-4f08-9d5e-1c2b3a4f5e6d label=kde-full
(umask 077 && head -c 18 /dev/urandom | base64 | tr -d '+/=' >"$UML_OUT/proxy-password")
rm -f "$UML_OUT/proxy-port"
python3 "$UML_OUT/connect-proxy.py" kde-proxy-user "$UML_OUT/proxy-password" "$UML_OUT/proxy-port" \
	"$UML_OUT/proxy.log" 2>"$UML_OUT/proxy.err" &
proxy_pid=$!
guest_wait_for 20 test -s "$UML_OUT/proxy-port" || tap_bail_out "the test proxy does not listen"
nm_guest_start_server kde-full "$SSTP_PASSWORD_FILE" --mppe --user "CORP\\$SSTP_USER" || tap_bail_out "sstp-test-server does not listen"
IFS= read -r proxy_password <"$UML_OUT/proxy-password"
plasma_profile kde-full plasma-nm-full.nmconnection \
	-e "s|@PROXY_PORT@|$(cat "$UML_OUT/proxy-port")|" -e "s|@PROXY_PASSWORD@|$proxy_password|"
unset proxy_password
nm_guest_up "$conn" "up-$label" "$label: nmcli connection up (plasma-nm, every field)" ||
	tap_diag "$(grep -a 'nm-sstp-service' "$UML_OUT/syslog.log" | tail -n 5)"
argv=$(pppd_argv)
tap_diag "$label: pppd: $argv"
tap_diag "$label: nmcli -g IP4.ADDRESS: '$(nmcli -g IP4.ADDRESS connection show "$conn")'; IP6.ADDRESS: '$(nmcli -g IP6.ADDRESS connection show "$conn" | sed 's/\\//g')'"
tap_is "$label: IPv4 address" "$(nmcli -g IP4.ADDRESS connection show "$conn" 2>/dev/null)" "10.77.0.2/32"
tap_check "$label: unit=7: the tunnel is ppp7" sh -c "ip -4 -o addr show dev ppp7 | grep -q 'inet 10.77.0.2 peer 10.77.0.1/32'"
for words in refuse-eap refuse-pap refuse-chap refuse-mschap require-mppe-128 mppe-stateful \
	nobsdcomp nodeflate novj "lcp-echo-failure 5" "lcp-echo-interval 30" "unit 7"; do
	case " $argv " in
	*" $words "*) tap_ok "$label: reaches pppd: $words" ;;
	*) tap_not_ok "$label: reaches pppd: $words" ;;
	esac
done
tap_check "$label: pppd negotiated MPPE 128-bit" grep -aq 'MPPE 128-bit stateless compression enabled' "$UML_OUT/syslog.log"
tap_check "$label: through the proxy, whose Basic authentication took the password from vpn.data" \
	grep -q "^CONNECT 127.0.0.1:$NM_SERVER_PORT HTTP/1.1 auth=ok" "$UML_OUT/proxy.log"
tap_check "$label: the service warned that proxy-password belongs in the secrets" \
	grep -aq '“proxy-password” is a secret but is stored in vpn.data' "$UML_OUT/syslog.log"
tap_check "$label: no proxy password on any process's argv" \
	sh -c "! grep -qaF -f '$UML_OUT/proxy-password' /proc/[0-9]*/cmdline 2>/dev/null"
tap_check "$label: no proxy password in the service's or the worker's log" \
	sh -c "! grep -qaF -f '$UML_OUT/proxy-password' '$UML_OUT/syslog.log' &&
	       ! grep -a 'nm-sstp' '$UML_OUT/NetworkManager.log' | grep -qaF -f '$UML_OUT/proxy-password'"
nm_guest_down "$conn" "down-$label" "$label: nmcli connection down"
nm_guest_check_nothing_left "$label: nothing left"
nm_guest_stop_server
tap_is "$label: server: binding verified, clean call (exit 0)" "$NM_SERVER_STATUS" 0
tap_check "$label: domain: the MS-CHAPv2 response named CORP\\$SSTP_USER" \
	grep -aqF "user=CORP\\$SSTP_USER" "$NM_SERVER_LOG"
guest_stop "$proxy_pid"
if grep -qaF -f "$UML_OUT/proxy-password" "$UML_OUT/NetworkManager.log"; then
	tap_diag "$label: NetworkManager's own trace log shows vpn.data, proxy-password included (not ours)"
fi

nm_guest_finish
tap_finish

# tests/uml/guest/sstpc-softether.sh - runs INSIDE the UML guest (see ../test-sstpc-softether.sh).
# Connects Debian's sstp-client (sstpc) + pppd to the SoftEther server on the host side of the
# test's namespace, checks the address and DNS it gets, pings the SecureNAT gateway through
# the tunnel and disconnects.
#
# Environment: SSTP_SERVER (198.51.100.1), SSTP_USER, SSTP_PASSWORD_FILE (mode 0600 file with
# the password on its first line), SSTP_CA (CA certificate of the server), SSTP_GATEWAY
# (198.18.0.1).
#
# The password goes only into the guest's private /etc/ppp/chap-secrets (mode 0600, tmpfs):
# pppd reads it from there, and sstpc runs in pppd's "pty" mode, where it needs no password
# at all. (sstpc's own --password option would put it on sstpc's command line; when sstpc
# starts pppd itself it also writes it into pppd's arguments. Neither is used here.)

. "$UML_LIB_DIR/guest-lib.sh"

peer=sstp-test
pppd_log=$UML_OUT/pppd.log
sstpc_log=$UML_OUT/sstpc.log

tap_check "PPP kernel modules load" guest_modprobe ppp_generic ppp_async ppp_mppe

tap_check "vec0 has the guest address" guest_wait_for 10 ip -4 addr show dev vec0 to "${UML_GUEST_ADDR%/*}"

# Private pppd configuration (the guest's /etc/ppp is its own tmpfs).
IFS= read -r password <"$SSTP_PASSWORD_FILE"
(
	umask 077
	printf '"%s" * "%s" *\n' "$SSTP_USER" "$password" >/etc/ppp/chap-secrets
)
unset password
cat >/etc/ppp/peers/$peer <<EOF
pty "sstpc --ipparam $peer --nolaunchpppd --log-level 3 --log-stderr --ca-cert $SSTP_CA $SSTP_SERVER 2>>$sstpc_log"
name $SSTP_USER
remotename $peer
ipparam $peer
plugin sstp-pppd-plugin.so
sstp-sock /var/run/sstpc/sstpc-$peer
require-mschap-v2
refuse-pap
refuse-chap
refuse-mschap
refuse-eap
noauth
nodefaultroute
noipdefault
noipv6
usepeerdns
nobsdcomp
nodeflate
lcp-echo-interval 0
logfile $pppd_log
debug
EOF

start=$(date +%s.%N)
pppd call "$peer" nodetach >/dev/null 2>&1 &
pppd_pid=$!

if guest_wait_for 90 guest_ppp0_up; then
	connect_time=$(guest_elapsed_since "$start")
	tap_ok "sstpc + pppd bring up ppp0 (${connect_time} s)"
	echo "sstpc_connect_seconds=$connect_time" >>"$UML_OUT/timing"
else
	tap_not_ok "sstpc + pppd bring up ppp0"
	tap_diag_file "$pppd_log" 30
	tap_diag_file "$sstpc_log" 30
fi

addr=$(guest_ppp0_ipv4)
case $addr in
198.18.0.*) tap_ok "ppp0 address $addr comes from SecureNAT's DHCP range" ;;
*) tap_not_ok "ppp0 address in 198.18.0.0/24 (got '$addr')" ;;
esac

if grep -q "^nameserver ${SSTP_GATEWAY//./\\.}\$" /etc/ppp/resolv.conf 2>/dev/null; then
	tap_ok "the server's DNS address reaches pppd (usepeerdns)"
else
	tap_not_ok "the server's DNS address reaches pppd (usepeerdns)"
	tap_diag_file /etc/ppp/resolv.conf 5
fi

# Route the tunnel network through ppp0 whatever peer address IPCP gave.
ip route replace 198.18.0.0/24 dev ppp0 2>/dev/null
guest_check_ping "ping $SSTP_GATEWAY through the tunnel" ping "$SSTP_GATEWAY" ppp0

guest_stop "$pppd_pid"
if guest_wait_for 15 sh -c '! ip link show dev ppp0'; then
	tap_ok "ppp0 goes away when pppd stops"
else
	tap_not_ok "ppp0 goes away when pppd stops"
fi

ip -d addr >"$UML_OUT/ip-addr.log" 2>&1
tap_finish

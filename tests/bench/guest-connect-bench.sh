# SPDX-License-Identifier: GPL-2.0-or-later
# tests/bench/guest-connect-bench.sh - runs INSIDE the UML guest (see run-connect-bench.sh).
# Environment: BUILDDIR, SRCDIR, SERVER, CERT, KEY, PIN, SSTP_USER, SSTP_PASSWORD_FILE,
# ROUNDS, OLD_PLUGIN_ROOT (the old plugin unpacked, or "none").
#
#   sstp-test-server on 127.0.0.1; its pppd in namespace connsrv: ppp0 10.77.0.1 peer 10.77.0.2
#   inform: dnsmasq in connsrv answers the DHCPINFORM; silent: nobody does

. "$UML_LIB_DIR/guest-lib.sh"
. "$UML_LIB_DIR/nm-guest.sh"

ns=connsrv
raw=$UML_OUT/raw.txt
nmlog=$UML_OUT/NetworkManager.log
dnsmasq_pid=
name_file=/usr/lib/NetworkManager/VPN/nm-sstp-service.name
: >"$raw"

now() { date +%s.%N; }

start_dnsmasq() {
	rm -f "$UML_OUT/dnsmasq.pid"
	ip netns exec "$ns" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 \
		--interface='ppp*' --leasefile-ro --pid-file="$UML_OUT/dnsmasq.pid" \
		--log-facility="$UML_OUT/dnsmasq.log" --dhcp-range=10.77.0.0,static,255.255.255.0 \
		--dhcp-option=121,198.19.0.0/16,0.0.0.0 --dhcp-option=option:domain-name,corp.test &
	dnsmasq_pid=$!
	guest_wait_for 10 test -s "$UML_OUT/dnsmasq.pid"
}

# The .name file NetworkManager reads for the sstp service: ours (written by
# nm_guest_install_plugin, kept as ours.name) or the old plugin's. NetworkManager watches
# the folder but never reloads a file it has loaded (nm-vpn-manager.c: "we don't support
# reloading an existing plugin"): a file written over the old one kept our service for
# both clients. It does take a file that is deleted and created again: so remove it, let
# NetworkManager drop the plugin, and move the new one in.
use_client() {
	case $1 in
	ours) cp "$UML_OUT/ours.name" "$name_file.new" ;;
	old) sed -e '/^auth-dialog=/d' "$OLD_PLUGIN_ROOT/usr/lib/NetworkManager/VPN/nm-sstp-service.name" \
		>"$name_file.new" ;;
	esac
	cmp -s "$name_file.new" "$name_file" && { rm -f "$name_file.new"; return 0; }
	rm -f "$name_file"
	sleep 1
	mv "$name_file.new" "$name_file"
	sleep 1
}

# Which service a connect really ran, from NetworkManager's log since line $2: our
# worker logs there, sstpc does not.
check_client() {
	if tail -n +"$2" "$nmlog" | grep -q 'nm-sstp-tunnel\[[0-9]*\]: connecting to'; then
		[ "$1" = ours ]
	else
		[ "$1" = old ]
	fi
}

profile() {
	local conn=$1 password
	IFS= read -r password <"$SSTP_PASSWORD_FILE" || return 1
	case $conn in
	ours)
		nm_guest_write_vpn_profile "$conn" 0c0e7b61-3a8d-4f3e-9a55-2f1d6c0b7e01 \
			"$SSTP_PASSWORD_FILE" ignore "gateway=127.0.0.1:$NM_SERVER_PORT" \
			"cert-pin-sha256=$PIN" tls-sni=no
		;;
	old)
		# What the old plugin's editor writes; sstpc --cert-warn for the self-signed
		# certificate (it has no pinning).
		nm_guest_write_keyfile "$conn" <<-PROFILE
		[connection]
		id=$conn
		uuid=0c0e7b61-3a8d-4f3e-9a55-2f1d6c0b7e02
		type=vpn
		autoconnect=false

		[vpn]
		service-type=org.freedesktop.NetworkManager.sstp
		connection-type=password
		gateway=127.0.0.1:$NM_SERVER_PORT
		user=$SSTP_USER
		password-flags=0
		ignore-cert-warn=yes
		refuse-eap=yes
		refuse-pap=yes
		refuse-chap=yes

		[vpn-secrets]
		password=$password

		[ipv4]
		method=auto
		never-default=true

		[ipv6]
		method=ignore
		PROFILE
		;;
	esac
}

# One connect: server up, nmcli up timed, down, server gone.
connect_once() {
	local client=$1 setup=$2 round=$3 t0 t1 secs from
	nm_guest_start_server "$client-$setup-$round" "$SSTP_PASSWORD_FILE" --netns "$ns" || return 1
	profile "$client" || return 1
	from=$(($(wc -l <"$nmlog") + 1))
	t0=$(now)
	if timeout 150 nmcli --wait 120 connection up "$client" >"$UML_OUT/up-$client-$setup-$round.log" 2>&1; then
		t1=$(now)
		secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
		echo "$client.$setup.$round=$secs" >>"$raw"
		tap_ok "$client, $setup, round $round: nmcli up took $secs s"
		check_client "$client" "$from" ||
			tap_not_ok "$client, $setup, round $round: NetworkManager started the other plugin's service"
	else
		tap_not_ok "$client, $setup, round $round: nmcli up"
		tap_diag_file "$UML_OUT/up-$client-$setup-$round.log" 5
	fi
	timeout 90 nmcli --wait 60 connection down "$client" >/dev/null 2>&1
	guest_wait_for 60 sh -c "! ip -o link show | grep -q ': ppp[0-9]*[:@]'" ||
		tap_diag "a ppp device is still there after down ($client, $setup, $round)"
	nm_guest_stop_server
}

nm_guest_setup
cp "$name_file" "$UML_OUT/ours.name"
tap_check "namespace $ns for the server's pppd" sh -c "ip netns add $ns && ip -n $ns link set lo up"

clients=ours
if [ "$OLD_PLUGIN_ROOT" != none ]; then
	# its service where its .name file says (/usr/lib/NetworkManager or /usr/libexec)
	old_program=$(sed -n 's/^program=//p' "$OLD_PLUGIN_ROOT/usr/lib/NetworkManager/VPN/nm-sstp-service.name")
	if [ -n "$old_program" ] && [ -x "$OLD_PLUGIN_ROOT$old_program" ] &&
		mkdir -p "$(dirname "$old_program")" && cp "$OLD_PLUGIN_ROOT$old_program" "$old_program" &&
		cp -r "$OLD_PLUGIN_ROOT"/usr/lib/pppd/. /usr/lib/pppd/; then
		tap_ok "old plugin copied into the guest's overlay"
		clients="ours old"
	else
		tap_not_ok "old plugin copied into the guest's overlay"
	fi
fi

for setup in silent inform; do
	[ "$setup" = inform ] && { tap_check "dnsmasq answers DHCPINFORM in $ns" start_dnsmasq || continue; }
	for round in $(seq "$ROUNDS"); do
		for client in $clients; do
			use_client "$client"
			connect_once "$client" "$setup" "$round"
		done
	done
done
guest_stop "$dnsmasq_pid"
use_client ours
ip netns del "$ns"

# The table: median (min-max) per client and set-up.
cell() {
	sed -n "s/^$1\.$2\.[0-9]*=//p" "$raw" | sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { printf "-"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f (%.2f-%.2f)", m, v[1], v[NR] }'
}
{
	echo "Connect time: nmcli connection up until it returns (activated), seconds,"
	echo "median (min-max) of $ROUNDS; strict sstp-test-server on the guest's loopback."
	echo "$(date -u +%Y-%m-%d), NetworkManager $(NetworkManager --version), pppd $(pppd --version 2>&1 | awk '{ print $NF }'), $(uname -m) UML guest"
	printf '%-34s %-20s %-20s\n' "" "silent (no DHCP)" "inform (dnsmasq)"
	printf '%-34s %-20s %-20s\n' "ours (nm-sstp-tunnel)" "$(cell ours silent)" "$(cell ours inform)"
	[ "$clients" = ours ] ||
		printf '%-34s %-20s %-20s\n' "old plugin (sstpc + pppd)" "$(cell old silent)" "$(cell old inform)"
} >"$UML_OUT/results.txt"
nm_guest_finish
tap_finish

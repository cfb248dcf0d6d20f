# tests/uml/lib/softether.sh - SoftEther VPN Server as a real SSTP peer for end-to-end tests.
# Source it (after tap.sh and uml.sh) from a bash test script on the host. Functions:
#
#   softether_skip_reason           why SoftEther cannot be used here (empty: it can)
#   softether_require               tap_skip_all with that reason when there is one
#   softether_prepare DIR           private, patched copy of vpnserver in DIR/bin (see below)
#   softether_start NS DIR          seed DIR/lib/vpn_server.config, start "vpnserver start
#                                   --foreground" inside network namespace NS with DIR/lib,
#                                   DIR/log, DIR/run bind-mounted over /var/lib/softether,
#                                   /var/log/softether, /run/softether; stdout in DIR/vpnserver.log;
#                                   waits until vpncmd can talk to it; sets SOFTETHER_PID; stopped
#                                   at exit
#   softether_vpncmd NS DIR CMDFILE run the vpncmd commands in CMDFILE (one a line, may hold
#                                   secrets: it is read by vpncmd /IN, never put on a command
#                                   line) against the server; output appended to DIR/vpncmd.log
#   softether_make_pki DIR          CA and server certificate in DIR/pki (ca.pem, server.pem,
#                                   server.key): CN vpn.sstp.test, SAN DNS:vpn.sstp.test and
#                                   IP:198.51.100.1, made by openssl at test time
#   softether_setup_sstp NS DIR USER PASSWORD_FILE
#                                   SSTP on, OpenVPN off, our certificate, hub DEFAULT (so plain
#                                   user names work), USER with the password in PASSWORD_FILE
#                                   (MS-CHAPv2 needs a password user), SecureNAT with user-mode NAT
#                                   only, virtual host 198.18.0.1/24, DHCP 198.18.0.10-100, DNS
#                                   198.18.0.1, domain sstp.test, NAT to outside off
#   softether_start_again NS DIR    start it again on the configuration it saved (after a kill)
#   softether_server_pid NS         PID of the vpnserver process in NS (for signals)
#   softether_stop                  stop the server started by softether_start (by PID)
#   softether_host_setup NS TAP DIR USER PASSWORD_FILE [NOTE]
#                                   the host side of a test against SoftEther, as TAP checks:
#                                   namespace NS with TAP, softether_prepare (NOTE is added to
#                                   its "ok" line), softether_start, a random password in
#                                   PASSWORD_FILE (uml_random_password), softether_setup_sstp
#   softether_test_setup NAME NS_PREFIX
#                                   the usual start of a test against SoftEther once its own
#                                   requirements are checked: softether_require, output folder
#                                   NAME (uml_outdir) in SOFTETHER_TEST_OUT, the server's folder
#                                   OUT/softether in SOFTETHER_TEST_DIR, namespace NS_PREFIX-PID
#                                   in SOFTETHER_TEST_NS with tap umltap0 (SOFTETHER_TEST_TAP),
#                                   then softether_host_setup for the user alice with a random
#                                   password in OUT/password
#
# Why a patched copy: Debian's vpnserver 5.01.9674 (upstream 8181039) cannot serve SSTP.
# ProtoHandleConnection() (src/Cedar/Proto.c) gets the protocol name "SSTP" from the HTTPS
# front end; its lookup loop was written
#     if (StrCmp(tmp->Name, protocol) == 0) { impl = container->Impl; break; }
# while container is still NULL. The compiler treats that NULL dereference as unreachable, so
# in the binary a successful match jumps straight to "return false" and every
# SSTP_DUPLEX_POST is dropped: clients time out in the HTTP phase. Upstream commit 5611156c
# (Dec 2020) changed the line to "container = tmp;". Debian 12 and 13 still ship 9674.
#
# The patch below does the same to a private copy (the installed file is never touched). The
# loop is 65 bytes at file offset 0x3a00f (= virtual address, .text is mapped 1:1) of the amd64
# vpnserver with SHA-256 487e51a7…4212. Original (objdump -d):
#   3a00f mov 0x8(%rdi),%rax ; xor %ebx,%ebx ; …   i in %ebx, overwriting %rbx = sock
#   3a030 call StrCmp (0x16bbd0) ; test %eax,%eax ; je 3a050   match -> "return false"
#   3a050 xor %eax,%eax ; … ret                                 also the "not found" exit
# Replacement (same 65 bytes, rest of the function unchanged):
#   3a00f xor %r13d,%r13d                    i = 0 (r12/r13 are free until 3a0a9/3a0d9)
#   3a012 mov 0x8(%r15),%rdx                 list = proto->Containers
#         test %rdx,%rdx ; je 3a050
#         cmp 0x8(%rdx),%r13d ; jae 3a050    i < LIST_NUM(list), else not found -> false
#         mov 0x10(%rdx),%rdx ; mov (%rdx,%r13,8),%rax ; mov %rax,%r12   tmp = LIST_DATA(list, i)
#         mov (%rax),%rdi ; mov %rbp,%rsi ; call StrCmp            StrCmp(tmp->Name, protocol)
#         add $0x1,%r13d ; test %eax,%eax ; jne 3a012              no match: next
#         mov %r12,%rax ; jmp 3a0a9          match: container = tmp, continue where the
#         nop x12                            ProtoDetect() branch continues (mov %rax,%r12;
#                                            options = container->Options; impl = ->Impl …)
# %rbx (sock) is no longer clobbered, which the code after 3a0a9 needs. The bytes were made
# with GNU as and checked with objdump; the SHA-256 of the result is checked too.

SOFTETHER_ORIG=/usr/libexec/softether/vpnserver/vpnserver
SOFTETHER_ORIG_SHA256=487e51a73f152c9042837975044edd6d11cef4f29eaff2162512f2b897054212
SOFTETHER_PATCHED_SHA256=a300b433cdf0914cfed14800dece21bf340e1e7fbf51f98669e842fbe2639e28
SOFTETHER_PATCH_OFFSET=$((0x3a00f))
SOFTETHER_PATCH_OLD='488b470831db4889c24885c07528eb3190488b521089d84889ee488b04c2488b38e89b1b130085c07417498b570883c3014885d2740b3b5a0872d6660f1f440000'
SOFTETHER_PATCH_NEW='4531ed498b57084885d27435443b6a08732f488b52104a8b04ea4989c4488b384889eee8991b13004183c50185c075d34c89e0eb65909090909090909090909090'
SOFTETHER_PID=
SOFTETHER_HUB=DEFAULT

softether_skip_reason() {
	local tool
	for tool in vpncmd openssl sha256sum od unshare; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "missing tool: $tool (apt-get install softether-vpncmd openssl coreutils util-linux)"
			return 0
		fi
	done
	if [ ! -x "$SOFTETHER_ORIG" ]; then
		echo "no $SOFTETHER_ORIG (apt-get install softether-vpnserver)"
		return 0
	fi
	if [ "$(sha256sum <"$SOFTETHER_ORIG" | cut -d' ' -f1)" != "$SOFTETHER_ORIG_SHA256" ]; then
		echo "vpnserver is not Debian's 5.01.9674 amd64 build the SSTP patch is made for"
		return 0
	fi
	return 0
}

# Hex string -> bytes on stdout (bash printf understands \x escapes).
softether_require() {
	local reason
	reason=$(softether_skip_reason)
	[ -z "$reason" ] || tap_skip_all "$reason"
}

_softether_hex_bytes() {
	local hex=$1 esc= i
	for ((i = 0; i < ${#hex}; i += 2)); do
		esc+="\\x${hex:i:2}"
	done
	printf "$esc"
}

softether_prepare() {
	local dir=$1 bin=$1/bin/vpnserver now
	mkdir -p "$dir/bin" || return 1
	cp "$SOFTETHER_ORIG" "$bin" || return 1
	# vpnserver loads its resources from the folder of its executable.
	ln -sf "$(dirname "$SOFTETHER_ORIG")/hamcore.se2" "$dir/bin/hamcore.se2" || return 1
	now=$(sha256sum <"$bin" | cut -d' ' -f1)
	if [ "$now" != "$SOFTETHER_ORIG_SHA256" ]; then
		echo "softether_prepare: unexpected vpnserver (sha256 $now)" >&2
		return 1
	fi
	now=$(od -An -v -tx1 -j "$SOFTETHER_PATCH_OFFSET" -N 65 "$bin" | tr -d ' \n')
	if [ "$now" != "$SOFTETHER_PATCH_OLD" ]; then
		echo "softether_prepare: bytes at the patch offset are not the expected ones" >&2
		return 1
	fi
	_softether_hex_bytes "$SOFTETHER_PATCH_NEW" |
		dd of="$bin" bs=1 seek="$SOFTETHER_PATCH_OFFSET" conv=notrunc status=none || return 1
	now=$(sha256sum <"$bin" | cut -d' ' -f1)
	if [ "$now" != "$SOFTETHER_PATCHED_SHA256" ]; then
		echo "softether_prepare: patched vpnserver has sha256 $now, expected $SOFTETHER_PATCHED_SHA256" >&2
		return 1
	fi
	return 0
}

# Runs "$@" inside namespace NS with DIR's private folders over SoftEther's compiled-in paths.
# The mount points must exist on the host; they are SoftEther's own state folders (the
# package's systemd unit creates the same ones) and stay empty there.
_softether_ns_exec() {
	local ns=$1 dir=$2
	shift 2
	mkdir -p /var/lib/softether /var/log/softether /run/softether || return 1
	# shellcheck disable=SC2016
	ip netns exec "$ns" unshare --mount --propagation private -- /bin/bash -c '
		dir=$1; shift
		mount --bind "$dir/lib" /var/lib/softether &&
		mount --bind "$dir/log" /var/log/softether &&
		mount --bind "$dir/run" /run/softether &&
		cd "$dir" && exec "$@"' softether-ns "$dir" "$@"
}

_softether_seed_config() {
	local dir=$1
	# Everything that could reach out is off before the first start: dynamic DNS, keep-alive,
	# NAT traversal, VPN Azure, UDP listeners, JSON-RPC; only TCP 443 listens. OpenVPN off.
	cat >"$dir/lib/vpn_server.config" <<-'EOF'
	# Software Configuration File
	# ---------------------------
	declare root
	{
		declare DDnsClient
		{
			bool Disabled true
		}
		declare IPsec
		{
			bool EtherIP_IPsec false
			bool L2TP_IPsec false
			bool L2TP_Raw false
		}
		declare ListenerList
		{
			declare Listener0
			{
				bool DisableDos true
				bool Enabled true
				uint Port 443
			}
		}
		declare ServerConfiguration
		{
			bool DisableDosProtection true
			bool DisableJsonRpcWebApi true
			bool DisableNatTraversal true
			bool EnableVpnAzure false
			bool EnableVpnOverDns false
			bool EnableVpnOverIcmp false
			string PortsUDP $
			bool UseKeepConnect false
			bool UseWebTimePage false
			bool UseWebUI false

			declare Proto
			{
				declare OpenVPN
				{
					bool Enabled false
				}
				declare SSTP
				{
					bool Enabled true
				}
			}
		}
	}
	EOF
}

softether_start() {
	local ns=$1 dir=$2
	mkdir -p "$dir/lib" "$dir/log" "$dir/run" || return 1
	chmod 700 "$dir/lib" "$dir/log" "$dir/run"
	[ -x "$dir/bin/vpnserver" ] || softether_prepare "$dir" || return 1
	_softether_seed_config "$dir"
	: >"$dir/vpnserver.log"
	_softether_launch "$ns" "$dir"
}

# The same server again, on the configuration it saved (hub, user, SecureNAT kept), e.g.
# after a test killed it; its log goes on in DIR/vpnserver.log.
softether_start_again() {
	_softether_launch "$1" "$2"
}

# PID of the vpnserver process itself in namespace NS (SOFTETHER_PID is the shell that
# started it: signals meant for the server go to this one).
softether_server_pid() {
	local pid
	for pid in $(ip netns pids "$1" 2>/dev/null); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != vpnserver ] || { echo "$pid"; return 0; }
	done
	return 1
}

_softether_launch() {
	local ns=$1 dir=$2 i start
	start=$(wc -l <"$dir/vpnserver.log" 2>/dev/null || echo 0)
	_softether_ns_exec "$ns" "$dir" "$dir/bin/vpnserver" start --foreground \
		>>"$dir/vpnserver.log" 2>&1 </dev/null &
	SOFTETHER_PID=$!
	if declare -F uml_cleanup_push >/dev/null; then
		uml_cleanup_push softether_stop
	fi
	printf 'ServerStatusGet\n' >"$dir/status.cmd"
	for i in $(seq 60); do
		if ! kill -0 "$SOFTETHER_PID" 2>/dev/null; then
			echo "softether_start: vpnserver exited (see $dir/vpnserver.log)" >&2
			SOFTETHER_PID=
			return 1
		fi
		if tail -n "+$((start + 1))" "$dir/vpnserver.log" 2>/dev/null |
			grep -q 'TCP Listener (port 443) has started' &&
			softether_vpncmd "$ns" "$dir" "$dir/status.cmd"; then
			return 0
		fi
		sleep 0.5
	done
	echo "softether_start: vpnserver did not answer (see $dir/vpnserver.log)" >&2
	return 1
}

softether_vpncmd() {
	local ns=$1 dir=$2 cmdfile=$3 out rc
	# vpncmd answers 0 only when every command succeeded; its output has no secrets (it
	# echoes commands, so the password lines are filtered out before logging).
	out=$(_softether_ns_exec "$ns" "$dir" vpncmd localhost:443 /SERVER "/IN:$cmdfile" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -v -i 'PASSWORD:' >>"$dir/vpncmd.log"
	return $rc
}

softether_make_pki() {
	local pki=$1/pki
	mkdir -p "$pki" || return 1
	chmod 700 "$pki"
	(
		cd "$pki" || exit 1
		umask 077
		openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 7 \
			-subj /CN=sstp-test-ca -addext basicConstraints=critical,CA:TRUE \
			-addext keyUsage=critical,keyCertSign,cRLSign &&
		openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
			-subj /CN=vpn.sstp.test &&
		printf '%s\n' 'subjectAltName=DNS:vpn.sstp.test,IP:198.51.100.1' \
			'extendedKeyUsage=serverAuth' 'basicConstraints=CA:FALSE' \
			'keyUsage=critical,digitalSignature,keyEncipherment' >server.ext &&
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
			-out server.pem -days 7 -extfile server.ext &&
		chmod 644 ca.pem server.pem
	) >>"$1/openssl.log" 2>&1
}

softether_setup_sstp() {
	local ns=$1 dir=$2 user=$3 pwfile=$4 cmds pw
	[ -r "$dir/pki/server.pem" ] || softether_make_pki "$dir" || return 1
	IFS= read -r pw <"$pwfile" || return 1
	case $pw in
	'' | *[[:space:]]* | /*) echo "softether_setup_sstp: password must be non-empty, without spaces, not start with /" >&2; return 1 ;;
	esac
	cmds=$dir/setup.cmd
	(
		umask 077
		# vpncmd takes an argument starting with "/" as a switch: certificate paths are
		# relative to DIR (the working folder of _softether_ns_exec).
		cat >"$cmds" <<-EOF
		ServerCertSet /LOADCERT:pki/server.pem /LOADKEY:pki/server.key
		ProtoOptionsSet SSTP /NAME:Enabled /VALUE:true
		ProtoOptionsSet OpenVPN /NAME:Enabled /VALUE:false
		HubCreate $SOFTETHER_HUB /PASSWORD:
		Hub $SOFTETHER_HUB
		UserCreate $user /GROUP:none /REALNAME:none /NOTE:none
		UserPasswordSet $user /PASSWORD:$pw
		ExtOptionSet DisableKernelModeSecureNAT /VALUE:1
		ExtOptionSet DisableIpRawModeSecureNAT /VALUE:1
		SecureNatEnable
		SecureNatHostSet /MAC:none /IP:198.18.0.1 /MASK:255.255.255.0
		NatDisable
		DhcpSet /START:198.18.0.10 /END:198.18.0.100 /MASK:255.255.255.0 /EXPIRE:7200 /GW:198.18.0.1 /DNS:198.18.0.1 /DNS2:none /DOMAIN:sstp.test /LOG:no
		Flush
		EOF
	)
	softether_vpncmd "$ns" "$dir" "$cmds"
	local rc=$?
	rm -f "$cmds"
	return $rc
}

# True while pid runs (an exited child that was not waited for yet is a zombie: not running).
_softether_running() {
	local state
	state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $state in
	Z*) return 1 ;;
	esac
	return 0
}

softether_stop() {
	local pid=$SOFTETHER_PID i
	[ -n "$pid" ] || return 0
	SOFTETHER_PID=
	# $pid is ip netns exec -> unshare -> bash -> exec vpnserver: one process, same PID.
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		_softether_running "$pid" || break
		sleep 0.1
	done
	_softether_running "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# Every test against SoftEther starts the same way; each step is a check of its own so a
# failure says which step broke, and the later steps still run (and fail) so the plan holds.
softether_host_setup() {
	local ns=$1 tap=$2 dir=$3 user=$4 password_file=$5 note=${6:+ $6}
	tap_check "network namespace $ns with $tap $UML_HOST_ADDR/$UML_PREFIX_LEN" \
		uml_netns_create "$ns" "$tap" "$UML_HOST_ADDR/$UML_PREFIX_LEN"
	if softether_prepare "$dir"; then
		tap_ok "private vpnserver copy patched for SSTP$note"
	else
		tap_not_ok "private vpnserver copy patched for SSTP"
	fi
	if softether_start "$ns" "$dir"; then
		tap_ok "vpnserver runs in the namespace and answers vpncmd"
	else
		tap_not_ok "vpnserver runs in the namespace and answers vpncmd"
		tap_diag_file "$dir/vpnserver.log" 20
	fi
	uml_random_password "$password_file"
	if softether_setup_sstp "$ns" "$dir" "$user" "$password_file"; then
		tap_ok "SSTP, certificate, hub, user and SecureNAT configured with vpncmd"
	else
		tap_not_ok "SSTP, certificate, hub, user and SecureNAT configured with vpncmd"
		tap_diag_file "$dir/vpncmd.log" 30
	fi
}

softether_test_setup() {
	softether_require
	SOFTETHER_TEST_OUT=$(uml_outdir "$1") || tap_bail_out "cannot create the output folder"
	SOFTETHER_TEST_DIR=$SOFTETHER_TEST_OUT/softether
	SOFTETHER_TEST_NS=$2-$$
	SOFTETHER_TEST_TAP=umltap0
	softether_host_setup "$SOFTETHER_TEST_NS" "$SOFTETHER_TEST_TAP" "$SOFTETHER_TEST_DIR" alice \
		"$SOFTETHER_TEST_OUT/password"
}

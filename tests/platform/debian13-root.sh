#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/platform/debian13-root.sh - a Debian 13 (trixie) root for the second test
# platform: pppd 2.5, NetworkManager 1.52, OpenSSL 3.5, GTK 4 of trixie.
#
# Usage: debian13-root.sh            prints the root's path, building it first if missing
#
# The root is made from Debian's packages (debootstrap --variant=minbase, then apt-get
# inside a chroot with a policy-rc.d that starts no service) and cached outside the
# checkout, in $SSTP_PLATFORM_CACHE (default /var/cache/nm-sstp-tests), under a name that
# carries a hash of the package list and of this script: a run rebuilds it only when it is
# missing or the list changed. The UML kernel's modules are copied in, so that the host's
# linux.uml can boot the folder as its root (tests/uml/lib/uml-run.sh, UML_ROOT=...).
# Nothing in the root changes after it is built: guests write only to their overlay, and
# the project is built into a folder of the checkout, not into the root.
set -euo pipefail

suite=trixie
mirror=http://deb.debian.org/debian
cache=${SSTP_PLATFORM_CACHE:-/var/cache/nm-sstp-tests}

# What the guest runs (NetworkManager, pppd, dbus, udev, the tools the guest scripts call)
# and what building and the non-UML tests need (headers, GTK, Xvfb, keyring).
packages="
  network-manager ppp dbus dbus-daemon dbus-bin udev systemd-sysv kmod iproute2
  iputils-ping procps psmisc util-linux coreutils hostname openssl python3 dnsmasq-base
  sstp-client iperf3 strace hostapd
  softhsm2 p11-kit p11-kit-modules libengine-pkcs11-openssl gnutls-bin libp11-kit-dev
  build-essential autoconf automake libtool autopoint gettext pkg-config
  libglib2.0-dev libnm-dev libssl-dev ppp-dev libseccomp-dev
  libnma-dev libnma-gtk4-dev libgtk-3-dev libgtk-4-dev libsecret-1-dev
  libgtk-4-bin appstream xvfb xauth imagemagick gnome-keyring libsecret-tools
  dbus-x11 at-spi2-core librsvg2-common shared-mime-info
"

kver=$(/usr/bin/linux.uml --version 2>/dev/null | awk '{print $NF; exit}') || kver=
[ -n "$kver" ] && [ -d "/usr/lib/uml/modules/$kver" ] || {
	echo "debian13-root: no UML kernel modules (apt-get install user-mode-linux)" >&2
	exit 1
}
key=$( (echo "$packages" | tr -s ' \n' '\n' | sort; echo "$kver"; cat "$0") | sha256sum | cut -c1-12)
root=$cache/debian13-$key

if [ -x "$root/usr/sbin/pppd" ] && [ -e "$root/.complete" ]; then
	echo "$root"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [ -e "$root/.complete" ]; then
	echo "$root"
	exit 0
fi
command -v debootstrap >/dev/null || {
	echo "debian13-root: needs debootstrap (apt-get install debootstrap)" >&2
	exit 1
}

tmp=$cache/.build-$key-$$
log=$cache/debian13-$key.log
rm -rf "$tmp"
mkdir -p "$tmp"
echo "debian13-root: building $root (log: $log)" >&2
{
	debootstrap --variant=minbase "$suite" "$tmp" "$mirror"
	printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
	chmod 755 "$tmp/usr/sbin/policy-rc.d"
	# The chroot gets its own /proc, /dev/pts and /sys in a private mount namespace, so
	# nothing stays mounted if a package script fails.
	# shellcheck disable=SC2086
	unshare -m --propagation private sh -euc '
		root=$1; shift
		mount -t proc proc "$root/proc"
		mount -t sysfs sysfs "$root/sys"
		mount --bind /dev "$root/dev"
		mount -t devpts -o newinstance devpts "$root/dev/pts" || true
		export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
		chroot "$root" apt-get update -q
		chroot "$root" apt-get install -y -q --no-install-recommends "$@"
		chroot "$root" apt-get clean
	' sh "$tmp" $packages
	# The host's UML kernel modules, where modprobe (and guest-init.sh) look for them.
	mkdir -p "$tmp/usr/lib/uml/modules" "$tmp/usr/lib/modules"
	cp -a "/usr/lib/uml/modules/$kver" "$tmp/usr/lib/uml/modules/"
	cp -a "/usr/lib/uml/modules/$kver" "$tmp/usr/lib/modules/"
	# PID 1 when linux.uml boots this folder: the harness's init lives on the host, so mount
	# the host read-only and run it from there (tests/uml/lib/uml-run.sh passes its path).
	cat >"$tmp/sbin/uml-host-init" <<'INIT'
#!/bin/sh
# Boot stub of the Debian 13 test root: run the host's guest-init.sh (UML_LIB_DIR).
mount -t hostfs -o ro,/ hostfs /mnt || { echo "uml-host-init: cannot mount the host" >&2; sleep 1; poweroff -f; }
exec /bin/bash "/mnt$UML_LIB_DIR/guest-init.sh"
INIT
	chmod 755 "$tmp/sbin/uml-host-init"
	touch "$tmp/.complete"
} >"$log" 2>&1 || {
	echo "debian13-root: build failed; last lines of $log:" >&2
	tail -20 "$log" >&2
	rm -rf "$tmp"
	exit 1
}
rm -rf "$root"
mv "$tmp" "$root"
# Older roots of other package lists are no longer used.
find "$cache" -maxdepth 1 -name 'debian13-*' ! -name "debian13-$key" ! -name "debian13-$key.log" \
	-exec rm -rf {} + 2>/dev/null || true
echo "$root"

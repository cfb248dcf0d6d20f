#!/bin/sh
# Install what the build needs (--build) or what the build and the tests need (default) on
# Debian 12, as root. Two lists, one file: README's commands and CI use them.
#
#   tests/install-deps.sh --build   compilers, autotools, gettext and the -dev packages only:
#                                   no SoftEther, NetworkManager daemon, User-Mode Linux,
#                                   sstp-client or anything else that starts a service
#   tests/install-deps.sh           the above and what the tests run (tests/run-all.sh)
set -eu

# Building from a git checkout (autogen.sh) or from the tarball.
build_packages="
  build-essential autoconf automake libtool autopoint gettext pkg-config
  libglib2.0-dev libnm-dev libssl-dev ppp-dev libseccomp-dev
  libnma-dev libnma-gtk4-dev libgtk-3-dev libgtk-4-dev libsecret-1-dev
  libgtk-4-bin
"
# Running the tests: pppd, NetworkManager and SoftEther VPN Server inside User-Mode Linux,
# sstp-client to compare with, the fuzzers (clang), the editors under Xvfb, the metainfo
# check (appstream), the Debian 13 root (debootstrap), the PEAP server of the EAP test (hostapd
# as a RADIUS server; the Debian 13 guest has its own).
test_packages="
  clang libclang-rt-14-dev
  ppp user-mode-linux kmod iproute2 iputils-ping procps psmisc openssl
  util-linux coreutils hostname systemd-sysv
  network-manager dbus dbus-daemon dbus-bin udev
  softether-vpnserver softether-vpncmd sstp-client iperf3 dnsmasq-base
  xvfb xauth imagemagick gnome-keyring libsecret-tools
  appstream hostapd
  softhsm2 p11-kit p11-kit-modules libengine-pkcs11-openssl gnutls-bin libp11-kit-dev
  debootstrap
"
case "${1:-}" in
    --build) packages=$build_packages ;;
    "") packages="$build_packages $test_packages" ;;
    --list-build) echo $build_packages; exit 0 ;;
    --list) echo $build_packages $test_packages; exit 0 ;;
    *) echo "usage: $0 [--build | --list-build | --list]" >&2; exit 2 ;;
esac

missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
fi

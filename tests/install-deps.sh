#!/bin/sh
# Install everything the build and the tests need on Debian 12 (as root).
# One list, used by README's commands and by CI.
set -eu
packages="
  build-essential autoconf automake libtool autopoint gettext pkg-config
  libglib2.0-dev libnm-dev libssl-dev ppp-dev libseccomp-dev
  libnma-dev libnma-gtk4-dev libgtk-3-dev libgtk-4-dev libsecret-1-dev
  clang libclang-rt-14-dev
  ppp user-mode-linux kmod iproute2 iputils-ping procps psmisc openssl
  util-linux coreutils hostname systemd-sysv
  network-manager dbus dbus-daemon dbus-bin udev
  softether-vpnserver softether-vpncmd sstp-client iperf3 dnsmasq-base
  xvfb xauth imagemagick gnome-keyring libsecret-tools
  libgtk-4-bin appstream
  debootstrap
"
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

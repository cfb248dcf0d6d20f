#!/bin/sh
# Build the pppd plugin against pppd 2.5's headers (Debian 13's ppp-dev),
# so the 2.5 API branch keeps compiling while this machine runs pppd 2.4.9.
# The package is only downloaded and unpacked into a temporary folder:
# nothing is installed and the system's apt configuration is not changed.
# Prints TAP. Usage: check-pppd-2.5.sh SRCDIR
set -u
srcdir=$(cd "${1:-$(dirname "$0")/..}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "1..2"

mkdir -p "$work/apt/lists/partial" "$work/apt/archives/partial" "$work/root" "$work/pc" "$work/build"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
    >"$work/apt/sources.list"
apt_opts="-o Dir::Etc::sourcelist=$work/apt/sources.list -o Dir::Etc::sourceparts=/dev/null
 -o Dir::State::lists=$work/apt/lists -o Dir::Cache::archives=$work/apt/archives -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
if ! timeout 300 apt-get -q $apt_opts update >"$work/apt.log" 2>&1 \
   || ! (cd "$work" && timeout 300 apt-get -q $apt_opts download ppp-dev >>"$work/apt.log" 2>&1); then
    echo "ok 1 # SKIP could not download Debian 13's ppp-dev"; sed 's/^/# /' "$work/apt.log" | tail -5
    echo "ok 2 # SKIP no pppd 2.5 headers"
    exit 0
fi
dpkg-deb -x "$work"/ppp-dev_*.deb "$work/root"
version=$(sed -n 's/^Version: //p' "$work/root/usr/share/pkgconfig/pppd.pc")
sed "s|^prefix=/usr|prefix=$work/root/usr|" "$work/root/usr/share/pkgconfig/pppd.pc" >"$work/pc/pppd.pc"
case "$version" in
    2.5*) echo "ok 1 - downloaded ppp-dev with pppd.pc version $version" ;;
    *) echo "not ok 1 - expected pppd 2.5 headers, got '$version'"; exit 1 ;;
esac

cd "$work/build" || exit 1
if PKG_CONFIG_PATH="$work/pc" "$srcdir/configure" --enable-werror --without-gnome >configure.out 2>&1 \
   && grep -q '^#define PPPD_API_2_5 1' config.h \
   && make src/pppd-plugin/nm-sstp-pppd-plugin.la >make.out 2>&1; then
    echo "ok 2 - the pppd plugin builds warning-free against pppd $version"
else
    echo "not ok 2 - the pppd plugin does not build against pppd $version"
    tail -30 configure.out make.out 2>/dev/null | sed 's/^/# /'
    exit 1
fi

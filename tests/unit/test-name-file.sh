#!/bin/sh
# The built .name file: programs (service, auth dialog) by absolute path in $(libexecdir);
# the libnm plugin by its bare file name, which NetworkManager looks up in its own plugin
# folder, unless configure had --enable-absolute-paths (as NetworkManager-openvpn does).
set -u
builddir="${top_builddir:?}"
name="$builddir/src/service/nm-sstp-service.name"
echo "1..3"
libexecdir=$(sed -n 's/^libexecdir = //p' "$builddir/Makefile")
prefix=$(sed -n 's/^prefix = //p' "$builddir/Makefile")
exec_prefix=$(sed -n 's/^exec_prefix = //p' "$builddir/Makefile")
exec_prefix=$(printf '%s' "$exec_prefix" | sed "s|\${prefix}|$prefix|")
libexecdir=$(printf '%s' "$libexecdir" | sed -e "s|\${exec_prefix}|$exec_prefix|" -e "s|\${prefix}|$prefix|")
absolute=no
"$builddir/config.status" --config | grep -q "'--enable-absolute-paths'" && absolute=yes

program=$(sed -n 's/^program=//p' "$name")
if [ "$program" = "$libexecdir/nm-sstp-service" ]; then
    echo "ok 1 - program=$program"
else
    echo "not ok 1 - program=$program, want $libexecdir/nm-sstp-service"
fi
dialog=$(sed -n 's/^auth-dialog=//p' "$name")
if [ "$dialog" = "$libexecdir/nm-sstp-auth-dialog" ]; then
    echo "ok 2 - auth-dialog=$dialog"
else
    echo "not ok 2 - auth-dialog=$dialog, want $libexecdir/nm-sstp-auth-dialog"
fi
plugin=$(sed -n 's/^plugin=//p' "$name")
case "$absolute:$plugin" in
    no:libnm-vpn-plugin-sstp.so) echo "ok 3 - plugin=$plugin (bare name)" ;;
    yes:/*/NetworkManager/libnm-vpn-plugin-sstp.so) echo "ok 3 - plugin=$plugin (--enable-absolute-paths)" ;;
    *) echo "not ok 3 - plugin=$plugin with --enable-absolute-paths=$absolute" ;;
esac

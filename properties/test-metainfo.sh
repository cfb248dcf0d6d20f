#!/bin/sh
# The AppStream metainfo of the plugin must validate (GNOME Software reads
# it). appstreamcli comes with the appstream package; without it the test is
# skipped, saying so.
set -u
file="${top_srcdir:?}/properties/network-manager-sstp.metainfo.xml"
echo "1..1"
if ! command -v appstreamcli >/dev/null 2>&1; then
    echo "ok 1 # SKIP appstreamcli not installed (apt-get install appstream)"
    exit 0
fi
if out=$(appstreamcli validate --no-net "$file" 2>&1); then
    echo "ok 1 - appstreamcli validate --no-net $(basename "$file")"
else
    echo "not ok 1 - appstreamcli validate --no-net $(basename "$file")"
    printf '%s\n' "$out" | sed 's/^/# /'
fi

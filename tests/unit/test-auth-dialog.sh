#!/bin/sh
# nm-sstp-auth-dialog speaks NetworkManager's auth-dialog protocol: drive the
# real program over stdin/stdout, in both reply modes, and check what it
# asks for and what it answers. No display is used: these paths never
# open a window (a needed prompt without interaction must fail cleanly).
set -u
dialog="${top_builddir:?}/auth-dialog/nm-sstp-auth-dialog"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# No keyring, no display: the lookups must fail quietly, never hang.
unset DISPLAY WAYLAND_DISPLAY
export DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/no-bus"

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$tmp/out" "$tmp/err" 2>/dev/null; }
check() { if eval "$2"; then ok "$1"; else fail "$1"; fi; }

# details KEY=VALUE... (data) -- KEY=VALUE... (secrets): NetworkManager's stdin format
details() {
    in_secrets=0
    for kv in "$@"; do
        if [ "$kv" = "--" ]; then in_secrets=1; continue; fi
        k=${kv%%=*} v=${kv#*=}
        if [ $in_secrets = 0 ]; then printf 'DATA_KEY=%s\nDATA_VAL=%s\n\n' "$k" "$v"
        else printf 'SECRET_KEY=%s\nSECRET_VAL=%s\n\n' "$k" "$v"; fi
    done
    printf 'DONE\n\n'
}

# run ARGS... < stdin ; then QUIT so the standard mode can exit
run() {
    { cat; sleep 0.2; printf 'QUIT\n\n'; } | timeout 30 "$dialog" -u 0b1c2d3e-aaaa-bbbb-cccc-000000000001 -n "Office VPN" \
        -s org.freedesktop.NetworkManager.sstp "$@" >"$tmp/out" 2>"$tmp/err"
    echo $? >"$tmp/rc"
}
rc() { cat "$tmp/rc"; }

echo "1..14"

details gateway=vpn.example.com user=alice password-flags=0 -- password='s3cret pass' | run
check "standard mode returns the known password" \
    '[ "$(rc)" = 0 ] && [ "$(cat "$tmp/out")" = "$(printf "password\ns3cret pass\n")" ]'
check "standard reply ends with an empty line pair" '[ "$(tail -c 3 "$tmp/out" | od -An -tx1 | tr -d " ")" = "0a0a0a" ]'

details gateway=vpn.example.com user=alice password-flags=4 | run
check "not-required password: answers no-secret" \
    '[ "$(rc)" = 0 ] && [ "$(head -2 "$tmp/out")" = "$(printf "no-secret\ntrue")" ]'

details gateway=vpn.example.com user=alice password-flags=1 | run
check "needed, unknown, no interaction: fails with a message" \
    '[ "$(rc)" != 0 ] && grep -q "interaction is not allowed" "$tmp/err" && ! grep -q password "$tmp/out"'

details gateway=vpn.example.com user=alice password-flags=1 | run --external-ui-mode -i
check "external UI: keyfile with the VPN Plugin UI group" \
    'grep -q "^\[VPN Plugin UI\]" "$tmp/out" && grep -q "^Version=2" "$tmp/out" && grep -q "^Title=.*Office VPN" "$tmp/out"'
check "external UI: password asked, secret, label without mnemonic" \
    'grep -A4 "^\[password\]" "$tmp/out" | grep -q "^ShouldAsk=true" && grep -A4 "^\[password\]" "$tmp/out" | grep -q "^IsSecret=true" && grep -A4 "^\[password\]" "$tmp/out" | grep -q "^Label=Password:"'

details gateway=vpn.example.com user=alice password-flags=1 -- password=known | run --external-ui-mode -i
check "external UI: a known agent-owned password is passed, not asked" \
    'grep -A4 "^\[password\]" "$tmp/out" | grep -q "^Value=known" && grep -A4 "^\[password\]" "$tmp/out" | grep -q "^ShouldAsk=false"'

details gateway=vpn.example.com user=alice password-flags=1 -- password=known | run --external-ui-mode -i -r
check "external UI: reprompt asks again" \
    'grep -A4 "^\[password\]" "$tmp/out" | grep -q "^ShouldAsk=true"'

details gateway=vpn.example.com user=alice password-flags=2 -- password=stale | run --external-ui-mode -i
check "external UI: not-saved password is always asked and never prefilled" \
    'grep -A4 "^\[password\]" "$tmp/out" | grep -q "^ShouldAsk=true" && ! grep -q stale "$tmp/out"'

details gateway=vpn.example.com user=alice password-flags=1 proxy-server=proxy.example.com proxy-port=3128 proxy-user=bob proxy-password-flags=1 | run --external-ui-mode -i
check "proxy with a user: proxy password asked too" \
    'grep -q "^\[proxy-password\]" "$tmp/out" && grep -q "^\[password\]" "$tmp/out"'

details gateway=vpn.example.com user=alice password-flags=1 | run --external-ui-mode -i -t proxy-password -t "x-vpn-message:Proxy said no"
check "hints: only the hinted secret, message as description" \
    'grep -q "^\[proxy-password\]" "$tmp/out" && ! grep -q "^\[password\]" "$tmp/out" && grep -q "^Description=Proxy said no" "$tmp/out"'

if openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes256 -pass pass:kp -out "$tmp/key.pem" 2>/dev/null; then
    details gateway=vpn.example.com connection-type=tls tls-user-key="$tmp/key.pem" tls-user-key-secret-flags=1 | run --external-ui-mode -i
    check "EAP-TLS with an encrypted key: passphrase asked, no password" \
        'grep -q "^\[tls-user-key-secret\]" "$tmp/out" && ! grep -q "^\[password\]" "$tmp/out"'
else
    ok "EAP-TLS with an encrypted key # SKIP openssl cannot make a test key"
fi

details gateway=vpn.example.com user=alice | { cat; printf 'QUIT\n\n'; } | timeout 30 "$dialog" -u x -n y -s org.freedesktop.NetworkManager.openvpn >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"
check "another service's request is refused" '[ "$(rc)" != 0 ] && grep -q "is not org.freedesktop.NetworkManager.sstp" "$tmp/err"'

printf 'garbage\n' | timeout 30 "$dialog" -u x -n y -s org.freedesktop.NetworkManager.sstp >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"
check "unreadable stdin: clean failure, no crash" '[ "$(rc)" = 1 ] && grep -q "could not read" "$tmp/err"'

[ $failed = 0 ]

#!/bin/sh
# nm-sstp-auth-dialog takes agent-owned secrets from the keyring before it
# asks anybody. Run it against a real Secret Service (gnome-keyring on a
# private session bus, in a throw-away HOME) holding the password under
# NetworkManager's schema, the way the agents store it.
set -u
dialog="${top_builddir:?}/auth-dialog/nm-sstp-auth-dialog"

if [ -z "${SSTP_KEYRING_INNER:-}" ]; then
    for tool in dbus-run-session gnome-keyring-daemon secret-tool; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "1..0 # SKIP $tool is not installed"
            exit 0
        fi
    done
    SSTP_KEYRING_INNER=1 exec timeout 120 dbus-run-session -- "$0" 2>/dev/null
fi

tmp=$(mktemp -d)
trap 'kill "${GNOME_KEYRING_PID:-}" 2>/dev/null; rm -rf "$tmp"' EXIT
export HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" XDG_DATA_HOME="$tmp/home/.local/share"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset DISPLAY WAYLAND_DISPLAY

n=0 failed=0
check() {
    n=$((n + 1))
    if eval "$2"; then echo "ok $n - $1"; else failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$tmp/out" "$tmp/err"; fi
}
details() {
    for kv in "$@"; do printf 'DATA_KEY=%s\nDATA_VAL=%s\n\n' "${kv%%=*}" "${kv#*=}"; done
    printf 'DONE\n\n'
}
run() {
    { cat; sleep 0.2; printf 'QUIT\n\n'; } | timeout 30 "$dialog" -u "$uuid" -n "Office VPN" \
        -s org.freedesktop.NetworkManager.sstp "$@" >"$tmp/out" 2>"$tmp/err"
    echo $? >"$tmp/rc"
}

echo "1..5"
# A login keyring with a known password, unlocked, on this private bus.
eval "$(printf 'keyring-test' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
eval "$(gnome-keyring-daemon --start --components=secrets 2>/dev/null)"
uuid=5d3c0f6e-1111-4222-8333-944455556666
secret=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s' "$secret" | secret-tool store --label="VPN password" \
    connection-uuid "$uuid" setting-name vpn setting-key password
check "the keyring holds the password (setup)" \
    '[ "$(secret-tool lookup connection-uuid "$uuid" setting-name vpn setting-key password)" = "$secret" ]'

details gateway=vpn.example.com user=alice password-flags=1 | run
check "agent-owned password comes from the keyring, nobody asked" \
    '[ "$(cat "$tmp/rc")" = 0 ] && [ "$(cat "$tmp/out")" = "$(printf "password\n%s\n" "$secret")" ]'

details gateway=vpn.example.com user=alice password-flags=1 | run --external-ui-mode -i
check "external UI: keyring value passed on, not asked" \
    'grep -A4 "^\[password\]" "$tmp/out" | grep -q "^Value=$secret" && grep -A4 "^\[password\]" "$tmp/out" | grep -q "^ShouldAsk=false"'

details gateway=vpn.example.com user=alice password-flags=3 | run
check "not-saved password: the keyring is not used, and without interaction it fails" \
    '[ "$(cat "$tmp/rc")" != 0 ] && ! grep -q "$secret" "$tmp/out"'

details gateway=vpn.example.com user=alice password-flags=0 | run
check "system-owned password: the keyring is not used (NetworkManager supplies it)" \
    '[ "$(cat "$tmp/rc")" != 0 ] && ! grep -q "$secret" "$tmp/out"'

[ $failed = 0 ]

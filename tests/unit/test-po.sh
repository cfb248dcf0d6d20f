#!/bin/sh
# Checks of the translations in po/ (TAP):
#  - every language in LINGUAS has its .po file;
#  - every po/*.po compiles with msgfmt --check (format strings such as %s
#    and %u must match the msgid, header must be complete);
#  - Language: in the header names the file's language, and pl.po carries
#    the Polish plural rule;
#  - a label with a mnemonic (_) keeps exactly one in its translation, and
#    a string without one gets none;
#  - every language of LINGUAS (pl, de, fr, es) has no fuzzy and no
#    untranslated message, also when merged with a .pot freshly extracted
#    from the sources (a new or changed string fails here until it is
#    translated in every language);
#  - po/POTFILES.in lists every source file that holds _(), N_(), C_(),
#    NC_() or translatable="yes" (unless POTFILES.skip names it), and every
#    file it lists exists: a file forgotten there silently drops its
#    strings from the .pot.
# PO_TEST_DIR=DIR checks the .po files of DIR instead of po/ (used to show
# that the checks fail on a broken copy).
set -u

srcdir="${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}"
podir="${PO_TEST_DIR:-$srcdir/po}"
pl_plural='nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);'

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
diag() { sed 's/^/# /'; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# Counts "N translated messages, N fuzzy translations, N untranslated
# messages." from msgfmt --statistics into $translated $fuzzy $untranslated.
po_statistics() {
    stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$1" 2>&1)
    translated=$(printf '%s\n' "$stats" | sed -n 's/^\([0-9]*\) translated.*/\1/p')
    fuzzy=$(printf '%s\n' "$stats" | sed -n 's/.* \([0-9]*\) fuzzy.*/\1/p')
    untranslated=$(printf '%s\n' "$stats" | sed -n 's/.* \([0-9]*\) untranslated.*/\1/p')
    translated=${translated:-0}
    fuzzy=${fuzzy:-0}
    untranslated=${untranslated:-0}
}

# Prints one line per translated message whose mnemonic count differs from
# its msgid's: a mnemonic is "_" before a character that is not "_", a
# quote or a blank (so "'_'" in running text is no mnemonic).
po_mnemonic_errors() {
    msgcat --no-wrap --no-location "$1" | awk '
        function mnemonics(s,   t) { t = s; return gsub(/_[^_"'"'"' ]/, "", t) }
        function check(   i, want) {
            if (id == "" || fuzzy) return
            want = mnemonics(id)
            for (i = 0; i < nstr; i++)
                if (str[i] != "" && mnemonics(str[i]) != want)
                    printf "%d mnemonic(s) in \"%s\", %d in \"%s\"\n", want, id, mnemonics(str[i]), str[i]
        }
        function unquote(s) { sub(/^[^"]*"/, "", s); sub(/"$/, "", s); return s }
        /^#,.*fuzzy/ { fuzzy = 1; next }
        /^msgid / { check(); id = unquote($0); nstr = 0; field = "id"; next }
        /^msgid_plural / { field = "plural"; next }
        /^msgstr/ { str[nstr++] = unquote($0); field = "str"; next }
        /^"/ { if (field == "id") id = id unquote($0); else if (field == "str") str[nstr - 1] = str[nstr - 1] unquote($0); next }
        /^$/ { check(); id = ""; nstr = 0; fuzzy = 0; field = "" }
        END { check() }'
}

if ! command -v msgfmt >/dev/null 2>&1 || ! command -v msgcat >/dev/null 2>&1; then
    echo "1..1"
    echo "ok 1 # SKIP msgfmt/msgcat not installed (apt-get install gettext)"
    exit 0
fi

# --- LINGUAS ---------------------------------------------------------------
linguas=$(sed -e 's/#.*//' "$srcdir/po/LINGUAS" | tr -s ' \t' '\n' | sed '/^$/d')
if [ -z "$linguas" ]; then
    not_ok "po/LINGUAS names no language"
fi
for lang in $linguas; do
    if [ -f "$podir/$lang.po" ]; then
        ok "LINGUAS: $lang.po exists"
    else
        not_ok "LINGUAS: $lang.po exists"
    fi
done

# --- every .po file ----------------------------------------------------------
for po in "$podir"/*.po; do
    [ -f "$po" ] || continue
    lang=$(basename "$po" .po)

    if out=$(msgfmt --check --check-format --check-header -o /dev/null "$po" 2>&1); then
        ok "$lang.po: msgfmt --check --check-format --check-header"
    else
        not_ok "$lang.po: msgfmt --check --check-format --check-header"
        printf '%s\n' "$out" | diag
    fi

    header=$(msgcat --no-wrap "$po" 2>/dev/null | sed -n '/^msgid ""$/,/^$/p')
    want_plural=""
    [ "$lang" = pl ] && want_plural="$pl_plural"
    problems=""
    printf '%s\n' "$header" | grep -q "\"Language: $lang\\\\n\"" \
        || problems="$problems Language: is not $lang;"
    printf '%s\n' "$header" | grep -q '"Content-Type: text/plain; charset=UTF-8\\n"' \
        || problems="$problems charset is not UTF-8;"
    if [ -n "$want_plural" ]; then
        printf '%s\n' "$header" | grep -qF "\"Plural-Forms: $want_plural\\n\"" \
            || problems="$problems Plural-Forms is not the Polish rule;"
    else
        printf '%s\n' "$header" | grep -q '"Plural-Forms: nplurals=' \
            || problems="$problems no Plural-Forms;"
    fi
    if [ -z "$problems" ]; then
        ok "$lang.po: header (Language, UTF-8, Plural-Forms)"
    else
        not_ok "$lang.po: header (Language, UTF-8, Plural-Forms)"
        echo "$problems" | diag
    fi

    errors=$(po_mnemonic_errors "$po")
    if [ -z "$errors" ]; then
        ok "$lang.po: mnemonics (_) kept, one per label"
    else
        not_ok "$lang.po: mnemonics (_) kept, one per label"
        printf '%s\n' "$errors" | diag
    fi

    po_statistics "$po"
    echo "# $lang: $translated translated, $fuzzy fuzzy, $untranslated untranslated"
done

# --- every language is complete ----------------------------------------------
if command -v xgettext >/dev/null 2>&1 && command -v msgmerge >/dev/null 2>&1; then
    options=$(sed -n 's/^XGETTEXT_OPTIONS *= *//p' "$srcdir/po/Makevars")
    # shellcheck disable=SC2086 # options are words
    if ! out=$(cd "$srcdir" && xgettext $options --files-from=po/POTFILES.in \
               --default-domain=check -o "$tmp/check.pot" 2>&1); then
        not_ok "xgettext extracts the strings of po/POTFILES.in"
        printf '%s\n' "$out" | diag
    fi
fi
for lang in $linguas; do
    po="$podir/$lang.po"
    if [ ! -f "$po" ]; then
        not_ok "$lang.po exists"
        continue
    fi
    po_statistics "$po"
    if [ "$fuzzy" -eq 0 ] && [ "$untranslated" -eq 0 ] && [ "$translated" -gt 0 ]; then
        ok "$lang.po: $translated translated, no fuzzy or untranslated message"
    else
        not_ok "$lang.po: $translated translated, $fuzzy fuzzy, $untranslated untranslated"
    fi

    # The same against the strings the sources hold now.
    if [ ! -f "$tmp/check.pot" ]; then
        skip "$lang.po up to date with the sources: xgettext/msgmerge not installed"
        continue
    fi
    msgmerge --quiet --no-wrap -o "$tmp/$lang.po" "$po" "$tmp/check.pot" 2>&1 | diag
    po_statistics "$tmp/$lang.po"
    if [ "$fuzzy" -eq 0 ] && [ "$untranslated" -eq 0 ]; then
        ok "$lang.po up to date with the sources ($translated messages)"
    else
        not_ok "$lang.po up to date with the sources: $fuzzy fuzzy, $untranslated untranslated"
        echo "new or changed strings; run 'make -C po update-po' in the build" \
             "directory and translate them in po/$lang.po:" | diag
        msgattrib --only-fuzzy --no-obsolete --no-wrap "$tmp/$lang.po" | grep '^msgid ' | grep -v '^msgid ""$' | diag
        msgattrib --untranslated --no-obsolete --no-wrap "$tmp/$lang.po" | grep '^msgid ' | grep -v '^msgid ""$' | diag
    fi
done

# --- po/POTFILES.in is complete ----------------------------------------------
listed() { sed -e 's/#.*//' -e 's/[ \t]*$//' -e '/^$/d' "$srcdir/po/$1" 2>/dev/null; }
listed POTFILES.in > "$tmp/potfiles"
listed POTFILES.skip > "$tmp/skip"

missing=""
while read -r f; do
    [ -f "$srcdir/$f" ] || missing="$missing $f"
done < "$tmp/potfiles"
if [ -z "$missing" ]; then
    ok "every file in po/POTFILES.in exists"
else
    not_ok "every file in po/POTFILES.in exists"
    echo "missing:$missing" | diag
fi

(cd "$srcdir" && find . \( -name .git -o -name _build -o -name build -o -name autom4te.cache \
        -o -name po -o -name 'NetworkManager-sstp-*' \) -prune -o -type f \
        \( -name '*.c' -o -name '*.h' -o -name '*.ui' \) -print) | sed 's|^\./||' | LC_ALL=C sort > "$tmp/sources"
: > "$tmp/marked"
while read -r f; do
    if grep -Eq '(^|[^A-Za-z0-9_])(N|C|NC)?_\(|translatable="yes"' "$srcdir/$f"; then
        echo "$f" >> "$tmp/marked"
    fi
done < "$tmp/sources"
unlisted=$(LC_ALL=C sort "$tmp/potfiles" "$tmp/skip" | LC_ALL=C comm -23 "$tmp/marked" -)
if [ -s "$tmp/marked" ] && [ -z "$unlisted" ]; then
    ok "po/POTFILES.in lists all $(wc -l < "$tmp/marked") files with translatable strings"
else
    not_ok "po/POTFILES.in lists every file with translatable strings"
    echo "add to po/POTFILES.in (or, if no string in it is translatable, to po/POTFILES.skip):" | diag
    printf '%s\n' "$unlisted" | diag
fi

echo "1..$n"
exit $failed

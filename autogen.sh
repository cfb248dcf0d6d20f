#!/bin/sh
# Regenerate the build system, then run configure with the given arguments.
set -e
srcdir=$(dirname "$0")
cd "$srcdir"
autoreconf --force --install --verbose
cd - >/dev/null
if [ -z "$NOCONFIGURE" ]; then
    exec "$srcdir/configure" "$@"
fi

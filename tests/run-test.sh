#!/bin/sh
# Runs one test program for automake's TAP driver: GLib test programs get
# --tap; shell scripts print TAP themselves.
case "$1" in
    *.sh) exec "$@" ;;
    *) exec "$@" --tap ;;
esac

#!/bin/sh
# Stand-in process for tests/unit/test-service-worker.c: it checks the
# descriptor plumbing of src/service/nm-sstp-service-worker.c (what the
# real nm-sstp-tunnel gets on argv, fd 3 and fd 4), nothing else.
# The first word of the options stream on fd 3 picks what it does.
opts=$(tr '\0' '\n' <&3) || exit 20
mode=$(printf '%s\n' "$opts" | head -n 1)

case "$mode" in
report)
	# Echo argv and the options back as one status message, then fail
	# the way the real worker does: an error message, then the exit code.
	{
		printf 'report\n'
		for a in "$@"; do printf 'arg=%s\n' "$a"; done
		printf '%s\n' "$opts" | while IFS= read -r w; do printf 'opt=%s\n' "$w"; done
		printf '\n'
		printf 'error\ncode=6\nmessage=authentication refused by the test helper\n\n'
	} >&4
	exit 6
	;;
term)
	trap 'exit 0' TERM
	printf 'state\nphase=connecting\n\n' >&4
	while :; do sleep 0.2; done
	;;
linger)
	# Runs until SIGTERM and writes nothing: for a test whose service is
	# dead, so there is no reader on fd 4.
	trap 'exit 0' TERM
	while :; do sleep 0.2; done
	;;
ignore-term)
	trap '' TERM
	printf 'state\nphase=connecting\n\n' >&4
	while :; do sleep 0.2; done
	;;
esac
exit 21

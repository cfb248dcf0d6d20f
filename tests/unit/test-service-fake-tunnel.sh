#!/bin/sh
# Stand-in for nm-sstp-tunnel, used by test-service-dbus for the two paths
# the real worker can only reach with pppd and a server (the UML tests do
# that): a failed PPP login (exit 6) and a tunnel that comes up (ip4/ip6
# status messages). It reads the options stream on fd 3 like the worker
# and answers on fd 4. "right-password" logs in; anything else fails.
words=$(tr '\0' '\n' <&3) || exit 1
# SSTP_FAKE_TUNNEL_WORDS=FILE keeps the words (one a line) for the test to
# look at, such as the file names the worker would open.
if [ -n "${SSTP_FAKE_TUNNEL_WORDS:-}" ]; then
	printf '%s\n' "$words" >"$SSTP_FAKE_TUNNEL_WORDS" || exit 1
fi
password=$(printf '%s\n' "$words" | sed -n '/^--password$/{n;p;q;}')
printf 'state\nphase=ppp\n\n' >&4
if [ "$password" != "right-password" ]; then
	printf 'error\ncode=6\nmessage=PPP authentication failed (stand-in)\n\n' >&4
	exit 6
fi
trap 'exit 0' TERM
printf 'state\nphase=connected\n\n' >&4
printf 'ip4\nifname=ppp7\naddress=10.77.0.2\npeer=10.77.0.1\ndns=10.77.0.53\nwins=10.77.0.139\nmtu=1400\nipv6=pending\ngateway=127.0.0.1\n\n' >&4
printf 'ip6\nifname=ppp7\nlocal-iid=0:0:0:2\npeer-iid=0:0:0:1\n\n' >&4
while :; do sleep 0.2; done

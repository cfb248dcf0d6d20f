#!/bin/sh
# nm-sstp-tunnel's upload path under load, without kernel PPP: host-bench
# (tests/bench/host-bench.c) is the server on 127.0.0.1 and the worker's pppd,
# which writes 20 MB of HDLC frames on the pty as fast as it can; with
# --verify the server checks every data packet against the frame written,
# in order. Once with one frame per write (as pppd), once with 16 (pppd far
# ahead: every pty read fills the line discipline's buffer, so the worker
# reads again at once and frames cross read boundaries and go out many to a
# TLS record). Nothing may be lost, split, reordered or changed. TAP output.
set -u
top_builddir=${top_builddir:-$(pwd)}
tunnel="$top_builddir/src/tunnel/nm-sstp-tunnel"
bench="$top_builddir/tests/bench/host-bench"

[ -x "$tunnel" ] || { echo "1..1"; echo "not ok 1 - $tunnel not built"; exit 0; }
[ -x "$bench" ] || { echo "1..1"; echo "not ok 1 - $bench not built"; exit 0; }

log_dir="$top_builddir/tests/unit/logs/tunnel-bulk"
rm -rf "$log_dir"
mkdir -p "$log_dir"

echo "1..2"
t=0
for batch in 1 16; do
    t=$((t + 1))
    out="$log_dir/batch-$batch.out"
    # 20 MB: 14286 frames of 1400 bytes
    timeout 120 "$bench" --tunnel "$tunnel" --bytes 20 --dir up --batch "$batch" --verify \
        >"$out" 2>"$log_dir/batch-$batch.err"
    rc=$?
    if [ "$rc" -eq 0 ] && grep -q ' frames_verified=14286$' "$out"; then
        echo "ok $t - $batch frame(s) per pty write: 14286 frames through the worker intact and in order"
    else
        echo "not ok $t - $batch frame(s) per pty write: exit $rc, $(grep -a 'host-bench:' "$log_dir/batch-$batch.err" | tail -1) $(cat "$out")"
    fi
done
exit 0

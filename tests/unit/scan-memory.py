#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Looks for byte strings in the writable memory of a running process
(heap, stack, static data, anonymous mappings), through /proc/PID/mem.

usage: scan-memory.py PID NAME=HEX...
Prints "found NAME at ADDRESS" for each hit. Exit status: 0 nothing
found, 1 something found, 2 the memory cannot be read (no permission:
reading another process's memory needs ptrace rights, e.g. root with
CAP_SYS_PTRACE for a non-dumpable process).
"""
import sys


# Read in pieces, so that a large mapping needs no large buffer.
CHUNK = 64 << 20
# A writable mapping this large holds no data of a small worker: it is a
# sanitizer's shadow memory or an allocator's reservation (a sanitizer
# build maps terabytes, mostly never touched); reading it would take hours.
HUGE = 64 << 30


def writable_regions(pid):
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if fields[1].startswith("rw"):
                if end - start >= HUGE:
                    sys.stderr.write("skipped %d GiB mapping at 0x%x\n" % ((end - start) >> 30, start))
                    continue
                yield start, end


def read_region(mem, start, end, overlap):
    """The region's bytes piece by piece; each piece repeats the last
    `overlap` bytes of the one before, so no needle falls between two."""
    at = start
    tail = b""
    while at < end:
        mem.seek(at)
        data = mem.read(min(CHUNK, end - at))
        if not data:
            return
        yield at - len(tail), tail + data
        tail = data[-overlap:] if overlap else b""
        at += len(data)


def main():
    pid = int(sys.argv[1])
    needles = []
    for arg in sys.argv[2:]:
        name, _, value = arg.partition("=")
        needles.append((name, bytes.fromhex(value)))
    found = False
    try:
        mem = open("/proc/%d/mem" % pid, "rb", buffering=0)
    except OSError as e:
        print("cannot open the memory of %d: %s" % (pid, e))
        return 2
    readable = 0
    with mem:
        overlap = max((len(n) for _, n in needles), default=1) - 1
        for start, end in writable_regions(pid):
            try:
                for base, data in read_region(mem, start, end, overlap):
                    readable += len(data)
                    for name, needle in needles:
                        at = data.find(needle)
                        if at >= 0:
                            print("found %s at 0x%x" % (name, base + at))
                            found = True
            except OSError:
                continue  # e.g. a guard page
    if readable == 0:
        print("could not read any memory of %d" % pid)
        return 2
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

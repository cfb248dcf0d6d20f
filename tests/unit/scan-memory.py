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


def writable_regions(pid):
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if fields[1].startswith("rw"):
                yield start, end


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
        for start, end in writable_regions(pid):
            try:
                mem.seek(start)
                data = mem.read(end - start)
            except OSError:
                continue  # e.g. a guard page
            readable += len(data)
            for name, needle in needles:
                at = data.find(needle)
                if at >= 0:
                    print("found %s at 0x%x" % (name, start + at))
                    found = True
    if readable == 0:
        print("could not read any memory of %d" % pid)
        return 2
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

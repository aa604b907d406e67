#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Receive syslog datagrams on a Unix socket and append them to a file.

Usage: syslog-listener.py SOCKET OUTPUT

pamtester.sh runs this inside its private mount namespace, on a /dev/log
private to that namespace, so that the test can read what pam_syslog()
sent. Each datagram becomes one line, "<PRI>" prefix kept.
"""

import os
import socket
import sys


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: syslog-listener.py SOCKET OUTPUT", file=sys.stderr)
        return 2

    path, output = sys.argv[1], sys.argv[2]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    os.chmod(path, 0o666)

    with open(output, "ab", buffering=0) as out:
        while True:
            data = sock.recv(65536)
            out.write(data.rstrip(b"\n") + b"\n")


if __name__ == "__main__":
    sys.exit(main())

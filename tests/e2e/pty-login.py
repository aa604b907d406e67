#!/usr/bin/env python3
"""Run a command that asks for a password on a terminal (su, login).

Usage: pty-login.py COMMAND [ARG...]

The password comes from the environment variable ES_PTY_PASSWORD, never
from argv. The script waits for a "Password:" prompt, types the password
and a newline, then, if ES_PTY_INPUT is set, types that text too (for
login, the shell commands to run). It copies everything the command
prints after the prompt to stdout and exits with the command's status;
a missing prompt or a timeout gives status 124.
"""

import os
import pty
import select
import sys
import time

TIMEOUT_SECONDS = 30


def read_until(fd, needle, deadline):
    """Read from fd until needle appears; return what was read."""
    data = b""
    while needle not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return None
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    return data


def drain(fd, deadline):
    """Read from fd until end of file or the deadline; return the bytes."""
    data = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data


def main():
    password = os.environ.get("ES_PTY_PASSWORD")
    if len(sys.argv) < 2 or password is None:
        sys.stderr.write(__doc__)
        return 2

    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[1], sys.argv[1:])

    deadline = time.monotonic() + TIMEOUT_SECONDS
    if read_until(fd, b"assword:", deadline) is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        sys.stderr.write("no password prompt\n")
        return 124

    os.write(fd, password.encode() + b"\n")
    extra = os.environ.get("ES_PTY_INPUT")
    if extra:
        time.sleep(1)
        os.write(fd, extra.encode())

    output = drain(fd, deadline)
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(output.decode(errors="replace").replace("\r", ""))
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    return 128 + os.WTERMSIG(status)


if __name__ == "__main__":
    sys.exit(main())

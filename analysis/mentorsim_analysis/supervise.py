"""Run the command line in a child process, so that nothing it does can end without a clean message.

The HDF5 library can crash (segmentation fault) on some damaged files before any checksum is
read: a corrupted global heap of variable-length strings, for one. Python cannot catch that, so
`python -m mentorsim_analysis` forks before importing numpy or h5py; the child runs the command,
the parent waits. The child writes what it is reading and where it is staging its output into a
page of memory shared with the parent; if the child dies from a signal, the parent removes the
staging directory and prints one line naming the file and the object, exit 2 for a crash while
reading (the file is damaged), 128 + signal otherwise.

Signals: SIGINT, SIGTERM and SIGHUP sent to the parent are passed on to the child, which removes
its staging directory, prints one line and exits with 128 + signal (130 for Ctrl-C).

The child's stderr goes through a pipe and is printed by the parent when the child ends; after
a crash only the lines of mentorsim_analysis itself are printed (not what the C library wrote
while aborting, such as "free(): invalid pointer").

Only the standard library is imported here, before the fork.
"""
from __future__ import annotations

import mmap
import os
import select
import shutil
import signal
import sys
import time

PROG = "mentorsim_analysis"
_FIELD = 2048  # bytes per field of the shared page: [what is being read | staging directory]
_shared: mmap.mmap | None = None


def _put(field: int, text: str) -> None:
    if _shared is None:
        return
    data = text.encode("utf-8", errors="replace")[:_FIELD - 1] + b"\0"
    _shared[field * _FIELD: field * _FIELD + len(data)] = data


def _get(shared: mmap.mmap, field: int) -> str:
    raw = shared[field * _FIELD: (field + 1) * _FIELD]
    return raw.split(b"\0", 1)[0].decode("utf-8", errors="replace")


def note_reading(what: str) -> None:
    """Record what the child is about to read (a file and an object in it)."""
    _put(0, what)


def note_staging(path: str) -> None:
    """Record the staging directory the child writes into ('' when there is none)."""
    _put(1, path)


CRASH_SIGNALS = {signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT, signal.SIGFPE, signal.SIGILL}


def _drain(fd: int, pid: int, timeout: float | None) -> bytes:
    """The child's stderr until it closes it (it exits), or until `timeout` seconds."""
    chunks = []
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        wait = 0.1 if deadline is None else max(0.0, min(0.1, deadline - time.monotonic()))
        ready, _, _ = select.select([fd], [], [], wait)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
        elif deadline is not None and time.monotonic() >= deadline:
            return b"".join(chunks)


def _wait(pid: int, shared: mmap.mmap, timeout: float | None) -> int | None:
    """Wait for the child; None if it was killed after `timeout` seconds."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            done, status = os.waitpid(pid, 0 if deadline is None else os.WNOHANG)
        except ChildProcessError:
            return 4 << 8
        if done:
            return status
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            staging = _get(shared, 1)
            if staging and os.path.isdir(staging):
                shutil.rmtree(staging, ignore_errors=True)
            print(f"{PROG}: error: {_get(shared, 0) or 'the input'}: no answer after {timeout:g} s",
                  file=sys.stderr)
            return None
        time.sleep(0.02)


def supervise(argv: list[str] | None = None, timeout: float | None = None) -> int:
    """Fork; the child runs `cli.main(argv)`; return the exit code to use. With `timeout`
    (seconds; used by the tests) a child still running is killed and 124 returned."""
    global _shared
    if not hasattr(os, "fork"):
        from .cli import main
        return main(argv)
    shared = mmap.mmap(-1, 2 * _FIELD)
    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run the command, its stderr into the pipe
        os.close(read_end)
        os.dup2(write_end, 2)
        os.close(write_end)
        _shared = shared
        code = 4
        try:
            from .cli import main
            code = main(argv)
        except SystemExit as stop:  # --help, --version, argument errors
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
        except KeyboardInterrupt:  # before main installed its handlers
            print(f"{PROG}: interrupted; nothing was written", file=sys.stderr)
            code = 130
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code if isinstance(code, int) else 4)

    def forward(signum, frame):  # noqa: ARG001
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    os.close(write_end)
    previous = {signum: signal.signal(signum, forward)
                for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        errors = _drain(read_end, pid, timeout)
        status = _wait(pid, shared, timeout)
    finally:
        os.close(read_end)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    crashed = status is not None and os.WIFSIGNALED(status) and os.WTERMSIG(status) in CRASH_SIGNALS
    text = errors.decode("utf-8", errors="replace")
    if crashed:  # what the C library printed while crashing is no message for the user
        text = "".join(line for line in text.splitlines(keepends=True) if line.startswith(PROG))
    sys.stderr.write(text)
    sys.stderr.flush()
    if status is None:
        return 124
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    signum = os.WTERMSIG(status)
    staging = _get(shared, 1)
    if staging and os.path.isdir(staging):
        shutil.rmtree(staging, ignore_errors=True)
    try:
        name = signal.Signals(signum).name
    except ValueError:
        name = f"signal {signum}"
    if signum in CRASH_SIGNALS:
        where = _get(shared, 0) or "the input"
        print(f"{PROG}: error: {where}: the HDF5 library crashed reading it ({name}); the file is "
              "damaged", file=sys.stderr)
        return 2
    print(f"{PROG}: stopped by {name}; nothing was written", file=sys.stderr)
    return 128 + signum

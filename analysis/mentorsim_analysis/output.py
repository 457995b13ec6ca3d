"""The output directory: what may be replaced, atomic replacement, and leftovers of dead runs.

Rules (docs/analysis.md, "Output directory"):
- Missing parent directories are created (as `mkdir -p` does).
- The target must be absent, an empty directory, or a directory written by mentorsim_analysis
  (it holds the marker file `.mentorsim_analysis`). A regular file, a FIFO, a device, a socket
  or any other non-empty directory is refused (OutputError, exit 3), and so is a directory
  holding one of the input files.
- A symbolic link to a directory is followed: the directory it points to must satisfy the same
  rules, its contents are replaced and the link stays a link. A dangling link or a link to
  anything else is refused.
- Output is written into a hidden staging directory beside the target,
  `.NAME.<pid>.<random>.tmp`, and renamed into place only when complete; a previous report is
  first renamed to `.NAME.<pid>.<random>.old` and removed after the swap. An error, Ctrl-C or
  SIGTERM removes the staging directory and leaves the target as it was.
- At start, staging and old directories of NAME left by processes that no longer exist (SIGKILL,
  power loss) are removed; leftovers whose process cannot be told (an older naming) are
  reported, not touched.
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable

from . import __version__, supervise
from .io import OutputError

MARKER = ".mentorsim_analysis"
STAGING_MARKER = ".mentorsim_analysis-staging"


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a directory"


def resolve_target(target: str | Path) -> Path:
    """The directory to write: `target` itself, or the directory a symbolic link points to.
    Raises OutputError for anything that may not be replaced."""
    target = Path(os.path.abspath(target))
    if str(target) in ("", "/"):
        raise OutputError(f"{target}: refusing to write a report over the root directory")
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        resolved = Path(os.path.realpath(target))
        if not resolved.exists():
            raise OutputError(f"{target}: is a symbolic link to {resolved}, which does not exist")
        if not resolved.is_dir():
            raise OutputError(f"{target}: is a symbolic link to {resolved}, which is "
                              f"{_kind(os.stat(resolved).st_mode)}; give a directory")
        target, info = resolved, os.lstat(resolved)
    parent = target.parent
    if not parent.is_dir():
        existing = next((p for p in parent.parents if p.exists()), None) if not parent.exists() else parent
        if existing is not None and not existing.is_dir():
            raise OutputError(f"{target}: {existing} is not a directory")
    if info is None:
        return target
    if not stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{target}: exists and is {_kind(info.st_mode)}; the output must be a "
                          "directory that is absent, empty or an earlier report")
    if any(target.iterdir()) and not (target / MARKER).is_file():
        raise OutputError(f"{target}: exists, is not empty and was not written by "
                          "mentorsim_analysis; choose another output directory")
    return target


_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.(?P<kind>tmp|old)$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers(target: Path, warn: Callable[[str], None] | None = None) -> list[Path]:
    """Remove staging (`.tmp`) and replaced (`.old`) directories of `target` left by processes
    that no longer exist; report leftovers of an unknown process. Returns what was removed."""
    removed = []
    parent = target.parent
    try:
        entries = list(parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(f".{target.name}."):
            continue
        match = _LEFTOVER.match(entry.name)
        if entry.is_symlink() or not entry.is_dir():
            continue
        if match is None or match.group("name") != target.name:
            if entry.name.endswith(".tmp") and warn is not None:
                warn(f"{entry}: looks like a leftover temporary directory of an interrupted "
                     "report; remove it if no mentorsim_analysis is running")
            continue
        pid = int(match.group("pid"))
        ours = (entry / STAGING_MARKER).is_file() or (entry / MARKER).is_file()
        if pid == os.getpid() or _alive(pid) or not ours:
            continue
        if match.group("kind") == "old" and not target.exists() and not target.is_symlink():
            # Killed between moving the previous report aside and moving the new one in.
            entry.rename(target)
            if warn is not None:
                warn(f"restored {target} from {entry}, left by process {pid}, which no longer "
                     "exists")
            continue
        shutil.rmtree(entry, ignore_errors=True)
        if not entry.exists():
            removed.append(entry)
            if warn is not None:
                warn(f"removed {entry}, left by process {pid}, which no longer exists")
    return removed


def _inside(path: Path, directory: Path) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(directory)
        return True
    except ValueError:
        return False


def check_target(target: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """Refuse (OutputError) a target that may not be replaced or that holds an input; return
    the directory that will be written."""
    resolved = resolve_target(target)
    for path in inputs:
        if resolved.exists() and _inside(Path(path), Path(os.path.realpath(resolved))):
            raise OutputError(f"{target}: holds the input {path}; replacing it would delete the "
                              "input: choose another output directory")
    return resolved


@contextmanager
def staged_directory(target: str | Path, inputs: Iterable[str | Path] = (),
                     warn: Callable[[str], None] | None = None):
    """Yield a staging directory beside `target`; on success it replaces `target` (see the
    module's rules), on any error or signal it is removed and `target` is left as it was."""
    resolved = check_target(target, inputs)
    parent = resolved.parent
    parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(resolved, warn)
    staging = Path(tempfile.mkdtemp(prefix=f".{resolved.name}.{os.getpid()}.", suffix=".tmp",
                                    dir=parent))
    supervise.note_staging(str(staging))
    try:
        (staging / STAGING_MARKER).write_text("")
        yield staging
        (staging / STAGING_MARKER).unlink()
        (staging / MARKER).write_text(f"written by mentorsim_analysis {__version__}\n")
        os.chmod(staging, 0o755)
        if resolved.exists():
            resolve_target(resolved)  # unchanged since the start?
            old = parent / f".{resolved.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.old"
            resolved.rename(old)
            staging.rename(resolved)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(resolved)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        supervise.note_staging("")

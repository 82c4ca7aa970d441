"""The one rule for every file the tool writes (reports, snapshots, the app's exports and
policy edits).

- a regular file is replaced atomically (temp file in the same folder, fsync, rename)
  and keeps its mode and, where the process may set it, its owner;
- a symlink is followed: its target is written, the link stays;
- a new file is created 0600 (reports and snapshots describe weaknesses);
- a FIFO or a character device (/dev/stdout, /dev/null, a pipe someone reads) is
  written into as a stream, never replaced;
- a socket, a block device or a directory is refused (`RefusedTarget`, an OSError).

Several files at once (`Batch`) are all-or-nothing: every file is staged first, then
the renames happen together with SIGINT/SIGTERM held back, so an interruption leaves
either nothing replaced and no temp file behind, or every file written. `written()`
lists what this process has written, for the message after an interruption. A write in
a worker thread (the app's export) is called off with `cancelled_by(event)`: once the
event is set, the next file opened or the commit raises `WriteCancelled`, and nothing
is replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TextIO

_WRITTEN: list[Path] = []


def written() -> list[Path]:
    """Every file this process has written (replaced, created or streamed into)."""
    return list(_WRITTEN)


class Kind(Enum):
    NEW = "new"
    REGULAR = "regular"
    STREAM = "stream"


class RefusedTarget(OSError):
    """A path that is not a file to write: a socket, a block device, a directory."""

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(errno.EINVAL, f"is {what}; give a file name", str(path))
        self.what = what


class WriteCancelled(Exception):
    """The write was called off (see `cancelled_by`) before anything was replaced."""


_thread = threading.local()  # .cancel: the event that calls off this thread's writes


@contextlib.contextmanager
def cancelled_by(event: threading.Event) -> Iterator[None]:
    """Writes in this thread stop before they replace anything once `event` is set
    (the app sets it when the export dialog goes away, or the app quits, mid-write)."""
    _thread.cancel = event
    try:
        yield
    finally:
        _thread.cancel = None


def _check_cancel() -> None:
    event: threading.Event | None = getattr(_thread, "cancel", None)
    if event is not None and event.is_set():
        raise WriteCancelled("the write was cancelled; nothing was replaced")


_REFUSED = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISBLK, "a block device"),
)


@dataclass(frozen=True)
class Target:
    """Where the bytes for `path` go and how."""

    path: Path  # as given (for messages)
    real: Path  # the file written: the symlink's target, or `path`
    kind: Kind
    st: os.stat_result | None = None  # the existing regular file's status


def refusal(path: Path) -> str | None:
    """Why `path` cannot take a file ("a socket"…), or None when it can."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    for test, what in _REFUSED:
        if test(mode):
            return what
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        return "not a regular file"
    return None


def stream_kind(path: Path) -> str | None:
    """ "a FIFO" or "a character device" when `path` is written as a stream (see the
    module docstring), else None: what may hold part of a write that failed."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    return None


def resolve(path: Path) -> Target:
    """The target for writing `path`; RefusedTarget for what must not be written."""
    path = Path(path)
    try:
        st = os.stat(path)  # follows symlinks
    except FileNotFoundError:
        # Absent, or a dangling symlink: create what the link points at.
        real = Path(os.path.realpath(path)) if path.is_symlink() else path
        return Target(path, real, Kind.NEW)
    what = refusal(path)
    if what is not None:
        raise RefusedTarget(path, what)
    if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
        return Target(path, path, Kind.STREAM)
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        same = os.path.samestat(os.stat(real), st)
    except OSError:
        same = False
    if not same:  # /proc/self/fd links and the like: write through the link itself
        return Target(path, path, Kind.STREAM)
    return Target(path, real, Kind.REGULAR, st)


@dataclass
class _Staged:
    target: Target
    tmp: str | None = None
    handle: TextIO | None = None


@dataclass
class Batch:
    """Files staged together and committed together (see the module docstring)."""

    staged: list[_Staged] = field(default_factory=list)

    def open(self, path: Path) -> TextIO:
        _check_cancel()
        target = resolve(path)
        entry = _Staged(target)
        self.staged.append(entry)
        if target.kind is Kind.STREAM:
            entry.handle = _open_stream(target.real)
            return entry.handle
        folder = target.real.parent if str(target.real.parent) else Path(".")
        fd, entry.tmp = tempfile.mkstemp(prefix=f".{target.real.name}.", suffix=".tmp", dir=folder)
        entry.handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return entry.handle

    def _finish(self) -> None:
        for entry in self.staged:
            handle = entry.handle
            assert handle is not None
            handle.flush()
            if entry.tmp is not None:
                os.fsync(handle.fileno())
                st = entry.target.st
                if st is not None:
                    os.chmod(entry.tmp, stat.S_IMODE(st.st_mode))
                    with contextlib.suppress(OSError):  # only root may give a file away
                        os.chown(entry.tmp, st.st_uid, st.st_gid)
            handle.close()

    def commit(self) -> None:
        self._finish()
        _check_cancel()  # the last moment to call it off: nothing is replaced yet
        with _signals_held():
            for entry in self.staged:
                if entry.tmp is not None:
                    os.replace(entry.tmp, entry.target.real)
                    entry.tmp = None
                _WRITTEN.append(entry.target.path)

    def discard(self) -> None:
        for entry in self.staged:
            if entry.handle is not None:
                with contextlib.suppress(OSError):
                    entry.handle.close()
            if entry.tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(entry.tmp)
                entry.tmp = None


def _open_stream(path: Path) -> TextIO:
    """A FIFO or device opened for writing, never replaced. A FIFO nobody reads is an
    error (ENXIO) instead of a hang."""
    fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "w", encoding="utf-8", newline="\n")


@contextlib.contextmanager
def batch() -> Iterator[Batch]:
    """Stage files with `.open(path)`; all are committed when the block completes."""
    staged = Batch()
    try:
        yield staged
        staged.commit()
    except BaseException:
        staged.discard()
        raise


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the renames are done (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def atomic_text(path: Path) -> Iterator[TextIO]:
    """A text handle whose content replaces `path` only if the block completes.

    Either the whole new file is at `path` afterwards, or the old one is untouched and
    no temp file is left behind (an error or Ctrl-C in the block). See the module
    docstring for symlinks, FIFOs, devices and modes.
    """
    with batch() as staged:
        yield staged.open(path)


def write_text_atomic(path: Path, text: str) -> None:
    with atomic_text(path) as handle:
        handle.write(text)

"""Reading an input file as a stream with a size limit: a file, `-` (stdin) or a FIFO
(`--snapshot <(az rest …)`). An endless device (/dev/zero) or an oversized file is a
one-line error within a second, never a hang or a MemoryError.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

from aciaudit.atomic import stream_kind

DEFAULT_MAX_INPUT = 2 * 1024**3  # 2 GB
_CHUNK = 1 << 20
_limit = DEFAULT_MAX_INPUT


class InputError(Exception):
    """An input that cannot be read; the message is one line, fit for the user."""


def set_max_input_size(size: int) -> None:
    """`--max-input-size`, for every input this process reads."""
    global _limit
    _limit = size


def max_input_size() -> int:
    return _limit


_SIZE = re.compile(r"(\d{1,15})\s{0,3}([kmgt]?)i?b?", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def parse_size(text: str) -> int:
    """`2G`, `500M`, `64k`, `1000000` → bytes; ValueError otherwise (argparse's type)."""
    match = _SIZE.fullmatch(text.strip())
    if not match:
        raise ValueError(text)
    size = int(match.group(1)) * _UNITS[match.group(2).lower()]
    if size < 1:
        raise ValueError(text)
    return size


def is_stdin(path: Path) -> bool:
    return str(path) == "-"


def input_problem(path: Path) -> str | None:
    """Why `path` cannot be an input ("no such file", "is a directory"…), checked before
    any work; None for a file, `-`, a FIFO or a device, which `read_input` reads."""
    if is_stdin(path):
        return None
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISDIR(mode):
        return "is a directory"
    if stat.S_ISSOCK(mode):
        return "is a socket"
    return None


def read_once(path: Path) -> str | None:
    """ "stdin", "a FIFO" or "a character device" when `path` can be read only once (the
    app, which reads its policy and baseline again, needs a file); else None."""
    return "stdin" if is_stdin(path) else stream_kind(path)


def read_input(path: Path, what: str) -> bytes:
    """Every byte of `path` (`-` is stdin), up to the limit; InputError otherwise.

    `what` names the input kind for a folder given by mistake ("a snapshot file").
    """
    name = "stdin" if is_stdin(path) else str(path)
    try:
        if is_stdin(path):
            return _read_stream(sys.stdin.buffer, name)
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"{name}: is a directory, not {what}")
        if stat.S_ISSOCK(mode):
            raise InputError(f"{name}: is a socket, not {what}")
        if stat.S_ISREG(mode) and os.stat(path).st_size > _limit:
            raise InputError(_too_big(name))
        with open(path, "rb", buffering=0) as handle:
            return _read_stream(handle, name)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None


def _too_big(name: str) -> str:
    return (
        f"{name}: larger than the input limit of {_limit:,} bytes (raise it with --max-input-size)"
    )


def _read_stream(handle: object, name: str) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = handle.read(_CHUNK)  # type: ignore[attr-defined]
        if not chunk:
            break
        if total == 0:
            _check_start(chunk, name)
        total += len(chunk)
        if total > _limit:
            raise InputError(_too_big(name))
        chunks.append(chunk)
    return b"".join(chunks)


def _check_start(chunk: bytes, name: str) -> None:
    """A stream of NUL bytes (/dev/zero) is refused at its first chunk (UTF-16 and
    UTF-32 text has NULs, but never only NULs)."""
    head = chunk[:4096]
    if head.count(0) == len(head):
        raise InputError(f"{name}: not text (it starts with NUL bytes)")

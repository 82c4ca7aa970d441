"""How a command ends when something goes wrong that is not the user's input: no
traceback ever reaches the terminal.

- an unexpected internal error: one line naming the file (in the user's cache folder)
  where the full traceback was saved, exit 4;
- deep nesting (RecursionError) and memory exhaustion: one line, exit 2 (the input is
  too deep or too large for this machine);
- Ctrl-C or SIGTERM: one line saying exactly what was written, exit 130;
- a closed stdout (`aci-audit scan | head`): quiet, the SIGPIPE code 141;
- an output encoding that cannot hold a character: escaped, not an error.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from aciaudit.atomic import written
from aciaudit.escape import terminal

EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_PIPE = 4, 130, 141
EXIT_USAGE = 2


def _say(line: str) -> None:
    with contextlib.suppress(Exception):
        sys.stderr.write(f"aci-audit: {terminal(line)}\n")
        sys.stderr.flush()


def escape_unencodable() -> None:
    """stdout and stderr escape what their encoding cannot hold (PYTHONIOENCODING=ascii,
    a C locale) instead of failing on the first such character."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(Exception):
                reconfigure(errors="backslashreplace")


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def sigterm_as_interrupt() -> None:
    """SIGTERM unwinds like Ctrl-C: temp files removed, nothing half-written."""
    if threading.current_thread() is threading.main_thread():
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signal.SIGTERM, _terminate)


def interrupted(since: int = 0) -> int:
    """Say what this command wrote (files after the first `since` of `written()`)."""
    done = written()[since:]
    if done:
        _say(f"interrupted; written before the interruption: {', '.join(map(str, done))}")
    else:
        _say("interrupted; nothing was written")
    return EXIT_INTERRUPTED


def closed_stdout() -> int:
    """The reader went away: say nothing, and keep Python's exit flush from failing."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_PIPE


def crash_folder() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("aci-audit", appauthor=False))


def internal_error(exc: BaseException) -> int:
    """Save the traceback and say where, on one line."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    where = "not saved"
    try:
        folder = crash_folder()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / f"crash-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}.txt"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        where = f"saved in {path}"
    except Exception:  # the cache folder itself failed: still one line
        where = "could not be saved"
    _say(
        f"internal error ({type(exc).__name__}); this is a bug, please report it with the "
        f"traceback ({where})"
    )
    return EXIT_INTERNAL


def guarded(run: Callable[[], int]) -> int:
    """`run`, with every way it can end mapped to one line and an exit code."""
    escape_unencodable()
    sigterm_as_interrupt()
    since = len(written())
    try:
        return run()
    except KeyboardInterrupt:
        return interrupted(since)
    except BrokenPipeError:
        return closed_stdout()
    except RecursionError:
        _say("error: the input is nested too deeply for this tool")
        return EXIT_USAGE
    except MemoryError:
        _say("error: out of memory (the input is too large for this machine)")
        return EXIT_USAGE
    except SystemExit:
        raise
    except Exception as exc:
        return internal_error(exc)

"""Issue #13, files and paths: the one rule for every file the tool writes (symlink
followed, mode and owner kept, new files 0600, FIFOs and character devices streamed,
sockets, block devices and directories refused, `-o -` is stdout, several formats
all-or-nothing) and for every input (file, `-`, FIFO, bounded; /dev/zero refused).
Through aciaudit.atomic directly and through the command line."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakearm import FakeAzure
from fixtures import SNAPSHOT_EXAMPLE

from aciaudit import atomic, outputs
from aciaudit.atomic import RefusedTarget, batch, write_text_atomic
from aciaudit.cli import main
from aciaudit.reading import (
    DEFAULT_MAX_INPUT,
    InputError,
    parse_size,
    read_input,
    set_max_input_size,
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _scan(*args: str) -> int:
    return main(["scan", "--demo", *args])


def _no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.rglob(".*.tmp")]


# -- the rule, in aciaudit.atomic -----------------------------------------------------


def test_a_new_file_is_0600(tmp_path: Path) -> None:
    write_text_atomic(tmp_path / "new.md", "x")
    assert _mode(tmp_path / "new.md") == 0o600


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    path.write_text("old")
    path.chmod(0o644)
    write_text_atomic(path, "new")
    assert path.read_text() == "new" and _mode(path) == 0o644


def test_a_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "r.md"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.md"
    link.symlink_to(target)
    write_text_atomic(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new" and _mode(target) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.md", "real"]


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "made.md")
    write_text_atomic(link, "new")
    assert link.is_symlink() and (tmp_path / "made.md").read_text() == "new"


def test_a_character_device_is_written_as_a_stream() -> None:
    before = os.stat("/dev/null")
    write_text_atomic(Path("/dev/null"), "x" * 10_000)
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as handle:
            into.append(handle.read())

    thread = threading.Thread(target=read)
    thread.start()
    time.sleep(0.1)  # the reader opens first
    return thread


def test_a_fifo_is_written_as_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    write_text_atomic(fifo, "streamed\n")
    reader.join(5)
    assert got == [b"streamed\n"] and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert _no_temp_files(tmp_path)


def test_a_fifo_nobody_reads_is_an_error_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError):
        write_text_atomic(fifo, "x")


def test_a_socket_and_a_directory_are_refused(tmp_path: Path) -> None:
    sock_path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        with pytest.raises(RefusedTarget, match="socket"):
            write_text_atomic(sock_path, "x")
    finally:
        server.close()
    with pytest.raises(RefusedTarget, match="directory"):
        write_text_atomic(tmp_path, "x")
    assert stat.S_ISSOCK(os.stat(sock_path).st_mode)


def test_a_block_device_is_refused() -> None:
    devices = [p for p in Path("/dev").glob("loop*") if stat.S_ISBLK(os.stat(p).st_mode)]
    if not devices:
        pytest.skip("no block device to point at")
    with pytest.raises(RefusedTarget, match="block device"):
        atomic.resolve(devices[0])


def test_an_interrupted_batch_replaces_nothing_and_leaves_no_temp(tmp_path: Path) -> None:
    first, second = tmp_path / "a.md", tmp_path / "b.json"
    first.write_text("old a")
    second.write_text("old b")
    with pytest.raises(KeyboardInterrupt), batch() as staged:
        staged.open(first).write("new a")
        staged.open(second).write("new b")
        raise KeyboardInterrupt
    assert first.read_text() == "old a" and second.read_text() == "old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.json"]


# -- through the command line ----------------------------------------------------------


def test_cli_symlink_mode_and_new_file(tmp_path: Path) -> None:
    target = tmp_path / "kept.md"
    target.write_text("old")
    target.chmod(0o644)
    link = tmp_path / "link.md"
    link.symlink_to(target)
    assert _scan("-o", str(link)) == 0
    assert link.is_symlink() and target.read_text().startswith("# ")
    assert _mode(target) == 0o644
    assert _scan("-o", str(tmp_path / "fresh.md")) == 0
    assert _mode(tmp_path / "fresh.md") == 0o600


def test_cli_writes_dev_null_without_replacing_it(capsys: pytest.CaptureFixture[str]) -> None:
    ino = os.stat("/dev/null").st_ino
    assert _scan("-o", "/dev/null") == 0
    assert os.stat("/dev/null").st_ino == ino and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_cli_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    assert _scan("--format", "json", "-o", str(fifo)) == 0
    reader.join(5)
    assert got and got[0].startswith(b"{") and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_cli_refuses_a_socket_and_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sock_path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        assert _scan("-o", str(sock_path)) == 2
    finally:
        server.close()
    err = capsys.readouterr().err
    assert "is a socket" in err and len(err.strip().splitlines()) == 1
    assert _scan("-o", str(tmp_path)) == 2
    assert "is a directory" in capsys.readouterr().err


def test_cli_dash_is_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert _scan("-o", "-") == 0
    assert capsys.readouterr().out.startswith("# ")
    assert _scan("--format", "json,csv", "-o", "-") == 2


def test_cli_interrupted_multi_format_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "report.md").write_text("old md")
    real = outputs.write_report
    calls = []

    def interrupted_on_second(run, fmt, write):
        calls.append(fmt)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(run, fmt, write)

    monkeypatch.setattr(outputs, "write_report", interrupted_on_second)
    assert _scan("--format", "markdown,json,csv", "-o", str(folder)) == 130
    assert "nothing was written" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == ["report.md"]
    assert (folder / "report.md").read_text() == "old md"


def test_cli_failed_multi_format_write_says_nothing_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "report.md").write_text("old md")
    real = outputs.write_report

    def disk_full_on_json(run, fmt, write):
        if fmt == "json":
            raise OSError(28, "No space left on device", str(folder / "report.json"))
        real(run, fmt, write)

    monkeypatch.setattr(outputs, "write_report", disk_full_on_json)
    assert _scan("--format", "markdown,json", "-o", str(folder)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].endswith(
        "report.json: cannot write (No space left on device); nothing was written"
    )
    assert sorted(p.name for p in folder.iterdir()) == ["report.md"]
    assert (folder / "report.md").read_text() == "old md"


def test_cli_sigterm_mid_write_is_an_interruption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old_handler = signal.getsignal(signal.SIGTERM)
    real = outputs.write_report

    def terminated(run, fmt, write):
        real(run, fmt, write)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)

    monkeypatch.setattr(outputs, "write_report", terminated)
    try:
        assert _scan("--format", "markdown,json", "-o", str(tmp_path / "out")) == 130
    finally:
        signal.signal(signal.SIGTERM, old_handler)
    assert "nothing was written" in capsys.readouterr().err
    assert list((tmp_path / "out").iterdir()) == []


# -- inputs ------------------------------------------------------------------------------


def test_dev_zero_is_refused_within_a_second(capsys: pytest.CaptureFixture[str]) -> None:
    started = time.perf_counter()
    assert main(["scan", "--snapshot", "/dev/zero"]) == 2
    assert time.perf_counter() - started < 1.0
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "/dev/zero" in err


def test_an_oversized_input_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["scan", "--max-input-size", "100", "--snapshot", str(SNAPSHOT_EXAMPLE)]
    try:
        assert main(args) == 2
    finally:
        set_max_input_size(DEFAULT_MAX_INPUT)
    assert "--max-input-size" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["scan", "--max-input-size", "lots", "--demo"])


def test_stdin_and_a_fifo_are_read_as_streams(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "in"
    os.mkfifo(fifo)
    data = SNAPSHOT_EXAMPLE.read_bytes()

    def feed() -> None:
        with open(fifo, "wb") as handle:
            handle.write(data)

    writer = threading.Thread(target=feed)
    writer.start()
    assert read_input(fifo, "a snapshot file") == data
    writer.join(5)
    with pytest.raises(InputError, match="directory"):
        read_input(tmp_path, "a snapshot file")
    assert parse_size("2G") == 2 * 1024**3 and parse_size("500m") == 500 * 1024**2


# -- `collect -o`: the snapshot, through the fake ARM ------------------------------------


@pytest.fixture
def fake_arm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAzure]:
    from test_live_collect import estate

    with FakeAzure() as server:
        estate(server)
        server.sign_in_env(monkeypatch)
        yield server


def test_cli_collect_follows_the_same_rules(
    fake_arm: FakeAzure, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_live_collect import live_args

    collect = ["collect", *live_args(fake_arm)]
    target = tmp_path / "kept.json"
    target.write_text("old")
    target.chmod(0o644)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert main([*collect, "-o", str(link)]) == 0
    assert link.is_symlink() and target.read_text().startswith("{") and _mode(target) == 0o644
    assert main([*collect, "-o", str(tmp_path / "new.json")]) == 0
    assert _mode(tmp_path / "new.json") == 0o600
    ino = os.stat("/dev/null").st_ino
    assert main([*collect, "-o", "/dev/null"]) == 0
    assert os.stat("/dev/null").st_ino == ino and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    capsys.readouterr()
    assert main([*collect, "-o", str(tmp_path)]) == 2  # refused before anything is read
    err = capsys.readouterr().err
    assert "is a directory" in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.json", "link.json", "new.json"]


def _fed_fifo(path: Path, data: bytes) -> threading.Thread:
    os.mkfifo(path)

    def feed() -> None:
        with open(path, "wb") as handle:
            handle.write(data)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    return writer


def test_policy_and_baseline_are_read_from_a_fifo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `--policy <(…)` and `--baseline <(…)` were "no such file" (an is_file check).
    baseline = tmp_path / "base.json"
    assert _scan("--format", "json", "-o", str(baseline)) == 0
    policy = b'[[suppressions]]\ncheck = "ACR-*"\nresource = "*"\njustification = "x"\n'
    policy += b"expires = 2099-01-01\n"
    writers = [
        _fed_fifo(tmp_path / "policy", policy),
        _fed_fifo(tmp_path / "baseline", baseline.read_bytes()),
    ]
    capsys.readouterr()
    args = ["--policy", str(tmp_path / "policy"), "--baseline", str(tmp_path / "baseline")]
    assert _scan(*args, "--format", "json") == 0
    for writer in writers:
        writer.join(5)
    out, err = capsys.readouterr()
    assert "suppressed" in err and "since baseline" in err
    report = json.loads(out)
    assert report["summary"]["suppressed"] > 0


@pytest.mark.parametrize("option", ["--policy", "--baseline"])
def test_policy_and_baseline_that_cannot_be_inputs_are_one_line(
    option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path, said in [
        ("/dev/zero", "not text"),
        (str(tmp_path), "is a directory"),
        (str(tmp_path / "nope"), "no such"),
    ]:
        assert _scan(option, path, "-o", str(tmp_path / "r.md")) == 2
        err = capsys.readouterr().err
        assert said in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "r.md").exists()

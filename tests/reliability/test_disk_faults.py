"""Disk full and read-only index directory during a build: one clear error, the old index serves on.

The tests run as root in CI containers, where chmod does not stop writes; so a small tmpfs is
mounted as the index directory (filled up, or remounted read-only). When mounting is not
permitted the mount tests skip with the reason, and the monkeypatched ENOSPC tests still run.
"""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from rhelpers import live_generation, run_build, settings_for, snapshot

SLACK_KB = (0, 16, 32, 64)  # free space left on the device when the build starts


@pytest.fixture
def tmpfs(tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root and mount(8) to mount a small tmpfs")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2M", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {r.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)
        if os.path.ismount(mnt):
            subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _fill(mnt: Path, leave_kb: int) -> None:
    free_kb = shutil.disk_usage(mnt).free // 1024
    with open(mnt / "filler", "wb") as fh:
        fh.write(b"\0" * max(0, free_kb - leave_kb) * 1024)


def _edit(corpus: Path) -> None:
    p = corpus / "agendas" / "apeldoorn.md"
    p.write_text(p.read_text(encoding="utf-8") + "\n\nExtra alinea over de brede brugklas.\n", encoding="utf-8")


def _assert_one_line_error(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert lines and lines[0].startswith("error: "), stderr
    assert any(ln.startswith("hint: ") for ln in lines), stderr


@pytest.mark.parametrize("leave_kb", SLACK_KB)
def test_disk_full_during_build(tmpfs, corpus_copy, leave_kb):
    from indexer.build import build_index

    settings = settings_for(tmpfs / "index")
    build_index([corpus_copy], settings, progress=False)
    before, live = snapshot(settings), live_generation(settings.index_dir)
    _fill(tmpfs, leave_kb)
    _edit(corpus_copy)
    try:
        build_index([corpus_copy], settings, progress=False, rebuild=True)
        outcome = "fitted"
    except Exception as exc:  # noqa: BLE001 - the outcome is checked below
        outcome = exc
    if outcome == "fitted":  # enough room after all: the new index must then be complete
        assert snapshot(settings)["stats"][0] == before["stats"][0]
        return
    import sqlite3

    from indexer.errors import GkaError

    assert isinstance(outcome, (OSError, sqlite3.Error, GkaError)), repr(outcome)
    assert live_generation(settings.index_dir) == live
    assert snapshot(settings) == before, "the previous index changed after a failed build"
    assert not [g for g in os.listdir(settings.index_dir) if g.startswith("gen-") and g > live], "half-written generation left"
    os.remove(tmpfs / "filler")  # room again: the next build succeeds
    build_index([corpus_copy], settings, progress=False)
    assert snapshot(settings)["stats"][0] == before["stats"][0]


def test_disk_full_cli_reports_one_line(tmpfs, corpus_copy):
    index = tmpfs / "index"
    assert run_build(corpus_copy, index).returncode == 0
    before = snapshot(settings_for(index))
    _fill(tmpfs, 0)
    _edit(corpus_copy)
    result = run_build(corpus_copy, index, "--rebuild")
    assert result.returncode != 0
    _assert_one_line_error(result.stderr)
    assert snapshot(settings_for(index)) == before


def test_read_only_index_dir(tmpfs, corpus_copy):
    index = tmpfs / "index"
    assert run_build(corpus_copy, index).returncode == 0
    settings = settings_for(index)
    before = snapshot(settings)
    r = subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"remounting read-only is not permitted: {r.stderr.strip()}")
    _edit(corpus_copy)
    result = run_build(corpus_copy, index, "--rebuild")
    assert result.returncode != 0
    _assert_one_line_error(result.stderr)
    assert snapshot(settings) == before  # a read-only index still serves


def test_enospc_while_writing_generation(corpus_copy, tmp_path, monkeypatch):
    """Without mounts: the writer's array save fails with ENOSPC half-way through a generation."""
    from indexer.build import build_index

    settings = settings_for(tmp_path / "index")
    build_index([corpus_copy], settings, progress=False)
    before, live = snapshot(settings), live_generation(settings.index_dir)
    real_save = np.save
    calls = {"n": 0}

    def failing_save(file, arr, *a, **kw):
        calls["n"] += 1
        if calls["n"] == 2:  # vectors.npy written, docvecs.npy fails
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(file))
        return real_save(file, arr, *a, **kw)

    monkeypatch.setattr(np, "save", failing_save)
    _edit(corpus_copy)
    with pytest.raises(OSError) as info:
        build_index([corpus_copy], settings, progress=False, rebuild=True)
    assert info.value.errno == errno.ENOSPC
    monkeypatch.undo()
    assert live_generation(settings.index_dir) == live
    assert [g for g in os.listdir(settings.index_dir) if g.startswith("gen-")] == [live]
    assert snapshot(settings) == before
    # and the build lock was released: the next build goes through
    build_index([corpus_copy], settings, progress=False)
    assert live_generation(settings.index_dir) != live


def test_enospc_on_pointer_swap(corpus_copy, tmp_path, monkeypatch):
    """The very last step (writing CURRENT.tmp) fails: the old pointer and index stay live."""
    from indexer.backends.embedded import layout
    from indexer.build import build_index

    settings = settings_for(tmp_path / "index")
    build_index([corpus_copy], settings, progress=False)
    before, live = snapshot(settings), live_generation(settings.index_dir)
    real_replace = os.replace

    def failing_replace(src, dst, *a, **kw):
        if str(dst).endswith("CURRENT"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        return real_replace(src, dst, *a, **kw)

    monkeypatch.setattr(layout.os, "replace", failing_replace)
    _edit(corpus_copy)
    with pytest.raises(OSError):
        build_index([corpus_copy], settings, progress=False, rebuild=True)
    monkeypatch.undo()
    assert live_generation(settings.index_dir) == live
    assert snapshot(settings) == before

"""SIGKILL the indexer at random points of a build: the previous index must survive untouched.

Each kill is drawn with a fixed seed and spread over the whole duration of a build (one
random point in each of N equal slices of the measured duration), so start-up, reading,
embedding and writing are all hit. After every kill the live index must open and answer a
fixed set of queries exactly as before (passage ids and scores). A final build must then
complete and match a clean build of the same corpus.
"""
from __future__ import annotations

import fcntl
import random
import shutil
import signal
import time
from pathlib import Path

import pytest

from rhelpers import (
    LONG,
    SEED,
    generations,
    live_generation,
    run_build,
    settings_for,
    snapshot,
    start_build,
    wait_for,
)

FILES = (
    "praktijkverhalen/huiswerkklas-schiedam.md",
    "praktijkverhalen/sport-rotterdam.md",
    "onderzoek/ouders-mbo.md",
    "agendas/apeldoorn.md",
)


def edit(corpus: Path, i: int) -> None:
    """Change one document (a different one each time) so every build has work to publish."""
    path = corpus / FILES[i % len(FILES)]
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.rstrip("\n") + f"\n\nRevisie {i}: de school evalueert de aanpak met ouders en leerlingen.\n",
        encoding="utf-8",
    )


def _kill(proc) -> bool:
    """SIGKILL ``proc`` if it still runs; True when it was killed (not already finished)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        return proc.returncode == -signal.SIGKILL
    proc.communicate(timeout=60)
    return False


def _stale(index: Path) -> list[str]:
    live = live_generation(index)
    return [g for g in generations(index) if g > live]


def _kill_loop(corpus: Path, tmp_path: Path, n: int) -> dict:
    index = tmp_path / "index"
    settings = settings_for(index)
    t0 = time.monotonic()
    first = run_build(corpus, index)
    duration = time.monotonic() - t0
    assert first.returncode == 0, first.stderr
    before = snapshot(settings)

    rng = random.Random(SEED)
    points = [(i + rng.random()) / n for i in range(n)]  # one point per slice of the build
    rng.shuffle(points)
    figures = {"kills": 0, "finished_first": 0, "published_then_killed": 0, "stale_after_kill": 0,
               "duration_s": round(duration, 2)}
    for i, point in enumerate(points):
        edit(corpus, i)
        live = live_generation(index)
        extra = ("--rebuild",) if i % 2 else ()  # alternate incremental and full builds
        proc = start_build(corpus, index, *extra)
        time.sleep(point * duration)
        if _kill(proc):
            figures["kills"] += 1
            figures["stale_after_kill"] += bool(_stale(index))
            if live_generation(index) == live:
                after = snapshot(settings)  # the old index opens and answers exactly as before
                assert after == before, f"kill {i} at {point * duration:.2f}s changed the answers"
                continue
            figures["published_then_killed"] += 1  # died after the atomic swap: the new index is live
        else:
            figures["finished_first"] += 1
            assert proc.returncode == 0, proc.stderr
        before = snapshot(settings)
        assert before["stats"][0] == first_docs(first)

    final = run_build(corpus, index)
    assert final.returncode == 0, final.stderr
    assert not _stale(index), "stale generations survived the next build"
    assert len(generations(index)) <= 2
    clean_index = tmp_path / "clean"
    clean = run_build(corpus, clean_index, "--rebuild")
    assert clean.returncode == 0, clean.stderr
    assert snapshot(settings) == snapshot(settings_for(clean_index)), "final index differs from a clean build"
    return figures


def first_docs(result) -> int:
    return int(result.stdout.split()[0])


def test_sigkill_at_random_points_of_a_build(corpus_copy, tmp_path, record_property):
    figures = _kill_loop(corpus_copy, tmp_path, 20)
    record_property("kill_figures", figures)
    print("kill figures:", figures)
    # most points fall inside a running build; the share varies with load (an incremental build is
    # faster than the measured first one), so half is the floor that still proves kills happened
    assert figures["kills"] >= 10, figures


@pytest.mark.long
def test_sigkill_at_random_points_of_a_build_long(corpus_copy, tmp_path):
    figures = _kill_loop(corpus_copy, tmp_path, 200)
    print("kill figures (long):", figures)
    assert figures["kills"] >= 100, figures


def test_killed_while_writing_an_incremental_generation(corpus_copy, tmp_path):
    """Kill an incremental build (one edited file) the moment its new generation appears, then
    check the stale generation is cleaned by the next build and nothing is lost. When the writer
    is too quick to catch, a half-written generation is planted instead (what a kill leaves)."""
    index = tmp_path / "index"
    settings = settings_for(index)
    assert run_build(corpus_copy, index).returncode == 0
    before = snapshot(settings)
    rng = random.Random(SEED + 1)
    rounds = 20 if LONG else 3
    caught = published = 0
    for i in range(rounds):
        edit(corpus_copy, i)
        live = live_generation(index)
        proc = start_build(corpus_copy, index)
        appeared = wait_for(lambda: any(g > live for g in generations(index)) or proc.poll() is not None,
                            180, interval=0.0005)
        assert appeared, "the build neither wrote a generation nor finished in 180 s"
        time.sleep(rng.random() * 0.005)
        killed = _kill(proc)
        if killed and live_generation(index) == live:
            caught += 1
            assert snapshot(settings) == before  # the old index answers exactly as before
            continue
        published += 1  # the writer finished first: the new index must be complete
        before = snapshot(settings)
        assert before["stats"][0] == 6
    print(f"incremental kills: caught writing {caught}, published first {published}")
    stale = _stale(index)
    if not stale:  # plant what a kill during writing leaves behind: a partial next generation
        live = live_generation(index)
        planted = index / f"gen-{int(live.split('-')[1]) + 1:06d}"
        shutil.copytree(index / live, planted)
        (planted / "vectors.npy").write_bytes(b"\x93NUMPY half")
        stale = [planted.name]
    edit(corpus_copy, 99)
    done = run_build(corpus_copy, index)
    assert done.returncode == 0, done.stderr
    assert not _stale(index) and not set(stale) & set(generations(index)) - {live_generation(index)}
    assert len(generations(index)) <= 2
    after = snapshot(settings)
    assert after["stats"][:2] == before["stats"][:2]
    # the edits are searchable now
    from indexer.model import SearchRequest
    from indexer.search import open_service

    svc = open_service(settings)
    try:
        hits = svc.search(SearchRequest("Revisie evalueert", mode="keyword", k=10)).hits
    finally:
        svc.close()
    assert {h.doc_id for h in hits} >= {FILES[0]}


def test_second_build_refused_while_build_lock_is_held(corpus_copy, tmp_path):
    """A build that finds build.lock taken exits non-zero with one clear line; the index is untouched."""
    index = tmp_path / "index"
    settings = settings_for(index)
    assert run_build(corpus_copy, index).returncode == 0
    before, live = snapshot(settings), live_generation(index)
    edit(corpus_copy, 0)
    with open(index / "build.lock", "a+") as fh:  # stands in for a running build
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        t0 = time.monotonic()
        result = run_build(corpus_copy, index)
        elapsed = time.monotonic() - t0
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    print(f"refused build took {elapsed:.1f}s")
    assert result.returncode != 0
    assert "another build holds" in result.stderr and "build.lock" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert live_generation(index) == live and not _stale(index)
    assert snapshot(settings) == before
    # once the lock is free the same build goes through
    assert run_build(corpus_copy, index).returncode == 0


def test_two_builds_started_together(corpus_copy, tmp_path):
    """Two real builds at once: each either succeeds or is refused by build.lock; never a broken index."""
    index = tmp_path / "index"
    settings = settings_for(index)
    assert run_build(corpus_copy, index).returncode == 0
    edit(corpus_copy, 1)
    procs = [start_build(corpus_copy, index, "--rebuild") for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_, err) in zip(procs, outs):
        assert p.returncode == 0 or "another build holds" in err, err
    assert any(p.returncode == 0 for p in procs)
    assert not _stale(index)
    snap = snapshot(settings)
    assert snap["stats"][0] == 6

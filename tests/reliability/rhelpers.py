"""Shared helpers of the reliability suite (imported by conftest and the tests)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from indexer.config import Settings

ROOT = Path(__file__).resolve().parents[2]
MINI_CORPUS = ROOT / "tests" / "data" / "mini_corpus"
PYTHON = sys.executable
LONG = os.environ.get("GKA_RELIABILITY_LONG", "") not in ("", "0", "false", "no")
SEED = 20251122

# Queries over the mini corpus whose answers are compared before and after every fault.
QUERIES: tuple[tuple[str, str], ...] = (
    ("ouderbetrokkenheid in het mbo", "hybrid"),
    ("huiswerkklas", "keyword"),
    ("sport Rotterdam", "hybrid"),
    ("taal voor peuters", "semantic"),
    ("brede brugklas", "keyword"),
    ('"gelijke kansen" -rotterdam', "hybrid"),
)


def settings_for(index_dir: Path, **kw) -> Settings:
    return Settings.from_env(env={}, index_dir=index_dir, embedder="fake", **kw)


def build_cmd(corpus: Path, index_dir: Path, *extra: str) -> list[str]:
    return [PYTHON, "-m", "indexer", "build", str(corpus), "--index", str(index_dir), "--embedder", "fake", "--quiet", *extra]


def subprocess_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKA_")}
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def run_build(corpus: Path, index_dir: Path, *extra: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        build_cmd(corpus, index_dir, *extra), cwd=ROOT, env=subprocess_env(),
        capture_output=True, text=True, timeout=timeout,
    )


def start_build(corpus: Path, index_dir: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        build_cmd(corpus, index_dir, *extra), cwd=ROOT, env=subprocess_env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def snapshot(settings: Settings, queries=QUERIES) -> dict:
    """What the index at ``settings`` answers: passage ids and scores per query, plus stats."""
    from indexer.model import SearchRequest
    from indexer.search import open_service

    service = open_service(settings)
    try:
        out = {}
        for q, mode in queries:
            resp = service.search(SearchRequest(q, mode=mode, k=10))
            out[(q, mode)] = [(h.passage_id, round(h.score, 6)) for h in resp.hits]
        stats = service.stats()
        out["stats"] = (stats.documents, stats.passages, stats.by_facet)
        return out
    finally:
        service.close()


def generations(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.glob("gen-*") if p.is_dir())


def live_generation(index_dir: Path) -> str:
    return (index_dir / "CURRENT").read_text(encoding="utf-8").strip()


def wait_for(predicate, timeout: float, interval: float = 0.002) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False



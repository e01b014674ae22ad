"""The OpenMP wait settings the indexer package sets before any OpenMP runtime starts."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOW = "import indexer, os; print(os.environ.get('OMP_WAIT_POLICY'), os.environ.get('GOMP_SPINCOUNT'))"


def _run(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    out = subprocess.run([sys.executable, "-c", SHOW], env={**base, **env}, cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_a_short_spin_then_sleep_when_the_user_set_neither():
    assert _run() == "PASSIVE 1000"


def test_a_users_own_setting_wins():
    assert _run(OMP_WAIT_POLICY="ACTIVE") == "ACTIVE None"
    assert _run(GOMP_SPINCOUNT="50000") == "None 50000"

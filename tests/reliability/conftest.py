"""Reliability suite fixtures; CI size by default, ``GKA_RELIABILITY_LONG=1`` runs long variants.

Every loop in this suite is bounded in count and in time; helpers live in rhelpers.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from rhelpers import LONG


def pytest_configure(config):
    config.addinivalue_line("markers", "long: long reliability variant (runs only with GKA_RELIABILITY_LONG=1)")


def pytest_collection_modifyitems(config, items):
    if LONG:
        return
    skip = pytest.mark.skip(reason="long variant: set GKA_RELIABILITY_LONG=1")
    for item in items:
        if item.get_closest_marker("long") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory, request) -> Path:
    return tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])

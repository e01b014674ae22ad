"""Contract tests against a live Elasticsearch cluster (opt-in: set GKA_ES_URL)."""
from __future__ import annotations


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "elasticsearch: needs a live Elasticsearch cluster at GKA_ES_URL (skipped otherwise)"
    )

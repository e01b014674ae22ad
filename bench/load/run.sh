#!/bin/sh
# Load test (see run.py): sample index + waitress on 127.0.0.1, wrk 20 connections x 60 s,
# then the same while the index is rebuilt. Embedder: $GKA_EMBEDDER (default fake).
# Needs wrk: apt-get install -y wrk
set -eu
cd "$(dirname "$0")/../.."
exec "${PYTHON:-.venv/bin/python}" bench/load/run.py "$@"

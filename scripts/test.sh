#!/usr/bin/env bash
# Install everything the tests need (Python packages in .venv) and run the whole suite.
. "$(dirname "$0")/_venv.sh" requirements-dev.txt
exec .venv/bin/python -m pytest -q "$@"

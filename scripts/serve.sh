#!/usr/bin/env bash
# Install what the site needs into .venv, build the bundled content and serve a live preview.
. "$(dirname "$0")/_venv.sh" requirements.txt
exec .venv/bin/python build.py serve "$@"

# Shared by the set-up scripts: make .venv with the given requirements file.
# Usage: . scripts/_venv.sh requirements.txt
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else echo "Please run as root: $*" >&2; return 1; fi; }
apt_ready=""
apt_install() {
  if [ -z "$apt_ready" ]; then as_root apt-get update -qq; apt_ready=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@"
}
# The interpreter .venv is made from: $PYTHON when set, else the distribution's python3, else
# the first python3 on PATH. The distribution's is built with profile-guided and link-time
# optimisation; one compiled from source without them (pyenv's default) built the national
# benchmark 1.15 times slower (benchmarks/README.md).
python="${PYTHON:-}"
if [ -z "$python" ]; then
  python=python3
  if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python=/usr/bin/python3
  fi
fi
if [ ! -x .venv/bin/python ]; then
  if ! "$python" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    echo "Installing Debian's python3-venv (needed to create .venv)..." >&2
    apt_install python3-venv
    "$python" -m venv .venv
  fi
fi
# Isso's misaka dependency has no wheel: pip compiles it once, with the interpreter's headers.
headers="$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
if ! command -v cc >/dev/null || [ ! -e "$headers/Python.h" ]; then apt_install gcc python3-dev; fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$1"

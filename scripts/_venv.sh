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
if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv 2>/dev/null; then
    rm -rf .venv
    echo "Installing Debian's python3-venv (needed to create .venv)..." >&2
    apt_install python3-venv
    python3 -m venv .venv
  fi
fi
# Isso's misaka dependency has no wheel: pip compiles it once.
command -v cc >/dev/null || apt_install gcc python3-dev
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$1"

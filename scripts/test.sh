#!/usr/bin/env bash
# Install everything the tests need (Python packages in .venv) and run the whole suite.
. "$(dirname "$0")/_venv.sh" requirements-dev.txt
# Comment tests: Debian's Chromium for Playwright, nginx to check the production example (nginx -t), openssl for its test certificate.
command -v chromium >/dev/null || apt_install chromium
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  # Only its binary is needed: keep Debian from starting an nginx service on port 80.
  if [ -e /usr/sbin/policy-rc.d ]; then apt_install nginx; else
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null && as_root chmod 755 /usr/sbin/policy-rc.d
    if apt_install nginx; then as_root rm -f /usr/sbin/policy-rc.d; else as_root rm -f /usr/sbin/policy-rc.d; exit 1; fi
  fi
fi
command -v openssl >/dev/null || apt_install openssl
# The national benchmark script is tested on one tiny province beside Debian's Hugo.
command -v hugo >/dev/null || apt_install hugo
# Reproducibility test: builds under a fake clock (libfaketime).
command -v faketime >/dev/null || apt_install faketime
# Quality gates (docs/quality.md): Java runs the Nu HTML Checker; npm installs it, axe-core and
# Lighthouse from package-lock.json, again only when the lock file changed.
command -v java >/dev/null || apt_install default-jre-headless
command -v npm >/dev/null || apt_install npm
if ! cmp -s package-lock.json node_modules/.installed-lock.json; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.installed-lock.json
fi
exec .venv/bin/python -m pytest -q "$@"

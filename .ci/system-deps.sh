#!/usr/bin/env bash
# Debian packages the full test suite uses: headless Chromium (explorer tests) and
# Virtuoso (remote-store tests). Tests that need them skip, saying so, when absent.
set -uo pipefail
pkgs=(chromium virtuoso-opensource)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: not root; install ${missing[*]} yourself for the browser and Virtuoso tests" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# never let a package start its service (Virtuoso would listen on its default ports);
# the tests start their own instances on loopback
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || echo "system-deps: could not install ${missing[*]}; those tests will skip" >&2
exit 0

#!/usr/bin/env bash
# Installs the Debian packages cdcare needs beyond pip, if any is missing.
#   postgresql          server binaries for the PostgreSQL store tests (and pg_dump/pg_restore)
#   libgl1 libglib2.0-0 system libraries of OpenCV (pulled in by mediapipe)
#   chromium            the browser of the Playwright end-to-end tests (never downloaded by Playwright)
#   fonts-nanum         Korean fonts for PDF reports, plots and screenshots
#   openssl             self-signed certificates for the STARTTLS reminder tests
#   npm (if missing)    installs axe-core (tests/e2e/package-lock.json) for the accessibility tests
# Usage: scripts/system-deps.sh [extra packages...]. Runs apt-get only when something is
# missing; needs root (or sudo) then.
set -euo pipefail
packages=(postgresql postgresql-client libgl1 libglib2.0-0 chromium fonts-nanum openssl "$@")
# npm (Debian package, or already there with a nodejs build that bundles it)
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "system-deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "system-deps: run as root: apt-get install ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# The system programs the build and the tests need, beside the Python and npm packages that
# `make` installs itself: Chromium (browser tests, chart drawings), its headless shell (the PDFs),
# Node.js with npm (the plotly bundles, the Moodle-format reader) and gettext (msgfmt --check).
# What is missing is installed with apt-get when this runs as root on Debian or Ubuntu; otherwise
# it stops at once and prints the exact command to run. PPP_CHROMIUM (ppp_atlas/chromium.py)
# names another browser and skips the Chromium packages.
#   tools/system-packages.sh book   what `make book` needs (Node.js, npm; without a browser it builds
#                                   the site without PDFs and says so)
#   tools/system-packages.sh test   what `make test` needs (everything above)
set -euo pipefail
purpose="${1:-test}"
missing=()
if [[ "$purpose" == test && -z "${PPP_CHROMIUM:-}" ]]; then
  command -v chromium > /dev/null || missing+=(chromium)
  command -v chromium-headless-shell > /dev/null || missing+=(chromium-headless-shell)
fi
# NodeSource's nodejs carries npm, and Debian's npm conflicts with it: ask for npm only when absent
command -v node > /dev/null || missing+=(nodejs)
command -v npm > /dev/null || missing+=(npm)
[[ "$purpose" == test ]] && { command -v msgfmt > /dev/null || missing+=(gettext); }
((${#missing[@]})) || exit 0
command="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ "$(id -u)" == 0 ]] && command -v apt-get > /dev/null; then
  echo "Installing the system packages the book needs: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  $command -qq > /dev/null
else
  echo "Missing system packages: ${missing[*]}. Install them, then run make again:" >&2
  echo "    sudo apt-get update && sudo $command" >&2
  exit 1
fi

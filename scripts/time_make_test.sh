#!/usr/bin/env bash
# Time `make test` on a fresh clone, part by part, with warm or cold package caches.
#
#   scripts/time_make_test.sh [warm|cold]
#
# cold: empty uv and npm caches (every package is downloaded again) and the browser
# reinstalled; warm: the caches this machine already has. The clone is made from this
# checkout's HEAD into a temporary folder and removed afterwards. Prints one line per part,
# then the same Python packages installed by plain pip into a second venv (the baseline the
# uv set-up is compared with; not part of the total).
set -euo pipefail
mode=${1:-warm}
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$repo" "$work/clone"
cd "$work/clone"
if [ "$mode" = cold ]; then
  export UV_CACHE_DIR="$work/uv-cache" npm_config_cache="$work/npm-cache"
  export PIP_NO_CACHE_DIR=1
fi

part() {  # part NAME COMMAND...: run it, print its wall time
  local name=$1; shift
  local start=$(date +%s%N)
  "$@" > "$work/$name.log" 2>&1 || { cat "$work/$name.log"; echo "$name failed" >&2; exit 1; }
  local ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf '%-28s %4d.%d s\n' "$name" $((ms / 1000)) $((ms % 1000 / 100))
}

total_start=$(date +%s%N)
part "python packages (uv)" make .venv/.installed
part "CDK CLI (npm)" make node_modules/.installed
if [ "$mode" = cold ] && [ "$(id -u)" = 0 ]; then
  part "browser (apt chromium)" apt-get install -y -qq --reinstall chromium
else
  part "browser (apt chromium)" make browser
fi
part "lint + mypy" make lint
part "pytest" make pytest
part "synth + layer + cdk-nag" make synth
part "security tools (uv)" make security-tools
part "cfn-lint + checkov" make scan
ms=$(( ($(date +%s%N) - total_start) / 1000000 ))
printf '%-28s %4d.%d s (%s caches)\n' "total" $((ms / 1000)) $((ms % 1000 / 100)) "$mode"
# The same interpreter as the Makefile's venv (its PYTHON), so only the installer differs.
python=$(make --no-print-directory -s interpreter)
part "baseline: same packages (pip)" sh -c \
  "$python -m venv .venv-pip && .venv-pip/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'"

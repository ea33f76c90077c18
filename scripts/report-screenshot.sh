#!/usr/bin/env bash
# Renders a commute report.html in headless Chromium (Debian's `chromium` package) and saves a
# PNG screenshot, to look at what planners see.
#   scripts/report-screenshot.sh out/jjj-2024-vs-line22/report.html /tmp/report.png [height]
set -euo pipefail
report="$1"
png="$2"
height="${3:-5200}"
command -v chromium >/dev/null || { echo "needs chromium (apt-get install chromium)" >&2; exit 2; }
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size="1200,${height}" --screenshot="$png" "file://$(realpath "$report")" 2>/dev/null
echo "wrote $png"

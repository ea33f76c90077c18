#!/usr/bin/env bash
# Prints a SHA-256 per output file of every shipped scenario (deterministic and --draws 20) and
# of comparisons (three of run folders, one of scenario files), so that a refactoring can be checked to keep every output byte-identical:
#   scripts/output-fingerprints.sh target/release/commute > before.txt   # on the old commit
#   scripts/output-fingerprints.sh target/release/commute > after.txt    # on the new one
#   diff before.txt after.txt
# summary.json's `run` section (threads, wall time) is the only part that varies between runs
# and is left out; report.html shows the same figures and is hashed without them.
set -euo pipefail
bin="$(realpath "$1")"
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
normalise() {
  # Comparisons record their input folders' paths: the temporary folder is replaced by WORK.
  case "$1" in
    */summary.json) python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("run",None); print(json.dumps(d,sort_keys=True))' "$1" ;;
    *.html) sed -E 's/[0-9.]+ s(econds)?\b//g; s/[0-9]+ threads?//g' "$1" ;;
    *) cat "$1" ;;
  esac | sed "s#$work#WORK#g"
}
hash_dir() {
  for f in $(cd "$1" && ls); do
    printf '%s  %s/%s\n' "$(normalise "$1/$f" | sha256sum | cut -c1-16)" "$2" "$f"
  done
}
for s in scenarios/*.toml; do
  name="$(basename "$s" .toml)"
  "$bin" run "$s" --out "$work/$name" --quiet 2>/dev/null
  hash_dir "$work/$name" "$name"
  "$bin" run "$s" --draws 20 --out "$work/$name-mc" --quiet 2>/dev/null
  hash_dir "$work/$name-mc" "$name-mc"
done
for pair in "demo-base demo-line22" "jjj-2024 line22" "jjj-2024 jing-xiong-closure"; do
  set -- $pair
  "$bin" compare "$work/$1-mc" "$work/$2-mc" --out "$work/$1-vs-$2" --quiet >/dev/null 2>&1
  hash_dir "$work/$1-vs-$2" "$1-vs-$2"
done
# Two scenario files, run in memory by `compare` itself (the other path into a comparison).
"$bin" compare scenarios/demo-base.toml scenarios/demo-line22.toml --draws 20 --out "$work/scenarios" --quiet >/dev/null 2>&1
hash_dir "$work/scenarios" "scenario-files"

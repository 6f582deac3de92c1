#!/usr/bin/env bash
# Instructions per reply of the RESP decoder, per kind of reply, counted by callgrind (repeatable on a busy machine):
#   bench/src/decoder-callgrind.sh [<checkout>] [kind...]
# Compiles bench/src/decoder-callgrind.ts with the client sources of <checkout> (default: this one) to plain
# JavaScript (no loader thread), then for each kind runs it under callgrind, in V8's predictable mode (no background
# threads), with LOW and HIGH rounds and prints (instructions(HIGH) - instructions(LOW)) / (replies(HIGH) - replies(LOW)).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
checkout=$(cd "${1:-$here}" && pwd)
shift || true
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(ok bulk3 bulk3-buffer int bulk100 mget10 bulk65536 map3 push)
LOW=${LOW:-20}
HIGH=${HIGH:-120}
declare -A per_round=([ok]=20000 [bulk3]=20000 [bulk3-buffer]=20000 [int]=20000 [bulk100]=5000 [mget10]=2000
  [bulk65536]=20 [map3]=2000 [push]=2000)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/src"
mkdir -p "$out/src/libs/client" && cp -r "$checkout/libs/client/src" "$out/src/libs/client/src"
mkdir -p "$out/src/bench/src"
cp "$here/bench/src/decoder-callgrind.ts" "$out/src/bench/src/"
"$here/node_modules/.bin/esbuild" --log-level=warning --format=esm --platform=node --target=node20 \
  --outbase="$out/src" --outdir="$out/js" "$out/src/bench/src/decoder-callgrind.ts" \
  $(find "$out/src/libs/client/src" -name '*.ts')
echo '{"type":"module"}' >"$out/js/package.json"
count() { # kind rounds -> total instructions
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    node --predictable "$out/js/bench/src/decoder-callgrind.js" "$1" "$2" 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for kind in "${kinds[@]}"; do
  low=$(count "$kind" "$LOW")
  high=$(count "$kind" "$HIGH")
  replies=$(((HIGH - LOW) * per_round[$kind]))
  echo "$kind $(awk -v a="$low" -v b="$high" -v n="$replies" 'BEGIN { printf "%.1f", (b - a) / n }') instructions/reply"
done

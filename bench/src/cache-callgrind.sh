#!/usr/bin/env bash
# Instructions per read of the client-side cache's own work (hit, worst-case miss, cold miss), counted by callgrind
# (repeatable on a busy machine):
#   bench/src/cache-callgrind.sh [<checkout>] [kind...]
# Compiles bench/src/cache-callgrind.ts with the client sources of <checkout> (default: this one) to plain
# JavaScript, then for each kind runs it under callgrind in V8's predictable mode (no background threads) with LOW
# and HIGH rounds of 100 reads, and prints (instructions(HIGH) - instructions(LOW)) / (100 * (HIGH - LOW)).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
checkout=$(cd "${1:-$here}" && pwd)
shift || true
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(miss-evict miss-cold hit)
LOW=${LOW:-200}
HIGH=${HIGH:-1200}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/src/libs/client" "$out/src/bench/src"
cp -r "$checkout/libs/client/src" "$out/src/libs/client/src"
cp "$here/bench/src/cache-callgrind.ts" "$out/src/bench/src/"
"$here/node_modules/.bin/esbuild" --log-level=warning --format=esm --platform=node --target=node20 \
  --outbase="$out/src" --outdir="$out/js" "$out/src/bench/src/cache-callgrind.ts" \
  $(find "$out/src/libs/client/src" -name '*.ts')
echo '{"type":"module"}' >"$out/js/package.json"
count() { # kind rounds -> total instructions
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    node --predictable "$out/js/bench/src/cache-callgrind.js" "$1" "$2" "$HIGH" 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for kind in "${kinds[@]}"; do
  low=$(count "$kind" "$LOW")
  high=$(count "$kind" "$HIGH")
  echo "$kind $(awk -v a="$low" -v b="$high" -v n="$(((HIGH - LOW) * 100))" 'BEGIN { printf "%.0f", (b - a) / n }') instructions/read"
done

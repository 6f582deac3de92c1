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
source "$here/bench/src/callgrind-slope.sh"
callgrind_compile "$checkout" decoder-callgrind
for kind in "${kinds[@]}"; do
  echo "$kind $(callgrind_per_unit "$LOW" "$HIGH" $(((HIGH - LOW) * per_round[$kind])) 1 "$kind") instructions/reply"
done

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
source "$here/bench/src/callgrind-slope.sh"
callgrind_compile "$checkout" cache-callgrind
for kind in "${kinds[@]}"; do
  # The third argument sizes the key space the same for both runs: HIGH rounds' worth.
  echo "$kind $(callgrind_per_unit "$LOW" "$HIGH" $(((HIGH - LOW) * 100)) 0 "$kind" "$HIGH") instructions/read"
done

#!/usr/bin/env bash
# Instructions per push of a connection's push routing (subscription-replies.ts), counted by callgrind (repeatable on
# a busy machine): bench/src/push-callgrind.sh [<checkout>] [kind...] (kinds: message idle answer; see
# push-callgrind.ts). The slope between LOW and HIGH rounds of 2,000 pushes, as decoder-callgrind.sh does.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
checkout=$(cd "${1:-$here}" && pwd)
shift || true
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(message idle answer)
LOW=${LOW:-20}
HIGH=${HIGH:-120}
source "$here/bench/src/callgrind-slope.sh"
callgrind_compile "$checkout" push-callgrind
for kind in "${kinds[@]}"; do
  echo "$kind $(callgrind_per_unit "$LOW" "$HIGH" $(((HIGH - LOW) * 2000)) 1 "$kind") instructions/push"
done

#!/usr/bin/env bash
# Client CPU per MB of GET replies for the decoder's in-place threshold (IN_PLACE_MIN) at 16 KiB (this branch),
# 64 KiB, and never (Infinity: the rest of a bulk always read into the shared buffer and copied), plus a base
# checkout's client: bench/src/scale/in-place-threshold.sh [<base checkout>]
set -euo pipefail
here=$(cd "$(dirname "$0")/../../.." && pwd)
out=$(mktemp -d "$here/bench/.in-place-XXXX")
trap 'rm -rf "$out"' EXIT
args=("16k=$here/libs/client/src")
for variant in "64k=64 * 1024" "never=Number.POSITIVE_INFINITY"; do
  label=${variant%%=*}
  cp -r "$here/libs/client/src" "$out/$label"
  sed -i "s/^const IN_PLACE_MIN = .*;/const IN_PLACE_MIN = ${variant#*=};/" "$out/$label/resp/decoder.ts"
  grep -qF "IN_PLACE_MIN = ${variant#*=};" "$out/$label/resp/decoder.ts"
  args+=("$label=$out/$label")
done
[ $# -gt 0 ] && args+=("base=$(cd "$1" && pwd)/libs/client/src")
cd "$here" && node --conditions=@keyslot/source --import tsx bench/src/scale/in-place-threshold.ts "${args[@]}"

# Shared by the *-callgrind.sh scripts (sourced, not run): compile a bench entry with a checkout's client sources to
# plain JavaScript, and count its instructions per unit of work under callgrind as the slope between two run sizes
# (start-up, compilation and warm-up cancel out; the counts are repeatable on a busy machine).

# callgrind_compile <checkout> <entry>: compiles bench/src/<entry>.ts of this checkout with <checkout>'s
# libs/client/src to plain JavaScript (no loader thread under valgrind); sets callgrind_js to the compiled entry.
callgrind_compile() {
  local here checkout=$1 entry=$2
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  callgrind_out=$(mktemp -d)
  trap 'rm -rf "$callgrind_out"' EXIT
  mkdir -p "$callgrind_out/src/libs/client" "$callgrind_out/src/bench/src"
  cp -r "$checkout/libs/client/src" "$callgrind_out/src/libs/client/src"
  cp "$here/bench/src/$entry.ts" "$callgrind_out/src/bench/src/"
  "$here/node_modules/.bin/esbuild" --log-level=warning --format=esm --platform=node --target=node20 \
    --outbase="$callgrind_out/src" --outdir="$callgrind_out/js" "$callgrind_out/src/bench/src/$entry.ts" \
    $(find "$callgrind_out/src/libs/client/src" -name '*.ts')
  echo '{"type":"module"}' >"$callgrind_out/js/package.json"
  callgrind_js=$callgrind_out/js/bench/src/$entry.js
}

# callgrind_count <arg...>: total instructions of the compiled entry run with <arg...>, in V8's predictable mode (no
# background threads).
callgrind_count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null node --predictable "$callgrind_js" "$@" 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

# callgrind_per_unit <low> <high> <units> <decimals> <kind> [extra...]: runs `<kind> <low> [extra...]` and
# `<kind> <high> [extra...]`, prints (instructions(high) - instructions(low)) / <units> with <decimals> decimals.
callgrind_per_unit() {
  local low=$1 high=$2 units=$3 decimals=$4 kind=$5
  shift 5
  local a b
  a=$(callgrind_count "$kind" "$low" "$@")
  b=$(callgrind_count "$kind" "$high" "$@")
  awk -v a="$a" -v b="$b" -v n="$units" -v d="$decimals" 'BEGIN { printf "%." d "f", (b - a) / n }'
}

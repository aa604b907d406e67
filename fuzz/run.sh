#!/bin/bash
# Runs each libFuzzer target for SECONDS seconds on a copy of its seed
# corpus in fuzz/corpus/NAME, and fails if any target finds a crash, a leak,
# undefined behaviour or an input slower than 25 s. Prints each target's
# final coverage line (cov: edges, ft: features).
#
# Usage: fuzz/run.sh SECONDS [BUILD_DIR]
#
# BUILD_DIR (default: _build/fuzz in the source tree) is configured with
# CC=clang if it has no Makefile yet; `make fuzz` builds the targets there.
# Crash inputs are kept in BUILD_DIR/fuzz/artifacts.
set -euo pipefail

usage() {
	echo "usage: $0 SECONDS [BUILD_DIR]" >&2
	exit 2
}

[ $# -ge 1 ] && [ $# -le 2 ] || usage
case $1 in
'' | *[!0-9]*) usage ;;
esac
seconds=$1
top=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-$top/_build/fuzz}
targets="blob config cert"

mkdir -p "$build"
build=$(cd "$build" && pwd)
if [ ! -f "$build/Makefile" ]; then
	echo "fuzz: configuring $build with CC=clang"
	(cd "$build" && "$top/configure" -q CC=clang)
fi
make -C "$build" -s -j"$(nproc)" fuzz

work=$(mktemp -d "${TMPDIR:-/tmp}/edgesupport-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
artifacts=$build/fuzz/artifacts
mkdir -p "$artifacts"
export UBSAN_OPTIONS=print_stacktrace=1

status=0
for name in $targets; do
	cp -r "$top/fuzz/corpus/$name" "$work/$name"
	log=$build/fuzz/fuzz-$name.log
	echo "fuzz-$name: running for $seconds s (log: $log)"

	rc=0
	"$build/fuzz/fuzz-$name" -max_total_time="$seconds" -timeout=25 \
	    -print_final_stats=1 -artifact_prefix="$artifacts/$name-" \
	    "$work/$name" >"$log" 2>&1 || rc=$?

	if [ "$rc" -ne 0 ]; then
		echo "FAIL: fuzz-$name exited with status $rc; end of its log:"
		tail -n 60 "$log"
		echo "crash inputs: $(ls "$artifacts" | grep "^$name-" || true)"
		status=1
		continue
	fi

	final=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
	echo "fuzz-$name: ok, $seconds s clean: $final"
done

exit "$status"

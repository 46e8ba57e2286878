#!/usr/bin/env bash
# run-fuzz.sh - build the libFuzzer targets of the SMTP core and run each one in turn.
#
#   protocol/tests/run-fuzz.sh [SECONDS | -runs=N] [TARGET...]
#
#   SECONDS   time per target (default 20); -runs=N runs N inputs per target instead
#   TARGET    fuzz_reply fuzz_ehlo fuzz_data fuzz_mime fuzz_scram (default: all of them)
#
# The targets run one after the other (one core each), starting from the seeds in
# protocol/tests/corpus/<target>/; new corpus entries go to a scratch directory, never into the repo.
# One line per target is printed: "<target>: <execs> execs in <s> s (<execs/s>/s), ok" or "FAILED".
# Exits non-zero when a target fails to build or any finding (crash, sanitizer report, broken property,
# leak, timeout) is made; the input is then kept under FUZZ_ARTIFACTS (or the scratch directory) and its
# base64 printed. Reproduce with: <build dir>/<target> <crash file>
#
# Environment: CC (default clang), FUZZ_WORK (scratch directory, default a new temporary one, removed
# afterwards unless something was found), FUZZ_ARTIFACTS (where crash files go), FUZZ_JOBS (parallel
# compiles, default 2), FUZZ_REQUIRE=1 (a missing clang/libFuzzer is an error rather than a skip),
# FUZZ_FLAGS (extra libFuzzer flags), ASAN_OPTIONS (default quarantine_size_mb=32).
#
# Build: the core (protocol/*.c) with -fsanitize=fuzzer-no-link,address,undefined so libFuzzer sees its
# coverage; each harness with -fsanitize=address,undefined only, so the checking code in the harness does
# not count as coverage or slow the fuzzer down; linked with -fsanitize=fuzzer,address,undefined.
# Undefined behaviour aborts (-fno-sanitize-recover=all), so it is a finding too.
set -u

here=$(cd "$(dirname "$0")" && pwd)
proto=$(cd "$here/.." && pwd)
all_targets="fuzz_reply fuzz_ehlo fuzz_data fuzz_mime fuzz_scram"

seconds=20
runs=
targets=
for arg in "$@"; do
	case "$arg" in
	-runs=*) runs=${arg#-runs=} ;;
	-h|--help) sed -n '2,24p' "$0"; exit 0 ;;
	*[!0-9]*) targets="$targets $arg" ;;
	*) seconds=$arg ;;
	esac
done
targets=${targets:-$all_targets}

CC=${CC:-clang}
skip() {
	if [ "${FUZZ_REQUIRE:-0}" = 1 ]; then
		echo "run-fuzz: $1" >&2
		exit 2
	fi
	echo "skip: $1"
	exit 0
}
command -v "$CC" >/dev/null 2>&1 || skip "$CC not found (libFuzzer needs clang)"

created_work=0
if [ -n "${FUZZ_WORK:-}" ]; then
	work=$FUZZ_WORK
	mkdir -p "$work"
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/smtp-fuzz.XXXXXX")
	created_work=1
fi
artifacts=${FUZZ_ARTIFACTS:-$work/artifacts}
mkdir -p "$work/obj" "$work/bin" "$artifacts"

# libFuzzer present?
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
	>"$work/probe.c"
"$CC" -fsanitize=fuzzer,address,undefined "$work/probe.c" -o "$work/probe" >/dev/null 2>&1 \
	|| skip "$CC cannot link -fsanitize=fuzzer,address,undefined (libFuzzer/compiler-rt missing)"

# ASan's quarantine of freed memory (256 MB by default) makes every allocation touch fresh pages; the
# targets allocate per input, so a smaller one runs them about 25% faster and still catches use after free.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=32}

common=(-g -O1 -std=c99 -Wall -Wextra -fno-sanitize-recover=all -I"$proto")

# the core, once for all targets
jobs=${FUZZ_JOBS:-2}
build_failed=0
pids=()
for src in "$proto"/*.c; do
	obj="$work/obj/core_$(basename "$src" .c).o"
	"$CC" "${common[@]}" -fsanitize=fuzzer-no-link,address,undefined -c "$src" -o "$obj" \
		2>"$obj.log" &
	pids+=($!)
	if [ ${#pids[@]} -ge "$jobs" ]; then
		wait "${pids[0]}" || build_failed=1
		pids=("${pids[@]:1}")
	fi
done
for pid in "${pids[@]}"; do
	wait "$pid" || build_failed=1
done
if [ $build_failed != 0 ]; then
	cat "$work"/obj/*.log >&2
	echo "run-fuzz: the core does not build" >&2
	exit 1
fi

status=0
for t in $targets; do
	if [ ! -f "$here/$t.c" ]; then
		echo "$t: FAILED (no $here/$t.c)"
		status=1
		continue
	fi
	if ! "$CC" "${common[@]}" -fsanitize=address,undefined -c "$here/$t.c" -o "$work/obj/$t.o" \
		|| ! "$CC" -g -fsanitize=fuzzer,address,undefined "$work/obj/$t.o" "$work"/obj/core_*.o \
			-o "$work/bin/$t"; then
		echo "$t: FAILED to build"
		status=1
		continue
	fi
	mkdir -p "$work/corpus/$t"
	seeds=()
	[ -d "$here/corpus/$t" ] && seeds=("$here/corpus/$t")
	if [ -n "$runs" ]; then
		limit=(-runs="$runs")
	else
		limit=(-max_total_time="$seconds")
	fi
	log="$work/$t.log"
	start=$(date +%s)
	# shellcheck disable=SC2086
	"$work/bin/$t" "${limit[@]}" -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$artifacts/$t-" ${FUZZ_FLAGS:-} "$work/corpus/$t" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ -z "$execs" ]; then
		# no final stats (crash): the last status line says how far it got
		execs=$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')
	fi
	execs=${execs:-0}
	rate=$(( execs / (secs > 0 ? secs : 1) ))
	if [ $rc = 0 ] && ! grep -q -e '^==[0-9]*==ERROR' -e 'runtime error:' "$log"; then
		echo "$t: $execs execs in $secs s ($rate/s), ok"
		targets_passed=$((${targets_passed:-0} + 1))
	else
		status=1
		targets_failed=$((${targets_failed:-0} + 1))
		echo "$t: $execs execs in $secs s, FAILED (exit $rc); log follows" >&2
		grep -v -e '^#[0-9]' -e '^INFO:' -e '^	NEW_FUNC' "$log" | tail -n 60 >&2
		for f in "$artifacts/$t-"*; do
			[ -f "$f" ] || continue
			if [ "$(wc -c <"$f")" -le 8192 ]; then
				echo "$t: $(basename "$f") base64: $(base64 <"$f" | tr -d '\n')" >&2
			fi
		done
		echo "$t: $execs execs in $secs s, FAILED; input in $artifacts, reproduce: $work/bin/$t <file>"
	fi
done

echo "fuzz: ${targets_passed:-0} passed, ${targets_failed:-0} failed"

if [ $status = 0 ] && [ $created_work = 1 ] && [ -z "${FUZZ_ARTIFACTS:-}" ]; then
	rm -rf "$work"
fi
exit $status

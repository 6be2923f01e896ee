#!/usr/bin/env bash
# Frost against libtorch 2.10 (the torch-peer yardstick in ../shared/yardsticks/torch-peer), OpenBLAS and ONNX Runtime
# in one sitting. Each round runs, per section, Frost.Bench's suite and torch-peer's matching section one after the
# other (the order alternates from round to round, so drift hits both); then `Frost.Bench compare` prints and writes
# the table of median per-round ratios. torch-peer is measurement only: it is copied and built outside the repository.
#
#   bench/compare.sh [--sections gemm,conv,resnet,transformer] [--rounds 3] [--reps 7] [--yardstick DIR]
#                    [--out DIR] [--max-wait SECONDS] [--retries N] [--keep-yardstick] [--no-build]
#
# --yardstick DIR (or FROST_YARDSTICK=DIR): a copy of torch-peer to use (built there first if it has no build);
# without it the shared folder is copied into a temporary folder and built (NuGet must be reachable; the copy is
# removed at the end unless --keep-yardstick). Raw outputs and compare.md go to --out (default
# bench/results/compare-<UTC time>/). --max-wait caps torch-peer's waiting for a quiet machine per run (default 60 s);
# --retries is how often torch-peer re-measures a block run under background load (default 3; 0 on a busy machine).
# --no-build uses Frost.Bench as last built (Release) instead of building it first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
source "$root/bench/yardstick.sh"

die() { echo "compare.sh: $*" >&2; exit 2; }
sections="gemm,conv,resnet,transformer"
rounds=3
reps=7
yard="${FROST_YARDSTICK:-}"
out=""
max_wait=60
retries=3
keep=0
build=1
while (($#)); do
  case "$1" in
    --sections | --rounds | --reps | --yardstick | --out | --max-wait | --retries)
      (($# >= 2)) || die "$1 needs a value"
      case "$1" in
        --sections) sections="$2" ;;
        --rounds) rounds="$2" ;;
        --reps) reps="$2" ;;
        --yardstick) yard="$2" ;;
        --out) out="$2" ;;
        --max-wait) max_wait="$2" ;;
        --retries) retries="$2" ;;
      esac
      shift 2 ;;
    --keep-yardstick) keep=1; shift ;;
    --no-build) build=0; shift ;;
    -h | --help) sed -n '2,/^set /{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

positive() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 expects a positive whole number, got '$2'"; }
positive --rounds "$rounds"
positive --reps "$reps"
[[ "$max_wait" =~ ^[0-9]+$ ]] || die "--max-wait expects seconds (a whole number), got '$max_wait'"
[[ "$retries" =~ ^[0-9]+$ ]] || die "--retries expects a whole number, got '$retries'"
declare -A torch_section=([gemm]=sgemm [conv]=conv [resnet]=resnet [transformer]=transformer)
IFS=, read -ra list <<< "$sections"
((${#list[@]})) || die "--sections is empty; expected some of gemm,conv,resnet,transformer"
for s in "${list[@]}"; do
  [[ -n "${torch_section[$s]:-}" ]] || die "--sections: unknown section '$s'; expected some of gemm,conv,resnet,transformer"
done
command -v dotnet >/dev/null || die "the .NET SDK (10.0) is required: dotnet is not on PATH"

out="${out:-bench/results/compare-$(date -u +%Y%m%dT%H%M%SZ)}"
# The table reads every round-*/ file in --out: another run's files there would be counted as this one's.
compgen -G "$out/round-*" >/dev/null && die "--out $out already holds a run's rounds (round-*/); pass a new folder"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

frost="$(build_frost_bench "$build" "$out")"

if [[ -z "$yard" ]]; then
  tmp="$(mktemp -d)"
  ((keep)) || trap 'rm -rf "$tmp"' EXIT
  yard="$(copy_yardstick "$tmp")"
fi
yard="$(cd "$yard" && pwd)"
torch="$(build_yardstick "$yard" "$out")"
((keep)) && echo "torch-peer copy kept: reuse it with --yardstick $yard"

{
  echo "sections=$sections rounds=$rounds reps=$reps max_wait=$max_wait retries=$retries yardstick=$yard"
  echo "frost commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (uncommitted changes)')"
  lscpu 2>/dev/null | grep -E 'Model name|^CPU\(s\)|Flags' | sed 's/\(Flags:\).*\(avx512f\).*/\1 ... \2 .../'
  uptime
} >"$out/machine.txt"

echo "== peak (Frost.Bench peak)"
dotnet "$frost" peak --json "$out/peak.json" >"$out/peak.log" 2>&1 || echo "warning: Frost.Bench peak failed (see $out/peak.log)" >&2
sed -n '1,3p' "$out/peak.log"

# Both sides with 2 threads: torch-peer fixes torch.set_num_threads(2).
run_frost() { dotnet "$frost" "$1" --json "$2/frost-$1.json" --reps "$reps" --threads 2 >"$2/frost-$1.log" 2>&1; }
run_torch() {
  dotnet "$torch" --only "${torch_section[$1]}" --reps "$reps" --out "$2/torch-$1.md" --max-wait "$max_wait" --retries "$retries" --budget 900 \
    >"$2/torch-$1.log" 2>&1
}
timed() { # NAME SECTION FOLDER: runs one side, appends its seconds to timings.tsv
  local t0=$SECONDS rc=0
  "run_$1" "$2" "$3" || rc=$?
  printf '%s\t%s\t%s\t%s\t%s\n' "$(basename "$3")" "$2" "$1" "$((SECONDS - t0))" "$rc" >>"$out/timings.tsv"
  if ((rc)); then echo "   warning: $1 $2 failed (exit $rc, see $3/$1-$2.log)" >&2; else echo "   $1 $2: $((SECONDS - t0)) s"; fi
}

printf 'round\tsection\tside\tseconds\texit\n' >"$out/timings.tsv"
for ((r = 1; r <= rounds; r++)); do
  d="$out/round-$r"
  mkdir -p "$d"
  echo "== round $r/$rounds"
  for s in "${list[@]}"; do
    if ((r % 2)); then timed frost "$s" "$d"; timed torch "$s" "$d"; else timed torch "$s" "$d"; timed frost "$s" "$d"; fi
  done
done

echo
dotnet "$frost" compare "$out"
echo "seconds per run ($out/timings.tsv):"
cat "$out/timings.tsv"

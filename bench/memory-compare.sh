#!/usr/bin/env bash
# Peak memory of a ResNet18 step, Frost against libtorch 2.10, in one sitting: each mode (all trainable,
# stem..stage3 frozen, inference) runs in a fresh process on each side, and the figure is VmHWM during three steps
# minus the resident set once the model and the batch exist. libtorch runs twice: with glibc malloc's defaults, and
# with MALLOC_MMAP_THRESHOLD_=131072 so that freed buffers go back to the system (its real need).
#
#   bench/memory-compare.sh [--yardstick DIR] [--batch 16] [--size 224] [--no-build]
#
# The yardstick (a copy of ../shared/yardsticks/torch-peer, or --yardstick DIR / FROST_YARDSTICK=DIR) gets a small
# probe (bench/torch-peer-memprobe.patch: a --memprobe MODE BATCH SIZE option) and is built; it is measurement only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
source "$root/bench/yardstick.sh"

die() { echo "memory-compare.sh: $*" >&2; exit 2; }
yard="${FROST_YARDSTICK:-}"
batch=16
size=224
build=1
while (($#)); do
  case "$1" in
    --yardstick | --batch | --size)
      (($# >= 2)) || die "$1 needs a value"
      case "$1" in
        --yardstick) yard="$2" ;;
        --batch) batch="$2" ;;
        --size) size="$2" ;;
      esac
      shift 2 ;;
    --no-build) build=0; shift ;;
    -h | --help) sed -n '2,/^set /{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ "$batch" =~ ^[1-9][0-9]*$ ]] || die "--batch expects a positive whole number, got '$batch'"
[[ "$size" =~ ^[1-9][0-9]*$ ]] && ((size >= 32)) || die "--size expects a whole number of at least 32, got '$size'"
command -v dotnet >/dev/null || die "the .NET SDK (10.0) is required: dotnet is not on PATH"
command -v patch >/dev/null || die "the patch tool is required (apt-get install patch)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if [[ -z "$yard" ]]; then
  yard="$(copy_yardstick "$tmp")"
fi
[[ -f "$yard/bench/Program.cs" ]] || die "--yardstick $yard: no bench/Program.cs there (expected a copy of torch-peer)"
yard="$(cd "$yard" && pwd)"
if ! grep -q MemProbe "$yard/bench/Program.cs"; then
  patch -s -d "$yard" -p1 <"$root/bench/torch-peer-memprobe.patch" || die "the probe does not apply to $yard/bench/Program.cs"
  rm -f "$yard/bench/bin/Release/net10.0/linux-x64/TorchPeer.dll"
fi
torch="$(build_yardstick "$yard" "$tmp")"
frost="$(build_frost_bench "$build" "$tmp")"

mib() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1048576 }'; }
torch_mib() { # MODE [ENV...]: libtorch's peak above the model, MiB
  local mode="$1"; shift
  env "$@" dotnet "$torch" --memprobe "$mode" "$batch" "$size" | sed -n 's/.*peak above model \([0-9]*\) MiB.*/\1/p'
}

echo "ResNet18 step, batch $batch at ${size}x${size}, SGD with momentum; peak above the model (MiB), each in a fresh process:"
printf '%-10s %8s %16s %16s %12s\n' mode Frost "libtorch tuned" "libtorch glibc" "Frost/tuned"
for mode in all frozen inference; do
  dotnet "$frost" resnet-memory --mode "$mode" --batch "$batch" --size "$size" --result "$tmp/frost.json" >/dev/null
  f=$(mib "$(sed -n 's/.*"peak_above_model_bytes":\([0-9]*\).*/\1/p' "$tmp/frost.json")")
  t=$(torch_mib "$mode" MALLOC_MMAP_THRESHOLD_=131072)
  g=$(torch_mib "$mode")
  [[ -n "$t" && -n "$g" ]] || die "the libtorch probe printed no figure for '$mode'"
  printf '%-10s %8s %16s %16s %12s\n' "$mode" "$f" "$t" "$g" "$(awk -v a="$f" -v b="$t" 'BEGIN { printf "%.2f", a / b }')"
done

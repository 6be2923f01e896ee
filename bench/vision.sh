#!/usr/bin/env bash
# The image pipeline alone on 10,000 generated 224x224 JPEGs (10 class folders) in a temporary folder that is
# removed afterwards: images/s at 64x64 and 224x224 output with 2 workers, and the peak resident memory
# (VmHWM) of each streaming process, with and without recycled batch memory. Usage: bench/vision.sh [COUNT] [WORKERS]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}
workers=${2:-2}
dir=$(mktemp -d "${TMPDIR:-/tmp}/frost-vision-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT

if ! out=$(dotnet build bench/Frost.Bench -c Release -nologo 2>&1); then
  echo "$out" >&2
  exit 1
fi
bench=(dotnet bench/Frost.Bench/bin/Release/net10.0/Frost.Bench.dll)
"${bench[@]}" vision-images "$dir" --count "$count"
for size in 64 224; do
  for recycle in 0 1; do
    "${bench[@]}" vision "$dir" --size "$size" --workers "$workers" --batch 64 --recycle "$recycle"
  done
done

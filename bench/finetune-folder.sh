#!/usr/bin/env bash
# `frost finetune` on an image folder of COUNT generated 224x224 JPEGs (10 class folders; default 10,000) in a
# temporary folder that is removed afterwards:
#   1. the data pipeline alone at 64x64 (decode, augment, resize on 2 workers; images/s, bench `vision` suite),
#   2. one training epoch at 64x64 with the default freeze (stage4 and head train; augmentation on, so no feature
#      cache): the epoch table's images/s is the training step fed by the same pipeline,
#   3. training at 224x224 (head only, the default batches of 64) on a seeded sample of the folder (--train-count
#      1024, --test-count 256: all images are listed and split, but a full epoch at 224 takes hours on 2 cores), with
#      the peak resident memory of the whole process (GNU time's maximum resident set size), which must stay under
#      1.5 GiB.
# Usage: bench/finetune-folder.sh [COUNT] [STEPS], STEPS a subset of "123" (default all). Steps 2 and 3 take minutes
# on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}
steps=${2:-123}
dir=$(mktemp -d "${TMPDIR:-/tmp}/frost-finetune-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT

for project in bench/Frost.Bench src/Frost.Cli; do
  if ! out=$(dotnet build "$project" -c Release -nologo 2>&1); then
    echo "$out" >&2
    exit 1
  fi
done
bench=(dotnet bench/Frost.Bench/bin/Release/net10.0/Frost.Bench.dll)
# A copy of the tool, so a build during the run cannot replace files under it.
cp -r src/Frost.Cli/bin/Release/net10.0 "$dir/frost"
frost=(dotnet "$dir/frost/Frost.Cli.dll")
echo "machine load before: $(uptime)"
"${bench[@]}" vision-images "$dir/images" --count "$count"

if [[ $steps == *1* ]]; then
echo "== 1. data pipeline alone, 64x64, 2 workers"
"${bench[@]}" vision "$dir/images" --size 64 --workers 2 --batch 64

fi
if [[ $steps == *2* ]]; then
echo "== 2. training at 64x64 (stage4 + head), one epoch"
/usr/bin/time -f "peak resident memory: %M KiB; wall %e s" "${frost[@]}" finetune --data "$dir/images" --size 64 --epochs 1 --out "$dir/run64" 2>&1 \
  | grep -E "Data:|No feature cache|epoch|│ 1 |peak resident|Validation accuracy"

fi
if [[ $steps == *3* ]]; then
echo "== 3. training at 224x224 (head), one epoch, peak memory"
/usr/bin/time -f "peak resident memory: %M KiB; wall %e s" "${frost[@]}" finetune --data "$dir/images" --size 224 --epochs 1 --train 'head/**' \
  --train-count 1024 --test-count 256 --out "$dir/run224" 2>&1 \
  | grep -E "Data:|No feature cache|epoch|│ 1 |peak resident|Validation accuracy"
fi
echo "machine load after: $(uptime)"

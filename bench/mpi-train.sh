#!/usr/bin/env bash
# Data-parallel training steps, one process against two under mpirun, alternated ROUNDS times in one sitting so a
# busy phase of the machine hits both alike: step time, examples/s, bytes all-reduced per step, the time spent
# waiting for the reduction at the end of backward, and a plain MPI_Allreduce of the same bytes. JSON per run in
# OUT (default: a temporary folder). Usage: bench/mpi-train.sh [ROUNDS] [STEPS] [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
steps=${2:-6}
out=${3:-$(mktemp -d "${TMPDIR:-/tmp}/frost-mpi-train.XXXXXX")}
mkdir -p "$out"
if ! command -v mpirun > /dev/null; then
  echo "mpirun not found: install Open MPI (apt-get install openmpi-bin libopenmpi-dev)" >&2
  exit 1
fi

if ! log=$(dotnet build bench/Frost.Bench -c Release -nologo 2>&1); then
  echo "$log" >&2
  exit 1
fi
bench=(dotnet bench/Frost.Bench/bin/Release/net10.0/Frost.Bench.dll)
root=()
if [ "$(id -u)" = 0 ]; then root=(--allow-run-as-root); fi
export TERM=dumb
for r in $(seq 1 "$rounds"); do
  echo "== round $r: one process"
  "${bench[@]}" mpi-train --reps "$steps" --json "$out/one-$r.json"
  echo "== round $r: two processes"
  mpirun "${root[@]}" --oversubscribe -np 2 "${bench[@]}" mpi-train --reps "$steps" --json "$out/two-$r.json"
done
echo "JSON in $out"

# Sourced by compare.sh and memory-compare.sh, which define `root` (the repository) and `die`.
#   copy_yardstick DIR          copies ../shared/yardsticks/torch-peer into DIR and prints the copy's path
#   build_yardstick YARD LOGDIR builds YARD's TorchPeer unless it is built, and prints the path of its dll
#   build_frost_bench BUILD LOGDIR builds Frost.Bench when BUILD is 1, and prints the path of its dll

copy_yardstick() {
  local shared="$root/../shared/yardsticks/torch-peer"
  [[ -d "$shared" ]] || die "no yardstick: $shared does not exist; pass --yardstick DIR (a copy of torch-peer)"
  cp -r "$shared" "$1/" && chmod -R u+w "$1/torch-peer"
  echo "$1/torch-peer"
}

build_yardstick() {
  local yard="$1" log="$2/build-torch.log" torch="$1/bench/bin/Release/net10.0/linux-x64/TorchPeer.dll"
  [[ -f "$yard/bench/TorchPeer.csproj" ]] || die "--yardstick $yard: no bench/TorchPeer.csproj there (expected a copy of torch-peer)"
  if [[ ! -f "$torch" ]]; then
    echo "== build torch-peer in $yard (first time: downloads libtorch, minutes)" >&2
    (cd "$yard" && dotnet build -c Release bench -nologo -v q) >"$log" 2>&1 || { tail -20 "$log" >&2; die "torch-peer did not build (see $log and $yard/README.md)"; }
  fi
  echo "$torch"
}

build_frost_bench() {
  local log="$2/build-frost.log" frost="$root/bench/Frost.Bench/bin/Release/net10.0/Frost.Bench.dll"
  if (($1)); then
    echo "== build Frost.Bench" >&2
    dotnet build "$root/bench/Frost.Bench" -c Release -nologo -v q >"$log" 2>&1 || { tail -20 "$log" >&2; die "Frost.Bench did not build (see $log)"; }
  fi
  [[ -f "$frost" ]] || die "no $frost: build it (dotnet build bench/Frost.Bench -c Release) or drop --no-build"
  echo "$frost"
}

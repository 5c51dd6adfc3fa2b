# Sourced by the bench scripts that time Debian's torch / torchvision (/usr/bin/python3): require_openblas makes sure
# that torch runs on OpenBLAS, not Debian's reference BLAS, which is ~4x slower and would flatter the engine
# (docs/benchmarks.md). Debian's torch is linked against the generic libblas.so.3; the libblas.so.3 alternative decides
# which library that is. When the loaded BLAS is not an optimized one, libopenblas0-pthread is installed (as root with
# apt-get) or the script stops with what to do. MASKLAB_BENCH_BLAS=any measures with whatever BLAS is installed
# (the figures are then labelled with it). Prints the BLAS torch uses (bench/torch_blas.py) on stdout.
require_openblas() {
  local py=/usr/bin/python3 here
  here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
  if ! "$py" -c "import torch" 2>/dev/null; then
    echo "openblas: $py has no torch (apt-get install python3-torchvision)" >&2
    return 1
  fi
  if ! "$py" "$here/torch_blas.py" >/dev/null 2>&1 && [[ "${MASKLAB_BENCH_BLAS:-openblas}" != any ]]; then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
      echo "openblas: torch runs on the reference BLAS; installing libopenblas0-pthread" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q libopenblas0-pthread >&2 || {
        echo "openblas: apt-get install libopenblas0-pthread failed (MASKLAB_BENCH_BLAS=any to measure anyway)" >&2
        return 1; }
    else
      echo "openblas: torch runs on the reference BLAS: as root, apt-get install libopenblas0-pthread" \
        "(or MASKLAB_BENCH_BLAS=any to measure with it)" >&2
      return 1
    fi
  fi
  echo "torch BLAS: $("$py" "$here/torch_blas.py" || true)"
}

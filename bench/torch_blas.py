#!/usr/bin/env python3
"""Which BLAS the running torch uses: the BLAS / LAPACK libraries mapped into this process (after a matrix product),
resolved through Debian's libblas.so.3 alternative, and torch's own build setting (BLAS_INFO). Debian's torch is
built against the generic libblas.so.3, so the library actually used is whatever that alternative points to:
the reference BLAS (slow) or OpenBLAS (`apt-get install libopenblas0-pthread`).

As a module: describe() -> {"blas": [paths], "optimized": bool, "build": "BLAS_INFO=..."}; as a script it prints
that as one JSON line and exits 1 when no optimized BLAS (OpenBLAS, MKL, BLIS) is loaded.
"""
import json
import os
import re
import sys

import torch


def describe():
    a = torch.ones(128, 128)
    (a @ a).sum().item()  # a BLAS sgemm
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1] if "/" in line else ""
            name = os.path.basename(path)
            if re.search(r"blas|lapack|mkl|blis", name, re.I):
                libs.add(os.path.realpath(path))
    build = re.search(r"BLAS_INFO=[^,]*", torch.__config__.show())
    optimized = any(re.search(r"openblas|mkl|blis", p, re.I) for p in libs)
    return {"torch": torch.__version__, "blas": sorted(libs), "optimized": optimized,
            "build": build.group(0) if build else "unknown"}


if __name__ == "__main__":
    d = describe()
    print(json.dumps(d))
    sys.exit(0 if d["optimized"] else 1)

#!/usr/bin/env bash
# Runs every MaskLab test: builds, generates the torchvision parity references (when Debian's
# python3-torchvision is installed) and runs `mvn verify` (JUnit, TestFX headless).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
cd "$ROOT"
source bin/jdk.sh
echo "test.sh: using JDK at $JAVA_HOME"
bash bench/parity-references.sh engine/target/parity
exec mvn -B verify "$@"

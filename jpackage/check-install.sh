#!/usr/bin/env bash
# Installs the .deb that build.sh made into a temporary root (dpkg-deb -x: no system change), then checks it:
# `MaskLab --version` and `masklab --version` print and exit without a window, `masklab info` starts the PyTorch engine
# with no network (unpacking its natives into a fresh per-user cache), `masklab stats` works on the sample dataset, and the GUI starts headless (Xvfb) on the sample dataset for a few seconds with no error in its log.
# Usage: ./jpackage/check-install.sh [PACKAGE.deb]   (default: the newest jpackage/target/*.deb; builds one if none)
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DEB="${1:-$(ls -t "$HERE"/target/*.deb 2>/dev/null | head -n1 || true)}"
if [[ -z "$DEB" ]]; then "$HERE/build.sh"; DEB="$(ls -t "$HERE"/target/*.deb | head -n1)"; fi
command -v xvfb-run >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq xvfb xauth >/dev/null; }
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
dpkg-deb -x "$DEB" "$TMP/root"
PKG="$(dpkg-deb -f "$DEB" Package)"
BIN="$TMP/root/opt/$PKG/bin"
fail() { echo "check-install: FAIL: $*" >&2; exit 1; }
echo "check-install: $DEB ($(du -h "$DEB" | cut -f1)), installed size $(du -sh "$TMP/root" | cut -f1)"
ls "$BIN"
# a fresh per-user cache, so that the first start (DJL unpacking its natives) is what is tested
export HOME="$TMP/home"; mkdir -p "$HOME"
v="$(timeout 60 "$BIN"/MaskLab* --version 2>&1)" || fail "GUI launcher --version exited $?: $v"
[[ "$v" == *MaskLab* ]] || fail "GUI launcher --version printed: $v"
echo "check-install: GUI launcher --version: $v"
v="$(timeout 60 "$BIN/masklab" --version 2>&1)" || fail "masklab --version exited $?: $v"
echo "check-install: masklab --version: $v"
# first start of the engine with no network at all (a network namespace with no interfaces, where unshare works):
# DJL unpacks the bundled PyTorch natives into the fresh per-user cache and runs an operation
NONET=(); unshare -n true 2>/dev/null && NONET=(unshare -n)
timeout 300 "${NONET[@]}" "$BIN/masklab" info > "$TMP/info.txt" 2>&1 || fail "masklab info: $(cat "$TMP/info.txt")"
grep -q "engine check: OK" "$TMP/info.txt" || fail "masklab info: $(cat "$TMP/info.txt")"
echo "check-install: engine first start ${NONET[*]:+without network }OK: $(grep -E '^DJL' "$TMP/info.txt")"
timeout 120 "$BIN/masklab" stats "$ROOT/datasets/sample/annotations.json" > "$TMP/stats.txt" 2>&1 || fail "masklab stats: $(cat "$TMP/stats.txt")"
echo "check-install: masklab stats OK ($(head -n1 "$TMP/stats.txt"))"
set +e
timeout 15 "${NONET[@]}" xvfb-run -a -s "-screen 0 1600x1000x24" "$BIN"/MaskLab* "$ROOT/datasets/sample/annotations.json" > "$TMP/gui.log" 2>&1
rc=$?
set -e
[[ $rc == 124 ]] || fail "the GUI exited by itself (rc $rc) instead of running: $(cat "$TMP/gui.log")"
if grep -E -i "exception|error|severe|unsupported javafx configuration" "$TMP/gui.log"; then
  fail "errors or a JavaFX configuration warning in the GUI log (above)"
fi
echo "check-install: GUI ran 15 s headless on the sample dataset, log clean ($(wc -l < "$TMP/gui.log") lines)"
echo "check-install: PASS"

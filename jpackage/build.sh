#!/usr/bin/env bash
# Builds MaskLab's native packages with jpackage: the Linux app-image and .deb (and .rpm where rpmbuild exists),
# output in jpackage/target/. Usage: ./jpackage/build.sh [--cuda] [--skip-build] [--types "app-image deb rpm"]
#   --cuda        package the CUDA 12.4 natives (pytorch-native-cu124) instead of the CPU ones
#   --skip-build  reuse app/target (mvn package already ran)
# The same configuration builds .msi (Windows, WiX 3+) and .dmg (macOS) when run there with --types msi / dmg;
# see jpackage/README.md.
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
source "$ROOT/bin/jdk.sh"
CUDA=0; BUILD=1; TYPES=""
while (($#)); do
  case "$1" in
    --cuda) CUDA=1 ;;
    --skip-build) BUILD=0 ;;
    --types) TYPES="$2"; shift ;;
    *) echo "build.sh: unknown option $1" >&2; exit 2 ;;
  esac; shift
done
OS="$(uname -s)"
if [[ -z "$TYPES" ]]; then
  case "$OS" in
    Linux) TYPES="app-image deb"; command -v rpmbuild >/dev/null && TYPES="$TYPES rpm" ;;
    Darwin) TYPES="app-image dmg" ;;
    *) TYPES="app-image msi" ;;
  esac
fi
if [[ "$OS" == Linux && " $TYPES " == *" deb "* ]] && ! command -v fakeroot >/dev/null; then
  echo "build.sh: installing fakeroot (needed by jpackage --type deb)" >&2
  apt-get install -y -qq fakeroot >/dev/null || { echo "build.sh: please install fakeroot" >&2; exit 1; }
fi
VERSION="$(sed -n 's:.*<version>\([0-9][0-9.]*\)\(-SNAPSHOT\)\{0,1\}</version>.*:\1:p' "$ROOT/pom.xml" | head -n1)"
OUT="$HERE/target"; ((CUDA)) && OUT="$HERE/target-cuda"
INPUT="$OUT/input"
rm -rf "$OUT"; mkdir -p "$INPUT"
# the CUDA variant builds into its own folders (app/target-cuda), so the CPU build in app/target stays as it is
BUILD_DIR=target; profile=()
((CUDA)) && { BUILD_DIR=target-cuda; profile=(-Pcuda); }
if ((BUILD)); then
  (cd "$ROOT" && mvn -B -q -DskipTests -DmlBuild="$BUILD_DIR" "${profile[@]}" package)
fi
cp "$ROOT/app/$BUILD_DIR/masklab-app.jar" "$INPUT/"
cp "$ROOT"/app/$BUILD_DIR/lib/*.jar "$INPUT/"
# Test-only or build-only jars never ship.
rm -f "$INPUT"/junit-*.jar "$INPUT"/testfx-*.jar "$INPUT"/openjfx-monocle-*.jar
# JavaFX goes into the runtime as modules (jlink below), not on the class path: its platform jars are the modules,
# the others are empty placeholders
FXMODS="$OUT/javafx-modules"; mkdir -p "$FXMODS"
mv "$INPUT"/javafx-*-[0-9]*-{linux,mac,mac-aarch64,win}.jar "$FXMODS"/ 2>/dev/null || true
rm -f "$INPUT"/javafx-*.jar
ls "$FXMODS"/javafx-graphics-*.jar >/dev/null || { echo "build.sh: no JavaFX platform jars in app/$BUILD_DIR/lib" >&2; exit 1; }
NAME=MaskLab; PKG=masklab
((CUDA)) && { NAME=MaskLab-CUDA; PKG=masklab-cuda; }

# A jlinked runtime with only the modules the jars use (jdeps), plus what JavaFX and DJL load reflectively.
FXPATH="$(ls "$FXMODS"/*.jar | tr '\n' ':')"
MODULES="$(jdeps --ignore-missing-deps --print-module-deps --multi-release 25 --module-path "$FXPATH" \
  --class-path "$INPUT/*" "$INPUT/masklab-app.jar" 2>/dev/null || true)"
MODULES="${MODULES:+$MODULES,}java.base,java.desktop,java.logging,java.prefs,java.xml,java.management,java.naming,java.scripting,jdk.unsupported,jdk.zipfs,javafx.controls,javafx.swing"
echo "build.sh: runtime modules: $MODULES" >&2
jlink --module-path "$FXPATH" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress zip-9 \
  --output "$OUT/runtime"

JOPTS=(--java-options "--enable-native-access=ALL-UNNAMED,javafx.graphics" --java-options "-Dai.djl.offline=true"
       --java-options "-Dfile.encoding=UTF-8" --java-options "-Xmx8g")
COMMON=(--name "$NAME" --app-version "$VERSION" --vendor "MaskLab" --copyright "MaskLab developers"
        --description "Instance segmentation: COCO datasets, Mask R-CNN inference, annotation and training")
ICON="$ROOT/ui-resources/src/main/resources/dev/masklab/ui/icons/masklab-256.png"
[[ -f "$ICON" ]] && COMMON+=(--icon "$ICON")

# the command-line launcher, installed next to the GUI one
cat > "$OUT/masklab-cli.properties" <<PROPS
main-class=dev.masklab.cli.Main
launcher-as-service=false
win-console=true
java-options=--enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Dfile.encoding=UTF-8 -Xmx8g
PROPS

jpackage --type app-image "${COMMON[@]}" --input "$INPUT" --main-jar masklab-app.jar --main-class dev.masklab.app.Launcher \
  --runtime-image "$OUT/runtime" "${JOPTS[@]}" --add-launcher "masklab=$OUT/masklab-cli.properties" --dest "$OUT"
for t in $TYPES; do
  [[ "$t" == app-image ]] && continue
  extra=()
  if [[ "$t" == deb || "$t" == rpm ]]; then
    extra=(--linux-package-name "$PKG" --linux-app-category graphics --linux-shortcut --linux-menu-group "Graphics"
           --resource-dir "$HERE/resources/linux" --install-dir /opt)
    [[ "$t" == deb ]] && extra+=(--linux-deb-maintainer "masklab@localhost")
  elif [[ "$t" == msi ]]; then
    extra=(--win-menu --win-shortcut --win-dir-chooser --win-console)
  fi
  jpackage --type "$t" "${COMMON[@]}" --app-image "$OUT/$NAME" "${extra[@]}" --dest "$OUT"
done
echo "build.sh: packages in $OUT:" >&2
du -sh "$OUT/$NAME" "$OUT"/*.deb "$OUT"/*.rpm "$OUT"/*.msi "$OUT"/*.dmg 2>/dev/null || true

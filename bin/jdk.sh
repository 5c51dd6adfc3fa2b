# Sourced by the launchers: selects a JDK >= 25 (JAVA_HOME if it is one, else Temurin 25), exports JAVA_HOME and JAVA.
_ml_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1; }
_ml_pick=""
for _c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /usr/lib/jvm/*; do
  [[ -n "$_c" && -x "$_c/bin/java" ]] || continue
  _v="$(_ml_java_major "$_c")"
  if [[ -n "$_v" && "${_v%%.*}" -ge 25 ]]; then _ml_pick="$_c"; break; fi
done
if [[ -z "$_ml_pick" ]]; then
  echo "MaskLab needs a JDK 25 or newer. None was found (JAVA_HOME='${JAVA_HOME:-}', /usr/lib/jvm)." >&2
  echo "Install Temurin 25 (or any JDK 25) and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME="$_ml_pick"
export PATH="$JAVA_HOME/bin:$PATH"
JAVA="$JAVA_HOME/bin/java"

# Sourced by ./latchkey and ./run-tests: picks a JDK of 21 or newer and exports JAVA_HOME.
# Order: $JAVA_HOME if new enough, the newest under /usr/lib/jvm, then the java on PATH.
latchkey_java_major() {
  "$1" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

latchkey_select_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    major=$(latchkey_java_major "$JAVA_HOME/bin/java")
    if [ "${major:-0}" -ge 21 ]; then
      export JAVA_HOME
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*/bin/java; do
    [ -x "$candidate" ] || continue
    major=$(latchkey_java_major "$candidate")
    if [ "${major:-0}" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"
      best_major=$major
    fi
  done
  if [ -z "$best" ] && command -v java >/dev/null 2>&1; then
    candidate=$(readlink -f "$(command -v java)")
    major=$(latchkey_java_major "$candidate")
    [ "${major:-0}" -ge 21 ] && best="$candidate"
  fi
  if [ -z "$best" ]; then
    echo "Latchkey needs a JDK of version 21 or newer; none was found in JAVA_HOME, /usr/lib/jvm or on PATH." >&2
    echo "Install one (for example: apt-get install openjdk-21-jdk-headless) and try again." >&2
    return 1
  fi
  JAVA_HOME=$(dirname "$(dirname "$best")")
  export JAVA_HOME
}

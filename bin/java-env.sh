# Sourced by bin/* and .ci/run: finds JDK 25 (Trino 483) and JDK 17 (Hive 4.0.1) and exports
# JAVA_HOME (JDK 25, used by Maven) and JAVA17_HOME.

find_jdk()
{
    local version=$1
    local candidate
    for candidate in "${@:2}" /usr/lib/jvm/*; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
        if "$candidate/bin/java" -version 2>&1 | head -1 | grep -Eq "version \"$version([.\"]|$)"; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

JAVA_HOME=$(find_jdk 25 "${JAVA25_HOME:-}" "${JAVA_HOME:-}") || { echo "JDK 25 not found: install Temurin 25 or set JAVA25_HOME" >&2; exit 1; }
JAVA17_HOME=$(find_jdk 17 "${JAVA17_HOME:-}") || { echo "JDK 17 not found: install OpenJDK 17 or set JAVA17_HOME" >&2; exit 1; }
export JAVA_HOME JAVA17_HOME
export PATH="$JAVA_HOME/bin:$PATH"

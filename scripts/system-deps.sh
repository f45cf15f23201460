#!/usr/bin/env bash
# Installs the Debian packages `make test` needs, only those missing, only as root with apt-get:
#   java+javac (openjdk-17-jdk-headless) and Maven  -> the local Neo4j (graph/local_neo4j.py)
#   chromium                                        -> browser tests (Playwright drives /usr/bin/chromium)
#   docker-compose                                  -> tests/system/test_compose.py (`docker-compose config -q`)
#   fonts-noto-cjk                                  -> Chinese text in screenshots and PNG exports
# Idempotent and quiet: does nothing (and prints nothing) when everything is there.
set -euo pipefail

missing=()
command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
# Chinese glyphs in the browser screenshots and the app's PNG export
[ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto | grep -qi cjk || missing+=(fonts-noto-cjk)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: missing ${missing[*]} (not root or no apt-get: install them yourself; tests needing them skip)" >&2
    exit 0
fi

log="${TMPDIR:-/tmp}/yrd-system-deps.log"
echo "system-deps: installing ${missing[*]} (log: $log)"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    echo "system-deps: apt-get install ${missing[*]} failed; last lines of $log:" >&2
    tail -n 5 "$log" >&2
    exit 1
fi

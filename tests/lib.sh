# Shared by the end-to-end test scripts: arguments, a temp dir, ok/bad
# counters and the final exit status. Usage: source "$(dirname "$0")/lib.sh" "$@"
set -u
BIN=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }
finish() { echo "$fails failure(s)"; exit $((fails > 0)); }

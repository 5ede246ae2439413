#!/usr/bin/env bash
# Data safety and error handling, end to end: rackscale only replaces folders
# it wrote; an unwritable, read-only or full output place, a missing parent and
# an unreadable trace are one "error:" line with exit 2 and no partial output;
# SIGINT/SIGTERM/kill -9 leave nothing a later run trips on.
source "$(dirname "$0")/lib.sh" "$@"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"  # some tests run from another folder
SHORT=(--set workload.max_requests=5)
# A run of minutes (1M busy requests, one event per iteration: ~27 s per 200k measured), stopped early by the signal tests.
LONG=(--set workload.synthetic.requests=1000000 --set workload.synthetic.rate=2000
      --set workload.synthetic.output_tokens=2000 --set sim.coalesce=false)
stop() {  # pid signal -> sends it, waits at most 10 s (then kill -9: the test fails), returns the exit status
  kill -"$2" "$1"
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$1" 2>/dev/null && { echo "  still running 10 s after SIG$2"; kill -9 "$1"; }
  wait "$1"
}

one_line_error() {  # file rc want_rc want_substring -> 0 if exactly one "error: ..." line holding it
  [ "$2" -eq "$3" ] && [ "$(wc -l <"$1")" -eq 1 ] && grep -q '^error: ' "$1" && grep -qF -- "$4" "$1"
}
show() { echo "  rc=$1: $(head -c 400 "$2")"; }

# 1. `--out . --force` in a folder with a file and .git: refused, both kept.
mkdir -p "$T/checkout/.git" && echo keep >"$T/checkout/file"
(cd "$T/checkout" && "$BIN" run --out . --force "${SHORT[@]}" >/dev/null 2>"$T/e"); rc=$?
one_line_error "$T/e" $rc 2 "current folder" && [ -f "$T/checkout/file" ] && [ -d "$T/checkout/.git" ] && \
  [ "$(ls -A "$T/checkout" | wc -l)" -eq 2 ] && ok "--out . --force refused, .git and files kept" || { bad "--out . --force"; show $rc "$T/e"; }

# 2. Other places never replaced, with --force: .., /, $HOME, .git, files rackscale did not write, symlinks to them.
mkdir -p "$T/checkout/sub" "$T/home" "$T/foreign" "$T/repo/.git" && echo mine >"$T/foreign/data" && echo h >"$T/home/h"
ln -s "$T/foreign" "$T/link-foreign"; ln -s "$T/checkout" "$T/link-dot"
refused() {  # name, expected substring, dir (run from $T/checkout/sub)
  (cd "$T/checkout/sub" && HOME="$T/home" "$BIN" run --out "$3" --force "${SHORT[@]}" >/dev/null 2>"$T/e"); local rc=$?
  one_line_error "$T/e" $rc 2 "$2" && ok "refused: $1" || { bad "refused: $1"; show $rc "$T/e"; }
}
refused ".." "current folder or one above it" ..
refused "/" "root folder" /
refused "\$HOME" "home folder" "$T/home"
refused "a folder holding .git" "holds .git" "$T/repo"
refused "files rackscale did not write" "holds files rackscale did not write" "$T/foreign"
refused "a symlink to such a folder" "holds files rackscale did not write" "$T/link-foreign"
refused "a symlink to the current folder's parent" "current folder or one above it" "$T/link-dot"
refused "a file" "is not a folder" "$T/foreign/data"
"$BIN" run --out "$T/results/a" "${SHORT[@]}" >/dev/null 2>&1
refused "a folder of earlier runs (--out results)" "holds files rackscale did not write" "$T/results"
[ -s "$T/results/a/summary.csv" ] && [ "$(cat "$T/foreign/data")" = mine ] && [ -f "$T/home/h" ] && [ -d "$T/repo/.git" ] && [ -f "$T/checkout/file" ] &&
  ok "refused places untouched" || bad "refused places untouched"

# 3. A folder rackscale wrote: marker with version and command; kept without --force, replaced with it.
"$BIN" run --out "$T/mine" "${SHORT[@]}" >/dev/null 2>"$T/e"; rc=$?
m="$T/mine/.rackscale-output"
[ $rc -eq 0 ] && grep -q '^state: complete' "$m" && grep -q "^version: [0-9]" "$m" &&
  grep -qF "run --out $T/mine --set workload.max_requests=5" "$m" && grep -q "summary.csv" "$m" &&
  ok "output folder carries a marker" || { bad "marker"; show $rc "$T/e"; cat "$m"; }
"$BIN" run --out "$T/mine" "${SHORT[@]}" >/dev/null 2>"$T/e"; rc=$?
one_line_error "$T/e" $rc 2 "use --force" && ok "marked folder kept without --force" || { bad "marked folder kept"; show $rc "$T/e"; }
echo stale >"$T/mine/summary.csv"
"$BIN" run --out "$T/mine" --force "${SHORT[@]}" >/dev/null 2>"$T/e"; rc=$?
[ $rc -eq 0 ] && grep -q '^requests_finished\|^[a-z_]*,' "$T/mine/summary.csv" && ! grep -q stale "$T/mine/summary.csv" &&
  [ "$(ls -A "$T" | grep -c staging)" -eq 0 ] && ok "--force replaces a marked folder" || { bad "--force replaces"; show $rc "$T/e"; }
echo notes >"$T/mine/notes.txt"
"$BIN" run --out "$T/mine" --force "${SHORT[@]}" >/dev/null 2>"$T/e"; rc=$?
one_line_error "$T/e" $rc 2 "'notes.txt', which rackscale did not write" && [ -f "$T/mine/notes.txt" ] &&
  ok "a user's file in a marked folder blocks --force" || { bad "user's file in marked folder"; show $rc "$T/e"; }

# `site` twice into the same folder: the second, with --force, replaces the first.
SITE=(--set workload.max_requests=5 --set power.site_budget=1MW)
"$BIN" site --out "$T/site" "${SITE[@]}" >/dev/null 2>&1 && "$BIN" site --out "$T/site" --force "${SITE[@]}" >/dev/null 2>"$T/e" &&
  [ -s "$T/site/site.csv" ] && ok "site --force replaces its own folder" || { bad "site --force"; show 1 "$T/e"; }

# 4. Unwritable places: one line naming the path and the reason, exit 2, nothing left.
"$BIN" run --out /proc/forbidden "${SHORT[@]}" >/dev/null 2>"$T/e"; rc=$?
one_line_error "$T/e" $rc 2 "/proc/forbidden" && ! grep -q terminate "$T/e" && ok "unwritable --out /proc/forbidden" ||
  { bad "unwritable --out"; show $rc "$T/e"; }
echo x >"$T/afile"
"$BIN" run --out "$T/afile/sub/out" "${SHORT[@]}" >/dev/null 2>"$T/e"; rc=$?
one_line_error "$T/e" $rc 2 "Not a directory" && ok "a file in the --out path" || { bad "file in --out path"; show $rc "$T/e"; }

# 5. Missing parents are created (like mkdir -p).
"$BIN" run --out "$T/new/a/b" "${SHORT[@]}" >/dev/null 2>"$T/e" && [ -s "$T/new/a/b/summary.csv" ] &&
  ok "missing parents created" || { bad "missing parents"; show 1 "$T/e"; }

# 6. A trace that cannot be read: a folder, a file without read permission (as root: without the capabilities
# that bypass file permissions, so that the project folder stays readable wherever it is).
"$BIN" run --out "$T/t1" --set workload.trace="$T/checkout" --set workload.format=azure "${SHORT[@]}" >/dev/null 2>"$T/e"; rc=$?
one_line_error "$T/e" $rc 2 "$T/checkout" && grep -q "Is a directory" "$T/e" && [ ! -e "$T/t1" ] && ok "a folder as trace" ||
  { bad "folder as trace"; show $rc "$T/e"; }
mkdir -p "$T/nobody" && echo "TIMESTAMP,ContextTokens,GeneratedTokens" >"$T/nobody/trace.csv" && chmod 000 "$T/nobody/trace.csv"
as_user=(); [ "$(id -u)" -eq 0 ] && as_user=(setpriv --bounding-set=-dac_override,-dac_read_search)
"${as_user[@]}" "$BIN" run --out "$T/nobody/out" --set workload.trace="$T/nobody/trace.csv" "${SHORT[@]}" >/dev/null 2>"$T/e"; rc=$?
one_line_error "$T/e" $rc 2 "$T/nobody/trace.csv: cannot open trace file: Permission denied" && [ ! -e "$T/nobody/out" ] &&
  ok "an unreadable trace" || { bad "unreadable trace"; show $rc "$T/e"; }

# 7. Read-only and full file systems: a tmpfs in a private mount namespace (root: unshare -m; others: a user namespace).
if unshare -m true 2>/dev/null; then NS=(unshare -m); elif unshare -rm true 2>/dev/null; then NS=(unshare -rm); else NS=(); fi
if [ ${#NS[@]} -gt 0 ] && "${NS[@]}" sh -c "mount -t tmpfs -o size=64k tmpfs '$T'" 2>/dev/null; then
  mkdir -p "$T/ro" "$T/full"
  "${NS[@]}" bash -s "$BIN" "$T" <<'EOF'
BIN=$1; T=$2
mount -t tmpfs -o size=1m tmpfs "$T/ro" && mkdir "$T/ro/kept" && mount -o remount,ro "$T/ro"
"$BIN" run --out "$T/ro/out" --set workload.max_requests=5 >/dev/null 2>"$T/ro.err"; echo $? >"$T/ro.rc"
"$BIN" run --out "$T/ro/a/b" --set workload.max_requests=5 >/dev/null 2>"$T/ro2.err"; echo $? >"$T/ro2.rc"
ls -A "$T/ro" >"$T/ro.ls"
# 256 KiB, all but 16 KiB filled: the staging folder and marker fit, requests.csv of 400 requests does not.
mount -t tmpfs -o size=256k tmpfs "$T/full" && head -c $((240 * 1024)) /dev/zero >"$T/full/fill"
"$BIN" run --out "$T/full/x/out" --set workload.max_requests=400 >/dev/null 2>"$T/full.err"; echo $? >"$T/full.rc"
ls -A "$T/full" >"$T/full.ls"
EOF
  one_line_error "$T/ro.err" "$(cat "$T/ro.rc")" 2 "Read-only file system" && grep -qF "$T/ro" "$T/ro.err" &&
    ok "read-only folder" || { bad "read-only folder"; show "$(cat "$T/ro.rc")" "$T/ro.err"; }
  one_line_error "$T/ro2.err" "$(cat "$T/ro2.rc")" 2 "Read-only file system" && [ "$(cat "$T/ro.ls")" = kept ] &&
    ok "read-only folder, missing parent: nothing left" || { bad "read-only, missing parent"; show "$(cat "$T/ro2.rc")" "$T/ro2.err"; cat "$T/ro.ls"; }
  one_line_error "$T/full.err" "$(cat "$T/full.rc")" 2 "No space left on device" && [ "$(cat "$T/full.ls")" = fill ] &&
    grep -q "^error: $T/full/x/out/[a-z.]*: cannot write" "$T/full.err" &&
    ok "full disk: one line, no partial output, created parent removed" ||
    { bad "full disk"; show "$(cat "$T/full.rc")" "$T/full.err"; cat "$T/full.ls"; }
else
  echo "note: skipped the read-only and full file system tests (no mount namespace available to this user)"
fi

# The same without mounts (CI containers may not allow them): a folder this user cannot write (as root: run as
# root without CAP_DAC_OVERRIDE), and a file size limit (ulimit -f, with SIGXFSZ ignored so that the write fails with EFBIG instead).
mkdir -p "$T/locked/kept" && chmod 555 "$T/locked"
"${as_user[@]}" "$BIN" run --out "$T/locked/out" "${SHORT[@]}" >/dev/null 2>"$T/e"; rc=$?
one_line_error "$T/e" $rc 2 "Permission denied" && grep -qF "$T/locked" "$T/e" && [ "$(ls -A "$T/locked")" = kept ] &&
  ok "a folder this user cannot write" || { bad "unwritable folder"; show $rc "$T/e"; }
(trap '' XFSZ; ulimit -f 8; "$BIN" run --out "$T/fsize/x/out" --set workload.max_requests=400 >/dev/null 2>"$T/e"); rc=$?
one_line_error "$T/e" $rc 2 "File too large" && grep -q "^error: $T/fsize/x/out/[a-z.]*: cannot write" "$T/e" && [ ! -e "$T/fsize" ] &&
  ok "file size limit: one line, no partial output, created parents removed" || { bad "file size limit"; show $rc "$T/e"; }

# 8. SIGINT and SIGTERM remove the unfinished output; one line; the shell sees 130 / 143.
wait_staging() {  # dir -> 0 once a staging folder exists in it (at most 20 s)
  for _ in $(seq 200); do ls -A "$1" 2>/dev/null | grep -q '\.staging\.' && return 0; sleep 0.1; done; return 1
}
for sig in INT TERM; do
  rm -rf "$T/sig"
  set -m  # job control: a background job of a script would otherwise start with SIGINT ignored
  "$BIN" run --out "$T/sig/parent/out" "${LONG[@]}" >/dev/null 2>"$T/e" &
  pid=$!
  set +m
  wait_staging "$T/sig/parent" || echo "  no staging folder appeared"
  stop $pid $sig; rc=$?
  want=$((128 + $(kill -l $sig)))
  [ $rc -eq $want ] && [ ! -e "$T/sig" ] && grep -q "^error: interrupted by SIG$sig" "$T/e" && [ "$(wc -l <"$T/e")" -eq 1 ] &&
    ok "SIG$sig: exit $want, no output, no staging folder, created parents removed" ||
    { bad "SIG$sig cleanup"; show $rc "$T/e"; ls -AR "$T/sig" 2>/dev/null | head; }
done

# 9. kill -9 leaves a staging folder; the next run removes it and succeeds.
rm -rf "$T/k9"; mkdir "$T/k9"
"$BIN" run --out "$T/k9/out" "${LONG[@]}" >/dev/null 2>&1 &
pid=$!
wait_staging "$T/k9" || echo "  no staging folder appeared"
stop $pid KILL 2>/dev/null; rc=$?
left=$(ls -A "$T/k9")
"$BIN" run --out "$T/k9/out" "${SHORT[@]}" >/dev/null 2>"$T/e"; rc2=$?
[ $rc -eq 137 ] && [[ "$left" == .out.staging.* ]] && [ $rc2 -eq 0 ] && [ "$(ls -A "$T/k9")" = out ] &&
  ok "kill -9: no output; the stale staging folder is removed by the next run" ||
  { bad "kill -9 (rc=$rc, left: $left)"; show $rc2 "$T/e"; ls -A "$T/k9"; }

# 10. Single-file outputs: an existing file is not replaced without --force, a folder never.
echo old >"$T/profile.yaml"
"$BIN" calibrate --out "$T/profile.yaml" >/dev/null 2>"$T/e"; rc=$?
one_line_error "$T/e" $rc 2 "file exists (use --force to replace it)" && [ "$(cat "$T/profile.yaml")" = old ] &&
  ok "calibrate --out FILE kept without --force" || { bad "calibrate --out existing"; show $rc "$T/e"; }
"$BIN" calibrate --out "$T/foreign" --force >/dev/null 2>"$T/e"; rc=$?
one_line_error "$T/e" $rc 2 "is a folder" && [ -f "$T/foreign/data" ] && ok "calibrate --out FOLDER refused" ||
  { bad "calibrate --out folder"; show $rc "$T/e"; }

finish

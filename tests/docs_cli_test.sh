#!/usr/bin/env bash
# The user documents stay true: every relative link and #anchor in the
# Markdown files resolves, no project issue numbers, and every `$ rackscale ...`
# example in the documents prints what they show (lines `...` elide output;
# each other shown line must appear, in order, in the real output). The quick
# start's summary table must be what `make run` prints (all but wall_s).
# When a model change moves a number, update README.md from the real output.
source "$(dirname "$0")/lib.sh" "$@"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN"); SRC=$(cd "$SRC" && pwd) || exit 1; cd "$SRC" || exit 1
DOCS=$(git ls-files --cached --others --exclude-standard '*.md' 2>/dev/null | grep -v '^docs-notes/')
[ -n "$DOCS" ] || DOCS=$(find . -name '*.md' -not -path './build*' -not -path './docs-notes/*' | sed 's|^\./||')

# GitHub's heading anchor: lower case, punctuation dropped (but - and _), spaces to '-'.
anchors() { grep -E '^#{1,6} ' "$1" | sed -E 's/^#+ //' | tr 'A-Z' 'a-z' | sed -E 's/[^a-z0-9 _-]//g; s/ /-/g'; }

# 1. Links.
broken=0
for f in $DOCS; do
  dir=$(dirname "$f")
  # [text](target) with a relative target; skip code spans' false hits by requiring no spaces in target.
  for link in $(grep -oE '\]\([^) ]+\)' "$f" | sed -E 's/^\]\(//; s/\)$//' | grep -vE '^(https?|mailto):'); do
    path=${link%%#*}; anchor=""; [ "$path" != "$link" ] && anchor=${link#*#}
    target=$f; [ -n "$path" ] && target=$dir/$path
    if [ ! -e "$target" ]; then echo "  $f: link to missing $link"; broken=1; continue; fi
    if [ -n "$anchor" ] && ! anchors "$target" | grep -qxF -- "$anchor"; then
      echo "  $f: no heading for #$anchor in $target"; broken=1
    fi
  done
done
[ $broken -eq 0 ] && ok "docs: every relative link and anchor resolves" || bad "docs: broken links (above)"

# 2. No project issue numbers in user documents (GitHub threads of other projects are cited as links).
hits=$(grep -niE '(^|[^/a-z])issue[[:space:]]*#?[0-9]' $DOCS)
[ -z "$hits" ] && ok "docs: no issue numbers" || { bad "docs: issue numbers"; echo "$hits"; }

# 3. Every `$ rackscale` example of the documents, run in a scratch folder that sees the
# source tree's scenarios/ and tests/ (their outputs go to the scratch folder).
W="$T/work"; mkdir -p "$W"; ln -s "$SRC/scenarios" "$W/scenarios"; ln -s "$SRC/tests" "$W/tests"
awk -v dir="$T" '
  FNR == 1 { inblock = 0; file = "" }
  /^```/ { inblock = !inblock; if (!inblock && n) close(file); next }
  inblock && /^\$ rackscale / { n++; file = sprintf("%s/ex%02d", dir, n); print > file; next }
  inblock && n && file != "" { print > file }
  !inblock { file = "" }
' $DOCS
count=0
for ex in "$T"/ex*; do
  lines=$(awk '!/\\$/ { print NR; exit }' "$ex")  # a command may continue over lines ending in a backslash
  cmd=$(head -n "$lines" "$ex" | sed 's/^\$ rackscale //; s/\\$//' | tr '\n' ' ' | sed 's/  */ /g; s/ $//')
  case $cmd in *"calibrate --quick"*|*"calibrate --out"*|*"calibrate --check"*) continue ;; esac  # builds CUDA code
  count=$((count + 1))
  (cd "$W" && eval "\"\$BIN\" $cmd") >"$ex.out" 2>&1
  # Each shown line, in order, must be a line of the output; `...` skips any number of lines.
  if tail -n +$((lines + 1)) "$ex" | grep -vxF '...' | grep -vE '^ +\.\.\.$' | awk '
        NR == FNR { want[++w] = $0; next }
        i < w && $0 == want[i + 1] { i++ }
        END { if (i < w) { print "  first line not found: " want[i + 1]; exit 1 } }' - "$ex.out"; then
    ok "doc example: rackscale $cmd"
  else bad "doc example: rackscale $cmd (real output in full below; update the document)"; sed 's/^/    /' "$ex.out"; fi
done
[ $count -ge 8 ] && ok "doc examples found ($count)" || bad "doc examples: only $count found"

# 4. The quick start: `make run` prints on stderr the log block, then on stdout the summary block.
(cd "$W" && "$BIN" run --out results/default --force) >"$T/qs.out" 2>"$T/qs.err"
block() { awk -v k="$1" '/^## Quick start/ { q = 1 } q && /^```/ { if (in_b) { if (++n == k) exit; in_b = 0 } else in_b = 1; next } q && in_b && n == k - 1' README.md; }
block 1 >"$T/log.want"; sed "s|$SRC/|.../|" "$T/qs.err" >"$T/log.got"
block 2 | grep -v wall_s >"$T/qs.want"; grep -v wall_s "$T/qs.out" >"$T/qs.got"
[ -s "$T/log.want" ] && diff "$T/log.want" "$T/log.got" >"$T/log.diff" && ok "README quick start shows the log make run prints" ||
  { bad "README quick start log differs from make run's stderr (update README.md)"; cat "$T/log.diff"; }
[ -s "$T/qs.want" ] && diff "$T/qs.want" "$T/qs.got" >"$T/qs.diff" && ok "README quick start shows the summary make run prints" ||
  { bad "README quick start summary differs from make run (update README.md and the figures quoted under it)"; cat "$T/qs.diff"; }

finish

#!/usr/bin/env bash
# The layer order (tools/check-layers.sh): the source tree follows it, and the
# check fails, naming file:line, on an include against it or on code in a folder
# with no place in the order.
source "$(dirname "$0")/lib.sh" "$@"
CHECK="$SRC/tools/check-layers.sh"

out=$("$CHECK" "$SRC" 2>&1) && ok "the source tree follows the layer order" || { bad "layer order"; echo "$out"; }

# A tree of our own (not a git checkout: every file is read).
mkdir -p "$T/tree/sim" "$T/tree/models/power" "$T/tree/models/scenario" "$T/tree/tools/x" "$T/tree/newfolder"
printf '#pragma once\n#include "sim/units.hpp"\n' >"$T/tree/sim/ok.hpp"
printf '#include "models/scenario/scenario.hpp"\nint x;\n' >"$T/tree/models/scenario/scenario.cpp"
printf '#include "models/scenario/scenario.hpp"\n#include "models/power/power_params.hpp"\n' >"$T/tree/tools/x/main.cpp"
out=$("$CHECK" "$T/tree" 2>&1) && ok "downward and same-folder includes pass" || { bad "a clean tree fails"; echo "$out"; }

printf '#pragma once\n#include <vector>\n\n#include "models/scenario/scenario.hpp"\n' >"$T/tree/models/power/bad.hpp"
out=$("$CHECK" "$T/tree" 2>&1); rc=$?
[ $rc = 1 ] && grep -q '^error: models/power/bad.hpp:4: #include "models/scenario/scenario.hpp" goes against the layer order' <<<"$out" &&
  ok "an upward include fails, naming file:line" || { bad "upward include not caught (rc $rc)"; echo "$out"; }
rm "$T/tree/models/power/bad.hpp"

printf '#include "sim/units.hpp"\n' >"$T/tree/newfolder/a.cpp"
out=$("$CHECK" "$T/tree" 2>&1); rc=$?
[ $rc = 1 ] && grep -q "^error: newfolder/a.cpp: folder 'newfolder' holds code but is not in the layer order" <<<"$out" &&
  ok "code in a folder outside the order fails" || { bad "unlisted folder not caught (rc $rc)"; echo "$out"; }
rm -r "$T/tree/newfolder"

mkdir -p "$T/tree/models/cost" "$T/tree/models/metrics"
printf '#include "models/metrics/stats.hpp"\n' >"$T/tree/models/cost/c.cpp"
out=$("$CHECK" "$T/tree" 2>&1); rc=$?
[ $rc = 1 ] && grep -q '^error: models/cost/c.cpp:1: ' <<<"$out" && ok "folders on one layer may not include each other" ||
  { bad "same-layer include not caught (rc $rc)"; echo "$out"; }
finish

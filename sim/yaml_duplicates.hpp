#pragma once
// yaml-cpp keeps both entries of a key written twice in one mapping and
// lookups return the first, so a duplicated key would be silently ignored.
// This pass over the parser's events rejects it, naming both places.
#include <string>

namespace rs {

// InputError "label:L2:C2: duplicate key 'a.b' (first at label:L1:C1)".
// YAML syntax errors are left to the loader (this pass stops at the first one).
void reject_duplicate_keys(const std::string& text, const std::string& label);

}  // namespace rs

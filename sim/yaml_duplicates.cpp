#include "sim/yaml_duplicates.hpp"

#include <fmt/format.h>
#include <map>
#include <sstream>
#include <vector>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "sim/error.hpp"

namespace rs {
namespace {

// Tracks, per open mapping, whether the next node is a key and which scalar
// keys were seen where. Aliases are events, not copies, so a cyclic or
// exponential alias structure costs nothing here.
class DuplicateKeyFinder final : public YAML::EventHandler {
 public:
  explicit DuplicateKeyFinder(std::string label) : label_(std::move(label)) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override { node(nullptr, {}); }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { node(nullptr, {}); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string& value) override {
    node(&value, mark);
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(false);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(true);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    bool is_map = false;
    bool at_key = true;      // in a mapping: the next node is a key
    std::string key;         // the last scalar key (for the dotted path)
    std::map<std::string, YAML::Mark> seen;
  };

  std::string at(const YAML::Mark& m) const { return fmt::format("{}:{}:{}", label_, m.line + 1, m.column + 1); }

  std::string path(const std::string& last) const {
    std::string out;
    for (const auto& f : stack_)
      if (f.is_map && !f.key.empty() && &f != &stack_.back()) out += f.key + ".";
    return out + last;
  }

  // A complete node (scalar, null, alias, or a closed collection) at the top of the stack.
  void node(const std::string* scalar, const YAML::Mark& mark) {
    if (stack_.empty() || !stack_.back().is_map) return;
    Frame& f = stack_.back();
    if (f.at_key) {
      f.key = scalar ? *scalar : std::string{};
      if (scalar) {
        auto [it, fresh] = f.seen.emplace(*scalar, mark);
        if (!fresh)
          fail(at(mark), fmt::format("duplicate key '{}' (first at {}); a mapping takes each key once",
                                     path(*scalar), at(it->second)));
      }
    }
    f.at_key = !f.at_key;
  }
  void open(bool is_map) {
    // A collection used as a key is not compared (rackscale never uses one).
    if (!stack_.empty() && stack_.back().is_map && stack_.back().at_key) stack_.back().key.clear();
    stack_.push_back({is_map, true, {}, {}});
  }
  void close() {
    stack_.pop_back();
    if (!stack_.empty() && stack_.back().is_map) stack_.back().at_key = !stack_.back().at_key;
  }

  std::string label_;
  std::vector<Frame> stack_;
};

}  // namespace

void reject_duplicate_keys(const std::string& text, const std::string& label) {
  std::istringstream in(text);
  DuplicateKeyFinder finder(label);
  try {
    YAML::Parser parser(in);
    parser.HandleNextDocument(finder);
  } catch (const YAML::Exception&) {
    // Syntax errors are reported by the loader, with its own message.
  }
}

}  // namespace rs

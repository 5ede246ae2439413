// Ordered key/value records and the hand-rolled YAML used for all output.
// Points are emitted as one-line flow mappings so the profile stays greppable
// and a tiny parser (below) can read it back for --check and --resume.
#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace calib {

struct Value {
  enum class Kind { Null, Bool, Int, Real, Str };
  Kind kind = Kind::Null;
  bool b = false;
  long long i = 0;
  double d = 0;
  std::string s;

  static Value null() { return Value(); }
  static Value boolean(bool v) { Value x; x.kind = Kind::Bool; x.b = v; return x; }
  static Value integer(long long v) { Value x; x.kind = Kind::Int; x.i = v; return x; }
  static Value real(double v);  // non-finite becomes null
  static Value str(std::string v) { Value x; x.kind = Kind::Str; x.s = std::move(v); return x; }

  bool is_null() const { return kind == Kind::Null; }
  bool is_num() const { return kind == Kind::Int || kind == Kind::Real; }
  double num() const { return kind == Kind::Int ? double(i) : kind == Kind::Real ? d : 0.0; }
  std::string yaml() const;  // scalar in YAML flow syntax
};

class Record {
 public:
  using Item = std::pair<std::string, Value>;

  Record& put(const std::string& k, Value v);
  Record& set(const std::string& k, const Value& v) { return put(k, v); }
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Record& set(const std::string& k, T v) { return put(k, Value::integer(static_cast<long long>(v))); }
  Record& set(const std::string& k, double v) { return put(k, Value::real(v)); }
  Record& set(const std::string& k, bool v) { return put(k, Value::boolean(v)); }
  Record& set(const std::string& k, const char* v) { return put(k, Value::str(v)); }
  Record& set(const std::string& k, const std::string& v) { return put(k, Value::str(v)); }
  Record& set_null(const std::string& k) { return put(k, Value::null()); }
  void append(const Record& other);  // copies every item (overwriting duplicates)

  const Value* get(const std::string& k) const;
  double num(const std::string& k, double dflt = 0) const;
  std::string str(const std::string& k, const std::string& dflt = "") const;
  bool empty() const { return items_.empty(); }
  const std::vector<Item>& items() const { return items_; }

  std::string flow() const;  // {k: v, ...}

 private:
  std::vector<Item> items_;
};

std::string yaml_quote(const std::string& s);
std::string yaml_key(const std::string& s);

// Parses one flow mapping line as written by Record::flow(). Returns false on
// malformed input.
bool parse_flow(const std::string& text, Record* out);

// A benchmark group as stored in FILE.partial/<group>.yaml and embedded in
// the final profile.
struct GroupDoc {
  std::string name;
  std::string status;  // done | skipped | failed
  std::string reason;  // empty unless skipped/failed
  double elapsed_s = 0;
  Record measured;     // where/when: date, host, gpu_name
  Record meta;         // group-level settings and notes
  Record power;        // NVML summary over the whole group
  std::vector<Record> points;
};

// Writes the group body (keys at `indent` spaces).
std::string group_body_yaml(const GroupDoc& g, int indent);
// FILE.partial/<group>.yaml: "group: NAME", the body, and an "# end" marker
// that read_group_file() requires.
std::string group_file_yaml(const GroupDoc& g);
// The final profile.
std::string profile_yaml(const Record& environment, const std::vector<GroupDoc>& groups);
bool read_group_file(const std::string& path, GroupDoc* g, std::string* err);

// Reads a final profile: environment and every group's points.
struct Profile {
  Record environment;
  std::vector<GroupDoc> groups;
  const GroupDoc* group(const std::string& name) const;
};
bool read_profile(const std::string& path, Profile* p, std::string* err);

// Writes text to path via a temp file and rename, so readers never see a torn
// file (GPU slots can end at any moment).
void write_file_atomic(const std::string& path, const std::string& text);

}  // namespace calib

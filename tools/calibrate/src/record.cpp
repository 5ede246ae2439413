#include "record.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "common.hpp"

namespace calib {

Value Value::real(double v) {
  if (!std::isfinite(v)) return Value();
  Value x;
  x.kind = Kind::Real;
  x.d = v;
  return x;
}

std::string yaml_quote(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\t': o += "\\t"; break;
      case '\r': o += "\\r"; break;
      default:
        if (c < 0x20) o += strf("\\x%02x", c);
        else o += char(c);
    }
  }
  return o + "\"";
}

std::string yaml_key(const std::string& s) { return s; }  // keys are plain identifiers

std::string Value::yaml() const {
  switch (kind) {
    case Kind::Null: return "null";
    case Kind::Bool: return b ? "true" : "false";
    case Kind::Int: return std::to_string(i);
    case Kind::Real: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.6g", d);
      std::string t = buf;
      // YAML 1.1 readers (PyYAML) need a '.' in exponent floats.
      size_t e = t.find('e');
      if (e != std::string::npos && t.find('.') == std::string::npos) t.insert(e, ".0");
      return t;
    }
    case Kind::Str: return yaml_quote(s);
  }
  return "null";
}

Record& Record::put(const std::string& k, Value v) {
  for (auto& it : items_)
    if (it.first == k) { it.second = std::move(v); return *this; }
  items_.emplace_back(k, std::move(v));
  return *this;
}

void Record::append(const Record& other) {
  for (const auto& it : other.items_) put(it.first, it.second);
}

const Value* Record::get(const std::string& k) const {
  for (const auto& it : items_)
    if (it.first == k) return &it.second;
  return nullptr;
}

double Record::num(const std::string& k, double dflt) const {
  const Value* v = get(k);
  return v && v->is_num() ? v->num() : dflt;
}

std::string Record::str(const std::string& k, const std::string& dflt) const {
  const Value* v = get(k);
  if (!v || v->is_null()) return dflt;
  return v->kind == Value::Kind::Str ? v->s : v->yaml();
}

std::string Record::flow() const {
  std::string o = "{";
  for (size_t i = 0; i < items_.size(); ++i) {
    if (i) o += ", ";
    o += yaml_key(items_[i].first) + ": " + items_[i].second.yaml();
  }
  return o + "}";
}

// ---- parsing (only what Record::flow() produces) ----

static Value parse_scalar(const std::string& raw) {
  std::string t = raw;
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
  size_t b = t.find_first_not_of(" \t");
  t = b == std::string::npos ? "" : t.substr(b);
  if (t.empty() || t == "null" || t == "~") return Value::null();
  if (t == "true") return Value::boolean(true);
  if (t == "false") return Value::boolean(false);
  char* end = nullptr;
  long long iv = std::strtoll(t.c_str(), &end, 10);
  if (end && *end == '\0') return Value::integer(iv);
  double dv = std::strtod(t.c_str(), &end);
  if (end && *end == '\0') return Value::real(dv);
  return Value::str(t);
}

// Parses a double-quoted string starting at s[i] == '"'; advances i past it.
static bool parse_quoted(const std::string& s, size_t& i, std::string* out) {
  ++i;
  out->clear();
  while (i < s.size()) {
    char c = s[i++];
    if (c == '"') return true;
    if (c != '\\') { *out += c; continue; }
    if (i >= s.size()) return false;
    char e = s[i++];
    switch (e) {
      case 'n': *out += '\n'; break;
      case 't': *out += '\t'; break;
      case 'r': *out += '\r'; break;
      case 'x':
        if (i + 2 > s.size()) return false;
        *out += char(std::strtol(s.substr(i, 2).c_str(), nullptr, 16));
        i += 2;
        break;
      default: *out += e;
    }
  }
  return false;
}

bool parse_flow(const std::string& text, Record* out) {
  *out = Record();
  size_t a = text.find('{'), z = text.rfind('}');
  if (a == std::string::npos || z == std::string::npos || z < a) return false;
  std::string s = text.substr(a + 1, z - a - 1);
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
    if (i >= s.size()) break;
    size_t colon = s.find(':', i);
    if (colon == std::string::npos) return false;
    std::string key = s.substr(i, colon - i);
    while (!key.empty() && key.back() == ' ') key.pop_back();
    i = colon + 1;
    while (i < s.size() && s[i] == ' ') ++i;
    if (i < s.size() && s[i] == '"') {
      std::string v;
      if (!parse_quoted(s, i, &v)) return false;
      out->put(key, Value::str(v));
    } else if (i < s.size() && (s[i] == '{' || s[i] == '[')) {
      // Nested collections are not produced for points; keep them as text.
      char open = s[i], close = open == '{' ? '}' : ']';
      int depth = 0;
      size_t st = i;
      for (; i < s.size(); ++i) {
        if (s[i] == open) ++depth;
        else if (s[i] == close && --depth == 0) { ++i; break; }
      }
      out->put(key, Value::str(s.substr(st, i - st)));
    } else {
      size_t e = s.find(',', i);
      if (e == std::string::npos) e = s.size();
      out->put(key, parse_scalar(s.substr(i, e - i)));
      i = e;
    }
  }
  return true;
}

// ---- groups ----

std::string group_body_yaml(const GroupDoc& g, int indent) {
  std::string pad(indent, ' ');
  std::ostringstream o;
  o << pad << "status: " << g.status << "\n";
  o << pad << "reason: " << (g.reason.empty() ? "null" : yaml_quote(g.reason)) << "\n";
  o << pad << "elapsed_s: " << Value::real(g.elapsed_s).yaml() << "\n";
  o << pad << "measured: " << g.measured.flow() << "\n";
  o << pad << "meta: " << g.meta.flow() << "\n";
  o << pad << "power: " << g.power.flow() << "\n";
  if (g.points.empty()) {
    o << pad << "points: []\n";
  } else {
    o << pad << "points:\n";
    for (const auto& p : g.points) o << pad << "  - " << p.flow() << "\n";
  }
  return o.str();
}

std::string group_file_yaml(const GroupDoc& g) {
  return "# rackscale-calibrate group result; assembled into the profile by the final run\n"
         "group: " + g.name + "\n" + group_body_yaml(g, 0) + "# end\n";
}

std::string profile_yaml(const Record& env, const std::vector<GroupDoc>& groups) {
  std::ostringstream o;
  o << "# rackscale-calibrate raw calibration profile; schema: tools/calibrate/README.md\n";
  o << "format: rackscale-calibration-raw/1\n";
  o << "environment:\n";
  for (const auto& it : env.items()) o << "  " << it.first << ": " << it.second.yaml() << "\n";
  o << "groups:\n";
  for (const auto& g : groups) o << "  " << g.name << ":\n" << group_body_yaml(g, 4);
  return o.str();
}

static std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

static int indent_of(const std::string& line) {
  int n = 0;
  while (n < int(line.size()) && line[n] == ' ') ++n;
  return n;
}

// A scalar that may be double-quoted.
static Value parse_value_text(const std::string& val) {
  size_t i = 0;
  std::string s;
  if (!val.empty() && val[0] == '"' && parse_quoted(val, i, &s)) return Value::str(s);
  return parse_scalar(val);
}

// Applies one "key: value" line of a group body to g.
static void apply_group_line(GroupDoc* g, const std::string& key, const std::string& val) {
  Record tmp;
  if (key == "status") {
    g->status = val;
  } else if (key == "reason") {
    Value v = parse_value_text(val);
    g->reason = v.kind == Value::Kind::Str ? v.s : "";
  } else if (key == "elapsed_s") {
    g->elapsed_s = parse_scalar(val).num();
  } else if (key == "measured" && parse_flow(val, &tmp)) {
    g->measured = tmp;
  } else if (key == "meta" && parse_flow(val, &tmp)) {
    g->meta = tmp;
  } else if (key == "power" && parse_flow(val, &tmp)) {
    g->power = tmp;
  }
}

bool read_group_file(const std::string& path, GroupDoc* g, std::string* err) {
  std::ifstream f(path);
  if (!f) { *err = "cannot open " + path; return false; }
  *g = GroupDoc();
  std::string line;
  bool ended = false;
  while (std::getline(f, line)) {
    std::string t = trim(line);
    if (t.empty()) continue;
    if (t == "# end") { ended = true; continue; }
    if (t[0] == '#') continue;
    if (t.rfind("- ", 0) == 0) {
      Record r;
      if (!parse_flow(t.substr(2), &r)) { *err = "bad point line in " + path; return false; }
      g->points.push_back(r);
      continue;
    }
    size_t c = t.find(':');
    if (c == std::string::npos) continue;
    std::string key = t.substr(0, c), val = trim(t.substr(c + 1));
    if (key == "group") g->name = val;
    else apply_group_line(g, key, val);
  }
  if (!ended || g->status.empty()) { *err = path + " is incomplete"; return false; }
  return true;
}

const GroupDoc* Profile::group(const std::string& name) const {
  for (const auto& g : groups)
    if (g.name == name) return &g;
  return nullptr;
}

bool read_profile(const std::string& path, Profile* p, std::string* err) {
  std::ifstream f(path);
  if (!f) { *err = "cannot open " + path; return false; }
  *p = Profile();
  std::string line, section;
  bool saw_format = false;
  GroupDoc* cur = nullptr;
  while (std::getline(f, line)) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    int ind = indent_of(line);
    size_t c = t.find(':');
    if (ind == 0) {
      section = c == std::string::npos ? "" : t.substr(0, c);
      if (section == "format") saw_format = trim(t.substr(c + 1)).rfind("rackscale-calibration-raw/", 0) == 0;
      cur = nullptr;
      continue;
    }
    if (section == "environment" && ind == 2 && c != std::string::npos) {
      std::string key = t.substr(0, c), val = trim(t.substr(c + 1));
      p->environment.put(key, parse_value_text(val));
    } else if (section == "groups") {
      if (ind == 2 && c != std::string::npos && trim(t.substr(c + 1)).empty()) {
        p->groups.emplace_back();
        cur = &p->groups.back();
        cur->name = t.substr(0, c);
      } else if (cur && t.rfind("- ", 0) == 0) {
        Record r;
        if (parse_flow(t.substr(2), &r)) cur->points.push_back(r);
      } else if (cur && ind == 4 && c != std::string::npos) {
        apply_group_line(cur, t.substr(0, c), trim(t.substr(c + 1)));
      }
    }
  }
  if (!saw_format) { *err = path + ": not a rackscale-calibration-raw profile"; return false; }
  return true;
}

void write_file_atomic(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw Error("cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fflush(f) == 0 && ok;
  ok = fsync(fileno(f)) == 0 && ok;
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error("cannot write " + path + ": " + std::strerror(errno));
  }
}

}  // namespace calib

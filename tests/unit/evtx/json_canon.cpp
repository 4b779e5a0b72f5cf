#include "json_canon.h"

#include <zlib.h>

#include <map>

namespace cmdsentry::testing {

std::vector<std::string> read_gz_lines(const std::filesystem::path& file) {
  std::vector<std::string> lines;
  gzFile gz = gzopen(file.c_str(), "rb");
  if (gz == nullptr) return lines;
  std::string all;
  char buf[1 << 16];
  int n;
  while ((n = gzread(gz, buf, sizeof(buf))) > 0) all.append(buf, static_cast<std::size_t>(n));
  gzclose(gz);
  std::size_t start = 0;
  while (start < all.size()) {
    std::size_t end = all.find('\n', start);
    if (end == std::string::npos) end = all.size();
    if (end > start) lines.push_back(all.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

namespace {

std::string strip_fffd(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xEF &&
        static_cast<unsigned char>(s[i + 1]) == 0xBF &&
        static_cast<unsigned char>(s[i + 2]) == 0xBD) {
      i += 2;
      continue;
    }
    out += s[i];
  }
  return out;
}

}  // namespace

std::string canon(simdjson::dom::element e, const CanonOptions& opt) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::OBJECT: {
      std::vector<std::pair<std::string, std::string>> kv;
      const simdjson::dom::object obj = e.get_object().value_unsafe();  // named: no dangling
      for (auto field : obj) {
        kv.emplace_back(std::string(field.key), canon(field.value, opt));
      }
      std::string out = "{";
      for (const auto& [k, v] : kv) {
        if (opt.drop_null_members && v == "null") continue;
        if (opt.drop_equal_suffixed_keys) {
          const auto us = k.rfind('_');
          if (us != std::string::npos && us + 1 < k.size() &&
              k.find_first_not_of("0123456789", us + 1) == std::string::npos) {
            const std::string base = k.substr(0, us);
            bool has_base = false;
            for (const auto& kv2 : kv) has_base = has_base || kv2.first == base;
            if (has_base) {
              out += '"' + base + "\":" + v + ',';
              continue;
            }
          }
        }
        out += '"' + k + "\":" + v + ',';
      }
      return out + "}";
    }
    case element_type::ARRAY: {
      std::string out = "[";
      const simdjson::dom::array arr = e.get_array().value_unsafe();
      for (auto x : arr) out += canon(x, opt) + ",";
      return out + "]";
    }
    case element_type::STRING: {
      std::string s(e.get_string().value_unsafe());
      if (opt.strip_replacement_chars) s = strip_fffd(s);
      return "\"" + s + "\"";
    }
    case element_type::INT64:
      return std::to_string(e.get_int64().value_unsafe());
    case element_type::UINT64:
      return std::to_string(e.get_uint64().value_unsafe());
    case element_type::DOUBLE:
      return std::to_string(e.get_double().value_unsafe());
    case element_type::BOOL:
      return e.get_bool().value_unsafe() ? "true" : "false";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "?";
}

}  // namespace cmdsentry::testing

#pragma once
/// Test helpers: read gzip'd JSON lines and compare JSON values independent of formatting.

#include <filesystem>
#include <string>
#include <vector>

#include <simdjson.h>

namespace cmdsentry::testing {

/// Lines of a .gz text file (empty when it cannot be read).
std::vector<std::string> read_gz_lines(const std::filesystem::path& file);

/// Options for canonical serialisation.
struct CanonOptions {
  bool drop_equal_suffixed_keys = false;  ///< write "K_N" as "K" when "K" is a sibling
  bool strip_replacement_chars = false;   ///< remove U+FFFD from strings
  bool drop_null_members = false;         ///< leave out object members whose value is null
};

/// A canonical text for a JSON value: keys in document order, numbers as parsed, strings raw.
std::string canon(simdjson::dom::element e, const CanonOptions& opt = {});

}  // namespace cmdsentry::testing

#pragma once
/// The trend as text: a terminal table, one JSON object (schema in docs/trend.md) or CSV (one
/// row per table line, a `section` column saying which table). Options come from the logs:
/// each format escapes them (terminal controls made visible, JSON escapes, CSV quoting with
/// formula neutralisation).

#include <string>
#include <string_view>

#include "trend/trend.h"

namespace cmdsentry::trend {

/// Rows of each observed table the text form shows (JSON and CSV give every row).
inline constexpr std::size_t kTableRows = 15;

/// `study` names the tables' file in the output.
void append_trend_table(std::string& out, const Trend& trend, std::string_view study);
void append_trend_json(std::string& out, const Trend& trend, std::string_view study);
void append_trend_csv(std::string& out, const Trend& trend);

}  // namespace cmdsentry::trend

#pragma once
/// Sigma values and value modifiers -> rules::FieldTest.
///
/// A Sigma value is a string with wildcards: '*' (any run) and '?' (one character); '\' escapes
/// '*', '?' and '\' itself, and is a plain backslash before anything else (specification,
/// "Escape Character"). Modifiers after the field name (`CommandLine|base64offset|contains`)
/// apply in order. Transformations work on the wildcard string:
///
///   contains / startswith / endswith   add '*' around, after, before
///   windash                            every flag dash ('-' or '/' starting a word) becomes each
///                                      of - / – — ― (all combinations; one value becomes many)
///   base64, base64offset               encode the bytes (no wildcards allowed); base64offset
///                                      gives the three alignments, cut to their stable middle
///   utf16le (wide), utf16be, utf16     re-encode the text (utf16: with a little-endian BOM)
///   expand                             %name% placeholders from LoadOptions (`\%` is a plain %)
///   all, cased                         every value must match; compare case-sensitively
///
/// Type modifiers give another kind of test: re (with i, m, s), cidr, exists, fieldref (with
/// contains/startswith/endswith), gt, gte, lt, lte. neq and the time modifiers (minute, hour,
/// day, week, month, year) of specification 2.1 are refused with a reason, and so are regular
/// expressions outside Sigma's flavor that Vectorscan cannot compile (back-references,
/// look-around), which would otherwise run on std::regex.
///
/// Empty strings and null are the same test (kNull): cmdsentry's events do not tell an empty
/// field from a missing one. Keyword values (no field name) match anywhere in any value of the
/// record, as if `contains` were given, unless another string modifier says where.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "rules/rule.h"

namespace cmdsentry::sigma {

/// Values for `expand` placeholders, by name without the percent signs ("Administrators").
using Placeholders = std::map<std::string, std::vector<std::string>>;

/// Adds one value of placeholder %NAME% from "NAME=VALUE" (the CLI's --sigma-placeholder; the
/// value is a Sigma string, wildcards included); false without '=' or without a name.
[[nodiscard]] bool add_placeholder(std::string_view assignment, Placeholders& out);

/// One value as YAML gave it: text, or null (`~`, `null`, nothing).
using SigmaValue = std::optional<std::string>;

/// The tests one `field|modifiers: values` entry of a detection map (or a keyword list) stands
/// for, all of which must hold (one test, or one per value with `all` when a value expanded into
/// several alternatives). `field` is empty for keywords. Errors: kUnsupported for what cmdsentry
/// cannot run (a modifier, an unknown placeholder), kInvalidArgument for a broken value, kLimit
/// when modifiers expand past limits::kMaxSigmaValues.
[[nodiscard]] Result<std::vector<rules::FieldTest>> compile_field(
    std::string_view field, const std::vector<std::string>& modifiers,
    const std::vector<SigmaValue>& values, const Placeholders& placeholders = {});

}  // namespace cmdsentry::sigma

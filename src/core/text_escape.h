#pragma once
/// Escaping for output sinks other than JSON/XML (those live in core/utf.h): CSV with formula
/// neutralisation, and terminal text without control sequences. Event text is attacker-controlled.

#include <string>
#include <string_view>

namespace cmdsentry {

/// One CSV field (RFC 4180 quoting). A value that a spreadsheet would run as a formula
/// (leading = + - @ TAB CR) is prefixed with a single quote.
void append_csv_field(std::string& out, std::string_view value);

/// Text safe for a terminal: C0/C1 controls and ESC become visible escapes (\x1b), DEL too.
std::string terminal_safe(std::string_view value);

}  // namespace cmdsentry

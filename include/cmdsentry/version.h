#pragma once
/// cmdsentry's version.

namespace cmdsentry {
/// Semantic version of this build.
inline constexpr const char* kVersion = "0.1.0";
}  // namespace cmdsentry

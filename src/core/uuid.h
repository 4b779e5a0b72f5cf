#pragma once
/// Deterministic identifiers: the same content always gets the same UUID, so generated
/// artefacts (AppLocker rule ids, exported Sigma rule ids) stay stable from run to run.

#include <string>
#include <string_view>

namespace cmdsentry {

/// A UUID (version 8, RFC 9562: custom, here two FNV-1a hashes of `content`), lower-case hex.
[[nodiscard]] std::string content_uuid(std::string_view content);

}  // namespace cmdsentry

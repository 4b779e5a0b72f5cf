#pragma once
/// Expands the PATH arguments of a subcommand into files: directories are walked recursively
/// (sorted, so runs are repeatable); unreadable paths are reported, not fatal.

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace cmdsentry::cli {

/// Files under `paths`. `keep(file)` filters what a directory walk yields (explicit files are
/// always kept); `on_error(path, message)` hears about missing or unreadable paths.
std::vector<std::filesystem::path> expand_paths(
    const std::vector<std::string>& paths,
    const std::function<bool(const std::filesystem::path&)>& keep,
    const std::function<void(const std::string&, const std::string&)>& on_error);

/// True when the file starts with the EVTX signature.
bool is_evtx_file(const std::filesystem::path& file);

}  // namespace cmdsentry::cli

#include "cli/input_files.h"

#include <algorithm>
#include <fstream>

#include "evtx/reader.h"

namespace cmdsentry::cli {

std::vector<std::filesystem::path> expand_paths(
    const std::vector<std::string>& paths,
    const std::function<bool(const std::filesystem::path&)>& keep,
    const std::function<void(const std::string&, const std::string&)>& on_error) {
  namespace fs = std::filesystem;
  std::vector<fs::path> out;
  for (const auto& p : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      on_error(p, "no such file or directory");
      continue;
    }
    if (!fs::is_directory(st)) {
      out.emplace_back(p);
      continue;
    }
    std::vector<fs::path> found;
    fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      on_error(p, ec.message());
      continue;
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) {
        on_error(p, ec.message());
        break;
      }
      std::error_code fec;
      if (it->is_regular_file(fec) && keep(it->path())) found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

bool is_evtx_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char head[8] = {};
  in.read(head, sizeof(head));
  return in.gcount() == 8 &&
         evtx::looks_like_evtx(reinterpret_cast<const std::uint8_t*>(head), sizeof(head));
}

}  // namespace cmdsentry::cli

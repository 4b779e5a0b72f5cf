// Fuzz target: a whole EVTX file (header, chunk slots, truncation) through the parallel reader and
// the dump renderers. The input is written to an anonymous memory file, read back by path.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "evtx/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const int fd = memfd_create("fuzz_evtx_file", 0);
  if (fd < 0) return 0;
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = write(fd, data + done, size - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  cmdsentry::evtx::ReadOptions opt;
  opt.threads = 2;
  opt.carve = true;
  (void)cmdsentry::evtx::read_events(
      path, opt, [](cmdsentry::RawEvent&&) {}, [](const cmdsentry::evtx::Diagnostic&) {});
  for (auto fmt : {cmdsentry::evtx::RenderFormat::kJsonl, cmdsentry::evtx::RenderFormat::kXml}) {
    cmdsentry::evtx::DumpOptions dopt;
    dopt.read.threads = 1;
    dopt.format = fmt;
    (void)cmdsentry::evtx::dump_files(
        {path}, dopt, [](std::string_view) {}, [](const cmdsentry::evtx::Diagnostic&) {},
        [](const cmdsentry::evtx::FileReport&) {});
  }
  close(fd);
  return 0;
}

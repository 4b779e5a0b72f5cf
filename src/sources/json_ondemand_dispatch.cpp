// Picks the build of json_ondemand.cpp this CPU can run. simdjson's On-Demand code is compiled
// into the caller for the instruction set the caller is compiled for; the rest of cmdsentry
// targets x86-64-v2, which would give On-Demand its scalar fallback. So json_ondemand.cpp is
// built for AVX2 ("haswell") and SSE4.2+PCLMUL ("westmere") (no AVX-512 kernel: see
// CMakeLists.txt), and simdjson's own CPU detection decides at run time.
#include <simdjson.h>

#include "sources/json_event.h"

namespace cmdsentry::sources::detail {

#define CMDSENTRY_DECLARE_KERNEL(ns)                                                   \
  namespace ns {                                                                       \
  void* make_reader();                                                                 \
  void free_reader(void* reader);                                                      \
  bool read(void* reader, std::string_view json, RawEvent& out, bool& not_winlogbeat); \
  }

#if defined(CMDSENTRY_ONDEMAND_X86)
CMDSENTRY_DECLARE_KERNEL(haswell)
CMDSENTRY_DECLARE_KERNEL(westmere)
#else
CMDSENTRY_DECLARE_KERNEL(generic)
#endif
#undef CMDSENTRY_DECLARE_KERNEL

namespace {

struct Kernel {
  void* (*make)();
  void (*free)(void*);
  bool (*read)(void*, std::string_view, RawEvent&, bool&);
};

const Kernel* pick() {
#if defined(CMDSENTRY_ONDEMAND_X86)
  static const Kernel kHaswell{haswell::make_reader, haswell::free_reader, haswell::read};
  static const Kernel kWestmere{westmere::make_reader, westmere::free_reader, westmere::read};
  const auto& all = simdjson::get_available_implementations();
  const auto* h = all["haswell"];
  if (h != nullptr && h->supported_by_runtime_system()) return &kHaswell;
  const auto* w = all["westmere"];
  if (w != nullptr && w->supported_by_runtime_system()) return &kWestmere;
  return nullptr;  // the DOM reader's own dispatch still runs whatever this CPU has
#else
  static const Kernel kGeneric{generic::make_reader, generic::free_reader, generic::read};
  return &kGeneric;
#endif
}

}  // namespace

class OnDemandReader {
 public:
  const Kernel* kernel;
  void* state;
};

void OnDemandReaderDeleter::operator()(OnDemandReader* r) const {
  r->kernel->free(r->state);
  delete r;
}

OnDemandReaderPtr make_ondemand_reader() {
  static const Kernel* const kernel = pick();
  if (kernel == nullptr) return nullptr;
  void* state = kernel->make();
  if (state == nullptr) return nullptr;
  return OnDemandReaderPtr(new OnDemandReader{kernel, state});
}

bool read_winlogbeat_ondemand(OnDemandReader& reader, std::string_view json, RawEvent& out,
                              bool& not_winlogbeat) {
  return reader.kernel->read(reader.state, json, out, not_winlogbeat);
}

}  // namespace cmdsentry::sources::detail

#include "evtx/mapping.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>

namespace cmdsentry::evtx::detail {
namespace {

/// Mappings open at once: a few per reading thread (the reader maps one batch per job).
constexpr std::size_t kSlots = 256;

struct Slot {
  std::atomic<std::uintptr_t> begin{0};  ///< 0: free
  std::atomic<std::uintptr_t> end{0};
  std::atomic<bool> faulted{false};
};

std::array<Slot, kSlots> g_slots;
struct sigaction g_previous {};
std::uintptr_t g_page = 4096;
std::once_flag g_installed;

/// Signal handler: only async-signal-safe work (atomics, mmap, sigaction).
void on_sigbus(int sig, siginfo_t* info, void* context) {
  const auto addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
  for (Slot& s : g_slots) {
    const std::uintptr_t begin = s.begin.load(std::memory_order_acquire);
    const std::uintptr_t end = s.end.load(std::memory_order_acquire);
    if (begin == 0 || addr < begin || addr >= end) continue;
    const std::uintptr_t page = addr & ~(g_page - 1);
    void* p = ::mmap(reinterpret_cast<void*>(page), end - page, PROT_READ,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (p == MAP_FAILED) break;
    s.faulted.store(true, std::memory_order_release);
    return;  // the read is retried and sees zeros
  }
  // Not ours: what would have happened without us.
  if ((g_previous.sa_flags & SA_SIGINFO) != 0 && g_previous.sa_sigaction != nullptr) {
    g_previous.sa_sigaction(sig, info, context);
    return;
  }
  if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN &&
      g_previous.sa_handler != nullptr) {
    g_previous.sa_handler(sig);
    return;
  }
  ::sigaction(SIGBUS, &g_previous, nullptr);  // the fault repeats and takes the default action
}

void install() {
  g_page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  struct sigaction sa {};
  sa.sa_sigaction = on_sigbus;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGBUS, &sa, &g_previous);
}

}  // namespace

bool Mapping::map(int fd, std::uint64_t offset, std::uint64_t size) {
  std::call_once(g_installed, install);
  int slot = -1;
  for (std::size_t i = 0; i < kSlots && slot < 0; ++i) {
    std::uintptr_t expected = 0;
    // Claimed with a placeholder, published once the range is known.
    if (g_slots[i].begin.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
      slot = static_cast<int>(i);
    }
  }
  if (slot < 0) return false;
  Slot& s = g_slots[static_cast<std::size_t>(slot)];
  void* p =
      ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, static_cast<off_t>(offset));
  if (p == MAP_FAILED) {
    s.begin.store(0, std::memory_order_release);
    return false;
  }
  s.faulted.store(false, std::memory_order_relaxed);
  s.end.store(reinterpret_cast<std::uintptr_t>(p) + size, std::memory_order_release);
  s.begin.store(reinterpret_cast<std::uintptr_t>(p), std::memory_order_release);
  addr_ = p;
  size_ = size;
  slot_ = slot;
  return true;
}

bool Mapping::faulted() const {
  return slot_ >= 0 &&
         g_slots[static_cast<std::size_t>(slot_)].faulted.load(std::memory_order_acquire);
}

Mapping::~Mapping() {
  if (addr_ == nullptr) return;
  Slot& s = g_slots[static_cast<std::size_t>(slot_)];
  s.end.store(0, std::memory_order_release);
  ::munmap(addr_, size_);
  s.begin.store(0, std::memory_order_release);
}

}  // namespace cmdsentry::evtx::detail

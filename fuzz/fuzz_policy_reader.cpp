// Fuzzes the AppLocker policy reader (policy/reader.h) and the evaluation of what it reads:
// hostile policy XML must give an error or a policy, never a crash, and any policy read must
// evaluate and serialize.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "policy/evaluate.h"
#include "policy/reader.h"
#include "policy/writer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cmdsentry::policy;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto policy = read_policy(text);
  if (!policy) return 0;
  static const std::vector<std::string> kSids{"S-1-1-0", "S-1-5-32-544"};
  FileFacts f;
  f.path = "C:\\Windows\\System32\\net.exe";
  f.publisher = kMicrosoftPublisher;
  f.product = kWindowsProduct;
  f.binary = "NET.EXE";
  f.version = "10.0.19041.1";
  f.sha256 = "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF";
  for (const RuleCollection& c : policy->collections) (void)evaluate(&c, f, kSids);
  // What we read, we can write and read again.
  auto again = read_policy(write_policy_xml(*policy));
  if (!again) __builtin_trap();
  (void)write_srp_reg(*policy);
  return 0;
}

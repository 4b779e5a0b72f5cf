// PowerShell: parameter prefixes, Base64, UTF-16LE decoding, native invocations in scripts.
#include "cmdline/powershell.h"

#include <gtest/gtest.h>

#include "core/limits.h"

namespace cmdsentry::cmdline {
namespace {

// "whoami /all; net user /domain" as UTF-16LE, Base64.
constexpr const char* kEncoded =
    "dwBoAG8AYQBtAGkAIAAvAGEAbABsADsAIABuAGUAdAAgAHUAcwBlAHIAIAAvAGQAbwBtAGEAaQBuAA==";

TEST(PowerShell, encoded_command_prefixes) {
  for (const char* p : {"e", "en", "enc", "enco", "EncodedCommand", "ec", "ENC"}) {
    EXPECT_TRUE(is_encoded_command_parameter(p)) << p;
  }
  for (const char* p : {"ex", "ep", "executionpolicy", "encodedcommandx", "c", ""}) {
    EXPECT_FALSE(is_encoded_command_parameter(p)) << p;
  }
}

TEST(PowerShell, base64) {
  EXPECT_EQ(decode_base64("aGVsbG8=", 100), "hello");
  EXPECT_EQ(decode_base64("aGVsbG8", 100), "hello");       // padding optional
  EXPECT_EQ(decode_base64(" aGVs\nbG8= ", 100), "hello");  // whitespace ignored
  EXPECT_FALSE(decode_base64("aGV*bG8=", 100).has_value());
  bool cut = false;
  EXPECT_EQ(decode_base64("aGVsbG8=", 3, &cut), "hel");
  EXPECT_TRUE(cut);
}

TEST(PowerShell, utf16_payload) {
  const auto bytes = decode_base64(kEncoded, 1000);
  ASSERT_TRUE(bytes.has_value());
  EXPECT_EQ(decode_script_bytes(*bytes), "whoami /all; net user /domain");
  EXPECT_EQ(decode_script_bytes("plain"), "plain");  // not UTF-16: kept
}

TEST(PowerShell, script_from_arguments) {
  auto s = powershell_script({"-nop", "-w", "hidden", "-enc", kEncoded});
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->encoded);
  EXPECT_EQ(s->text, "whoami /all; net user /domain");
  s = powershell_script({"-ExecutionPolicy", "Bypass", "-Command", "Get-Process;", "whoami"});
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->text, "Get-Process; whoami");
  s = powershell_script({"-nologo", "ipconfig", "/all"});
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->text, "ipconfig /all");
  EXPECT_FALSE(powershell_script({"-File", "x.ps1"}).has_value());
  EXPECT_FALSE(powershell_script({"-noexit"}).has_value());
  s = powershell_script({"-e", "!!!"});
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->decode_failed);
}

TEST(PowerShell, native_invocations) {
  const auto v = native_invocations(
      "$x = 1; Get-Process | Out-Null; whoami /all; & \"C:\\Windows\\System32\\net.exe\" view; "
      "sc query; sc.exe qc x; if ($a) { nltest /dclist:corp }; n`et user");
  ASSERT_EQ(v.size(), 5u);
  EXPECT_EQ(v[0], "whoami /all");
  EXPECT_EQ(v[1], "\"C:\\Windows\\System32\\net.exe\" view");
  EXPECT_EQ(v[2], "sc.exe qc x");
  EXPECT_EQ(v[3], "nltest /dclist:corp");
  EXPECT_EQ(v[4], "net user");
}

TEST(PowerShell, caps_decoded_script) {
  // 'A' * n as UTF-16LE: "QQBBAEEA..." - build a payload larger than the cap.
  std::string b64;
  const std::size_t units = limits::kMaxDecodedScriptBytes + 1000;
  for (std::size_t i = 0; i < units / 3 * 2; ++i) b64 += "QQBB";
  auto s = powershell_script({"-enc", b64});
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->truncated);
  EXPECT_LE(s->text.size(), limits::kMaxDecodedScriptBytes);
}

}  // namespace
}  // namespace cmdsentry::cmdline

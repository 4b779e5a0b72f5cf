// Sigma value modifiers and wildcards, one hand-written rule each, evaluated on hand-written
// records (exactly and through the prefilter: sigma_support.h).
#include <gtest/gtest.h>

#include "sigma_support.h"

namespace cmdsentry::sigma {
namespace {

using testkit::fires;
using testkit::MapRecord;
using testkit::rule_yaml;

std::string one(const std::string& entry) {
  return rule_yaml("    selection:\n        " + entry + "\n    condition: selection\n");
}

TEST(SigmaModifiers, plain_values_are_whole_and_case_insensitive) {
  const std::string r = one(R"(Image: 'C:\Windows\System32\whoami.exe')");
  EXPECT_TRUE(fires(r, MapRecord{{"Image", R"(c:\windows\system32\WHOAMI.EXE)"}}));
  EXPECT_FALSE(fires(r, MapRecord{{"Image", R"(C:\Windows\System32\whoami.exe.bak)"}}));
  EXPECT_FALSE(fires(r, MapRecord{{"CommandLine", R"(C:\Windows\System32\whoami.exe)"}}));
}

TEST(SigmaModifiers, contains_startswith_endswith) {
  EXPECT_TRUE(fires(one("CommandLine|contains: ' -enc '"),
                    MapRecord{{"CommandLine", "powershell -ENC abc"}}));
  EXPECT_FALSE(
      fires(one("CommandLine|contains: ' -enc '"), MapRecord{{"CommandLine", "powershell -encx"}}));
  EXPECT_TRUE(fires(one("CommandLine|startswith: 'net '"), MapRecord{{"CommandLine", "NET use"}}));
  EXPECT_FALSE(fires(one("CommandLine|startswith: 'net '"), MapRecord{{"CommandLine", "xnet u"}}));
  EXPECT_TRUE(fires(one(R"(Image|endswith: '\rundll32.exe')"),
                    MapRecord{{"Image", R"(C:\Windows\rundll32.exe)"}}));
  EXPECT_FALSE(fires(one(R"(Image|endswith: '\rundll32.exe')"),
                     MapRecord{{"Image", R"(C:\Windows\xrundll32.exe)"}}));
}

TEST(SigmaModifiers, lists_are_or_and_all_makes_them_and) {
  const std::string any = rule_yaml(
      "    selection:\n        CommandLine|contains:\n            - 'a1b'\n            - 'c2d'\n"
      "    condition: selection\n");
  EXPECT_TRUE(fires(any, MapRecord{{"CommandLine", "x c2d"}}));
  const std::string all = rule_yaml(
      "    selection:\n        CommandLine|contains|all:\n            - 'a1b'\n            - "
      "'c2d'\n    condition: selection\n");
  EXPECT_FALSE(fires(all, MapRecord{{"CommandLine", "x c2d"}}));
  EXPECT_TRUE(fires(all, MapRecord{{"CommandLine", "c2d a1b"}}));
}

TEST(SigmaModifiers, wildcards_and_escapes) {
  const std::string r = one(R"(Image: 'C:\Users\\*\AppData\\?emp\\*.exe')");
  EXPECT_TRUE(fires(r, MapRecord{{"Image", R"(C:\Users\bob\AppData\Temp\x.exe)"}}));
  EXPECT_FALSE(fires(r, MapRecord{{"Image", R"(C:\Users\bob\AppData\Local\x.exe)"}}));
  // \* and \? are plain characters; \\ before a wildcard is one backslash.
  EXPECT_TRUE(fires(one(R"(CommandLine: 'what\?')"), MapRecord{{"CommandLine", "what?"}}));
  EXPECT_FALSE(fires(one(R"(CommandLine: 'what\?')"), MapRecord{{"CommandLine", "whatx"}}));
  EXPECT_TRUE(fires(one(R"(CommandLine: 'a\*b')"), MapRecord{{"CommandLine", "a*b"}}));
  EXPECT_FALSE(fires(one(R"(CommandLine: 'a\*b')"), MapRecord{{"CommandLine", "axxb"}}));
  EXPECT_TRUE(fires(one(R"(CommandLine: 'dir c:\\*')"), MapRecord{{"CommandLine", R"(dir c:\x)"}}));
  EXPECT_TRUE(fires(one(R"(CommandLine: 'c:\\\*')"), MapRecord{{"CommandLine", R"(c:\*)"}}));
  EXPECT_FALSE(fires(one(R"(CommandLine: 'c:\\\*')"), MapRecord{{"CommandLine", R"(c:\x)"}}));
  EXPECT_TRUE(fires(one(R"(CommandLine: 'a\\\\b')"), MapRecord{{"CommandLine", R"(a\\b)"}}));
}

TEST(SigmaModifiers, cased) {
  EXPECT_TRUE(
      fires(one("CommandLine|contains|cased: ' -H '"), MapRecord{{"CommandLine", "c -H x"}}));
  EXPECT_FALSE(
      fires(one("CommandLine|contains|cased: ' -H '"), MapRecord{{"CommandLine", "c -h x"}}));
}

TEST(SigmaModifiers, regular_expressions_and_flags) {
  EXPECT_TRUE(fires(one(R"(CommandLine|re: '\s-c\s')"), MapRecord{{"CommandLine", "curl -c x"}}));
  EXPECT_FALSE(fires(one(R"(CommandLine|re: '\s-c\s')"), MapRecord{{"CommandLine", "curl -C x"}}));
  EXPECT_TRUE(fires(one(R"(CommandLine|re|i: '\s-c\s')"), MapRecord{{"CommandLine", "curl -C x"}}));
  EXPECT_TRUE(
      fires(one("CommandLine|re|m: '^second$'"), MapRecord{{"CommandLine", "first\nsecond"}}));
  EXPECT_FALSE(
      fires(one("CommandLine|re: '^second$'"), MapRecord{{"CommandLine", "first\nsecond"}}));
  EXPECT_TRUE(fires(one("CommandLine|re|s: 'a.b'"), MapRecord{{"CommandLine", "a\nb"}}));
  EXPECT_FALSE(fires(one("CommandLine|re: 'a.b'"), MapRecord{{"CommandLine", "a\nb"}}));
}

TEST(SigmaModifiers, base64_and_base64offset) {
  // "whoami" is d2hvYW1p in base64.
  EXPECT_TRUE(fires(one("CommandLine|base64|contains: 'whoami'"),
                    MapRecord{{"CommandLine", "-e d2hvYW1p"}}));
  EXPECT_FALSE(fires(one("CommandLine|base64|contains: 'whoami'"),
                     MapRecord{{"CommandLine", "-e D2HVYW1P"}}));  // base64 is cased
  // The value at each of the three alignments inside a longer encoded text.
  const std::string r = one("CommandLine|base64offset|contains: 'http://'");
  EXPECT_TRUE(fires(r, MapRecord{{"CommandLine", "x aHR0cDovL2V2aWw="}}));      // "http://evil"
  EXPECT_TRUE(fires(r, MapRecord{{"CommandLine", "x IGh0dHA6Ly9ldmls"}}));      // " http://evil"
  EXPECT_TRUE(fires(r, MapRecord{{"CommandLine", "x ICBodHRwOi8vZXZpbA=="}}));  // "  http://evil"
  EXPECT_FALSE(fires(r, MapRecord{{"CommandLine", "x aHR0cHM6Ly9ldmls"}}));     // "https://evil"
}

TEST(SigmaModifiers, utf16_encodings) {
  // "cmd" as UTF-16LE, base64: YwBtAGQA; as UTF-16BE: AGMAbQBk; with a BOM: //5jAG0AZAA=.
  EXPECT_TRUE(fires(one("CommandLine|wide|base64|contains: 'cmd'"),
                    MapRecord{{"CommandLine", "-enc YwBtAGQA"}}));
  EXPECT_TRUE(fires(one("CommandLine|utf16le|base64|contains: 'cmd'"),
                    MapRecord{{"CommandLine", "-enc YwBtAGQA"}}));
  EXPECT_TRUE(fires(one("CommandLine|utf16be|base64|contains: 'cmd'"),
                    MapRecord{{"CommandLine", "-enc AGMAbQBk"}}));
  EXPECT_TRUE(fires(one("CommandLine|utf16|base64|contains: 'cmd'"),
                    MapRecord{{"CommandLine", "-enc //5jAG0AZAA="}}));
  EXPECT_TRUE(fires(one("CommandLine|utf16le|contains: 'cmd'"),
                    MapRecord{{"CommandLine", std::string("x c\0m\0d\0", 9)}}));
}

TEST(SigmaModifiers, windash_covers_every_flag_dash) {
  const std::string r = one("CommandLine|windash|contains: ' -enc '");
  for (const char* dash : {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"}) {
    EXPECT_TRUE(fires(r, MapRecord{{"CommandLine", std::string("powershell ") + dash + "enc x"}}))
        << dash;
  }
  EXPECT_FALSE(fires(r, MapRecord{{"CommandLine", "powershell +enc x"}}));
  // Only dashes that start a flag change: "a-b" inside a word is left alone.
  const std::string word = one("CommandLine|windash|contains: 'x-y -z'");
  EXPECT_TRUE(fires(word, MapRecord{{"CommandLine", "x-y /z"}}));
  EXPECT_FALSE(fires(word, MapRecord{{"CommandLine", "x/y /z"}}));
}

TEST(SigmaModifiers, cidr) {
  const std::string r =
      one("DestinationIp|cidr:\n            - '10.0.0.0/8'\n            - 'fe80::/10'");
  EXPECT_TRUE(fires(r, MapRecord{{"DestinationIp", "10.1.2.3"}}));
  EXPECT_TRUE(fires(r, MapRecord{{"DestinationIp", "fe80::1"}}));
  EXPECT_FALSE(fires(r, MapRecord{{"DestinationIp", "11.1.2.3"}}));
  EXPECT_FALSE(fires(r, MapRecord{{"DestinationIp", "not an ip"}}));
}

TEST(SigmaModifiers, exists) {
  EXPECT_TRUE(
      fires(one("OriginalFileName|exists: true"), MapRecord{{"OriginalFileName", "x.exe"}}));
  EXPECT_FALSE(fires(one("OriginalFileName|exists: true"), MapRecord{{"Image", "x.exe"}}));
  EXPECT_TRUE(fires(one("OriginalFileName|exists: false"), MapRecord{{"Image", "x.exe"}}));
}

TEST(SigmaModifiers, fieldref) {
  const std::string r = one("User|fieldref: ParentUser");
  EXPECT_TRUE(fires(r, MapRecord{{"User", "CORP\\bob"}, {"ParentUser", "corp\\BOB"}}));
  EXPECT_FALSE(fires(r, MapRecord{{"User", "CORP\\bob"}, {"ParentUser", "CORP\\alice"}}));
  EXPECT_FALSE(fires(r, MapRecord{{"User", "CORP\\bob"}}));
  EXPECT_TRUE(fires(one("CommandLine|fieldref|contains: Image"),
                    MapRecord{{"CommandLine", "\"c:\\x.exe\" -a"}, {"Image", "c:\\x.exe"}}));
}

TEST(SigmaModifiers, numbers) {
  EXPECT_TRUE(fires(one("ProcessId|gt: 100"), MapRecord{{"ProcessId", "101"}}));
  EXPECT_FALSE(fires(one("ProcessId|gt: 100"), MapRecord{{"ProcessId", "100"}}));
  EXPECT_TRUE(fires(one("ProcessId|gte: 100"), MapRecord{{"ProcessId", "100"}}));
  EXPECT_TRUE(fires(one("ProcessId|lt: 100"), MapRecord{{"ProcessId", "0x10"}}));
  EXPECT_TRUE(fires(one("ProcessId|lte: 100"), MapRecord{{"ProcessId", "100"}}));
  EXPECT_FALSE(fires(one("ProcessId|lte: 100"), MapRecord{{"ProcessId", "abc"}}));
}

TEST(SigmaModifiers, null_and_empty_mean_absent_or_empty) {
  EXPECT_TRUE(fires(one("OriginalFileName: null"), MapRecord{{"Image", "x"}}));
  EXPECT_TRUE(fires(one("OriginalFileName: null"), MapRecord{{"OriginalFileName", ""}}));
  EXPECT_FALSE(fires(one("OriginalFileName: null"), MapRecord{{"OriginalFileName", "x.exe"}}));
  EXPECT_TRUE(fires(one("OriginalFileName: ''"), MapRecord{{"Image", "x"}}));
  EXPECT_FALSE(fires(one("OriginalFileName: ''"), MapRecord{{"OriginalFileName", "x.exe"}}));
}

TEST(SigmaModifiers, expand_uses_given_placeholders_or_refuses) {
  const std::string r = one("User|expand: '%Administrators%'");
  LoadOptions o;
  ASSERT_TRUE(add_placeholder("Administrators=CORP\\adm-*", o.placeholders));
  ASSERT_TRUE(add_placeholder("%Administrators%=CORP\\root", o.placeholders));
  EXPECT_EQ(o.placeholders["Administrators"].size(), 2U);
  EXPECT_FALSE(add_placeholder("no-equals-sign", o.placeholders));
  EXPECT_FALSE(add_placeholder("=value", o.placeholders));
  LoadResult loaded = load_text(r, "x.yml", o);
  ASSERT_EQ(loaded.rules.size(), 1U);
  auto set = rules::RuleSet::build(std::move(loaded.rules));
  ASSERT_TRUE(set);
  rules::Matcher m(*set);
  EXPECT_TRUE(m.evaluate((*set)->rules().front(), MapRecord{{"User", "corp\\adm-bob"}}, nullptr));
  EXPECT_FALSE(m.evaluate((*set)->rules().front(), MapRecord{{"User", "corp\\bob"}}, nullptr));
  const Diagnostic d = testkit::failure(r);
  EXPECT_EQ(d.code, "sigma-unsupported");
  EXPECT_NE(d.message.find("%Administrators%"), std::string::npos);
  // Without expand, percent signs are plain text.
  EXPECT_TRUE(fires(one("CommandLine: '%COMSPEC%'"), MapRecord{{"CommandLine", "%comspec%"}}));
}

TEST(SigmaModifiers, keywords_match_anywhere_in_any_value) {
  const std::string r = rule_yaml(
      "    keywords:\n        - 'event::clear'\n        - 'sekurlsa'\n    condition: keywords\n");
  EXPECT_TRUE(fires(r, MapRecord{{"CommandLine", "mimikatz SEKURLSA::logonpasswords"}}));
  EXPECT_FALSE(fires(r, MapRecord{{"CommandLine", "mimikatz"}}));
  const std::string all = rule_yaml(
      "    keywords:\n        '|all':\n            - 'OabVirtualDirectory'\n            - ' "
      "-ExternalUrl '\n    condition: keywords\n");
  EXPECT_TRUE(fires(all, MapRecord{{"a", "Set-OabVirtualDirectory"}, {"b", "x -ExternalUrl y"}}));
  EXPECT_FALSE(fires(all, MapRecord{{"a", "Set-OabVirtualDirectory"}}));
}

TEST(SigmaModifiers, refused_with_reasons) {
  const std::pair<const char*, const char*> kRefused[] = {
      {"CommandLine|neq: x", "sigma-unsupported"},
      {"CommandLine|hour: 3", "sigma-unsupported"},
      {"CommandLine|bogus: x", "sigma-invalid"},
      {"CommandLine|i: x", "sigma-invalid"},  // i needs re before it
      {"CommandLine|re|cidr: x", "sigma-invalid"},
      {"CommandLine|contains|base64: 'a*b'", "sigma-invalid"},
      {"DestinationIp|cidr: 10.0.0.0/33", "sigma-invalid"},
      {"OriginalFileName|exists: maybe", "sigma-invalid"},
      {"ProcessId|gt: many", "sigma-invalid"},
      {"CommandLine|re: '(unclosed'", "sigma-invalid"},
      {"CommandLine|re: '(a)\\1'", "sigma-unsupported"},  // back-reference
      {"CommandLine|re: 'a(?=b)'", "sigma-unsupported"},  // look-ahead
  };
  for (const auto& [entry, code] : kRefused) {
    const Diagnostic d = testkit::failure(one(entry));
    EXPECT_EQ(d.code, code) << entry;
    EXPECT_EQ(d.where.line, 9U) << entry;  // the entry's line
  }
  // windash on a value with many flags stops at the value cap instead of growing forever.
  std::string many = "CommandLine|windash: '";
  for (int i = 0; i < 12; ++i) many += " -a" + std::to_string(i);
  EXPECT_EQ(testkit::failure(one(many + "'")).code, "sigma-limit");
}

}  // namespace
}  // namespace cmdsentry::sigma

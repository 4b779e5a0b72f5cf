#include "rules/ruleset.h"

#include <gtest/gtest.h>

#include <map>

#include "rules/condition.h"

namespace cmdsentry::rules {
namespace {

class MapRecord final : public Record {
 public:
  std::map<std::string, std::string> fields;
  std::optional<std::string_view> get(const FieldRef& f, std::string&) const override {
    auto it = fields.find(f.name);
    if (it == fields.end()) return std::nullopt;
    return std::string_view(it->second);
  }
  void for_each_value(const std::function<void(std::string_view)>& fn) const override {
    for (const auto& [k, v] : fields) fn(v);
  }
};

Value text(Value::Op op, std::string s) {
  Value v;
  v.op = op;
  v.text = std::move(s);
  return v;
}

Rule make_rule(const std::string& condition) {
  Rule r;
  r.id = "r1";
  r.route = "process_creation";
  Detection sel;
  sel.name = "selection";
  sel.alternatives.push_back(
      {FieldTest{{"Image", 0}, {text(Value::Op::kSuffix, "\\rundll32.exe")}, false}});
  Detection filter;
  filter.name = "filter";
  filter.alternatives.push_back(
      {FieldTest{{"CommandLine", 0}, {text(Value::Op::kContains, "shell32.dll")}, false}});
  r.detections = {sel, filter};
  auto c = parse_condition(condition);
  EXPECT_TRUE(c) << condition;
  auto e = resolve(*c, r.detections);
  EXPECT_TRUE(e) << condition;
  r.conditions.push_back(*e);
  return r;
}

TEST(Condition, parses_precedence_and_quantifiers) {
  auto c = parse_condition("a or b and not c");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, Condition::Kind::kOr);
  ASSERT_EQ(c->kids.size(), 2U);
  EXPECT_EQ(c->kids[1].kind, Condition::Kind::kAnd);
  EXPECT_EQ(c->kids[1].kids[1].kind, Condition::Kind::kNot);
  auto q = parse_condition("all of sel_* and not 1 of filter*");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->kids[0].kind, Condition::Kind::kOf);
  EXPECT_EQ(q->kids[0].count, 0U);
  EXPECT_EQ(q->kids[0].name, "sel_*");
  EXPECT_FALSE(parse_condition("(a and b"));
  EXPECT_FALSE(parse_condition("a and"));
  EXPECT_FALSE(parse_condition("sel*"));
  EXPECT_FALSE(parse_condition(std::string(200, '(') + "a" + std::string(200, ')')));
}

TEST(Condition, name_glob) {
  EXPECT_TRUE(name_matches("sel*", "selection"));
  EXPECT_TRUE(name_matches("s?l", "sel"));
  EXPECT_FALSE(name_matches("filter_*", "selection"));
}

TEST(Resolve, rejects_unknown_names_and_empty_quantifiers) {
  std::vector<Detection> ds(1);
  ds[0].name = "selection";
  EXPECT_FALSE(resolve(*parse_condition("nope"), ds));
  EXPECT_FALSE(resolve(*parse_condition("1 of filter*"), ds));
  EXPECT_TRUE(resolve(*parse_condition("1 of them"), ds));
}

TEST(Matcher, prefilter_gates_and_exact_evaluation_decides) {
  std::vector<Rule> rules{make_rule("selection and not filter")};
  auto set = RuleSet::build(std::move(rules));
  ASSERT_TRUE(set);
  Matcher m(*set);
  const Bucket* b = (*set)->bucket("process_creation");
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->unfiltered.empty());

  MapRecord hit;
  hit.fields = {{"Image", "C:\\Windows\\System32\\RUNDLL32.EXE"},
                {"CommandLine", "rundll32 evil.dll,Go"}};
  std::vector<RuleHit> out;
  m.match(*b, hit, 1, out);
  ASSERT_EQ(out.size(), 1U);
  ASSERT_EQ(out[0].fields.size(), 1U);
  EXPECT_EQ(out[0].fields[0].name, "Image");

  MapRecord filtered = hit;
  filtered.fields["CommandLine"] = "rundll32 shell32.dll,Control_RunDLL";
  out.clear();
  m.match(*b, filtered, 1, out);
  EXPECT_TRUE(out.empty());

  MapRecord other;
  other.fields = {{"Image", "C:\\Windows\\System32\\notepad.exe"}};
  const auto evaluated = m.evaluated;
  m.match(*b, other, 1, out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(m.evaluated, evaluated);  // ruled out by the prefilter, never evaluated
}

TEST(Matcher, value_ops) {
  auto set = RuleSet::build({});
  ASSERT_TRUE(set);
  Matcher m(*set);
  Rule r;
  Detection d;
  d.name = "sel";
  Value glob =
      text(Value::Op::kGlob, "c:\\\\*\\\\cmd.ex?");  // internal escapes: \\ is one backslash
  Value gt;
  gt.op = Value::Op::kGt;
  gt.number = 10;
  Value cidr;
  cidr.op = Value::Op::kCidr;
  cidr.cidr[0] = 10;
  cidr.cidr_bits = 8;
  Value missing;
  missing.op = Value::Op::kExists;
  missing.exists = false;
  d.alternatives.push_back(
      {FieldTest{{"Image", 0}, {glob}, false}, FieldTest{{"Count", 0}, {gt}, false},
       FieldTest{{"Ip", 0}, {cidr}, false}, FieldTest{{"Absent", 0}, {missing}, false}});
  r.detections = {d};
  r.conditions.push_back(*resolve(*parse_condition("sel"), r.detections));
  MapRecord rec;
  rec.fields = {{"Image", "C:\\Windows\\CMD.EXE"}, {"Count", "11"}, {"Ip", "10.1.2.3"}};
  EXPECT_TRUE(m.evaluate(r, rec, nullptr));
  rec.fields["Count"] = "0x5";
  EXPECT_FALSE(m.evaluate(r, rec, nullptr));
  rec.fields["Count"] = "12";
  rec.fields["Ip"] = "11.1.2.3";
  EXPECT_FALSE(m.evaluate(r, rec, nullptr));
  rec.fields["Ip"] = "10.0.0.1";
  rec.fields["Absent"] = "";
  EXPECT_FALSE(m.evaluate(r, rec, nullptr));
}

TEST(Regex, vectorscan_flags_and_fallback) {
  auto re = Regex::compile("^net\\s+user", Regex::kCaseless);
  ASSERT_TRUE(re);
  auto set = RuleSet::build({});
  Matcher m(*set);
  Rule r;
  Detection d;
  d.name = "sel";
  Value v;
  v.op = Value::Op::kRegex;
  v.regex = *re;
  d.alternatives.push_back({FieldTest{{"CommandLine", 0}, {v}, false}});
  r.detections = {d};
  r.conditions.push_back(*resolve(*parse_condition("sel"), r.detections));
  // A matcher over a set holding the regex allocates its scratch for it.
  std::vector<Rule> rules{r};
  auto set2 = RuleSet::build(std::move(rules));
  ASSERT_TRUE(set2);
  Matcher m2(*set2);
  MapRecord rec;
  rec.fields = {{"CommandLine", "NET  USER admin"}};
  EXPECT_TRUE(m2.evaluate((*set2)->rules()[0], rec, nullptr));
  rec.fields["CommandLine"] = "xnet user";
  EXPECT_FALSE(m2.evaluate((*set2)->rules()[0], rec, nullptr));
  // Back-references need the std::regex fallback.
  auto back = Regex::compile("(a)\\1", 0);
  ASSERT_TRUE(back);
  EXPECT_TRUE((*back)->search("xaax", nullptr));
  EXPECT_FALSE(Regex::compile("(", 0));
}

TEST(Value, glob_literal_stops_at_wildcards_and_escapes) {
  EXPECT_EQ(text(Value::Op::kGlob, "c:\\users\\\\*\\appdata\\local\\\\*").required_literal(),
            "\\appdata\\local");
  EXPECT_EQ(text(Value::Op::kGlob, "a\\*bcdef?g").required_literal(), "bcdef");
  EXPECT_EQ(text(Value::Op::kGlob, "*").required_literal(), "");
}

}  // namespace
}  // namespace cmdsentry::rules

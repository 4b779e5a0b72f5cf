#include "policy_support.h"

#include <cstdarg>
#include <cstdio>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <gtest/gtest.h>

#include "testing.h"

namespace cmdsentry::policy::testing {
namespace {

void collect(void* ctx, const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  *static_cast<std::string*>(ctx) += buf;
}

}  // namespace

Policy generated(const std::vector<std::string>& commands, EnforcementMode mode,
                 std::vector<std::string> deny_sids, std::vector<ExemptGroup> exempt) {
  GenerateOptions o;
  for (const std::string& c : commands) o.restrictions.push_back({c, "", {}, {c}, {}, ""});
  o.mode = mode;
  o.deny_sids = std::move(deny_sids);
  o.exempt = std::move(exempt);
  auto p = generate_policy(o);
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().message);
  return p ? *p : Policy{};
}

std::string schema_errors(const std::string& xml) {
  std::string errors;
  const std::string xsd = std::string(CMDSENTRY_SOURCE_DIR) + "/tests/data/applocker-policy.xsd";
  xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd.c_str());
  xmlSchemaSetParserErrors(pc, collect, collect, &errors);
  xmlSchemaPtr schema = xmlSchemaParse(pc);
  xmlSchemaFreeParserCtxt(pc);
  if (schema == nullptr) return "schema did not load: " + errors;
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "policy.xml", nullptr,
                                XML_PARSE_NONET);
  if (doc == nullptr) {
    xmlSchemaFree(schema);
    return "not XML";
  }
  xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
  xmlSchemaSetValidErrors(vc, collect, collect, &errors);
  const int rc = xmlSchemaValidateDoc(vc, doc);
  xmlSchemaFreeValidCtxt(vc);
  xmlFreeDoc(doc);
  xmlSchemaFree(schema);
  if (rc != 0 && errors.empty()) errors = "invalid";
  return errors;
}

const Rule* exe_rule(const Policy& p, std::string_view name) {
  const RuleCollection* c = p.find(CollectionType::kExe);
  if (c == nullptr) return nullptr;
  for (const Rule& r : c->rules) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

}  // namespace cmdsentry::policy::testing

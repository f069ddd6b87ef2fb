// xml_default.hpp: XMLDefault.cnf.xml may name for a model only a load that its factory
// loads reach in one step (issue 13, point 5).
#include <fwplan/catalog.hpp>
#include <fwplan/planner.hpp>
#include <fwplan/xml_default.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace fwplan;

namespace {

const ModelInfo& model(const char* number) {
    return *find_model(number).value();
}

LoadId load(const char* id) {
    return LoadId::parse(id).value();
}

std::vector<std::string> ids(const std::vector<LoadId>& loads) {
    std::vector<std::string> out;
    for (const LoadId& l : loads)
        out.push_back(l.str());
    return out;
}

} // namespace

TEST_CASE("the factory loads are the oldest SCCP and SIP loads a model may run") {
    const Planner& planner = Planner::builtin();
    // 7941: the TERM41 7.x load of the CME 4.0 guide and SIP 8.3(1).
    CHECK(ids(factory_loads(planner, model("7941"))) ==
          std::vector<std::string>{"TERM41.7-0-3-0S", "SIP41.8-3-1S"});
    // 7942: J-13's floor keeps it at 8.3(1) or later.
    for (const LoadId& l : factory_loads(planner, model("7942")))
        CHECK_FALSE(l.version() < Version(8, 3, 1));
    CHECK(factory_loads(planner, model("7942")).size() == 2);
    // The 7925's one known load (issue 12) is its factory load; a family the knowledge base
    // knows no load of has none.
    CHECK(ids(factory_loads(planner, model("7925"))) ==
          std::vector<std::string>{"CP7925G-1.4.1SR1"});
    const Catalog empty = Catalog::parse(R"(<catalog format="1"></catalog>)", "empty.xml").value();
    CHECK(factory_loads(Planner(empty), model("7925")).empty());
}

TEST_CASE("XMLDefault may name the bridge, never a load beyond it") {
    const Planner& planner = Planner::builtin();
    const XmlDefaultReach bridge = xml_default_reach(planner, model("7941"), load("SCCP41.8-5-2S"));
    CHECK(bridge.ok());
    CHECK(bridge.why.empty());
    CHECK(bridge.factory.size() == 2);

    const XmlDefaultReach target =
        xml_default_reach(planner, model("7941"), load("SIP41.9-4-2SR3-1S"));
    CHECK_FALSE(target.ok());
    CHECK(ids(target.unreachable_from) ==
          std::vector<std::string>{"TERM41.7-0-3-0S", "SIP41.8-3-1S"});
    CHECK(target.why.find("cannot go straight to SIP41.9-4-2SR3-1S") != std::string::npos);
    CHECK(target.why.find("J-01") != std::string::npos);

    // 7960: SIP 8.12 is beyond what SCCP 3.x and SIP 4.x take in one step (S-05, S-03).
    const XmlDefaultReach p0 = xml_default_reach(planner, model("7960"), load("P0S3-8-12-00"));
    CHECK_FALSE(p0.ok());
    CHECK(p0.unreachable_from.size() == 2);

    // A load of another family cannot be planned at all: unreachable, with the reason.
    const XmlDefaultReach other =
        xml_default_reach(planner, model("7941"), load("SIP42.9-4-2SR3-1S"));
    CHECK_FALSE(other.ok());
    CHECK_FALSE(other.why.empty());
}

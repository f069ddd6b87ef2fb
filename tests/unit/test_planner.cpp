// planner.hpp: the chains the knowledge base's rules demand, each checked against the rule that
// makes it so (remove the rule and the test fails, or the plan visibly changes).
#include <fwplan/planner.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace fwplan;

namespace {

LoadId id(const std::string& text) {
    return LoadId::parse(text).value();
}

PlanRequest request(const std::string& model, const std::string& from, const std::string& to = "") {
    PlanRequest r;
    r.model = model;
    if (!from.empty())
        r.from = id(from);
    if (!to.empty())
        r.to = id(to);
    return r;
}

Plan plan_ok(const Planner& planner, const PlanRequest& r) {
    auto plan = planner.plan(r);
    const std::string why = plan ? std::string() : plan.error().describe();
    INFO(why);
    REQUIRE(plan.ok());
    return *plan;
}

std::vector<std::string> chain(const Plan& plan) {
    std::vector<std::string> out;
    for (const PlanStep& step : plan.steps)
        out.push_back(step.load.str());
    return out;
}

bool cites(const PlanStep& step, const std::string& rule, std::string_view role = {}) {
    return std::any_of(step.rules.begin(), step.rules.end(), [&](const RuleCitation& c) {
        return c.id == rule && (role.empty() || c.role == role);
    });
}

bool detail_line_is_enterprise(const LoadId& load) {
    const std::string& tag = load.version().tag();
    return tag.rfind("MPP", 0) != 0 && tag != "MSR";
}

Catalog without(std::initializer_list<const char*> rules) {
    Catalog catalog = Catalog::builtin();
    for (const char* rule : rules)
        REQUIRE(catalog.remove_rule(rule));
    return catalog;
}

} // namespace

TEST_CASE("7941 on SCCP 8.3(1) to SIP 9.4(2)SR3: 8.5(2) first (J-01, J-04), never 8.5(2)SR1") {
    Planner planner(Catalog::builtin());
    const Plan plan = plan_ok(planner, request("7941", "SCCP41.8-3-1S", "SIP41.9-4-2SR3-1S"));
    CHECK(chain(plan) == std::vector<std::string>{"SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"});
    const PlanStep& bridge = plan.steps.at(0);
    CHECK(cites(bridge, "J-01", RuleCitation::kForbidsDirect));
    CHECK(cites(bridge, "J-04", RuleCitation::kForbidsDirect));
    CHECK(cites(bridge, "J-01", RuleCitation::kBridge));
    CHECK(bridge.package == "cmterm-7941_7961-sccp.8-5-2.zip");
    CHECK_FALSE(plan.steps.at(1).protocol_change == false); // the switch happens at the end
    CHECK(plan.steps.at(1).files.at(1) == "jar41sip.9-4-2ES26.sbn");
    for (const PlanStep& step : plan.steps)
        CHECK(step.load.version() != Version::parse("8.5(2)SR1").value());
    CHECK(plan.missing_packages == std::vector<std::string>{"cmterm-7941_7961-sccp.8-5-2.zip",
                                                            "cmterm-7941_7961-sip.9-4-2SR3-1.zip"});
}

TEST_CASE("without the bridge rules the 7941 would jump straight (the rules are what decide)") {
    Planner planner(without({"J-01", "J-02", "J-04", "J-05"}));
    const Plan plan = plan_ok(planner, request("7941", "SCCP41.8-3-1S", "SIP41.9-4-2SR3-1S"));
    CHECK(plan.steps.size() == 1);
}

TEST_CASE("J-04 alone keeps 8.5(2)SR1 out of reach, J-01 alone allows it") {
    // Only J-01 (CISCO): 8.5(2)SR1 is below 8.5(3), so it becomes a legal one-step target.
    Planner only_j01(without({"J-02", "J-04", "J-05"}));
    CHECK(plan_ok(only_j01, request("7941", "SCCP41.8-3-1S", "SIP41.8-5-2SR1S")).steps.size() == 1);
    // With J-04 (COMMUNITY) the same target needs the plain 8.5(2) bridge.
    Planner full(Catalog::builtin());
    const Plan plan = plan_ok(full, request("7941", "SCCP41.8-3-1S", "SIP41.8-5-2SR1S"));
    REQUIRE(plan.steps.size() == 2);
    CHECK(plan.steps[0].load.version() == Version::parse("8.5(2)").value());
    CHECK(cites(plan.steps[0], "J-04", RuleCitation::kForbidsDirect));
}

TEST_CASE("7941 on SCCP 8.5(4) to SIP 9.4(2)SR3: one step, J-08 as the AUTH FAIL fallback") {
    Planner planner(Catalog::builtin());
    const Plan plan = plan_ok(planner, request("7941", "SCCP41.8-5-4S", "SIP41.9-4-2SR3-1S"));
    REQUIRE(chain(plan) == std::vector<std::string>{"SIP41.9-4-2SR3-1S"});
    const PlanStep& step = plan.steps[0];
    CHECK(step.protocol_change);
    REQUIRE(step.fallbacks.size() == 1);
    CHECK(step.fallbacks[0].rule == "J-08");
    CHECK(step.fallbacks[0].symptom == "AUTH FAIL");
    CHECK(step.fallbacks[0].confidence == Confidence::Community);
    REQUIRE(step.fallbacks[0].load);
    CHECK(step.fallbacks[0].load->str() == "SIP41.8-5-2S"); // the target protocol's 8.5(2)

    Planner without_j08(without({"J-08"}));
    CHECK(plan_ok(without_j08, request("7941", "SCCP41.8-5-4S", "SIP41.9-4-2SR3-1S"))
              .steps[0]
              .fallbacks.empty());
}

TEST_CASE("the worked example needs no --to: the final SIP load") {
    Planner planner(Catalog::builtin());
    PlanRequest r = request("CP-7941G", "SCCP41.8-3-1S");
    const Plan plan = plan_ok(planner, r);
    CHECK(plan.to.str() == "SIP41.9-4-2SR3-1S");
    CHECK(plan.model == "7941");
}

TEST_CASE("7945 and 7975 end on 9.4(2)SR4, not SR3 (Table B)") {
    Planner planner(Catalog::builtin());
    for (const char* model : {"7945", "7965", "7975"}) {
        CAPTURE(model);
        const Plan plan = plan_ok(planner, request(model, ""));
        CHECK(plan.to.version().release() == "9.4(2)SR4");
        CHECK(plan.to.protocol() == Protocol::Sip);
        CHECK(plan.from_assumed);
    }
    CHECK(plan_ok(planner, request("7975", "")).to.str() == "SIP75.9-4-2SR4-3S");
    CHECK(plan_ok(planner, request("7941", "")).to.version().release() == "9.4(2)SR3");
}

TEST_CASE("7960 on SIP 4.0 climbs 4.4, 5.3, 6.x, 7.x before 8.12 (S-03)") {
    Planner planner(Catalog::builtin());
    const Plan plan = plan_ok(planner, request("7960", "P0S3-04-0-00", "P0S3-8-12-00"));
    const auto loads = chain(plan);
    REQUIRE(loads.size() == 5);
    CHECK(loads[0] == "P0S3-04-4-00");
    CHECK(loads[1] == "P0S3-05-3-00");
    CHECK(plan.steps[2].load.version().major() == 6);
    CHECK(plan.steps[3].load.version().major() == 7);
    CHECK(loads[4] == "P0S3-8-12-00");
    for (std::size_t i = 0; i < 4; ++i)
        CHECK(cites(plan.steps[i], "S-03", RuleCitation::kForbidsDirect));

    Planner no_ladder(without({"S-03"}));
    CHECK(plan_ok(no_ladder, request("7960", "P0S3-04-0-00", "P0S3-8-12-00")).steps.size() < 5);
}

TEST_CASE(
    "7960 on SCCP below 5.0 reaches SCCP 5.x before SIP (S-05), never back to unsigned (S-02)") {
    Planner planner(Catalog::builtin());
    const Plan plan = plan_ok(planner, request("7960", "P00303010102", "P0S3-8-12-00"));
    REQUIRE(plan.steps.size() >= 2);
    // Every step before the switch to SIP stays on SCCP, and the switch starts at 5.x+.
    const auto first_sip =
        std::find_if(plan.steps.begin(), plan.steps.end(),
                     [](const PlanStep& s) { return s.protocol() == Protocol::Sip; });
    REQUIRE(first_sip != plan.steps.end());
    CHECK(first_sip->from.protocol() == Protocol::Sccp);
    CHECK(first_sip->from.version() >= Version(5, 0, 0));
    CHECK(cites(plan.steps[0], "S-05", RuleCitation::kForbidsDirect));
    for (const PlanStep& step : plan.steps)
        CHECK_FALSE(step.downgrade);

    // S-02: once signed (5.0+), nothing below 5.0 can be the target.
    auto back = planner.plan(request("7960", "P00305000500", "P00303010102"));
    REQUIRE_FALSE(back.ok());
    CHECK(back.error().kind == ErrorKind::NotPossible);
    CHECK(back.error().message.find("S-02") != std::string::npos);

    Planner without_s05(without({"S-05", "S-08"}));
    CHECK(plan_ok(without_s05, request("7960", "P00303010102", "P0S3-8-12-00")).steps.size() == 1);
}

TEST_CASE("8841 hardware V15 cannot go below 12.6 (H-02)") {
    Planner planner(Catalog::builtin());
    PlanRequest r = request("8841", "sip88xx.14-2-1-0101-26", "sip88xx.12-0-1MN-113");
    r.hw_rev = HardwareRevision::parse("V15").value();
    auto refused = planner.plan(r);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::NotPossible);
    CHECK(refused.error().code == "fwplan.plan.below-floor");
    CHECK(refused.error().message.find("H-02") != std::string::npos);

    // An older board (V08) may: only H-01's 11.7(1) applies.
    r.hw_rev = HardwareRevision::parse("V08").value();
    CHECK(planner.plan(r).ok());
    // Without --hw-rev the step is planned with a caution naming H-02.
    r.hw_rev.reset();
    const Plan cautious = plan_ok(planner, r);
    CHECK(cites(cautious.steps.at(0), "H-02", RuleCitation::kFloor));

    Planner without_h02(without({"H-02"}));
    r.hw_rev = HardwareRevision::parse("V15").value();
    CHECK(without_h02.plan(r).ok());
}

TEST_CASE("a load only in --firmware is planned through, from its manifest") {
    // 7931: the knowledge base has no SIP 9.4(2)SR3 for it; the user has one.
    AvailableLoad mine;
    mine.id = id("SIP31.9-4-2SR3-1S");
    mine.package = "/home/me/cmterm-7931-sip.9-4-2SR3-1.zip";
    mine.build = "9-4-2ES26";
    mine.files = {"SIP31.9-4-2SR3-1S.loads", "jar31sip.9-4-2ES26.sbn", "cnu31.9-4-2ES26.sbn"};

    Planner knows_nothing(Catalog::builtin());
    auto unknown = knows_nothing.plan(request("7931", "SCCP31.9-2-1S", "SIP31.9-4-2SR3-1S"));
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().code == "fwplan.plan.unknown-target");

    Planner planner(Catalog::builtin(), {mine});
    const Plan plan = plan_ok(planner, request("7931", "SCCP31.9-2-1S", "SIP31.9-4-2SR3-1S"));
    REQUIRE(plan.steps.size() == 1);
    CHECK(plan.steps[0].available);
    CHECK(plan.steps[0].available_in == mine.package);
    CHECK(plan.steps[0].files_from_manifest);
    CHECK(plan.steps[0].files == mine.files);
    CHECK(plan.missing_packages.empty());

    // An unknown intermediate the user has is preferred over a catalog one.
    AvailableLoad six;
    six.id = id("P0S3-06-3-00");
    six.package = "P0S3-06-3-00.zip";
    Planner with_six(Catalog::builtin(), {six});
    const auto loads = chain(plan_ok(with_six, request("7960", "P0S3-04-0-00", "P0S3-8-12-00")));
    CHECK(std::find(loads.begin(), loads.end(), "P0S3-06-3-00") != loads.end());
}

TEST_CASE("impossible requests say why") {
    Planner planner(Catalog::builtin());
    PlanRequest sccp = request("9971", "sip9971.9-4-2SR2-2");
    sccp.to_protocol = Protocol::Sccp;
    auto no_sccp = planner.plan(sccp);
    REQUIRE_FALSE(no_sccp.ok());
    CHECK(no_sccp.error().code == "fwplan.plan.no-protocol");

    auto wrong = planner.plan(request("7941", "SIP42.8-5-4S"));
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().kind == ErrorKind::BadInput);
    CHECK(wrong.error().message.find("7942/7962") != std::string::npos);

    auto unknown_model = planner.plan(request("1234", ""));
    CHECK(unknown_model.error().code == "fwplan.model.unknown");

    // J-12: no downgrade below 8.5(2).
    auto down = planner.plan(request("7941", "SIP41.9-4-2SR3-1S", "SCCP41.8-3-1S"));
    REQUIRE_FALSE(down.ok());
    CHECK(down.error().message.find("J-12") != std::string::npos);
}

TEST_CASE("no --from: the oldest plausible load, bridges included, and it says so") {
    Planner planner(Catalog::builtin());
    const Plan plan = plan_ok(planner, request("7941", ""));
    CHECK(plan.from_assumed);
    CHECK(plan.from.str() == "TERM41.7-0-3-0S");
    CHECK(plan.steps.at(0).load.version() == Version::parse("8.5(2)").value());
    CHECK(cites(plan.steps.at(0), "J-09", RuleCitation::kCaution));
    CHECK(plan.notes.at(0).message.find("No --from given") != std::string::npos);
    CHECK(plan.notes.at(0).code == "fwplan.plan.from-assumed");
    // J-13: a 7942 never ran anything older than 8.3(1).
    CHECK(plan_ok(planner, request("7942", "")).from.version() == Version::parse("8.3(1)").value());
}

TEST_CASE("plans are deterministic and the phone on its target needs nothing") {
    Planner a(Catalog::builtin());
    Planner b(Catalog::builtin());
    for (const char* model : {"7941", "7960", "7975", "7911"}) {
        const Plan pa = plan_ok(a, request(model, ""));
        const Plan pb = plan_ok(b, request(model, ""));
        CHECK(chain(pa) == chain(pb));
    }
    CHECK(plan_ok(a, request("7941", "SIP41.9-4-2SR3-1S")).steps.empty());
}

TEST_CASE("fleet planning groups identical requests") {
    Planner planner(Catalog::builtin());
    std::vector<PlanRequest> fleet;
    for (int i = 0; i < 300; ++i)
        fleet.push_back(request(i % 3 == 0 ? "CP-7941G" : "7941", "SCCP41.8-3-1S"));
    fleet.push_back(request("7960", "P0S3-04-0-00"));
    fleet.push_back(request("1234", ""));
    const FleetPlans result = planner.plan_fleet(fleet);
    CHECK(result.plans.size() == 2);
    CHECK(result.errors.size() == 1);
    REQUIRE(result.outcome.size() == fleet.size());
    CHECK(result.outcome[0] == result.outcome[1]); // CP-7941G and 7941 share a plan
    CHECK_FALSE(result.outcome.back().planned);
    CHECK(result.error_of(fleet.size() - 1) == &result.errors.at(0));
    CHECK(result.plan_of(fleet.size() - 1) == nullptr);
    REQUIRE(result.plan_of(0) != nullptr);
    CHECK(result.plan_of(0)->steps.size() == 2);
    CHECK(result.plan_of(300) != result.plan_of(0)); // the 7960 has its own
}

TEST_CASE("graphviz draws the family with its final load and the forbidden steps on request") {
    Planner planner(Catalog::builtin());
    const std::string dot = planner.graphviz("7940_7960").value();
    CHECK(dot.find("digraph \"7940/7960\"") != std::string::npos);
    CHECK(dot.find("P0S3-8-12-00") != std::string::npos);
    CHECK(dot.find("penwidth=2.5") != std::string::npos);
    CHECK(dot.find("style=dashed") == std::string::npos);
    GraphOptions all;
    all.show_forbidden = true;
    const std::string full = planner.graphviz("7940_7960", all).value();
    CHECK(full.find("label=\"S-03") != std::string::npos);
    CHECK_FALSE(planner.graphviz("nope").ok());
}

TEST_CASE("expected files follow each family's naming") {
    const Catalog& kb = Catalog::builtin();
    CHECK(expected_files(*kb.find_load("SIP41.9-4-2SR3-1S")) ==
          std::vector<std::string>{"SIP41.9-4-2SR3-1S.loads", "jar41sip.9-4-2ES26.sbn",
                                   "cnu41.9-4-2ES26.sbn", "apps41.9-4-2ES26.sbn",
                                   "dsp41.9-4-2ES26.sbn", "cvm41sip.9-4-2ES26.sbn"});
    CHECK(expected_files(*kb.find_load("P0S3-8-12-00")) ==
          std::vector<std::string>{"P0S3-8-12-00.loads", "P003-8-12-00.sbn", "P0S3-8-12-00.sb2"});
    CHECK(expected_files(*kb.find_load("P0S3-04-4-00")) ==
          std::vector<std::string>{"P0S3-04-4-00.bin"});
    // No build ID in the knowledge base: the components as patterns, not the .loads alone
    // (issue 13, point 7).
    CHECK(expected_files(*kb.find_load("SCCP41.8-5-2S")) ==
          std::vector<std::string>{"SCCP41.8-5-2S.loads", "jar41sccp.*.sbn", "cnu41.*.sbn",
                                   "apps41.*.sbn", "dsp41.*.sbn", "cvm41sccp.*.sbn"});
}

TEST_CASE("a 7960 on an unsigned load also fetches the .bin loader of its step") {
    Planner planner(Catalog::builtin());
    const Plan plan = plan_ok(planner, request("7960", "P0S3-04-4-00", "P0S3-8-12-00"));
    REQUIRE(plan.steps.size() >= 2);
    CHECK(plan.steps[0].load.str() == "P0S3-05-3-00");
    CHECK(plan.steps[0].files == std::vector<std::string>{"P0S3-05-3-00.loads", "P003-05-3-00.sbn",
                                                          "P003-05-3-00.bin", "P0S3-05-3-00.sb2"});
    // From a signed load on, no .bin.
    for (std::size_t i = 1; i < plan.steps.size(); ++i)
        for (const std::string& file : plan.steps[i].files)
            CHECK(file.find(".bin") == std::string::npos);
}

TEST_CASE("of two copies of a load, the plain package before a bundle holding it") {
    AvailableLoad bundle;
    bundle.id = id("SIP41.9-4-2SR3-1S");
    bundle.package = "/dl/bundle-7941_7961-sip.9-4-2SR3-1.zip"; // listed first, as ls sorts
    bundle.files = {"SIP41.9-4-2SR3-1S.loads"};
    AvailableLoad plain = bundle;
    plain.package = "/dl/cmterm-7941_7961-sip.9-4-2SR3-1.zip";
    Planner planner(Catalog::builtin(), {bundle, plain});
    const Plan plan = plan_ok(planner, request("7941", "SCCP41.8-5-4S", "SIP41.9-4-2SR3-1S"));
    REQUIRE(plan.steps.size() == 1);
    CHECK(plan.steps[0].available_in == plain.package);
    // A complete copy before one that lacks a component, whatever the names.
    AvailableLoad cut = plain;
    cut.missing = {"dsp41.9-4-2ES26.sbn"};
    Planner complete_first(Catalog::builtin(), {cut, bundle});
    CHECK(plan_ok(complete_first, request("7941", "SCCP41.8-5-4S", "SIP41.9-4-2SR3-1S"))
              .steps[0]
              .available_in == bundle.package);
}

TEST_CASE("a bridge the user has in the other protocol is used rather than one to download") {
    AvailableLoad sip_bridge;
    sip_bridge.id = id("SIP41.8-5-2S");
    sip_bridge.package = "/dl/cmterm-7941_7961-sip.8-5-2.zip";
    sip_bridge.files = {"SIP41.8-5-2S.loads"};
    Planner planner(Catalog::builtin(), {sip_bridge});
    const Plan plan = plan_ok(planner, request("7941", "SCCP41.8-3-1S", "SIP41.9-4-2SR3-1S"));
    CHECK(chain(plan) == std::vector<std::string>{"SIP41.8-5-2S", "SIP41.9-4-2SR3-1S"});
    CHECK(plan.steps[0].available);
    CHECK(plan.missing_packages == std::vector<std::string>{"cmterm-7941_7961-sip.9-4-2SR3-1.zip"});
    CHECK(std::any_of(plan.notes.begin(), plan.notes.end(), [](const Diagnostic& n) {
        return n.code == "fwplan.plan.own-bridge" &&
               n.message.find("SIP41.8-5-2S") != std::string::npos;
    }));
    // Without it, the expert's chain: stay on SCCP for the bridge, switch last.
    CHECK(chain(plan_ok(Planner(Catalog::builtin()),
                        request("7941", "SCCP41.8-3-1S", "SIP41.9-4-2SR3-1S"))) ==
          std::vector<std::string>{"SCCP41.8-5-2S", "SIP41.9-4-2SR3-1S"});
}

TEST_CASE("--allow-community lets a COMMUNITY report lift a rule, and a refusal says so") {
    Planner planner(Catalog::builtin());
    // A 7960 on SIP 8.12 back to SCCP: S-06 (CISCO) forbids it, S-08 (COMMUNITY) reports it.
    PlanRequest back = request("7960", "P0S3-8-12-00");
    back.to_protocol = Protocol::Sccp;
    auto refused = planner.plan(back);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == "fwplan.plan.no-path");
    CHECK(refused.error().hint.find("--allow-community") != std::string::npos);
    CHECK(refused.error().hint.find("S-08") != std::string::npos);

    back.allow_community = true;
    const Plan plan = plan_ok(planner, back);
    REQUIRE(plan.steps.size() == 1);
    CHECK(plan.steps[0].protocol() == Protocol::Sccp);
    CHECK(cites(plan.steps[0], "S-06", RuleCitation::kOverruled));
    CHECK(cites(plan.steps[0], "S-08", RuleCitation::kAllows));

    // A refusal no report can lift says nothing of the option.
    auto never = planner.plan(request("7941", "SIP41.9-4-2SR3-1S", "SCCP41.8-3-1S"));
    REQUIRE_FALSE(never.ok());
    CHECK(never.error().hint.find("--allow-community") == std::string::npos);
}

TEST_CASE("a rule cited through an effect of its own confidence shows both") {
    Planner planner(Catalog::builtin());
    const Plan plan = plan_ok(planner, request("7960", "P0S3-04-4-00", "P0S3-8-12-00"));
    bool found = false;
    for (const PlanStep& step : plan.steps)
        for (const RuleCitation& rule : step.rules)
            if (rule.id == "S-03" && rule.confidence != rule.rule_confidence) {
                CHECK(rule.rule_confidence == Confidence::Cisco);
                CHECK(rule.confidence == Confidence::Inferred);
                found = true;
            }
    CHECK(found);
}

TEST_CASE("a family fwplan knows no load of: the same words whatever the protocol") {
    // A knowledge base without any 7925 load (the built-in one has its SCCP 1.4(1)SR1 since
    // issue 12).
    const Catalog empty = Catalog::parse(R"(<catalog format="1"></catalog>)", "empty.xml").value();
    Planner planner(empty);
    auto sip = planner.plan(request("7925", ""));
    auto sccp_request = request("7925", "");
    sccp_request.to_protocol = Protocol::Sccp;
    auto sccp = planner.plan(sccp_request);
    REQUIRE_FALSE(sip.ok());
    REQUIRE_FALSE(sccp.ok());
    CHECK(sip.error().message.find("Cisco offers SCCP firmware") != std::string::npos);
    // Neither contradicts the other: both say the knowledge base has no 7925G load yet.
    CHECK(sip.error().hint == sccp.error().hint);
    CHECK(sip.error().hint.find("no 7925G load yet") != std::string::npos);
    CHECK(sip.error().hint.find("knows 7925G loads") == std::string::npos);
}

TEST_CASE("a family fwplan knows loads of in another protocol: the refusal sends there") {
    Planner planner(Catalog::builtin());
    // The 7925 has no SIP firmware; its SCCP load is known, and planning to it works.
    auto sip = planner.plan(request("7925", ""));
    REQUIRE_FALSE(sip.ok());
    CHECK(sip.error().hint == "plan with --to-protocol SCCP");
    auto sccp_request = request("7925", "");
    sccp_request.to_protocol = Protocol::Sccp;
    CHECK(planner.plan(sccp_request).ok());
    // The 6901 has SIP firmware, but fwplan knows only its SCCP loads: it must not say it
    // knows no 6901 load at all.
    auto sip6901 = planner.plan(request("6901", ""));
    REQUIRE_FALSE(sip6901.ok());
    CHECK(sip6901.error().code == "fwplan.plan.no-loads");
    CHECK(sip6901.error().hint.find("load yet") == std::string::npos);
    CHECK(sip6901.error().hint.find("fwplan knows only SCCP loads of the 6901") !=
          std::string::npos);
    CHECK(sip6901.error().hint.find("--to-protocol SCCP") != std::string::npos);
    auto sccp6901 = request("6901", "");
    sccp6901.to_protocol = Protocol::Sccp;
    CHECK(planner.plan(sccp6901).ok());
}

TEST_CASE("several families in one DOT document") {
    Planner planner(Catalog::builtin());
    const std::vector<std::string_view> families{"41", "7940_7960"};
    const std::string dot = planner.graphviz(families).value();
    CHECK(dot.find("digraph") == dot.rfind("digraph")); // one document
    CHECK(dot.find("subgraph \"cluster_family_0\"") != std::string::npos);
    CHECK(dot.find("f1n0 [label=") != std::string::npos);
    CHECK(std::count(dot.begin(), dot.end(), '{') == std::count(dot.begin(), dot.end(), '}'));
    const std::vector<std::string_view> one{"41"};
    CHECK(planner.graphviz(one).value() == planner.graphviz("41").value());
}

TEST_CASE("direct_step says whether one step does it, and if not via what and why") {
    Planner planner(Catalog::builtin());
    auto blocked = planner.direct_step("7941", id("SCCP41.8-3-1S"), id("SIP41.9-4-2SR3-1S"));
    REQUIRE(blocked.ok());
    CHECK_FALSE(blocked->one_step());
    REQUIRE(blocked->via.size() == 1);
    CHECK(blocked->via[0].str() == "SCCP41.8-5-2S");
    CHECK(std::find(blocked->forbidding.begin(), blocked->forbidding.end(), "J-01") !=
          blocked->forbidding.end());
    CHECK(blocked->auth_fail); // J-04's title names AUTH FAIL

    auto direct = planner.direct_step("7941", id("SCCP41.8-5-4S"), id("SIP41.9-4-2SR3-1S"));
    REQUIRE(direct.ok());
    CHECK(direct->one_step());
    CHECK(direct->forbidding.empty());

    CHECK_FALSE(planner.direct_step("7941", id("SIP42.8-5-4S"), id("SIP41.9-4-2SR3-1S")).ok());
}

TEST_CASE("enterprise to MPP is a conversion with its own rules, not a version step (issue 12)") {
    Planner planner(Catalog::builtin());
    // 8841 on enterprise 14.2(1) told to run MPP 12.0(7): one step, marked a conversion, with
    // MPP-01's caution; no downgrade although 12.0 < 14.2 (the lines do not compare).
    const Plan to_mpp =
        plan_ok(planner, request("8841", "sip88xx.14-2-1-0101-26", "sip88xx.12-0-7MPP0201-66"));
    REQUIRE(to_mpp.steps.size() == 1);
    const PlanStep& step = to_mpp.steps[0];
    CHECK(step.conversion);
    CHECK_FALSE(step.downgrade);
    CHECK(cites(step, "MPP-01", RuleCitation::kCaution));
    CHECK_FALSE(cites(step, "H-07")); // the enterprise-to-enterprise allow does not back it
    CHECK_FALSE(cites(step, "H-05")); // nor do the enterprise downgrade cautions apply

    // From enterprise below 12.5(1) the phone is first upgraded on its own line.
    const Plan via =
        plan_ok(planner, request("7841", "sip78xx.11-0-1-11", "sip78xx.12-0-7MPP0201-66"));
    REQUIRE(via.steps.size() == 2);
    CHECK_FALSE(via.steps[0].conversion);
    CHECK(detail_line_is_enterprise(via.steps[0].load));
    CHECK(via.steps[1].conversion);
    CHECK(cites(via.steps[0], "MPP-01", RuleCitation::kForbidsDirect));

    // Without MPP-01 the old answer comes back: one ordinary-looking step from 11.0(1).
    Planner lax(without({"MPP-01"}));
    const Plan direct =
        plan_ok(lax, request("7841", "sip78xx.11-0-1-11", "sip78xx.12-0-7MPP0201-66"));
    CHECK(direct.steps.size() == 1);
}

TEST_CASE("MPP to enterprise is refused with the reason (MPP-02)") {
    Planner planner(Catalog::builtin());
    auto refused =
        planner.plan(request("8841", "sip88xx.12-0-7MPP0201-66", "sip88xx.14-2-1-0101-26"));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::NotPossible);
    CHECK(refused.error().message.find("MPP-02") != std::string::npos);
    CHECK(refused.error().message.find("licensed conversion") != std::string::npos);
    // Ordinary steps within the MPP line are still planned.
    const Plan mpp =
        plan_ok(planner, request("8841", "sip88xx.11-3-1MSR3-3", "sip88xx.12-0-7MPP0201-66"));
    REQUIRE(mpp.steps.size() == 1);
    CHECK_FALSE(mpp.steps[0].conversion);
    // Before MPP-02 the planner called it an ordinary version step.
    Planner old(without({"MPP-02"}));
    const Plan back =
        plan_ok(old, request("8841", "sip88xx.12-0-7MPP0201-66", "sip88xx.14-2-1-0101-26"));
    REQUIRE(back.steps.size() == 1);
    CHECK(back.steps[0].conversion); // at least it now says what it is
}

TEST_CASE("floors apply to their firmware line (H-02 enterprise, H-08 MPP)") {
    Planner planner(Catalog::builtin());
    PlanRequest r = request("8841", "sip88xx.12-0-7MPP0201-66", "sip88xx.11-3-1MSR3-3");
    r.hw_rev = HardwareRevision::parse("V15").value();
    // MPP 11.3(1) is below H-08's 11.3(3) for V15 boards, not below H-02's enterprise 12.6.
    auto refused = planner.plan(r);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.find("H-08") != std::string::npos);
    // The MPP 12.0(7) load itself is not removed by H-02's 12.6 (another line).
    r.to = id("sip88xx.12-0-7MPP0201-66");
    r.from = id("sip88xx.11-3-1MSR3-3");
    r.hw_rev = HardwareRevision::parse("V08").value();
    CHECK(planner.plan(r).ok());
}

TEST_CASE("package names only inferred from the family's pattern are marked") {
    Planner planner(Catalog::builtin());
    const Plan plan = plan_ok(planner, request("7941", "SCCP41.8-3-1S"));
    REQUIRE(plan.steps.size() == 2);
    // cmterm-7941_7961-sccp.8-5-2.zip has no evidence; the SR3 SIP zip has (whizzy.org).
    CHECK(plan.steps[0].package == "cmterm-7941_7961-sccp.8-5-2.zip");
    CHECK(plan.steps[0].package_inferred);
    CHECK(plan.steps[1].package == "cmterm-7941_7961-sip.9-4-2SR3-1.zip");
    CHECK_FALSE(plan.steps[1].package_inferred);
    // Real names that do not follow the pattern are used as they are.
    const Plan p7931 = plan_ok(planner, request("7931", "SCCP31.8-3-1S", "SCCP31.9-4-2SR2-2S"));
    const auto bridge = std::find_if(p7931.steps.begin(), p7931.steps.end(), [](const PlanStep& s) {
        return s.load.str() == "SCCP31.8-5-2S";
    });
    REQUIRE(bridge != p7931.steps.end());
    CHECK(bridge->package == "cmterm-7931-scpp.8-5-2.zip");
    CHECK_FALSE(bridge->package_inferred);
}

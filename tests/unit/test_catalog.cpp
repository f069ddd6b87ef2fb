// catalog.hpp: the built-in knowledge base holds every rule of Table A with a source,
// Table B's final loads, and user catalogs are checked line by line.
#include <fwplan/catalog.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

using namespace fwplan;

TEST_CASE("every rule of the published upgrade rules is in the knowledge base") {
    const Catalog& kb = Catalog::builtin();
    const std::set<std::string> table_a = {
        "J-01", "J-02", "J-03", "J-04", "J-05", "J-06",   "J-07", "J-08", "J-09", "J-10", "J-11",
        "J-12", "J-13", "J-14", "J-15", "S-01", "S-02",   "S-03", "S-04", "S-05", "S-06", "S-07",
        "S-08", "S-09", "S-10", "S-11", "S-12", "H-01",   "H-02", "H-03", "H-04", "H-05", "H-06",
        "H-07", "M-01", "M-02", "M-03", "M-04", "MPP-01", "N-01", "N-02", "N-03", "C-01", "C-02"};
    // Beyond Table A: the MPP conversion rules of Cisco's 7800/8800 conversion guide (issue 12).
    const std::set<std::string> beyond_table_a = {"MPP-02", "H-08"};
    std::set<std::string> have;
    for (const Rule& rule : kb.rules()) {
        CAPTURE(rule.id);
        have.insert(rule.id);
        CHECK_FALSE(rule.title.empty());
        CHECK_FALSE(rule.text.empty());
        CHECK_FALSE(rule.families.empty());
        // Every rule has a source, except the ones that are fwplan's own inference (INFERRED).
        if (rule.confidence != Confidence::Inferred)
            CHECK_FALSE(rule.sources.empty());
    }
    std::set<std::string> want = table_a;
    want.insert(beyond_table_a.begin(), beyond_table_a.end());
    CHECK(have == want);
    CHECK(kb.find_rule("J-01")->confidence == Confidence::Cisco);
    CHECK(kb.find_rule("J-04")->confidence == Confidence::Community);
    CHECK(kb.find_rule("M-04")->confidence == Confidence::Conflict);
    CHECK(kb.find_rule("J-01")->covers("41"));
    CHECK(kb.find_rule("J-01")->covers("31"));
    CHECK_FALSE(kb.find_rule("J-01")->covers("7940_7960"));
}

TEST_CASE("Table B: the final loads of every family") {
    const Catalog& kb = Catalog::builtin();
    struct Final {
        const char* family;
        Protocol protocol;
        const char* load;
    };
    for (const Final& f : {Final{"41", Protocol::Sip, "SIP41.9-4-2SR3-1S"},
                           Final{"41", Protocol::Sccp, "SCCP41.9-4-2SR3-1S"},
                           Final{"42", Protocol::Sip, "SIP42.9-4-2SR3-1S"},
                           Final{"45", Protocol::Sip, "SIP45.9-4-2SR4-3S"},
                           Final{"75", Protocol::Sip, "SIP75.9-4-2SR4-3S"},
                           Final{"11", Protocol::Sip, "SIP11.9-4-2SR3-1S"},
                           Final{"70", Protocol::Sccp, "SCCP70.9-4-2SR3-1S"},
                           Final{"31", Protocol::Sccp, "SCCP31.9-4-2SR2-2S"},
                           Final{"7940_7960", Protocol::Sip, "P0S3-8-12-00"},
                           Final{"7940_7960", Protocol::Sccp, "P0030801SR02"},
                           Final{"894x", Protocol::Sip, "SIP894x.9-4-2SR3-1"},
                           Final{"9971", Protocol::Sip, "sip9971.9-4-2SR4-1"}}) {
        CAPTURE(f.load);
        const KnownLoad* load = kb.final_load(f.family, f.protocol);
        REQUIRE(load != nullptr);
        CHECK(load->id.str() == f.load);
        CHECK_FALSE(load->package.empty());
    }
    CHECK(kb.find_load("SIP41.9-4-2SR3-1S")->package == "cmterm-7941_7961-sip.9-4-2SR3-1.zip");
    CHECK(kb.find_load("SIP41.9-4-2SR3-1S")->build == "9-4-2ES26");
    // Loads come out oldest first within a family.
    const auto loads = kb.loads_of_family("41");
    for (std::size_t i = 0; i + 1 < loads.size(); ++i)
        CHECK(loads[i]->id < loads[i + 1]->id);
}

TEST_CASE("a user catalog adds loads and overrides rules by ID") {
    Catalog catalog = Catalog::builtin();
    const char* xml = R"(<catalog format="1">
  <family id="41">
    <load id="SIP41.9-4-2SR4-1S" package="mine.zip" confidence="COMMUNITY" evidence="my lab"/>
  </family>
  <rule id="J-08" applies-to="41" confidence="INFERRED" title="site policy">
    <text>We never downgrade.</text>
  </rule>
</catalog>)";
    auto extra = Catalog::parse(xml, "site.xml");
    REQUIRE(extra.ok());
    const std::size_t rules_before = catalog.rules().size();
    catalog.merge(*extra);
    CHECK(catalog.find_load("SIP41.9-4-2SR4-1S") != nullptr);
    CHECK(catalog.find_rule("J-08")->title == "site policy");
    CHECK(catalog.find_rule("J-08")->effects.empty());
    CHECK(catalog.rules().size() == rules_before);
    CHECK(catalog.remove_rule("J-08"));
    CHECK_FALSE(catalog.remove_rule("J-08"));
}

TEST_CASE("catalog errors name the file and line") {
    struct Bad {
        const char* xml;
        const char* says;
    };
    for (const Bad& b : {
             Bad{"<catalog format=\"1\"><family id=\"41\">\n<load "
                 "id=\"SIP42.8-5-4S\"/></family></catalog>",
                 "line 2: load SIP42.8-5-4S belongs to family 42, not 41"},
             Bad{"<catalog format=\"1\"><family id=\"99\"/></catalog>", "unknown family '99'"},
             Bad{"<catalog format=\"1\"><rule id=\"X\" applies-to=\"41\" confidence=\"CISCO\" "
                 "title=\"t\"><text>x</text><forbid from-belw=\"8.3(3)\"/></rule></catalog>",
                 "unknown attribute 'from-belw'"},
             Bad{"<catalog format=\"1\"><rule id=\"X\" applies-to=\"41\" confidence=\"SURE\" "
                 "title=\"t\"><text>x</text></rule></catalog>",
                 "unknown confidence 'SURE'"},
             Bad{"<catalog format=\"1\"><rule id=\"X\" applies-to=\"41\" confidence=\"CISCO\" "
                 "title=\"t\"><text>x</text><forbid from-below=\"8.3\"/><floor/></rule></catalog>",
                 "<floor> needs a version"},
             Bad{"<catalog format=\"1\"><rule id=\"X\" applies-to=\"Z99\" confidence=\"CISCO\" "
                 "title=\"t\"><text>x</text></rule></catalog>",
                 "neither a group nor a family"},
             Bad{"<catalog format=\"1\"><rule id=\"X\" applies-to=\"41\" confidence=\"CISCO\" "
                 "title=\"t\"><text>x</text><forbid overrules=\"J-01\"/></rule></catalog>",
                 "only <allow> can overrule other rules"},
             Bad{"<catalog format=\"2\"/>", "unsupported catalog format"},
             Bad{"<catalog format=\"1\"><family id=\"41\">", "not well-formed XML"},
             Bad{"<catalog format=\"1\"><family id=\"41\"><load id=\"SIP41.8-5-4S\"/>"
                 "<load id=\"SIP41.8-5-4S\"/></family></catalog>",
                 "listed twice"},
         }) {
        CAPTURE(b.says);
        auto parsed = Catalog::parse(b.xml, "site.xml");
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().file == "site.xml");
        CHECK(parsed.error().describe().find(b.says) != std::string::npos);
    }
}

TEST_CASE("hardware revisions and confidences parse") {
    CHECK(HardwareRevision::parse("V15").value().number == 15);
    CHECK(HardwareRevision::parse("v08").value() < HardwareRevision::parse("15").value());
    CHECK(HardwareRevision::parse("V8").value().str() == "V08");
    CHECK_FALSE(HardwareRevision::parse("V").ok());
    CHECK_FALSE(HardwareRevision::parse("rev A").ok());
    // A malformed revision is bad input with a hint saying how the label prints it.
    CHECK(HardwareRevision::parse("XX").error().kind == ErrorKind::BadInput);
    CHECK(HardwareRevision::parse("XX").error().hint.find("V15") != std::string::npos);
    // S-08's report that a 7960 goes back from SIP 8.x to SCCP names the rule it contradicts.
    const Rule* s08 = Catalog::builtin().find_rule("S-08");
    REQUIRE(s08 != nullptr);
    CHECK(std::any_of(s08->effects.begin(), s08->effects.end(), [](const RuleEffect& e) {
        return e.kind == EffectKind::Allow && e.overrules == std::vector<std::string>{"S-06"};
    }));
    CHECK(parse_confidence("community").value() == Confidence::Community);
    CHECK(to_string(Confidence::Conflict) == "CONFLICT");
}

TEST_CASE("genuine packages of public lists: names, sizes and digests with their source") {
    const Catalog& kb = Catalog::builtin();
    const KnownPackage* sccp41 = kb.find_package("cmterm-7941_7961-sccp.9-4-2SR1-1.zip");
    REQUIRE(sccp41 != nullptr);
    CHECK(sccp41->size == 5317438U);
    CHECK(sccp41->sha1 == "f7b4d827092f94af1945c8219d52591aeb3dccfc");
    CHECK(sccp41->load == "SCCP41.9-4-2SR1-1S");
    CHECK(sccp41->evidence.find("wazo-provd-plugins") != std::string::npos);
    // Real names that do not follow the family's pattern (issue 12).
    CHECK(kb.find_load("SCCP45.9-4-2SR3-1S")->package == "cmterm-7945_7965-sccp.9-4-2-1SR3-1.zip");
    CHECK(kb.find_load("SCCP31.8-5-2S")->package == "cmterm-7931-scpp.8-5-2.zip");
    CHECK(kb.find_load("SIP8941_8945.9-3-1-18")->package == "cmterm-8941_8945-sip.9-3-1-18.zip");
    CHECK(kb.find_load("sip78xx.11-3-1MSR3-3")->package == "cmterm-78xx.11-3-1MSR3-3_REL.zip");
    CHECK_FALSE(kb.package_inferred(*kb.find_load("SCCP45.9-4-2SR3-1S"))); // a record has it
    CHECK_FALSE(kb.package_inferred(*kb.find_load("SCCP31.8-5-2S")));      // package-evidence
    CHECK(kb.package_inferred(*kb.find_load("SCCP41.8-3-1S")));            // the pattern only
    // Every record names a load the knowledge base has, and every digest has its length.
    for (const KnownPackage& p : kb.packages()) {
        CAPTURE(p.name);
        CHECK(p.comparable());
        CHECK_FALSE(p.evidence.empty());
        CHECK(kb.find_load(p.load) != nullptr);
        CHECK((p.sha1.empty() || p.sha1.size() == 40));
    }
}

TEST_CASE("package records and package-evidence are checked like the rest") {
    auto parsed = Catalog::parse(R"(<catalog format="1">
  <family id="41">
    <load id="SIP41.8-5-4S" package="cmterm-x.zip" package-evidence="seen in our lab"/>
  </family>
  <package name="cmterm-x.zip" size="12" SHA256="ABababababababababababababababababababababababababababababababab" load="SIP41.8-5-4S" evidence="our list"/>
</catalog>)",
                                 "site.xml");
    REQUIRE_FALSE(parsed.ok()); // attribute names are case-sensitive: SHA256 is unknown
    CHECK(parsed.error().message.find("unknown attribute 'SHA256'") != std::string::npos);

    auto good = Catalog::parse(R"(<catalog format="1">
  <family id="41">
    <load id="SIP41.8-5-4S" package="cmterm-x.zip" package-evidence="seen in our lab"/>
  </family>
  <package name="cmterm-x.zip" size="12" sha256="ABababababababababababababababababababababababababababababababab" load="SIP41.8-5-4S" evidence="our list"/>
</catalog>)",
                               "site.xml");
    REQUIRE(good.ok());
    REQUIRE(good->find_package("cmterm-x.zip") != nullptr);
    CHECK(good->find_package("cmterm-x.zip")->sha256.substr(0, 4) == "abab");
    CHECK(good->find_load("SIP41.8-5-4S")->package_evidence == "seen in our lab");

    for (const char* bad : {
             R"(<package name="a.zip" size="x" evidence="e"/>)",
             R"(<package name="a.zip" sha1="123" evidence="e"/>)",
             R"(<package name="a.zip" md5="zz" evidence="e"/>)",
             R"(<package name="dir/a.zip" evidence="e"/>)",
             R"(<package name="a.zip" size="1"/>)",
             R"(<package name="a.zip" load="SIP41.9" evidence="e"/>)",
             R"(<family id="41"><load id="SIP41.8-5-4S" package-evidence="e"/></family>)",
         }) {
        CAPTURE(bad);
        auto result =
            Catalog::parse(std::string(R"(<catalog format="1">)") + bad + "</catalog>", "site.xml");
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().file == "site.xml");
        CHECK(result.error().message.find("line 1") != std::string::npos);
    }
    auto twice = Catalog::parse(
        R"(<catalog format="1"><package name="a.zip" size="1" evidence="e"/><package name="a.zip" size="2" evidence="e"/></catalog>)",
        "site.xml");
    REQUIRE_FALSE(twice.ok());
    CHECK(twice.error().message.find("listed twice") != std::string::npos);

    Catalog merged = Catalog::builtin();
    merged.merge(*good);
    CHECK(merged.find_package("cmterm-x.zip") != nullptr);
    CHECK(merged.find_package("cmterm-7941_7961-sccp.9-4-2SR1-1.zip") != nullptr);
}

TEST_CASE("the loads found in real files are known, each with its evidence (issue 12)") {
    const Catalog& kb = Catalog::builtin();
    for (const char* id :
         {"SIP11.8-5-3S", "SCCP11.8-3-3SR2S", "SIP42.8-4-2S", "SIP69xx.9-4-1-3",
          "sip9971.9-4-1SR1-2", "sip9971.9-4-2SR4-1", "sip8961.9-4-1-9", "sip8961.9-4-2SR4-1",
          "sip78xx.12-8-1-0001-455", "sip88xx.12-8-1-0001-455", "CP3905.9-4-1SR2-2",
          "CP3905.9-4-1SR3", "CP3905.9-4-1SR4-2", "CP7925G-1.4.1SR1", "CP7926G-1.4.1SR1",
          "SCCP6901.9-2-1-a", "SCCP6911.9-2-1-a", "sip88xx.12-0-7MPP0201-66",
          "sip78xx.11-3-1MSR3-3"}) {
        CAPTURE(id);
        const KnownLoad* load = kb.find_load(std::string_view(id));
        REQUIRE(load != nullptr);
        CHECK_FALSE(load->evidence.empty());
        CHECK_FALSE(load->package.empty());
    }
    // The 3905's final load is the default target of a plan for a 3905.
    REQUIRE(kb.final_load("3905", Protocol::Sip) != nullptr);
    CHECK(kb.final_load("3905", Protocol::Sip)->id.str() == "CP3905.9-4-1SR4-2");
}

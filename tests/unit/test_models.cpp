// models.hpp: the registry answers what docs/phone-files.md §4 and §6.2 say about each model.
#include <fwplan/load_id.hpp>
#include <fwplan/models.hpp>

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace fwplan;

namespace {
const ModelInfo& model(const std::string& text) {
    auto found = find_model(text);
    INFO(text, ": ", found ? std::string() : found.error().describe());
    REQUIRE(found.ok());
    return **found;
}
} // namespace

TEST_CASE("people's spellings of a model all find it") {
    for (const char* spelling : {"7941", "7941G", "CP-7941G", "cp-7941g", "Cisco 7941",
                                 "Cisco IP Phone 7941G", "IP Phone 7941"}) {
        CAPTURE(spelling);
        CHECK(model(spelling).number == "7941");
    }
    CHECK(model("7941G-GE").number == "7941G-GE");
    CHECK(model("CP-7941G-GE").number == "7941G-GE");
    CHECK(model("7961-GE").number == "7961G-GE");
    CHECK(model("8851NR").number == "8851NR");
    CHECK(model("CP-7921G").number == "7921");
}

TEST_CASE("unknown models are an error with similar suggestions") {
    auto found = find_model("7999");
    REQUIRE_FALSE(found.ok());
    CHECK(found.error().code == "fwplan.model.unknown");
    CHECK(found.error().hint.find("7941") != std::string::npos);
}

TEST_CASE("XMLDefault numbers of docs/phone-files.md §6.2") {
    const std::vector<std::pair<std::string, unsigned>> numbers = {
        {"7940", 8},
        {"7960", 7},
        {"7941", 115},
        {"7941G-GE", 309},
        {"7961", 30018},
        {"7961G-GE", 308},
        {"7942", 434},
        {"7962", 404},
        {"7945", 435},
        {"7965", 436},
        {"7970", 30006},
        {"7971", 119},
        {"7975", 437},
        {"7911", 307},
        {"7906", 369},
        {"7931", 348},
        {"8941", 586},
        {"8945", 585},
        {"6921", 495},
        {"6941", 496},
        {"6961", 497},
        {"8961", 540},
        {"9951", 537},
        {"9971", 493},
        {"7821", 621},
        {"7841", 622},
        {"7861", 623},
        {"8831", 659},
        {"8841", 683},
        {"8851", 684},
        {"8861", 685},
        {"7811", 36213},
        {"8811", 36217},
        {"8845", 36224},
        {"8865", 36225},
        {"7832", 36247},
        {"8832", 36258},
        // Cisco's RisPort model enumeration (the same numbering): the 69xx singles, the
        // wireless phones and the 3905 (issue 12).
        {"6901", 547},
        {"6911", 548},
        {"6945", 564},
        {"7921", 365},
        {"7925", 484},
        {"7926", 577},
        {"3905", 592},
    };
    for (const auto& entry : numbers) {
        CAPTURE(entry.first);
        CHECK(model(entry.first).xml_default_number == entry.second);
    }
}

TEST_CASE("families, siblings and term files") {
    CHECK(model("7961").family == "41");
    CHECK(model("7941").term_file == "term41.default.loads");
    CHECK(model("7961").term_file == "term61.default.loads");
    CHECK(model("7906").term_file == "term06.default.loads");
    CHECK(model("7975").term_file == "term75.default.loads");
    CHECK(model("7941").term_stem() == "term41.default");
    CHECK(model("7960").term_file.empty());

    std::set<std::string> siblings;
    for (const ModelInfo* s : siblings_of(model("7941")))
        siblings.insert(std::string(s->number));
    CHECK(siblings == std::set<std::string>{"7961", "7941G-GE", "7961G-GE"});
    CHECK(siblings_of(model("7975")).empty());

    CHECK(model_for_term_file("term61.default.loads")->number == "7961");
    CHECK(model_for_term_file("TERM61.default.loads") == nullptr); // TFTP is case-sensitive

    CHECK(family_of(model("7941")).package_stem == "cmterm-7941_7961");
    CHECK(family_of(model("7906")).package_stem == "cmterm-7911_7906");
    CHECK(find_family_by_load_code("8941_8945")->id == "894x");
}

TEST_CASE("the 3905 and the 7926 are known models (issue 12)") {
    CHECK(model("CP-3905").family == "3905");
    CHECK(model("Cisco 3905").display_name == "Cisco Unified SIP Phone 3905");
    CHECK(offers(family_of(model("3905")), Protocol::Sip));
    CHECK_FALSE(offers(family_of(model("3905")), Protocol::Sccp));
    CHECK(family_of(model("3905")).style == LoadIdStyle::CpDotted);
    CHECK(model("7926G").family == "7926");
    CHECK(family_of(model("7926")).style == LoadIdStyle::Wireless);
    CHECK(find_family_by_load_code("7926G")->id == "7926");
}

TEST_CASE("protocols offered and config files read") {
    CHECK(offers(family_of(model("7941")), Protocol::Sip));
    CHECK(offers(family_of(model("7941")), Protocol::Sccp));
    CHECK_FALSE(offers(family_of(model("9971")), Protocol::Sccp));
    CHECK_FALSE(offers(family_of(model("8841")), Protocol::Sccp));
    CHECK(offers(family_of(model("7960")), Protocol::Mgcp));
    CHECK(model("7960").config_style == ConfigStyle::SepXmlAndSipCnf);
    CHECK(model("7941").config_style == ConfigStyle::SepXml);
}

TEST_CASE("every family code in the registry parses as a load ID family") {
    for (const FamilyInfo& f : all_families()) {
        CHECK_FALSE(models_in_family(f.id).empty());
        for (std::string_view code : f.load_codes)
            CHECK(find_family_by_load_code(code) == &f);
    }
    for (const ModelInfo& m : all_models())
        CHECK(find_family(m.family) != nullptr);
}

#include "detail/text.hpp"

#include <fwplan/models.hpp>

#include <algorithm>
#include <cctype>
#include <string>

namespace fwplan {

namespace {

constexpr bool kSccp = true;
constexpr bool kSip = true;
constexpr bool kNo = false;

// Families and their load-ID codes: docs/phone-files.md §4.1, §4.2 and §5.1.
std::vector<FamilyInfo> make_families() {
    using S = LoadIdStyle;
    return {
        {"11", "7906/7911", {"11"}, S::Tnp, "cmterm-7911_7906", kSccp, kSip, kNo},
        {"31", "7931", {"31"}, S::Tnp, "cmterm-7931", kSccp, kSip, kNo},
        {"41", "7941/7961", {"41"}, S::Tnp, "cmterm-7941_7961", kSccp, kSip, kNo},
        {"42", "7942/7962", {"42"}, S::Tnp, "cmterm-7942_7962", kSccp, kSip, kNo},
        {"45", "7945/7965", {"45"}, S::Tnp, "cmterm-7945_7965", kSccp, kSip, kNo},
        {"70", "7970/7971", {"70"}, S::Tnp, "cmterm-7970_7971", kSccp, kSip, kNo},
        {"75", "7975", {"75"}, S::Tnp, "cmterm-7975", kSccp, kSip, kNo},
        {"7940_7960", "7940/7960", {}, S::P0, "cmterm-7940-7960", kSccp, kSip, true},
        {"894x", "8941/8945", {"894x", "8941_8945"}, S::Plain, "cmterm-894x", kSccp, kSip, kNo},
        {"69xx", "6921/6941/6961", {"69xx"}, S::Plain, "cmterm-69xx", kSccp, kSip, kNo},
        {"6901", "6901", {"6901"}, S::Plain, "cmterm-6901", kSccp, kSip, kNo},
        {"6911", "6911", {"6911"}, S::Plain, "cmterm-6911", kSccp, kSip, kNo},
        {"6945", "6945", {"6945"}, S::Plain, "cmterm-6945", kSccp, kSip, kNo},
        {"8961", "8961", {"8961"}, S::LowerSip, "cmterm-8961", kNo, kSip, kNo},
        {"9951", "9951", {"9951"}, S::LowerSip, "cmterm-9951", kNo, kSip, kNo},
        {"9971", "9971", {"9971"}, S::LowerSip, "cmterm-9971", kNo, kSip, kNo},
        {"78xx", "7811/7821/7841/7861", {"78xx"}, S::LowerSip, "cmterm-78xx", kNo, kSip, kNo},
        {"7832", "7832", {"7832"}, S::LowerSip, "cmterm-7832", kNo, kSip, kNo},
        {"88xx", "8811/8841/8851/8861", {"88xx"}, S::LowerSip, "cmterm-88xx", kNo, kSip, kNo},
        {"8845_65", "8845/8865", {"8845_65"}, S::LowerSip, "cmterm-8845_65", kNo, kSip, kNo},
        {"8832", "8832", {"8832"}, S::LowerSip, "cmterm-8832", kNo, kSip, kNo},
        {"8831", "8831", {"8831"}, S::LowerSip, "cmterm-8831", kNo, kSip, kNo},
        {"8821", "8821", {"8821"}, S::LowerSip, "cmterm-8821", kNo, kSip, kNo},
        {"7921", "7921G", {"7921G"}, S::Wireless, "cmterm-7921", kSccp, kNo, kNo},
        {"7925", "7925G", {"7925G"}, S::Wireless, "cmterm-7925", kSccp, kNo, kNo},
        // Cisco ships the 7926's loads apart from the 7925's (CUCM 12.5(1)SU3 ReadMe lists
        // 7925-sccp and 7926-sccp packages); the 3905 is SIP only (3905 release notes).
        {"7926", "7926G", {"7926G"}, S::Wireless, "cmterm-7926", kSccp, kNo, kNo},
        {"3905", "3905", {"3905"}, S::CpDotted, "cmterm-3905", kNo, kSip, kNo},
    };
}

// Models: term file names from docs/phone-files.md §4.3 and §7.2, XMLDefault numbers from §6.2.
// The numbers of the 69xx singles, the wireless phones and the 3905 are Cisco's RisPort
// model enumeration (developer.cisco.com/site/sxml/documents/api-reference/risport/), the
// same tkmodel numbering as §6.2: 6901 547, 6911 548, 6945 564, 7921 365, 7925 484,
// 7926 577, 3905 592.
std::vector<ModelInfo> make_models() {
    constexpr auto Xml = ConfigStyle::SepXml;
    return {
        {"7906", "11", "Cisco IP Phone 7906G", "term06.default.loads", 369, Xml},
        {"7911", "11", "Cisco IP Phone 7911G", "term11.default.loads", 307, Xml},
        {"7931", "31", "Cisco IP Phone 7931G", "term31.default.loads", 348, Xml},
        {"7941", "41", "Cisco IP Phone 7941G", "term41.default.loads", 115, Xml},
        {"7941G-GE", "41", "Cisco IP Phone 7941G-GE", "term41.default.loads", 309, Xml},
        {"7961", "41", "Cisco IP Phone 7961G", "term61.default.loads", 30018, Xml},
        {"7961G-GE", "41", "Cisco IP Phone 7961G-GE", "term61.default.loads", 308, Xml},
        {"7942", "42", "Cisco IP Phone 7942G", "term42.default.loads", 434, Xml},
        {"7962", "42", "Cisco IP Phone 7962G", "term62.default.loads", 404, Xml},
        {"7945", "45", "Cisco IP Phone 7945G", "term45.default.loads", 435, Xml},
        {"7965", "45", "Cisco IP Phone 7965G", "term65.default.loads", 436, Xml},
        {"7970", "70", "Cisco IP Phone 7970G", "term70.default.loads", 30006, Xml},
        {"7971", "70", "Cisco IP Phone 7971G-GE", "term71.default.loads", 119, Xml},
        {"7975", "75", "Cisco IP Phone 7975G", "term75.default.loads", 437, Xml},
        {"7940", "7940_7960", "Cisco IP Phone 7940G", "", 8, ConfigStyle::SepXmlAndSipCnf},
        {"7960", "7940_7960", "Cisco IP Phone 7960G", "", 7, ConfigStyle::SepXmlAndSipCnf},
        {"8941", "894x", "Cisco IP Phone 8941", "", 586, Xml},
        {"8945", "894x", "Cisco IP Phone 8945", "", 585, Xml},
        {"6921", "69xx", "Cisco IP Phone 6921", "", 495, Xml},
        {"6941", "69xx", "Cisco IP Phone 6941", "", 496, Xml},
        {"6961", "69xx", "Cisco IP Phone 6961", "", 497, Xml},
        {"6901", "6901", "Cisco IP Phone 6901", "", 547, Xml},
        {"6911", "6911", "Cisco IP Phone 6911", "", 548, Xml},
        {"6945", "6945", "Cisco IP Phone 6945", "", 564, Xml},
        {"8961", "8961", "Cisco IP Phone 8961", "", 540, Xml},
        {"9951", "9951", "Cisco IP Phone 9951", "", 537, Xml},
        {"9971", "9971", "Cisco IP Phone 9971", "", 493, Xml},
        {"7811", "78xx", "Cisco IP Phone 7811", "", 36213, Xml},
        {"7821", "78xx", "Cisco IP Phone 7821", "", 621, Xml},
        {"7841", "78xx", "Cisco IP Phone 7841", "", 622, Xml},
        {"7861", "78xx", "Cisco IP Phone 7861", "", 623, Xml},
        {"7832", "7832", "Cisco IP Conference Phone 7832", "", 36247, Xml},
        {"8811", "88xx", "Cisco IP Phone 8811", "", 36217, Xml},
        {"8841", "88xx", "Cisco IP Phone 8841", "", 683, Xml},
        {"8851", "88xx", "Cisco IP Phone 8851", "", 684, Xml},
        {"8851NR", "88xx", "Cisco IP Phone 8851NR", "", 0, Xml},
        {"8861", "88xx", "Cisco IP Phone 8861", "", 685, Xml},
        {"8845", "8845_65", "Cisco IP Phone 8845", "", 36224, Xml},
        {"8865", "8845_65", "Cisco IP Phone 8865", "", 36225, Xml},
        {"8865NR", "8845_65", "Cisco IP Phone 8865NR", "", 0, Xml},
        {"8832", "8832", "Cisco IP Conference Phone 8832", "", 36258, Xml},
        {"8831", "8831", "Cisco Unified IP Conference Phone 8831", "", 659, Xml},
        {"8821", "8821", "Cisco Wireless IP Phone 8821", "", 0, Xml},
        {"7921", "7921", "Cisco Unified Wireless IP Phone 7921G", "", 365, Xml},
        {"7925", "7925", "Cisco Unified Wireless IP Phone 7925G", "", 484, Xml},
        {"7926", "7926", "Cisco Unified Wireless IP Phone 7926G", "", 577, Xml},
        {"3905", "3905", "Cisco Unified SIP Phone 3905", "", 592, Xml},
    };
}

bool starts_with_then_strip(std::string& text, std::string_view prefix) {
    if (text.rfind(prefix, 0) == 0) {
        text.erase(0, prefix.size());
        return true;
    }
    return false;
}

// "Cisco IP Phone CP-7941G" -> "7941G": drop the words people put around a model number.
std::string normalize_model_text(std::string_view text) {
    std::string t = detail::ascii_upper(text);
    t.erase(std::remove_if(t.begin(), t.end(), [](char c) { return c == ' ' || c == '\t'; }),
            t.end());
    starts_with_then_strip(t, "CISCO");
    starts_with_then_strip(t, "UNIFIED");
    starts_with_then_strip(t, "WIRELESS");
    starts_with_then_strip(t, "IPCONFERENCEPHONE");
    starts_with_then_strip(t, "IPPHONE");
    starts_with_then_strip(t, "CP-");
    starts_with_then_strip(t, "CP");
    return t;
}

const ModelInfo* exact(std::string_view normalized) {
    // `normalized` is upper case already: compare without making a string per model (a
    // million-row inventory asks this twice per row).
    for (const ModelInfo& m : all_models())
        if (detail::equals_ignoring_case(m.number, normalized))
            return &m;
    return nullptr;
}

} // namespace

std::string_view ModelInfo::term_stem() const noexcept {
    constexpr std::string_view ext = ".loads";
    if (term_file.size() > ext.size() && term_file.substr(term_file.size() - ext.size()) == ext)
        return term_file.substr(0, term_file.size() - ext.size());
    return term_file;
}

const std::vector<FamilyInfo>& all_families() {
    static const std::vector<FamilyInfo> families = make_families();
    return families;
}

const std::vector<ModelInfo>& all_models() {
    static const std::vector<ModelInfo> models = make_models();
    return models;
}

const FamilyInfo* find_family(std::string_view id) noexcept {
    for (const FamilyInfo& f : all_families())
        if (f.id == id)
            return &f;
    return nullptr;
}

const FamilyInfo* find_family_by_load_code(std::string_view code) noexcept {
    for (const FamilyInfo& f : all_families())
        for (std::string_view c : f.load_codes)
            if (c == code)
                return &f;
    return nullptr;
}

Result<const ModelInfo*> find_model(std::string_view text) {
    const std::string normalized = normalize_model_text(text);
    if (const ModelInfo* m = exact(normalized))
        return m;
    // "7941G" and "7941G-GE" spellings: the G (for "global") is optional everywhere.
    std::string without_g = normalized;
    if (auto pos = without_g.find("G-GE"); pos != std::string::npos)
        without_g.erase(pos, 1);
    else if (!without_g.empty() && without_g.back() == 'G')
        without_g.pop_back();
    if (auto pos = without_g.find("-GE"); pos != std::string::npos)
        without_g.replace(pos, 3, "G-GE");
    if (const ModelInfo* m = exact(without_g))
        return m;

    std::string known;
    const std::string head = normalized.substr(0, 2);
    for (const ModelInfo& m : all_models()) {
        if (!head.empty() && std::string_view(m.number).substr(0, 2) != head)
            continue;
        known += known.empty() ? "" : ", ";
        known += m.number;
    }
    Error error = bad_input("model.unknown", "unknown phone model " + detail::quote(text));
    return error.with_hint(known.empty() ? "run 'fwplan catalog' for the models fwplan knows"
                                         : "models fwplan knows that look similar: " + known);
}

const FamilyInfo& family_of(const ModelInfo& model) {
    const FamilyInfo* family = find_family(model.family);
    if (family == nullptr)
        throw std::logic_error("fwplan: model registry names an unknown family");
    return *family;
}

std::vector<const ModelInfo*> models_in_family(std::string_view family_id) {
    std::vector<const ModelInfo*> out;
    for (const ModelInfo& m : all_models())
        if (m.family == family_id)
            out.push_back(&m);
    return out;
}

std::vector<const ModelInfo*> siblings_of(const ModelInfo& model) {
    std::vector<const ModelInfo*> out = models_in_family(model.family);
    std::erase_if(out, [&](const ModelInfo* m) { return m == &model; });
    return out;
}

const ModelInfo* model_for_term_file(std::string_view file_name) noexcept {
    for (const ModelInfo& m : all_models())
        if (!m.term_file.empty() && m.term_file == file_name)
            return &m;
    return nullptr;
}

bool offers(const FamilyInfo& family, Protocol protocol) noexcept {
    switch (protocol) {
    case Protocol::Sccp:
        return family.offers_sccp;
    case Protocol::Sip:
        return family.offers_sip;
    case Protocol::Mgcp:
        return family.offers_mgcp;
    }
    return false;
}

} // namespace fwplan

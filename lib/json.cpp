#include <fwplan/json.hpp>

#include <nlohmann/json.hpp>

namespace fwplan::json {

namespace {
using nlohmann::ordered_json;

ordered_json protocols_of(const FamilyInfo& family) {
    ordered_json out = ordered_json::array();
    for (Protocol p : {Protocol::Sccp, Protocol::Sip, Protocol::Mgcp})
        if (offers(family, p))
            out.push_back(std::string(to_string(p)));
    return out;
}

ordered_json config_files_of(const ModelInfo& model) {
    ordered_json out = {"SEP<MAC>.cnf.xml", "XMLDefault.cnf.xml"};
    if (model.config_style == ConfigStyle::SepXmlAndSipCnf) {
        out.push_back("SIPDefault.cnf");
        out.push_back("SIP<MAC>.cnf");
        out.push_back("OS79XX.TXT");
    }
    return out;
}
} // namespace

std::string models(const std::vector<const FamilyInfo*>& families, int indent) {
    ordered_json list = ordered_json::array();
    for (const FamilyInfo* family : families) {
        ordered_json models = ordered_json::array();
        for (const ModelInfo* m : models_in_family(family->id)) {
            ordered_json siblings = ordered_json::array();
            for (const ModelInfo* s : siblings_of(*m))
                siblings.push_back(std::string(s->number));
            models.push_back({{"model", std::string(m->number)},
                              {"display_name", std::string(m->display_name)},
                              {"term_file", std::string(m->term_file)},
                              {"xml_default_number", m->xml_default_number},
                              {"config_files", config_files_of(*m)},
                              {"siblings", siblings}});
        }
        ordered_json codes = ordered_json::array();
        for (std::string_view c : family->load_codes)
            codes.push_back(std::string(c));
        list.push_back({{"id", std::string(family->id)},
                        {"name", std::string(family->name)},
                        {"load_codes", codes},
                        {"protocols", protocols_of(*family)},
                        {"package_stem", std::string(family->package_stem)},
                        {"models", models}});
    }
    return ordered_json{{"families", list}}.dump(indent) + "\n";
}

} // namespace fwplan::json

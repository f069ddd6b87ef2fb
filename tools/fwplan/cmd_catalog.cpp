#include "commands.hpp"

#include <fwplan/json.hpp>
#include <fwplan/models.hpp>

#include <ostream>

namespace fwplan::cli {

int run_catalog(const CatalogOptions& options, Console& console) {
    std::vector<const FamilyInfo*> families;
    if (!options.model.empty()) {
        auto model = find_model(options.model);
        if (!model)
            return console.fail(model.error());
        families.push_back(&family_of(**model));
    } else {
        for (const FamilyInfo& f : all_families())
            families.push_back(&f);
    }
    if (console.globals.json) {
        console.out() << json::models(families);
        return 0;
    }
    std::ostream& out = console.out();
    for (const FamilyInfo* family : families) {
        out << console.bold("Family " + std::string(family->name)) << "  (package "
            << family->package_stem << "-*)\n";
        for (const ModelInfo* m : models_in_family(family->id)) {
            out << "  " << m->number << "  " << m->display_name;
            if (!m->term_file.empty())
                out << "  factory reset asks for " << m->term_file;
            if (m->xml_default_number != 0)
                out << "  XMLDefault <loadInformation" << m->xml_default_number << ">";
            out << '\n';
        }
    }
    return 0;
}

} // namespace fwplan::cli

#include "commands.hpp"
#include "common.hpp"

#include <fwplan/json.hpp>
#include <fwplan/models.hpp>

#include <iomanip>
#include <ostream>
#include <set>

namespace fwplan::cli {

namespace {

void print_family(const FamilyInfo& family, const Catalog& catalog, Console& c) {
    std::ostream& out = c.out();
    out << c.bold("Family " + std::string(family.name)) << "  (packages " << family.package_stem
        << "-*)\n";
    for (const ModelInfo* m : models_in_family(family.id)) {
        out << "  model " << std::left << std::setw(9) << m->number << m->display_name;
        if (!m->term_file.empty())
            out << "; factory reset asks for " << m->term_file;
        if (m->xml_default_number != 0)
            out << "; XMLDefault <loadInformation" << m->xml_default_number << ">";
        out << '\n';
    }
    const auto loads = catalog.loads_of_family(family.id);
    if (!loads.empty())
        out << "  loads:\n";
    for (const KnownLoad* load : loads) {
        out << "    " << std::left << std::setw(28) << load->id.str() << std::setw(5)
            << to_string(load->id.protocol()) << std::setw(14) << load->id.version().release()
            << std::setw(10) << to_string(load->confidence)
            << (load->package.empty() ? std::string("(no package)") : load->package)
            << (load->final ? c.bold("  final") : std::string()) << '\n';
    }
}

} // namespace

int run_catalog(const CatalogOptions& options, Console& console) {
    auto catalog = load_catalog(console.globals);
    if (!catalog)
        return console.fail(catalog.error());
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
        // Models and the knowledge about them, in one document.
        console.out() << json::catalog(*catalog, families);
        return 0;
    }
    std::ostream& out = console.out();
    for (const FamilyInfo* family : families) {
        print_family(*family, *catalog, console);
        out << '\n';
    }
    std::set<std::string> shown;
    out << console.bold("Rules") << '\n';
    for (const Rule& rule : catalog->rules()) {
        bool wanted = false;
        for (const FamilyInfo* f : families)
            wanted = wanted || rule.covers(f->id);
        if (!wanted || !shown.insert(rule.id).second)
            continue;
        out << "  " << console.bold(rule.id) << "  " << to_string(rule.confidence) << "  "
            << rule.title << '\n';
        out << "      " << rule.text << '\n';
        for (const std::string& source : rule.sources)
            out << "      " << console.dim(source) << '\n';
    }
    return 0;
}

} // namespace fwplan::cli

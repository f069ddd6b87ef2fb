#include "commands.hpp"
#include "common.hpp"

#include <fwplan/json.hpp>
#include <fwplan/models.hpp>
#include <fwplan/time_zone.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
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
    // Columns as wide as their widest value (plus two spaces), so a long load ID or
    // version never pushes the rest of its line out of line.
    std::size_t id_width = 0;
    std::size_t version_width = 0;
    for (const KnownLoad* load : loads) {
        id_width = std::max(id_width, load->id.str().size());
        version_width = std::max(version_width, load->id.version().release().size());
    }
    for (const KnownLoad* load : loads) {
        out << "    " << std::left << std::setw(static_cast<int>(id_width + 2)) << load->id.str()
            << std::setw(6) << to_string(load->id.protocol())
            << std::setw(static_cast<int>(version_width + 2)) << load->id.version().release()
            << std::setw(11) << to_string(load->confidence)
            << (load->package.empty() ? std::string("(no package)") : load->package)
            << (load->final ? c.bold("  final") : std::string()) << '\n';
    }
}

// The Cisco time zone names, their offsets and the IANA zones each serves.
int print_time_zones(Console& c) {
    if (c.globals.json) {
        c.out() << json::time_zones();
        return 0;
    }
    std::ostream& out = c.out();
    out << c.bold("Time zones Cisco phones know")
        << " (--time-zone takes the name or an IANA zone)\n";
    std::size_t width = 0;
    for (const CiscoTimeZone& zone : cisco_time_zones())
        width = std::max(width, zone.name.size());
    for (const CiscoTimeZone& zone : cisco_time_zones()) {
        const int hours = std::abs(zone.utc_offset_minutes) / 60;
        const int minutes = std::abs(zone.utc_offset_minutes) % 60;
        char offset[16];
        std::snprintf(offset, sizeof offset, "UTC%c%02d:%02d",
                      zone.utc_offset_minutes < 0 ? '-' : '+', hours, minutes);
        out << "  " << std::left << std::setw(static_cast<int>(width + 2)) << zone.name << offset
            << (zone.daylight ? "  summer time" : "             ")
            << (zone.legacy.empty() ? std::string() : "  7940/7960: " + std::string(zone.legacy))
            << '\n';
        if (!zone.iana.empty())
            out << "      " << c.dim(std::string(zone.iana)) << '\n';
    }
    return 0;
}

} // namespace

int run_catalog(const CatalogOptions& options, Console& console) {
    if (options.time_zones)
        return print_time_zones(console);
    auto catalog = load_catalog(console);
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
        // A site's --catalog is a file like any other: its text is escaped like a package's.
        out << "  " << console.bold(terminal_safe(rule.id)) << "  " << to_string(rule.confidence)
            << "  " << terminal_safe(rule.title) << '\n';
        out << "      " << terminal_safe(rule.text) << '\n';
        for (const std::string& source : rule.sources)
            out << "      " << console.dim(terminal_safe(source)) << '\n';
    }
    return 0;
}

} // namespace fwplan::cli

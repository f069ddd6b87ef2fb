#include "commands.hpp"
#include "common.hpp"

#include <fwplan/models.hpp>
#include <fwplan/planner.hpp>

#include <ostream>

namespace fwplan::cli {

int run_graph(const GraphOptions& options, Console& console) {
    auto catalog = load_catalog(console.globals);
    if (!catalog)
        return console.fail(catalog.error());
    Planner planner(*catalog);
    std::vector<const FamilyInfo*> families;
    fwplan::GraphOptions graph_options;
    graph_options.show_forbidden = options.all;
    if (!options.model.empty()) {
        auto model = find_model(options.model);
        if (!model)
            return console.fail(model.error());
        families.push_back(&family_of(**model));
        graph_options.model = std::string((*model)->number);
    } else {
        for (const FamilyInfo& family : all_families())
            if (!catalog->loads_of_family(family.id).empty())
                families.push_back(&family);
    }
    for (const FamilyInfo* family : families) {
        auto dot = planner.graphviz(family->id, graph_options);
        if (!dot)
            return console.fail(dot.error());
        console.out() << *dot;
    }
    return 0;
}

} // namespace fwplan::cli

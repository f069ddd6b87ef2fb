// fwplan graph: the version graph as one Graphviz DOT document (one family, or every family
// fwplan knows loads of, one cluster each). DOT is its only output: --json is refused.

#include "cli_args.hpp"
#include "commands.hpp"
#include "common.hpp"

#include <fwplan/models.hpp>
#include <fwplan/planner.hpp>

#include <ostream>

namespace fwplan::cli {

int run_graph(const GraphOptions& options, Console& console) {
    if (console.globals.json)
        return console.fail_also_as_json(usage_error(
            "no-json",
            "fwplan graph writes Graphviz DOT, not JSON: leave --json out (dot -Tsvg draws it; "
            "'fwplan --json catalog' gives the loads and rules as JSON)",
            {"graph"}));
    auto catalog = load_catalog(console);
    if (!catalog)
        return console.fail(catalog.error());
    Planner planner(*catalog);
    std::vector<std::string_view> families;
    fwplan::GraphOptions graph_options;
    graph_options.show_forbidden = options.all;
    if (!options.model.empty()) {
        auto model = find_model(options.model);
        if (!model)
            return console.fail(model.error());
        families.push_back(family_of(**model).id);
        graph_options.model = std::string((*model)->number);
    } else {
        for (const FamilyInfo& family : all_families())
            if (!catalog->loads_of_family(family.id).empty())
                families.push_back(family.id);
    }
    console.info("drawing " + std::to_string(families.size()) +
                 (families.size() == 1 ? " family" : " families"));
    auto dot = planner.graphviz(families, graph_options);
    if (!dot)
        return console.fail(dot.error());
    console.out() << *dot;
    return 0;
}

} // namespace fwplan::cli

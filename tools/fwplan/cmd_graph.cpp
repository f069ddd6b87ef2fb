#include "commands.hpp"

namespace fwplan::cli {

int run_graph(const GraphOptions& /*options*/, Console& console) {
    return not_yet("graph", console);
}

} // namespace fwplan::cli

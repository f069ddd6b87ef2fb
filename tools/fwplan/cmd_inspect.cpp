#include "commands.hpp"

namespace fwplan::cli {

int run_inspect(const InspectOptions& /*options*/, Console& console) {
    return not_yet("inspect", console);
}

} // namespace fwplan::cli

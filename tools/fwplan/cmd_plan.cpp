#include "commands.hpp"

namespace fwplan::cli {

int run_plan(const PlanOptions& /*options*/, Console& console) {
    return not_yet("plan", console);
}

} // namespace fwplan::cli

#include "commands.hpp"

namespace fwplan::cli {

int run_stage(const StageOptions& /*options*/, Console& console) {
    return not_yet("stage", console);
}

} // namespace fwplan::cli

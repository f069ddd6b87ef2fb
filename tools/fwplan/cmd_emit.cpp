#include "commands.hpp"

namespace fwplan::cli {

int run_emit(const EmitOptions& /*options*/, Console& console) {
    return not_yet("emit", console);
}

} // namespace fwplan::cli

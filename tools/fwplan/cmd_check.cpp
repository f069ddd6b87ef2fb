#include "commands.hpp"

namespace fwplan::cli {

int run_check(const CheckOptions& /*options*/, Console& console) {
    return not_yet("check", console);
}

} // namespace fwplan::cli

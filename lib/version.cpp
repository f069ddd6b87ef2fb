#include <fwplan/version.hpp>

namespace fwplan {
const char* library_version() noexcept {
    return FWPLAN_VERSION_STRING;
}
} // namespace fwplan

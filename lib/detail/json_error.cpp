#include "detail/json_error.hpp"

namespace fwplan::detail {

nlohmann::ordered_json error_json(const Error& e) {
    nlohmann::ordered_json out = {{"code", e.code}, {"message", e.message}};
    if (!e.file.empty())
        out["file"] = e.file;
    if (!e.entry.empty())
        out["entry"] = e.entry;
    if (e.offset)
        out["offset"] = *e.offset;
    out["hint"] = e.hint;
    return out;
}

} // namespace fwplan::detail

// take_current_loads (rollout.hpp): an inventory as a rollout says its phones stand now.

#include "rollout/location.hpp"

#include <fwplan/rollout.hpp>

#include <map>
#include <system_error>

namespace fwplan::rollout {

Result<std::size_t> take_current_loads(const Location& where, std::vector<Phone>& inventory) {
    if (where.state.empty()) {
        // Only a rollout that was started: checking a root creates no state.
        auto located = locate(where);
        std::error_code ec;
        if (!located || !std::filesystem::is_regular_file(located->state, ec))
            return std::size_t{0};
    }
    auto now = status(where);
    if (!now)
        return now.error();
    std::map<MacAddress, LoadId> loads;
    for (const PhoneRow& row : now->phones)
        if (auto load = LoadId::parse(row.load); load.ok())
            loads.emplace(row.mac, *load);
    std::size_t taken = 0;
    for (Phone& phone : inventory) {
        const auto found = loads.find(phone.mac);
        if (found == loads.end())
            continue;
        phone.from = found->second;
        ++taken;
    }
    return taken;
}

} // namespace fwplan::rollout

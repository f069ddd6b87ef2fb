// Fuzzes the time zone look-up and the "did you mean" matching behind it: --time-zone takes
// any text a user types. No input may crash or over-read; a name found once is found again
// by the Cisco name it gave, and suggestions come from the candidates only.
#include <fwplan/diagnostic.hpp>
#include <fwplan/time_zone.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto zone = fwplan::find_time_zone(text);
    if (zone) {
        auto again = fwplan::find_time_zone((*zone)->name);
        if (!again || *again != *zone)
            std::abort();
    } else if (zone.error().hint.empty()) {
        std::abort();
    }
    static const std::vector<std::string> candidates = {"inspect", "plan",  "emit",    "stage",
                                                        "check",   "graph", "catalog", "help"};
    const std::vector<std::string> near = fwplan::closest_matches(text, candidates);
    if (near.size() > 3)
        std::abort();
    for (const std::string& n : near)
        if (std::find(candidates.begin(), candidates.end(), n) == candidates.end())
            std::abort();
    return 0;
}

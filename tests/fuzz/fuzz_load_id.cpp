// Fuzzes the load-ID and version grammars: no input may crash, over-read or make an
// accepted ID fail to round-trip.
#include <fwplan/load_id.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto id = fwplan::LoadId::parse(text);
    if (id) {
        auto again = fwplan::LoadId::parse(id->str());
        if (!again || !(*again == *id) || again->version() != id->version())
            std::abort();
        (void)id->version().to_string();
        (void)id->loads_file_name();
    }
    auto version = fwplan::Version::parse(text);
    if (version) {
        auto again = fwplan::Version::parse(version->to_string());
        if (!again || *again != *version)
            std::abort();
    }
    return 0;
}

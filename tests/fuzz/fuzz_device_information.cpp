// Fuzzes what `--confirm http` reads from a phone (lib/rollout/confirm.hpp): the bytes of a
// DeviceInformationX page, which anything answering on the phone's address may send. No input
// may crash, over-read or throw; a load it names is a well-formed load ID, shorter than 64
// bytes, present in the page; the same page gives the same answer twice.
#include "rollout/confirm.hpp"

#include <fwplan/load_id.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view page(reinterpret_cast<const char*>(data), size);
    const auto load = fwplan::rollout::running_load(page);
    if (load) {
        if (load->empty() || load->size() >= 64 || !fwplan::LoadId::parse(*load))
            std::abort();
        // The answer comes from the page: in a page of plain ASCII without references
        // (nothing pugixml decodes or converts), verbatim.
        bool plain = page.find('&') == std::string_view::npos;
        for (const char c : page)
            plain = plain && c != '\0' && static_cast<unsigned char>(c) < 0x80;
        if (plain && page.find(*load) == std::string_view::npos)
            std::abort();
    }
    if (fwplan::rollout::running_load(page) != load)
        std::abort();
    return 0;
}

// Fuzzes what reads user text for the phone configuration files: SEP<MAC>.cnf.xml templates
// (load, lint, render), MAC addresses and output file names. No input may crash or
// over-read; a template fwplan accepts must render to XML it accepts again, naming the load;
// an accepted MAC must round-trip.
#include <fwplan/device_config.hpp>
#include <fwplan/file_writer.hpp>
#include <fwplan/mac_address.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void fuzz_template(std::string_view text) {
    auto tmpl = fwplan::DeviceTemplate::from_string(text, "fuzz");
    if (!tmpl)
        return;
    (void)tmpl->lint();
    (void)tmpl->lint(&*fwplan::find_model("7941").value(), fwplan::Protocol::Sip);
    (void)tmpl->load_information();
    for (const char* id : {"SIP41.9-4-2SR3-1S", "SCCP41.9-4-2SR1-1S"}) {
        const fwplan::LoadId load = fwplan::LoadId::parse(id).value();
        auto out = tmpl->render(load);
        if (!out)
            std::abort();
        auto again = fwplan::DeviceTemplate::from_string(*out, "rendered");
        if (!again || again->load_information() != load.str())
            std::abort();
        auto twice = again->render(load);
        if (!twice || *twice != *out) // rendering is a fixed point
            std::abort();
    }
}

void fuzz_mac(std::string_view text) {
    auto mac = fwplan::MacAddress::parse(text);
    if (!mac)
        return;
    auto again = fwplan::MacAddress::parse(mac->hex());
    if (!again || *again != *mac || fwplan::MacAddress::parse(mac->to_string()).value() != *mac)
        std::abort();
    if (!fwplan::check_file_name(mac->sep_config_file_name()))
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 3) {
    case 0:
        fuzz_template(text);
        break;
    case 1:
        fuzz_mac(text);
        break;
    default:
        if (fwplan::check_file_name(text) &&
            (text.find('/') != std::string_view::npos || text == ".." || text.empty()))
            std::abort();
        break;
    }
    return 0;
}

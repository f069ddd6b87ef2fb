// Fuzzes the inventory CSV reader: no input may crash or over-read, every data row ends up
// as a phone or a rejected row with a plausible line number, MACs are unique, messages stay
// free of terminal escapes, and the plan renderers take whatever the rows hold.
#include <fwplan/fleet.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto inventory = fwplan::parse_inventory(text, "fuzz.csv");
    if (!inventory)
        return 0;
    // Lines end with LF, CRLF or a lone CR.
    std::size_t lines = 1;
    for (std::size_t i = 0; i < text.size(); ++i)
        lines +=
            text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))
                ? 1U
                : 0U;
    if (inventory->rows !=
            inventory->phones.size() + inventory->rejected.size() + inventory->rejected_more ||
        inventory->rejected.size() > fwplan::kMaxListedRows ||
        (inventory->rejected_more > 0 && inventory->rejected.size() != fwplan::kMaxListedRows))
        std::abort();
    std::set<fwplan::MacAddress> macs;
    std::size_t previous = 0;
    for (const fwplan::Phone& phone : inventory->phones) {
        if (phone.model == nullptr || !phone.from || !macs.insert(phone.mac).second)
            std::abort();
        if (phone.source_line < 2 || phone.source_line > lines || phone.source_line <= previous)
            std::abort();
        previous = phone.source_line;
    }
    for (const fwplan::RowError& row : inventory->rejected) {
        if (row.line < 2 || row.line > lines)
            std::abort();
        if (row.error.message.find('\x1b') != std::string::npos ||
            row.mac.find('\x1b') != std::string::npos ||
            row.model.find('\x1b') != std::string::npos)
            std::abort();
    }
    fwplan::EmitReport report;
    report.rows = inventory->rows;
    report.failed = inventory->rejected;
    report.failed_more = inventory->rejected_more;
    report.notes = inventory->warnings;
    (void)fwplan::plan_text(report);
    (void)fwplan::plan_json(report);
    return 0;
}

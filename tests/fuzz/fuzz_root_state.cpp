// Fuzzes what fwplan reads back from a TFTP root it staged into (lib/tftp/root_fs.hpp): the
// state index `.fwplan-state` and the stage journals, versions 1 and 2. Anyone who can write
// to the root can write these files, so no input may crash, over-read or yield a journal
// entry naming a file outside the root's top level; and what fwplan writes must read back as
// it was (the first input byte picks journal or index).
#include "tftp/root_fs.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {
void check(bool condition) {
    if (!condition)
        std::abort();
}

bool same(const fwplan::detail::JournalEntry& a, const fwplan::detail::JournalEntry& b) {
    return a.name == b.name && a.replace == b.replace && a.size == b.size && a.crc32 == b.crc32 &&
           a.sha256 == b.sha256 && a.new_inode == b.new_inode && a.old_inode == b.old_inode &&
           a.term_for == b.term_for && a.package == b.package && a.entry == b.entry;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1)
        return 0;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    namespace d = fwplan::detail;
    if (data[0] % 2 == 0) {
        const auto journal = d::parse_journal(text);
        if (!journal)
            return 0;
        check(journal->version == 1 || journal->version == 2);
        for (const d::JournalEntry& e : journal->entries) {
            check(!e.name.empty() && e.name.front() != '.');
            check(e.name.find('/') == std::string::npos);
            check(e.sha256.empty() || e.sha256.size() == 64);
        }
        const auto again = d::parse_journal(d::format_journal(*journal));
        check(again.has_value() && again->id == journal->id && again->version == journal->version &&
              again->entries.size() == journal->entries.size());
        for (std::size_t i = 0; i < journal->entries.size(); ++i) {
            // Package and entry are dropped when they hold a tab or a line break; the rest
            // must come back as written.
            d::JournalEntry want = journal->entries[i];
            want.package = again->entries[i].package;
            want.entry = again->entries[i].entry;
            check(same(want, again->entries[i]));
        }
        return 0;
    }
    const d::StateIndex state = d::parse_state(text);
    for (const auto& [name, record] : state.files) {
        check(!name.empty());
        check(record.sha256.empty() || record.sha256.size() == 64);
    }
    const d::StateIndex again = d::parse_state(d::format_state(state));
    check(again.files.size() == state.files.size());
    for (const auto& [name, record] : state.files) {
        const auto it = again.files.find(name);
        check(it != again.files.end() && it->second.size == record.size &&
              it->second.crc32 == record.crc32 && it->second.sha256 == record.sha256 &&
              it->second.inode == record.inode && it->second.term_for == record.term_for);
    }
    return 0;
}

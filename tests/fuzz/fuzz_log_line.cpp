// Fuzzes the TFTP log readers (lib/rollout/log_line.hpp): the input, split into lines, goes
// to a parser of every format. No input may crash, over-read or throw; every line lands in
// exactly one counter; an event names a canonical address and a file (except where the
// header says they may be empty); the same lines give the same events twice.
#include "rollout/log_line.hpp"
#include "rollout/log_messages.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

using namespace fwplan::rollout;

namespace {

constexpr LogFormat all_formats[] = {LogFormat::Auto, LogFormat::TftpdHpa, LogFormat::Dnsmasq,
                                     LogFormat::Atftpd, LogFormat::JournalJson};

ParserOptions options() {
    ParserOptions o;
    o.year = 2026;
    o.server_roots = {"/srv/tftp", "/var/lib/tftpboot/", "/"};
    return o;
}

void check(const TftpEvent& event, std::string_view line) {
    // An ip may be missing only from the not-found/refused lines that name no client.
    if (event.ip.empty() && event.kind != TftpEventKind::NotFound &&
        event.kind != TftpEventKind::Refused)
        std::abort();
    if (!event.ip.empty()) {
        const auto again = canonical_ip(event.ip);
        if (!again || *again != event.ip)
            std::abort();
    }
    // Only a NAK may lack its file (its request unseen).
    if (event.file.empty() && event.kind != TftpEventKind::NotFound &&
        event.kind != TftpEventKind::Refused)
        std::abort();
    if (!event.file.empty() && (event.file.front() == '/' || event.file.substr(0, 2) == "./"))
        std::abort();
    // Whatever is not recalled from an earlier request comes from this line.
    if (event.host.size() > line.size() || event.program.size() > line.size() ||
        event.detail.size() > line.size())
        std::abort();
    if (event.file.size() > LogParser::max_line_bytes ||
        event.remapped.size() > LogParser::max_line_bytes)
        std::abort();
}

bool same(const TftpEvent& a, const TftpEvent& b) {
    return a.time_us == b.time_us && a.host == b.host && a.program == b.program && a.ip == b.ip &&
           a.kind == b.kind && a.file == b.file && a.remapped == b.remapped && a.detail == b.detail;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    ::setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1); // DST edges too, no tzdata needed
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start <= input.size();) {
        std::size_t end = input.find('\n', start);
        if (end == std::string_view::npos)
            end = input.size();
        lines.push_back(input.substr(start, end - start));
        start = end + 1;
    }
    for (const LogFormat format : all_formats) {
        LogParser first(format, options());
        // Determinism: a second parser given the same lines says the same (auto only: it
        // reads everything the others read, and each parser costs time under ASan).
        std::optional<LogParser> second;
        if (format == LogFormat::Auto)
            second.emplace(format, options());
        for (const std::string_view line : lines) {
            const auto a = first.parse(line);
            if (second) {
                const auto b = second->parse(line);
                if (a.has_value() != b.has_value() || (a && !same(*a, *b)))
                    std::abort();
            }
            if (a)
                check(*a, line);
        }
        const ParserCounters& c = first.counters();
        if (c.lines != lines.size() || c.lines != c.events + c.too_long + c.unrecognised +
                                                      c.other_programs + c.other_messages +
                                                      c.malformed)
            std::abort();
    }
    return 0;
}

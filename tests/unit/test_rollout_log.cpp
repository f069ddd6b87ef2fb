// rollout/log_line.hpp: the lines tftpd-hpa, dnsmasq and atftpd write, in every envelope
// rsyslog and journald give them, become the right TFTP events; NAKs find their file;
// classic timestamps get the right year and zone; everything else is skipped and counted.
// The lines have the shapes of real logs (sysop.ca/?p=337, chan-sccp/sccp_manager #79,
// PhantomVl/sccp_manager #46) and of the servers' format strings (tftp-hpa, dnsmasq, atftp).
#include "rollout/log_line.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

using namespace fwplan::rollout;

namespace {

constexpr std::int64_t second = 1'000'000;

// Sets TZ for one test (a POSIX rule string, so no tzdata is needed) and puts it back.
class TimeZone {
public:
    explicit TimeZone(const char* tz) {
        if (const char* old = std::getenv("TZ")) {
            had_ = true;
            old_ = old;
        }
        ::setenv("TZ", tz, 1);
        ::tzset();
    }
    TimeZone(const TimeZone&) = delete;
    TimeZone& operator=(const TimeZone&) = delete;
    ~TimeZone() {
        if (had_)
            ::setenv("TZ", old_.c_str(), 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }

private:
    bool had_ = false;
    std::string old_;
};

ParserOptions in_year(int year, std::vector<std::string> roots = {}) {
    ParserOptions options;
    options.year = year;
    options.server_roots = std::move(roots);
    return options;
}

TftpEvent event_of(LogParser& parser, std::string_view line) {
    INFO(line);
    std::optional<TftpEvent> event = parser.parse(line);
    REQUIRE(event.has_value());
    return *event;
}

// A line whose event (if any) does not matter to the test.
void feed(LogParser& parser, std::string_view line) {
    (void)parser.parse(line);
}

std::uint64_t sum_of_outcomes(const ParserCounters& c) {
    return c.events + c.too_long + c.unrecognised + c.other_programs + c.other_messages +
           c.malformed;
}

} // namespace

TEST_CASE("rollout log: tftpd-hpa RRQ in a classic syslog line (sysop.ca/?p=337)") {
    TimeZone utc("UTC0");
    LogParser parser(LogFormat::TftpdHpa, in_year(2026));
    const TftpEvent event =
        event_of(parser, "Apr 13 10:25:10 pbx in.tftpd[2733]: RRQ from 10.10.10.10 filename "
                         "Jar11sip.8-2-2ES4.sbn");
    CHECK(event.time_us == 1776075910 * second);
    CHECK(event.host == "pbx");
    CHECK(event.program == "in.tftpd");
    CHECK(event.ip == "10.10.10.10");
    CHECK(event.kind == TftpEventKind::Request);
    CHECK(event.file == "Jar11sip.8-2-2ES4.sbn");
    CHECK(event.remapped.empty());
    CHECK(event.detail.empty());
    CHECK(parser.counters().lines == 1);
    CHECK(parser.counters().events == 1);
}

TEST_CASE("rollout log: classic envelopes: padded days, no host, no pid, CRLF") {
    TimeZone utc("UTC0");
    LogParser parser(LogFormat::Auto, in_year(2026));
    // Day space-padded as syslog writes it, zero-padded as atftpd's strftime("%b %d").
    CHECK(event_of(parser, "Apr  3 10:25:10 pbx in.tftpd[7]: RRQ from 10.0.0.1 filename a.sbn")
              .time_us == (1776075910 - 10 * 86400) * second);
    CHECK(event_of(parser, "Apr 03 10:25:10 pbx in.tftpd[7]: RRQ from 10.0.0.1 filename a.sbn")
              .time_us == (1776075910 - 10 * 86400) * second);
    // journalctl -o short-precise: zero-padded day, microseconds.
    CHECK(event_of(parser, "Apr 13 10:25:10.123456 pbx in.tftpd[7]: RRQ from 10.0.0.1 "
                           "filename a.sbn")
              .time_us == 1776075910 * second + 123456);
    // dnsmasq --log-facility=FILE: no host.
    const TftpEvent hostless = event_of(
        parser, "Apr 13 10:25:10 dnsmasq-tftp[812]: sent /srv/tftp/SEP008041AEFD7E.cnf.xml to "
                "10.0.0.5");
    CHECK(hostless.host.empty());
    CHECK(hostless.program == "dnsmasq-tftp");
    CHECK(hostless.file == "SEP008041AEFD7E.cnf.xml");
    // No [pid].
    const TftpEvent no_pid = event_of(
        parser, "Apr 13 10:25:10 pbx tftpd: RRQ from 10.0.0.2 filename term41.default.loads\r");
    CHECK(no_pid.program == "tftpd");
    CHECK(no_pid.file == "term41.default.loads"); // the CR of a CRLF file is not part of it
    // tftpd-hpa's trailing newline as rsyslog escapes it when it does not drop it.
    CHECK(event_of(parser, "Apr 13 10:25:10 pbx in.tftpd[7]: RRQ from 10.0.0.1 filename "
                           "SEP008041AEFD7E.cnf.xml#012")
              .file == "SEP008041AEFD7E.cnf.xml");
}

TEST_CASE("rollout log: tftpd-hpa remaps and the Client lines of RHEL builds") {
    TimeZone utc("UTC0");
    LogParser parser(LogFormat::TftpdHpa, in_year(2026));
    // chan-sccp/sccp_manager #79 (a FreePBX distro tftpd-hpa): `finished` names the file as
    // asked for.
    const TftpEvent rrq =
        event_of(parser, "Mar 28 11:38:42 freepbx in.tftpd[2080]: RRQ from 10.98.1.5 filename "
                         "term61.default.loads remapped to firmware/7941/term61.default.loads");
    CHECK(rrq.time_us == 1774697922 * second);
    CHECK(rrq.kind == TftpEventKind::Request);
    CHECK(rrq.file == "term61.default.loads");
    CHECK(rrq.remapped == "firmware/7941/term61.default.loads");
    const TftpEvent finished =
        event_of(parser, "Mar 28 11:38:42 freepbx in.tftpd[2080]: Client 10.98.1.5 finished "
                         "term61.default.loads");
    CHECK(finished.kind == TftpEventKind::Completed);
    CHECK(finished.ip == "10.98.1.5");
    CHECK(finished.file == "term61.default.loads");
    CHECK(finished.remapped == "firmware/7941/term61.default.loads");

    // PhantomVl/sccp_manager #46: a remap that cuts the name, then `File not found` naming
    // the remapped file. The event still says what the phone asked for.
    event_of(parser, "Aug  9 10:00:00 pbx in.tftpd[3001]: RRQ from 192.168.189.125 filename "
                     "P0030801SR02.loads remapped to firmware/7940/P0030801SR");
    const TftpEvent not_found = event_of(
        parser, "Aug  9 10:00:00 pbx in.tftpd[3001]: Client 192.168.189.125 File not found "
                "firmware/7940/P0030801SR");
    CHECK(not_found.kind == TftpEventKind::NotFound);
    CHECK(not_found.file == "P0030801SR02.loads");
    CHECK(not_found.remapped == "firmware/7940/P0030801SR");
    CHECK(not_found.detail == "File not found");

    // A Client line of a transfer never seen keeps its own name.
    const TftpEvent unseen = event_of(
        parser, "Aug  9 10:00:01 pbx in.tftpd[3002]: Client 10.0.0.9 finished dialplan.xml");
    CHECK(unseen.file == "dialplan.xml");
    CHECK(unseen.remapped.empty());
}

TEST_CASE("rollout log: a tftpd-hpa NAK takes the file of its own process, then of its ip") {
    TimeZone utc("UTC0");
    LogParser parser(LogFormat::TftpdHpa, in_year(2026));
    // Two phones boot at once; each transfer is its own forked process.
    event_of(parser, "Apr 13 10:25:10 pbx in.tftpd[100]: RRQ from 10.0.0.10 filename "
                     "CTLSEP008041AEFD7E.tlv");
    event_of(parser, "Apr 13 10:25:10 pbx in.tftpd[101]: RRQ from 10.0.0.11 filename "
                     "SEP00112233AABB.cnf.xml");
    event_of(parser, "Apr 13 10:25:11 pbx in.tftpd[102]: RRQ from 10.0.0.10 filename "
                     "ITLSEP008041AEFD7E.tlv");
    const TftpEvent first = event_of(
        parser, "Apr 13 10:25:11 pbx in.tftpd[100]: sending NAK (1, File not found) to 10.0.0.10");
    CHECK(first.kind == TftpEventKind::NotFound);
    CHECK(first.ip == "10.0.0.10");
    CHECK(first.file == "CTLSEP008041AEFD7E.tlv"); // pid 100's, not 10.0.0.10's latest
    CHECK(first.detail == "File not found");

    const TftpEvent refused =
        event_of(parser, "Apr 13 10:25:12 pbx in.tftpd[101]: sending NAK (2, Access violation) to "
                         "10.0.0.11");
    CHECK(refused.kind == TftpEventKind::Refused);
    CHECK(refused.file == "SEP00112233AABB.cnf.xml");
    CHECK(refused.detail == "Access violation");

    // Unknown pid: the last request from that ip.
    const TftpEvent by_ip = event_of(
        parser, "Apr 13 10:25:12 pbx in.tftpd[999]: sending NAK (1, File not found) to 10.0.0.10");
    CHECK(by_ip.file == "ITLSEP008041AEFD7E.tlv");

    // No request seen at all: the event says so with an empty file.
    const TftpEvent orphan = event_of(
        parser, "Apr 13 10:25:12 pbx in.tftpd[998]: sending NAK (1, File not found) to 10.0.0.99");
    CHECK(orphan.kind == TftpEventKind::NotFound);
    CHECK(orphan.file.empty());

    // A pid reused later on the same host: the later request.
    event_of(parser, "Apr 13 10:25:14 pbx in.tftpd[200]: RRQ from 10.0.0.20 filename old.cnf.xml");
    event_of(parser, "Apr 13 10:26:14 pbx in.tftpd[200]: RRQ from 10.0.0.20 filename new.cnf.xml");
    CHECK(
        event_of(parser,
                 "Apr 13 10:26:14 pbx in.tftpd[200]: sending NAK (1, File not found) to 10.0.0.20")
            .file == "new.cnf.xml");

    // A pid reused by another host is another process.
    event_of(parser, "Apr 13 10:25:13 tftp2 in.tftpd[100]: RRQ from 10.0.1.10 filename "
                     "SEP0000000000AA.cnf.xml");
    const TftpEvent other_host = event_of(
        parser, "Apr 13 10:25:13 pbx in.tftpd[100]: sending NAK (1, File not found) to 10.0.0.10");
    CHECK(other_host.file == "CTLSEP008041AEFD7E.tlv");
}

TEST_CASE("rollout log: the request memory is bounded, and holds what NAKs need") {
    TimeZone utc("UTC0");
    const auto ip_of = [](std::size_t i) {
        return "10.2." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    };
    // A request, `others` requests of other transfers, then the NAK of the first.
    const auto nak_after = [&](std::size_t others) {
        LogParser parser(LogFormat::TftpdHpa, in_year(2026));
        feed(parser, "Apr 13 10:00:00 pbx in.tftpd[1]: RRQ from 10.1.0.1 filename first.loads");
        for (std::size_t i = 0; i < others; ++i)
            feed(parser, "Apr 13 10:00:01 pbx in.tftpd[" + std::to_string(i + 2) + "]: RRQ from " +
                             ip_of(i) + " filename SEP" + std::to_string(i) + ".cnf.xml");
        return parser
            .parse("Apr 13 10:00:02 pbx in.tftpd[1]: sending NAK (1, File not found) to 10.1.0.1")
            .value();
    };
    CHECK(nak_after(7).file == "first.loads"); // fewer than a set's ways: always kept
    CHECK(nak_after(4 * LogParser::request_memory).file.empty()); // long forgotten

    // A busy server: 3000 phones, each NAK 60 requests after its own: all attributed.
    LogParser parser(LogFormat::TftpdHpa, in_year(2026));
    constexpr std::size_t phones = 3000;
    constexpr std::size_t lag = 60;
    std::size_t attributed = 0;
    for (std::size_t i = 0; i < phones + lag; ++i) {
        if (i < phones)
            feed(parser, "Apr 13 10:00:01 pbx in.tftpd[" + std::to_string(10000 + i) +
                             "]: RRQ from " + ip_of(i) + " filename ITLSEP" + std::to_string(i) +
                             ".tlv");
        if (i >= lag) {
            const std::size_t j = i - lag;
            const auto nak =
                parser.parse("Apr 13 10:00:02 pbx in.tftpd[" + std::to_string(10000 + j) +
                             "]: sending NAK (1, File not found) to " + ip_of(j));
            REQUIRE(nak.has_value());
            attributed += nak->file == "ITLSEP" + std::to_string(j) + ".tlv" ? 1U : 0U;
        }
    }
    CHECK(attributed == phones);
}

TEST_CASE("rollout log: addresses: IPv4-mapped, IPv6, garbage") {
    TimeZone utc("UTC0");
    LogParser parser(LogFormat::Auto, in_year(2026));
    CHECK(event_of(parser, "Apr 13 10:25:10 pbx in.tftpd[1]: RRQ from ::ffff:10.1.2.3 filename "
                           "SEP008041AEFD7E.cnf.xml")
              .ip == "10.1.2.3");
    CHECK(event_of(parser, "Apr 13 10:25:10 pbx in.tftpd[1]: RRQ from 2001:DB8:0:0::1 filename "
                           "SEP008041AEFD7E.cnf.xml")
              .ip == "2001:db8::1");
    CHECK(event_of(parser, "Apr 13 10:25:10 gw dnsmasq-tftp[9]: sent /srv/tftp/a.sbn to "
                           "fe80::1%eth0")
              .ip == "fe80::1");
    CHECK(event_of(parser, "Apr 13 10:25:10 tftp atftpd[5]: Serving b.sbn to "
                           "::ffff:192.168.1.20:2070")
              .ip == "192.168.1.20");
    // tftpd-hpa writes ??? when inet_ntop fails; that and other non-addresses are malformed.
    CHECK_FALSE(parser.parse("Apr 13 10:25:10 pbx in.tftpd[1]: RRQ from ??? filename a.sbn"));
    CHECK_FALSE(
        parser.parse("Apr 13 10:25:10 pbx in.tftpd[1]: RRQ from 10.0.0.256 filename a.sbn"));
    CHECK_FALSE(parser.parse("Apr 13 10:25:10 pbx in.tftpd[1]: RRQ from 010.0.0.1 filename a"));
    CHECK(parser.counters().malformed == 3);
}

TEST_CASE("rollout log: file names: spaces, leading slashes and ./, server roots") {
    TimeZone utc("UTC0");
    LogParser parser(LogFormat::Auto, in_year(2026, {"/srv/", "/srv/tftp", "/var/lib/tftpboot"}));
    CHECK(event_of(parser, "Apr 13 10:25:10 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename "
                           "Ring Tones/Old Phone.raw")
              .file == "Ring Tones/Old Phone.raw");
    CHECK(event_of(parser, "Apr 13 10:25:10 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename "
                           "/SEP008041AEFD7E.cnf.xml")
              .file == "SEP008041AEFD7E.cnf.xml");
    CHECK(event_of(parser, "Apr 13 10:25:10 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename "
                           ".//./term41.default.loads")
              .file == "term41.default.loads");
    // tftpd-hpa without --secure is asked for absolute names: the root comes off.
    CHECK(event_of(parser, "Apr 13 10:25:10 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename "
                           "/srv/tftp/SEP008041AEFD7E.cnf.xml")
              .file == "SEP008041AEFD7E.cnf.xml");
    // dnsmasq: the longest root, on whole components.
    CHECK(event_of(parser, "Apr 13 10:25:10 dnsmasq-tftp[2]: sent /srv/tftp/firmware/jar41.sbn "
                           "to 10.0.0.1")
              .file == "firmware/jar41.sbn");
    CHECK(event_of(parser, "Apr 13 10:25:10 dnsmasq-tftp[2]: sent /srv/other/x.sbn to 10.0.0.1")
              .file == "other/x.sbn");
    CHECK(event_of(parser, "Apr 13 10:25:10 dnsmasq-tftp[2]: sent "
                           "/var/lib/tftpboot/SEP008041AEFD7E.cnf.xml to 10.0.0.1")
              .file == "SEP008041AEFD7E.cnf.xml");
    // Under none of the roots: the part after the last '/'.
    CHECK(event_of(parser, "Apr 13 10:25:10 dnsmasq-tftp[2]: sent /tftpboot/cisco/dsp41.sbn to "
                           "10.0.0.1")
              .file == "dsp41.sbn");
    // A name holding " to " itself: the address is after the last one.
    const TftpEvent spaced = event_of(
        parser, "Apr 13 10:25:10 dnsmasq-tftp[2]: sent /srv/tftp/how to boot.txt to 10.0.0.1");
    CHECK(spaced.file == "how to boot.txt");
    CHECK(spaced.ip == "10.0.0.1");

    LogParser no_roots(LogFormat::Dnsmasq, in_year(2026));
    CHECK(event_of(no_roots, "Apr 13 10:25:10 dnsmasq-tftp[2]: sent /srv/tftpx/a/b.sbn to "
                             "10.0.0.1")
              .file == "b.sbn");
}

TEST_CASE("rollout log: lines measured from Debian 12's tftpd-hpa via rsyslog, and dnsmasq 2.90") {
    // Captured by the e2e harness (tftpd-hpa 5.2+20150808-1.4, rsyslog 8.2302.0, dnsmasq
    // 2.90-4~deb12u2 with --log-facility=FILE), verbatim.
    TimeZone utc("UTC0");
    LogParser parser(LogFormat::Auto, in_year(2026));
    const std::vector<std::string> lines = {
        R"(Dec  1 17:16:49 vm rsyslogd: [origin software="rsyslogd" swVersion="8.2302.0" x-pid="13793" x-info="https://www.rsyslog.com"] start)",
        "Dec  1 17:16:49 vm in.tftpd[13807]: RRQ from 127.0.0.2 filename CTLSEP008041AEFD7E.tlv",
        "Dec  1 17:16:49 vm in.tftpd[13807]: sending NAK (1, File not found) to 127.0.0.2",
        "Dec  1 17:16:49 vm in.tftpd[13811]: RRQ from 127.0.0.2 filename SEP008041AEFD7E.cnf.xml",
        "Dec  1 17:16:50 vm in.tftpd[13842]: RRQ from 127.0.0.2 filename /mk-sip.jar",
        "Dec  1 17:16:50 vm in.tftpd[13842]: sending NAK (1, File not found) to 127.0.0.2",
        "2026-12-01T17:10:18.815856+00:00 vm in.tftpd[8614]: RRQ from 127.0.0.1 filename nope.tlv",
        "2026-12-01T17:10:18.815966+00:00 vm in.tftpd[8614]: sending NAK (1, File not found) to "
        "127.0.0.1",
        "Dec  1 17:19:55 dnsmasq[19070]: started, version 2.90 DNS disabled",
        "Dec  1 17:19:55 dnsmasq-tftp[19070]: TFTP root is /tmp/smoke/tmp8boshalz/root  ",
        "Dec  1 17:19:55 dnsmasq-tftp[19070]: file "
        "/tmp/smoke/tmp8boshalz/root/CTLSEP008041AEFD7E.tlv not found for 127.0.0.2",
        "Dec  1 17:19:55 dnsmasq-tftp[19070]: sent "
        "/tmp/smoke/tmp8boshalz/root/./SIP0019E8F41234.cnf "
        "to 127.0.0.3",
        "Dec  1 17:10:29 dnsmasq-tftp[8846]: cannot access /tmp/dq1/root/private.bin: Permission "
        "denied",
        "Dec  1 17:10:36 dnsmasq-tftp[8846]: error 0 abort received from 127.0.0.5",
        "Dec  1 17:10:36 dnsmasq-tftp[8846]: failed sending /tmp/dq1/root/big.bin to 127.0.0.5",
    };
    std::vector<TftpEvent> events;
    for (const std::string& line : lines)
        if (auto event = parser.parse(line))
            events.push_back(*event);
    REQUIRE(events.size() == 11);
    CHECK(events[1].file == "CTLSEP008041AEFD7E.tlv"); // the NAK, by its pid
    CHECK(events[1].kind == TftpEventKind::NotFound);
    CHECK(events[3].file == "mk-sip.jar");
    CHECK(events[4].file == "mk-sip.jar");
    CHECK(events[6].file == "nope.tlv");
    CHECK(events[6].time_us == 1796145018815966);
    CHECK(events[7].file == "CTLSEP008041AEFD7E.tlv");
    CHECK(events[7].host.empty());
    CHECK(events[8].file == "SIP0019E8F41234.cnf");
    CHECK(events[8].kind == TftpEventKind::Completed);
    CHECK(events[9].kind == TftpEventKind::Refused);
    CHECK(events[9].file == "private.bin");
    CHECK(events[10].kind == TftpEventKind::Failed);
    CHECK(parser.counters().other_messages == 3); // started, TFTP root is, error received
    CHECK(parser.counters().other_programs == 1); // rsyslogd
}

TEST_CASE("rollout log: dnsmasq's own root, learnt from its start-up line, per host") {
    TimeZone utc("UTC0");
    LogParser parser(LogFormat::Dnsmasq, in_year(2026));
    const std::string sent = "Dec  1 17:20:00 dnsmasq-tftp[1]: sent /srv/dq/firmware/jar41.sbn "
                             "to 10.0.0.2";
    CHECK(event_of(parser, sent).file == "jar41.sbn"); // no root known: the last part
    feed(parser, "Dec  1 17:19:55 dnsmasq-tftp[1]: TFTP root is /srv/dq/ secure mode single port "
                 "mode");
    CHECK(event_of(parser, sent).file == "firmware/jar41.sbn");
    // Another host's root is its own.
    CHECK(event_of(parser, "Dec  1 17:20:00 gw2 dnsmasq-tftp[1]: sent /srv/dq/firmware/jar41.sbn "
                           "to 10.0.0.2")
              .file == "jar41.sbn");
    feed(parser, "Dec  1 17:21:00 dnsmasq-tftp[2]: TFTP root is /  ");
    CHECK(event_of(parser, sent).file == "srv/dq/firmware/jar41.sbn");
}

TEST_CASE("rollout log: dnsmasq: sent, not found (both forms), failed, timeout, other lines") {
    TimeZone utc("UTC0");
    LogParser parser(LogFormat::Dnsmasq, in_year(2026, {"/srv/tftp"}));
    const TftpEvent sent = event_of(
        parser, "Dec  1 10:25:10 gw dnsmasq-tftp[812]: sent /srv/tftp/SEP008041AEFD7E.cnf.xml "
                "to 10.0.0.5");
    CHECK(sent.kind == TftpEventKind::Completed);
    CHECK(sent.host == "gw");
    CHECK(sent.time_us == 1796120710 * second);
    const TftpEvent missing = event_of(
        parser, "Dec  1 10:25:11 gw dnsmasq-tftp[812]: file /srv/tftp/ITLSEP008041AEFD7E.tlv not "
                "found for 10.0.0.5");
    CHECK(missing.kind == TftpEventKind::NotFound);
    CHECK(missing.file == "ITLSEP008041AEFD7E.tlv");
    CHECK(missing.ip == "10.0.0.5");
    // The older message names no client: kept, with an empty ip, for the caller to judge.
    const TftpEvent old_form = event_of(
        parser, "Dec  1 10:25:11 dnsmasq-tftp[812]: file /srv/tftp/CTLSEP008041AEFD7E.tlv not "
                "found");
    CHECK(old_form.kind == TftpEventKind::NotFound);
    CHECK(old_form.file == "CTLSEP008041AEFD7E.tlv");
    CHECK(old_form.ip.empty());
    const TftpEvent failed =
        event_of(parser, "Dec  1 10:25:40 gw dnsmasq-tftp[812]: failed sending "
                         "/srv/tftp/apps41.9-4-2-1S.sbn to 10.0.0.5");
    CHECK(failed.kind == TftpEventKind::Failed);
    CHECK(failed.detail == "failed sending");
    CHECK(failed.file == "apps41.9-4-2-1S.sbn");
    const TftpEvent timeout =
        event_of(parser, "Dec  1 10:26:40 gw dnsmasq-tftp[812]: timeout sending "
                         "/srv/tftp/apps41.9-4-2-1S.sbn to 10.0.0.5");
    CHECK(timeout.kind == TftpEventKind::Failed);
    CHECK(timeout.detail == "timeout sending");
    const TftpEvent denied = event_of(
        parser, "Dec  1 10:26:41 gw dnsmasq-tftp[812]: cannot access /srv/tftp/secret.cnf: "
                "Permission denied");
    CHECK(denied.kind == TftpEventKind::Refused);
    CHECK(denied.file == "secret.cnf");
    CHECK(denied.detail == "Permission denied");
    // The same server's other lines, and its DHCP/DNS side, are no events.
    CHECK_FALSE(parser.parse("Dec  1 10:20:00 gw dnsmasq-tftp[812]: TFTP root is /srv/tftp"));
    CHECK_FALSE(parser.parse(
        "Dec  1 10:25:09 gw dnsmasq-dhcp[812]: DHCPACK(eth0) 10.0.0.5 00:80:41:ae:fd:7e"));
    CHECK_FALSE(parser.parse("Dec  1 10:25:09 gw dnsmasq[812]: query[A] pbx.lan from 10.0.0.5"));
    CHECK_FALSE(parser.parse(
        "Dec  1 10:25:09 gw dnsmasq-tftp[812]: error 8 User aborted the transfer received from "
        "10.0.0.5"));
    CHECK_FALSE(parser.parse("Dec  1 10:25:09 gw dnsmasq-tftp[812]: sent /srv/tftp/x.sbn to"));
    CHECK(parser.counters().other_messages == 3);
    CHECK(parser.counters().other_programs == 1); // dnsmasq-dhcp
    CHECK(parser.counters().malformed == 1);
}

TEST_CASE("rollout log: atftpd: Serving, and File not found given its client") {
    TimeZone utc("UTC0");
    LogParser parser(LogFormat::Atftpd, in_year(2026, {"/srv/tftp"}));
    // atftpd's own --logfile: `%b %d` and pid.thread.
    const TftpEvent serving = event_of(
        parser, "Dec 01 10:25:10 tftp1 atftpd[1234.140001]: Serving SEP008041AEFD7E.cnf.xml to "
                "10.0.0.7:50123");
    CHECK(serving.kind == TftpEventKind::Request);
    CHECK(serving.ip == "10.0.0.7");
    CHECK(serving.file == "SEP008041AEFD7E.cnf.xml");
    event_of(parser, "Dec 01 10:25:11 tftp1 atftpd[1234.140002]: Serving jar41sip.9-4-2-1S.sbn "
                     "to 10.0.0.8:50124");
    event_of(parser, "Dec 01 10:25:11 tftp1 atftpd[1234.140003]: Serving other.sbn to "
                     "10.0.0.7:50125");
    const TftpEvent missing = event_of(
        parser, "Dec 01 10:25:11 tftp1 atftpd[1234.140002]: File /srv/tftp/jar41sip.9-4-2-1S.sbn "
                "not found");
    CHECK(missing.kind == TftpEventKind::NotFound);
    CHECK(missing.ip == "10.0.0.8");
    CHECK(missing.file == "jar41sip.9-4-2-1S.sbn");
    // Through syslog all threads share the pid: the last request for that name decides.
    event_of(parser, "Dec  1 10:30:00 tftp1 atftpd[1234]: Serving dsp41.sbn to 10.0.0.9:1000");
    event_of(parser, "Dec  1 10:30:00 tftp1 atftpd[1234]: Serving apps41.sbn to 10.0.0.10:1001");
    const TftpEvent syslogged =
        event_of(parser, "Dec  1 10:30:01 tftp1 atftpd[1234]: File /srv/tftp/dsp41.sbn not found");
    CHECK(syslogged.ip == "10.0.0.9");
    // A port cut off (atftpd's 128-byte message buffer) is malformed, not an event.
    CHECK_FALSE(parser.parse("Dec  1 10:30:02 tftp1 atftpd[1234]: Serving x.sbn to 10.0.0.9"));
    CHECK(parser.counters().malformed == 1);
}

TEST_CASE("rollout log: RFC 3339 and short-iso timestamps with offsets") {
    TimeZone berlin("CET-1CEST,M3.5.0,M10.5.0/3"); // ignored: these carry their offset
    LogParser parser(LogFormat::Auto, in_year(2020));
    const TftpEvent precise = event_of(
        parser, "2026-12-01T10:25:10.123456+01:00 pbx in.tftpd[2733]: RRQ from 10.10.10.10 "
                "filename SEP008041AEFD7E.cnf.xml");
    CHECK(precise.time_us == 1796117110 * second + 123456);
    CHECK(precise.host == "pbx");
    CHECK(event_of(parser, "2026-12-01T09:25:10Z pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a")
              .time_us == 1796117110 * second);
    // journalctl -o short-iso: no colon in the offset.
    CHECK(event_of(parser, "2026-12-01T10:25:10+0100 pbx in.tftpd[1]: RRQ from 10.0.0.1 "
                           "filename a")
              .time_us == 1796117110 * second);
    CHECK(event_of(parser, "2026-12-01T10:25:10.5-05:00 pbx in.tftpd[1]: RRQ from 10.0.0.1 "
                           "filename a")
              .time_us == 1796138710 * second + 500000);
    // Nanoseconds are cut to microseconds.
    CHECK(event_of(parser, "2026-12-01T09:25:10.123456789Z pbx in.tftpd[1]: RRQ from 10.0.0.1 "
                           "filename a")
              .time_us == 1796117110 * second + 123456);
    // Not dates.
    CHECK_FALSE(parser.parse("2026-02-30T10:25:10Z pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a"));
    CHECK_FALSE(parser.parse("2026-12-01T24:25:10Z pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a"));
    CHECK_FALSE(parser.parse("2026-12-01T10:25:10 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a"));
    CHECK(parser.counters().unrecognised == 3);
}

TEST_CASE("rollout log: journalctl -o json records, MESSAGE as bytes") {
    TimeZone utc("UTC0");
    LogParser parser(LogFormat::JournalJson, in_year(2026));
    const std::string record =
        R"({"__CURSOR":"s=0b1c;i=2a5;b=7f;m=1b2;t=5f;x=3c","__REALTIME_TIMESTAMP":"1796117110123456",)"
        R"("__MONOTONIC_TIMESTAMP":"28311203","_BOOT_ID":"7f3e","PRIORITY":"5",)"
        R"("SYSLOG_FACILITY":"3","_UID":"0","_GID":"0","_TRANSPORT":"syslog",)"
        R"("SYSLOG_IDENTIFIER":"in.tftpd","SYSLOG_PID":"2733","_PID":"2733","_COMM":"in.tftpd",)"
        R"("_EXE":"/usr/sbin/in.tftpd","_SYSTEMD_UNIT":"tftpd-hpa.service","_HOSTNAME":"pbx",)"
        R"("MESSAGE":"RRQ from 10.10.10.10 filename SEP008041AEFD7E.cnf.xml"})";
    const TftpEvent event = event_of(parser, record);
    CHECK(event.time_us == 1796117110 * second + 123456);
    CHECK(event.host == "pbx");
    CHECK(event.program == "in.tftpd");
    CHECK(event.ip == "10.10.10.10");
    CHECK(event.file == "SEP008041AEFD7E.cnf.xml");

    // The NAK of the same pid finds its file through the journal's fields too.
    const TftpEvent nak = event_of(
        parser,
        R"({"__REALTIME_TIMESTAMP":"1796117111000000","_HOSTNAME":"pbx","SYSLOG_IDENTIFIER":"in.tftpd",)"
        R"("SYSLOG_PID":"2733","MESSAGE":"sending NAK (1, File not found) to 10.10.10.10"})");
    CHECK(nak.file == "SEP008041AEFD7E.cnf.xml");

    // Not UTF-8 (a Latin-1 é): journalctl writes MESSAGE as an array of byte values.
    std::string bytes;
    const std::string text = "RRQ from 10.0.0.9 filename caf\xe9.raw";
    for (const char c : text)
        bytes += (bytes.empty() ? "" : ",") + std::to_string(static_cast<unsigned char>(c));
    const TftpEvent latin1 =
        event_of(parser, R"({"__REALTIME_TIMESTAMP":"1796117112000000","_HOSTNAME":"pbx",)"
                         R"("_COMM":"in.tftpd","_PID":"2734","MESSAGE":[)" +
                             bytes + "]}");
    CHECK(latin1.file == "caf\xe9.raw");
    CHECK(latin1.program == "in.tftpd"); // _COMM when SYSLOG_IDENTIFIER is missing

    // Other units, a MESSAGE too large to show (null), a byte array that is not one, no
    // timestamp, a text line, broken JSON.
    CHECK_FALSE(parser.parse(
        R"({"__REALTIME_TIMESTAMP":"1796117112000000","SYSLOG_IDENTIFIER":"systemd","MESSAGE":"Started"})"));
    CHECK_FALSE(parser.parse(
        R"({"__REALTIME_TIMESTAMP":"1796117112000000","SYSLOG_IDENTIFIER":"in.tftpd","MESSAGE":null})"));
    CHECK_FALSE(parser.parse(
        R"({"__REALTIME_TIMESTAMP":"1796117112000000","SYSLOG_IDENTIFIER":"in.tftpd","MESSAGE":[82,300]})"));
    CHECK_FALSE(parser.parse(
        R"({"SYSLOG_IDENTIFIER":"in.tftpd","MESSAGE":"RRQ from 10.0.0.1 filename a"})"));
    CHECK_FALSE(parser.parse("Apr 13 10:25:10 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a"));
    CHECK_FALSE(parser.parse(R"({"__REALTIME_TIMESTAMP":"1796117112000000","MESSAGE":"RRQ)"));
    CHECK_FALSE(parser.parse(R"([{"__REALTIME_TIMESTAMP":"1"}])"));
    CHECK(parser.counters().other_programs == 1);
    CHECK(parser.counters().other_messages == 2);
    CHECK(parser.counters().unrecognised == 4);
}

TEST_CASE("rollout log: classic timestamps across New Year, and the lines that turn it") {
    TimeZone utc("UTC0");
    LogParser parser(LogFormat::Auto, in_year(2025));
    CHECK(
        event_of(parser, "Dec 31 23:59:58 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a").time_us ==
        1767225598 * second);
    // A line a few seconds out of order stays in its year.
    CHECK(
        event_of(parser, "Dec 31 23:59:50 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a").time_us ==
        (1767225598 - 8) * second);
    CHECK(
        event_of(parser, "Jan  1 00:00:03 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a").time_us ==
        1767225603 * second);

    // Half a year with no TFTP line: another program's line at New Year turns the year.
    const auto june_after = [](bool with_new_year_line) {
        LogParser p(LogFormat::TftpdHpa, in_year(2025));
        feed(p, "Dec 20 12:00:00 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a");
        if (with_new_year_line)
            feed(p, "Jan  1 00:00:01 pbx CRON[77]: (root) CMD (run-parts /etc/cron.daily)");
        return p.parse("Jun 25 12:00:00 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a")->time_us;
    };
    CHECK(june_after(true) == 1782388800 * second);  // 2026-06-25
    CHECK(june_after(false) == 1750852800 * second); // 2025-06-25: nothing said otherwise
}

TEST_CASE("rollout log: classic timestamps are local time, DST edges decided the same way") {
    TimeZone berlin("CET-1CEST,M3.5.0,M10.5.0/3");
    LogParser parser(LogFormat::Auto, in_year(2026));
    CHECK(
        event_of(parser, "Jul  1 12:00:00 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a").time_us ==
        1782900000 * second);
    CHECK(
        event_of(parser, "Jan 15 12:00:00 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a").time_us ==
        1768474800 * second);
    // 2026-10-25 02:30 happens twice (clocks go back at 03:00 CEST): the earlier instant,
    // whatever the process converted before.
    const std::string twice = "Oct 25 02:30:00 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a";
    LogParser fresh(LogFormat::Auto, in_year(2026));
    CHECK(event_of(fresh, twice).time_us == 1792888200 * second);
    LogParser after_winter(LogFormat::Auto, in_year(2026));
    feed(after_winter, "Oct 25 04:00:00 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a");
    CHECK(event_of(after_winter, twice).time_us == 1792888200 * second);
    // 2026-03-29 02:30 does not happen (clocks skip to 03:00): the winter offset.
    CHECK(
        event_of(parser, "Mar 29 02:30:00 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a").time_us ==
        1774747800 * second);
}

TEST_CASE("rollout log: a central rsyslog file: several hosts and servers, one auto parser") {
    TimeZone utc("UTC0");
    LogParser parser(LogFormat::Auto, in_year(2026, {"/srv/tftp"}));
    const std::vector<std::string> lines = {
        "2026-12-01T10:25:10.000001+00:00 tftp-a in.tftpd[500]: RRQ from 10.1.0.5 filename "
        "SEP008041AEFD7E.cnf.xml",
        "2026-12-01T10:25:10.000002+00:00 tftp-b in.tftpd[500]: RRQ from 10.2.0.5 filename "
        "SEP00112233AABB.cnf.xml",
        "2026-12-01T10:25:10.000003+00:00 gw-c dnsmasq-tftp[812]: sent "
        "/srv/tftp/SEP001122334455.cnf.xml to 10.3.0.5",
        "2026-12-01T10:25:10.000004+00:00 tftp-d atftpd[40]: Serving SEP00AABBCCDDEE.cnf.xml to "
        "10.4.0.5:3000",
        "2026-12-01T10:25:10.000005+00:00 tftp-a sshd[99]: Accepted publickey for root",
        "2026-12-01T10:25:10.000006+00:00 tftp-b in.tftpd[500]: sending NAK (1, File not found) "
        "to 10.2.0.5",
    };
    std::vector<TftpEvent> events;
    for (const std::string& line : lines)
        if (auto event = parser.parse(line))
            events.push_back(*event);
    REQUIRE(events.size() == 5);
    CHECK(events[0].host == "tftp-a");
    CHECK(events[1].host == "tftp-b");
    CHECK(events[2].host == "gw-c");
    CHECK(events[2].kind == TftpEventKind::Completed);
    CHECK(events[3].host == "tftp-d");
    CHECK(events[3].program == "atftpd");
    // Same pid on two hosts: the NAK of tftp-b is tftp-b's request.
    CHECK(events[4].host == "tftp-b");
    CHECK(events[4].file == "SEP00112233AABB.cnf.xml");
    CHECK(parser.counters().other_programs == 1);

    // A server format takes only its server's lines.
    LogParser hpa_only(LogFormat::TftpdHpa, in_year(2026, {"/srv/tftp"}));
    std::size_t count = 0;
    for (const std::string& line : lines)
        count += hpa_only.parse(line) ? 1U : 0U;
    CHECK(count == 3);
    CHECK(hpa_only.counters().other_programs == 3);
}

TEST_CASE("rollout log: hostile lines are skipped and counted, never thrown") {
    TimeZone utc("UTC0");
    LogParser parser(LogFormat::Auto, in_year(2026));
    const std::string prefix = "Apr 13 10:25:10 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename ";
    CHECK_FALSE(parser.parse(prefix + std::string(LogParser::max_line_bytes, 'a')));
    CHECK(parser.counters().too_long == 1);
    // At the limit still read.
    CHECK(parser.parse(prefix + std::string(LogParser::max_line_bytes - prefix.size(), 'b')));

    static constexpr char nul_in_address[] =
        "Apr 13 10:25:10 pbx in.tftpd[1]: RRQ from 10.0.0.1\0 filename a";
    const std::vector<std::string> hostile = {
        "",
        "Apr 13 10:2",
        "Apr 13 10:25:10",
        "Apr 13 10:25:10 ",
        "Apr 13 10:25:10 pbx",
        "Apr 13 10:25:10 pbx in.tftpd[]: RRQ from 10.0.0.1 filename a",
        "Apr 13 10:25:10 pbx in.tftpd[1]: RRQ from 10.10.10.10",
        "Apr 13 10:25:10 pbx in.tftpd[1]: RRQ from 10.10.10.10 filename ",
        "Apr 13 10:25:10 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a remapped to ",
        "Apr 13 10:25:10 pbx in.tftpd[1]: sending NAK (1, File not found) to ",
        "Apr 13 10:25:10 pbx in.tftpd[1]: sending NAK (x, File not found) to 10.0.0.1",
        "Apr 13 10:25:10 pbx in.tftpd[1]: sending NAK (1 File not found to 10.0.0.1",
        "Foo 13 10:25:10 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a",
        "Apr 32 10:25:10 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a",
        "Apr 13 10:61:10 pbx in.tftpd[1]: RRQ from 10.0.0.1 filename a",
        std::string(nul_in_address, sizeof nul_in_address - 1),
        std::string("\0\0\0\xff\xfe{", 6),
        "{",
        std::string(2000, '['),
        "{\"a\":" + std::string(3000, '[') + std::string(3000, ']') + "}",
        "-- Boot 5b8f0d9c0e5a4c2d9f1e --",
        "Apr 13 10:25:10 pbx in.tftpd[1]: WRQ from 10.0.0.1 filename upload.bin",
    };
    for (const std::string& line : hostile) {
        INFO(line.substr(0, 80));
        CHECK_FALSE(parser.parse(line));
    }
    const ParserCounters& c = parser.counters();
    CHECK(c.lines == hostile.size() + 2);
    CHECK(c.events == 1);
    CHECK(sum_of_outcomes(c) == c.lines);
    CHECK(c.other_messages == 1); // the WRQ
    CHECK(c.malformed == 7);
}

TEST_CASE("rollout log: format names") {
    for (const LogFormat format : {LogFormat::Auto, LogFormat::TftpdHpa, LogFormat::Dnsmasq,
                                   LogFormat::Atftpd, LogFormat::JournalJson}) {
        const auto parsed = parse_log_format(to_string(format));
        REQUIRE(parsed.ok());
        CHECK(*parsed == format);
    }
    CHECK(to_string(LogFormat::TftpdHpa) == "tftpd-hpa");
    CHECK(to_string(LogFormat::JournalJson) == "journal-json");
    const auto unknown = parse_log_format("syslog");
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().code == "fwplan.rollout.log-format");
    CHECK(unknown.error().kind == fwplan::ErrorKind::Usage);
    CHECK(unknown.error().hint.find("journal-json") != std::string::npos);
    CHECK(to_string(TftpEventKind::NotFound) == "not-found");
}

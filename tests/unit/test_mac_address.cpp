// mac_address.hpp: exactly the five accepted spellings parse, everything else is refused
// with a message that lists them, and the file names are upper case.
#include <fwplan/mac_address.hpp>

#include <doctest/doctest.h>

#include <string>
#include <unordered_set>

using namespace fwplan;

namespace {
MacAddress mac(const std::string& text) {
    auto parsed = MacAddress::parse(text);
    INFO(text, ": ", parsed ? std::string() : parsed.error().describe());
    REQUIRE(parsed.ok());
    return *parsed;
}
} // namespace

TEST_CASE("every accepted MAC spelling gives the same address") {
    const MacAddress expected(MacAddress::Bytes{0x00, 0x80, 0x41, 0xAE, 0xFD, 0x7E});
    for (const char* text :
         {"00:80:41:ae:fd:7e", "00:80:41:AE:FD:7E", "00-80-41-AE-FD-7E", "00-80-41-ae-fd-7e",
          "0080.41ae.fd7e", "0080.41AE.FD7E", "008041AEFD7E", "008041aefd7e", "SEP008041AEFD7E",
          "sep008041aefd7e", "Sep008041AeFd7E"}) {
        CAPTURE(text);
        CHECK(mac(text) == expected);
    }
}

TEST_CASE("names derived from a MAC are upper case") {
    const MacAddress m = mac("00:80:41:ae:fd:7e");
    CHECK(m.hex() == "008041AEFD7E");
    CHECK(m.sep_name() == "SEP008041AEFD7E");
    CHECK(m.sep_config_file_name() == "SEP008041AEFD7E.cnf.xml");
    CHECK(m.sip_config_file_name() == "SIP008041AEFD7E.cnf");
    CHECK(m.to_string() == "00:80:41:ae:fd:7e");
    CHECK(mac("fcffffffffff").hex() == "FCFFFFFFFFFF");
    CHECK(mac("000000000001").sep_name() == "SEP000000000001");
}

TEST_CASE("addresses no phone has are refused: all zeros, broadcast, group addresses") {
    for (const char* text : {"00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "FFFFFFFFFFFF",
                             "SEP000000000000", "01:00:5e:00:00:fb", "33-33-00-00-00-01"}) {
        CAPTURE(text);
        auto parsed = MacAddress::parse(text);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().code == "fwplan.mac.not-a-phone");
        CHECK(parsed.error().kind == fwplan::ErrorKind::BadInput);
        CHECK(parsed.error().message.find("no phone has") != std::string::npos);
    }
    CHECK(MacAddress::parse("ff:ff:ff:ff:ff:ff").error().message.find("broadcast") !=
          std::string::npos);
    CHECK(MacAddress::parse("000000000000").error().message.find("all-zero") != std::string::npos);
    // A locally administered unicast address (second-lowest bit) is a phone's all the same.
    CHECK(MacAddress::parse("02:00:00:00:00:01").ok());
}

TEST_CASE("malformed MACs are refused with what is wrong and the accepted forms") {
    struct Bad {
        std::string text;
        std::string why;
    };
    const Bad bad[] = {
        {"", "it is empty"},
        {"SEP", "nothing follows 'SEP'"},
        {"008041AEFD7", "11 hex digits"},
        {"008041AEFD7E0", "13 hex digits"},
        {"00:80:41:ae:fd", "10 hex digits"},
        {"00:80:41:ae:fd:7g", "'g' at position 17"},
        {"00:80-41:ae:fd:7e", "separators"},
        {"0080:41ae:fd7e", "separators"},
        {"00.80.41.ae.fd.7e", "separators"},
        {"0:80:41:ae:fd:7e0", "separators"},
        {" 008041AEFD7E", "space"},
        {"008041AEFD7E ", "space"},
        {"00 80 41 ae fd 7e", "space"},
        {"SEP00:80:41:ae:fd:7e", "':' at position 6"},
        {"SEP008041AEFD7E.cnf.xml", "'.' at position 16"},
        {"SIP008041AEFD7E", "'S' at position 1"},
        {"../../etc/passwd", "'/' at position 3"},
        {std::string("0080\0"
                     "41aefd7e",
                     13),
         "'\\x00' at position 5"},
        {"0x008041AEFD7E", "'x' at position 2"},
    };
    for (const Bad& b : bad) {
        CAPTURE(b.text);
        auto parsed = MacAddress::parse(b.text);
        REQUIRE_FALSE(parsed.ok());
        const Error& error = parsed.error();
        CHECK(error.code == "fwplan.mac.malformed");
        CHECK(error.kind == ErrorKind::BadInput);
        CHECK(error.message.find("is not a MAC address") != std::string::npos);
        CHECK(error.message.find(b.why) != std::string::npos);
        CHECK(error.message.find("00:80:41:ae:fd:7e, 00-80-41-ae-fd-7e, 0080.41ae.fd7e, "
                                 "008041aefd7e or SEP008041AEFD7E") != std::string::npos);
        // Untrusted text is quoted safely: no raw control characters reach a terminal.
        for (char c : error.message)
            CHECK(static_cast<unsigned char>(c) >= 0x20);
    }
}

TEST_CASE("a very long input is cut in the message") {
    auto parsed = MacAddress::parse(std::string(10000, 'a'));
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message.size() < 400);
    CHECK(parsed.error().message.find("10000 bytes") != std::string::npos);
}

TEST_CASE("MACs compare, order and hash as values") {
    const MacAddress a = mac("00:00:00:00:00:01");
    const MacAddress b = mac("00:00:00:00:01:00");
    CHECK(a < b);
    CHECK(a != b);
    CHECK(mac("SEP000000000001") == a);
    std::unordered_set<MacAddress> set{a, b, mac("000000000001")};
    CHECK(set.size() == 2);
    CHECK(std::hash<MacAddress>{}(a) == std::hash<MacAddress>{}(mac("0000.0000.0001")));
}

TEST_CASE("the quoted input keeps readable text and escapes what a terminal would obey") {
    auto readable = MacAddress::parse("B\xC3\xBCro");
    REQUIRE_FALSE(readable.ok());
    CHECK(readable.error().message.find("'B\xC3\xBCro' is not a MAC address") == 0);
    // A C1 control (CSI, U+009B), an escape and a stray byte are shown as \x escapes.
    auto hostile = MacAddress::parse("\xC2\x9B"
                                     "2J\x1B[0m\xFF");
    REQUIRE_FALSE(hostile.ok());
    CHECK(hostile.error().message.find("'\\xc2\\x9b2J\\x1b[0m\\xff'") == 0);
}

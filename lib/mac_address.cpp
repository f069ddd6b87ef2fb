#include "detail/text.hpp"

#include <fwplan/mac_address.hpp>

#include <algorithm>
#include <cstddef>

namespace fwplan {

namespace {

constexpr std::string_view kAcceptedForms =
    "accepted forms: 00:80:41:ae:fd:7e, 00-80-41-ae-fd-7e, 0080.41ae.fd7e, 008041aefd7e "
    "or SEP008041AEFD7E";

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool is_hex(char c) noexcept {
    return hex_value(c) >= 0;
}
bool is_separator(char c) noexcept {
    return c == ':' || c == '-' || c == '.';
}

// Reads twelve hex digits from `text` at the given positions (all other characters have
// been checked by the caller).
MacAddress from_digits(std::string_view digits) {
    MacAddress::Bytes bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] =
            static_cast<std::uint8_t>(hex_value(digits[2 * i]) * 16 + hex_value(digits[2 * i + 1]));
    return MacAddress(bytes);
}

// The hex digits of `text` when every character is either `separator` (exactly where
// `is_separator_at` says) or a hex digit (everywhere else); empty otherwise.
template <typename SeparatorAt>
std::string digits_between(std::string_view text, char separator, SeparatorAt is_separator_at) {
    std::string digits;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (is_separator_at(i) ? text[i] != separator : !is_hex(text[i]))
            return {};
        if (!is_separator_at(i))
            digits += text[i];
    }
    return digits;
}

// The twelve digits of one of the separated forms, or empty when `text` is not one.
std::string separated_digits(std::string_view text) {
    if (text.size() == 17 && (text[2] == ':' || text[2] == '-')) // 00:80:41:ae:fd:7e
        return digits_between(text, text[2], [](std::size_t i) { return i % 3 == 2; });
    if (text.size() == 14) // 0080.41ae.fd7e
        return digits_between(text, '.', [](std::size_t i) { return i == 4 || i == 9; });
    return {};
}

bool all_hex(std::string_view text) {
    for (char c : text)
        if (!is_hex(c))
            return false;
    return true;
}

// Says what is wrong with a text that matched no accepted form.
std::string diagnose(std::string_view text, bool sep_prefix) {
    if (text.empty())
        return sep_prefix ? "nothing follows 'SEP'" : "it is empty";
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (is_hex(c) || (!sep_prefix && is_separator(c)))
            continue;
        if (c == ' ' || c == '\t')
            return "it contains a space";
        return "it contains " + detail::quote_char(c) + " at position " +
               std::to_string(i + (sep_prefix ? 4 : 1));
    }
    std::size_t hex_digits = 0;
    for (char c : text)
        hex_digits += is_hex(c) ? 1U : 0U;
    if (hex_digits != 12)
        return "it has " + std::to_string(hex_digits) + " hex digits, a MAC address has 12";
    return "its separators are not one of the accepted layouts";
}

// A phone's own address is a unicast one with a vendor part: never all zeros, never the
// broadcast address, never a group address (the I/G bit, the low bit of the first byte).
Result<MacAddress> phone_address(std::string_view text, MacAddress mac) {
    const MacAddress::Bytes& b = mac.bytes();
    const bool zero = std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
    const bool broadcast =
        std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0xFF; });
    if (!zero && (b[0] & 0x01U) == 0)
        return mac;
    const std::string what = zero        ? "the all-zero address"
                             : broadcast ? "the broadcast address"
                                         : "a group (multicast) address: its first byte is odd";
    Error error =
        bad_input("mac.not-a-phone", detail::quote(text) + " is " + what + ", which no phone has");
    return error.with_hint("give the MAC address printed on the phone's label, e.g. "
                           "00:80:41:ae:fd:7e");
}

} // namespace

Result<MacAddress> MacAddress::parse(std::string_view text) {
    std::string_view body = text;
    const bool sep_prefix = detail::starts_with_ignoring_case(text, "SEP");
    if (sep_prefix) {
        body.remove_prefix(3);
        if (body.size() == 12 && all_hex(body))
            return phone_address(text, from_digits(body));
    } else {
        if (body.size() == 12 && all_hex(body))
            return phone_address(text, from_digits(body));
        if (std::string digits = separated_digits(body); digits.size() == 12)
            return phone_address(text, from_digits(digits));
    }
    Error error = bad_input("mac.malformed", detail::quote(text) + " is not a MAC address: " +
                                                 diagnose(body, sep_prefix) + " (" +
                                                 std::string(kAcceptedForms) + ")");
    return error.with_hint("give the MAC address printed on the phone's label, e.g. "
                           "00:80:41:ae:fd:7e");
}

std::string MacAddress::hex() const {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(12);
    for (std::uint8_t byte : bytes_) {
        out += kDigits[byte >> 4];
        out += kDigits[byte & 0x0F];
    }
    return out;
}

std::string MacAddress::to_string() const {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t byte : bytes_) {
        if (!out.empty())
            out += ':';
        out += kDigits[byte >> 4];
        out += kDigits[byte & 0x0F];
    }
    return out;
}

std::string MacAddress::sep_name() const {
    return "SEP" + hex();
}
std::string MacAddress::sep_config_file_name() const {
    return sep_name() + ".cnf.xml";
}
std::string MacAddress::sip_config_file_name() const {
    return "SIP" + hex() + ".cnf";
}

} // namespace fwplan

#pragma once
/// @file mac_address.hpp
/// A phone's MAC address, as people type it and as Cisco phones spell it in the names of
/// the files they ask TFTP for (`SEP008041AEFD7E.cnf.xml`, `SIP008041AEFD7E.cnf`).
///
/// A MAC becomes part of a file name fwplan writes, so parsing is strict: exactly the five
/// spellings below are accepted, nothing is guessed, and whatever else is given is refused
/// with a message listing the accepted forms. Phones ask for upper-case names (every TFTP
/// log in docs/phone-files.md §6.1 shows them), so fwplan always writes upper case.
///
/// **Example**
///
///     auto mac = fwplan::MacAddress::parse("00:80:41:ae:fd:7e");
///     if (!mac) {
///         std::cerr << mac.error().describe() << '\n';
///         return 3;
///     }
///     std::cout << mac->sep_config_file_name() << '\n'; // SEP008041AEFD7E.cnf.xml

#include <fwplan/error.hpp>

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace fwplan {

/// A 48-bit Ethernet address. Compare, order and hash it like a value.
class MacAddress {
public:
    /// The six bytes, most significant first.
    using Bytes = std::array<std::uint8_t, 6>;

    /// The all-zero address; use `parse` for real ones.
    MacAddress() = default;
    /// From its six bytes.
    explicit MacAddress(const Bytes& bytes) noexcept : bytes_(bytes) {}

    /// Parses exactly one of these spellings (hex digits in any case):
    /// - `00:80:41:ae:fd:7e` (colons) or `00-80-41-AE-FD-7E` (dashes): six pairs, one
    ///   separator kind throughout;
    /// - `0080.41ae.fd7e`: Cisco's three dotted groups of four;
    /// - `008041AEFD7E`: twelve digits;
    /// - `SEP008041AEFD7E`: the device name a phone reports (`SEP` in any case).
    ///
    /// Anything else (spaces, mixed separators, 11 or 13 digits, a `.cnf.xml` suffix) is an
    /// error `fwplan.mac.malformed` that says what is wrong and lists the accepted forms.
    /// An address no phone can have is `fwplan.mac.not-a-phone`: the all-zero address, the
    /// broadcast address `ff:ff:ff:ff:ff:ff` and any group (multicast) address, whose first
    /// byte is odd (IEEE 802-2014, 8.2: the I/G bit); a config written for one would never
    /// be fetched.
    [[nodiscard]] static Result<MacAddress> parse(std::string_view text);

    /// The six bytes.
    [[nodiscard]] const Bytes& bytes() const noexcept { return bytes_; }
    /// Twelve upper-case hex digits: `008041AEFD7E`.
    [[nodiscard]] std::string hex() const;
    /// The colon form in lower case, for people: `00:80:41:ae:fd:7e`.
    [[nodiscard]] std::string to_string() const;
    /// The device name: `SEP008041AEFD7E`.
    [[nodiscard]] std::string sep_name() const;
    /// The XML configuration file of the phone: `SEP008041AEFD7E.cnf.xml`.
    [[nodiscard]] std::string sep_config_file_name() const;
    /// The 7940/7960 SIP per-phone file: `SIP008041AEFD7E.cnf`.
    [[nodiscard]] std::string sip_config_file_name() const;

    /// Same six bytes.
    friend bool operator==(const MacAddress& a, const MacAddress& b) = default;
    /// Orders by the bytes (the order of the upper-case hex form).
    friend std::strong_ordering operator<=>(const MacAddress& a, const MacAddress& b) = default;

private:
    Bytes bytes_{};
};

} // namespace fwplan

// Hashes a MAC so it can key std::unordered_map / std::unordered_set. (Hidden from the API
// reference: doxygen cannot place a std:: specialization and reports it as an error.)
/// @cond FWPLAN_STD_SPECIALIZATIONS
template <>
struct std::hash<fwplan::MacAddress> {
    std::size_t operator()(const fwplan::MacAddress& mac) const noexcept {
        std::uint64_t value = 0;
        for (std::uint8_t byte : mac.bytes())
            value = (value << 8) | byte;
        return std::hash<std::uint64_t>{}(value);
    }
};
/// @endcond

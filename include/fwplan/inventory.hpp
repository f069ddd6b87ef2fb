#pragma once
/// @file inventory.hpp
/// The phones of a fleet: which phone (MAC, model) runs what, and where it should end. One
/// shape, `Phone`, for everything that takes phones — `emit_configs` (fleet.hpp), the audit's
/// reachability check (audit.hpp), the rollout — whether they come from a CSV inventory or
/// from the values one person typed (`parse_phone`, which every CSV row goes through too).
///
/// **The inventory** (`parse_inventory`, `read_inventory`) is CSV as RFC 4180 writes it: a
/// header row, comma-separated fields, fields in double quotes where they hold commas,
/// quotes (doubled: `""`) or line breaks; CRLF, LF or CR line ends; an optional UTF-8
/// byte-order mark; blank lines are skipped. Columns are found by their header name
/// (case-insensitive; spaces and `-` count as `_`), in any order:
///
/// | column | required | what |
/// |---|---|---|
/// | `mac` | yes | the phone's MAC in any spelling `MacAddress::parse` takes |
/// | `model` | yes | `7941`, `CP-7941G`, ... (`find_model`) |
/// | `load` (or `current_load`, `from`) | yes | the load the phone runs now |
/// | `target` (or `to`) | no | a load ID, or `SIP`/`SCCP` for the family's final load; empty: the emit default |
/// | `hw_rev` | no | the hardware revision on the label (`V15`) |
/// | `line_name`, `auth_name`, `display_name`, `messages_number`, `password` | no | line 1 of this phone |
///
/// Other columns are reported as warnings and ignored. Every row stands on its own: a bad
/// row (wrong number of fields, broken quoting, a bad MAC, an unknown model, a malformed
/// load ID, a MAC given twice) becomes a `RowError` naming the physical line where the row
/// starts, and the other rows are used. Passwords are never put into a message.
///
/// **Example**
///
///     auto inventory = fwplan::read_inventory("phones.csv");    // Result<Inventory>
///     if (!inventory)
///         return fwplan::exit_code_for(inventory.error().kind);   // unreadable, bad header
///     for (const fwplan::RowError& row : inventory->rejected)
///         std::cerr << "line " << row.line << ": " << row.error.describe() << '\n';
///     for (const fwplan::Phone& phone : inventory->phones)
///         std::cout << phone.mac.to_string() << ' ' << phone.model->number << '\n';

#include <fwplan/catalog.hpp>
#include <fwplan/device_config.hpp>
#include <fwplan/diagnostic.hpp>
#include <fwplan/error.hpp>
#include <fwplan/load_id.hpp>
#include <fwplan/mac_address.hpp>
#include <fwplan/models.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan {

/// One phone to write configurations for.
struct Phone {
    MacAddress mac;                         ///< the phone
    const ModelInfo* model = nullptr;       ///< a registry model (`find_model`)
    std::optional<LoadId> from;             ///< what it runs; none: the oldest plausible load
    std::optional<LoadId> to;               ///< the load to end on
    std::optional<Protocol> to_protocol;    ///< when `to` is empty: the final load of this
    std::optional<HardwareRevision> hw_rev; ///< from the label, when known
    std::optional<SipLine> line;            ///< line 1 of this phone (replaces the settings')
    std::size_t source_line = 0;            ///< where its CSV row starts; 0 when not from a CSV
};

/// A phone that gets no files: a bad inventory row, or a phone that cannot be planned.
struct RowError {
    std::size_t line = 0; ///< physical line where its CSV row starts; 0 when not from a CSV
    std::string mac;      ///< the MAC, normalized when it parsed, else as written (quoted)
    std::string model;    ///< the canonical model when known, else as written (quoted)
    Error error;          ///< what is wrong
};

/// How many failed rows a report keeps with their errors: the first ones, in file order.
/// Later ones are only counted (`Inventory::rejected_more`, `EmitReport::failed_more`), so a
/// file of a million bad rows costs no more memory or output than one of a hundred.
inline constexpr std::size_t kMaxListedRows = 100;

/// A parsed inventory.
struct Inventory {
    std::string source;               ///< the file name, for messages
    std::vector<Phone> phones;        ///< the good rows, in file order
    std::vector<RowError> rejected;   ///< the first `kMaxListedRows` bad rows, in file order
    std::size_t rejected_more = 0;    ///< bad rows after those, counted only
    std::vector<Diagnostic> warnings; ///< unknown columns and the like (`fwplan.fleet.*`)
    std::size_t rows = 0;             ///< data rows read (blank lines not counted)
};

/// The largest inventory fwplan reads (64 MiB: about a million phones).
inline constexpr std::size_t kMaxInventoryBytes = 64U << 20U;

/// Parses an inventory (see the file comment). Errors concern the whole file and are of
/// kind BadInput: `fwplan.fleet.csv-encoding` (UTF-16/32, NUL bytes), `fwplan.fleet.csv-empty`
/// (no header row), `fwplan.fleet.csv-header` (a required column missing, a column given
/// twice, a header row with broken quoting), `fwplan.fleet.csv-too-large`. Row errors
/// (`fwplan.fleet.csv-fields`, `fwplan.fleet.csv-quote`, `fwplan.fleet.missing-value`,
/// `fwplan.fleet.bad-value`, `fwplan.fleet.duplicate-mac`, `fwplan.fleet.bad-target` and
/// the codes of `MacAddress::parse`, `find_model`, `LoadId::parse`,
/// `HardwareRevision::parse`, `validate`) go into `Inventory::rejected`.
[[nodiscard]] Result<Inventory> parse_inventory(std::string_view csv,
                                                std::string source_name = "inventory");
/// Reads and parses an inventory file; `fwplan.fleet.csv-read` (Io) when it cannot be read.
[[nodiscard]] Result<Inventory> read_inventory(const std::filesystem::path& path);

/// The values that describe one phone, as a person or a CSV row gives them: text, trimmed by
/// the caller. Empty means "not given".
struct PhoneFields {
    std::string mac;             ///< any spelling `MacAddress::parse` takes (required)
    std::string model;           ///< `7941`, `CP-7941G`, ... (required)
    std::string load;            ///< the load it runs now
    std::string target;          ///< a load ID, or `SIP`/`SCCP` for the family's final load
    std::string hw_rev;          ///< the hardware revision on the label
    std::string line_name;       ///< line 1: user/extension
    std::string auth_name;       ///< line 1: authentication name
    std::string display_name;    ///< line 1: display name
    std::string messages_number; ///< line 1: voicemail number
    std::string password;        ///< line 1: the password, exactly as given
    bool load_required = true;   ///< a missing load is an error (a CSV row); else "unknown"
};

/// One phone from its values: what every inventory row goes through, and what `fwplan emit
/// --mac` uses for the phone on its command line. Errors (BadInput):
/// `fwplan.fleet.missing-value`, `fwplan.fleet.bad-value` (too long, a control character,
/// not UTF-8), `fwplan.fleet.bad-target`, and the codes of `MacAddress::parse`,
/// `find_model`, `LoadId::parse`, `HardwareRevision::parse` and `validate` (which never
/// shows the password).
[[nodiscard]] Result<Phone> parse_phone(const PhoneFields& fields);

} // namespace fwplan

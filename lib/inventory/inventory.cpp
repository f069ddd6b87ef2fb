// The inventory: CSV rows (RFC 4180, csv.hpp) into phones, one row parser for every source of
// phones (parse_phone).

#include "detail/posix.hpp"
#include "detail/text.hpp"
#include "inventory/csv.hpp"

#include <fwplan/inventory.hpp>

#include <algorithm>
#include <array>
#include <fcntl.h>
#include <map>
#include <optional>
#include <system_error>
#include <utility>

namespace fwplan {

namespace fs = std::filesystem;

namespace {

enum class Column {
    Mac,
    Model,
    Load,
    Target,
    HwRev,
    LineName,
    AuthName,
    DisplayName,
    MessagesNumber,
    Password,
};
constexpr std::size_t kColumnCount = 10;

struct ColumnName {
    std::string_view name;
    Column column;
};

// Header names (after normalization) and the field they give.
constexpr std::array<ColumnName, 14> kColumnNames{{
    {"mac", Column::Mac},
    {"model", Column::Model},
    {"load", Column::Load},
    {"current_load", Column::Load},
    {"from", Column::Load},
    {"target", Column::Target},
    {"to", Column::Target},
    {"hw_rev", Column::HwRev},
    {"line_name", Column::LineName},
    {"auth_name", Column::AuthName},
    {"display_name", Column::DisplayName},
    {"messages_number", Column::MessagesNumber},
    {"password", Column::Password},
    {"auth_password", Column::Password},
}};

constexpr std::size_t kMaxIdFieldBytes = 128;
constexpr std::size_t kNoColumn = static_cast<std::size_t>(-1);

// Header names are compared in lower case with spaces and dashes as underscores:
// "Current Load", "current-load" and "CURRENT_LOAD" are one column.
std::string normalize_header(std::string_view name) {
    std::string out;
    for (char c : detail::trim(name)) {
        if (c >= 'A' && c <= 'Z')
            out += static_cast<char>(c - 'A' + 'a');
        else if (c == ' ' || c == '-')
            out += '_';
        else
            out += c;
    }
    return out;
}

struct Columns {
    std::array<std::size_t, kColumnCount> index{};
    std::size_t count = 0; // fields in the header
    [[nodiscard]] std::size_t of(Column c) const { return index[static_cast<std::size_t>(c)]; }
};

Error csv_error(const char* code, const std::string& source, std::string message) {
    Error error = bad_input(code, std::move(message));
    error.file = source;
    return error;
}

Result<Columns> read_header(const detail::CsvRecord& header, const std::string& source,
                            std::vector<Diagnostic>& warnings) {
    if (!header.error.empty())
        return csv_error("fleet.csv-header", source,
                         "the header row (line " + std::to_string(header.line) +
                             ") is not valid CSV: " + header.error);
    Columns columns;
    columns.index.fill(kNoColumn);
    columns.count = header.fields.size();
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const std::string name = normalize_header(header.fields[i]);
        const auto known = std::find_if(kColumnNames.begin(), kColumnNames.end(),
                                        [&](const ColumnName& c) { return c.name == name; });
        if (known == kColumnNames.end()) {
            warnings.push_back(warning(
                "fwplan.fleet.unknown-column",
                name.empty()
                    ? "column " + std::to_string(i + 1) + " has no name; it is ignored"
                    : "column " + std::to_string(i + 1) + " " + detail::quote(header.fields[i]) +
                          " is not one fwplan reads; it is ignored",
                source + ":" + std::to_string(header.line)));
            continue;
        }
        std::size_t& slot = columns.index[static_cast<std::size_t>(known->column)];
        if (slot != kNoColumn)
            return csv_error("fleet.csv-header", source,
                             "columns " + detail::quote(header.fields[slot]) + " and " +
                                 detail::quote(header.fields[i]) +
                                 " give the same value; keep one");
        slot = i;
    }
    std::string missing;
    for (const auto& [column, name] :
         {std::pair{Column::Mac, "mac"}, {Column::Model, "model"}, {Column::Load, "load"}})
        if (columns.of(column) == kNoColumn)
            missing += std::string(missing.empty() ? "" : ", ") + name;
    if (!missing.empty()) {
        std::string found;
        for (const std::string& field : header.fields)
            found += (found.empty() ? "" : ",") + detail::quote(field, 24);
        Error error = csv_error("fleet.csv-header", source,
                                "the header row (line " + std::to_string(header.line) +
                                    ") has no " + missing + " column; it reads " + found);
        return error.with_hint("the first row must name the columns, e.g. mac,model,load,target");
    }
    return columns;
}

std::string field(const detail::CsvRecord& record, const Columns& columns, Column column) {
    const std::size_t i = columns.of(column);
    if (i == kNoColumn || i >= record.fields.size())
        return {};
    return std::string(detail::trim(record.fields[i]));
}

// Identifiers (MAC, model, load IDs): short, printable, UTF-8; screened here so that the
// parsers' messages, which repeat the text, stay readable.
Result<void> check_id_field(std::string_view what, std::string_view text) {
    if (text.size() > kMaxIdFieldBytes)
        return bad_input("fleet.bad-value", std::string(what) + " " + detail::quote(text, 32) +
                                                " is longer than " +
                                                std::to_string(kMaxIdFieldBytes) + " characters");
    if (detail::find_control_char(text) != std::string_view::npos ||
        detail::find_invalid_utf8(text) != std::string_view::npos)
        return bad_input("fleet.bad-value",
                         std::string(what) + " " + detail::quote(text) +
                             " contains a control character or bytes that are not UTF-8");
    return {};
}

Error missing_value(std::string_view what, std::string_view column) {
    Error error = bad_input("fleet.missing-value", "no " + std::string(what) + " is given");
    return error.with_hint("fill in the " + std::string(column) + " column");
}

// One data row into a phone; the row's MAC and model go into `row` for the report.
Result<Phone> parse_row(const detail::CsvRecord& record, const Columns& columns, RowError& row) {
    PhoneFields fields;
    fields.mac = field(record, columns, Column::Mac);
    fields.model = field(record, columns, Column::Model);
    // What the report shows of a bad row, whatever is wrong with it (for a row with broken
    // quoting or the wrong number of fields: what stands in the MAC and model columns).
    row.mac = fields.mac.empty() ? std::string() : detail::quote(fields.mac, 40);
    row.model = fields.model.empty() ? std::string() : detail::quote(fields.model, 40);
    if (!fields.model.empty() && check_id_field("", fields.model))
        if (auto known = find_model(fields.model))
            row.model = std::string((*known)->number);

    if (!record.error.empty()) {
        Error error = bad_input("fleet.csv-quote", record.error);
        return error.with_hint("a field with a comma, quote or line break goes in double "
                               "quotes, with each quote inside written twice");
    }
    if (record.fields.size() != columns.count) {
        Error error = bad_input("fleet.csv-fields",
                                "the row has " + std::to_string(record.fields.size()) +
                                    (record.fields.size() == 1 ? " field" : " fields") +
                                    " but the header has " + std::to_string(columns.count));
        return error.with_hint("a value with a comma must be in double quotes");
    }
    fields.load = field(record, columns, Column::Load);
    fields.target = field(record, columns, Column::Target);
    fields.hw_rev = field(record, columns, Column::HwRev);
    fields.line_name = field(record, columns, Column::LineName);
    fields.auth_name = field(record, columns, Column::AuthName);
    fields.display_name = field(record, columns, Column::DisplayName);
    fields.messages_number = field(record, columns, Column::MessagesNumber);
    // The password exactly as given: spaces may be part of it.
    if (const std::size_t i = columns.of(Column::Password); i != kNoColumn)
        fields.password = record.fields[i];
    auto phone = parse_phone(fields);
    if (!phone) {
        // The MAC and model as far as they parsed, normalized for the report.
        if (auto mac = MacAddress::parse(fields.mac); mac && check_id_field("", fields.mac))
            row.mac = mac->to_string();
        return phone;
    }
    phone->source_line = record.line;
    row.mac = phone->mac.to_string();
    row.model = std::string(phone->model->number);
    return phone;
}

} // namespace

Result<Phone> parse_phone(const PhoneFields& fields) {
    Phone phone;
    if (fields.mac.empty())
        return missing_value("MAC address", "mac");
    if (auto ok = check_id_field("the MAC address", fields.mac); !ok)
        return ok.error();
    auto mac = MacAddress::parse(fields.mac);
    if (!mac)
        return mac.error();
    phone.mac = *mac;

    if (fields.model.empty())
        return missing_value("model", "model");
    if (auto ok = check_id_field("the model", fields.model); !ok)
        return ok.error();
    auto model = find_model(fields.model);
    if (!model)
        return model.error();
    phone.model = *model;

    if (fields.load.empty()) {
        if (fields.load_required)
            return missing_value("current load", "load");
    } else {
        if (auto ok = check_id_field("the load", fields.load); !ok)
            return ok.error();
        auto load = LoadId::parse(fields.load);
        if (!load)
            return load.error();
        phone.from = *load;
    }

    if (const std::string& target = fields.target; !target.empty()) {
        if (auto ok = check_id_field("the target", target); !ok)
            return ok.error();
        if (detail::equals_ignoring_case(target, "SIP"))
            phone.to_protocol = Protocol::Sip;
        else if (detail::equals_ignoring_case(target, "SCCP"))
            phone.to_protocol = Protocol::Sccp;
        else if (auto to = LoadId::parse(target))
            phone.to = *to;
        else {
            Error error =
                bad_input("fleet.bad-target",
                          "the target " + detail::quote(target) +
                              " is neither SIP, SCCP nor a load ID: " + to.error().message);
            return error.with_hint("leave it empty for the emit default");
        }
    }
    if (const std::string& hw = fields.hw_rev; !hw.empty()) {
        if (auto ok = check_id_field("the hardware revision", hw); !ok)
            return ok.error();
        auto revision = HardwareRevision::parse(hw);
        if (!revision)
            return revision.error();
        phone.hw_rev = *revision;
    }

    SipLine line;
    line.name = fields.line_name;
    line.auth_name = fields.auth_name;
    line.display_name = fields.display_name;
    line.messages_number = fields.messages_number;
    line.auth_password = fields.password;
    if (!line.name.empty() || !line.auth_name.empty() || !line.display_name.empty() ||
        !line.messages_number.empty() || !line.auth_password.empty()) {
        SipSettings check;
        check.lines.push_back(line);
        if (auto ok = validate(check); !ok)
            return ok.error(); // never shows the password
        phone.line = std::move(line);
    }
    return phone;
}

namespace {

// What only the first bytes of an inventory can say: not UTF-16/32. (A UTF-8 byte-order
// mark is dropped by the caller.)
std::optional<Error> wrong_encoding(std::string_view head, const std::string& source) {
    if (head.size() >= 2 &&
        ((head[0] == '\xFE' && head[1] == '\xFF') || (head[0] == '\xFF' && head[1] == '\xFE')))
        return csv_error("fleet.csv-encoding", source,
                         "the inventory is UTF-16 or UTF-32; save it as UTF-8 (CSV UTF-8)");
    return std::nullopt;
}

Error nul_byte(const std::string& source, std::size_t offset) {
    Error error = csv_error("fleet.csv-encoding", source,
                            "the inventory contains a NUL byte; it is not a CSV text file");
    error.offset = offset;
    return error;
}

Error too_large(const std::string& source) {
    return csv_error("fleet.csv-too-large", source,
                     "the inventory is larger than 64 MiB; split it into several files");
}

// The rows of an inventory, record by record: only the phones and the first failed rows are
// kept, so a file of a million failing rows costs what one row costs.
Result<Inventory> read_records(detail::CsvReader& reader, std::string source) {
    Inventory inventory;
    inventory.source = source;
    detail::CsvRecord record;
    std::optional<Columns> columns;
    std::map<MacAddress, std::size_t> seen; // MAC → line of the row that has it
    while (reader.next(record)) {
        if (record.blank)
            continue;
        if (!columns) {
            auto header = read_header(record, source, inventory.warnings);
            if (!header)
                return header.error();
            columns = *header;
            continue;
        }
        ++inventory.rows;
        RowError row;
        row.line = record.line;
        auto phone = parse_row(record, *columns, row);
        if (phone) {
            auto [it, inserted] = seen.emplace(phone->mac, record.line);
            if (inserted) {
                inventory.phones.push_back(std::move(*phone));
                continue;
            }
            Error error = bad_input("fleet.duplicate-mac",
                                    "the MAC " + phone->mac.to_string() + " is also on line " +
                                        std::to_string(it->second) + "; each phone is listed once");
            phone = error.with_hint("remove one of the two rows");
        }
        if (inventory.rejected.size() == kMaxListedRows) {
            ++inventory.rejected_more;
            continue;
        }
        row.error = phone.error().in_file(source);
        inventory.rejected.push_back(std::move(row));
    }
    if (!columns)
        return csv_error("fleet.csv-empty", source,
                         "the inventory has no header row (the file is empty)")
            .with_hint("the first row must name the columns, e.g. mac,model,load,target");
    return inventory;
}

} // namespace

Result<Inventory> parse_inventory(std::string_view csv, std::string source) {
    if (csv.size() > kMaxInventoryBytes)
        return too_large(source);
    if (auto wrong = wrong_encoding(csv, source))
        return *wrong;
    if (const std::size_t nul = csv.find('\0'); nul != std::string_view::npos)
        return nul_byte(source, nul);
    if (csv.size() >= 3 && csv.substr(0, 3) == "\xEF\xBB\xBF")
        csv.remove_prefix(3);
    detail::CsvReader reader(csv);
    return read_records(reader, std::move(source));
}

Result<Inventory> read_inventory(const fs::path& path) {
    const std::string source = path.string();
    auto fd = detail::open_regular_file(AT_FDCWD, path, "fleet.csv-read");
    if (!fd)
        return fd.error();
    // Streamed a chunk at a time: memory stays flat however long the file. The checks of
    // parse_inventory are made as the bytes come; the first one that fails ends the reading
    // and is the answer (whatever the rows before it said).
    constexpr std::size_t kChunk = 1U << 20U;
    std::optional<Error> failed;
    std::size_t total = 0;
    bool first = true;
    detail::CsvReader reader([&](std::string& out) -> bool {
        if (failed)
            return false;
        const std::size_t at = out.size();
        out.resize(at + kChunk);
        const ssize_t n = detail::read_some(fd->get(), out.data() + at, kChunk);
        if (n <= 0) {
            out.resize(at);
            if (n < 0)
                failed =
                    detail::system_error("fleet.csv-read", path, "cannot read the file", errno);
            return false;
        }
        out.resize(at + static_cast<std::size_t>(n));
        const std::string_view chunk = std::string_view(out).substr(at);
        if (const std::size_t nul = chunk.find('\0'); nul != std::string_view::npos)
            failed = nul_byte(source, total + nul);
        total += chunk.size();
        if (total > kMaxInventoryBytes)
            failed = too_large(source);
        if (first && !failed) {
            first = false;
            // Short reads: the first bytes decide the encoding; a mark cut across two reads
            // is not worth the care (regular files fill a megabyte at once).
            if (auto wrong = wrong_encoding(chunk, source))
                failed = std::move(wrong);
            else if (chunk.substr(0, 3) == "\xEF\xBB\xBF")
                out.erase(at, 3);
        }
        if (failed) {
            out.resize(at);
            return false;
        }
        return true;
    });
    auto inventory = read_records(reader, source);
    if (failed)
        return *failed;
    return inventory;
}

} // namespace fwplan

#pragma once
// An RFC 4180 record reader that never gives up on the whole file: a record with broken
// quoting is returned with an error and reading goes on at the next line, so one bad row of
// an inventory costs that row only. Records know the physical line they start on.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan::detail {

/// One record (row) of a CSV text.
struct CsvRecord {
    std::size_t line = 0;            ///< 1-based physical line where the record starts
    std::vector<std::string> fields; ///< unquoted values
    std::string error;               ///< empty, or what is wrong with the record's syntax
    bool blank = false;              ///< an empty line (or only spaces): not a record
};

/// Reads records one after the other from text without a byte-order mark.
class CsvReader {
public:
    /// The longest field and the most fields a record may have: more is an error of the
    /// record, and memory stays bounded whatever the input.
    static constexpr std::size_t kMaxFieldBytes = 4096;
    static constexpr std::size_t kMaxFields = 256;

    explicit CsvReader(std::string_view text) noexcept : text_(text) {}

    /// Reads the next record into `record`; false at the end of the text.
    bool next(CsvRecord& record);

private:
    void skip_rest_of_line();
    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
};

} // namespace fwplan::detail

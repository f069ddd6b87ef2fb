#pragma once
// An RFC 4180 record reader that never gives up on the whole file: a record with broken
// quoting is returned with an error and reading goes on at the next line, so one bad row of
// an inventory costs that row only. Records know the physical line they start on.

#include <cstddef>
#include <functional>
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

/// Reads records one after the other from text without a byte-order mark: all of it in
/// memory, or pulled from a source a chunk at a time (a file of any length in bounded
/// memory: what is read is dropped once the record reading it is done).
class CsvReader {
public:
    /// The longest field and the most fields a record may have: more is an error of the
    /// record, and memory stays bounded whatever the input.
    static constexpr std::size_t kMaxFieldBytes = 4096;
    static constexpr std::size_t kMaxFields = 256;

    /// Appends the next chunk of the text to `out`; false at its end (nothing appended).
    using Source = std::function<bool(std::string& out)>;

    explicit CsvReader(std::string_view text) noexcept : text_(text) {}
    explicit CsvReader(Source source) : source_(std::move(source)) {}

    /// Reads the next record into `record`; false at the end of the text.
    bool next(CsvRecord& record);

private:
    void skip_rest_of_line();
    /// Whether the text has a byte at pos_ + k, pulling more from the source if needed
    /// (which may move the window: indices other than pos_ do not survive a call).
    bool has(std::size_t k);
    std::string_view text_;
    Source source_;
    std::string window_; // the source's bytes from pos_ on (and a little before)
    bool ended_ = false;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
};

} // namespace fwplan::detail

#pragma once
// A JSON text written straight into a string, for the few documents that are too large to
// build as a nlohmann tree first (`fwplan rollout status` of 10,000 phones). The output is
// what nlohmann's dump(indent, ' ', false, replace) makes of the same values: bytes that are
// not UTF-8 become U+FFFD, control characters \uXXXX.

#include <cstdint>
#include <string>
#include <string_view>

namespace fwplan::detail {

/// Appends `text` as a JSON string (with its quotes).
void append_json_string(std::string& out, std::string_view text);

/// Writes one JSON object's members at one indentation, separators included.
class JsonObjectWriter {
public:
    /// Starts `{` at `depth` levels of `indent` spaces (the object's own line is the
    /// caller's).
    JsonObjectWriter(std::string& out, int depth, int indent = 2);
    void field(std::string_view key, std::string_view value);
    void field(std::string_view key, std::int64_t value);
    void field(std::string_view key, bool value);
    /// A member whose value the caller writes next (an array, an object).
    void key(std::string_view key);
    /// `}` on its own line.
    void close();

private:
    void begin_member(std::string_view key);
    std::string& out_;
    int depth_;
    int indent_;
    bool first_ = true;
};

} // namespace fwplan::detail

#include "inventory/csv.hpp"

#include "detail/text.hpp"

namespace fwplan::detail {

bool CsvReader::has(std::size_t k) {
    while (pos_ + k >= text_.size()) {
        if (!source_ || ended_)
            return false;
        // What is before pos_ is consumed (fields hold copies): drop it, then pull more.
        window_.erase(0, pos_);
        pos_ = 0;
        if (!source_(window_))
            ended_ = true;
        text_ = window_;
    }
    return true;
}

void CsvReader::skip_rest_of_line() {
    while (has(0)) {
        const char c = text_[pos_++];
        if (c == '\n' || c == '\r') {
            if (c == '\r' && has(0) && text_[pos_] == '\n')
                ++pos_;
            ++line_;
            return;
        }
    }
}

bool CsvReader::next(CsvRecord& record) {
    if (!has(0))
        return false;
    record.line = line_;
    record.fields.clear();
    record.error.clear();
    record.blank = false;

    std::string field;
    bool any_quoted = false;
    auto fail = [&](std::string what) {
        if (record.error.empty())
            record.error = std::move(what);
    };
    auto append = [&](char c) {
        if (field.size() < kMaxFieldBytes)
            field += c;
        else
            fail("a field is longer than " + std::to_string(kMaxFieldBytes) + " bytes");
    };
    auto push = [&] {
        if (record.fields.size() < kMaxFields)
            record.fields.push_back(std::move(field));
        else
            fail("the row has more than " + std::to_string(kMaxFields) + " fields");
        field.clear();
    };
    // At a line end: consumes "\n", "\r\n" or a lone "\r" (what Excel for the Mac and
    // classic Mac OS write) and says whether there was one.
    auto line_end = [&]() -> bool {
        if (text_[pos_] == '\n') {
            ++pos_;
            ++line_;
            return true;
        }
        if (text_[pos_] == '\r') {
            const bool crlf = has(1) && text_[pos_ + 1] == '\n';
            pos_ += crlf ? 2U : 1U;
            ++line_;
            return true;
        }
        return false;
    };

    while (true) {
        // The start of a field.
        if (!has(0)) {
            push();
            break;
        }
        if (text_[pos_] == '"') {
            any_quoted = true;
            const std::size_t opened_on = line_;
            ++pos_;
            bool closed = false;
            while (has(0)) {
                const char c = text_[pos_];
                if (c == '"') {
                    if (has(1) && text_[pos_ + 1] == '"') {
                        append('"');
                        pos_ += 2;
                        continue;
                    }
                    ++pos_;
                    closed = true;
                    break;
                }
                if (c == '\n')
                    ++line_;
                append(c);
                ++pos_;
            }
            if (!closed) {
                fail("the quoted field that opens on line " + std::to_string(opened_on) +
                     " is never closed (a missing '\"'?), so it runs to the end of the file");
                push();
                break;
            }
            if (!has(0)) {
                push();
                break;
            }
            if (text_[pos_] == ',') {
                ++pos_;
                push();
                continue;
            }
            if (line_end()) {
                push();
                break;
            }
            fail("text follows the closing quote of a field; a quote inside a quoted field "
                 "is written twice (\"\")");
            skip_rest_of_line();
            break;
        }
        // An unquoted field: up to the next comma or line end.
        bool record_done = false;
        bool broken = false;
        while (true) {
            if (!has(0)) {
                push();
                record_done = true;
                break;
            }
            const char c = text_[pos_];
            if (c == ',') {
                ++pos_;
                push();
                break;
            }
            if (line_end()) {
                push();
                record_done = true;
                break;
            }
            if (c == '"') {
                fail("a double quote inside a field that does not start with one; quote the "
                     "whole field and write the quote twice (\"\")");
                skip_rest_of_line();
                broken = true;
                break;
            }
            append(c);
            ++pos_;
        }
        if (record_done || broken)
            break;
    }
    record.blank = record.error.empty() && !any_quoted && record.fields.size() == 1 &&
                   trim(record.fields.front()).empty();
    return true;
}

} // namespace fwplan::detail

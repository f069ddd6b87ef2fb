#include <fwplan/error.hpp>

namespace fwplan {

std::string Error::describe() const {
    std::string text;
    if (!file.empty())
        text += file + ": ";
    if (!entry.empty())
        text += entry + ": ";
    if (offset)
        text += "at offset " + std::to_string(*offset) + ": ";
    text += message;
    if (!code.empty())
        text += " [" + code + "]";
    return text;
}

Error Error::in_file(std::string path) const {
    Error copy = *this;
    if (copy.file.empty())
        copy.file = std::move(path);
    return copy;
}

Error Error::with_hint(std::string text) const {
    Error copy = *this;
    copy.hint = std::move(text);
    return copy;
}

namespace {
Error make(ErrorKind kind, std::string code, std::string message) {
    Error error;
    error.kind = kind;
    error.code = "fwplan." + std::move(code);
    error.message = std::move(message);
    return error;
}
} // namespace

Error bad_input(std::string code, std::string message) {
    return make(ErrorKind::BadInput, std::move(code), std::move(message));
}
Error io_error(std::string code, std::string message) {
    return make(ErrorKind::Io, std::move(code), std::move(message));
}
Error not_possible(std::string code, std::string message) {
    return make(ErrorKind::NotPossible, std::move(code), std::move(message));
}

int exit_code_for(ErrorKind kind) noexcept {
    switch (kind) {
    case ErrorKind::NotPossible:
    case ErrorKind::Conflict:
        return 1;
    case ErrorKind::Usage:
        return 2;
    case ErrorKind::BadInput:
        return 3;
    case ErrorKind::Io:
        return 4;
    }
    return 4;
}

} // namespace fwplan

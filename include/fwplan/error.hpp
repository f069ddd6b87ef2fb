#pragma once
/// @file error.hpp
/// Errors and results. Parsers and everything that reads outside input return a
/// `Result<T>` (pugixml's idea: an expected failure is a value, not an exception); only
/// programmer errors throw (`std::logic_error`, e.g. `value()` on a failed result).
///
/// **Example**
///
///     fwplan::Result<fwplan::LoadId> id = fwplan::LoadId::parse("SIP41.9-4-2SR3-1S");
///     if (!id) {
///         std::cerr << id.error().describe() << '\n';   // code, where, what
///         return 3;
///     }
///     std::cout << id->version().release() << '\n';     // "9.4(2)SR3"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace fwplan {

/// What kind of failure an error is. The CLI maps each kind to an exit code
/// (the README: 1 negative answer, 2 usage, 3 bad input, 4 I/O or environment).
enum class ErrorKind {
    BadInput,    ///< malformed or hostile input: a file, an ID, a CSV row (exit 3)
    Io,          ///< reading or writing failed for reasons outside the input (exit 4)
    NotPossible, ///< a well-formed request with a negative answer: no plan exists (exit 1)
    Conflict,    ///< a request that would lose data unless the user decides (exit 1)
    Usage,       ///< the caller asked for something that makes no sense (exit 2)
};

/// One failure, with a stable machine-readable code (`fwplan.load-id.malformed`), a
/// human message, and where it happened (file, archive entry, byte offset) when known.
/// Codes are part of the public contract: they are never renamed once released.
struct Error {
    ErrorKind kind = ErrorKind::BadInput; ///< decides the exit code
    std::string code;                     ///< stable dotted code, e.g. `fwplan.loads.bad-header`
    std::string message;                  ///< what is wrong, in words
    std::string file;                     ///< the file or package concerned (may be empty)
    std::string entry;                    ///< the entry inside an archive (may be empty)
    std::optional<std::uint64_t> offset;  ///< byte offset in `file`/`entry` where known
    std::string hint;                     ///< what the user can do next (may be empty)

    /// One line: `file: entry: at offset N: message [code]`, parts present only when known.
    [[nodiscard]] std::string describe() const;

    /// Returns a copy that says which file the error concerns (keeps an existing one).
    [[nodiscard]] Error in_file(std::string path) const;
    /// Returns a copy with a hint on what to do next.
    [[nodiscard]] Error with_hint(std::string text) const;
};

/// Shorthand constructors; `code` is appended to the `fwplan.` prefix.
[[nodiscard]] Error bad_input(std::string code, std::string message);
/// An I/O or environment failure (exit 4).
[[nodiscard]] Error io_error(std::string code, std::string message);
/// A negative answer to a well-formed request (exit 1).
[[nodiscard]] Error not_possible(std::string code, std::string message);

/// The process exit code the README assigns to an error kind.
[[nodiscard]] int exit_code_for(ErrorKind kind) noexcept;

/// Thrown by `Result::value()` when there is no value: a programmer error.
class BadResultAccess : public std::logic_error {
public:
    /// Carries the error that was there instead of a value.
    explicit BadResultAccess(const Error& error)
        : std::logic_error("fwplan: value() on a failed result: " + error.describe()) {}
};

/// Either a `T` or an `Error`. `operator bool` tells which; `*`/`->` reach the value.
/// (libstdc++ 12's `std::expected` is C++23-only and does not build with clang 14, so
/// fwplan carries this small equivalent.)
template <typename T>
class [[nodiscard]] Result {
public:
    /// A successful result holding `value`.
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    /// A failed result holding `error`.
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

    /// True when there is a value.
    [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
    /// Same as `ok()`.
    explicit operator bool() const noexcept { return ok(); }

    /// The value; throws `BadResultAccess` when there is none.
    [[nodiscard]] T& value() & {
        check();
        return std::get<0>(state_);
    }
    /// The value; throws `BadResultAccess` when there is none.
    [[nodiscard]] const T& value() const& {
        check();
        return std::get<0>(state_);
    }
    /// The value, moved out; throws `BadResultAccess` when there is none.
    [[nodiscard]] T&& value() && {
        check();
        return std::get<0>(std::move(state_));
    }
    /// The error; throws `std::logic_error` on a successful result.
    [[nodiscard]] const Error& error() const {
        if (ok())
            throw std::logic_error("fwplan: error() on a successful result");
        return std::get<1>(state_);
    }

    /// Same as `value()`.
    T& operator*() & { return value(); }
    /// Same as `value()`.
    const T& operator*() const& { return value(); }
    /// Same as `std::move(*this).value()`.
    T&& operator*() && { return std::move(*this).value(); }
    /// Member access on the value; throws `BadResultAccess` when there is none.
    T* operator->() { return &value(); }
    /// Member access on the value; throws `BadResultAccess` when there is none.
    const T* operator->() const { return &value(); }

private:
    void check() const {
        if (!ok())
            throw BadResultAccess(std::get<1>(state_));
    }
    std::variant<T, Error> state_;
};

/// A result with no value: success, or an `Error`.
template <>
class [[nodiscard]] Result<void> {
public:
    /// Success.
    Result() = default;
    /// Failure with `error`.
    Result(Error error) : error_(std::move(error)) {}

    /// True on success.
    [[nodiscard]] bool ok() const noexcept { return !error_.has_value(); }
    /// Same as `ok()`.
    explicit operator bool() const noexcept { return ok(); }
    /// The error; throws `std::logic_error` on success.
    [[nodiscard]] const Error& error() const {
        if (ok())
            throw std::logic_error("fwplan: error() on a successful result");
        return *error_;
    }

private:
    std::optional<Error> error_;
};

} // namespace fwplan

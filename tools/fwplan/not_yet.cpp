#include "commands.hpp"

namespace fwplan::cli {

int not_yet(std::string_view command, Console& console) {
    Error error;
    error.kind = ErrorKind::Io;
    error.code = "fwplan.cli.not-built";
    error.message = "'" + std::string(command) + "' is not available in this build of fwplan";
    error.hint = "update fwplan; 'fwplan --version' tells which build you have";
    return console.fail(error);
}

} // namespace fwplan::cli

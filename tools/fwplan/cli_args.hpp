#pragma once
// The command line's manners, for any depth of subcommands (`fwplan plan`, and later
// `fwplan rollout start`): arguments are checked against the CLI11 grammar before CLI11
// parses them, so an unknown command or option is named with the nearest known one ("did
// you mean 'plan'?") instead of CLI11's "A subcommand is required"; values are trimmed and
// an empty one is a usage error; each command's help lists the global options; `fwplan help
// COMMAND...` prints a command's help.

#include <fwplan/error.hpp>

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace fwplan::cli {

/// The arguments after the program name, ready for `CLI::App::parse` (which wants them in
/// reverse order), and the command they name.
struct CheckedArguments {
    std::vector<std::string> reversed; ///< trimmed, last first
    std::vector<std::string> command;  ///< the (sub)command path, e.g. {"plan"}; empty: none
    bool json = false;                 ///< `--json` was given (errors then also go to stdout)
};

/// Walks the arguments through the grammar of `app`. Errors (kind Usage, exit 2):
/// `fwplan.cli.unknown-command`, `fwplan.cli.unknown-option` (with the nearest names in the
/// hint), `fwplan.cli.empty-value` (an option value or argument that is empty or only
/// spaces), `fwplan.cli.missing-value`.
Result<CheckedArguments> check_arguments(const CLI::App& app, int argc, const char* const* argv);

/// `fwplan plan` for {"plan"}: how people write the command.
std::string command_line(const std::vector<std::string>& command);

/// The (sub)command `path` names, or an unknown-command error for the first name that is
/// not one (with the nearest names); {} is `app` itself.
Result<const CLI::App*> find_command(const CLI::App& app, const std::vector<std::string>& path);

/// The help text of a command as `fwplan COMMAND --help` prints it.
std::string help_text(const CLI::App& command);

/// Puts the global options (those of `app` that every command understands) into the help
/// footer of every subcommand, at any depth, and makes every subcommand accept them.
void share_global_options(CLI::App& app);

/// After a parse that failed on a missing argument, the first required positional argument
/// of the command that was parsed which is not given, as a usage error that says what to give
/// (`fwplan.cli.missing-argument`: "fwplan inspect needs a file or folder to read ...")
/// instead of CLI11's "paths is required"; nullopt when no positional argument is missing.
std::optional<Error> missing_argument(const CLI::App& app, const std::vector<std::string>& command);

/// A usage error (`fwplan.cli.` + `code`) with a hint to the help of `command`.
Error usage_error(std::string code, std::string message, const std::vector<std::string>& command);

} // namespace fwplan::cli

// The command line's manners (cli_args.hpp): a walk over the arguments with the CLI11
// grammar in hand, before CLI11 parses them. CLI11 alone reports "A subcommand is required"
// for `fwplan plna` and "--model is required" for `--modle 7941`; the walk names what is
// unknown and what was probably meant. It knows nothing of fwplan's commands: it reads the
// grammar, so a command added later (with subcommands of its own) gets the same manners.

#include "cli_args.hpp"

#include <fwplan/diagnostic.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <sstream>
#include <string_view>

namespace fwplan::cli {

namespace {

std::string joined(const std::vector<std::string>& items, std::string_view separator = ", ") {
    std::string out;
    for (const std::string& item : items)
        out += (out.empty() ? "" : std::string(separator)) + item;
    return out;
}

std::string trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

bool takes_value(const CLI::Option& option) {
    return option.get_items_expected_max() > 0;
}

// Options every command understands are looked up from the command outwards (CLI11's
// fallthrough): `fwplan plan --json` is the global --json.
const CLI::Option* find_option(const std::vector<const CLI::App*>& chain, const std::string& name) {
    for (auto it = chain.rbegin(); it != chain.rend(); ++it)
        for (const CLI::Option* option : (*it)->get_options())
            if (option->nonpositional() && option->check_name(name))
                return option;
    return nullptr;
}

std::vector<std::string> option_names(const std::vector<const CLI::App*>& chain) {
    std::vector<std::string> names;
    for (const CLI::App* app : chain)
        for (const CLI::Option* option : app->get_options()) {
            for (const std::string& l : option->get_lnames())
                names.push_back("--" + l);
            for (const std::string& s : option->get_snames())
                names.push_back("-" + s);
        }
    return names;
}

std::vector<const CLI::App*> subcommands(const CLI::App& app) {
    return app.get_subcommands([](const CLI::App* sub) { return !sub->get_name().empty(); });
}

const CLI::App* find_subcommand(const CLI::App& app, const std::string& name) {
    for (const CLI::App* sub : subcommands(app))
        if (sub->check_name(name))
            return sub;
    return nullptr;
}

bool has_positionals(const CLI::App& app) {
    const auto options = app.get_options();
    return std::any_of(options.begin(), options.end(),
                       [](const CLI::Option* o) { return !o->nonpositional(); });
}

std::vector<std::string> path_of(const std::vector<const CLI::App*>& chain) {
    std::vector<std::string> path;
    for (std::size_t i = 1; i < chain.size(); ++i)
        path.push_back(chain[i]->get_name());
    return path;
}

std::string did_you_mean(const std::vector<std::string>& near) {
    if (near.empty())
        return {};
    std::string out = "did you mean ";
    for (std::size_t i = 0; i < near.size(); ++i)
        out += (i == 0 ? "'" : i + 1 == near.size() ? " or '" : ", '") + near[i] + "'";
    return out + "? ";
}

// The commands (below `app`, at any depth) that have an option of this name: where a
// misplaced option belongs.
void commands_with_option(const CLI::App& app, const std::string& name,
                          std::vector<std::string> path, std::vector<std::string>& out) {
    for (const CLI::App* sub : subcommands(app)) {
        std::vector<std::string> here = path;
        here.push_back(sub->get_name());
        for (const CLI::Option* option : sub->get_options())
            if (option->nonpositional() && option->check_name(name)) {
                out.push_back(command_line(here));
                break;
            }
        commands_with_option(*sub, name, here, out);
    }
}

Error unknown_option(const std::vector<const CLI::App*>& chain, const std::string& shown) {
    const std::vector<std::string> path = path_of(chain);
    Error error = usage_error("unknown-option",
                              "unknown option '" + shown + "' for " + command_line(path), path);
    std::string hint = did_you_mean(closest_matches(shown, option_names(chain)));
    std::vector<std::string> owners;
    commands_with_option(*chain.back(), shown, path, owners);
    if (hint.empty() && !owners.empty())
        hint =
            "'" + shown + "' is an option of " + joined(owners) + ": give it after the command. ";
    error.hint = hint + error.hint;
    return error;
}

Error unknown_command(const std::vector<const CLI::App*>& chain, const std::string& name) {
    const std::vector<std::string> path = path_of(chain);
    std::vector<std::string> names;
    for (const CLI::App* sub : subcommands(*chain.back()))
        names.push_back(sub->get_name());
    Error error = usage_error("unknown-command",
                              "'" + name + "' is not a command of " + command_line(path), path);
    error.hint = did_you_mean(closest_matches(name, names)) + "'" +
                 command_line(std::vector<std::string>{"help"}) +
                 (path.empty() ? "" : " " + joined(path, " ")) + "' lists the commands";
    return error;
}

Error empty_value(const std::vector<const CLI::App*>& chain, const std::string& what) {
    return usage_error("empty-value", what + " is empty: give a value (or leave the option out)",
                       path_of(chain));
}

} // namespace

std::string command_line(const std::vector<std::string>& command) {
    return command.empty() ? "fwplan" : "fwplan " + joined(command, " ");
}

Error usage_error(std::string code, std::string message, const std::vector<std::string>& command) {
    Error error;
    error.kind = ErrorKind::Usage;
    error.code = "fwplan.cli." + code;
    error.message = std::move(message);
    std::vector<std::string> help{"help"};
    help.insert(help.end(), command.begin(), command.end());
    error.hint = "'" + command_line(help) + "' lists " +
                 (command.empty() ? "the commands and global options" : "its options");
    return error;
}

std::optional<Error> missing_argument(const CLI::App& app,
                                      const std::vector<std::string>& command) {
    // What each positional argument is, in the words of someone who has never run fwplan,
    // with an example; others get their help description.
    struct Wanted {
        std::string_view command;
        std::string_view name;
        std::string_view what;
        std::string_view example;
    };
    static constexpr Wanted kWanted[] = {
        {"inspect", "paths",
         "a file or folder to read: a cmterm-*.zip, a .cop.sgn, a .loads or .sbn file, or a "
         "whole TFTP root",
         "fwplan inspect cmterm-7941_7961-sip.9-4-2SR3-1.zip"},
        {"check", "root", "the TFTP root to audit (the folder the TFTP server serves)",
         "fwplan check /srv/tftp"},
    };
    // The command the arguments named (check_arguments walked them already).
    auto found = find_command(app, command);
    if (!found)
        return std::nullopt;
    const CLI::App* parsed = *found;
    for (const CLI::Option* option : parsed->get_options()) {
        if (!option->get_positional() || !option->get_required() || option->count() != 0)
            continue;
        const std::string line = command_line(command);
        for (const Wanted& wanted : kWanted)
            if (wanted.command == parsed->get_name() && wanted.name == option->get_name()) {
                Error error = usage_error("missing-argument",
                                          line + " needs " + std::string(wanted.what), command);
                error.hint =
                    "for example: " + std::string(wanted.example) + " (" + error.hint + ")";
                return error;
            }
        std::string what = option->get_description();
        if (!what.empty())
            what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
        return usage_error("missing-argument",
                           line + " needs its " + option->get_name() + " argument" +
                               (what.empty() ? std::string() : ": " + what),
                           command);
    }
    return std::nullopt;
}

Result<CheckedArguments> check_arguments(const CLI::App& app, int argc, const char* const* argv) {
    CheckedArguments out;
    std::vector<std::string> forward;
    std::vector<const CLI::App*> chain{&app};
    bool only_positionals = false;

    // The value of an option that takes one: glued (`--from=X`, `-mX`) or the next argument.
    auto take_value = [&](int& i, std::optional<std::string> glued,
                          const std::string& option) -> Result<std::string> {
        std::string value;
        if (glued) {
            value = *glued;
        } else {
            // The next argument, unless it is an option itself (`--dialplan --out x`).
            const bool next_is_option =
                i + 1 < argc && argv[i + 1][0] == '-' && argv[i + 1][1] != '\0' &&
                find_option(
                    chain,
                    std::string(argv[i + 1]).substr(0, std::string(argv[i + 1]).find('='))) !=
                    nullptr;
            if (i + 1 >= argc || next_is_option)
                return usage_error("missing-value", option + " needs a value", path_of(chain));
            value = argv[++i];
        }
        std::string clean = trimmed(value);
        if (clean.empty())
            return empty_value(chain, "the value of " + option);
        return clean;
    };

    for (int i = 1; i < argc; ++i) {
        const std::string token = argv[i];
        if (only_positionals || token == "-" || token.empty() || token[0] != '-') {
            std::string clean = trimmed(token);
            if (clean.empty())
                return empty_value(chain, "an argument");
            if (!only_positionals) {
                if (const CLI::App* sub = find_subcommand(*chain.back(), clean)) {
                    chain.push_back(sub);
                    out.command.push_back(sub->get_name());
                    forward.push_back(sub->get_name());
                    continue;
                }
                if (!subcommands(*chain.back()).empty() && !has_positionals(*chain.back()))
                    return unknown_command(chain, clean);
            }
            forward.push_back(std::move(clean));
            continue;
        }
        if (token == "--") {
            only_positionals = true;
            forward.push_back(token);
            continue;
        }
        if (token.rfind("--", 0) == 0) {
            std::string name = token;
            std::optional<std::string> glued;
            if (const std::size_t equals = token.find('='); equals != std::string::npos) {
                name = token.substr(0, equals);
                glued = token.substr(equals + 1);
            }
            const CLI::Option* option = find_option(chain, name);
            if (option == nullptr)
                return unknown_option(chain, name);
            if (name == "--json")
                out.json = true;
            if (!takes_value(*option)) {
                forward.push_back(token);
                continue;
            }
            auto value = take_value(i, glued, name);
            if (!value)
                return value.error();
            forward.push_back(name + "=" + *value);
            continue;
        }
        // Short options: -v, -vv, -q, -m 7941, -m7941.
        for (std::size_t j = 1; j < token.size(); ++j) {
            const std::string name = std::string("-") + token[j];
            const CLI::Option* option = find_option(chain, name);
            if (option == nullptr)
                return unknown_option(chain, j == 1 ? token : name);
            if (!takes_value(*option)) {
                forward.push_back(name);
                continue;
            }
            std::optional<std::string> glued;
            if (j + 1 < token.size())
                glued = token.substr(j + 1);
            auto value = take_value(i, glued, name);
            if (!value)
                return value.error();
            forward.push_back(name);
            forward.push_back(*value);
            break;
        }
    }
    out.reversed.assign(forward.rbegin(), forward.rend());
    return out;
}

Result<const CLI::App*> find_command(const CLI::App& app, const std::vector<std::string>& path) {
    std::vector<const CLI::App*> chain{&app};
    for (const std::string& name : path) {
        const CLI::App* sub = find_subcommand(*chain.back(), name);
        if (sub == nullptr)
            return unknown_command(chain, name);
        chain.push_back(sub);
    }
    return chain.back();
}

std::string help_text(const CLI::App& command) {
    // Called on the formatter, not on `App::help`, which shows the help of the subcommand
    // that was parsed (`help` itself) instead of the one asked for.
    std::vector<std::string> names;
    for (const CLI::App* app = &command; app != nullptr; app = app->get_parent())
        names.insert(names.begin(), app->get_name());
    return command.get_formatter()->make_help(&command, joined(names, " "),
                                              CLI::AppFormatMode::Normal);
}

void share_global_options(CLI::App& app) {
    std::ostringstream text;
    text << "Global options (before or after the command):\n";
    for (const CLI::Option* option : app.get_options()) {
        const std::string name = option->get_name(false, true);
        if (option->get_group().empty() || name.find("--help") != std::string::npos ||
            name.find("--version") != std::string::npos || name == "--man" ||
            name == "--completion")
            continue;
        std::string left = "  " + name +
                           (takes_value(*option)
                                ? " " + (option->get_type_name().empty() ? std::string("VALUE")
                                                                         : option->get_type_name())
                                : std::string());
        if (left.size() < 30)
            left.resize(30, ' ');
        else
            left += "  ";
        text << left << option->get_description() << '\n';
    }
    const std::string footer = text.str();
    std::vector<CLI::App*> pending = app.get_subcommands({});
    for (std::size_t i = 0; i < pending.size(); ++i) {
        CLI::App* sub = pending[i];
        if (sub->get_name().empty())
            continue;
        sub->fallthrough();
        sub->footer(footer +
                    "\nExit codes: 0 success, 1 negative answer, 2 usage, 3 bad input, 4 "
                    "I/O.\n'" +
                    command_line({"help"}) + "' lists every command.");
        for (CLI::App* nested : sub->get_subcommands({}))
            pending.push_back(nested);
    }
}

} // namespace fwplan::cli

#pragma once
// The man page and shell completions, generated from the CLI11 definitions behind --help.

#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace fwplan::cli {

/// roff for `man 1 fwplan`: every command and option with its description.
std::string man_page(const CLI::App& app, std::string_view version);
/// A bash completion script (`complete -F _fwplan fwplan`), no bash-completion needed.
std::string bash_completion(const CLI::App& app);
/// A zsh completion function (`#compdef fwplan`).
std::string zsh_completion(const CLI::App& app);
/// A fish completion script (`complete -c fwplan ...`).
std::string fish_completion(const CLI::App& app);

} // namespace fwplan::cli

// The man page and the shell completions, generated from the same CLI11 definitions that
// print --help, so the three can never disagree. The build runs `fwplan --man` and
// `fwplan --completion bash|zsh` and installs what they print.

#include "cli_docs.hpp"

#include <fwplan/catalog.hpp>
#include <fwplan/models.hpp>
#include <fwplan/time_zone.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <set>
#include <sstream>

namespace fwplan::cli {

namespace {

// Options whose value is a file or a folder, so the shells complete paths for them.
const std::set<std::string, std::less<>> kFileOptions = {"--catalog", "--firmware", "--template",
                                                         "--fleet", "--password-file"};
const std::set<std::string, std::less<>> kDirOptions = {"--out", "--tftp-root"};

// What the shells offer after an option that takes one of a known set of values: the
// models, protocols and load IDs fwplan knows (the built-in knowledge base), the shells.
std::vector<std::string> values_for(std::string_view long_name) {
    std::vector<std::string> out;
    if (long_name == "--model") {
        for (const fwplan::ModelInfo& model : fwplan::all_models())
            out.emplace_back(model.number);
    } else if (long_name == "--to-protocol") {
        out = {"SIP", "SCCP"};
    } else if (long_name == "--from" || long_name == "--to" || long_name == "--factory-default") {
        for (const fwplan::KnownLoad& load : fwplan::Catalog::builtin().loads())
            out.push_back(load.id.str());
    } else if (long_name == "--time-zone") {
        // The IANA names only: a Cisco name has spaces, which a word list cannot carry.
        for (const fwplan::CiscoTimeZone& zone : fwplan::cisco_time_zones()) {
            std::string_view list = zone.iana;
            while (!list.empty()) {
                const std::size_t space = list.find(' ');
                out.emplace_back(list.substr(0, space));
                list =
                    space == std::string_view::npos ? std::string_view() : list.substr(space + 1);
            }
        }
    } else if (long_name == "--completion") {
        out = {"bash", "zsh", "fish"};
    }
    return out;
}

std::vector<const CLI::App*> commands(const CLI::App& app) {
    return app.get_subcommands([](const CLI::App*) { return true; });
}

std::vector<const CLI::Option*> visible_options(const CLI::App& app) {
    std::vector<const CLI::Option*> out;
    for (const CLI::Option* opt : app.get_options())
        if (!opt->get_group().empty())
            out.push_back(opt);
    return out;
}

std::vector<std::string> names_of(const CLI::Option& opt) {
    std::vector<std::string> names;
    for (const std::string& s : opt.get_snames())
        names.push_back("-" + s);
    for (const std::string& l : opt.get_lnames())
        names.push_back("--" + l);
    return names;
}

bool takes_value(const CLI::Option& opt) {
    return opt.get_items_expected_max() > 0;
}

std::string long_name(const CLI::Option& opt) {
    return opt.get_lnames().empty() ? std::string() : "--" + opt.get_lnames().front();
}

// roff: backslashes and leading dots/quotes must not be read as requests; '-' is a hyphen.
std::string roff(std::string_view text) {
    std::string out;
    bool line_start = true;
    for (char c : text) {
        if (line_start && (c == '.' || c == '\''))
            out += "\\&";
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out += c;
        line_start = c == '\n';
    }
    return out;
}

std::string option_synopsis(const CLI::Option& opt) {
    if (!opt.nonpositional())
        return opt.get_name(true, false);
    std::string out;
    for (const std::string& name : names_of(opt))
        out += (out.empty() ? "" : ", ") + name;
    if (takes_value(opt))
        out += " " + (opt.get_type_name().empty() ? std::string("VALUE") : opt.get_type_name());
    return out;
}

void man_options(std::ostringstream& out, const CLI::App& app) {
    for (const CLI::Option* opt : visible_options(app)) {
        out << ".TP\n.B " << roff(option_synopsis(*opt)) << '\n'
            << roff(opt->get_description()) << (opt->get_required() ? " (required)" : "") << '\n';
    }
}

std::string shell_words(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& w : words)
        out += (out.empty() ? "" : " ") + w;
    return out;
}

// zsh _arguments spec for one option: '(-m --model)'{-m,--model}'[Phone model]:value:'
std::string zsh_spec(const CLI::Option& opt) {
    std::string description = opt.get_description();
    std::replace(description.begin(), description.end(), '\'', ' ');
    std::replace(description.begin(), description.end(), '[', '(');
    std::replace(description.begin(), description.end(), ']', ')');
    std::replace(description.begin(), description.end(), ':', ' ');
    std::string action;
    if (takes_value(opt)) {
        const std::string name = long_name(opt);
        const std::vector<std::string> values = values_for(name);
        action = kFileOptions.contains(name)  ? ":file:_files"
                 : kDirOptions.contains(name) ? ":folder:_files -/"
                 : values.empty()             ? ":value:"
                                              : ":value:(" + shell_words(values) + ")";
    }
    const auto names = names_of(opt);
    std::string out;
    for (const std::string& name : names)
        out += "'" + name + "[" + description + "]" + action + "' ";
    return out;
}

// Every value option (by long name) that has a list of values, once.
std::vector<std::string> options_with_values(const CLI::App& app) {
    std::set<std::string> seen;
    std::vector<std::string> out;
    std::vector<const CLI::App*> apps{&app};
    for (const CLI::App* sub : commands(app))
        apps.push_back(sub);
    for (const CLI::App* a : apps)
        for (const CLI::Option* opt : visible_options(*a)) {
            const std::string name = long_name(*opt);
            if (takes_value(*opt) && !values_for(name).empty() && seen.insert(name).second)
                out.push_back(name);
        }
    return out;
}

// Every spelling of those options (-m and --model) with its long name.
std::vector<std::pair<std::string, std::string>> option_aliases(const CLI::App& app) {
    std::set<std::pair<std::string, std::string>> out;
    std::vector<const CLI::App*> apps{&app};
    for (const CLI::App* sub : commands(app))
        apps.push_back(sub);
    for (const CLI::App* a : apps)
        for (const CLI::Option* opt : visible_options(*a))
            if (takes_value(*opt) && !values_for(long_name(*opt)).empty())
                for (const std::string& name : names_of(*opt))
                    out.emplace(name, long_name(*opt));
    return {out.begin(), out.end()};
}

// A fish single-quoted string.
std::string fish_quote(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "'";
}

// One `complete` line for an option; `condition` limits it to a command.
std::string fish_option(const CLI::Option& opt, const std::string& condition) {
    std::string out = "complete -c fwplan";
    if (!condition.empty())
        out += " -n " + fish_quote(condition);
    for (const std::string& s : opt.get_snames())
        out += " -s " + s;
    for (const std::string& l : opt.get_lnames())
        out += " -l " + l;
    if (takes_value(opt)) {
        const std::string name = long_name(opt);
        const std::vector<std::string> values = values_for(name);
        if (kFileOptions.contains(name))
            out += " -r -F";
        else if (kDirOptions.contains(name))
            out += " -r -x -a '(__fish_complete_directories)'";
        else if (!values.empty())
            out += " -x -a " + fish_quote(shell_words(values));
        else
            out += " -x";
    }
    return out + " -d " + fish_quote(opt.get_description()) + "\n";
}

} // namespace

std::string man_page(const CLI::App& app, std::string_view version) {
    std::ostringstream out;
    out << ".\\\" Generated by fwplan --man from the same definitions as --help; do not edit.\n"
        << ".TH FWPLAN 1 \"\" \"fwplan " << roff(version) << "\" \"User Commands\"\n"
        << ".SH NAME\nfwplan \\- plan and provision Cisco IP phone firmware upgrade chains\n"
        << ".SH SYNOPSIS\n.B fwplan\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fICOMMAND OPTIONS\\fR]\n"
        << ".SH DESCRIPTION\n"
        << roff(app.get_description()) << '\n'
        << ".SH OPTIONS\n";
    man_options(out, app);
    out << ".SH COMMANDS\n";
    for (const CLI::App* sub : commands(app)) {
        out << ".SS " << roff("fwplan " + sub->get_name()) << '\n'
            << roff(sub->get_description()) << ".\n";
        man_options(out, *sub);
    }
    out << ".SH EXIT STATUS\n"
        << roff(app.get_footer()) << '\n'
        << ".SH ENVIRONMENT\n.TP\n.B NO_COLOR\nWhen set and not empty, output is never coloured.\n"
        << ".SH EXAMPLES\n";
    // The README's example phone: a 7941 on SCCP 8.3(1) to SIP on a FritzBox in Germany.
    const std::pair<const char*, const char*> examples[] = {
        {"What to download, and why:", "fwplan plan --model 7941 --from SCCP41.8-3-1S"},
        {"What the zips you downloaded hold:", "fwplan inspect ~/Downloads/cmterm-7941_7961-*.zip"},
        {"Put them into the TFTP root; a factory-reset phone gets the 8.5(2) bridge:",
         "fwplan stage --tftp-root /srv/tftp --factory-default SCCP41.8-5-2S "
         "~/Downloads/cmterm-7941_7961-sccp.8-5-2.zip "
         "~/Downloads/cmterm-7941_7961-sip.9-4-2SR3-1.zip"},
        {"The configs for every step, for a FritzBox in Germany:",
         "fwplan emit --mac 00:80:41:ae:fd:7e --model 7941 --from SCCP41.8-3-1S "
         "--sip-server 192.168.178.1 --line-name 620 --auth-name 620 "
         "--password-file line620.pw --time-zone Europe/Berlin --ntp-server 192.168.178.1 "
         "--out ~/phone-configs"},
        {"What would break a phone:", "fwplan check /srv/tftp"},
        {"The help of a command:", "fwplan help emit"},
    };
    for (const auto& [what, command] : examples)
        out << ".PP\n" << roff(what) << "\n.IP\n.B " << roff(command) << '\n';
    out << ".SH FILES\n"
        << "The guide (guide.md), the example templates and the example fleet CSV are installed "
           "with the documentation, usually in /usr/local/share/doc/fwplan.\n"
        << ".SH SEE ALSO\nThe guide, docs/guide.md, and the README of the fwplan sources.\n";
    return out.str();
}

std::string bash_completion(const CLI::App& app) {
    auto alternatives = [](const auto& names) {
        std::string out;
        for (const std::string& name : names)
            out += (out.empty() ? "" : "|") + name;
        return out;
    };
    std::vector<std::string> command_names;
    for (const CLI::App* sub : commands(app))
        command_names.push_back(sub->get_name());
    std::vector<std::string> global;
    for (const CLI::Option* opt : visible_options(app))
        for (const std::string& n : names_of(*opt))
            global.push_back(n);

    std::ostringstream out;
    out << "# bash completion for fwplan. Generated by fwplan --completion bash; do not edit.\n"
        << "_fwplan() {\n"
        << "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
        << "    local command= word\n"
        << "    for word in \"${COMP_WORDS[@]:1:COMP_CWORD-1}\"; do\n"
        << "        case $word in " << alternatives(command_names)
        << ") command=$word; break ;; esac\n"
        << "    done\n"
        << "    case $prev in\n"
        << "        " << alternatives(kFileOptions)
        << ") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
        << "        " << alternatives(kDirOptions)
        << ") COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n";
    for (const std::string& option : options_with_values(app)) {
        std::vector<std::string> names;
        for (const auto& [name, long_form] : option_aliases(app))
            if (long_form == option)
                names.push_back(name);
        out << "        " << alternatives(names) << ") COMPREPLY=($(compgen -W \""
            << shell_words(values_for(option)) << "\" -- \"$cur\")); return ;;\n";
    }
    out << "    esac\n"
        << "    local words=\"" << shell_words(global) << "\"\n"
        << "    case $command in\n"
        << "        '') words=\"$words " << shell_words(command_names) << "\" ;;\n";
    for (const CLI::App* sub : commands(app)) {
        std::vector<std::string> names;
        bool positional_files = false;
        for (const CLI::Option* opt : visible_options(*sub)) {
            if (!opt->nonpositional())
                positional_files = true;
            for (const std::string& n : names_of(*opt))
                names.push_back(n);
        }
        out << "        " << sub->get_name() << ") words=\"$words " << shell_words(names) << "\"";
        if (positional_files)
            out << "\n            [[ $cur != -* ]] && { COMPREPLY=($(compgen -f -- \"$cur\")); "
                   "return; }";
        out << " ;;\n";
    }
    out << "    esac\n"
        << "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
        << "}\n"
        << "complete -F _fwplan fwplan\n";
    return out.str();
}

std::string zsh_completion(const CLI::App& app) {
    std::ostringstream out;
    out << "#compdef fwplan\n"
        << "# zsh completion for fwplan. Generated by fwplan --completion zsh; do not edit.\n"
        << "_fwplan() {\n"
        << "    local -a commands\n"
        << "    commands=(\n";
    for (const CLI::App* sub : commands(app)) {
        std::string description = sub->get_description();
        std::replace(description.begin(), description.end(), '\'', ' ');
        std::replace(description.begin(), description.end(), ':', ' ');
        out << "        '" << sub->get_name() << ":" << description << "'\n";
    }
    out << "    )\n"
        << "    local -a global\n    global=(";
    for (const CLI::Option* opt : visible_options(app))
        out << zsh_spec(*opt);
    out << ")\n"
        << "    if (( CURRENT == 2 )); then\n"
        << "        _describe 'command' commands\n"
        << "        return\n"
        << "    fi\n"
        << "    case ${words[2]} in\n";
    for (const CLI::App* sub : commands(app)) {
        out << "        " << sub->get_name() << ") _arguments \"${global[@]}\" ";
        bool positional = false;
        for (const CLI::Option* opt : visible_options(*sub)) {
            if (!opt->nonpositional())
                positional = true;
            else
                out << zsh_spec(*opt);
        }
        if (positional)
            out << "'*:file:_files'";
        out << " ;;\n";
    }
    out << "    esac\n"
        << "}\n"
        << "_fwplan \"$@\"\n";
    return out.str();
}

std::string fish_completion(const CLI::App& app) {
    std::ostringstream out;
    out << "# fish completion for fwplan. Generated by fwplan --completion fish; do not edit.\n"
        << "complete -c fwplan -f\n";
    std::vector<std::string> names;
    for (const CLI::App* sub : commands(app))
        names.push_back(sub->get_name());
    const std::string no_command = "not __fish_seen_subcommand_from " + shell_words(names);
    for (const CLI::App* sub : commands(app))
        out << "complete -c fwplan -n " << fish_quote(no_command) << " -a " << sub->get_name()
            << " -d " << fish_quote(sub->get_description()) << '\n';
    for (const CLI::Option* opt : visible_options(app))
        out << fish_option(*opt, {});
    for (const CLI::App* sub : commands(app)) {
        const std::string condition = "__fish_seen_subcommand_from " + sub->get_name();
        bool positional = false;
        for (const CLI::Option* opt : visible_options(*sub)) {
            if (!opt->nonpositional())
                positional = true;
            else
                out << fish_option(*opt, condition);
        }
        if (positional)
            out << "complete -c fwplan -n " << fish_quote(condition) << " -F\n";
    }
    return out.str();
}

} // namespace fwplan::cli

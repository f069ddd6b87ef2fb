#include "rollout/boot_files.hpp"

#include <cstddef>

namespace fwplan::rollout {

namespace {

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) noexcept {
    return text.size() >= suffix.size() &&
           equal_ignoring_case(text.substr(text.size() - suffix.size()), suffix);
}

template <std::size_t N>
bool one_of(std::string_view name, const std::array<std::string_view, N>& names) noexcept {
    for (std::string_view candidate : names)
        if (equal_ignoring_case(name, candidate))
            return true;
    return false;
}

FileMatch classify_name(const PhoneSpec& phone, const StepSpec& step, std::string_view file) {
    const std::string_view name = base_name(file);
    FileMatch match;
    match.matched = std::string(file);
    if (name.empty())
        return match;
    const std::string hex = phone.mac.hex();
    if (equal_ignoring_case(name, phone.mac.sep_config_file_name())) {
        match.role = FileRole::Config;
    } else if (equal_ignoring_case(name, "CTLSEP" + hex + ".tlv") ||
               equal_ignoring_case(name, "ITLSEP" + hex + ".tlv")) {
        match.role = FileRole::Trust;
    } else if (equal_ignoring_case(name, base_name(step.loads_file))) {
        match.role = FileRole::Loads;
    } else {
        for (const std::string& term : step.term_files)
            if (equal_ignoring_case(name, base_name(term))) {
                match.role = FileRole::Term;
                return match;
            }
        for (std::size_t i = 0; i < step.components.size(); ++i)
            if (equal_ignoring_case(name, base_name(step.components[i]))) {
                match.role = FileRole::Component;
                match.component = i;
                return match;
            }
        const bool after_config =
            phone.style == BootStyle::Sip7940
                ? one_of(name, k7940AfterConfigFiles)
                : one_of(name, kJavaAfterConfigFiles) || ends_with_ignoring_case(name, ".jar");
        if (after_config)
            match.role = FileRole::AfterConfig;
    }
    return match;
}

} // namespace

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

std::string_view base_name(std::string_view path) noexcept {
    const std::size_t slash = path.find_last_of('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool same_file_name(std::string_view a, std::string_view b) noexcept {
    return equal_ignoring_case(base_name(a), base_name(b));
}

FileMatch classify_file(const PhoneSpec& phone, const StepSpec& step, std::string_view file,
                        std::string_view remapped) {
    FileMatch match = classify_name(phone, step, file);
    if (match.role == FileRole::Other && !remapped.empty()) {
        // A remap rule can turn the phone's name into a listed one (or truncate a listed one:
        // `P0030801SR02.loads remapped to firmware/7940/P0030801SR`, PhantomVl/sccp_manager #46,
        // which the request's own name already catches).
        FileMatch by_remap = classify_name(phone, step, remapped);
        if (by_remap.role != FileRole::Other)
            return by_remap;
    }
    return match;
}

} // namespace fwplan::rollout

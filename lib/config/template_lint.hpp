#pragma once
// The lints of DeviceTemplate::lint, on the decoded document.

#include <fwplan/device_config.hpp>

#include <pugixml.hpp>

#include <vector>

namespace fwplan::detail {

std::vector<Diagnostic> lint_device(pugi::xml_node device, const ModelInfo* model,
                                    Protocol protocol);

/// The number of characters (UTF-8 code points) in `text`.
std::size_t count_characters(std::string_view text) noexcept;

/// The password limit the lints apply: the model's, else the shortest reported (8).
struct PasswordLimit {
    std::size_t length;
    std::string source; // who reported it, for the message
};
std::optional<PasswordLimit> password_limit(const ModelInfo* model);

} // namespace fwplan::detail

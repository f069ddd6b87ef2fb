#pragma once
// fwplan's own XML files: the built-in SIP SEP template and XMLDefault.cnf.xml.

#include <fwplan/device_config.hpp>

#include <pugixml.hpp>

#include <string>

namespace fwplan::detail {

/// Appends the callManagerGroup of docs/phone-files.md §6.1 (one member, priority 0) for `server`.
void append_call_manager_group(pugi::xml_node parent, const SipSettings& server);

/// The text of the built-in SIP template filled from (validated) settings.
std::string builtin_sip_template_text(const SipSettings& settings);

/// A new document with `<?xml version="1.0" encoding="UTF-8"?>`.
void add_declaration(pugi::xml_document& doc);

} // namespace fwplan::detail

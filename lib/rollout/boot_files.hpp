#pragma once
// What a file a phone asks TFTP for means for that phone on one step of its walk: its config,
// the step's `.loads`, a component, a file it asks for only after reading its config and
// deciding not to upgrade, or something that does not concern the walk. Names are compared
// without directories and without regard to case (phones ask `/mk-sip.jar`,
// `English_United_States/mk-sip.jar`, `./SIP<MAC>.cnf`; old `.loads` ask `Jar41sip…` where the
// root holds `jar41sip…`, phone-files.md §2.1).

#include "rollout/phone_spec.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace fwplan::rollout {

/// The part of a file a phone asked for that matters to the walk.
enum class FileRole {
    Config,      ///< `SEP<MAC>.cnf.xml`: it reads the config fwplan put in place
    Trust,       ///< `CTLSEP<MAC>.tlv`, `ITLSEP<MAC>.tlv`: the first files of its boot
    Loads,       ///< the step's `.loads`
    Term,        ///< a `termNN.default.loads` of the model (the factory-reset path, §7.2)
    Component,   ///< one of the files the step's `.loads` lists
    AfterConfig, ///< a file asked for only after the config, once the phone stays on its load
    Other,       ///< anything else (ITLFile.tlv, XMLDefault.cnf.xml, `.sgn` variants, ...)
};

/// What one name is to a phone on one step.
struct FileMatch {
    FileRole role = FileRole::Other; ///< what it is
    std::size_t component = 0;       ///< index in `StepSpec::components` for a component
    std::string matched;             ///< the name that matched (the request or its remap)
};

/// Files a Java 79xx asks for only after it has read its config and kept its load: the
/// dialTemplate, the network locale's tones and the user locale's JAR, ring lists
/// (phone-files.md §7.1 step 7, after step 6 the download; waynemerricks/Cisco7942FreePBX README:
/// SEP…cnf.xml → /mk-sip.jar → dialplan.xml; chan-sccp's TFTP resolver serves
/// `Spain/g3-tones.xml`, `Russian_Russian_Federation/be-sccp.jar`). Every `*.jar` counts as a
/// locale JAR (components are `.sbn`). [inference: the order of §7.1 means a phone that asks
/// for these has decided not to download.] Softkey and feature-policy files are left out: their
/// names are whatever the config says.
inline constexpr std::array<std::string_view, 5> kJavaAfterConfigFiles{
    "dialplan.xml", "g3-tones.xml", "RINGLIST.DAT", "ringlist.xml", "DistinctiveRingList.xml"};

/// Files a 7940/7960 asks for after its config and `.loads` on a boot that flashes nothing
/// (phone-files.md §7.3, Teo En Ming's tftpd log: SEP…cnf.xml → P0S3-8-12-00.loads →
/// SIPDefault.cnf → ./SIP<MAC>.cnf → RINGLIST.DAT → dialplan.xml). Not SIPDefault.cnf: the
/// phone has yet to read its own SIP<MAC>.cnf, whose `image_version` wins and can still make it
/// flash (phone-files.md §6.3). And not SIP<MAC>.cnf itself: tftpd-hpa logs `RRQ from … filename`
/// before it opens the file (tftpd.c: the syslog call precedes validate_access), so the next
/// step's SIP<MAC>.cnf written on that line can be the one the phone gets, beside this step's
/// SEP file. A request after it is safe: TFTP is lock-step, the phone asks for RINGLIST.DAT only
/// once the SIP<MAC>.cnf transfer is over (RFC 1350).
inline constexpr std::array<std::string_view, 2> k7940AfterConfigFiles{"RINGLIST.DAT",
                                                                       "dialplan.xml"};

/// The name without directories or a leading `/` / `./`: `English_United_States/mk-sip.jar`
/// → `mk-sip.jar`, `firmware/7940/P0030801SR` → `P0030801SR`.
[[nodiscard]] std::string_view base_name(std::string_view path) noexcept;

/// Equal without regard to ASCII case (load IDs, file names: ASCII, compared as bytes
/// otherwise).
[[nodiscard]] bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept;

/// Equal as file names: the base names, compared without regard to ASCII case.
[[nodiscard]] bool same_file_name(std::string_view a, std::string_view b) noexcept;

/// What `file` (or, when that matches nothing, `remapped`) is to `phone` on `step`.
[[nodiscard]] FileMatch classify_file(const PhoneSpec& phone, const StepSpec& step,
                                      std::string_view file, std::string_view remapped = {});

} // namespace fwplan::rollout

#pragma once
// What the state machine of one phone is told before the walk starts: the phone, the steps of
// its plan as the phone will see them in the TFTP log, and the follower's options. Plain data,
// filled by the driver from the planner's answer (planner.hpp) and the command line.

#include <fwplan/load_id.hpp>
#include <fwplan/mac_address.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fwplan::rollout {

/// How a model boots, as far as the TFTP log shows it (formats.md §7).
enum class BootStyle {
    /// Java 79xx (7906/7911, 7931, 7941/61, 7942/62, 7945/65, 7970/71, 7975): asks for a
    /// `.loads` only when its config names another load than it runs (formats.md §7.1;
    /// waynemerricks/Cisco7942FreePBX README, chan-sccp/sccp_manager #79).
    Java79xx,
    /// 7940/7960: asks for the `.loads` its config names on EVERY boot, even when it already
    /// runs it (formats.md §7.3, Teo En Ming's tftpd log); only components mean flashing.
    Sip7940,
};

/// One step of a phone's plan: the config that tells it to install `load`, and the files the
/// phone will ask for while it does.
struct StepSpec {
    LoadId load;            ///< what this step's config tells the phone to install
    std::string loads_file; ///< `SIP41.9-4-2SR3-1S.loads` (7940/60: `P0S3-8-12-00.loads`)
    /// The files the `.loads` lists, in its order (the order the phone asks for them):
    /// `jar41sip…`, `cnu41…`, `apps41…`, `dsp41…`, `cvm41sip…` (formats.md §2.1);
    /// `P003-8-12-00.sbn`, `P0S3-8-12-00.sb2` (§2.2).
    std::vector<std::string> components;
    /// The model's `termNN.default.loads` (a factory-reset phone asks for these, §7.2).
    std::vector<std::string> term_files;
    /// The planner's fallback advice for this step, named in a refusal's reason (e.g. J-08:
    /// "serve the target protocol's 8.5(2) load first, then serve this step again").
    std::optional<std::string> fallback;
};

/// One phone and its walk.
struct PhoneSpec {
    MacAddress mac;                        ///< the phone
    std::string model;                     ///< canonical model number (`7941`, `7960`)
    BootStyle style = BootStyle::Java79xx; ///< how it boots
    LoadId from;                           ///< what it runs before step 1 (as the inventory says)
    std::vector<StepSpec> steps;           ///< at least one; the last step's load is the target
};

/// The follower's options (`fwplan rollout follow`), in log time.
struct MachineOptions {
    /// `--settle-after`: log time after the phone's config request with no request for the
    /// step's `.loads` (7940/60: no component) before the phone counts as settled.
    std::int64_t settle_after_us = 30'000'000;
    /// `--refuse-after`: requests for the step's `.loads` or a term file with no component after
    /// them before the phone counts as refused (the AUTH FAIL loop).
    unsigned refuse_after = 3;
    /// `--stuck-after`: log time with no request from a waiting or fetching phone.
    std::int64_t stuck_after_us = 1'800'000'000;
    /// When the next step's config goes in.
    enum class Advance {
        OnSettle,   ///< once the phone has settled on the step (the default)
        OnDownload, ///< `--advance on-download`: once it asks for the step's last component
    };
    Advance advance = Advance::OnSettle; ///< `--advance`
    /// `--confirm http`: a settle counts only once the phone's own word agrees.
    bool confirm = false;
    /// A `--kick` command is configured: after a step's config goes in, the machine asks the
    /// driver to reset the phone; without one the phone waits in `needs-reset`.
    bool kick = false;
};

} // namespace fwplan::rollout

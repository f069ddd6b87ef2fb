#pragma once
// Waves (`--wave N`): at most N phones have a step's config in place and are not yet through
// it, so that the TFTP server is never asked for more downloads at once than it can serve
// (dnsmasq serves 50 transfers at a time by default, atftpd 100; vendors advise staggering
// phones: too many at once time out and retry — Nortel IP Phones Fundamentals, Mitel 3300).
// A phone waiting for its first slot has no config of the rollout in place yet: it is shown
// `settled` on step 0 (it runs the load it had), pending a slot.

#include "rollout/phone_spec.hpp"
#include "rollout/phone_status.hpp"

#include <cstdint>

namespace fwplan::rollout {

/// The status of a phone whose step 1 waits for a wave slot.
[[nodiscard]] PhoneStatus queued_status(const PhoneSpec& spec, std::int64_t time_us);

/// True when `status` takes up a slot: its step's config is in place (or being put there)
/// and it has not settled on it, and it has not stopped (done, refused, failed, stuck).
[[nodiscard]] bool holds_slot(const PhoneStatus& status) noexcept;

/// True when the phone waits for a slot (its first, or one for its next step).
[[nodiscard]] bool wants_slot(const PhoneStatus& status) noexcept;

} // namespace fwplan::rollout

#include "rollout/phone_status.hpp"

#include <array>
#include <utility>

namespace fwplan::rollout {

namespace {

// One table per enum: the value and its stable name, in declaration order.
constexpr std::array<std::pair<PhoneState, std::string_view>, 8> kStates{{
    {PhoneState::Waiting, "waiting"},
    {PhoneState::Fetching, "fetching"},
    {PhoneState::Settled, "settled"},
    {PhoneState::NeedsReset, "needs-reset"},
    {PhoneState::Done, "done"},
    {PhoneState::Stuck, "stuck"},
    {PhoneState::Refused, "refused"},
    {PhoneState::Failed, "failed"},
}};
constexpr std::array<std::pair<LoadEvidence, std::string_view>, 4> kEvidence{{
    {LoadEvidence::From, "from"},
    {LoadEvidence::Tftp, "tftp"},
    {LoadEvidence::Confirmed, "confirmed"},
    {LoadEvidence::Manual, "manual"},
}};
constexpr std::array<std::pair<Pending, std::string_view>, 8> kPending{{
    {Pending::None, "none"},
    {Pending::Write, "write"},
    {Pending::EarlyWrite, "early-write"},
    {Pending::Restore, "restore"},
    {Pending::Kick, "kick"},
    {Pending::Confirm, "confirm"},
    {Pending::EarlyCheck, "early-check"},
    {Pending::Slot, "slot"},
}};
constexpr std::array<std::pair<ActionKind, std::string_view>, 4> kActions{{
    {ActionKind::WriteStep, "write-step"},
    {ActionKind::Kick, "kick"},
    {ActionKind::Confirm, "confirm"},
    {ActionKind::RestoreStep, "restore-step"},
}};

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table,
                         Enum value) noexcept {
    for (const auto& [candidate, name] : table)
        if (candidate == value)
            return name;
    return "?";
}

template <typename Enum, std::size_t N>
Result<Enum> parse_name(const std::array<std::pair<Enum, std::string_view>, N>& table,
                        std::string_view name, std::string_view what) {
    std::string accepted;
    for (const auto& [value, candidate] : table) {
        if (candidate == name)
            return value;
        accepted += accepted.empty() ? "" : ", ";
        accepted += candidate;
    }
    return bad_input("rollout.bad-name",
                     "'" + std::string(name) + "' is not a " + std::string(what))
        .with_hint("one of: " + accepted);
}

} // namespace

std::string_view to_string(PhoneState state) noexcept {
    return name_of(kStates, state);
}
std::string_view to_string(LoadEvidence evidence) noexcept {
    return name_of(kEvidence, evidence);
}
std::string_view to_string(Pending pending) noexcept {
    return name_of(kPending, pending);
}
std::string_view to_string(ActionKind kind) noexcept {
    return name_of(kActions, kind);
}

Result<PhoneState> parse_phone_state(std::string_view name) {
    return parse_name(kStates, name, "phone state");
}
Result<LoadEvidence> parse_load_evidence(std::string_view name) {
    return parse_name(kEvidence, name, "load evidence");
}
Result<Pending> parse_pending(std::string_view name) {
    return parse_name(kPending, name, "pending action");
}
Result<ActionKind> parse_action_kind(std::string_view name) {
    return parse_name(kActions, name, "action kind");
}

} // namespace fwplan::rollout

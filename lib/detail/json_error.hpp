#pragma once
// The one JSON form of an `Error`, for every document that carries one (`fwplan --json`
// errors, failed plans, an emit's failed rows and conflicts, the rollout's events):
// `code`, `message`, then `file`, `entry` and `offset` where known, and `hint` (empty when
// there is none, so a program can always read it).

#include <fwplan/error.hpp>

#include <nlohmann/json.hpp>

namespace fwplan::detail {

[[nodiscard]] nlohmann::ordered_json error_json(const Error& error);

} // namespace fwplan::detail

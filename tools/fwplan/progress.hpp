#pragma once
// A progress bar on stderr for work that takes more than a moment (staging, fleet emits).
// Drawn only on a terminal, never with --json or --quiet, and only once the work has run
// for half a second, so quick runs and pipes stay clean.

#include "console.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace fwplan::cli {

class ProgressBar {
public:
    /// What `update` counts: bytes are shown in MB, items as they are.
    enum class Unit { Items, Bytes };
    ProgressBar(Console& console, std::string label, Unit unit = Unit::Items);
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    /// Reports `done` of `total` units (bytes, phones); redraws at most ten times a second.
    void update(std::uint64_t done, std::uint64_t total);
    /// Clears the bar (before the results are printed); later updates draw nothing.
    void finish();

private:
    void draw(std::uint64_t done, std::uint64_t total);
    Console& console_;
    std::string label_;
    Unit unit_;
    bool enabled_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
};

} // namespace fwplan::cli

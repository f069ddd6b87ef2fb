#include "progress.hpp"

#include <cstdlib>
#include <ostream>

namespace fwplan::cli {

namespace {
// How long work runs before a bar appears; FWPLAN_PROGRESS_AFTER_MS changes it (the tests
// set 0 to see the bar on small inputs).
std::chrono::milliseconds quiet_period() {
    if (const char* text = std::getenv("FWPLAN_PROGRESS_AFTER_MS");
        text != nullptr && *text != '\0')
        return std::chrono::milliseconds(std::strtol(text, nullptr, 10));
    return std::chrono::milliseconds(500);
}
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);
constexpr int kWidth = 30;
} // namespace

ProgressBar::ProgressBar(Console& console, std::string label, Unit unit)
    : console_(console), label_(std::move(label)), unit_(unit),
      enabled_(console.progress_allowed()), start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() {
    finish();
}

void ProgressBar::finish() {
    if (drawn_)
        console_.err() << "\r\x1b[2K" << std::flush; // leave a clean line for what follows
    drawn_ = false;
    enabled_ = false;
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total) {
    if (!enabled_)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (now - start_ < quiet_period() ||
        (drawn_ && now - last_draw_ < kRedrawEvery && done < total))
        return;
    last_draw_ = now;
    draw(done, total);
}

void ProgressBar::draw(std::uint64_t done, std::uint64_t total) {
    const double fraction =
        total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    auto amount = [this](std::uint64_t n) {
        return unit_ == Unit::Bytes ? std::to_string(n / 1000000) : std::to_string(n);
    };
    console_.err() << "\r\x1b[2K" << label_ << " [" << bar << "] "
                   << static_cast<int>(fraction * 100.0) << "% (" << amount(done) << "/"
                   << amount(total) << (unit_ == Unit::Bytes ? " MB)" : ")") << std::flush;
    drawn_ = true;
}

} // namespace fwplan::cli

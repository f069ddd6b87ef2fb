#include "rollout/log_clock.hpp"

#include <ctime>

namespace fwplan::rollout {

namespace {

constexpr std::int64_t seconds_per_day = 86400;
// "More than ~180 days before the previous line" means the log crossed New Year: lines of
// one log are not months out of order, and half a year keeps clear of both ends.
constexpr std::int64_t new_year_jump = 180 * seconds_per_day;
constexpr int last_year = 9999; // past this, time_t conversions stop being meaningful

// The UTC offset (seconds east) in force at `t`, per the process's time zone; 0 when
// localtime_r cannot say (a time out of its range).
long utc_offset_at(std::int64_t t) noexcept {
    const auto as_time_t = static_cast<std::time_t>(t);
    std::tm tm{};
    if (::localtime_r(&as_time_t, &tm) == nullptr)
        return 0;
    return tm.tm_gmtoff;
}

int current_local_year() noexcept {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    if (::localtime_r(&now, &tm) == nullptr)
        return 1970;
    return tm.tm_year + 1900;
}

} // namespace

std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept {
    // howardhinnant.github.io/date_algorithms.html#days_from_civil
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const std::int64_t year_of_era = year - era * 400;
    const std::int64_t shifted_month = month > 2 ? month - 3 : month + 9;
    const std::int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    const std::int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

int days_in_month(std::int64_t year, int month) noexcept {
    static constexpr int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : lengths[month - 1];
}

ClassicClock::ClassicClock(int year) : year_(year > 0 ? year : 0) {
    ::tzset(); // the TZ of now, for this clock's life (localtime_r does not re-read it)
    if (year_ == 0)
        year_ = current_local_year();
    if (year_ > last_year)
        year_ = last_year;
}

std::int64_t ClassicClock::local_minute_to_utc(std::int64_t local_minute) noexcept {
    if (cache_valid_ && local_minute == cached_local_minute_)
        return cached_utc_seconds_;
    // The instant t with t + offset(t) == local. The offsets a day either side are the
    // only candidates (no zone changes twice within two days); a candidate counts when the
    // zone really has that offset at that instant. Two that count: the local time occurs
    // twice, take the earlier. None: it falls in a gap, use the offset from before.
    const std::int64_t local = local_minute * 60;
    const long before = utc_offset_at(local - seconds_per_day);
    const long after = utc_offset_at(local + seconds_per_day);
    std::int64_t best = local - before;
    bool found = false;
    for (const long offset : {before, after}) {
        const std::int64_t candidate = local - offset;
        if (utc_offset_at(candidate) != offset)
            continue;
        if (!found || candidate < best)
            best = candidate;
        found = true;
    }
    cache_valid_ = true;
    cached_local_minute_ = local_minute;
    cached_utc_seconds_ = best;
    return best;
}

std::int64_t ClassicClock::to_unix_seconds(const ClassicTime& time) noexcept {
    const auto at = [&](int year) {
        const std::int64_t days = days_from_civil(year, time.month, time.day);
        const std::int64_t local_minute = (days * 24 + time.hour) * 60 + time.minute;
        return local_minute_to_utc(local_minute) + time.second;
    };
    std::int64_t t = at(year_);
    if (previous_ && t < *previous_ - new_year_jump && year_ < last_year) {
        ++year_;
        t = at(year_);
    }
    previous_ = t;
    return t;
}

} // namespace fwplan::rollout

#pragma once
// Log time: classic syslog timestamps (`Apr 13 10:25:10`) carry no year and are local
// time; RFC 3339 ones carry both. Both end as microseconds since the Unix epoch (UTC).
#include <cstdint>
#include <optional>

namespace fwplan::rollout {

/// A classic syslog timestamp as written: no year, local time.
struct ClassicTime {
    int month = 1; ///< 1–12
    int day = 1;   ///< 1–31
    int hour = 0, minute = 0, second = 0;
};

/// Days from 1970-01-01 to the given proleptic Gregorian date (negative before it); H.
/// Hinnant's days_from_civil. `month` 1–12, `day` 1–31 (not checked against the month).
[[nodiscard]] std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept;

/// Days in a month of a year (February 29 in leap years).
[[nodiscard]] int days_in_month(std::int64_t year, int month) noexcept;

/// Turns classic timestamps into UTC with the process's time zone (as `tzset` read it when
/// the clock was made), supplying the year: `year`, or the current one when 0; a timestamp
/// more than 180 days before the previous one moves the year on by one (New Year in the
/// log). Local times that occur twice (the hour clocks go back) take the earlier instant,
/// times that do not occur (the hour clocks skip) the offset from before the change: the
/// answer depends on the timestamps, TZ and year only, not on what the process did before
/// (glibc's mktime guesses from its previous call for the former).
class ClassicClock {
public:
    explicit ClassicClock(int year = 0);

    /// Seconds since the epoch of `time`, in the year the log has reached.
    [[nodiscard]] std::int64_t to_unix_seconds(const ClassicTime& time) noexcept;
    /// The year the next timestamp is taken in (before any New Year move it causes).
    [[nodiscard]] int year() const noexcept { return year_; }

private:
    [[nodiscard]] std::int64_t local_minute_to_utc(std::int64_t local_minute) noexcept;

    int year_;
    std::optional<std::int64_t> previous_;
    // One-entry cache: consecutive lines mostly share their minute, and no time zone changes
    // its offset within a minute (the tz database changes at whole minutes since 1900).
    std::int64_t cached_local_minute_ = -1;
    std::int64_t cached_utc_seconds_ = 0;
    bool cache_valid_ = false;
};

} // namespace fwplan::rollout

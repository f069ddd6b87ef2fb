#pragma once
// The words of the machine's reasons (PhoneStatus::reason, Transition::reason): what happened
// and what a person can do, one place for all of them so that the rules in phone_machine.cpp
// read as rules. Text taken from outside (NAK texts, kick output, file names from the log) is
// cleaned: control characters become '?', and it is cut at kMaxOutsideText bytes.

#include "rollout/boot_files.hpp"
#include "rollout/phone_spec.hpp"
#include "rollout/phone_status.hpp"
#include "rollout/tftp_event.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fwplan::rollout {

/// At most this many bytes of one piece of outside text in a reason.
inline constexpr std::size_t kMaxOutsideText = 160;

/// Outside text fit for a reason (see the file comment).
[[nodiscard]] std::string clean_text(std::string_view text);

/// A span of log time for people: `30 s`, `2 min 5 s`, `30 min`, `1 h 30 min`.
[[nodiscard]] std::string duration_words(std::int64_t microseconds);

/// The reasons of one phone.
class ReasonText {
public:
    /// For `phone` (the reasons name its MAC in the commands they suggest).
    explicit ReasonText(const PhoneSpec& phone) : phone_(phone) {}

    std::string started(const StepSpec& first) const;

    // settling
    std::string settle_by_time(const StepSpec& step, std::int64_t settle_after_us) const;
    std::string settle_by_file(const StepSpec& step, const std::string& file) const;
    std::string settled(const StepSpec& step, const std::string& why) const;
    std::string tftp_evidence_alone() const;
    std::string held_suffix() const;
    std::string asking_phone() const;
    std::string target_suffix() const;
    std::string writing_next(const StepSpec& next, unsigned next_step) const;

    // fetching, refusing, failing, stuck
    std::string fetching_loads(const StepSpec& step, const std::string& file, bool term,
                               bool was_settled) const;
    std::string fetching_component(const StepSpec& step, const std::string& file,
                                   std::size_t index) const;
    std::string refused(const StepSpec& step, const std::string& file, unsigned times) const;
    std::string failed_file(unsigned step, const TftpEvent& event, const FileMatch& match) const;
    std::string stuck(const PhoneStatus& status, const StepSpec& step,
                      std::int64_t stuck_after_us) const;
    std::string back_from_stuck(const std::string& file) const;

    // advancing
    std::string config_in_place_kicking(unsigned step) const;
    std::string kicked(unsigned step, const std::string& detail) const;
    std::string needs_reset(unsigned step, const std::string& running,
                            const std::string* kick_failure, bool held) const;
    std::string waiting_for_slot(unsigned step) const;
    std::string slot_free(unsigned step) const;
    std::string write_failed(unsigned step, const std::string& detail) const;

    // --advance on-download
    std::string early_advance(const std::string& fetching, unsigned next_step) const;
    std::string written_early(unsigned from, unsigned step) const;
    std::string rebooted_before_early_write(unsigned from, unsigned step) const;
    std::string early_write_failed(unsigned step, const std::string& detail) const;
    std::string early_write_deferred(unsigned step) const;
    std::string early_check(unsigned from, unsigned step) const;
    std::string early_check_unanswered(const std::string& detail) const;
    std::string early_check_agrees(const std::string& load, unsigned step) const;
    std::string early_check_disagrees(const std::string& load, const StepSpec& earlier,
                                      unsigned earlier_step) const;
    std::string put_back_loads(const std::string& file, unsigned back_to, unsigned step) const;
    std::string put_back_suffix(unsigned back_to, unsigned step) const;
    std::string put_back_done(unsigned step, unsigned from) const;
    std::string restore_failed(unsigned step, unsigned current, const std::string& detail) const;

    // --confirm http
    std::string confirm_again(unsigned attempt) const;
    std::string confirm_unanswered(const std::string& detail, unsigned attempts,
                                   std::int64_t settle_after_us) const;
    std::string confirmed(const std::string& load) const;
    std::string confirm_disagrees(const std::string& answer, const StepSpec& step) const;

    // commands
    std::string aborted() const;
    std::string held() const;
    std::string released() const;
    std::string released_settled(bool released, const std::string& load) const;
    std::string retry_kicking(PhoneState from, unsigned step) const;
    std::string resetting(unsigned step) const;
    std::string retry_reset_by_hand(PhoneState from, unsigned step) const;
    std::string advanced_by_hand(const StepSpec& next, unsigned next_step) const;
    std::string done_by_hand(const std::string& load) const;

private:
    std::string command(std::string_view verb) const; // `fwplan rollout retry --mac …`
    std::string step_words(unsigned step) const;      // `step 2 of 2 (SIP41.9-4-2SR3-1S)`
    const PhoneSpec& phone_;
};

} // namespace fwplan::rollout

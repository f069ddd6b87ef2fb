#include "rollout/reason_text.hpp"

#include "rollout/phone_machine.hpp"

#include <fwplan/load_id.hpp>

#include <algorithm>

namespace fwplan::rollout {

std::string clean_text(std::string_view text) {
    std::string clean;
    const std::size_t keep = std::min(text.size(), kMaxOutsideText);
    clean.reserve(keep + 3);
    for (std::size_t i = 0; i < keep; ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        clean += (byte < 0x20 || byte == 0x7F) ? '?' : text[i];
    }
    if (text.size() > keep)
        clean += "...";
    return clean;
}

std::string duration_words(std::int64_t microseconds) {
    const std::int64_t seconds = microseconds / 1'000'000;
    if (seconds < 120)
        return std::to_string(seconds) + " s";
    const std::int64_t minutes = seconds / 60;
    if (minutes < 60) {
        const std::int64_t rest = seconds % 60;
        return std::to_string(minutes) + " min" + (rest ? " " + std::to_string(rest) + " s" : "");
    }
    const std::int64_t rest = minutes % 60;
    return std::to_string(minutes / 60) + " h" + (rest ? " " + std::to_string(rest) + " min" : "");
}

std::string ReasonText::command(std::string_view verb) const {
    return "`fwplan rollout " + std::string(verb) + " --mac " + phone_.mac.to_string() + "`";
}

std::string ReasonText::step_words(unsigned step) const {
    return "step " + std::to_string(step) + " of " + std::to_string(phone_.steps.size()) + " (" +
           phone_.steps[step - 1].load.str() + ")";
}

std::string ReasonText::started(const StepSpec& first) const {
    return "step 1's config (" + first.load.str() +
           ") is in place: waiting for the phone to read it (reset it if it does not)";
}

// ---- settling ----------------------------------------------------------------------------

std::string ReasonText::settle_by_time(const StepSpec& step, std::int64_t settle_after_us) const {
    if (phone_.style == BootStyle::Sip7940)
        return "read its config and asked for no component of " + step.loads_file + " within " +
               duration_words(settle_after_us);
    return "read its config and asked for no " + step.loads_file + " within " +
           duration_words(settle_after_us);
}

std::string ReasonText::settle_by_file(const StepSpec& step, const std::string& file) const {
    if (phone_.style == BootStyle::Sip7940)
        return "read its config and went on to " + clean_text(file) + " with no component of " +
               step.loads_file;
    return "read its config and went on to " + clean_text(file) + " without asking for " +
           step.loads_file;
}

std::string ReasonText::settled(const StepSpec& step, const std::string& why) const {
    return why + ": it runs " + step.load.str();
}

std::string ReasonText::tftp_evidence_alone() const {
    return " (TFTP evidence alone: a 7940/7960 asks for its .loads on every boot, so only the "
           "absence of components says it did not flash; --confirm http asks the phone itself)";
}

std::string ReasonText::held_suffix() const {
    return "; held: no automatic action until " + command("retry");
}

std::string ReasonText::asking_phone() const {
    return "; asking the phone what it runs (--confirm http)";
}

std::string ReasonText::target_suffix() const {
    return ", the target";
}

std::string ReasonText::writing_next(const StepSpec& next, unsigned next_step) const {
    return "; writing step " + std::to_string(next_step) + "'s config (" + next.load.str() + ")";
}

// ---- fetching, refusing, failing, stuck --------------------------------------------------

std::string ReasonText::fetching_loads(const StepSpec& step, const std::string& file, bool term,
                                       bool was_settled) const {
    if (term)
        return "asked for " + clean_text(file) +
               ", the file a factory-reset phone starts from: downloading its load";
    if (was_settled)
        return "asked for " + clean_text(file) + " after it had settled: it does not run " +
               step.load.str() + " after all, and is downloading it";
    return "asked for " + clean_text(file) + ": it runs another load and is downloading " +
           step.load.str();
}

std::string ReasonText::fetching_component(const StepSpec& step, const std::string& file,
                                           std::size_t index) const {
    return "asked for " + clean_text(file) + " (" + std::to_string(index + 1) + " of " +
           std::to_string(step.components.size()) + " in " + step.loads_file + "): downloading " +
           step.load.str();
}

std::string ReasonText::refused(const StepSpec& step, const std::string& file,
                                unsigned times) const {
    std::string reason = "asked for " + clean_text(file) + " " + std::to_string(times) +
                         " times with no component after it: it refuses " + step.load.str() +
                         " (the AUTH FAIL loop; its screen shows AUTH FAIL or Load "
                         "Authentication Failed, and it keeps its old load). ";
    if (step.fallback) {
        std::string advice = clean_text(*step.fallback);
        while (!advice.empty() && (advice.back() == '.' || advice.back() == ' '))
            advice.pop_back();
        reason += "The planner's advice for this step: " + advice + ". ";
    } else
        reason += "Try another bridge load (fwplan plan shows the chain and its rules). ";
    return reason + "Then " + command("retry");
}

std::string ReasonText::failed_file(unsigned step_number, const TftpEvent& event,
                                    const FileMatch& match) const {
    const StepSpec& step = phone_.steps[step_number - 1];
    std::string file = clean_text(event.file);
    if (!event.remapped.empty())
        file += " (remapped to " + clean_text(event.remapped) + ")";
    std::string what;
    switch (match.role) {
    case FileRole::Config:
        what = ", the phone's own config, which fwplan put in place for " + step_words(step_number);
        break;
    case FileRole::Loads:
        what = ", the step's .loads";
        break;
    case FileRole::Component:
        what = ", listed in " + step.loads_file;
        break;
    default:
        break;
    }
    const std::string answer =
        event.detail.empty() ? std::string() : " (" + clean_text(event.detail) + ")";
    if (event.kind == TftpEventKind::Refused)
        return "the TFTP server refused " + file + what + answer +
               ": check that the server may read it, then " + command("retry");
    std::string advice = match.role == FileRole::Config
                             ? "check that the TFTP server serves the root fwplan writes to "
                               "(--tftp-root) and does not change the case of names "
                               "(dnsmasq --tftp-lowercase)"
                             : "stage the package that holds it (fwplan stage) and mind the case "
                               "of its name";
    return "the TFTP server has no " + file + what + answer + ": " + advice + ", then " +
           command("retry");
}

std::string ReasonText::stuck(const PhoneStatus& status, const StepSpec& step,
                              std::int64_t stuck_after_us) const {
    const std::string span = duration_words(stuck_after_us);
    if (status.state == PhoneState::Fetching)
        return "no request from the phone for " + span + " of log time after " +
               clean_text(status.last_file) + ", while downloading " + step.load.str() +
               ": check the TFTP server and the network, then reset the phone (" +
               command("retry") + ")";
    if (status.config_read_at_us)
        return "it read its config, then no request for " + span +
               " of log time: reset it, and if it keeps silent look at its screen";
    return "no request from the phone for " + span + " of log time since " +
           step_words(status.step) +
           "'s config went in: it has not read it. Reset it (power-cycle it if nothing else "
           "reaches it) and check that DHCP (option 150 or 66) points it at this TFTP server";
}

std::string ReasonText::back_from_stuck(const std::string& file) const {
    return "the phone is back: it asked for " + clean_text(file);
}

// ---- advancing ---------------------------------------------------------------------------

std::string ReasonText::config_in_place_kicking(unsigned step) const {
    return step_words(step) + ": its config is in place; resetting the phone with the kick command";
}

std::string ReasonText::kicked(unsigned step, const std::string& detail) const {
    return "the kick command ran" +
           (detail.empty() ? std::string() : " (" + clean_text(detail) + ")") +
           ": the phone resets and reads " + step_words(step) + "'s config";
}

std::string ReasonText::needs_reset(unsigned step, const std::string& running,
                                    const std::string* kick_failure, bool held) const {
    std::string reason =
        step_words(step) + ": its config is in place, but nobody has reset the phone: ";
    if (kick_failure)
        reason += "the kick command failed (" + clean_text(*kick_failure) + "); ";
    else if (held)
        reason += "it is held; ";
    else
        reason += "no --kick command is set; ";
    reason +=
        "reset it by hand, from its PBX or by power (unplug it, or bounce its PoE switch port)";
    // An SCCP phone can only be reset by power or by its SCCP call manager; during an SCCP
    // bridge step on a SIP-only PBX it is registered nowhere (rollout §5 [inference]).
    Result<LoadId> load = LoadId::parse(running);
    if (load && load->protocol() == Protocol::Sccp)
        reason += ". It runs the SCCP load " + running +
                  ": a PBX that speaks no SCCP cannot reach it, so power-cycle it";
    return reason + ". fwplan carries on when it reads its config; " + command("retry") +
           " runs the kick again";
}

std::string ReasonText::waiting_for_slot(unsigned step) const {
    return "waiting for a wave slot (--wave) before " + step_words(step) + "'s config goes in";
}

std::string ReasonText::slot_free(unsigned step) const {
    return "a wave slot is free: writing " + step_words(step) + "'s config";
}

std::string ReasonText::write_failed(unsigned step, const std::string& detail) const {
    return "could not write " + step_words(step) + "'s config (" + clean_text(detail) +
           "); nothing changed in the TFTP root. Held: fix it, then " + command("retry");
}

// ---- --advance on-download ---------------------------------------------------------------

std::string ReasonText::early_advance(const std::string& fetching, unsigned next_step) const {
    return fetching +
           "; that is the last component, so it will flash and reboot by itself: "
           "writing " +
           step_words(next_step) + "'s config now (--advance on-download)";
}

std::string ReasonText::written_early(unsigned from, unsigned step) const {
    return step_words(step) + ": its config went in early, while the phone flashes step " +
           std::to_string(from) +
           "'s load; it reads it when it reboots (advanced early from step " +
           std::to_string(from) + ")";
}

std::string ReasonText::rebooted_before_early_write(unsigned from, unsigned step) const {
    return "the phone had rebooted on step " + std::to_string(from) +
           "'s load and read its config before " + step_words(step) +
           "'s was written (the log says so): it must be reset to read it";
}

std::string ReasonText::early_write_failed(unsigned step, const std::string& detail) const {
    return "could not write " + step_words(step) + "'s config early (" + clean_text(detail) +
           "): it advances once it settles instead";
}

std::string ReasonText::early_write_deferred(unsigned step) const {
    return "no wave slot free for an early advance: it advances once it settles on step " +
           std::to_string(step);
}

std::string ReasonText::early_check(unsigned from, unsigned step) const {
    return "read " + step_words(step) +
           "'s config after its early advance: asking the phone "
           "whether it runs step " +
           std::to_string(from) + "'s load (--confirm http)";
}

std::string ReasonText::early_check_unanswered(const std::string& detail) const {
    return "the phone did not say what it runs after its early advance (" + clean_text(detail) +
           "): the TFTP log decides";
}

std::string ReasonText::early_check_agrees(const std::string& load, unsigned step) const {
    return "the phone says it runs " + clean_text(load) + ": carrying on with " + step_words(step);
}

std::string ReasonText::early_check_disagrees(const std::string& load, const StepSpec& earlier,
                                              unsigned earlier_step) const {
    return "the phone says it runs " + clean_text(load) + ", not step " +
           std::to_string(earlier_step) + "'s " + earlier.load.str() +
           ": the early advance came too soon; putting step " + std::to_string(earlier_step) +
           "'s config back";
}

std::string ReasonText::put_back_loads(const std::string& file, unsigned back_to,
                                       unsigned step) const {
    return "asked for " + clean_text(file) + " (step " + std::to_string(back_to) +
           ") again after step " + std::to_string(step) +
           "'s config went in early: it still runs the old load; putting step " +
           std::to_string(back_to) + "'s config back";
}

std::string ReasonText::put_back_suffix(unsigned back_to, unsigned step) const {
    return ". Step " + std::to_string(step) +
           "'s config went in early (--advance on-download), "
           "so it may still run the old load: putting step " +
           std::to_string(back_to) + "'s config back";
}

std::string ReasonText::put_back_done(unsigned step, unsigned from) const {
    return step_words(step) + ": its config is back in place of step " + std::to_string(from) +
           "'s; this phone now advances only once it has settled";
}

std::string ReasonText::restore_failed(unsigned step, unsigned current,
                                       const std::string& detail) const {
    return "could not put " + step_words(step) + "'s config back (" + clean_text(detail) +
           "): the root still holds step " + std::to_string(current) +
           "'s config, which this phone may not be able to install. Held: put step " +
           std::to_string(step) +
           "'s config in place by hand (fwplan emit writes one folder per "
           "step), then " +
           command("retry");
}

// ---- --confirm http ----------------------------------------------------------------------

std::string ReasonText::confirm_again(unsigned attempt) const {
    return "asking the phone again what it runs (attempt " + std::to_string(attempt) + " of " +
           std::to_string(kMaxConfirmAttempts) + ")";
}

std::string ReasonText::confirm_unanswered(const std::string& detail, unsigned attempts,
                                           std::int64_t settle_after_us) const {
    if (attempts < kMaxConfirmAttempts)
        return "the phone did not say what it runs (" + clean_text(detail) + "); asking again in " +
               duration_words(settle_after_us) + " of log time";
    return "the phone did not say what it runs, " + std::to_string(attempts) + " times (" +
           clean_text(detail) +
           "): check that its web server is on (<webAccess>0</webAccess> in its SEP file means "
           "on) and reachable, then " +
           command("retry") + ", or " + command("advance") + " to go on without its word";
}

std::string ReasonText::confirmed(const std::string& load) const {
    return "the phone says it runs " + load;
}

std::string ReasonText::confirm_disagrees(const std::string& answer, const StepSpec& step) const {
    return "the phone says it runs " + clean_text(answer) + ", not " + step.load.str() +
           ": not advanced. Its config still names " + step.load.str() +
           "; it acts on it when it is reset (if it keeps its load, look at its screen for "
           "AUTH FAIL)";
}

// ---- commands ----------------------------------------------------------------------------

std::string ReasonText::aborted() const {
    return "the rollout was aborted: fwplan takes no further action for this phone";
}

std::string ReasonText::held() const {
    return "held by hand: no automatic action until " + command("retry");
}

std::string ReasonText::released() const {
    return "released by hand: automatic actions resume";
}

std::string ReasonText::released_settled(bool released, const std::string& load) const {
    return std::string(released ? "released by hand" : "retry by hand") + ": it runs " + load;
}

std::string ReasonText::retry_kicking(PhoneState from, unsigned step) const {
    return "retry by hand (it was " + std::string(to_string(from)) + "): " + step_words(step) +
           "'s config is in place; resetting the phone with the kick command";
}

std::string ReasonText::resetting(unsigned step) const {
    return step_words(step) + "'s config is in place; resetting the phone with the kick command "
                              "so that it reads it";
}

std::string ReasonText::retry_reset_by_hand(PhoneState from, unsigned step) const {
    return "retry by hand (it was " + std::string(to_string(from)) + "): " + step_words(step) +
           "'s config is in place; reset the phone so that it reads it";
}

std::string ReasonText::advanced_by_hand(const StepSpec& next, unsigned next_step) const {
    return "advanced by hand: writing step " + std::to_string(next_step) + "'s config (" +
           next.load.str() + ") now";
}

std::string ReasonText::done_by_hand(const std::string& load) const {
    return "marked done by hand: a person says it runs " + load + ", the target";
}

} // namespace fwplan::rollout

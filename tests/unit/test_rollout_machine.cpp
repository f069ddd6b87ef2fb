// rollout/phone_machine.hpp: the per-phone state machine of `fwplan rollout follow`, driven by
// event sequences shaped like real boots (phone-files.md §7.1: CTLSEP → ITLSEP → ITLFile.tlv, each
// NAKed → SEP<MAC>.cnf.xml → .loads → jar/cnu/apps/dsp/cvm → reboot → … SEP → mk-sip.jar →
// dialplan.xml; §7.3 for the 7960, whose .loads comes on every boot), with the component gaps
// of the chan-sccp/sccp_manager #79 log (2–8 s apart). Every test checks the states AND the
// actions the driver is asked to carry out.
#include "rollout/boot_files.hpp"
#include "rollout/phone_machine.hpp"
#include "rollout/reason_text.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace fwplan::rollout {
// doctest prints these when a check fails.
std::ostream& operator<<(std::ostream& out, PhoneState state) {
    return out << to_string(state);
}
std::ostream& operator<<(std::ostream& out, const Action& action) {
    return out << to_string(action.kind) << '{' << action.step << '}';
}
} // namespace fwplan::rollout

using namespace fwplan::rollout;
using fwplan::LoadId;
using fwplan::MacAddress;
using State = PhoneState;
using Kind = ActionKind;

namespace {

constexpr std::int64_t kSecond = 1'000'000;
// 2024-04-13 10:25:10 UTC, the day of the sysop.ca log line; any base would do.
constexpr std::int64_t kBase = 1'713'003'910 * kSecond;
std::int64_t at(std::int64_t seconds) {
    return kBase + seconds * kSecond;
}

LoadId id(const std::string& text) {
    auto parsed = LoadId::parse(text);
    REQUIRE(parsed.ok());
    return *parsed;
}

// A Java 79xx step of the 7941/7961 family: the .loads and its five components in the order
// the .loads lists them (phone-files.md §2.1), and the family's term files.
StepSpec java_step(const std::string& load, const std::string& build, const std::string& proto,
                   std::optional<std::string> fallback = {}) {
    StepSpec step;
    step.load = id(load);
    step.loads_file = load + ".loads";
    step.components = {"jar41" + proto + "." + build + ".sbn", "cnu41." + build + ".sbn",
                       "apps41." + build + ".sbn", "dsp41." + build + ".sbn",
                       "cvm41" + proto + "." + build + ".sbn"};
    step.term_files = {"term41.default.loads", "term61.default.loads"};
    step.fallback = std::move(fallback);
    return step;
}

StepSpec bridge_852() {
    return java_step("SCCP41.8-5-2S", "8-5-2TH1-9", "sccp");
}
StepSpec target_942() {
    return java_step("SIP41.9-4-2SR3-1S", "9-4-2ES26", "sip");
}

// A 7960 SIP step (phone-files.md §2.2): the universal application loader and the SIP image.
StepSpec sip7960_step(const std::string& version) {
    StepSpec step;
    step.load = id("P0S3-" + version);
    step.loads_file = "P0S3-" + version + ".loads";
    step.components = {"P003-" + version + ".sbn", "P0S3-" + version + ".sb2"};
    return step;
}

// (Built from bytes: REQUIRE cannot run during static initialisation.)
const MacAddress kMac7941(MacAddress::Bytes{0x00, 0x80, 0x41, 0xae, 0xfd, 0x7e});
const MacAddress kMac7961(MacAddress::Bytes{0x00, 0x1b, 0x2a, 0x89, 0x36, 0x98});
const MacAddress kMac7960(MacAddress::Bytes{0x00, 0x0d, 0x28, 0x05, 0xc4, 0xa1});

PhoneSpec phone_7941(const std::string& from, std::vector<StepSpec> steps,
                     const MacAddress& address = kMac7941) {
    PhoneSpec phone;
    phone.mac = address;
    phone.model = "7941";
    phone.style = BootStyle::Java79xx;
    phone.from = id(from);
    phone.steps = std::move(steps);
    return phone;
}

PhoneSpec two_step_7941(const MacAddress& address = kMac7941) {
    return phone_7941("SCCP41.8-3-1S", {bridge_852(), target_942()}, address);
}

PhoneSpec phone_7960(const std::string& from, std::vector<StepSpec> steps) {
    PhoneSpec phone;
    phone.mac = kMac7960;
    phone.model = "7960";
    phone.style = BootStyle::Sip7940;
    phone.from = id(from);
    phone.steps = std::move(steps);
    return phone;
}

MachineOptions with_kick() {
    MachineOptions options;
    options.kick = true;
    return options;
}

PhoneMachine machine(PhoneSpec spec, MachineOptions options = {}) {
    auto made = PhoneMachine::create(std::move(spec), options);
    REQUIRE(made.ok());
    return *made;
}

// One phone's lines of a tftpd-hpa log (`RRQ from IP filename F`, `sending NAK (1, File not
// found) to IP` attributed to the request before it), at one-second resolution like syslog.
class PhoneLog {
public:
    PhoneLog(const MacAddress& address, std::string ip, std::int64_t start_s)
        : mac_(address), ip_(std::move(ip)), time_(at(start_s)) {}

    PhoneLog& after(std::int64_t seconds) {
        time_ += seconds * kSecond;
        return *this;
    }
    PhoneLog& rrq(const std::string& file, std::int64_t gap = 1) {
        after(gap);
        push(TftpEventKind::Request, file);
        return *this;
    }
    PhoneLog& sent(const std::string& file, std::int64_t gap = 1) { // dnsmasq: completion only
        after(gap);
        push(TftpEventKind::Completed, file);
        return *this;
    }
    // The reader attributes the NAK line (which names no file) to the request before it.
    PhoneLog& nak(const std::string& detail = "1, File not found") {
        push(TftpEventKind::NotFound, last_, last_remapped_, detail);
        return *this;
    }
    PhoneLog& rrq_remapped(const std::string& file, const std::string& remapped) {
        after(1);
        push(TftpEventKind::Request, file, remapped);
        return *this;
    }
    // The first files of a Java 79xx boot, all absent from a plain root (phone-files.md §7.1).
    PhoneLog& java_trust() {
        rrq("CTLSEP" + mac_.hex() + ".tlv").nak();
        rrq("ITLSEP" + mac_.hex() + ".tlv", 0).nak();
        rrq("ITLFile.tlv", 0).nak();
        return *this;
    }
    PhoneLog& config() { return rrq(mac_.sep_config_file_name()); }
    // .loads then each component, 2–8 s apart (sccp_manager #79: jar 2 s after the term file,
    // cnu 5 s later, apps 4 s, dsp 8 s, cvm 4 s).
    PhoneLog& fetch(const StepSpec& step) {
        static const std::int64_t gaps[] = {2, 5, 4, 8, 4};
        rrq(step.loads_file);
        for (std::size_t i = 0; i < step.components.size(); ++i)
            rrq(step.components[i], gaps[i % 5]);
        return *this;
    }
    PhoneLog& java_boot_flash(const StepSpec& step) {
        return java_trust().config().fetch(step).after(45); // flashing and the reboot
    }
    // A SIP load that stays: the user-locale JAR and the dialTemplate (waynemerricks README).
    PhoneLog& java_boot_sip_stays() {
        return java_trust().config().rrq("/mk-sip.jar").rrq("dialplan.xml");
    }
    // An SCCP load on a PBX with no SCCP: nothing after the config (settles by time).
    PhoneLog& java_boot_sccp_stays() { return java_trust().config(); }
    // 7960 SIP (phone-files.md §7.3, Teo En Ming's log): CTLSEP (not found) → SEP → .loads, then
    // either the components (flash) or SIPDefault.cnf → ./SIP<MAC>.cnf → RINGLIST.DAT →
    // dialplan.xml.
    PhoneLog& boot_7960_flash(const StepSpec& step) {
        rrq("CTLSEP" + mac_.hex() + ".tlv").nak();
        config().rrq(step.loads_file);
        for (const std::string& component : step.components)
            rrq(component, 3);
        return after(90);
    }
    PhoneLog& boot_7960_stays(const StepSpec& step) {
        rrq("CTLSEP" + mac_.hex() + ".tlv").nak();
        config().rrq(step.loads_file);
        return rrq("SIPDefault.cnf")
            .rrq("./" + mac_.sip_config_file_name())
            .rrq("RINGLIST.DAT")
            .rrq("dialplan.xml");
    }

    const std::vector<TftpEvent>& events() const { return events_; }
    std::int64_t now() const { return time_; }

private:
    void push(TftpEventKind kind, const std::string& file, const std::string& remapped = {},
              const std::string& detail = {}) {
        TftpEvent event;
        event.time_us = time_;
        event.host = "pbx";
        event.program = "in.tftpd";
        event.ip = ip_;
        event.kind = kind;
        event.file = file;
        event.remapped = remapped;
        event.detail = detail;
        events_.push_back(event);
        last_ = file;
        last_remapped_ = remapped;
    }

    MacAddress mac_;
    std::string ip_;
    std::int64_t time_;
    std::string last_;
    std::string last_remapped_;
    std::vector<TftpEvent> events_;
};

// A driver as the follower will be: feeds inputs, carries out every action at once and feeds
// its outcome back, feeds an input again when the machine did not apply it.
struct Driver {
    PhoneMachine machine;
    PhoneStatus status;
    std::vector<Transition> transitions;
    std::vector<Action> actions;
    bool kick_ok = true;
    bool defer_writes = false;
    // The phone's own word; when unset it agrees with the step.
    std::function<ConfirmAnswer(const PhoneStatus&)> confirm;

    Driver(PhoneMachine m, std::int64_t start_us) : machine(std::move(m)) {
        status = machine.initial(start_us);
    }

    StepResult apply(const Input& input) {
        StepResult result = machine.apply(status, input);
        status = result.status;
        transitions.insert(transitions.end(), result.transitions.begin(), result.transitions.end());
        return result;
    }

    void carry_out(const std::vector<Action>& todo, int depth = 0) {
        REQUIRE(depth < 16);
        for (const Action& action : todo) {
            actions.push_back(action);
            Input outcome;
            switch (action.kind) {
            case Kind::WriteStep:
                outcome = defer_writes ? Input(WriteDeferred{action.step})
                                       : Input(ConfigWritten{action.step});
                break;
            case Kind::RestoreStep:
                outcome = ConfigWritten{action.step};
                break;
            case Kind::Kick:
                outcome = KickDone{kick_ok, kick_ok ? "exit status 0" : "exit status 1"};
                break;
            case Kind::Confirm:
                outcome = confirm
                              ? confirm(status)
                              : ConfirmAnswer{machine.spec().steps[status.step - 1].load.str(), {}};
                break;
            }
            StepResult result = apply(outcome);
            REQUIRE(result.input_applied);
            carry_out(result.actions, depth + 1);
        }
    }

    void feed(const Input& input) {
        for (int round = 0; round < 8; ++round) {
            StepResult result = apply(input);
            carry_out(result.actions);
            if (result.input_applied)
                return;
        }
        FAIL("the machine never applied the input");
    }
    void play(const std::vector<TftpEvent>& events) {
        for (const TftpEvent& event : events)
            feed(event);
    }
    void tick(std::int64_t time) { feed(Tick{time}); }
    void command(Command::Kind kind, std::int64_t time) { feed(Command{kind, time}); }

    // The states the phone went through: transitions that change state or step.
    std::vector<State> path() const {
        std::vector<State> states;
        for (const Transition& t : transitions)
            if (t.from != t.to || t.step_from != t.step)
                states.push_back(t.to);
        return states;
    }
    const Transition& last_change() const {
        for (auto it = transitions.rbegin(); it != transitions.rend(); ++it)
            if (it->from != it->to || it->step_from != it->step)
                return *it;
        FAIL("no transition");
        return transitions.back();
    }
    std::size_t count(Kind kind) const {
        return static_cast<std::size_t>(std::count_if(
            actions.begin(), actions.end(), [kind](const Action& a) { return a.kind == kind; }));
    }
};

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

// ---- the normal walks --------------------------------------------------------------------

TEST_CASE("rollout: a 7941 walks SCCP41.8-3-1S → SCCP41.8-5-2S → SIP41.9-4-2SR3-1S with a kick") {
    Driver d(machine(two_step_7941(), with_kick()), at(0));
    REQUIRE(d.status.state == State::Waiting);
    REQUIRE(d.status.load == "SCCP41.8-3-1S");

    // Boot 1 (reset at the start): the config names the bridge, so it downloads it.
    PhoneLog log(kMac7941, "10.10.10.10", 5);
    log.java_boot_flash(bridge_852()).java_boot_sccp_stays();
    const std::int64_t config_read = log.now();
    d.play(log.events());
    CHECK(d.path() == std::vector<State>{State::Fetching});
    CHECK(d.status.components_seen == 5);
    CHECK(d.status.ip == "10.10.10.10");
    CHECK(d.actions.empty());
    // SCCP on a SIP-only PBX asks for nothing after its config: only log time settles it. A
    // line of another phone 29 s later is too early; one at 31 s settles it at 30 s exactly.
    CHECK(d.machine.next_deadline(d.status) == config_read + 30 * kSecond);
    d.tick(config_read + 29 * kSecond);
    CHECK(d.status.state == State::Fetching);
    d.tick(config_read + 31 * kSecond);
    CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}, {Kind::Kick, 2}});
    CHECK(d.path() == std::vector<State>{State::Fetching, State::Settled, State::Waiting});
    CHECK(d.status.step == 2);
    CHECK(d.status.load == "SCCP41.8-5-2S");
    CHECK(d.status.load_evidence == LoadEvidence::Tftp);
    CHECK(d.status.since_us == config_read + 30 * kSecond);
    CHECK(contains(d.status.reason, "kick command ran"));
    for (const Transition& t : d.transitions)
        if (t.to == State::Settled)
            CHECK(t.time_us == config_read + 30 * kSecond);

    // The kick resets it: it reads step 2's config, downloads the SIP load, and stays on it.
    PhoneLog log2(kMac7941, "10.10.10.10", (config_read - kBase) / kSecond + 40);
    log2.java_boot_flash(target_942()).java_boot_sip_stays();
    d.play(log2.events());
    CHECK(d.path() == std::vector<State>{State::Fetching, State::Settled, State::Waiting,
                                         State::Fetching, State::Done});
    CHECK(d.status.state == State::Done);
    CHECK(d.status.step == 2);
    CHECK(d.status.load == "SIP41.9-4-2SR3-1S");
    // It settles at its locale JAR, the first file it asks for only when it stays on its load.
    CHECK(d.status.since_us == log2.now() - kSecond);
    CHECK(contains(d.status.reason,
                   "went on to /mk-sip.jar without asking for SIP41.9-4-2SR3-1S.loads"));
    CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}, {Kind::Kick, 2}});
    CHECK_FALSE(d.machine.next_deadline(d.status).has_value());
}

TEST_CASE("rollout: without a kick the phone waits in needs-reset, which never becomes stuck") {
    Driver d(machine(two_step_7941()), at(0));
    PhoneLog log(kMac7941, "10.10.10.10", 5);
    log.java_boot_flash(bridge_852()).java_boot_sccp_stays();
    d.play(log.events());
    const std::int64_t settle = log.now() + 30 * kSecond;
    d.tick(settle + 5 * kSecond);
    CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}});
    CHECK(d.path() == std::vector<State>{State::Fetching, State::Settled, State::NeedsReset});
    CHECK(d.status.step == 2);
    CHECK(d.status.since_us == settle);
    // It runs SCCP and the PBX speaks SIP: the reason says to power-cycle it.
    CHECK(contains(d.status.reason, "no --kick command is set"));
    CHECK(contains(d.status.reason, "SCCP load SCCP41.8-5-2S"));
    CHECK(contains(d.status.reason, "power-cycle"));
    CHECK(contains(d.status.reason, "fwplan rollout retry --mac 00:80:41:ae:fd:7e"));

    // Two hours of other phones' lines: a person must act, so it does not become stuck.
    CHECK_FALSE(d.machine.next_deadline(d.status).has_value());
    const std::size_t before = d.transitions.size();
    d.tick(settle + 7200 * kSecond);
    CHECK(d.transitions.size() == before);
    CHECK(d.status.state == State::NeedsReset);

    // Someone power-cycles it: it walks on by itself.
    PhoneLog log2(kMac7941, "10.10.10.10", (settle - kBase) / kSecond + 7300);
    log2.java_boot_flash(target_942()).java_boot_sip_stays();
    d.play(log2.events());
    CHECK(d.status.state == State::Done);
    CHECK(d.path().back() == State::Done);
    CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}});
}

TEST_CASE("rollout: a kick that fails leaves the phone in needs-reset — retry kicks again") {
    Driver d(machine(two_step_7941(), with_kick()), at(0));
    d.kick_ok = false;
    PhoneLog log(kMac7941, "10.10.10.10", 5);
    log.java_boot_flash(bridge_852()).java_boot_sccp_stays();
    d.play(log.events());
    d.tick(log.now() + 60 * kSecond);
    CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}, {Kind::Kick, 2}});
    CHECK(d.status.state == State::NeedsReset);
    CHECK(d.status.step == 2);
    CHECK(contains(d.status.reason, "the kick command failed (exit status 1)"));

    d.kick_ok = true;
    d.command(Command::Kind::Retry, log.now() + 120 * kSecond);
    CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}, {Kind::Kick, 2}, {Kind::Kick, 2}});
    CHECK(d.status.state == State::Waiting);
    CHECK(d.status.step == 2);
    CHECK(contains(d.status.reason, "kick command ran"));
}

// ---- refusals and failures ---------------------------------------------------------------

TEST_CASE("rollout: the AUTH FAIL loop — .loads three times, no component — is refused, naming the "
          "fallback") {
    // itwurx: a 7941 on SCCP 8.5(4) showed AUTH FAIL fetching the latest SIP load (J-08).
    const std::string fallback =
        "J-08: serve the target protocol's 8.5(2) load (SIP41.8-5-2S) first, a downgrade, then "
        "serve this step again.";
    Driver d(machine(phone_7941("SCCP41.8-5-4S",
                                {java_step("SIP41.9-4-2SR3-1S", "9-4-2ES26", "sip", fallback)}),
                     with_kick()),
             at(0));
    PhoneLog log(kMac7941, "10.10.10.12", 3);
    for (int boot = 0; boot < 2; ++boot)
        log.java_trust().config().rrq("SIP41.9-4-2SR3-1S.loads").after(20);
    d.play(log.events());
    CHECK(d.path() == std::vector<State>{State::Fetching});
    CHECK(d.status.loads_requests == 2);

    PhoneLog third(kMac7941, "10.10.10.12", (log.now() - kBase) / kSecond);
    third.java_trust().config().rrq("SIP41.9-4-2SR3-1S.loads");
    d.play(third.events());
    CHECK(d.path() == std::vector<State>{State::Fetching, State::Refused});
    CHECK(d.status.since_us == third.now());
    CHECK(contains(d.status.reason, "SIP41.9-4-2SR3-1S.loads 3 times with no component"));
    CHECK(contains(d.status.reason, "AUTH FAIL"));
    CHECK(contains(d.status.reason, "The planner's advice for this step: J-08: serve the target "
                                    "protocol's 8.5(2) load (SIP41.8-5-2S) first"));
    CHECK(d.actions.empty());

    // Refused is sticky: more of the loop changes nothing until a person retries.
    PhoneLog more(kMac7941, "10.10.10.12", (third.now() - kBase) / kSecond + 20);
    more.java_trust().config().rrq("SIP41.9-4-2SR3-1S.loads");
    const std::size_t before = d.transitions.size();
    d.play(more.events());
    CHECK(d.transitions.size() == before);
    CHECK(d.status.state == State::Refused);
    CHECK(d.actions.empty());
}

TEST_CASE("rollout: a factory-reset phone looping on its term file is refused — components reset "
          "the count") {
    // blog.tickett.net: a 7906 re-requesting term06.default.loads with no component after it.
    Driver d(machine(phone_7941("SCCP41.8-3-1S", {target_942()})), at(0));
    PhoneLog log(kMac7941, "10.10.10.13", 1);
    // Twice the term file then its components: not a loop.
    log.rrq("term41.default.loads").after(15).rrq("term41.default.loads");
    for (const std::string& component : target_942().components)
        log.rrq(component, 3);
    d.play(log.events());
    CHECK(d.path() == std::vector<State>{State::Fetching});
    CHECK(d.status.loads_requests == 0);
    // Now three times with nothing after it.
    PhoneLog loop(kMac7941, "10.10.10.13", (log.now() - kBase) / kSecond + 60);
    loop.rrq("term41.default.loads")
        .after(15)
        .rrq("term41.default.loads")
        .after(15)
        .rrq("term41.default.loads");
    d.play(loop.events());
    CHECK(d.path() == std::vector<State>{State::Fetching, State::Refused});
    CHECK(contains(d.status.reason, "term41.default.loads 3 times"));
    CHECK(contains(d.status.reason, "Try another bridge load")); // no fallback on this step
    CHECK(d.actions.empty());
}

TEST_CASE("rollout: a NAK for a component fails the phone, naming the file — retry puts it back to "
          "waiting") {
    // sysop.ca: `RRQ from 10.10.10.10 filename Jar11sip.8-2-2ES4.sbn`, then `sending NAK (1, File
    // not found)`: here the .loads asks for the capital-J name the root lacks (phone-files.md §2.1).
    StepSpec step = target_942();
    step.components[0] = "Jar41sip.9-4-2ES26.sbn";
    Driver d(machine(phone_7941("SCCP41.8-5-2S", {step}), with_kick()), at(0));
    PhoneLog log(kMac7941, "10.10.10.10", 2);
    log.java_trust().config().rrq(step.loads_file).rrq("Jar41sip.9-4-2ES26.sbn", 2).nak();
    d.play(log.events());
    CHECK(d.path() == std::vector<State>{State::Fetching, State::Failed});
    CHECK(contains(d.status.reason, "the TFTP server has no Jar41sip.9-4-2ES26.sbn"));
    CHECK(contains(d.status.reason, "listed in SIP41.9-4-2SR3-1S.loads"));
    CHECK(contains(d.status.reason, "(1, File not found)"));
    CHECK(contains(d.status.reason, "mind the case"));
    CHECK(d.actions.empty());

    // Failed is sticky: the phone retrying the file changes nothing.
    PhoneLog again(kMac7941, "10.10.10.10", (log.now() - kBase) / kSecond + 30);
    again.java_trust().config().rrq(step.loads_file).rrq("Jar41sip.9-4-2ES26.sbn", 2).nak();
    const std::size_t before = d.transitions.size();
    d.play(again.events());
    CHECK(d.transitions.size() == before);

    // Someone stages the file and retries: waiting again, kicked, and the counters are fresh.
    d.command(Command::Kind::Retry, again.now() + 60 * kSecond);
    CHECK(d.status.state == State::Waiting);
    CHECK(d.status.components_seen == 0);
    CHECK(d.actions == std::vector<Action>{{Kind::Kick, 1}});
    PhoneLog fixed(kMac7941, "10.10.10.10", (again.now() - kBase) / kSecond + 100);
    fixed.java_boot_flash(step).java_boot_sip_stays();
    d.play(fixed.events());
    CHECK(d.status.state == State::Done);
    CHECK(d.path() == std::vector<State>{State::Fetching, State::Failed, State::Waiting,
                                         State::Fetching, State::Done});
}

TEST_CASE("rollout: a NAK for the .loads, its remapped name, or the phone's own config fails it") {
    SUBCASE("a remap that truncates the name (PhantomVl/sccp_manager #46)") {
        Driver d(machine(phone_7941("SCCP41.8-5-2S", {target_942()})), at(0));
        PhoneLog log(kMac7941, "10.10.10.10", 2);
        log.java_trust()
            .config()
            .rrq_remapped("SIP41.9-4-2SR3-1S.loads", "firmware/7941/SIP41.9-4-2SR3-1")
            .nak();
        d.play(log.events());
        CHECK(d.path() == std::vector<State>{State::Fetching, State::Failed});
        CHECK(contains(d.status.reason,
                       "SIP41.9-4-2SR3-1S.loads (remapped to firmware/7941/SIP41.9-4-2SR3-1)"));
        CHECK(contains(d.status.reason, "the step's .loads"));
    }
    SUBCASE("a name only the remap makes a listed component") {
        Driver d(machine(phone_7941("SCCP41.8-5-2S", {target_942()})), at(0));
        PhoneLog log(kMac7941, "10.10.10.10", 2);
        log.java_trust()
            .config()
            .rrq("SIP41.9-4-2SR3-1S.loads")
            .rrq_remapped("JAR41SIP.SBN", "firmware/jar41sip.9-4-2ES26.sbn")
            .nak();
        d.play(log.events());
        CHECK(d.status.state == State::Failed);
        CHECK(contains(d.status.reason, "listed in SIP41.9-4-2SR3-1S.loads"));
    }
    SUBCASE("dnsmasq: `file /srv/tftp/SEP….cnf.xml not found`, with no request line") {
        Driver d(machine(phone_7941("SCCP41.8-5-2S", {target_942()})), at(0));
        TftpEvent event;
        event.time_us = at(4);
        event.program = "dnsmasq-tftp";
        event.ip = "10.10.10.10";
        event.kind = TftpEventKind::NotFound;
        event.file = "/srv/tftp/" + kMac7941.sep_config_file_name();
        d.feed(event);
        CHECK(d.path() == std::vector<State>{State::Failed});
        CHECK(contains(d.status.reason, "the phone's own config"));
        CHECK(contains(d.status.reason, "--tftp-lowercase"));
        CHECK(d.actions.empty());
    }
    SUBCASE("an access violation") {
        Driver d(machine(phone_7941("SCCP41.8-5-2S", {target_942()})), at(0));
        PhoneLog log(kMac7941, "10.10.10.10", 2);
        log.java_trust().config().rrq("SIP41.9-4-2SR3-1S.loads");
        d.play(log.events());
        TftpEvent refused = log.events().back();
        refused.kind = TftpEventKind::Refused;
        refused.detail = "2, Access violation";
        d.feed(refused);
        CHECK(d.status.state == State::Failed);
        CHECK(contains(d.status.reason, "refused SIP41.9-4-2SR3-1S.loads"));
        CHECK(contains(d.status.reason, "Access violation"));
    }
}

TEST_CASE("rollout: NAKs for CTL/ITL files, locale files, ring lists, term files are harmless") {
    Driver d(machine(two_step_7941(), with_kick()), at(0));
    PhoneLog log(kMac7941, "10.10.10.10", 5);
    // The CTLSEP/ITLSEP/ITLFile.tlv NAKs of every boot, the .sgn config variant, XMLDefault.
    log.java_trust().rrq(kMac7941.sep_config_file_name() + ".sgn", 0).nak().config();
    log.rrq("XMLDefault.cnf.xml").nak();
    d.play(log.events());
    CHECK(d.transitions.empty());
    CHECK(d.status.state == State::Waiting);
    CHECK(d.status.ip == "10.10.10.10");
    // A transfer that broke off (dnsmasq `failed sending`) is not a refusal either.
    TftpEvent broke;
    broke.time_us = log.now() + kSecond;
    broke.ip = "10.10.10.10";
    broke.kind = TftpEventKind::Failed;
    broke.file = "SCCP41.8-5-2S.loads";
    d.feed(broke);
    CHECK(d.transitions.empty());
    CHECK(d.status.state == State::Waiting);
    // A term file the root lacks: asking for it starts the factory path, its NAK fails
    // nothing and does not count toward the AUTH FAIL loop (the phone goes on to its config).
    PhoneLog term(kMac7941, "10.10.10.10", (log.now() - kBase) / kSecond + 2);
    term.rrq("term41.default.loads").nak();
    d.play(term.events());
    CHECK(d.path() == std::vector<State>{State::Fetching});
    CHECK(d.status.loads_requests == 0);
    d.transitions.clear();

    // The SIP target stays; its locale JAR, dial plan, tones and ring list are absent.
    PhoneLog log2(kMac7941, "10.10.10.10", (log.now() - kBase) / kSecond + 5);
    log2.fetch(bridge_852()).after(45).java_boot_sccp_stays();
    d.play(log2.events());
    d.tick(log2.now() + 31 * kSecond);
    REQUIRE(d.status.step == 2);
    PhoneLog log3(kMac7941, "10.10.10.10", (log2.now() - kBase) / kSecond + 40);
    log3.java_boot_flash(target_942()).java_trust().config();
    log3.rrq("English_United_States/mk-sip.jar").nak().rrq("United_States/g3-tones.xml").nak();
    log3.rrq("dialplan.xml").nak().rrq("RingList.xml").nak();
    d.play(log3.events());
    CHECK(d.status.state == State::Done);
    CHECK(contains(d.last_change().reason, "went on to English_United_States/mk-sip.jar"));
    CHECK(d.path() ==
          std::vector<State>{State::Settled, State::Waiting, State::Fetching, State::Done});
    CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}, {Kind::Kick, 2}});
}

// ---- stuck -------------------------------------------------------------------------------

TEST_CASE(
    "rollout: a phone silent for stuck_after is stuck, and its next request resumes the walk") {
    Driver d(machine(phone_7941("SCCP41.8-5-2S", {target_942()})), at(0));
    PhoneLog log(kMac7941, "10.10.10.10", 2);
    const StepSpec step = target_942();
    log.java_trust()
        .config()
        .rrq(step.loads_file)
        .rrq(step.components[0], 2)
        .rrq(step.components[1], 5);
    d.play(log.events());
    const std::int64_t last = log.now();
    CHECK(d.machine.next_deadline(d.status) == last + 1800 * kSecond);
    d.tick(last + 1799 * kSecond);
    CHECK(d.status.state == State::Fetching);
    d.tick(last + 1900 * kSecond);
    CHECK(d.path() == std::vector<State>{State::Fetching, State::Stuck});
    CHECK(d.status.since_us == last + 1800 * kSecond); // the deadline, not the tick
    CHECK(contains(d.status.reason,
                   "no request from the phone for 30 min of log time after cnu41.9-4-2ES26.sbn"));
    CHECK(d.status.resume_state == State::Fetching);
    CHECK_FALSE(d.machine.next_deadline(d.status).has_value());

    // An unhealthy phone comes back after 10–30 minutes (buba0/… #2): the walk goes on.
    PhoneLog back(kMac7941, "10.10.10.10", (last - kBase) / kSecond + 2400);
    back.java_trust();
    d.play(back.events());
    CHECK(d.path() == std::vector<State>{State::Fetching, State::Stuck, State::Fetching});
    CHECK(d.transitions.back().from == State::Stuck);
    CHECK(contains(d.status.reason, "the phone is back: it asked for CTLSEP008041AEFD7E.tlv"));
    PhoneLog rest(kMac7941, "10.10.10.10", (back.now() - kBase) / kSecond);
    rest.config().fetch(step).after(45).java_boot_sip_stays();
    d.play(rest.events());
    CHECK(d.status.state == State::Done);
    CHECK(d.actions.empty());
}

TEST_CASE(
    "rollout: a phone never seen on its step is stuck after stuck_after, with what to check") {
    MachineOptions options;
    options.stuck_after_us = 600 * kSecond;
    Driver d(machine(two_step_7941(), options), at(0));
    d.tick(at(599));
    CHECK(d.transitions.empty());
    d.tick(at(601));
    CHECK(d.path() == std::vector<State>{State::Stuck});
    CHECK(contains(d.status.reason,
                   "10 min of log time since step 1 of 2 (SCCP41.8-5-2S)'s config went in"));
    CHECK(contains(d.status.reason, "DHCP (option 150 or 66)"));
    d.command(Command::Kind::Retry, at(700));
    CHECK(d.status.state == State::Waiting);
    CHECK(d.actions.empty()); // no kick configured: the reason says to reset it
    CHECK(contains(d.status.reason, "reset the phone so that it reads it"));
}

// ---- 7940/7960 ---------------------------------------------------------------------------

TEST_CASE("rollout: a 7960 walks P0S3-8-11-00 → P0S3-8-12-00 — its .loads on every boot is no sign "
          "of flashing") {
    const StepSpec step = sip7960_step("8-12-00");
    Driver d(machine(phone_7960("P0S3-8-11-00", {step}), with_kick()), at(0));
    PhoneLog log(kMac7960, "10.10.10.20", 3);
    log.rrq("CTLSEP" + kMac7960.hex() + ".tlv").nak().config().rrq(step.loads_file);
    d.play(log.events());
    CHECK(d.transitions.empty()); // the .loads alone: still waiting
    CHECK(d.status.state == State::Waiting);
    CHECK(d.status.ip == "10.10.10.20");

    PhoneLog flash(kMac7960, "10.10.10.20", (log.now() - kBase) / kSecond);
    flash.rrq(step.components[0], 2).rrq(step.components[1], 3).after(90);
    flash.boot_7960_stays(step);
    d.play(flash.events());
    CHECK(d.path() == std::vector<State>{State::Fetching, State::Done});
    CHECK(d.status.load == "P0S3-8-12-00");
    CHECK(contains(d.status.reason,
                   "went on to RINGLIST.DAT with no component of P0S3-8-12-00.loads"));
    CHECK(contains(d.status.reason, "TFTP evidence alone"));
    CHECK(d.actions.empty());
}

TEST_CASE("rollout: a 7960 already on the step's load settles at once — a Java 79xx with the same "
          "lines does not") {
    const StepSpec step = sip7960_step("8-12-00");
    Driver phone(machine(phone_7960("P0S3-8-11-00", {sip7960_step("8-11-00"), step}), with_kick()),
                 at(0));
    PhoneLog log(kMac7960, "10.10.10.20", 3);
    log.boot_7960_stays(sip7960_step("8-11-00"));
    phone.play(log.events());
    CHECK(phone.path() == std::vector<State>{State::Settled, State::Waiting});
    CHECK(phone.actions == std::vector<Action>{{Kind::WriteStep, 2}, {Kind::Kick, 2}});

    // A 7941 asking for its .loads has decided to download it (phone-files.md §7.1 step 6): a dial
    // plan after it does not settle it.
    Driver java(machine(phone_7941("SCCP41.8-5-2S", {target_942()})), at(0));
    PhoneLog jlog(kMac7941, "10.10.10.10", 3);
    jlog.java_trust().config().rrq("SIP41.9-4-2SR3-1S.loads").rrq("dialplan.xml");
    java.play(jlog.events());
    CHECK(java.path() == std::vector<State>{State::Fetching});
    CHECK_FALSE(java.status.settle_clock_us.has_value());
}

TEST_CASE(
    "rollout: a 7960 settles by time after its .loads — loops on the .loads alone are refused") {
    const StepSpec step = sip7960_step("8-12-00");
    SUBCASE("no component within settle_after of the .loads") {
        Driver d(machine(phone_7960("P0S3-8-11-00", {step})), at(0));
        PhoneLog log(kMac7960, "10.10.10.20", 3);
        log.config().rrq(step.loads_file, 4);
        d.play(log.events());
        CHECK(d.machine.next_deadline(d.status) == log.now() + 30 * kSecond);
        d.tick(log.now() + 45 * kSecond);
        CHECK(d.path() == std::vector<State>{State::Done});
        CHECK(d.status.since_us == log.now() + 30 * kSecond);
        CHECK(
            contains(d.status.reason, "asked for no component of P0S3-8-12-00.loads within 30 s"));
    }
    SUBCASE("config, .loads, reboot, three times, no later file") {
        Driver d(machine(phone_7960("P0S3-8-11-00", {step})), at(0));
        PhoneLog log(kMac7960, "10.10.10.20", 3);
        for (int boot = 0; boot < 3; ++boot)
            log.config().rrq(step.loads_file).after(10);
        d.play(log.events());
        CHECK(d.path() == std::vector<State>{State::Refused});
        CHECK(contains(d.status.reason, "P0S3-8-12-00.loads 3 times"));
    }
    SUBCASE("boots that go on past the .loads are no loop, even while held") {
        Driver d(machine(phone_7960("P0S3-8-11-00", {step, sip7960_step("8-12-00")})), at(0));
        d.command(Command::Kind::Hold, at(1));
        PhoneLog log(kMac7960, "10.10.10.20", 3);
        for (int boot = 0; boot < 4; ++boot)
            log.boot_7960_stays(step).after(60);
        d.play(log.events());
        CHECK(d.path() == std::vector<State>{State::Settled});
        CHECK(d.status.held);
        CHECK(d.actions.empty());
    }
}

TEST_CASE("rollout: a 7960 still asking for files is still booting — no settle between its two "
          "configs") {
    // phone-files.md §7.3: after the .loads a 7960 reads SIPDefault.cnf and then its own
    // SIP<MAC>.cnf, whose image_version it also obeys. A boot slow between them (a loaded TFTP
    // server, retries) must not be taken as settled at .loads + settle_after: step 2's
    // SIP<MAC>.cnf would go in before the phone reads step 1's, and it would flash step 2 on
    // the strength of a SEP file of step 1 (seen in e2e.rollout under CI load).
    const StepSpec first = sip7960_step("8-11-00");
    const StepSpec second = sip7960_step("8-12-00");
    Driver d(machine(phone_7960("P0S3-8-11-00", {first, second}), with_kick()), at(0));
    PhoneLog log(kMac7960, "10.10.10.20", 3);
    log.rrq("CTLSEP" + kMac7960.hex() + ".tlv").nak().config().rrq(first.loads_file);
    log.rrq("SIPDefault.cnf", 20).rrq("./" + kMac7960.sip_config_file_name(), 20);
    log.rrq("RINGLIST.DAT");
    const std::int64_t ring_list_at = log.now();
    log.rrq("dialplan.xml");
    d.play(log.events());
    REQUIRE(d.path() == std::vector<State>{State::Settled, State::Waiting});
    const Transition& settled = d.transitions.front();
    CHECK(settled.time_us == ring_list_at);
    CHECK(contains(settled.reason, "went on to RINGLIST.DAT"));
    CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}, {Kind::Kick, 2}});

    SUBCASE("the request of SIP<MAC>.cnf itself settles nothing") {
        // tftpd-hpa logs the RRQ before it opens the file: step 2's SIP<MAC>.cnf written on
        // that line could be the one this boot gets (seen in e2e.rollout under load).
        Driver r(machine(phone_7960("P0S3-8-11-00", {first, second}), with_kick()), at(0));
        PhoneLog boot(kMac7960, "10.10.10.20", 3);
        boot.config().rrq(first.loads_file).rrq("SIPDefault.cnf");
        boot.rrq("./" + kMac7960.sip_config_file_name());
        r.play(boot.events());
        CHECK(r.transitions.empty());
        CHECK(r.actions.empty());
        CHECK(r.machine.next_deadline(r.status) == boot.now() + 30 * kSecond);
    }

    SUBCASE("quiet for settle_after after its last request, it settles by time from there") {
        Driver q(machine(phone_7960("P0S3-8-11-00", {first, second})), at(0));
        PhoneLog quiet(kMac7960, "10.10.10.20", 3);
        quiet.config().rrq(first.loads_file).rrq("SIPDefault.cnf", 20);
        q.play(quiet.events());
        CHECK(q.machine.next_deadline(q.status) == quiet.now() + 30 * kSecond);
        q.tick(quiet.now() + 31 * kSecond);
        REQUIRE_FALSE(q.transitions.empty());
        CHECK(q.transitions.front().to == State::Settled);
        CHECK(q.transitions.front().time_us == quiet.now() + 30 * kSecond);
        CHECK(contains(q.transitions.front().reason, "within 30 s"));
    }
}

// ---- --advance on-download ---------------------------------------------------------------

namespace {
MachineOptions on_download(bool kick = true, bool confirm = false) {
    MachineOptions options;
    options.advance = MachineOptions::Advance::OnDownload;
    options.kick = kick;
    options.confirm = confirm;
    return options;
}
} // namespace

TEST_CASE("rollout: on-download — a two-step walk with a single reset at the start") {
    Driver d(machine(two_step_7941(), on_download()), at(0));
    PhoneLog log(kMac7941, "10.10.10.10", 5);
    log.java_trust().config().fetch(bridge_852());
    d.play(log.events());
    // The last component (cvm41sccp…) asked for: step 2 goes in at once, and no kick.
    CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}});
    CHECK(d.path() == std::vector<State>{State::Fetching, State::Waiting});
    CHECK(d.status.step == 2);
    CHECK(d.status.advanced_early_from == 1);
    CHECK(d.status.since_us == log.now());
    CHECK(contains(d.status.reason, "advanced early from step 1"));

    // It flashes, reboots into 8.5(2), reads step 2's config and walks on.
    PhoneLog log2(kMac7941, "10.10.10.10", (log.now() - kBase) / kSecond + 45);
    log2.java_boot_flash(target_942());
    d.play(log2.events());
    // The last component of the LAST step writes nothing: it settles as usual.
    CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}});
    PhoneLog log3(kMac7941, "10.10.10.10", (log2.now() - kBase) / kSecond);
    log3.java_boot_sip_stays();
    d.play(log3.events());
    CHECK(d.status.state == State::Done);
    CHECK(d.path() ==
          std::vector<State>{State::Fetching, State::Waiting, State::Fetching, State::Done});
    CHECK(d.count(Kind::Kick) == 0);
}

TEST_CASE(
    "rollout: on-download — a phone that asks for step k's .loads again is put back and marked") {
    Driver d(machine(two_step_7941(), on_download()), at(0));
    PhoneLog log(kMac7941, "10.10.10.10", 5);
    log.java_trust().config().fetch(bridge_852()).after(45);
    // The flash did not take: on its old load it asks for the bridge's .loads again.
    log.java_trust().config().rrq("SCCP41.8-5-2S.loads");
    d.play(log.events());
    CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}, {Kind::RestoreStep, 1}});
    CHECK(d.status.step == 1);
    CHECK(d.status.state == State::Waiting);
    CHECK(d.status.put_back);
    CHECK(d.status.advanced_early_from == 0);
    CHECK(contains(d.status.reason, "back in place of step 2's"));
    bool said_why = false;
    for (const Transition& t : d.transitions)
        said_why = said_why || contains(t.reason, "asked for SCCP41.8-5-2S.loads (step 1) again");
    CHECK(said_why);

    // It downloads the bridge again: marked, it now advances only on settle (with the kick).
    PhoneLog log2(kMac7941, "10.10.10.10", (log.now() - kBase) / kSecond);
    for (const std::string& component : bridge_852().components)
        log2.rrq(component, 3);
    log2.after(45).java_boot_sccp_stays();
    d.play(log2.events());
    CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}, {Kind::RestoreStep, 1}});
    d.tick(log2.now() + 31 * kSecond);
    CHECK(d.actions ==
          std::vector<Action>{
              {Kind::WriteStep, 2}, {Kind::RestoreStep, 1}, {Kind::WriteStep, 2}, {Kind::Kick, 2}});
    CHECK(d.status.step == 2);
    CHECK(d.status.state == State::Waiting);
    CHECK(d.status.advanced_early_from == 0);
}

TEST_CASE(
    "rollout: on-download — a confirmation at the first config request decides whether it stays") {
    SUBCASE("it runs the bridge: it carries on") {
        Driver d(machine(two_step_7941(), on_download(true, true)), at(0));
        d.confirm = [](const PhoneStatus&) { return ConfirmAnswer{"SCCP41.8-5-2S", {}}; };
        PhoneLog log(kMac7941, "10.10.10.10", 5);
        log.java_boot_flash(bridge_852()).java_trust().config().rrq("SIP41.9-4-2SR3-1S.loads");
        d.play(log.events());
        CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}, {Kind::Confirm, 2}});
        CHECK(d.status.step == 2);
        CHECK(d.status.state == State::Fetching);
        CHECK(d.status.load_evidence == LoadEvidence::Confirmed);
        CHECK(d.status.load == "SCCP41.8-5-2S");
    }
    SUBCASE("it still runs the old load: step 1 is put back") {
        Driver d(machine(two_step_7941(), on_download(true, true)), at(0));
        d.confirm = [](const PhoneStatus&) { return ConfirmAnswer{"SCCP41.8-3-1S", {}}; };
        PhoneLog log(kMac7941, "10.10.10.10", 5);
        log.java_boot_flash(bridge_852()).java_trust().config();
        d.play(log.events());
        CHECK(d.actions == std::vector<Action>{
                               {Kind::WriteStep, 2}, {Kind::Confirm, 2}, {Kind::RestoreStep, 1}});
        CHECK(d.status.step == 1);
        CHECK(d.status.state == State::Waiting);
        CHECK(d.status.put_back);
        CHECK(d.status.load == "SCCP41.8-3-1S");
        bool said_why = false;
        for (const Transition& t : d.transitions)
            said_why = said_why ||
                       contains(t.reason,
                                "the phone says it runs SCCP41.8-3-1S, not step 1's SCCP41.8-5-2S");
        CHECK(said_why);
    }
    SUBCASE("a refusal on step 2 after the early advance puts step 1 back [inference]") {
        Driver d(machine(two_step_7941(), on_download(false)), at(0));
        PhoneLog log(kMac7941, "10.10.10.10", 5);
        log.java_boot_flash(bridge_852());
        for (int boot = 0; boot < 3; ++boot)
            log.java_trust().config().rrq("SIP41.9-4-2SR3-1S.loads").after(20);
        d.play(log.events());
        CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}, {Kind::RestoreStep, 1}});
        CHECK(d.status.step == 1);
        CHECK(d.status.state == State::Waiting);
        CHECK(d.path() == std::vector<State>{State::Fetching, State::Waiting, State::Fetching,
                                             State::Refused, State::Waiting});
    }
}

TEST_CASE("rollout: on-download — a NAK for step k's last component after the early write puts "
          "step k back, failed") {
    Driver d(machine(two_step_7941(), on_download()), at(0));
    PhoneLog log(kMac7941, "10.10.10.10", 5);
    log.java_trust().config().fetch(bridge_852()).nak(); // cvm41sccp… is not in the root
    d.play(log.events());
    CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}, {Kind::RestoreStep, 1}});
    CHECK(d.status.state == State::Failed);
    CHECK(d.status.step == 1);
    CHECK(d.status.put_back);
    CHECK(contains(d.status.reason, "the TFTP server has no cvm41sccp.8-5-2TH1-9.sbn"));
    CHECK(contains(d.status.reason, "back in place of step 2's"));
    CHECK(d.path() ==
          std::vector<State>{State::Fetching, State::Waiting, State::Failed, State::Failed});
}

TEST_CASE(
    "rollout: a config write that fails holds the phone — an early one falls back to on-settle") {
    SUBCASE("advance on settle") {
        const PhoneMachine m = machine(two_step_7941(), with_kick());
        PhoneStatus status = m.initial(at(0));
        PhoneLog log(kMac7941, "10.10.10.10", 5);
        log.java_trust().config().rrq("dialplan.xml");
        StepResult result;
        for (const TftpEvent& event : log.events()) {
            result = m.apply(status, event);
            status = result.status;
        }
        REQUIRE(result.actions == std::vector<Action>{{Kind::WriteStep, 2}});
        result =
            m.apply(status, WriteFailed{2, "SEP008041AEFD7E.cnf.xml: No space left on device"});
        status = result.status;
        CHECK(result.actions.empty());
        CHECK(status.state == State::Settled);
        CHECK(status.step == 1);
        CHECK(status.held);
        CHECK(contains(status.reason, "No space left on device"));
        CHECK(contains(status.reason, "nothing changed in the TFTP root"));
        result = m.apply(status, Command{Command::Kind::Retry, at(100)});
        CHECK(result.actions == std::vector<Action>{{Kind::WriteStep, 2}});
        CHECK_FALSE(result.status.held);
    }
    SUBCASE("an early write that fails, or finds no wave slot") {
        for (bool deferred : {false, true}) {
            CAPTURE(deferred);
            const PhoneMachine m = machine(two_step_7941(), on_download());
            PhoneStatus status = m.initial(at(0));
            PhoneLog log(kMac7941, "10.10.10.10", 5);
            log.java_trust().config().fetch(bridge_852());
            StepResult result;
            for (const TftpEvent& event : log.events()) {
                result = m.apply(status, event);
                status = result.status;
            }
            REQUIRE(result.actions == std::vector<Action>{{Kind::WriteStep, 2}});
            result = deferred ? m.apply(status, WriteDeferred{2})
                              : m.apply(status, WriteFailed{2, "read-only file system"});
            status = result.status;
            CHECK(result.actions.empty());
            CHECK(status.pending == Pending::None);
            CHECK_FALSE(status.held);
            CHECK(contains(status.reason, "advances once it settles"));
            // It reboots on the bridge and settles: the ordinary advance comes then.
            PhoneLog boot(kMac7941, "10.10.10.10", (log.now() - kBase) / kSecond + 45);
            boot.java_trust().config().rrq("United_States/g3-tones.xml");
            for (const TftpEvent& event : boot.events()) {
                result = m.apply(status, event);
                status = result.status;
            }
            CHECK(result.actions == std::vector<Action>{{Kind::WriteStep, 2}});
            CHECK(status.state == State::Settled);
            CHECK(status.pending == Pending::Write);
        }
    }
}

// ---- --confirm http ----------------------------------------------------------------------

TEST_CASE("rollout: confirm — the phone's word agreeing advances it, disagreeing keeps it") {
    MachineOptions options = with_kick();
    options.confirm = true;
    SUBCASE("agreeing") {
        Driver d(machine(two_step_7941(), options), at(0));
        PhoneLog log(kMac7941, "10.10.10.10", 5);
        log.java_boot_flash(bridge_852()).java_boot_sccp_stays();
        d.play(log.events());
        d.tick(log.now() + 31 * kSecond);
        CHECK(d.actions ==
              std::vector<Action>{{Kind::Confirm, 1}, {Kind::WriteStep, 2}, {Kind::Kick, 2}});
        CHECK(d.status.step == 2);
        CHECK(d.status.load_evidence == LoadEvidence::Confirmed);
        // On the last step the settle waits for the phone's word too, then done.
        PhoneLog log2(kMac7941, "10.10.10.10", (log.now() - kBase) / kSecond + 40);
        log2.java_boot_flash(target_942()).java_boot_sip_stays();
        d.play(log2.events());
        CHECK(d.actions ==
              std::vector<Action>{
                  {Kind::Confirm, 1}, {Kind::WriteStep, 2}, {Kind::Kick, 2}, {Kind::Confirm, 2}});
        CHECK(d.path() == std::vector<State>{State::Fetching, State::Settled, State::Waiting,
                                             State::Fetching, State::Settled, State::Done});
        CHECK(d.status.load == "SIP41.9-4-2SR3-1S");
        CHECK(d.status.load_evidence == LoadEvidence::Confirmed);
        CHECK(contains(d.status.reason, "the phone says it runs SIP41.9-4-2SR3-1S, the target"));
    }
    SUBCASE("disagreeing") {
        Driver d(machine(two_step_7941(), options), at(0));
        d.confirm = [](const PhoneStatus&) { return ConfirmAnswer{"sccp41.8-3-1s", {}}; };
        PhoneLog log(kMac7941, "10.10.10.10", 5);
        log.java_trust().config();
        d.play(log.events());
        d.tick(log.now() + 31 * kSecond);
        CHECK(d.actions == std::vector<Action>{{Kind::Confirm, 1}});
        CHECK(d.path() == std::vector<State>{State::Settled, State::Waiting});
        CHECK(d.status.step == 1);
        CHECK(d.status.load == "sccp41.8-3-1s");
        CHECK(d.status.load_evidence == LoadEvidence::Confirmed);
        CHECK(contains(d.status.reason,
                       "says it runs sccp41.8-3-1s, not SCCP41.8-5-2S: not advanced"));
        CHECK_FALSE(d.status.settle_clock_us.has_value()); // no second settle on the same read
    }
    SUBCASE("no answer: asked again settle_after apart, three times at most") {
        Driver d(machine(two_step_7941(), options), at(0));
        d.confirm = [](const PhoneStatus&) {
            return ConfirmAnswer{std::nullopt, "timed out after 5 s"};
        };
        PhoneLog log(kMac7941, "10.10.10.10", 5);
        log.java_boot_sip_stays(); // (an odd config for a bridge, but it settles at once)
        d.play(log.events());
        CHECK(d.actions == std::vector<Action>{{Kind::Confirm, 1}});
        CHECK(d.status.state == State::Settled);
        CHECK(contains(d.status.reason,
                       "did not say what it runs (timed out after 5 s); asking again in 30 s"));
        // Settled at mk-sip.jar, a second before the dial plan: asked again 30 s after that.
        CHECK(d.machine.next_deadline(d.status) == log.now() + 29 * kSecond);
        d.tick(log.now() + 100 * kSecond);
        d.tick(log.now() + 200 * kSecond);
        d.tick(log.now() + 300 * kSecond);
        CHECK(d.actions ==
              std::vector<Action>{{Kind::Confirm, 1}, {Kind::Confirm, 1}, {Kind::Confirm, 1}});
        CHECK(d.status.confirm_attempts == kMaxConfirmAttempts);
        CHECK_FALSE(d.machine.next_deadline(d.status).has_value());
        CHECK(contains(d.status.reason, "<webAccess>0</webAccess>"));
        // A person decides: advance without its word.
        d.command(Command::Kind::Advance, log.now() + 400 * kSecond);
        CHECK(d.actions.back() == Action{Kind::Kick, 2});
        CHECK(d.status.step == 2);
    }
    SUBCASE("a 7960 with confirm: no 'TFTP evidence alone'") {
        const StepSpec step = sip7960_step("8-12-00");
        Driver d(machine(phone_7960("P0S3-8-11-00", {step}), options), at(0));
        PhoneLog log(kMac7960, "10.10.10.20", 3);
        log.boot_7960_stays(step);
        d.play(log.events());
        CHECK(d.actions == std::vector<Action>{{Kind::Confirm, 1}});
        CHECK(d.status.state == State::Done);
        for (const Transition& t : d.transitions)
            CHECK_FALSE(contains(t.reason, "TFTP evidence alone"));
    }
}

// ---- a person's commands -----------------------------------------------------------------

TEST_CASE("rollout: hold, retry, advance and abort") {
    SUBCASE("a held phone settles but is not advanced until retry") {
        Driver d(machine(two_step_7941(), with_kick()), at(0));
        d.command(Command::Kind::Hold, at(1));
        CHECK(d.status.held);
        CHECK(d.transitions.size() == 1);
        CHECK(d.transitions.back().from == State::Waiting);
        CHECK(d.transitions.back().to == State::Waiting);
        PhoneLog log(kMac7941, "10.10.10.10", 5);
        log.java_boot_flash(bridge_852()).java_boot_sccp_stays();
        d.play(log.events());
        d.tick(log.now() + 4000 * kSecond);
        CHECK(d.status.state == State::Settled);
        CHECK(contains(d.status.reason, "held: no automatic action"));
        CHECK(d.actions.empty());
        d.command(Command::Kind::Retry, log.now() + 4100 * kSecond);
        CHECK_FALSE(d.status.held);
        CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}, {Kind::Kick, 2}});
        CHECK(d.status.step == 2);
    }
    SUBCASE("held on-download phones are not advanced early") {
        Driver d(machine(two_step_7941(), on_download()), at(0));
        d.command(Command::Kind::Hold, at(1));
        PhoneLog log(kMac7941, "10.10.10.10", 5);
        log.java_trust().config().fetch(bridge_852());
        d.play(log.events());
        CHECK(d.actions.empty());
        CHECK(d.status.step == 1);
    }
    SUBCASE("advance writes the next step now; on the last step it marks the phone done") {
        Driver d(machine(two_step_7941(), with_kick()), at(0));
        d.command(Command::Kind::Advance, at(10));
        CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}, {Kind::Kick, 2}});
        CHECK(d.status.step == 2);
        CHECK(contains(d.transitions.front().reason,
                       "advanced by hand: writing step 2's config (SIP41.9-4-2SR3-1S)"));
        d.command(Command::Kind::Advance, at(20));
        CHECK(d.status.state == State::Done);
        CHECK(d.status.load == "SIP41.9-4-2SR3-1S");
        CHECK(d.status.load_evidence == LoadEvidence::Manual);
        const std::size_t before = d.transitions.size();
        d.command(Command::Kind::Advance, at(30)); // nothing left to advance
        CHECK(d.transitions.size() == before);
        CHECK(d.actions.size() == 2);
    }
    SUBCASE("abort is terminal: nothing changes afterwards") {
        Driver d(machine(two_step_7941(), with_kick()), at(0));
        d.command(Command::Kind::Abort, at(10));
        CHECK(d.status.aborted);
        CHECK(contains(d.status.reason, "aborted"));
        const PhoneStatus frozen = d.status;
        PhoneLog log(kMac7941, "10.10.10.10", 20);
        log.java_boot_flash(bridge_852()).java_boot_sccp_stays();
        d.play(log.events());
        d.tick(log.now() + 9000 * kSecond);
        d.command(Command::Kind::Retry, log.now() + 9100 * kSecond);
        d.command(Command::Kind::Advance, log.now() + 9200 * kSecond);
        CHECK(d.status == frozen);
        CHECK(d.actions.empty());
        CHECK(d.transitions.size() == 1);
    }
    SUBCASE("retry on a walking phone changes nothing; hold twice records once") {
        Driver d(machine(two_step_7941(), with_kick()), at(0));
        d.command(Command::Kind::Retry, at(1));
        CHECK(d.transitions.empty());
        d.command(Command::Kind::Hold, at(2));
        d.command(Command::Kind::Hold, at(3));
        CHECK(d.transitions.size() == 1);
        d.command(Command::Kind::Retry, at(4));
        CHECK(d.transitions.size() == 2);
        CHECK(contains(d.status.reason, "released by hand"));
    }
}

// ---- waves -------------------------------------------------------------------------------

TEST_CASE("rollout: waves — a deferred advance waits in settled for a slot") {
    Driver d(machine(two_step_7941(), with_kick()), at(0));
    d.defer_writes = true;
    PhoneLog log(kMac7941, "10.10.10.10", 5);
    log.java_boot_flash(bridge_852()).java_boot_sccp_stays();
    d.play(log.events());
    d.tick(log.now() + 31 * kSecond);
    CHECK(d.actions == std::vector<Action>{{Kind::WriteStep, 2}});
    CHECK(d.status.state == State::Settled);
    CHECK(d.status.pending == Pending::Slot);
    CHECK(contains(d.status.reason, "waiting for a wave slot"));
    CHECK_FALSE(d.machine.next_deadline(d.status).has_value()); // settled never becomes stuck
    d.defer_writes = false;
    d.feed(SlotGranted{log.now() + 600 * kSecond});
    CHECK(d.actions ==
          std::vector<Action>{{Kind::WriteStep, 2}, {Kind::WriteStep, 2}, {Kind::Kick, 2}});
    CHECK(d.status.step == 2);
    CHECK(d.status.since_us == log.now() + 600 * kSecond);
    // A second grant, or a grant to a phone that does not wait, does nothing.
    const std::size_t before = d.transitions.size();
    d.feed(SlotGranted{log.now() + 700 * kSecond});
    CHECK(d.transitions.size() == before);
    CHECK(d.actions.size() == 3);
}

// ---- replays, duplicates, restarts -------------------------------------------------------

namespace {
// The whole two-step walk of the first test, as one log.
std::vector<TftpEvent> two_step_log(const MacAddress& address, const std::string& ip,
                                    std::int64_t start_s, std::int64_t* end = nullptr) {
    PhoneLog log(address, ip, start_s);
    log.java_boot_flash(bridge_852()).java_boot_sccp_stays();
    log.after(40).java_boot_flash(target_942()).java_boot_sip_stays();
    if (end)
        *end = log.now();
    return log.events();
}
} // namespace

TEST_CASE("rollout: replaying the same log changes nothing and kicks no second time") {
    std::int64_t end = 0;
    const std::vector<TftpEvent> events = two_step_log(kMac7941, "10.10.10.10", 5, &end);
    Driver d(machine(two_step_7941(), with_kick()), at(0));
    d.play(events);
    REQUIRE(d.status.state == State::Done);
    REQUIRE(d.actions == std::vector<Action>{{Kind::WriteStep, 2}, {Kind::Kick, 2}});
    const PhoneStatus done = d.status;
    const std::size_t transitions = d.transitions.size();

    d.play(events); // the follower restarted from the start of the file
    CHECK(d.status == done);
    CHECK(d.transitions.size() == transitions);
    CHECK(d.actions.size() == 2);

    SUBCASE("replayed outcomes are stale and change nothing") {
        for (const Input& outcome : std::vector<Input>{
                 ConfigWritten{2}, ConfigWritten{1}, KickDone{true, {}},
                 KickDone{false, "exit status 1"}, ConfirmAnswer{"SCCP41.8-3-1S", {}},
                 WriteFailed{2, "disk full"}, WriteDeferred{2}, SlotGranted{end}}) {
            StepResult result = d.machine.apply(d.status, outcome);
            CHECK(result.status == done);
            CHECK(result.actions.empty());
            CHECK(result.transitions.empty());
        }
    }
}

TEST_CASE("rollout: replaying from the middle gives the same end as one pass") {
    std::int64_t end = 0;
    const std::vector<TftpEvent> events = two_step_log(kMac7941, "10.10.10.10", 5, &end);
    Driver once(machine(two_step_7941(), with_kick()), at(0));
    once.play(events);

    // Stop halfway (after the kick), start again from the top, then read on.
    Driver twice(machine(two_step_7941(), with_kick()), at(0));
    const std::size_t half = events.size() / 2 + 5;
    const std::vector<TftpEvent> first(events.begin(), events.begin() + static_cast<long>(half));
    twice.play(first);
    REQUIRE(twice.status.step == 2);
    twice.play(first);
    twice.play(std::vector<TftpEvent>(events.begin() + static_cast<long>(half), events.end()));
    CHECK(twice.status == once.status);
    CHECK(twice.transitions == once.transitions);
    CHECK(twice.actions == once.actions);
}

TEST_CASE("rollout: one line twice at the same log time counts once — distinct lines of one second "
          "all count") {
    Driver d(machine(phone_7941("SCCP41.8-5-4S", {target_942()})), at(0));
    PhoneLog log(kMac7941, "10.10.10.12", 3);
    log.java_trust().config().rrq("SIP41.9-4-2SR3-1S.loads");
    d.play(log.events());
    d.feed(log.events().back()); // an RRQ retransmitted within the same second
    d.feed(log.events().back());
    CHECK(d.status.loads_requests == 1);
    CHECK(d.status.state == State::Fetching);
    // The CTLSEP, ITLSEP, ITLFile.tlv requests and NAKs of one second are all distinct.
    CHECK(d.status.seen_at_last_event.size() == 1);
    CHECK(d.status.ip == "10.10.10.12");
}

TEST_CASE("rollout: after a crash the action in flight is carried out first — inputs wait for it") {
    const PhoneMachine m = machine(two_step_7941(), with_kick());
    PhoneStatus status = m.initial(at(0));
    PhoneLog log(kMac7941, "10.10.10.10", 5);
    log.java_trust().config();
    for (const TftpEvent& event : log.events())
        status = m.apply(status, event).status;
    StepResult settled = m.apply(status, Tick{log.now() + 31 * kSecond});
    REQUIRE(settled.actions == std::vector<Action>{{Kind::WriteStep, 2}});
    status = settled.status; // stored; the process is killed before the write
    CHECK(m.outstanding(status) == std::vector<Action>{{Kind::WriteStep, 2}});
    CHECK_FALSE(m.next_deadline(status).has_value());

    // A new line arrives before the driver did the write: not applied, the write comes first.
    PhoneLog later(kMac7941, "10.10.10.10", (log.now() - kBase) / kSecond + 60);
    later.java_trust();
    StepResult waiting = m.apply(status, later.events().front());
    CHECK_FALSE(waiting.input_applied);
    CHECK(waiting.actions == std::vector<Action>{{Kind::WriteStep, 2}});
    CHECK(waiting.status == status);
    CHECK(waiting.transitions.empty());
    StepResult hold = m.apply(status, Command{Command::Kind::Hold, at(999)});
    CHECK_FALSE(hold.input_applied);

    StepResult written = m.apply(status, ConfigWritten{2});
    CHECK(written.actions == std::vector<Action>{{Kind::Kick, 2}});
    CHECK(m.outstanding(written.status) == std::vector<Action>{{Kind::Kick, 2}});
    StepResult kicked = m.apply(written.status, KickDone{true, {}});
    CHECK(kicked.actions.empty());
    CHECK(m.outstanding(kicked.status).empty());
    StepResult applied = m.apply(kicked.status, later.events().front());
    CHECK(applied.input_applied);
}

TEST_CASE("rollout: an event past a due deadline lets the deadline act first, at its own time") {
    // Only this phone's lines: the next line after a settle deadline is its own reboot.
    const PhoneMachine m = machine(two_step_7941(), with_kick());
    PhoneStatus status = m.initial(at(0));
    PhoneLog log(kMac7941, "10.10.10.10", 5);
    log.java_trust().config();
    for (const TftpEvent& event : log.events())
        status = m.apply(status, event).status;
    const std::int64_t deadline = log.now() + 30 * kSecond;
    PhoneLog later(kMac7941, "10.10.10.10", (log.now() - kBase) / kSecond + 50);
    later.java_trust();
    StepResult first = m.apply(status, later.events().front());
    CHECK_FALSE(first.input_applied);
    CHECK(first.actions == std::vector<Action>{{Kind::WriteStep, 2}});
    REQUIRE(first.transitions.size() == 1);
    CHECK(first.transitions[0].to == State::Settled);
    CHECK(first.transitions[0].time_us == deadline);
    CHECK(first.status.last_event_us == log.now()); // the new line is not taken yet
}

// ---- TFTP servers that log completions ---------------------------------------------------

TEST_CASE("rollout: dnsmasq's `sent` lines alone walk the phone — tftpd-hpa's `finished` lines are "
          "not counted twice") {
    SUBCASE("dnsmasq: completions only") {
        Driver d(machine(phone_7941("SCCP41.8-5-2S", {target_942()})), at(0));
        PhoneLog log(kMac7941, "10.10.10.10", 3);
        log.sent(kMac7941.sep_config_file_name()).sent("SIP41.9-4-2SR3-1S.loads");
        for (const std::string& component : target_942().components)
            log.sent(component, 4);
        log.after(45).sent(kMac7941.sep_config_file_name()).sent("dialplan.xml");
        d.play(log.events());
        CHECK(d.path() == std::vector<State>{State::Fetching, State::Done});
        CHECK(d.status.ip == "10.10.10.10");
    }
    SUBCASE("patched tftpd-hpa: RRQ then `Client … finished …`") {
        MachineOptions options;
        options.refuse_after = 2;
        Driver d(machine(phone_7941("SCCP41.8-5-2S", {target_942()}), options), at(0));
        PhoneLog log(kMac7941, "10.10.10.10", 3);
        log.config().sent(kMac7941.sep_config_file_name(), 0);
        log.rrq("SIP41.9-4-2SR3-1S.loads").sent("SIP41.9-4-2SR3-1S.loads", 0);
        d.play(log.events());
        CHECK(d.status.loads_requests == 1);
        CHECK(d.status.state == State::Fetching);
    }
}

TEST_CASE(
    "rollout: the IP is learned from the SEP request and follows the phone when DHCP moves it") {
    Driver d(machine(two_step_7941(), with_kick()), at(0));
    PhoneLog log(kMac7941, "10.10.10.10", 3);
    log.java_trust();
    d.play(log.events());
    CHECK(d.status.ip == "10.10.10.10"); // CTLSEP<MAC>.tlv names the phone too
    PhoneLog moved(kMac7941, "10.10.10.77", 60);
    moved.config();
    d.play(moved.events());
    CHECK(d.status.ip == "10.10.10.77");
    PhoneLog other(kMac7941, "10.10.10.99", 70);
    other.rrq("dialplan.xml"); // not a file that names the phone: the IP stays
    d.play(other.events());
    CHECK(d.status.ip == "10.10.10.77");
}

// ---- property: interleaving two phones changes nothing for either ------------------------

namespace {

// One timed input of one phone's own history: a log line or a person's command.
struct Timed {
    std::int64_t time_us = 0;
    Input input;
};

std::vector<Timed> timed(const std::vector<TftpEvent>& events) {
    std::vector<Timed> out;
    for (const TftpEvent& event : events)
        out.push_back({event.time_us, event});
    return out;
}

// The phone's own word in these runs: a function of its status only, so it is the same
// whichever other lines came in between.
ConfirmAnswer word_of(const PhoneMachine& m, const PhoneStatus& s) {
    if (s.components_seen % 3 == 2)
        return {std::nullopt, "timed out"};
    if (s.components_seen % 3 == 1)
        return {m.spec().from.str(), {}};
    return {m.spec().steps[s.step - 1].load.str(), {}};
}

Driver make_driver(const PhoneMachine& m) {
    Driver d(m, at(0));
    d.confirm = [m](const PhoneStatus& s) { return word_of(m, s); };
    return d;
}

// Each phone alone, then both merged in time order (ties broken at random, each phone's own
// order kept), every line ticking the other phone as a naive follower would; then both ticked
// at the same final time. Each phone must end the same, with the same record and actions.
void check_interleavings(const PhoneMachine& a, const std::vector<Timed>& a_inputs,
                         const PhoneMachine& b, const std::vector<Timed>& b_inputs,
                         std::mt19937& random) {
    std::int64_t end = at(0);
    for (const auto* inputs : {&a_inputs, &b_inputs})
        for (const Timed& t : *inputs)
            end = std::max(end, t.time_us);
    end += 20'000 * kSecond;

    Driver a_alone = make_driver(a);
    Driver b_alone = make_driver(b);
    for (const Timed& t : a_inputs)
        a_alone.feed(t.input);
    for (const Timed& t : b_inputs)
        b_alone.feed(t.input);
    a_alone.tick(end);
    b_alone.tick(end);

    Driver a_merged = make_driver(a);
    Driver b_merged = make_driver(b);
    std::size_t i = 0;
    std::size_t j = 0;
    std::bernoulli_distribution coin;
    while (i < a_inputs.size() || j < b_inputs.size()) {
        bool take_a = j == b_inputs.size();
        if (i < a_inputs.size() && j < b_inputs.size()) {
            const std::int64_t ta = a_inputs[i].time_us;
            const std::int64_t tb = b_inputs[j].time_us;
            take_a = ta < tb || (ta == tb && coin(random));
        }
        if (take_a) {
            b_merged.tick(a_inputs[i].time_us);
            a_merged.feed(a_inputs[i++].input);
        } else {
            a_merged.tick(b_inputs[j].time_us);
            b_merged.feed(b_inputs[j++].input);
        }
    }
    a_merged.tick(end);
    b_merged.tick(end);

    CHECK(a_merged.status == a_alone.status);
    CHECK(a_merged.transitions == a_alone.transitions);
    CHECK(a_merged.actions == a_alone.actions);
    CHECK(b_merged.status == b_alone.status);
    CHECK(b_merged.transitions == b_alone.transitions);
    CHECK(b_merged.actions == b_alone.actions);
}

// A random history of one phone: files of its walk and others, in every kind, with gaps from
// none to longer than stuck_after, and now and then a person's command.
std::vector<Timed> random_history(const PhoneSpec& phone, const std::string& ip,
                                  std::mt19937& random) {
    std::vector<std::string> files = {phone.mac.sep_config_file_name(),
                                      "CTLSEP" + phone.mac.hex() + ".tlv",
                                      "ITLFile.tlv",
                                      "XMLDefault.cnf.xml",
                                      "dialplan.xml",
                                      "/mk-sip.jar",
                                      "SIPDefault.cnf",
                                      phone.mac.sip_config_file_name(),
                                      "RINGLIST.DAT",
                                      "Desktops/320x212x12/List.xml"};
    for (const StepSpec& step : phone.steps) {
        files.push_back(step.loads_file);
        files.insert(files.end(), step.components.begin(), step.components.end());
        files.insert(files.end(), step.term_files.begin(), step.term_files.end());
    }
    std::uniform_int_distribution<std::size_t> pick_file(0, files.size() - 1);
    std::uniform_int_distribution<int> percent(0, 99);
    std::uniform_int_distribution<std::int64_t> gap(0, 40);
    std::uniform_int_distribution<int> length(20, 140);
    std::vector<Timed> history;
    std::int64_t time = at(std::uniform_int_distribution<std::int64_t>(1, 200)(random));
    const int count = length(random);
    for (int n = 0; n < count; ++n) {
        const int roll = percent(random);
        time += (roll < 4 ? 2000 : gap(random)) * kSecond;
        if (roll >= 97) {
            static const Command::Kind kinds[] = {Command::Kind::Hold, Command::Kind::Retry,
                                                  Command::Kind::Advance};
            history.push_back({time, Command{kinds[percent(random) % 3], time}});
            continue;
        }
        TftpEvent event;
        event.time_us = time;
        event.ip = ip;
        event.file = files[pick_file(random)];
        const int kind = percent(random);
        event.kind = kind < 70   ? TftpEventKind::Request
                     : kind < 82 ? TftpEventKind::NotFound
                     : kind < 92 ? TftpEventKind::Completed
                     : kind < 96 ? TftpEventKind::Failed
                                 : TftpEventKind::Refused;
        history.push_back({time, event});
    }
    return history;
}

} // namespace

TEST_CASE("rollout: property — two phones' real-shaped boots interleaved end as each alone") {
    std::mt19937 random(20240413);
    const PhoneMachine a = machine(two_step_7941(kMac7941), with_kick());
    const StepSpec step = sip7960_step("8-12-00");
    const PhoneMachine b = machine(phone_7960("P0S3-8-11-00", {step}), with_kick());
    std::uniform_int_distribution<std::int64_t> offset(-300, 300);
    for (int trial = 0; trial < 100; ++trial) {
        CAPTURE(trial);
        const std::vector<Timed> a_inputs = timed(two_step_log(kMac7941, "10.10.10.10", 5));
        PhoneLog log(kMac7960, "10.10.10.20", 5 + offset(random));
        log.boot_7960_flash(step).after(1900); // silent long enough to be stuck
        log.boot_7960_stays(step);
        check_interleavings(a, a_inputs, b, timed(log.events()), random);
    }
}

TEST_CASE("rollout: property — random histories of two phones interleaved end as each alone") {
    std::mt19937 random(79417960);
    std::uniform_int_distribution<int> percent(0, 99);
    for (int trial = 0; trial < 300; ++trial) {
        CAPTURE(trial);
        MachineOptions options;
        options.kick = percent(random) < 50;
        options.confirm = percent(random) < 40;
        options.refuse_after = percent(random) < 50 ? 3 : 2;
        options.stuck_after_us = (percent(random) < 50 ? 1800 : 300) * kSecond;
        if (percent(random) < 50)
            options.advance = MachineOptions::Advance::OnDownload;
        const PhoneSpec a_spec = two_step_7941(kMac7941);
        const PhoneSpec b_spec =
            percent(random) < 50
                ? two_step_7941(kMac7961)
                : phone_7960("P0S3-8-11-00", {sip7960_step("8-11-00"), sip7960_step("8-12-00")});
        const PhoneMachine a = machine(a_spec, options);
        const PhoneMachine b = machine(b_spec, options);
        // One statement each: the order of a call's arguments differs between compilers.
        const std::vector<Timed> a_history = random_history(a_spec, "10.10.10.10", random);
        const std::vector<Timed> b_history = random_history(b_spec, "10.10.10.11", random);
        check_interleavings(a, a_history, b, b_history, random);
    }
}

// ---- names, checks, file roles -----------------------------------------------------------

TEST_CASE(
    "rollout: every state, evidence, pending and action name parses back — others are refused") {
    for (State state : {State::Waiting, State::Fetching, State::Settled, State::NeedsReset,
                        State::Done, State::Stuck, State::Refused, State::Failed}) {
        auto parsed = parse_phone_state(to_string(state));
        REQUIRE(parsed.ok());
        CHECK(*parsed == state);
    }
    CHECK(to_string(State::NeedsReset) == "needs-reset");
    for (LoadEvidence evidence :
         {LoadEvidence::From, LoadEvidence::Tftp, LoadEvidence::Confirmed, LoadEvidence::Manual})
        CHECK(*parse_load_evidence(to_string(evidence)) == evidence);
    for (Pending pending : {Pending::None, Pending::Write, Pending::EarlyWrite, Pending::Restore,
                            Pending::Kick, Pending::Confirm, Pending::EarlyCheck, Pending::Slot})
        CHECK(*parse_pending(to_string(pending)) == pending);
    for (Kind kind : {Kind::WriteStep, Kind::Kick, Kind::Confirm, Kind::RestoreStep})
        CHECK(*parse_action_kind(to_string(kind)) == kind);
    auto wrong = parse_phone_state("Waiting");
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().code == "fwplan.rollout.bad-name");
    CHECK(contains(wrong.error().hint, "needs-reset"));
}

TEST_CASE("rollout: a phone with no step, or options that make no sense, are refused") {
    PhoneSpec none = two_step_7941();
    none.steps.clear();
    auto no_steps = PhoneMachine::create(none, {});
    REQUIRE_FALSE(no_steps.ok());
    CHECK(no_steps.error().code == "fwplan.rollout.bad-spec");
    PhoneSpec nameless = two_step_7941();
    nameless.steps[1].loads_file.clear();
    CHECK(PhoneMachine::create(nameless, {}).error().message.find("step 2") != std::string::npos);
    MachineOptions options;
    options.refuse_after = 0;
    auto bad = PhoneMachine::create(two_step_7941(), options);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == "fwplan.rollout.bad-options");
    CHECK(bad.error().kind == fwplan::ErrorKind::Usage);
    options = {};
    options.stuck_after_us = 0;
    CHECK_FALSE(PhoneMachine::create(two_step_7941(), options).ok());
}

TEST_CASE("rollout: what each file is to a phone on a step") {
    const PhoneSpec java = two_step_7941();
    const StepSpec& bridge = java.steps[0];
    auto role = [&](const PhoneSpec& phone, const StepSpec& step, const std::string& file,
                    const std::string& remapped = {}) {
        return classify_file(phone, step, file, remapped).role;
    };
    CHECK(role(java, bridge, "SEP008041AEFD7E.cnf.xml") == FileRole::Config);
    CHECK(role(java, bridge, "sep008041aefd7e.cnf.xml") == FileRole::Config);
    CHECK(role(java, bridge, "SEP008041AEFD7E.cnf.xml.sgn") == FileRole::Other);
    CHECK(role(java, bridge, "SEP001B2A893698.cnf.xml") == FileRole::Other); // another phone
    CHECK(role(java, bridge, "CTLSEP008041AEFD7E.tlv") == FileRole::Trust);
    CHECK(role(java, bridge, "ITLFile.tlv") == FileRole::Other);
    CHECK(role(java, bridge, "SCCP41.8-5-2S.loads") == FileRole::Loads);
    CHECK(role(java, bridge, "SIP41.9-4-2SR3-1S.loads") == FileRole::Other); // the next step's
    CHECK(role(java, bridge, "/srv/tftp/term61.default.loads") == FileRole::Term);
    CHECK(role(java, bridge, "CVM41SCCP.8-5-2TH1-9.SBN") == FileRole::Component);
    CHECK(classify_file(java, bridge, "cvm41sccp.8-5-2TH1-9.sbn").component == 4);
    CHECK(role(java, bridge, "English_United_States/mk-sip.jar") == FileRole::AfterConfig);
    CHECK(role(java, bridge, "Russian_Russian_Federation/be-sccp.jar") == FileRole::AfterConfig);
    CHECK(role(java, bridge, "Spain/g3-tones.xml") == FileRole::AfterConfig);
    CHECK(role(java, bridge, "SIPDefault.cnf") == FileRole::Other); // a 7940/7960 file
    CHECK(role(java, bridge, "x.sbn", "firmware/jar41sccp.8-5-2TH1-9.sbn") == FileRole::Component);

    const PhoneSpec p7960 = phone_7960("P0S3-8-11-00", {sip7960_step("8-12-00")});
    const StepSpec& step = p7960.steps[0];
    // Not yet: its own SIP<MAC>.cnf, read next, can still name another image (phone-files.md §6.3),
    // and its request is logged before tftpd-hpa opens it (boot_files.hpp).
    CHECK(role(p7960, step, "SIPDefault.cnf") == FileRole::Other);
    CHECK(role(p7960, step, "./SIP000D2805C4A1.cnf") == FileRole::Other);
    CHECK(role(p7960, step, "RINGLIST.DAT") == FileRole::AfterConfig);
    CHECK(role(p7960, step, "mk-sip.jar") == FileRole::Other);
    CHECK(role(p7960, step, "P003-8-12-00.sbn") == FileRole::Component);
    CHECK(role(p7960, step, "OS79XX.TXT") == FileRole::Other);
}

TEST_CASE("rollout: reasons carry no control characters from the log, and spans read as words") {
    CHECK(clean_text("jar\x1b[31m.sbn\n") == "jar?[31m.sbn?");
    CHECK(clean_text(std::string(500, 'a')).size() == kMaxOutsideText + 3);
    CHECK(duration_words(30 * kSecond) == "30 s");
    CHECK(duration_words(125 * kSecond) == "2 min 5 s");
    CHECK(duration_words(1800 * kSecond) == "30 min");
    CHECK(duration_words(5400 * kSecond) == "1 h 30 min");

    Driver d(machine(phone_7941("SCCP41.8-5-2S", {target_942()})), at(0));
    PhoneLog log(kMac7941, "10.10.10.10", 2);
    log.java_trust().config().rrq("SIP41.9-4-2SR3-1S.loads");
    d.play(log.events());
    TftpEvent hostile = log.events().back();
    hostile.kind = TftpEventKind::NotFound;
    hostile.detail = "1, File not found\x1b]0;owned\x07";
    d.feed(hostile);
    REQUIRE(d.status.state == State::Failed);
    for (char c : d.status.reason)
        CHECK(static_cast<unsigned char>(c) >= 0x20);
}

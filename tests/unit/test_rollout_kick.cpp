// rollout/kick.hpp: a --kick command splits into the words /bin/sh would make of it (for
// quoting only), placeholders go into words and never make more of them, mistakes show when
// the command is parsed, and running it is bounded in time and output, reaped, and never
// takes the process down when the program is missing.
#include "rollout/kick.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

using namespace fwplan::rollout;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using Words = std::vector<std::string>;

Words words_of(std::string_view command) {
    auto parsed = KickCommand::parse(command);
    INFO(command);
    INFO((parsed ? std::string() : parsed.error().describe()));
    REQUIRE(parsed.ok());
    return parsed->words;
}

KickOutcome run(const Words& argv, std::chrono::milliseconds timeout = 5000ms,
                std::chrono::milliseconds grace = kick_kill_grace) {
    auto outcome = run_kick(argv, timeout, grace);
    REQUIRE(outcome.ok());
    return *outcome;
}

// The words /bin/sh makes of `command`, each as [word], through printf.
std::string sh_words(std::string_view command) {
    const KickOutcome outcome =
        run({"/bin/sh", "-c", "printf '[%s]' " + std::string(command)}, 5000ms);
    REQUIRE(outcome.succeeded());
    return outcome.output;
}

std::string bracketed(const Words& words) {
    std::string out;
    for (const std::string& word : words)
        out += "[" + word + "]";
    return out;
}

fs::path scratch_dir() {
    const fs::path dir = fs::path(FWPLAN_TEST_TMPDIR) / "rollout_kick";
    fs::create_directories(dir);
    return dir;
}

// Whether a process is gone (or a zombie waiting for a reaper that is not us).
bool process_gone(long pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line))
        return true;
    const std::size_t close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

} // namespace

TEST_CASE("rollout kick: words split as /bin/sh splits them") {
    const std::vector<std::string> commands = {
        "asterisk -rx 'sip notify cisco-reset SEP008041AEFD7E'",
        "a  b\tc",
        "'it''s'",
        R"("say \"hi\"")",
        R"("back\\slash")",
        R"("keep \n literal")",
        R"(x\ y)",
        R"('a b'"c d"e)",
        R"('' "")",
        "a \"\" b",
        "\"a\\\nb\"",
        "a\\\nb",
        R"("\$HOME")",
        R"('$HOME')",
        R"("it's")",
        R"('"')",
        R"(\')",
        R"(\\)",
        R"('\n')",
        R"(pjsip send notify "cisco-reset" endpoint 620)",
        "sccp reset SEP008041AEFD7E",
    };
    for (const std::string& command : commands) {
        CAPTURE(command);
        CHECK(bracketed(words_of(command)) == sh_words(command));
    }
    // And what those are, so the test does not lean on sh alone.
    CHECK(words_of("'it''s'") == Words{"its"});
    CHECK(words_of(R"("say \"hi\"")") == Words{"say \"hi\""});
    CHECK(words_of(R"("keep \n literal")") == Words{"keep \\n literal"});
    CHECK(words_of(R"('' "")") == Words{"", ""});
    CHECK(words_of("a\\\nb c") == Words{"ab", "c"});
    CHECK(words_of(R"('a b'"c d"e)") == Words{"a bc de"});
}

TEST_CASE("rollout kick: no shell: operators, variables and globs are plain words") {
    CHECK(words_of("a ; b | c && d > e") == Words{"a", ";", "b", "|", "c", "&&", "d", ">", "e"});
    CHECK(words_of("echo $HOME `id` *.xml #no-comment") ==
          Words{"echo", "$HOME", "`id`", "*.xml", "#no-comment"});
    CHECK(words_of("sh -c 'asterisk -rx \"sip notify cisco-reset %n\" && echo done'") ==
          Words{"sh", "-c", "asterisk -rx \"sip notify cisco-reset %n\" && echo done"});
    // Run, they stay words: nothing is expanded, nothing is chained.
    const KickOutcome outcome = run(expand(*KickCommand::parse("printf [%%s] a;b $HOME *"), {}));
    CHECK(outcome.succeeded());
    CHECK(outcome.output == "[a;b][$HOME][*]");
}

TEST_CASE("rollout kick: syntax errors are found when the command is parsed") {
    const std::vector<std::string> bad = {
        "asterisk -rx 'sip notify",
        "asterisk -rx \"sip notify",
        "reset\\",
        "",
        "  \t\n",
        "notify %x",
        "100%",
        "'%q'",
        "a %",
    };
    for (const std::string& command : bad) {
        CAPTURE(command);
        const auto parsed = KickCommand::parse(command);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().code == "fwplan.rollout.kick-syntax");
        CHECK(parsed.error().kind == fwplan::ErrorKind::Usage);
        CHECK_FALSE(parsed.error().hint.empty());
        CHECK_FALSE(validate_kick(command).ok());
    }
    CHECK(KickCommand::parse("asterisk -rx 'sip notify").error().message.find("character 14") !=
          std::string::npos);
    CHECK(KickCommand::parse("notify %x").error().message.find("'%x'") != std::string::npos);
    CHECK(validate_kick("asterisk -rx 'sip notify cisco-reset %n'").ok());
}

TEST_CASE("rollout kick: placeholders go into words, values never make more of them") {
    KickValues values;
    values.mac = "00:80:41:ae:fd:7e";
    values.ip = "10.0.0.5";
    values.load = "SIP41.9-4-2SR3-1S";
    values.sep_file = "SEP008041AEFD7E.cnf.xml";
    values.step = 2;
    const auto command =
        KickCommand::parse("notify %m %i %l %s %n 100%% '%n in quotes' step%s-of-%%s");
    REQUIRE(command.ok());
    CHECK(expand(*command, values) == Words{"notify", "008041AEFD7E", "10.0.0.5",
                                            "SIP41.9-4-2SR3-1S", "2", "SEP008041AEFD7E.cnf.xml",
                                            "100%", "SEP008041AEFD7E.cnf.xml in quotes",
                                            "step2-of-%s"});
    CHECK(expand(*KickCommand::parse("x%m"), KickValues{"0080.41AE.FD7E", "", "", "", 0}) ==
          Words{"x008041AEFD7E"});

    // Hostile values: spaces, quotes, shell syntax. Each stays in its one word, byte for byte,
    // and nothing of it runs.
    const fs::path marker = scratch_dir() / "injection-marker";
    fs::remove(marker);
    KickValues hostile;
    hostile.ip = "10.0.0.5 $(touch " + marker.string() + ")";
    hostile.load = "a'b\"c; touch " + marker.string() + " `touch " + marker.string() + "`";
    hostile.sep_file = "x\ny z";
    const auto printf_words = KickCommand::parse("printf [%%s] %i %l '%n'");
    REQUIRE(printf_words.ok());
    const Words argv = expand(*printf_words, hostile);
    REQUIRE(argv.size() == 5);
    CHECK(argv[2] == hostile.ip);
    CHECK(argv[3] == hostile.load);
    CHECK(argv[4] == hostile.sep_file);
    const KickOutcome outcome = run(argv);
    CHECK(outcome.succeeded());
    CHECK(outcome.output == "[" + hostile.ip + "][" + hostile.load + "][" + hostile.sep_file + "]");
    CHECK_FALSE(fs::exists(marker));
}

TEST_CASE("rollout kick: exit codes, signals, stdin, stdout and stderr together") {
    const KickOutcome ok = run({"true"});
    CHECK(ok.started);
    CHECK(ok.succeeded());
    CHECK(ok.exit_code == 0);
    const KickOutcome three = run({"sh", "-c", "echo out; echo err >&2; exit 3"});
    CHECK(three.started);
    CHECK_FALSE(three.succeeded());
    CHECK(three.exit_code == 3);
    CHECK(three.output == "out\nerr\n");
    const KickOutcome killed = run({"sh", "-c", "kill -KILL $$"});
    CHECK(killed.signal == SIGKILL);
    CHECK_FALSE(killed.succeeded());
    // stdin is /dev/null: cat ends at once instead of waiting for fwplan's terminal.
    const KickOutcome cat = run({"cat"}, 2000ms);
    CHECK(cat.succeeded());
    CHECK_FALSE(cat.timed_out);
    CHECK(cat.output.empty());
}

TEST_CASE("rollout kick: a command past its timeout is stopped with its process group") {
    const auto start = std::chrono::steady_clock::now();
    const KickOutcome slow = run({"sleep", "5"}, 300ms);
    CHECK(slow.started);
    CHECK(slow.timed_out);
    CHECK(slow.signal == SIGTERM);
    CHECK_FALSE(slow.succeeded());
    CHECK(slow.took >= 300ms);
    CHECK(std::chrono::steady_clock::now() - start < 1500ms);

    // What it started goes too: the background sleep is in the same group.
    const KickOutcome group = run({"sh", "-c", "sleep 5 & echo $!; wait"}, 300ms);
    CHECK(group.timed_out);
    const long child = std::stol(group.output);
    bool gone = false;
    for (int i = 0; i < 50 && !gone; ++i) {
        gone = process_gone(child);
        if (!gone)
            std::this_thread::sleep_for(10ms);
    }
    CHECK(gone);

    // One that ignores SIGTERM gets SIGKILL after the grace.
    const KickOutcome stubborn =
        run({"sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"}, 200ms, 200ms);
    CHECK(stubborn.timed_out);
    CHECK(stubborn.signal == SIGKILL);
    CHECK(stubborn.took >= 400ms);
    CHECK(stubborn.took < 1500ms);
    CHECK(stubborn.output == "ready\n");
}

TEST_CASE("rollout kick: output beyond 4 KiB is counted, not kept, and left-overs do not hold it") {
    const KickOutcome big = run({"head", "-c", "10000", "/dev/zero"});
    CHECK(big.succeeded());
    CHECK(big.output.size() == kept_output_bytes);
    CHECK(big.output_dropped == 10000 - kept_output_bytes);
    CHECK(big.output == std::string(kept_output_bytes, '\0'));

    // A process left running keeps the pipe open; the kick is over when its program is.
    const KickOutcome early = run({"sh", "-c", "(sleep 1; echo late) & echo early"}, 5000ms);
    CHECK(early.succeeded());
    CHECK(early.output == "early\n");
    CHECK(early.took < 700ms);
}

TEST_CASE("rollout kick: a program that cannot run is an outcome, not a crash") {
    const KickOutcome missing = run({"fwplan-no-such-program-anywhere", "x"});
    CHECK_FALSE(missing.started);
    CHECK_FALSE(missing.succeeded());
    CHECK(missing.message.find("program not found: fwplan-no-such-program-anywhere") !=
          std::string::npos);
    CHECK(missing.message.find("PATH") != std::string::npos);

    const fs::path script = scratch_dir() / "not-executable";
    std::ofstream(script) << "#!/bin/sh\necho hi\n";
    fs::permissions(script, fs::perms::owner_read | fs::perms::owner_write);
    // No execute bit at all: EACCES, for root too (execve(2)).
    const KickOutcome denied = run({script.string()});
    CHECK_FALSE(denied.started);
    CHECK(denied.message.find("cannot run " + script.string()) != std::string::npos);
    fs::remove(script);

    const KickOutcome empty = run({});
    CHECK_FALSE(empty.started);
    CHECK_FALSE(empty.message.empty());
}

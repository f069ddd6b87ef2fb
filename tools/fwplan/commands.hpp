#pragma once
// One options struct and one run function per subcommand. main.cpp holds the argument
// grammar (CLI11) and fills these; each cmd_*.cpp turns them into library calls and the
// results into text or JSON. No domain logic lives in the CLI.

#include "console.hpp"

#include <optional>
#include <string>
#include <vector>

namespace fwplan::cli {

struct InspectOptions {
    std::vector<std::string> paths;
};

struct PlanOptions {
    std::string model;
    std::string from;
    std::string to;
    std::string to_protocol;
    std::vector<std::string> firmware;
    std::string hw_rev;
    bool allow_community = false; ///< community reports may lift a rule (PlanRequest)
};

struct EmitOptions {
    PlanOptions plan;
    std::string mac;
    std::string fleet;
    std::string template_file;
    std::string out_dir;
    bool force = false;
    std::string dialplan_file; ///< the user's dialplan.xml; empty: an empty one
    bool no_dialplan = false;
    // Filling the built-in template.
    std::string sip_server;
    int sip_port = 5060;
    std::string outbound_proxy;
    std::string ntp_server;
    std::string time_zone;
    std::string line_name;
    std::string auth_name;
    std::string display_name;
    std::string messages_number;
    std::string password_file;
    std::string password_env;
    std::vector<std::string> speed_dials;
};

struct StageOptions {
    std::string tftp_root;
    std::vector<std::string> factory_defaults;
    bool dry_run = false;
    bool force = false;
    bool allow_incomplete = false;
    bool undo = false;
    std::vector<std::string> packages;
};

struct CheckOptions {
    std::string root;
    std::vector<std::string> firmware;
    std::string fleet; ///< inventory CSV: which phone runs what, for reachability findings
    std::string state; ///< a rollout's state: its phones are checked at the loads they run now
};

/// `fwplan rollout ...`: what every rollout subcommand takes, and each one's own options.
struct RolloutOptions {
    std::string action; ///< start, follow, status, advance, hold, retry, abort
    std::string tftp_root;
    std::string state;
    // start
    EmitOptions start; ///< the phone (or --fleet), the target and the configs' options
    unsigned wave = 0;
    // follow
    std::string log;
    std::string format = "auto";
    bool once = false;
    std::string kick;
    unsigned kick_timeout = 30;
    unsigned settle_after = 30;
    unsigned refuse_after = 3;
    unsigned stuck_after = 1800;
    std::string confirm;
    std::string advance = "on-settle";
    std::vector<std::string> server_roots;
    int year = 0;
    // status, advance, hold, retry
    std::string mac;
};

struct GraphOptions {
    std::string model;
    bool all = false;
};

struct CatalogOptions {
    std::string model;
    bool time_zones = false; ///< list the Cisco time zone names instead
};

int run_inspect(const InspectOptions& options, Console& console);
int run_plan(const PlanOptions& options, Console& console);
int run_emit(const EmitOptions& options, Console& console);
int run_stage(const StageOptions& options, Console& console);
int run_check(const CheckOptions& options, Console& console);
int run_graph(const GraphOptions& options, Console& console);
int run_rollout(const RolloutOptions& options, Console& console);
int run_catalog(const CatalogOptions& options, Console& console);

} // namespace fwplan::cli

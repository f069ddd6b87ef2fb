#pragma once
/// @file xml_default.hpp
/// Which load an `XMLDefault.cnf.xml` may name for a model: one that every phone of the
/// model arriving on one of its **factory loads** can install in one step.
///
/// A phone reads `XMLDefault.cnf.xml` only when the TFTP root has no `SEP<MAC>.cnf.xml` of
/// its own (Cisco's 79x1/797x administration guides; docs/phone-files.md): a new or
/// refurbished phone, or one just reset to factory settings. Such a phone may still run the
/// load it left the factory with, so the load XMLDefault names must be one it can take from
/// there; a load it cannot take (SIP 9.4(2)SR3 for a 7941 on 8.3(1), rules J-01/J-04) leaves
/// it on its load at best and shows AUTH FAIL at worst, with nothing to say why.
///
/// **The family's factory loads**, as fwplan defines them: for each of SCCP and SIP that the
/// family offers, the oldest load the knowledge base knows for the model (skipping loads
/// below a floor that applies to the model, such as J-13's 8.3(1) for the 7942). That is the
/// load `fwplan plan` starts from when it is not told what a phone runs. The sources say why
/// the oldest: phones were "still shipping with 8.3.1" in 2010 (J-13, crimsonsilo.com),
/// depot phones come with 8.3(2) SCCP (a Cisco community note on the 7970/7975), a reset
/// 7970 came up on SIP70.8-2-1S (J-06, dudek.org), and old 7940/7960 stock runs SCCP 3.x or
/// SIP 4.x (S-03, S-09). Every rule that forbids a direct step forbids it from older loads
/// too (J-01, J-02, J-04, S-03, S-05, S-09 are all "from below X"), so a load the oldest
/// factory loads reach in one step, every newer one reaches as well. Both protocols count
/// because a phone's factory protocol is not known (a 7970 was reset to SIP, most ship SCCP).
///
/// `emit_configs` leaves a model out of a step folder's XMLDefault when this fails (and the
/// file out when no model is left), `check_root` warns about a root whose XMLDefault names
/// such a load (`fwplan.check.xml-default-unreachable`), and a rollout can ask the same.
///
/// **Example**
///
///     auto model = fwplan::find_model("7941").value();
///     auto load = fwplan::LoadId::parse("SIP41.9-4-2SR3-1S").value();
///     auto reach = fwplan::xml_default_reach(fwplan::Planner::builtin(), *model, load);
///     if (!reach.ok())
///         std::cerr << reach.why << '\n';   // a 7941 on TERM41.7-0-3-0S cannot go straight ...

#include <fwplan/load_id.hpp>
#include <fwplan/models.hpp>
#include <fwplan/planner.hpp>

#include <string>
#include <vector>

namespace fwplan {

/// The factory loads of `model` (see the file comment), oldest first; empty when the
/// knowledge base knows no load of its family.
[[nodiscard]] std::vector<LoadId> factory_loads(const Planner& planner, const ModelInfo& model);

/// Whether `XMLDefault.cnf.xml` may name `load` for `model`.
struct XmlDefaultReach {
    std::vector<LoadId> factory;          ///< the factory loads considered
    std::vector<LoadId> unreachable_from; ///< those that cannot install `load` in one step
    /// Why not, in words (the planner's explanation for the first of them); empty when all
    /// reach it.
    std::string why;

    /// True when every factory load reaches `load` in one step.
    [[nodiscard]] bool ok() const noexcept { return unreachable_from.empty(); }
};

/// Asks `Planner::direct_step` for every factory load of `model` whether it can install
/// `load` in one step; a load that cannot be planned at all (another family, beyond what the
/// planner knows) counts as unreachable, with the planner's error as `why`.
[[nodiscard]] XmlDefaultReach xml_default_reach(const Planner& planner, const ModelInfo& model,
                                                const LoadId& load);

} // namespace fwplan

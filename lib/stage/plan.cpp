// The planning pass of a stage (plan.hpp): what goes where, what conflicts, and why.

#include "stage/plan.hpp"

#include "detail/entry_name.hpp"
#include "detail/text.hpp"
#include "detail/unicode.hpp"

#include <fwplan/catalog.hpp>
#include <fwplan/models.hpp>
#include <fwplan/planner.hpp>
#include <fwplan/xml_default.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace fwplan::detail {

namespace fs = std::filesystem;

namespace {

std::string file_name_of(const fs::path& path) {
    return path.filename().string();
}

std::string load_text(const std::optional<LoadId>& load) {
    return load ? load->str() : std::string("an unknown load");
}

class StagePlanner {
public:
    StagePlanner(int root_fd, fs::path root, const StateIndex& state,
                 std::vector<StageSource>& sources, const StageOptions& options)
        : root_fd_(root_fd), root_(std::move(root)), state_(state), sources_(sources),
          options_(options) {}

    Result<StagePlan> run() {
        resolve_terms();
        if (auto ok = collect_wants(); !ok)
            return ok.error();
        if (auto ok = read_root(); !ok)
            return ok.error();
        if (auto ok = prefetch_digests(); !ok)
            return ok.error();
        for (StageGroup& group : plan_.groups)
            if (auto ok = decide(group); !ok)
                return ok.error();
        if (auto ok = check_factory_defaults(); !ok)
            return ok.error();
        if (auto ok = check_case_twins(); !ok)
            return ok.error();
        fill_report();
        return std::move(plan_);
    }

private:
    StageReport& report() { return plan_.report; }

    void resolve_terms() {
        std::vector<FirmwarePackage> infos;
        for (StageSource& s : sources_)
            infos.push_back(std::move(s.info()));
        resolve_term_files(infos);
        for (std::size_t i = 0; i < sources_.size(); ++i)
            sources_[i].info() = std::move(infos[i]);
    }

    // ---------------------------------------------------------------------------------
    // Identity: same size, same CRC-32 and same SHA-256. Each is looked at only when the
    // one before agrees: the CRC-32 (recorded by zips and the index) tells files apart
    // cheaply, and only a SHA-256 decides that two are the same, because a CRC-32 is easily
    // forged (a trojaned root file made to match the package's CRC is not "unchanged").

    Result<std::uint32_t> crc_of(StageGroup& group, StageContent& content) {
        if (!content.crc) {
            const StageWant& want = group.wants[content.wants.front()];
            auto crc = sources_[want.source].crc(want.entry);
            if (!crc)
                return crc.error();
            content.crc = *crc;
        }
        return *content.crc;
    }

    Result<std::string> sha_of(StageGroup& group, StageContent& content) {
        if (!content.sha) {
            const StageWant& want = group.wants[content.wants.front()];
            auto sha = sources_[want.source].sha256(want.entry);
            if (!sha)
                return sha.error();
            content.sha = *sha;
            content.crc = *sources_[want.source].known_crc(want.entry);
        }
        return *content.sha;
    }

    // The root's file as the index knows it (when it is as fwplan left it), else read; only
    // ever asked for when a content of the same size is to be compared.
    Result<void> root_digest_of(const std::string& name, const FileStat& st, RootDigest& out,
                                bool need_sha) {
        if (const StateRecord* known = state_.match(name, st)) {
            out.crc = known->crc32;
            if (!known->sha256.empty())
                out.sha = known->sha256;
            if (out.sha || !need_sha)
                return {};
        }
        auto sum = checksum_at(root_fd_, name, root_);
        if (!sum)
            return sum.error();
        out.crc = sum->crc32;
        out.sha = sum->sha256;
        return {};
    }

    Result<std::uint32_t> root_crc_of(StageGroup& group) {
        if (!group.root_digest.crc)
            if (auto ok = root_digest_of(group.name, group.root, group.root_digest, false); !ok)
                return ok.error();
        return *group.root_digest.crc;
    }

    Result<std::string> root_sha_of(StageGroup& group) {
        if (!group.root_digest.sha)
            if (auto ok = root_digest_of(group.name, group.root, group.root_digest, true); !ok)
                return ok.error();
        return *group.root_digest.sha;
    }

    Result<bool> same_content(StageGroup& a, StageContent& ca, StageGroup& b, StageContent& cb) {
        if (ca.size != cb.size)
            return false;
        auto x = crc_of(a, ca);
        if (!x)
            return x.error();
        auto y = crc_of(b, cb);
        if (!y)
            return y.error();
        if (*x != *y)
            return false;
        auto sx = sha_of(a, ca);
        if (!sx)
            return sx.error();
        auto sy = sha_of(b, cb);
        if (!sy)
            return sy.error();
        return *sx == *sy;
    }

    // ---------------------------------------------------------------------------------

    Result<void> collect_wants() {
        std::map<std::string, std::size_t> by_name;
        auto& groups = plan_.groups;
        for (std::size_t s = 0; s < sources_.size(); ++s) {
            const StageSource& source = sources_[s];
            note_left_out(source);
            for (std::size_t e = 0; e < source.entries().size(); ++e) {
                const ArchiveEntry& entry = source.entries()[e];
                StageWant want;
                want.source = s;
                want.entry = e;
                want.name = entry.base_name;
                if (auto it = source.rename().find(entry.base_name); it != source.rename().end()) {
                    want.name = it->second;
                    want.renamed_from = entry.base_name;
                }
                for (const TermFile& term : source.info().term_files)
                    if (term.entry == entry.qualified_name())
                        want.term_for = term.stands_for;
                auto [it, fresh] = by_name.emplace(want.name, groups.size());
                if (fresh) {
                    StageGroup group;
                    group.name = want.name;
                    group.term_model = model_for_term_file(want.name);
                    groups.push_back(std::move(group));
                }
                groups[it->second].wants.push_back(std::move(want));
            }
        }
        std::sort(groups.begin(), groups.end(),
                  [](const StageGroup& a, const StageGroup& b) { return a.name < b.name; });
        for (StageGroup& group : groups)
            for (std::size_t w = 0; w < group.wants.size(); ++w)
                if (auto ok = add_content(group, w); !ok)
                    return ok;
        return {};
    }

    // Hidden files and folders (.git/config, .ssh/id_rsa) and macOS metadata never reach the
    // root, which a TFTP server serves to anyone: the package's archive left them out; say so
    // once per package, naming the first few.
    void note_left_out(const StageSource& source) {
        const std::vector<std::string>& left = source.left_out();
        if (left.empty())
            return;
        constexpr std::size_t kNamed = 5;
        std::vector<std::string> named(
            left.begin(),
            left.begin() + static_cast<std::ptrdiff_t>(std::min(left.size(), kNamed)));
        std::string message = "left out " + join(named);
        if (left.size() > kNamed)
            message += " and " + std::to_string(left.size() - kNamed) + " more";
        message += " of " + file_name_of(source.path()) +
                   ": hidden files and folders and macOS metadata are not firmware and are "
                   "never put into the root";
        report().notes.push_back(info("fwplan.stage.left-out", message, source.path().string()));
    }

    Result<void> add_content(StageGroup& group, std::size_t w) {
        const StageWant& want = group.wants[w];
        StageContent mine{sources_[want.source].entries()[want.entry].size,
                          sources_[want.source].known_crc(want.entry),
                          sources_[want.source].known_sha256(want.entry),
                          want.term_for,
                          {w}};
        for (StageContent& content : group.contents) {
            auto same = same_content(group, content, group, mine);
            if (!same)
                return same.error();
            if (*same) {
                if (!content.term_for)
                    content.term_for = want.term_for;
                content.wants.push_back(w);
                return {};
            }
        }
        group.contents.push_back(std::move(mine));
        return {};
    }

    Result<void> read_root() {
        auto names = list_dir(root_fd_, root_);
        if (!names)
            return names.error();
        for (const std::string& name : *names) {
            if (name.front() == '.')
                continue; // fwplan's own hidden entries, and names no phone asks for
            root_names_.insert(name);
            by_lower_[folded_name(name)].push_back(name);
        }
        for (StageGroup& group : plan_.groups) {
            auto st = stat_at(root_fd_, group.name, root_);
            if (!st)
                return st.error();
            group.root = *st;
        }
        return {};
    }

    // Entries without a recorded CRC (tars, folders) that a comparison will need are read
    // now, in each package's storage order, rather than one by one in name order as the
    // groups come: a tar of 10,000 entries is walked once, not 10,000 times.
    Result<void> prefetch_digests() {
        std::vector<std::pair<std::size_t, std::size_t>> wanted; // (source, entry)
        for (const StageGroup& group : plan_.groups)
            for (const StageWant& want : group.wants) {
                const StageSource& source = sources_[want.source];
                const ArchiveEntry& entry = source.entries()[want.entry];
                const bool compared =
                    (group.root.regular && group.root.size == entry.size) ||
                    std::any_of(group.wants.begin(), group.wants.end(), [&](const StageWant& w) {
                        return &w != &want &&
                               sources_[w.source].entries()[w.entry].size == entry.size;
                    });
                if (compared && !source.known_crc(want.entry))
                    wanted.emplace_back(want.source, want.entry);
            }
        std::sort(wanted.begin(), wanted.end(), [&](const auto& a, const auto& b) {
            return std::tie(a.first, sources_[a.first].entries()[a.second].ordinal) <
                   std::tie(b.first, sources_[b.first].entries()[b.second].ordinal);
        });
        for (const auto& [s, e] : wanted)
            if (auto sha = sources_[s].sha256(e); !sha)
                return sha.error();
        return {};
    }

    // Which content the root's file already is, if any. A root file of another size is
    // never read (a 20 GiB file in the way costs a stat, not a read).
    Result<std::optional<std::size_t>> root_content(StageGroup& group) {
        if (!group.root.regular)
            return std::optional<std::size_t>();
        for (std::size_t c = 0; c < group.contents.size(); ++c) {
            StageContent& content = group.contents[c];
            if (content.size != group.root.size)
                continue;
            auto mine = root_crc_of(group);
            if (!mine)
                return mine.error();
            auto theirs = crc_of(group, content);
            if (!theirs)
                return theirs.error();
            if (*mine != *theirs)
                continue;
            auto my_sha = root_sha_of(group);
            if (!my_sha)
                return my_sha.error();
            auto their_sha = sha_of(group, content);
            if (!their_sha)
                return their_sha.error();
            if (*my_sha == *their_sha)
                return std::optional<std::size_t>(c);
            group.forged_crc = true;
        }
        return std::optional<std::size_t>();
    }

    const LoadId* factory_default_for(std::string_view family) const {
        for (const LoadId& id : options_.factory_defaults)
            if (id.family() == family)
                return &id;
        return nullptr;
    }

    std::string package_names(const StageGroup& group, const StageContent& content) const {
        std::vector<std::string> names;
        for (std::size_t w : content.wants) {
            std::string name = file_name_of(sources_[group.wants[w].source].path());
            if (std::find(names.begin(), names.end(), name) == names.end())
                names.push_back(std::move(name));
        }
        return join(names, ", ");
    }

    // Which load the root's own term file stands for: its body against the `.loads` of its
    // family in the root and in the packages.
    std::optional<LoadId> root_term_target(const StageGroup& group) {
        auto bytes =
            read_small_at(root_fd_, group.name, kMaxManifestBody + kSignedHeaderPrefix, root_);
        if (!bytes)
            return std::nullopt;
        auto term = parse_manifest(group.name, *bytes);
        if (!term || !term->is_term_file)
            return std::nullopt;
        std::vector<Manifest> loads = root_loads_of(group.term_model->family);
        for (const StageSource& s : sources_)
            for (const PackageLoad& load : s.info().loads)
                loads.push_back(load.manifest);
        if (const Manifest* target = term_file_target(*term, loads))
            return target->load;
        return std::nullopt;
    }

    std::vector<Manifest> root_loads_of(std::string_view family) {
        std::vector<Manifest> out;
        for (const std::string& name : root_names_) {
            if (model_for_term_file(name) != nullptr || !ends_with_ignoring_case(name, ".loads"))
                continue;
            auto id = LoadId::from_file_name(name);
            if (!id || id->family() != family)
                continue;
            auto bytes =
                read_small_at(root_fd_, name, kMaxManifestBody + kSignedHeaderPrefix, root_);
            if (!bytes)
                continue;
            if (auto manifest = parse_manifest(name, *bytes))
                out.push_back(std::move(*manifest));
        }
        return out;
    }

    Result<void> decide(StageGroup& group) {
        if (group.root.exists && !group.root.regular) {
            conflict(group,
                     {"the root's " +
                      std::string(group.root.directory ? "folder" : "link or special file")},
                     group.name + " is " +
                         (group.root.directory ? "a folder" : "a link or a special file") +
                         " in the root; fwplan never replaces one",
                     "remove or rename " + group.name + " in the root");
            return {};
        }
        auto in_root = root_content(group);
        if (!in_root)
            return in_root.error();
        const bool root_differs = group.root.exists && !*in_root;
        if (group.term_model != nullptr)
            return decide_term(group, *in_root, root_differs);
        if (group.contents.size() > 1) {
            std::vector<std::string> candidates;
            for (const StageContent& c : group.contents)
                candidates.push_back(package_names(group, c) + " (" + std::to_string(c.size) +
                                     " bytes)");
            conflict(group, candidates,
                     group.name + ": the packages hold different files of this name (" +
                         join(candidates, " vs ") + ")",
                     "stage the packages that hold different " + group.name + " one at a time");
            return {};
        }
        group.chosen = 0;
        if (!group.root.exists) {
            group.action = StageAction::Create;
        } else if (*in_root) {
            group.action = StageAction::Skip;
            group.reason = "identical file already in the root";
        } else if (options_.force) {
            group.action = StageAction::Replace;
            group.reason = "differs from the root's file, replaced (--force); the old one is kept "
                           "for undo";
        } else {
            conflict(group, {package_names(group, group.contents[0]), "the root's file"},
                     group.name + ": the root already has a different file of this name" +
                         (group.forged_crc ? std::string(" (of the same size and CRC-32, but "
                                                         "another SHA-256: someone made its "
                                                         "CRC-32 match)")
                                           : std::string()),
                     "give --force to replace differing files (they are kept for --undo)");
        }
        return {};
    }

    Result<void> decide_term(StageGroup& group, std::optional<std::size_t> in_root,
                             bool root_differs) {
        const ModelInfo& model = *group.term_model;
        const LoadId* wanted = factory_default_for(model.family);
        // What the root's own term file stands for: a package's content when it is one of
        // them, else what its body says against the root's and the packages' .loads (the
        // same reading the audit gives it).
        std::optional<LoadId> root_target;
        if (in_root)
            root_target = group.contents[*in_root].term_for;
        else if (root_differs)
            root_target = root_term_target(group);

        TermChoice choice;
        choice.name = group.name;
        for (const StageContent& c : group.contents)
            if (c.term_for)
                choice.candidates.push_back(*c.term_for);
        if (root_target && std::find(choice.candidates.begin(), choice.candidates.end(),
                                     *root_target) == choice.candidates.end())
            choice.candidates.push_back(*root_target);

        const bool competition = group.contents.size() > 1 || root_differs;
        if (!competition) {
            group.chosen = 0;
            group.action = in_root ? StageAction::Skip : StageAction::Create;
            if (in_root)
                group.reason = "identical file already in the root";
            choice.chosen = group.contents[0].term_for;
            choice.by_factory_default = wanted != nullptr;
            group.reason += std::string(group.reason.empty() ? "" : "; ") + "a factory-reset " +
                            std::string(model.number) + " installs " + load_text(choice.chosen);
            report().term_files.push_back(std::move(choice));
            return {};
        }
        if (wanted == nullptr) {
            std::vector<std::string> candidates;
            std::vector<std::optional<LoadId>> loads;
            for (const StageContent& c : group.contents) {
                candidates.push_back(load_text(c.term_for) + " (" + package_names(group, c) + ")");
                loads.push_back(c.term_for);
            }
            if (root_differs) {
                candidates.push_back(load_text(root_target) + " (the root's file)");
                loads.push_back(root_target);
            }
            std::string message = group.name + ": " + join(candidates, " or ") + ": a reset " +
                                  std::string(model.number) +
                                  " installs the one you choose; give --factory-default";
            const std::string consequences = consequences_of(model, loads);
            if (!consequences.empty())
                message += ". A" + consequences.substr(1);
            // The advice: a load a phone reset to its factory load can take in one step (the
            // rule XMLDefault follows, xml_default.hpp); its configs take it on from there.
            std::vector<LoadId> reachable;
            std::vector<std::string> unreachable;
            std::string why;
            for (const auto& load : loads) {
                if (!load)
                    continue;
                const XmlDefaultReach reach = xml_default_reach(planner(), model, *load);
                if (reach.ok())
                    reachable.push_back(*load);
                else
                    unreachable.push_back(load->str());
                if (!reach.ok() && why.empty())
                    why = reach.why;
            }
            std::sort(reachable.begin(), reachable.end(),
                      [](const LoadId& a, const LoadId& b) { return a.version() < b.version(); });
            if (!reachable.empty() && !unreachable.empty())
                message += ". A phone on its factory load can take " + reachable.back().str() +
                           " in one step, not " + join(unreachable, " or ") + " (" + why + ")";
            std::string hint = "choose what a factory-reset phone installs, e.g. "
                               "--factory-default ";
            if (!reachable.empty()) {
                hint += reachable.back().str() +
                        " (a phone on its factory load takes it in one step; its configs take "
                        "it on from there)";
            } else {
                for (const auto& load : loads)
                    if (load) {
                        hint += load->str();
                        break;
                    }
            }
            conflict(group, candidates, message, hint);
            group.term_conflict = true;
            report().term_files.push_back(std::move(choice));
            return {};
        }
        // The factory default decides.
        choice.by_factory_default = true;
        for (std::size_t c = 0; c < group.contents.size(); ++c) {
            if (group.contents[c].term_for && *group.contents[c].term_for == *wanted) {
                group.chosen = c;
                if (in_root && *in_root == c) {
                    group.action = StageAction::Skip;
                    group.reason = "identical file already in the root; ";
                } else if (group.root.exists) {
                    group.action = StageAction::Replace;
                    group.reason = "the root's term file stood for " + load_text(root_target) +
                                   ", replaced (kept for undo); ";
                } else {
                    group.action = StageAction::Create;
                }
                group.reason += "chosen with --factory-default " + wanted->str();
                choice.chosen = *wanted;
                report().term_files.push_back(std::move(choice));
                return {};
            }
        }
        if ((root_target && *root_target == *wanted) ||
            (in_root && group.contents[*in_root].term_for == *wanted)) {
            group.chosen = in_root;
            group.action = StageAction::Skip;
            group.keep_root = true;
            group.reason =
                "the root's term file stands for " + wanted->str() + " (--factory-default): kept";
            choice.chosen = *wanted;
            report().term_files.push_back(std::move(choice));
            return {};
        }
        std::vector<std::string> have;
        for (const auto& load : choice.candidates)
            have.push_back(load.str());
        Error error =
            bad_input("stage.factory-default",
                      "--factory-default " + wanted->str() + ": no " + group.name +
                          " here stands for it (the candidates are " +
                          (have.empty() ? std::string("unknown loads") : join(have, ", ")) + ")");
        error.kind = ErrorKind::Usage;
        return error.with_hint("stage the package of " + wanted->str() +
                               " too, or choose one of the candidates");
    }

    // What choosing each candidate means for a reset phone that should then reach the
    // others: e.g. a reset phone on SCCP41.8-3-1S cannot go straight to 9.4(2).
    std::string consequences_of(const ModelInfo& model,
                                const std::vector<std::optional<LoadId>>& loads) {
        std::vector<std::string> out;
        for (const auto& from : loads)
            for (const auto& to : loads) {
                if (!from || !to || !(from->version() < to->version()))
                    continue;
                const std::string note = reach_note(model, *from, *to);
                if (!note.empty())
                    out.push_back(note);
            }
        return join(out, "; ");
    }

    const Planner& planner() const {
        return options_.planner != nullptr ? *options_.planner : Planner::builtin();
    }

    std::string reach_note(const ModelInfo& model, const LoadId& from, const LoadId& to) {
        return planner().explain_direct_step(model.number, from, to, DirectStepSubject::ResetPhone);
    }

    Result<void> check_factory_defaults() {
        for (const LoadId& wanted : options_.factory_defaults) {
            const auto& groups = plan_.groups;
            const bool used = std::any_of(groups.begin(), groups.end(), [&](const StageGroup& g) {
                return g.term_model != nullptr && g.term_model->family == wanted.family();
            });
            if (!used) {
                report().notes.push_back(info("fwplan.stage.factory-default-unused",
                                              "--factory-default " + wanted.str() +
                                                  ": these packages bring no term file of its "
                                                  "family; nothing to choose"));
                continue;
            }
            for (const StageGroup& g : groups) {
                if (g.term_model == nullptr || g.term_model->family != wanted.family() ||
                    !g.chosen || g.term_conflict)
                    continue;
                const StageContent& c = g.contents[*g.chosen];
                if (!g.keep_root && c.term_for != wanted) {
                    Error error =
                        bad_input("stage.factory-default",
                                  "--factory-default " + wanted.str() + ": " + g.name +
                                      " here stands for " + load_text(c.term_for) + ", not for it");
                    error.kind = ErrorKind::Usage;
                    return error.with_hint("stage the package of " + wanted.str() +
                                           " too, or leave --factory-default out");
                }
            }
        }
        // A decided competition: say what the choice means for reset phones.
        for (const TermChoice& choice : report().term_files) {
            if (!choice.by_factory_default || !choice.chosen || choice.candidates.size() < 2)
                continue;
            const ModelInfo* model = model_for_term_file(choice.name);
            for (const LoadId& other : choice.candidates) {
                if (!(choice.chosen->version() < other.version()))
                    continue;
                const std::string note = reach_note(*model, *choice.chosen, other);
                if (!note.empty())
                    report().notes.push_back(warning("fwplan.stage.reset-phones",
                                                     choice.name + ": " + note, choice.name));
            }
        }
        return {};
    }

    void conflict(StageGroup& group, std::vector<std::string> candidates, std::string message,
                  std::string hint) {
        group.action = StageAction::Conflict;
        group.reason = message;
        StageConflict c;
        c.name = group.name;
        c.term_file = group.term_model != nullptr;
        c.candidates = std::move(candidates);
        c.message = std::move(message);
        c.hint = std::move(hint);
        report().conflicts.push_back(std::move(c));
    }

    static bool writes(const StageGroup& g) {
        return g.action == StageAction::Create || g.action == StageAction::Replace;
    }

    // Names that differ only in case from a name being written: a case-insensitive server
    // (Windows, or a resolver that ignores case) would serve one for the other.
    Result<void> check_case_twins() {
        auto& groups = plan_.groups;
        std::map<std::string, std::vector<StageGroup*>> by_lower;
        for (StageGroup& g : groups)
            by_lower[folded_name(g.name)].push_back(&g);
        for (StageGroup& g : groups) {
            if (!writes(g))
                continue;
            StageContent& mine = g.contents[*g.chosen];
            for (StageGroup* other : by_lower[folded_name(g.name)]) {
                if (other == &g || !other->chosen)
                    continue;
                StageContent& theirs = other->contents[*other->chosen];
                auto same = same_content(*other, theirs, g, mine);
                if (!same)
                    return same.error();
                if (*same)
                    continue;
                if (&g > other && writes(*other))
                    continue; // reported once, from the first of the pair
                twin_conflict(g, other->name + " (" + package_names(*other, theirs) + ")");
            }
            auto it = by_lower_.find(folded_name(g.name));
            if (it == by_lower_.end() || g.action == StageAction::Conflict)
                continue;
            for (const std::string& twin : it->second) {
                if (twin == g.name)
                    continue;
                auto st = stat_at(root_fd_, twin, root_);
                bool identical = false;
                if (st && st->regular && st->size == mine.size) {
                    RootDigest theirs;
                    auto read = root_digest_of(twin, *st, theirs, true);
                    auto ours = crc_of(g, mine);
                    if (!ours)
                        return ours.error();
                    if (read && *theirs.crc == *ours) {
                        auto our_sha = sha_of(g, mine);
                        if (!our_sha)
                            return our_sha.error();
                        identical = *theirs.sha == *our_sha;
                    }
                }
                if (identical) {
                    report().notes.push_back(info("fwplan.stage.case-twin",
                                                  g.name + ": the root also has " + twin +
                                                      ", identical apart from the case of its name",
                                                  g.name));
                    continue;
                }
                twin_conflict(g, "the root's " + twin);
            }
        }
        return {};
    }

    void twin_conflict(StageGroup& g, const std::string& twin) {
        if (g.action == StageAction::Conflict)
            return;
        conflict(g, {g.name, twin},
                 g.name + ": differs only in case (or in its Unicode form, NFC or NFD) from " +
                     twin +
                     " and has other content; a case-insensitive or normalising TFTP server "
                     "would serve one for the other",
                 "remove or rename the file whose name differs only in case or form");
    }

    void fill_report() {
        for (const StageGroup& g : plan_.groups) {
            StagedFile file;
            file.name = g.name;
            file.action = g.action;
            file.reason = g.reason;
            const StageContent* content =
                g.chosen ? &g.contents[*g.chosen] : (g.contents.empty() ? nullptr : &g.contents[0]);
            if (content != nullptr && !g.keep_root) {
                const StageWant& want = g.wants[content->wants.front()];
                const StageSource& source = sources_[want.source];
                file.package = source.path().string();
                file.entry = source.entries()[want.entry].qualified_name();
                file.size = content->size;
                file.crc32 = content->crc.value_or(0); // completed later where unknown
                file.renamed_from = want.renamed_from;
                file.term_for = content->term_for;
                if (!want.renamed_from.empty())
                    file.reason += std::string(file.reason.empty() ? "" : "; ") + "written as " +
                                   g.name + " (the case its .loads asks for), not " +
                                   want.renamed_from;
            } else if (g.keep_root) {
                file.size = g.root.size;
                file.crc32 = g.root_digest.crc.value_or(0);
                file.term_for = term_chosen(g.name);
            }
            report().files.push_back(std::move(file));
        }
    }

    std::optional<LoadId> term_chosen(const std::string& name) {
        for (const TermChoice& c : report().term_files)
            if (c.name == name)
                return c.chosen;
        return std::nullopt;
    }

    int root_fd_;
    fs::path root_;
    const StateIndex& state_;
    std::vector<StageSource>& sources_;
    const StageOptions& options_;
    StagePlan plan_;
    std::set<std::string> root_names_;
    std::map<std::string, std::vector<std::string>> by_lower_;
};

} // namespace

Result<StagePlan> plan_stage(int root_fd, const fs::path& root, const StateIndex& state,
                             std::vector<StageSource>& sources, const StageOptions& options) {
    return StagePlanner(root_fd, root, state, sources, options).run();
}

Result<void> complete_crcs(StagePlan& plan, std::vector<StageSource>& sources) {
    // In each package's entry order, so a tar is walked once rather than once per entry.
    struct Missing {
        std::size_t source, entry, group;
    };
    std::vector<Missing> missing;
    auto content_of = [&](StageGroup& g) -> StageContent* {
        if (g.keep_root || g.contents.empty())
            return nullptr;
        return &g.contents[g.chosen.value_or(0)];
    };
    for (std::size_t i = 0; i < plan.groups.size(); ++i)
        if (StageContent* content = content_of(plan.groups[i]); content && !content->crc) {
            const StageWant& want = plan.groups[i].wants[content->wants.front()];
            missing.push_back({want.source, want.entry, i});
        }
    std::sort(missing.begin(), missing.end(), [&](const Missing& a, const Missing& b) {
        return std::tie(a.source, sources[a.source].entries()[a.entry].ordinal) <
               std::tie(b.source, sources[b.source].entries()[b.entry].ordinal);
    });
    for (const Missing& m : missing) {
        auto crc = sources[m.source].crc(m.entry);
        if (!crc)
            return crc.error();
        content_of(plan.groups[m.group])->crc = *crc;
    }
    for (std::size_t i = 0; i < plan.groups.size(); ++i)
        if (StageContent* content = content_of(plan.groups[i]))
            plan.report.files[i].crc32 = *content->crc;
    return {};
}

} // namespace fwplan::detail

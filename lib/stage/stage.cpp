// Staging into a TFTP root: the plan (what goes where, what conflicts), the extraction into
// the stage folder, and the public entry points. The commit protocol is in
// detail/stage_commit.cpp, the audit in detail/root_audit.cpp.

#include "detail/entry_name.hpp"
#include "detail/text.hpp"
#include "stage/commit.hpp"
#include "tftp/root_fs.hpp"

#include <fwplan/archive.hpp>
#include <fwplan/catalog.hpp>
#include <fwplan/firmware.hpp>
#include <fwplan/models.hpp>
#include <fwplan/planner.hpp>
#include <fwplan/stage.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace fwplan {

namespace fs = std::filesystem;

std::string_view to_string(StageAction action) noexcept {
    switch (action) {
    case StageAction::Create:
        return "create";
    case StageAction::Replace:
        return "replace";
    case StageAction::Skip:
        return "skip";
    case StageAction::Conflict:
        return "conflict";
    }
    return "conflict";
}

std::size_t StageReport::count(StageAction action) const noexcept {
    return static_cast<std::size_t>(std::count_if(
        files.begin(), files.end(), [&](const StagedFile& f) { return f.action == action; }));
}

Error StageReport::conflict_error() const {
    if (conflicts.empty())
        throw std::logic_error("fwplan: conflict_error() on a stage without conflicts");
    Error error;
    error.kind = ErrorKind::Conflict;
    error.code = "fwplan.stage.conflict";
    error.file = root.string();
    error.message = "staging would break the TFTP root, so nothing was written: ";
    std::set<std::string> hints;
    for (std::size_t i = 0; i < conflicts.size(); ++i) {
        error.message += (i == 0 ? "" : "; ") + conflicts[i].message;
        if (!conflicts[i].hint.empty())
            hints.insert(conflicts[i].hint);
    }
    for (const std::string& hint : hints)
        error.hint += (error.hint.empty() ? "" : "; ") + hint;
    return error;
}

namespace {

using detail::FileStat;
using detail::UniqueFd;

// One package, opened and classified.
struct Source {
    fs::path path;
    FirmwarePackage info;
    std::vector<ArchiveEntry> entries;         // as the archive lists them (CRCs included)
    std::vector<std::uint32_t> crcs;           // parallel to entries
    std::map<std::string, std::string> rename; // base name in the package -> as listed
};

// One file a package wants in the root.
struct Want {
    std::size_t source = 0;
    std::size_t entry = 0; // index into Source::entries
    std::string name;
    std::string renamed_from;
    std::optional<LoadId> term_for;
};

// Distinct contents that want one name.
struct Content {
    std::uint64_t size = 0;
    std::uint32_t crc = 0;
    std::optional<LoadId> term_for;
    std::vector<std::size_t> wants; // indexes into Group::wants
};

struct Group {
    std::string name;
    std::vector<Want> wants;
    std::vector<Content> contents;
    const ModelInfo* term_model = nullptr;
    FileStat root; // what the root has under this name
    std::optional<std::uint32_t> root_crc;
    std::optional<std::size_t> chosen; // index into contents
    StageAction action = StageAction::Create;
    std::string reason;
    bool term_conflict = false; // a term file nobody chose
    bool keep_root = false;     // the root's own term file is the factory default: kept
};

bool is_macos_metadata(const ArchiveEntry& entry) {
    return entry.base_name.front() == '.' || entry.name.rfind("__MACOSX/", 0) == 0 ||
           entry.name.find("/__MACOSX/") != std::string::npos;
}

std::string file_name_of(const fs::path& path) {
    return path.filename().string();
}

Result<Source> load_source(const fs::path& path, const ArchiveLimits& limits) {
    InspectOptions inspect;
    inspect.limits = limits;
    inspect.max_cnu_bytes = 0; // staging needs names and manifests, not CNU tables
    auto info = inspect_package(path, inspect);
    if (!info)
        return info.error();
    if (!info->errors.empty())
        return Error(info->errors.front())
            .with_hint("fwplan stages only packages whose files it can read; download the "
                       "package again");
    auto archive = Archive::open(path, limits);
    if (!archive)
        return archive.error();
    Source source;
    source.path = path;
    source.entries = archive->entries();
    for (const ArchiveEntry& entry : source.entries) {
        if (entry.crc32) {
            source.crcs.push_back(*entry.crc32);
            continue;
        }
        // Folders, tars and loose files record no CRC: compute it once, streaming.
        auto crc = archive->read(entry, [](std::string_view) -> Result<void> { return {}; });
        if (!crc)
            return crc.error();
        source.crcs.push_back(*crc);
    }
    for (const PackageLoad& load : info->loads)
        for (const CaseMismatch& mismatch : load.case_mismatches)
            source.rename.emplace(mismatch.present, mismatch.listed);
    source.info = std::move(*info);
    return source;
}

std::string join(const std::vector<std::string>& items, std::string_view separator = ", ") {
    std::string out;
    for (const std::string& item : items)
        out += (out.empty() ? "" : std::string(separator)) + item;
    return out;
}

std::string load_text(const std::optional<LoadId>& load) {
    return load ? load->str() : std::string("an unknown load");
}

// Plans and stages; one object per call of `stage`.
class Stager {
public:
    Stager(fs::path root, const StageOptions& options)
        : root_(std::move(root)), options_(options) {}

    Result<StageReport> run(const std::vector<fs::path>& packages) {
        if (options_.threads == 0) {
            Error error = bad_input("stage.threads", "threads must be at least 1");
            error.kind = ErrorKind::Usage;
            return error;
        }
        report_.root = root_;
        report_.dry_run = options_.dry_run;
        std::error_code ec;
        if (!fs::is_directory(root_, ec)) {
            Error error = io_error("stage.no-root", "is not a folder");
            error.file = root_.string();
            return error.with_hint("give the TFTP server's root folder with --tftp-root");
        }
        auto root_fd = detail::open_dir(root_);
        if (!root_fd)
            return root_fd.error();
        root_fd_ = std::move(*root_fd);

        std::optional<detail::RootLock> lock;
        state_ = detail::read_state(root_fd_.get());
        if (!options_.dry_run) {
            auto acquired = detail::RootLock::acquire(root_fd_.get(), root_);
            if (!acquired)
                return acquired.error();
            lock.emplace(std::move(*acquired));
            if (auto ok = finish_interrupted(); !ok)
                return ok.error();
        } else {
            for (const std::string& left : detail::leftover_stages(root_fd_.get(), root_))
                report_.notes.push_back(warning("fwplan.stage.interrupted",
                                                "an interrupted stage (" + left +
                                                    ") is in the root; a real run finishes it "
                                                    "first",
                                                left));
        }

        for (const fs::path& path : packages) {
            auto source = load_source(path, options_.limits);
            if (!source)
                return source.error();
            sources_.push_back(std::move(*source));
        }
        resolve_terms();
        collect_wants();
        if (auto ok = read_root(); !ok)
            return ok.error();
        for (Group& group : groups_)
            if (auto ok = decide(group); !ok)
                return ok.error();
        if (auto ok = check_factory_defaults(); !ok)
            return ok.error();
        check_case_twins();
        fill_report();
        if (!report_.conflicts.empty() || options_.dry_run)
            return std::move(report_);
        if (auto ok = execute(); !ok)
            return ok.error();
        return std::move(report_);
    }

private:
    void step(std::string_view what, std::string_view name) const {
        if (options_.on_step)
            options_.on_step(StageStep{what, name});
    }

    Result<void> finish_interrupted() {
        auto recovered =
            detail::recover(root_fd_.get(), root_, state_,
                            [this](std::string_view w, std::string_view n) { step(w, n); });
        if (!recovered)
            return recovered.error();
        if (recovered->journal.id.empty())
            return {};
        report_.resumed_stage = recovered->journal.id;
        for (std::size_t i = 0; i < recovered->journal.entries.size(); ++i) {
            const detail::JournalEntry& e = recovered->journal.entries[i];
            StagedFile file;
            file.name = e.name;
            file.action = e.replace ? StageAction::Replace : StageAction::Create;
            file.package = e.package;
            file.entry = e.entry;
            file.size = e.size;
            file.crc32 = e.crc32;
            if (!e.term_for.empty())
                if (auto id = LoadId::parse(e.term_for))
                    file.term_for = *id;
            file.reason = recovered->done[i] ? "finished from the interrupted stage"
                                             : "left alone: it changed after the interrupted "
                                               "stage had planned it";
            report_.resumed_files.push_back(std::move(file));
        }
        return detail::write_state(root_fd_.get(), state_, root_);
    }

    void resolve_terms() {
        std::vector<FirmwarePackage> infos;
        for (Source& s : sources_)
            infos.push_back(std::move(s.info));
        resolve_term_files(infos);
        for (std::size_t i = 0; i < sources_.size(); ++i)
            sources_[i].info = std::move(infos[i]);
    }

    void collect_wants() {
        std::map<std::string, std::size_t> by_name;
        for (std::size_t s = 0; s < sources_.size(); ++s) {
            const Source& source = sources_[s];
            for (std::size_t e = 0; e < source.entries.size(); ++e) {
                const ArchiveEntry& entry = source.entries[e];
                if (is_macos_metadata(entry)) {
                    report_.notes.push_back(info("fwplan.stage.left-out",
                                                 "left out " + entry.qualified_name() + " of " +
                                                     file_name_of(source.path) +
                                                     ": hidden or macOS metadata, not firmware",
                                                 source.path.string()));
                    continue;
                }
                Want want;
                want.source = s;
                want.entry = e;
                want.name = entry.base_name;
                if (auto it = source.rename.find(entry.base_name); it != source.rename.end()) {
                    want.name = it->second;
                    want.renamed_from = entry.base_name;
                }
                for (const TermFile& term : source.info.term_files)
                    if (term.entry == entry.qualified_name())
                        want.term_for = term.stands_for;
                auto [it, fresh] = by_name.emplace(want.name, groups_.size());
                if (fresh) {
                    Group group;
                    group.name = want.name;
                    group.term_model = model_for_term_file(want.name);
                    groups_.push_back(std::move(group));
                }
                groups_[it->second].wants.push_back(std::move(want));
            }
        }
        std::sort(groups_.begin(), groups_.end(),
                  [](const Group& a, const Group& b) { return a.name < b.name; });
        for (Group& group : groups_) {
            for (std::size_t w = 0; w < group.wants.size(); ++w) {
                const Want& want = group.wants[w];
                const std::uint64_t size = sources_[want.source].entries[want.entry].size;
                const std::uint32_t crc = sources_[want.source].crcs[want.entry];
                auto same =
                    std::find_if(group.contents.begin(), group.contents.end(),
                                 [&](const Content& c) { return c.size == size && c.crc == crc; });
                if (same == group.contents.end()) {
                    group.contents.push_back(Content{size, crc, want.term_for, {}});
                    same = group.contents.end() - 1;
                }
                if (!same->term_for)
                    same->term_for = want.term_for;
                same->wants.push_back(w);
            }
        }
    }

    Result<void> read_root() {
        auto names = detail::list_dir(root_fd_.get(), root_);
        if (!names)
            return names.error();
        for (const std::string& name : *names) {
            if (name.front() == '.')
                continue; // fwplan's own hidden entries, and names no phone asks for
            root_names_.insert(name);
            by_lower_[detail::ascii_lower(name)].push_back(name);
        }
        for (Group& group : groups_) {
            auto st = detail::stat_at(root_fd_.get(), group.name, root_);
            if (!st)
                return st.error();
            group.root = *st;
            if (group.root.regular) {
                auto crc = root_crc(group.name, group.root);
                if (!crc)
                    return crc.error();
                group.root_crc = *crc;
            }
        }
        return {};
    }

    // The CRC of a root file: from the index when the file is as fwplan left it, else read.
    Result<std::uint32_t> root_crc(const std::string& name, const FileStat& st) {
        if (const detail::StateRecord* known = state_.match(name, st))
            return known->crc32;
        auto sum = detail::checksum_at(root_fd_.get(), name, root_);
        if (!sum)
            return sum.error();
        return sum->crc32;
    }

    std::optional<std::size_t> root_content(const Group& group) const {
        if (!group.root.regular || !group.root_crc)
            return std::nullopt;
        for (std::size_t c = 0; c < group.contents.size(); ++c)
            if (group.contents[c].size == group.root.size &&
                group.contents[c].crc == *group.root_crc)
                return c;
        return std::nullopt;
    }

    const LoadId* factory_default_for(std::string_view family) const {
        for (const LoadId& id : options_.factory_defaults)
            if (id.family() == family)
                return &id;
        return nullptr;
    }

    std::string package_names(const Group& group, const Content& content) const {
        std::vector<std::string> names;
        for (std::size_t w : content.wants) {
            std::string name = file_name_of(sources_[group.wants[w].source].path);
            if (std::find(names.begin(), names.end(), name) == names.end())
                names.push_back(std::move(name));
        }
        return join(names);
    }

    // Which load the root's own term file stands for: its body against the `.loads` of its
    // family in the root and in the packages.
    std::optional<LoadId> root_term_target(const Group& group) {
        auto bytes = detail::read_small_at(root_fd_.get(), group.name,
                                           kMaxManifestBody + kSignedHeaderPrefix, root_);
        if (!bytes)
            return std::nullopt;
        auto term = parse_manifest(group.name, *bytes);
        if (!term || !term->is_term_file)
            return std::nullopt;
        std::vector<Manifest> loads = root_loads_of(group.term_model->family);
        for (const Source& s : sources_)
            for (const PackageLoad& load : s.info.loads)
                loads.push_back(load.manifest);
        if (const Manifest* target = term_file_target(*term, loads))
            return target->load;
        return std::nullopt;
    }

    std::vector<Manifest> root_loads_of(std::string_view family) {
        std::vector<Manifest> out;
        for (const std::string& name : root_names_) {
            if (model_for_term_file(name) != nullptr ||
                !detail::ends_with_ignoring_case(name, ".loads"))
                continue;
            auto id = LoadId::from_file_name(name);
            if (!id || id->family() != family)
                continue;
            auto bytes = detail::read_small_at(root_fd_.get(), name,
                                               kMaxManifestBody + kSignedHeaderPrefix, root_);
            if (!bytes)
                continue;
            if (auto manifest = parse_manifest(name, *bytes))
                out.push_back(std::move(*manifest));
        }
        return out;
    }

    Result<void> decide(Group& group) {
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
        const auto in_root = root_content(group);
        const bool root_differs = group.root.exists && !in_root;
        if (group.term_model != nullptr)
            return decide_term(group, in_root, root_differs);
        if (group.contents.size() > 1) {
            std::vector<std::string> candidates;
            for (const Content& c : group.contents)
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
        } else if (in_root) {
            group.action = StageAction::Skip;
            group.reason = "identical file already in the root";
        } else if (options_.force) {
            group.action = StageAction::Replace;
            group.reason = "differs from the root's file, replaced (--force); the old one is kept "
                           "for undo";
        } else {
            conflict(group, {package_names(group, group.contents[0]), "the root's file"},
                     group.name + ": the root already has a different file of this name",
                     "give --force to replace differing files (they are kept for --undo)");
        }
        return {};
    }

    Result<void> decide_term(Group& group, std::optional<std::size_t> in_root, bool root_differs) {
        const ModelInfo& model = *group.term_model;
        const LoadId* wanted = factory_default_for(model.family);
        std::optional<LoadId> root_target;
        if (root_differs)
            root_target = root_term_target(group);

        TermChoice choice;
        choice.name = group.name;
        for (const Content& c : group.contents)
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
            report_.term_files.push_back(std::move(choice));
            return {};
        }
        if (wanted == nullptr) {
            std::vector<std::string> candidates;
            std::vector<std::optional<LoadId>> loads;
            for (const Content& c : group.contents) {
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
            std::string hint = "choose what a factory-reset phone installs, e.g. "
                               "--factory-default ";
            for (const auto& load : loads)
                if (load) {
                    hint += load->str();
                    break;
                }
            conflict(group, candidates, message, hint);
            group.term_conflict = true;
            report_.term_files.push_back(std::move(choice));
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
                report_.term_files.push_back(std::move(choice));
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
            report_.term_files.push_back(std::move(choice));
            return {};
        }
        std::vector<std::string> have;
        for (const auto& load : choice.candidates)
            have.push_back(load.str());
        Error error =
            bad_input("stage.factory-default",
                      "--factory-default " + wanted->str() + ": no " + group.name +
                          " here stands for it (the candidates are " +
                          (have.empty() ? std::string("unknown loads") : join(have)) + ")");
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

    const Planner& planner() {
        if (options_.planner != nullptr)
            return *options_.planner;
        if (!own_planner_)
            own_planner_ = std::make_unique<Planner>(Catalog::builtin());
        return *own_planner_;
    }

    std::string reach_note(const ModelInfo& model, const LoadId& from, const LoadId& to) {
        auto direct = planner().direct_step(model.number, from, to);
        if (!direct)
            return "a " + std::string(model.number) + " reset to " + from.str() +
                   " cannot be planned to " + to.str() + " (" + direct.error().message + ")";
        if (direct->one_step())
            return {};
        std::vector<std::string> via;
        for (const LoadId& load : direct->via)
            via.push_back(load.str());
        std::string note = "a " + std::string(model.number) + " reset to " + from.str() +
                           " cannot go straight to " + to.str();
        if (!direct->forbidding.empty())
            note += " (" + join(direct->forbidding) + ")";
        if (direct->auth_fail)
            note += ": a reset phone on an old load can fail with AUTH FAIL";
        note += "; it needs " + join(via) + " first";
        return note;
    }

    Result<void> check_factory_defaults() {
        for (const LoadId& wanted : options_.factory_defaults) {
            const bool used = std::any_of(groups_.begin(), groups_.end(), [&](const Group& g) {
                return g.term_model != nullptr && g.term_model->family == wanted.family();
            });
            if (!used) {
                report_.notes.push_back(info("fwplan.stage.factory-default-unused",
                                             "--factory-default " + wanted.str() +
                                                 ": these packages bring no term file of its "
                                                 "family; nothing to choose"));
                continue;
            }
            for (const Group& g : groups_) {
                if (g.term_model == nullptr || g.term_model->family != wanted.family() ||
                    !g.chosen || g.term_conflict)
                    continue;
                const Content& c = g.contents[*g.chosen];
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
        for (const TermChoice& choice : report_.term_files) {
            if (!choice.by_factory_default || !choice.chosen || choice.candidates.size() < 2)
                continue;
            const ModelInfo* model = model_for_term_file(choice.name);
            for (const LoadId& other : choice.candidates) {
                if (!(choice.chosen->version() < other.version()))
                    continue;
                const std::string note = reach_note(*model, *choice.chosen, other);
                if (!note.empty())
                    report_.notes.push_back(warning("fwplan.stage.reset-phones",
                                                    choice.name + ": " + note, choice.name));
            }
        }
        return {};
    }

    void conflict(Group& group, std::vector<std::string> candidates, std::string message,
                  std::string hint) {
        group.action = StageAction::Conflict;
        group.reason = message;
        StageConflict c;
        c.name = group.name;
        c.term_file = group.term_model != nullptr;
        c.candidates = std::move(candidates);
        c.message = std::move(message);
        c.hint = std::move(hint);
        report_.conflicts.push_back(std::move(c));
    }

    // Names that differ only in case from a name being written: a case-insensitive server
    // (Windows, or a resolver that ignores case) would serve one for the other.
    void check_case_twins() {
        std::map<std::string, std::vector<Group*>> by_lower;
        for (Group& g : groups_)
            by_lower[detail::ascii_lower(g.name)].push_back(&g);
        for (Group& g : groups_) {
            if (g.action != StageAction::Create && g.action != StageAction::Replace)
                continue;
            const Content& mine = g.contents[*g.chosen];
            for (Group* other : by_lower[detail::ascii_lower(g.name)]) {
                if (other == &g || !other->chosen)
                    continue;
                const Content& theirs = other->contents[*other->chosen];
                if (theirs.size == mine.size && theirs.crc == mine.crc)
                    continue;
                if (&g > other &&
                    (other->action == StageAction::Create || other->action == StageAction::Replace))
                    continue; // reported once, from the first of the pair
                twin_conflict(g, other->name + " (" + package_names(*other, theirs) + ")");
            }
            auto it = by_lower_.find(detail::ascii_lower(g.name));
            if (it == by_lower_.end() || g.action == StageAction::Conflict)
                continue;
            for (const std::string& twin : it->second) {
                if (twin == g.name)
                    continue;
                auto st = detail::stat_at(root_fd_.get(), twin, root_);
                std::optional<std::uint32_t> crc;
                if (st && st->regular)
                    if (auto sum = root_crc(twin, *st))
                        crc = *sum;
                if (crc && st->size == mine.size && *crc == mine.crc) {
                    report_.notes.push_back(info("fwplan.stage.case-twin",
                                                 g.name + ": the root also has " + twin +
                                                     ", identical apart from the case of its name",
                                                 g.name));
                    continue;
                }
                twin_conflict(g, "the root's " + twin);
            }
        }
    }

    void twin_conflict(Group& g, const std::string& twin) {
        if (g.action == StageAction::Conflict)
            return;
        conflict(g, {g.name, twin},
                 g.name + ": differs only in case from " + twin +
                     " and has other content; a case-insensitive TFTP server would serve one "
                     "for the other",
                 "remove or rename the file that differs only in case");
    }

    void fill_report() {
        for (const Group& g : groups_) {
            StagedFile file;
            file.name = g.name;
            file.action = g.action;
            file.reason = g.reason;
            const Content* content =
                g.chosen ? &g.contents[*g.chosen] : (g.contents.empty() ? nullptr : &g.contents[0]);
            if (content != nullptr && !g.keep_root) {
                const Want& want = g.wants[content->wants.front()];
                const Source& source = sources_[want.source];
                file.package = source.path.string();
                file.entry = source.entries[want.entry].qualified_name();
                file.size = content->size;
                file.crc32 = content->crc;
                file.renamed_from = want.renamed_from;
                file.term_for = content->term_for;
                if (!want.renamed_from.empty())
                    file.reason += std::string(file.reason.empty() ? "" : "; ") + "written as " +
                                   g.name + " (the case its .loads asks for), not " +
                                   want.renamed_from;
            } else if (g.keep_root) {
                file.size = g.root.size;
                file.crc32 = g.root_crc.value_or(0);
                file.term_for = report_term_chosen(g.name);
            }
            report_.files.push_back(std::move(file));
        }
    }

    std::optional<LoadId> report_term_chosen(const std::string& name) const {
        for (const TermChoice& c : report_.term_files)
            if (c.name == name)
                return c.chosen;
        return std::nullopt;
    }

    // ---------------------------------------------------------------------------------
    // Execution

    struct Job {
        const Group* group = nullptr;
        std::uint64_t new_inode = 0;
    };

    Result<void> execute() {
        std::vector<Job> jobs;
        for (const Group& g : groups_)
            if (g.action == StageAction::Create || g.action == StageAction::Replace)
                jobs.push_back(Job{&g, 0});
        bool state_changed = false;
        for (const Group& g : groups_)
            if (g.action == StageAction::Skip && g.root.regular && g.root_crc && !g.keep_root &&
                !state_.match(g.name, g.root)) {
                const Content& c = g.contents[*g.chosen];
                state_.remember(g.name, g.root, *g.root_crc,
                                c.term_for ? c.term_for->str() : std::string());
                state_changed = true;
            }
        if (jobs.empty()) {
            if (state_changed)
                return detail::write_state(root_fd_.get(), state_, root_);
            return {};
        }

        const std::string id = detail::new_stage_id();
        const std::string stage_name = detail::stage_dir_name(id);
        const fs::path stage_path = root_ / stage_name;
        if (auto ok = detail::make_private_dir_at(root_fd_.get(), stage_name, root_); !ok)
            return ok;
        auto stage_fd = detail::open_dir_at(root_fd_.get(), stage_name, root_);
        if (!stage_fd)
            return stage_fd.error();
        auto extracted = extract_all(jobs, stage_fd->get(), stage_path);
        if (!extracted) {
            (void)detail::remove_tree_at(root_fd_.get(), stage_name, root_);
            return extracted.error();
        }
        for (const Job& job : jobs)
            step("extracted", job.group->name);
        if (auto ok = detail::sync_dir(stage_fd->get(), stage_path); !ok)
            return ok;

        detail::Journal journal;
        journal.id = id;
        for (const Job& job : jobs) {
            const Group& g = *job.group;
            const Content& c = g.contents[*g.chosen];
            const Want& want = g.wants[c.wants.front()];
            detail::JournalEntry e;
            e.name = g.name;
            e.replace = g.action == StageAction::Replace;
            e.size = c.size;
            e.crc32 = c.crc;
            e.new_inode = job.new_inode;
            e.old_inode = g.root.inode;
            e.term_for = c.term_for ? c.term_for->str() : std::string();
            e.package = sources_[want.source].path.string();
            e.entry = sources_[want.source].entries[want.entry].qualified_name();
            journal.entries.push_back(std::move(e));
        }
        if (auto ok = detail::write_prepared_journal(stage_fd->get(), journal, stage_path); !ok)
            return ok;
        step("prepared", {});

        std::vector<bool> done;
        const auto on_step = [this](std::string_view w, std::string_view n) { step(w, n); };
        if (auto ok = detail::commit(root_fd_.get(), root_, journal, done, state_, on_step); !ok)
            return Error(ok.error())
                .with_hint(
                    "run the same command again to finish the stage, or --undo to take it back");
        for (std::size_t i = 0; i < journal.entries.size(); ++i)
            if (!done[i])
                for (StagedFile& f : report_.files)
                    if (f.name == journal.entries[i].name) {
                        f.action = StageAction::Skip;
                        f.reason = "left alone: the root's file changed while fwplan was staging";
                    }
        report_.stage_id = id;
        report_.committed = true;
        if (auto ok = detail::write_state(root_fd_.get(), state_, root_); !ok)
            return ok;
        step("state", {});
        stage_fd->reset();
        if (auto ok = detail::remove_tree_at(root_fd_.get(), stage_name, root_); !ok)
            return ok;
        if (auto ok = detail::sync_dir(root_fd_.get(), root_); !ok)
            return ok;
        step("cleaned", {});
        return {};
    }

    // Streams every job's entry into the stage folder, on up to `threads` workers, each with
    // its own Archive per package (Archive is not thread-safe).
    Result<void> extract_all(std::vector<Job>& jobs, int stage_fd, const fs::path& stage_path) {
        std::vector<std::size_t> order(jobs.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            const Group& ga = *jobs[a].group;
            const Group& gb = *jobs[b].group;
            return ga.contents[*ga.chosen].size > gb.contents[*gb.chosen].size;
        });
        std::atomic<std::size_t> next{0};
        std::atomic<bool> failed{false};
        std::mutex mutex;
        std::optional<Error> first_error;
        std::uint64_t total_bytes = 0;
        std::uint64_t done_bytes = 0; // under `mutex`
        for (const Job& job : jobs)
            total_bytes += job.group->contents[*job.group->chosen].size;
        if (options_.on_progress)
            options_.on_progress(0, total_bytes);
        auto worker = [&] {
            std::map<std::size_t, Archive> archives;
            for (;;) {
                const std::size_t k = next.fetch_add(1);
                if (k >= order.size() || failed.load())
                    return;
                Job& job = jobs[order[k]];
                auto inode = extract_one(*job.group, archives, stage_fd, stage_path);
                if (!inode) {
                    std::lock_guard<std::mutex> guard(mutex);
                    if (!first_error)
                        first_error = inode.error();
                    failed = true;
                    return;
                }
                job.new_inode = *inode;
                if (options_.on_progress) {
                    std::lock_guard<std::mutex> guard(mutex);
                    done_bytes += job.group->contents[*job.group->chosen].size;
                    options_.on_progress(done_bytes, total_bytes);
                }
            }
        };
        const std::size_t count =
            std::min<std::size_t>(std::max(1u, options_.threads), jobs.size());
        std::vector<std::thread> threads;
        for (std::size_t t = 1; t < count; ++t)
            threads.emplace_back(worker);
        worker();
        for (std::thread& t : threads)
            t.join();
        if (first_error)
            return *first_error;
        return {};
    }

    Result<std::uint64_t> extract_one(const Group& g, std::map<std::size_t, Archive>& archives,
                                      int stage_fd, const fs::path& stage_path) const {
        const Content& content = g.contents[*g.chosen];
        const Want& want = g.wants[content.wants.front()];
        const Source& source = sources_[want.source];
        auto it = archives.find(want.source);
        if (it == archives.end()) {
            auto archive = Archive::open(source.path, options_.limits);
            if (!archive)
                return archive.error();
            it = archives.emplace(want.source, std::move(*archive)).first;
        }
        const ArchiveEntry& entry = source.entries[want.entry];
        UniqueFd fd(::openat(stage_fd, g.name.c_str(),
                             O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (!fd.valid())
            return detail::system_error_at("stage.write", stage_path / g.name,
                                           "cannot create the file", errno);
        const int out = fd.get();
        auto crc = it->second.read(entry, [out](std::string_view chunk) -> Result<void> {
            return detail::write_all(out, chunk);
        });
        if (!crc)
            return crc.error();
        if (*crc != content.crc) {
            Error error = bad_input("stage.changed", "changed while fwplan was staging it");
            error.file = source.path.string();
            error.entry = entry.qualified_name();
            return error;
        }
        // Whatever the zip said: TFTP servers serve only world-readable files.
        if (::fchmod(out, 0644) != 0)
            return detail::system_error_at("stage.write", stage_path / g.name,
                                           "cannot set mode 0644", errno);
        if (::fsync(out) != 0)
            return detail::system_error_at("stage.sync", stage_path / g.name,
                                           "cannot flush the file", errno);
        auto st = detail::stat_fd(out, stage_path / g.name);
        if (!st)
            return st.error();
        if (::close(fd.release()) != 0)
            return detail::system_error_at("stage.write", stage_path / g.name,
                                           "cannot close the file", errno);
        return st->inode;
    }

    fs::path root_;
    const StageOptions& options_;
    StageReport report_;
    UniqueFd root_fd_;
    detail::StateIndex state_;
    std::vector<Source> sources_;
    std::vector<Group> groups_;
    std::set<std::string> root_names_;
    std::map<std::string, std::vector<std::string>> by_lower_;
    std::unique_ptr<Planner> own_planner_;
};

} // namespace

Result<StageReport> stage(const fs::path& root, const std::vector<fs::path>& packages,
                          const StageOptions& options) {
    return Stager(root, options).run(packages);
}

Result<UndoReport> undo_last_stage(const fs::path& root) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        Error error = io_error("stage.no-root", "is not a folder");
        error.file = root.string();
        return error;
    }
    auto root_fd = detail::open_dir(root);
    if (!root_fd)
        return root_fd.error();
    auto lock = detail::RootLock::acquire(root_fd->get(), root);
    if (!lock)
        return lock.error();
    detail::StateIndex state = detail::read_state(root_fd->get());
    auto recovered = detail::recover(root_fd->get(), root, state, {});
    if (!recovered)
        return recovered.error();
    auto report = detail::undo_newest(root_fd->get(), root, state);
    if (!report)
        return report.error();
    if (auto ok = detail::write_state(root_fd->get(), state, root); !ok)
        return ok.error();
    return report;
}

} // namespace fwplan

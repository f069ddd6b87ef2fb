#pragma once
// The log parser's memory of recent requests, for the lines that name no file (a tftpd-hpa
// NAK) or no client (atftpd's `File PATH not found`). Bounded however long the log and however
// many clients it names, and cheap, because it is written on every request line of logs with
// millions of them:
//   - the requests themselves sit in a ring of `capacity` entries, overwritten oldest first,
//     their strings reused in place (no allocation once warm);
//   - each kind of key (pid, ip, file name) has a small set-associative index from a 64-bit
//     hash of (host, key) to a ring entry, 8 ways per set; an index entry whose ring entry
//     has since been overwritten by another request is stale and counts as free.
// A request is found until `capacity` newer requests have been stored, or 8 newer keys of
// the same kind have landed in its index set (with a good hash, about `capacity` of them).
// Keys are compared by their 64-bit hash (FNV-1a, then MurmurHash3's finaliser for the set
// bits); a collision would need billions of distinct keys in the memory at once.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan::rollout {

/// What is remembered of a request.
struct RememberedRequest {
    std::string ip, file, remapped;
};

class RequestMemory {
public:
    enum class Key : std::size_t { Pid = 0, Ip = 1, Name = 2 };
    static constexpr std::size_t ways = 8;

    /// Hash of (host, part): the key of a request under one kind.
    [[nodiscard]] static std::uint64_t key_of(std::string_view host,
                                              std::string_view part) noexcept {
        std::uint64_t hash = 0xcbf29ce484222325ULL;
        const auto mix = [&hash](std::string_view bytes) {
            for (const char c : bytes) {
                hash ^= static_cast<unsigned char>(c);
                hash *= 0x100000001b3ULL;
            }
        };
        mix(host);
        hash ^= 0x100; // a separator no byte can be: ("ab","c") differs from ("a","bc")
        hash *= 0x100000001b3ULL;
        mix(part);
        hash ^= hash >> 33; // MurmurHash3 fmix64: every bit of the set index counts
        hash *= 0xff51afd7ed558ccdULL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53ULL;
        hash ^= hash >> 33;
        return hash == 0 ? 1 : hash; // 0 marks an empty index slot
    }

    explicit RequestMemory(std::size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {
        while (set_count_ * ways < capacity_)
            set_count_ *= 2;
    }

    /// A ring entry for a new request, the oldest one's once the ring is full; fill it, then
    /// index it with `index`. Valid until the next `store`.
    RememberedRequest& store() {
        if (ring_.size() < capacity_) {
            last_ = ring_.size();
            ring_.emplace_back();
        } else {
            last_ = next_;
            next_ = (next_ + 1) % capacity_;
        }
        Entry& entry = ring_[last_];
        entry.keys.fill(0); // its old index entries are stale from now on
        return entry.request;
    }

    /// Indexes the request last stored under `key` of kind `kind`.
    void index(Key kind, std::uint64_t key) {
        std::vector<Set>& sets = sets_[static_cast<std::size_t>(kind)];
        if (sets.empty())
            sets.resize(set_count_); // on first use: a parser that never needs it pays nothing
        Set& set = sets[key & (set_count_ - 1)];
        // The slot this key already has, else a free or stale one, else the least recently
        // used: a key is in one slot only, so a lookup never finds an older request of it.
        std::size_t victim = ways;
        for (std::size_t way = 0; way < ways && victim == ways; ++way)
            if (set.key[way] == key)
                victim = way;
        for (std::size_t way = 0; way < ways && victim == ways; ++way)
            if (!live(kind, set, way))
                victim = way;
        if (victim == ways) {
            victim = 0;
            for (std::size_t way = 1; way < ways; ++way)
                if (set.used[way] < set.used[victim])
                    victim = way;
        }
        set.key[victim] = key;
        set.entry[victim] = static_cast<std::uint32_t>(last_);
        set.used[victim] = ++tick_;
        ring_[last_].keys[static_cast<std::size_t>(kind)] = key;
    }

    /// The request indexed under `key` of kind `kind`, or nullptr. Valid until the next
    /// `store`.
    [[nodiscard]] const RememberedRequest* find(Key kind, std::uint64_t key) {
        std::vector<Set>& sets = sets_[static_cast<std::size_t>(kind)];
        if (sets.empty())
            return nullptr;
        Set& set = sets[key & (set_count_ - 1)];
        for (std::size_t way = 0; way < ways; ++way) {
            if (set.key[way] == key && live(kind, set, way)) {
                set.used[way] = ++tick_;
                return &ring_[set.entry[way]].request;
            }
        }
        return nullptr;
    }

    /// Requests held at most.
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

private:
    struct Entry {
        RememberedRequest request;
        std::array<std::uint64_t, 3> keys{}; // under which key of each kind it is indexed
    };
    struct Set {
        std::uint64_t key[ways] = {}; // 0: empty
        std::uint64_t used[ways] = {};
        std::uint32_t entry[ways] = {};
    };

    // The index slot still points at the request it was made for.
    [[nodiscard]] bool live(Key kind, const Set& set, std::size_t way) const noexcept {
        return set.key[way] != 0 && set.entry[way] < ring_.size() &&
               ring_[set.entry[way]].keys[static_cast<std::size_t>(kind)] == set.key[way];
    }

    std::size_t capacity_;
    std::size_t set_count_ = 1;
    std::vector<Entry> ring_;
    std::size_t next_ = 0; // the entry `store` overwrites once the ring is full
    std::size_t last_ = 0; // the entry last stored
    std::array<std::vector<Set>, 3> sets_;
    std::uint64_t tick_ = 0;
};

} // namespace fwplan::rollout

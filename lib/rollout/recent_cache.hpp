#pragma once
// A bounded memory of recent entries by string key: the log parser's memory of the last
// requests, looked up when a NAK names no file. It must stay bounded however long the log
// and however many clients it names, and it is touched on every request line of logs with
// millions of them, so it is a set-associative cache (as a CPU's): `capacity` slots in sets
// of `ways`; a key lives in the set its hash picks, and a new key replaces the set's least
// recently used entry. Slots are reused in place, so once warm a put allocates nothing.
// An entry is always kept until `ways` newer keys have landed in its set; with a good hash
// that is about `capacity` unrelated puts.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace fwplan::rollout {

template <typename Value, std::size_t ways = 8>
class RecentCache {
public:
    /// `capacity` is rounded up to a power of two number of sets of `ways` slots.
    explicit RecentCache(std::size_t capacity) {
        while (set_count_ * ways < capacity)
            set_count_ *= 2;
    }

    /// The value kept for `key`, made the most recently used; created in place of the
    /// least recently used entry of its set when absent. The caller assigns to it (its
    /// strings keep their capacity). Valid until the next call.
    Value& slot_for(std::string_view key) {
        const std::size_t hash = std::hash<std::string_view>{}(key);
        Set& set = sets_[hash & (set_count_ - 1)];
        std::size_t victim = 0;
        for (std::size_t way = 0; way < ways; ++way) {
            if (set.used[way] != 0 && set.hash[way] == hash && set.entries[way].key == key) {
                set.used[way] = ++tick_;
                return set.entries[way].value;
            }
            if (set.used[way] < set.used[victim])
                victim = way;
        }
        set.entries[victim].key.assign(key);
        set.hash[victim] = hash;
        set.used[victim] = ++tick_;
        return set.entries[victim].value;
    }

    /// The value kept for `key` (now the most recently used), or nullptr. Valid until the
    /// next call.
    const Value* find(std::string_view key) {
        const std::size_t hash = std::hash<std::string_view>{}(key);
        const auto found = sets_.find(hash & (set_count_ - 1));
        if (found == sets_.end())
            return nullptr;
        Set& set = found->second;
        for (std::size_t way = 0; way < ways; ++way) {
            if (set.used[way] != 0 && set.hash[way] == hash && set.entries[way].key == key) {
                set.used[way] = ++tick_;
                return &set.entries[way].value;
            }
        }
        return nullptr;
    }

    /// Slots in all (the most entries ever held).
    [[nodiscard]] std::size_t capacity() const noexcept { return set_count_ * ways; }

private:
    struct Entry {
        std::string key;
        Value value{};
    };
    // The hashes and ages apart from the entries: a lookup reads two cache lines of them
    // and then the one entry it wants, not every entry of the set.
    struct Set {
        std::uint64_t used[ways] = {}; // 0: empty; else the tick of the last use
        std::size_t hash[ways] = {};
        Entry entries[ways];
    };

    // Only the sets in use exist (a parser that sees few requests costs little to make and
    // drop); set_count_ is a power of two.
    std::size_t set_count_ = 1;
    std::unordered_map<std::size_t, Set> sets_;
    std::uint64_t tick_ = 0;
};

} // namespace fwplan::rollout

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
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fwplan::rollout {

template <typename Value, std::size_t ways = 8>
class RecentCache {
public:
    /// `capacity` is rounded up to a power of two number of sets of `ways` slots.
    explicit RecentCache(std::size_t capacity) {
        std::size_t sets = 1;
        while (sets * ways < capacity)
            sets *= 2;
        sets_.resize(sets); // each set is allocated when first used
    }

    /// The value kept for `key`, made the most recently used; created in place of the
    /// least recently used entry of its set when absent. The caller assigns to it (its
    /// strings keep their capacity). Valid until the next call.
    Value& slot_for(std::string_view key) {
        const std::size_t hash = std::hash<std::string_view>{}(key);
        Set& set = set_of(hash);
        Slot* victim = &set.slots[0];
        for (Slot& slot : set.slots) {
            if (slot.used != 0 && slot.hash == hash && slot.key == key) {
                slot.used = ++tick_;
                return slot.value;
            }
            if (slot.used < victim->used)
                victim = &slot;
        }
        victim->key.assign(key);
        victim->hash = hash;
        victim->used = ++tick_;
        return victim->value;
    }

    /// The value kept for `key` (now the most recently used), or nullptr. Valid until the
    /// next call.
    const Value* find(std::string_view key) {
        const std::size_t hash = std::hash<std::string_view>{}(key);
        const std::unique_ptr<Set>& set = sets_[hash & (sets_.size() - 1)];
        if (!set)
            return nullptr;
        for (Slot& slot : set->slots) {
            if (slot.used != 0 && slot.hash == hash && slot.key == key) {
                slot.used = ++tick_;
                return &slot.value;
            }
        }
        return nullptr;
    }

    /// Slots in all (the most entries ever held).
    [[nodiscard]] std::size_t capacity() const noexcept { return sets_.size() * ways; }

private:
    struct Slot {
        std::string key;
        std::size_t hash = 0;
        std::uint64_t used = 0; // 0: empty; else the tick of the last use
        Value value{};
    };
    struct Set {
        Slot slots[ways];
    };

    Set& set_of(std::size_t hash) {
        std::unique_ptr<Set>& set = sets_[hash & (sets_.size() - 1)];
        if (!set)
            set = std::make_unique<Set>();
        return *set;
    }

    std::vector<std::unique_ptr<Set>> sets_;
    std::uint64_t tick_ = 0;
};

} // namespace fwplan::rollout

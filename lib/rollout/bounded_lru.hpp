#pragma once
// A map from string keys to values that holds at most `capacity` entries and forgets the
// least recently used first: the log parser's memory of recent requests, which must stay
// bounded however long the log and however many clients it names.
#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace fwplan::rollout {

template <typename Value>
class BoundedLru {
public:
    explicit BoundedLru(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
    BoundedLru(const BoundedLru&) = delete; // the index points into `order_`
    BoundedLru& operator=(const BoundedLru&) = delete;
    BoundedLru(BoundedLru&&) noexcept = default; // list nodes (and so the views) stay put
    BoundedLru& operator=(BoundedLru&&) noexcept = default;
    ~BoundedLru() = default;

    /// Sets `key` to `value`, making it the most recently used; forgets the least recently
    /// used entry when full.
    void put(std::string key, Value value) {
        if (auto found = index_.find(std::string_view(key)); found != index_.end()) {
            found->second->second = std::move(value);
            order_.splice(order_.begin(), order_, found->second);
            return;
        }
        if (order_.size() >= capacity_) {
            index_.erase(std::string_view(order_.back().first));
            order_.pop_back();
        }
        order_.emplace_front(std::move(key), std::move(value));
        index_.emplace(std::string_view(order_.front().first), order_.begin());
    }

    /// The value of `key` (now the most recently used), or nullptr. The pointer is valid
    /// until the next `put`.
    const Value* find(std::string_view key) {
        auto found = index_.find(key);
        if (found == index_.end())
            return nullptr;
        order_.splice(order_.begin(), order_, found->second);
        return &found->second->second;
    }

    [[nodiscard]] std::size_t size() const noexcept { return order_.size(); }
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

private:
    using Entry = std::pair<std::string, Value>;
    std::size_t capacity_;
    std::list<Entry> order_; // most recently used first
    std::unordered_map<std::string_view, typename std::list<Entry>::iterator> index_;
};

} // namespace fwplan::rollout

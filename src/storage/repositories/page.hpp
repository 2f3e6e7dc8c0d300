#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace hudhud::storage {

// Keyset pagination over descending ids: pass the previous page's next_cursor to continue.
struct PageRequest {
    std::optional<std::int64_t> cursor;  // exclusive upper bound on id
    int limit = 50;
};

template <typename T>
struct Page {
    std::vector<T> items;
    std::optional<std::int64_t> next_cursor;
};

// Trims a result fetched with limit+1 rows to `limit` and sets next_cursor from the last kept id.
template <typename T, typename IdOf>
Page<T> MakePage(std::vector<T> items, int limit, IdOf id_of) {
    Page<T> page;
    if (static_cast<int>(items.size()) > limit) {
        items.resize(static_cast<std::size_t>(limit));
        page.next_cursor = id_of(items.back());
    }
    page.items = std::move(items);
    return page;
}

inline int ClampLimit(int limit, int max = 200) {
    if (limit <= 0) return 50;
    return limit > max ? max : limit;
}

}  // namespace hudhud::storage

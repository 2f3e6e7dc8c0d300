#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace hudhud::storage::detail {

// A fixed set of connections, each lent to one thread at a time. Thread-safe.
template <typename Conn>
class ConnectionPool {
  public:
    // A borrowed connection, given back when the lease ends.
    class Lease {
      public:
        Lease() = default;
        Lease(ConnectionPool* pool, Conn* conn) : pool_(pool), conn_(conn) {}
        Lease(Lease&& o) noexcept
            : pool_(std::exchange(o.pool_, nullptr)), conn_(std::exchange(o.conn_, nullptr)) {}
        Lease& operator=(Lease&& o) noexcept {
            if (this != &o) {
                Reset();
                pool_ = std::exchange(o.pool_, nullptr);
                conn_ = std::exchange(o.conn_, nullptr);
            }
            return *this;
        }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease() { Reset(); }

        explicit operator bool() const { return conn_ != nullptr; }
        Conn& operator*() const { return *conn_; }
        Conn* operator->() const { return conn_; }

      private:
        void Reset() {
            if (pool_ != nullptr && conn_ != nullptr) pool_->Release(conn_);
            pool_ = nullptr;
            conn_ = nullptr;
        }
        ConnectionPool* pool_ = nullptr;
        Conn* conn_ = nullptr;
    };

    ConnectionPool() = default;
    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;
    ~ConnectionPool() { Close(); }

    // Adds a connection; before any Acquire.
    void Add(std::unique_ptr<Conn> conn) {
        std::lock_guard lock(mu_);
        free_.push_back(conn.get());
        owned_.push_back(std::move(conn));
    }

    std::size_t size() const {
        std::lock_guard lock(mu_);
        return owned_.size();
    }

    // Blocks until a connection is free. An empty lease once Close() has begun.
    Lease Acquire() {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return closing_ || !free_.empty(); });
        if (closing_) return Lease();
        Conn* c = free_.back();
        free_.pop_back();
        return Lease(this, c);
    }

    // Refuses new leases, waits for every lent connection to come back, then destroys them all.
    void Close() {
        std::vector<std::unique_ptr<Conn>> doomed;
        {
            std::unique_lock lock(mu_);
            closing_ = true;
            cv_.notify_all();
            cv_.wait(lock, [&] { return free_.size() == owned_.size(); });
            free_.clear();
            doomed.swap(owned_);
        }
    }

  private:
    void Release(Conn* c) {
        {
            std::lock_guard lock(mu_);
            free_.push_back(c);
        }
        cv_.notify_all();
    }

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<Conn>> owned_;
    std::vector<Conn*> free_;
    bool closing_ = false;
};

}  // namespace hudhud::storage::detail

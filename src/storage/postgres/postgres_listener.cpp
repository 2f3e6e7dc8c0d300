#include "storage/postgres/postgres_listener.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

namespace hudhud::storage::postgres {
namespace {

void IgnoreNotice(void*, const char*) {}

std::string Trimmed(const char* message) {
    std::string m = message != nullptr ? message : "";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return m;
}

// Waits until `fd` is ready for `events`; false when woken by Stop(), or if `fd` is invalid.
bool WaitFor(int fd, short events, int wake_fd, int timeout_ms) {
    if (fd < 0) return false;
    pollfd fds[2] = {{fd, events, 0}, {wake_fd, POLLIN, 0}};
    int n = ::poll(fds, 2, timeout_ms);
    if (n < 0) return errno == EINTR;
    return fds[1].revents == 0;
}

}  // namespace

PostgresListener::PostgresListener(PostgresListenerOptions options, NotifyCallback on_notify,
                                   ReconnectCallback on_reconnect, int wake_fd)
    : options_(std::move(options)),
      on_notify_(std::move(on_notify)),
      on_reconnect_(std::move(on_reconnect)),
      wake_fd_(wake_fd) {}

Result<std::unique_ptr<PostgresListener>> PostgresListener::Start(PostgresListenerOptions options,
                                                                  NotifyCallback on_notify,
                                                                  ReconnectCallback on_reconnect) {
    if (options.channel.empty()) return Error::InvalidArgument("listener channel is empty");
    int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake < 0) return Error::Internal(std::string("eventfd: ") + std::strerror(errno));
    auto listener = std::unique_ptr<PostgresListener>(new PostgresListener(
        std::move(options), std::move(on_notify), std::move(on_reconnect), wake));
    std::string error;
    listener->conn_ = listener->ConnectAndListen(&error);
    if (listener->conn_ == nullptr) return Error::Unavailable(error);
    listener->connected_ = true;
    listener->thread_ = std::thread([l = listener.get()] { l->Run(); });
    return listener;
}

PostgresListener::~PostgresListener() {
    Stop();
    ::close(wake_fd_);
}

void PostgresListener::Stop() {
    if (stop_.exchange(true)) {
        if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
        return;
    }
    std::uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof(one));
    if (thread_.joinable()) thread_.join();
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
    connected_ = false;
}

void PostgresListener::Pause(std::chrono::milliseconds d) {
    pollfd p{wake_fd_, POLLIN, 0};
    (void)::poll(&p, 1, static_cast<int>(d.count()));
}

pg_conn* PostgresListener::ConnectAndListen(std::string* error) {
    const char* keys[] = {"dbname", "fallback_application_name", "client_encoding", nullptr};
    const char* values[] = {options_.conninfo.c_str(), "hudhud-listener", "UTF8", nullptr};
    PGconn* conn = PQconnectStartParams(keys, values, /*expand_dbname=*/1);
    if (conn == nullptr) {
        *error = "out of memory connecting to PostgreSQL";
        return nullptr;
    }
    // Non-blocking connect, so that Stop() is not held up by an unreachable server.
    PostgresPollingStatusType poll_status = PGRES_POLLING_WRITING;
    while (PQstatus(conn) != CONNECTION_BAD && poll_status != PGRES_POLLING_OK &&
           poll_status != PGRES_POLLING_FAILED) {
        short events = poll_status == PGRES_POLLING_READING ? POLLIN : POLLOUT;
        if (!WaitFor(PQsocket(conn), events, wake_fd_, -1) || stop_.load()) {
            PQfinish(conn);
            *error = "listener stopped";
            return nullptr;
        }
        poll_status = PQconnectPoll(conn);
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        *error = "listener cannot connect to PostgreSQL: " + Trimmed(PQerrorMessage(conn));
        PQfinish(conn);
        return nullptr;
    }
    PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
    char* quoted = PQescapeIdentifier(conn, options_.channel.data(), options_.channel.size());
    if (quoted == nullptr) {
        *error = "cannot quote channel name: " + Trimmed(PQerrorMessage(conn));
        PQfinish(conn);
        return nullptr;
    }
    std::string sql = std::string("LISTEN ") + quoted;
    PQfreemem(quoted);
    PGresult* r = PQexec(conn, sql.c_str());
    bool ok = r != nullptr && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) *error = "LISTEN failed: " + Trimmed(PQerrorMessage(conn));
    PQclear(r);
    if (!ok) {
        PQfinish(conn);
        return nullptr;
    }
    return conn;
}

void PostgresListener::Run() {
    while (!stop_.load()) {
        if (conn_ == nullptr) {
            std::string error;
            conn_ = ConnectAndListen(&error);
            if (conn_ == nullptr) {
                if (stop_.load()) break;
                spdlog::warn("postgres listener on '{}': {}", options_.channel, error);
                Pause(options_.reconnect_delay);
                continue;
            }
            connected_ = true;
            spdlog::info("postgres listener on '{}': reconnected", options_.channel);
            if (on_reconnect_) {
                try {
                    on_reconnect_();
                } catch (const std::exception& e) {
                    spdlog::error("postgres listener reconnect callback threw: {}", e.what());
                } catch (...) {
                    spdlog::error("postgres listener reconnect callback threw");
                }
            }
        }
        if (!WaitFor(PQsocket(conn_), POLLIN, wake_fd_, -1)) {
            if (stop_.load()) break;
            if (PQsocket(conn_) >= 0) continue;
        }
        bool alive = PQconsumeInput(conn_) == 1;
        while (PGnotify* n = PQnotifies(conn_)) {
            if (options_.channel == n->relname && !stop_.load()) {
                try {
                    on_notify_(std::string_view(n->extra));
                } catch (const std::exception& e) {
                    spdlog::error("postgres listener callback threw: {}", e.what());
                } catch (...) {
                    spdlog::error("postgres listener callback threw");
                }
            }
            PQfreemem(n);
        }
        if (!alive || PQstatus(conn_) != CONNECTION_OK) {
            spdlog::warn("postgres listener on '{}': connection lost: {}", options_.channel,
                         Trimmed(PQerrorMessage(conn_)));
            PQfinish(conn_);
            conn_ = nullptr;
            connected_ = false;
            Pause(options_.reconnect_delay);
        }
    }
}

}  // namespace hudhud::storage::postgres

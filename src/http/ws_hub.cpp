#include "http/ws_hub.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <unordered_map>

#include "http/detail/ws_session_base.hpp"
#include "http/metrics.hpp"
#include "log/log.hpp"

namespace hudhud::http {

namespace {

// A subscription whose replay is running: live messages wait here, in publish order.
struct PendingSubscription {
    detail::WsSessionBase* session = nullptr;
    std::mutex mu;  // Publish appends under the hub's shared lock
    struct Held {
        std::int64_t seq;
        std::shared_ptr<const std::string> text;
    };
    std::vector<Held> held;  // only messages whose audience includes the session's user
    bool overflowed = false;
};

}  // namespace

struct WsHub::State {
    WsOptions options;
    WsAuthenticate authenticate;
    WsCanSubscribe can_subscribe;
    WsOnMessage on_message;
    WsOnClose on_close;
    WsReplayFn replay;

    // Sessions are registered while alive; a registered pointer is safe to use under mu.
    mutable std::shared_mutex mu;
    std::unordered_map<detail::WsSessionBase*, std::int64_t> all;  // -> user id
    std::unordered_map<std::int64_t, std::vector<detail::WsSessionBase*>> by_workspace;
    std::unordered_map<std::int64_t, std::vector<detail::WsSessionBase*>> by_user;
    // Subscriptions waiting for their replay; not in by_workspace until it ends.
    std::unordered_map<std::int64_t, std::vector<std::shared_ptr<PendingSubscription>>> pending;

    Gauge* connections = nullptr;
    Counter* dropped_slow = nullptr;
    Counter* messages_sent = nullptr;
    Counter* published = nullptr;
};

namespace {

void EraseOne(std::vector<detail::WsSessionBase*>& v, detail::WsSessionBase* s) {
    auto it = std::find(v.begin(), v.end(), s);
    if (it != v.end()) {
        *it = v.back();
        v.pop_back();
    }
}

// Removes and returns the pending subscription of `s` to `workspace`, if any. Caller holds the
// hub's lock exclusively.
std::shared_ptr<PendingSubscription> TakePending(
    std::unordered_map<std::int64_t, std::vector<std::shared_ptr<PendingSubscription>>>& pending,
    std::int64_t workspace, detail::WsSessionBase* s) {
    auto w = pending.find(workspace);
    if (w == pending.end()) return nullptr;
    auto& v = w->second;
    auto it = std::find_if(v.begin(), v.end(), [s](const auto& p) { return p->session == s; });
    if (it == v.end()) return nullptr;
    auto out = std::move(*it);
    *it = std::move(v.back());
    v.pop_back();
    if (v.empty()) pending.erase(w);
    return out;
}

}  // namespace

WsHub::WsHub(WsOptions options, MetricsRegistry* metrics) : state_(std::make_unique<State>()) {
    state_->options = std::move(options);
    if (metrics != nullptr) {
        state_->connections =
            &metrics->GetGauge("hudhud_ws_connections", "Open WebSocket connections");
        state_->dropped_slow = &metrics->GetCounter(
            "hudhud_ws_dropped_slow_total", "WebSocket connections dropped for a full queue");
        state_->messages_sent =
            &metrics->GetCounter("hudhud_ws_messages_sent_total", "WebSocket text frames written");
        state_->published =
            &metrics->GetCounter("hudhud_ws_published_total", "Messages passed to Publish*");
    }
}

WsHub::~WsHub() = default;

void WsHub::SetAuthenticate(WsAuthenticate fn) { state_->authenticate = std::move(fn); }
void WsHub::SetCanSubscribe(WsCanSubscribe fn) { state_->can_subscribe = std::move(fn); }
void WsHub::SetOnMessage(WsOnMessage fn) { state_->on_message = std::move(fn); }
void WsHub::SetOnClose(WsOnClose fn) { state_->on_close = std::move(fn); }
void WsHub::SetReplay(WsReplayFn fn) { state_->replay = std::move(fn); }

std::size_t WsHub::Publish(std::int64_t workspace_id, std::string json_text, std::int64_t seq,
                           WsAudience audience) {
    if (state_->published) state_->published->Increment();
    auto text = std::make_shared<const std::string>(std::move(json_text));
    const auto admitted = [&audience](const detail::WsSessionBase* s) {
        return !audience || std::binary_search(audience->begin(), audience->end(),
                                               s->principal().user_id);
    };
    std::shared_lock lock(state_->mu);
    std::size_t n = 0;
    if (auto it = state_->by_workspace.find(workspace_id); it != state_->by_workspace.end()) {
        for (detail::WsSessionBase* s : it->second) {
            if (!admitted(s)) continue;
            s->SendShared(text);
            ++n;
        }
    }
    if (auto it = state_->pending.find(workspace_id); it != state_->pending.end()) {
        for (const auto& p : it->second) {
            if (!admitted(p->session)) continue;
            std::lock_guard hold(p->mu);
            if (p->held.size() >= state_->options.max_queued_messages) {
                p->overflowed = true;
            } else if (!p->overflowed) {
                p->held.push_back({seq, text});
            }
            ++n;
        }
    }
    return n;
}

std::size_t WsHub::PublishToUser(std::int64_t user_id, std::string json_text) {
    if (state_->published) state_->published->Increment();
    auto text = std::make_shared<const std::string>(std::move(json_text));
    std::shared_lock lock(state_->mu);
    auto it = state_->by_user.find(user_id);
    if (it == state_->by_user.end()) return 0;
    for (detail::WsSessionBase* s : it->second) s->SendShared(text);
    return it->second.size();
}

std::size_t WsHub::connection_count() const {
    std::shared_lock lock(state_->mu);
    return state_->all.size();
}

std::size_t WsHub::subscriber_count(std::int64_t workspace_id) const {
    std::shared_lock lock(state_->mu);
    auto it = state_->by_workspace.find(workspace_id);
    auto p = state_->pending.find(workspace_id);
    return (it == state_->by_workspace.end() ? 0 : it->second.size()) +
           (p == state_->pending.end() ? 0 : p->second.size());
}

const WsOptions& WsHub::options() const { return state_->options; }

namespace detail {

void WsHubAccess::Register(WsHub& hub, WsSessionBase* session) {
    auto& st = *hub.state_;
    std::unique_lock lock(st.mu);
    std::int64_t user = session->principal().user_id;
    st.all.emplace(session, user);
    st.by_user[user].push_back(session);
    if (st.connections) st.connections->Set(static_cast<double>(st.all.size()));
}

void WsHubAccess::Unregister(WsHub& hub, WsSessionBase* session) {
    auto& st = *hub.state_;
    std::unique_lock lock(st.mu);
    auto it = st.all.find(session);
    if (it == st.all.end()) return;
    if (auto u = st.by_user.find(it->second); u != st.by_user.end()) {
        EraseOne(u->second, session);
        if (u->second.empty()) st.by_user.erase(u);
    }
    for (std::int64_t ws : session->subscriptions_) {
        if (auto w = st.by_workspace.find(ws); w != st.by_workspace.end()) {
            EraseOne(w->second, session);
            if (w->second.empty()) st.by_workspace.erase(w);
        }
        TakePending(st.pending, ws, session);
    }
    session->subscriptions_.clear();
    st.all.erase(it);
    if (st.connections) st.connections->Set(static_cast<double>(st.all.size()));
}

WsHubAccess::SubscribeResult WsHubAccess::Subscribe(WsHub& hub, WsSessionBase* session,
                                                    std::int64_t workspace, bool replay) {
    auto& st = *hub.state_;
    std::unique_lock lock(st.mu);
    auto& subs = session->subscriptions_;
    if (std::find(subs.begin(), subs.end(), workspace) != subs.end()) {
        return SubscribeResult::kAlready;
    }
    if (subs.size() >= st.options.max_subscriptions) return SubscribeResult::kTooMany;
    subs.push_back(workspace);
    if (replay) {
        auto p = std::make_shared<PendingSubscription>();
        p->session = session;
        st.pending[workspace].push_back(std::move(p));
    } else {
        st.by_workspace[workspace].push_back(session);
    }
    return SubscribeResult::kOk;
}

void WsHubAccess::FinishReplay(WsHub& hub, WsSessionBase* session, std::int64_t workspace,
                               std::int64_t since) {
    auto& st = *hub.state_;
    WsReplay replay;
    if (st.replay) {
        try {
            Result<WsReplay> r = st.replay(session->principal(), workspace, since);
            if (r.ok()) {
                replay = std::move(r).value();
            } else {
                log::Warn("ws.replay_failed", {{"error", r.error().message}});
                replay.resync = true;
            }
        } catch (const std::exception& e) {
            log::Error("ws.replay_failed", {{"error", e.what()}});
            replay.resync = true;
        }
    }
    const auto resync = std::make_shared<const std::string>(
        nlohmann::json{{"type", "resync"}, {"workspace_id", workspace}}.dump());
    if (replay.resync) {
        session->SendShared(resync);
    } else {
        for (auto& f : replay.frames) {
            session->SendShared(std::make_shared<const std::string>(std::move(f)));
        }
    }
    // Publish cannot run while this holds the lock exclusively, so nothing falls between the
    // held messages and the live ones.
    std::unique_lock lock(st.mu);
    auto pending = TakePending(st.pending, workspace, session);
    if (pending == nullptr) return;  // unsubscribed or closed meanwhile
    st.by_workspace[workspace].push_back(session);
    std::lock_guard hold(pending->mu);
    if (pending->overflowed) {
        if (!replay.resync) session->SendShared(resync);
        return;
    }
    for (auto& h : pending->held) {
        if (h.seq == 0 || h.seq > replay.through) session->SendShared(std::move(h.text));
    }
}

bool WsHubAccess::Unsubscribe(WsHub& hub, WsSessionBase* session, std::int64_t workspace) {
    auto& st = *hub.state_;
    std::unique_lock lock(st.mu);
    auto& subs = session->subscriptions_;
    auto it = std::find(subs.begin(), subs.end(), workspace);
    if (it == subs.end()) return false;
    subs.erase(it);
    if (auto w = st.by_workspace.find(workspace); w != st.by_workspace.end()) {
        EraseOne(w->second, session);
        if (w->second.empty()) st.by_workspace.erase(w);
    }
    TakePending(st.pending, workspace, session);
    return true;
}

void WsHubAccess::CloseAll(WsHub& hub) {
    auto& st = *hub.state_;
    std::shared_lock lock(st.mu);
    for (auto& [session, user] : st.all) session->Close();
}

const WsAuthenticate& WsHubAccess::authenticate(const WsHub& hub) {
    return hub.state_->authenticate;
}
const WsCanSubscribe& WsHubAccess::can_subscribe(const WsHub& hub) {
    return hub.state_->can_subscribe;
}
const WsOnMessage& WsHubAccess::on_message(const WsHub& hub) { return hub.state_->on_message; }
const WsOnClose& WsHubAccess::on_close(const WsHub& hub) { return hub.state_->on_close; }
Counter* WsHubAccess::dropped_slow(WsHub& hub) { return hub.state_->dropped_slow; }
Counter* WsHubAccess::messages_sent(WsHub& hub) { return hub.state_->messages_sent; }

}  // namespace detail
}  // namespace hudhud::http

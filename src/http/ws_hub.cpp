#include "http/ws_hub.hpp"

#include <algorithm>
#include <atomic>
#include <shared_mutex>
#include <unordered_map>

#include "http/detail/ws_session_base.hpp"
#include "http/metrics.hpp"

namespace hudhud::http {

struct WsHub::State {
    WsOptions options;
    WsAuthenticate authenticate;
    WsCanSubscribe can_subscribe;
    WsOnMessage on_message;
    WsOnClose on_close;

    // Sessions are registered while alive; a registered pointer is safe to use under mu.
    mutable std::shared_mutex mu;
    std::unordered_map<detail::WsSessionBase*, std::int64_t> all;  // -> user id
    std::unordered_map<std::int64_t, std::vector<detail::WsSessionBase*>> by_workspace;
    std::unordered_map<std::int64_t, std::vector<detail::WsSessionBase*>> by_user;

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

std::size_t WsHub::Publish(std::int64_t workspace_id, std::string json_text) {
    if (state_->published) state_->published->Increment();
    auto text = std::make_shared<const std::string>(std::move(json_text));
    std::shared_lock lock(state_->mu);
    auto it = state_->by_workspace.find(workspace_id);
    if (it == state_->by_workspace.end()) return 0;
    for (detail::WsSessionBase* s : it->second) s->SendShared(text);
    return it->second.size();
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
    return it == state_->by_workspace.end() ? 0 : it->second.size();
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
    }
    session->subscriptions_.clear();
    st.all.erase(it);
    if (st.connections) st.connections->Set(static_cast<double>(st.all.size()));
}

WsHubAccess::SubscribeResult WsHubAccess::Subscribe(WsHub& hub, WsSessionBase* session,
                                                    std::int64_t workspace) {
    auto& st = *hub.state_;
    std::unique_lock lock(st.mu);
    auto& subs = session->subscriptions_;
    if (std::find(subs.begin(), subs.end(), workspace) != subs.end()) {
        return SubscribeResult::kAlready;
    }
    if (subs.size() >= st.options.max_subscriptions) return SubscribeResult::kTooMany;
    subs.push_back(workspace);
    st.by_workspace[workspace].push_back(session);
    return SubscribeResult::kOk;
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

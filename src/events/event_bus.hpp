#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"

namespace hudhud::events {

// Something that happened in a workspace, after its transaction committed. `type` is one of the
// names in docs/api.md ("message.created", "message.updated", "conversation.created",
// "conversation.updated", "conversation.typing_on", "conversation.typing_off", ...); `data_json` is
// the JSON object the API would return for the resource (compact text).
struct Event {
    WorkspaceId workspace_id;
    std::string type;
    std::string data_json = "{}";
    std::optional<InboxId> inbox_id;
    std::optional<ConversationId> conversation_id;
};

// In-process fan-out of committed events to listeners (the agents' WebSocket hub, the Web Chat
// visitors' hub, later other nodes). Services publish only after their Write returned Ok, so a
// listener never sees an event whose data was rolled back. Listeners run synchronously on the
// publisher's thread and must not block (the hubs only enqueue). Thread-safe; subscribe before
// traffic starts.
class EventBus {
  public:
    using Listener = std::function<void(const Event&)>;

    void Subscribe(Listener listener) {
        std::lock_guard lock(mu_);
        listeners_.push_back(std::move(listener));
    }

    void Publish(const Event& event) const {
        std::vector<Listener> copy;
        {
            std::lock_guard lock(mu_);
            copy = listeners_;
        }
        for (const auto& l : copy) l(event);
    }

  private:
    mutable std::mutex mu_;
    std::vector<Listener> listeners_;
};

}  // namespace hudhud::events

#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <string>

namespace hudhud {

// A strongly typed 64-bit row id. Ids of different kinds never convert into one another.
template <typename Tag>
class Id {
public:
    constexpr Id() = default;
    constexpr explicit Id(std::int64_t v) : v_(v) {}
    constexpr std::int64_t value() const { return v_; }
    constexpr bool valid() const { return v_ > 0; }
    std::string str() const { return std::to_string(v_); }
    friend constexpr auto operator<=>(const Id&, const Id&) = default;

private:
    std::int64_t v_ = 0;
};

using WorkspaceId = Id<struct WorkspaceTag>;
using UserId = Id<struct UserTag>;
using SessionId = Id<struct SessionTag>;
using ApiTokenId = Id<struct ApiTokenTag>;
using InboxId = Id<struct InboxTag>;
using ContactId = Id<struct ContactTag>;
using ContactIdentityId = Id<struct ContactIdentityTag>;
using ConversationId = Id<struct ConversationTag>;
using MessageId = Id<struct MessageTag>;
using AttachmentId = Id<struct AttachmentTag>;
using TeamId = Id<struct TeamTag>;
using JobId = Id<struct JobTag>;
using WebhookEventId = Id<struct WebhookEventTag>;
using AuditEntryId = Id<struct AuditEntryTag>;
using InvitationId = Id<struct InvitationTag>;

}  // namespace hudhud

template <typename Tag>
struct std::hash<hudhud::Id<Tag>> {
    std::size_t operator()(const hudhud::Id<Tag>& id) const noexcept {
        return std::hash<std::int64_t>{}(id.value());
    }
};

#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "channels/adapter_registry.hpp"
#include "channels/outbound_message.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/message.hpp"
#include "core/result.hpp"
#include "events/event_bus.hpp"
#include "jobs/job.hpp"
#include "jobs/job_queue.hpp"
#include "media/media_store.hpp"
#include "net/http_client.hpp"
#include "secrets/keyring.hpp"
#include "services/send_throttle.hpp"
#include "storage/database.hpp"

namespace hudhud::services {

// What an agent (or the assistant) asks to send into a conversation. Exactly one shape applies,
// in this order: template, reaction, buttons, list (sections), media, attachment, location, plain
// text; an attachment cannot be combined with the shapes before it, nor with location.
struct OutgoingMessage {
    std::string content;  // the text; the caption of media; the body of buttons and lists;
                          // the emoji of a reaction ("" removes ours)
    bool is_private = false;               // a private note: stored and shown to agents only
    std::optional<MessageId> reply_to_id;  // quote a message of the same conversation
    std::optional<channels::OutboundTemplate> template_message;
    std::optional<MessageId> reaction_to;
    std::vector<channels::OutboundButton> buttons;
    std::string list_button;
    std::vector<channels::OutboundListSection> sections;
    std::string header;
    std::string footer;
    std::optional<channels::OutboundMedia> media;
    // A file the agent uploaded (same workspace, stored, not bound to a message yet): bound to
    // this message when it is stored; `content` is its caption.
    std::optional<AttachmentId> attachment_id;
    std::optional<channels::Location> location;
};

struct MessageAuthor {
    SenderKind kind = SenderKind::kAgent;
    std::optional<std::int64_t> id;  // the user id of an agent
};

// Sends agent and assistant messages out through the conversation's channel.
//
// Send checks everything that can be known before anything leaves (the inbox is connected, the
// message fits the platform's rules, WhatsApp's 24-hour customer service window is open or the
// message is an approved template, a marketing template has the contact's opt-in), then commits
// the message as pending together with a "message.send" job and publishes message.created. The
// job paces sends (SendThrottle), calls the platform, and records the outcome on the message:
// sent with the platform's id, or failed with the platform's code and an explanation. 5xx, 429,
// throughput (130429) and pair-rate (131056) errors are retried with backoff; policy errors
// (131047, 131026, 131050, 132xxx, ...) never are; token errors (190) mark the inbox
// needs_reconnect. Channels without a platform API (Web Chat) are delivered by event only.
//
// Attachments: Send refuses an attachment of another workspace (kNotFound), one not stored, one
// already bound (kConflict), and on WhatsApp a type or size WhatsApp does not take (the kind is
// derived from the MIME type, whatsapp::OutboundMediaKind); it binds the attachment to the new
// message in the same transaction and lists it in content_attributes.attachments. On WhatsApp the
// job first uploads the bytes to Graph's /media (once: the media id is kept on the attachment and
// reused by later attempts) and then sends the media message by id; upload failures are
// classified like send failures. Needs EnableAttachments.
// Thread-safe.
class OutboundMessageService {
  public:
    static constexpr std::string_view kSendJob = "message.send";
    static constexpr std::string_view kMarkReadJob = "message.mark_read";

    struct Options {
        std::string graph_api_url = "https://graph.facebook.com";
        std::string graph_api_version = "v23.0";
        int default_messages_per_second = 80;
        std::chrono::hours reply_window{24};
        // A send that would wait longer than this for its pacing slot goes back to the queue.
        std::chrono::milliseconds max_pacing_wait{2000};
        int max_attempts = 8;
    };

    OutboundMessageService(storage::Database& db, const Clock& clock,
                           const secrets::Keyring& keyring,
                           const channels::AdapterRegistry& adapters, jobs::JobQueue& jobs,
                           const net::HttpClient& http, const events::EventBus* events,
                           Options options);

    // Where uploaded files' bytes are, for sending attachments. Call once, before the service is
    // shared between threads; without it a message with attachment_id is kFailedPrecondition.
    void EnableAttachments(media::MediaStore& store) { media_ = &store; }

    Result<Message> Send(WorkspaceId ws, ConversationId conversation, const MessageAuthor& author,
                         const OutgoingMessage& message);

    // The agent read the conversation: unread count to zero, and on WhatsApp a read receipt for
    // the customer's newest message (sent by a job).
    Status MarkRead(WorkspaceId ws, ConversationId conversation);

    // Job handlers.
    Status ProcessSend(const jobs::JobContext& job);
    Status ProcessMarkRead(const jobs::JobContext& job);

    // When the conversation's WhatsApp customer service window closes (nullopt: it is closed,
    // or the channel has no window).
    std::optional<Timestamp> ReplyWindowEnds(ChannelKind kind,
                                             const std::optional<Timestamp>& last_incoming) const;

  private:
    storage::Database& db_;
    const Clock& clock_;
    const secrets::Keyring& keyring_;
    const channels::AdapterRegistry& adapters_;
    jobs::JobQueue& jobs_;
    const net::HttpClient& http_;
    const events::EventBus* events_;
    Options options_;
    SendThrottle throttle_;
    media::MediaStore* media_ = nullptr;
};

}  // namespace hudhud::services

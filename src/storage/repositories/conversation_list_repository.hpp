#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/message.hpp"
#include "core/result.hpp"
#include "storage/repositories/conversation_repository.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage {

// Which conversations the shared inbox lists. Every field narrows; the default lists all.
struct ConversationFilter {
    std::vector<std::string> statuses;  // empty: every status
    std::optional<InboxId> inbox;
    std::optional<std::int64_t> assignee;  // a user id
    bool unassigned = false;               // assignee_id IS NULL (exclusive with `assignee`)
    std::optional<std::int64_t> team;
    std::optional<std::string> label;
    std::optional<std::string> priority;
    bool unread_only = false;
    // Set: only conversations of these inboxes (the caller's InboxScope); empty matches none.
    std::optional<std::vector<InboxId>> visible_inboxes;
};

// A position in the list: the last item of the previous page.
struct ConversationCursor {
    Timestamp last_activity_at;
    ConversationId id;
};

// A row of the conversation list: the conversation (with its labels), its newest message and
// what the row shows about the contact and the channel.
struct ConversationListItem {
    ConversationRow conversation;
    std::optional<Message> last_message;
    std::string contact_name;
    std::string channel_kind;
};

struct ConversationListPage {
    std::vector<ConversationListItem> items;
    std::optional<ConversationCursor> next;
};

struct ConversationCounts {
    std::map<std::string, std::int64_t> by_status;  // every status, 0 when none
    std::map<std::int64_t, std::int64_t> unread_by_inbox;  // every inbox of the workspace
    std::int64_t mine = 0;        // open, assigned to the asking user
    std::int64_t unassigned = 0;  // open, nobody's
    std::int64_t mine_unread = 0;
    std::int64_t unassigned_unread = 0;
};

// The shared inbox's reads over conversations. Every query walks one of the conversation
// indexes in (last_activity_at DESC, id DESC) order and stops after the page (see List).
class ConversationListRepository {
public:
    // Newest activity first, after `after` when given; `limit` in [1, 200]. The index follows
    // the filter: assignee → conversations_assignee, else inbox → conversations_inbox_status,
    // else status → conversations_status, else conversations_list. Without a status filter the
    // first two read each status's slice and merge the first `limit` rows of each, so no query
    // sorts more than 4 × limit rows. With visible_inboxes (an agent's scope) and no inbox or
    // assignee filter, each visible inbox's status slices are merged the same way (4 × inboxes
    // slices of at most `limit` rows). The last message comes from messages_conversation, one
    // lookup per row.
    static Result<ConversationListPage> List(Session& s, WorkspaceId ws,
                                             const ConversationFilter& f,
                                             const std::optional<ConversationCursor>& after,
                                             int limit);
    // The SQL and parameters List runs (for EXPLAIN in tests).
    static std::string ListSql(WorkspaceId ws, const ConversationFilter& f,
                               const std::optional<ConversationCursor>& after, int limit,
                               Params& params);
    // Label names of these conversations (primary-key lookups), sorted.
    static Result<std::map<std::int64_t, std::vector<std::string>>> LabelsOf(
        Session& s, WorkspaceId ws, const std::vector<ConversationId>& ids);
    // One conversation with its labels; kNotFound outside the workspace.
    static Result<ConversationRow> GetWithLabels(Session& s, WorkspaceId ws, ConversationId id);
    // With `visible` (an agent's scope), only those inboxes' conversations are counted and
    // unread_by_inbox lists only them.
    static Result<ConversationCounts> Counts(
        Session& s, WorkspaceId ws, UserId me,
        const std::optional<std::vector<InboxId>>& visible = std::nullopt);
};

}  // namespace hudhud::storage

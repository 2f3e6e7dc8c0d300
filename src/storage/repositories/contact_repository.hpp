#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/contact.hpp"
#include "core/result.hpp"
#include "storage/repositories/page.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage {

struct ContactFields {
    std::optional<std::string> name;
    std::optional<std::string> email;
    std::optional<std::string> phone_e164;
    std::optional<std::string> avatar_url;
    std::optional<std::string> locale;
    std::optional<std::string> custom_attributes_json;
};

class ContactRepository {
public:
    static Result<Contact> Create(Session& s, WorkspaceId ws, const ContactFields& f,
                                  Timestamp now);
    static Result<Contact> Get(Session& s, WorkspaceId ws, ContactId id);
    // Newest first.
    static Result<Page<Contact>> List(Session& s, WorkspaceId ws, const PageRequest& page);
    // Absent fields are left as they are.
    static Status Update(Session& s, WorkspaceId ws, ContactId id, const ContactFields& f,
                         Timestamp now);
    static Status SetMarketingConsent(Session& s, WorkspaceId ws, ContactId id, bool consent,
                                      Timestamp now);
    static Status SetReachable(Session& s, WorkspaceId ws, ContactId id, bool reachable,
                               Timestamp now);
    // Deletes the contact with its identities, conversations, messages and notes.
    static Status Delete(Session& s, WorkspaceId ws, ContactId id);

    static Result<std::vector<ContactIdentity>> ListIdentities(Session& s, WorkspaceId ws,
                                                               ContactId id);

    static Result<ContactNote> AddNote(Session& s, WorkspaceId ws, ContactId id,
                                       std::optional<UserId> author, const std::string& content,
                                       Timestamp now);
    static Result<std::vector<ContactNote>> ListNotes(Session& s, WorkspaceId ws, ContactId id);
    static Status DeleteNote(Session& s, WorkspaceId ws, ContactId id, std::int64_t note_id);
};

namespace detail {
// The columns (unqualified, comma-separated) and row reader behind Contact, for other
// repositories that select contacts (SearchRepository).
const char* ContactColumns();
Contact ReadContactRow(const std::vector<Value>& row);
}  // namespace detail

}  // namespace hudhud::storage

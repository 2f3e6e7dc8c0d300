#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/contact.hpp"
#include "core/result.hpp"
#include "services/audit_log.hpp"
#include "services/principal.hpp"
#include "storage/database.hpp"
#include "storage/repositories/contact_repository.hpp"

namespace hudhud::services {

struct ContactDetail {
    Contact contact;
    std::vector<ContactIdentity> identities;
};

// The CRM side of contacts: create, read, update, delete, notes. Every call is scoped to the
// caller's workspace; a contact of another workspace is kNotFound. Thread-safe.
class ContactService {
public:
    ContactService(storage::Database& db, const Clock& clock, AuditLog& audit);

    Result<Contact> Create(const WorkspaceAccess& a, const storage::ContactFields& f,
                           const RequestContext& ctx);
    Result<ContactDetail> Get(const WorkspaceAccess& a, ContactId id);
    Result<storage::Page<Contact>> List(const WorkspaceAccess& a, const storage::PageRequest& p);
    Result<Contact> Update(const WorkspaceAccess& a, ContactId id, const storage::ContactFields& f,
                           const RequestContext& ctx);
    // Erases the contact and everything about it (conversations, messages, notes).
    Status Delete(const WorkspaceAccess& a, ContactId id, const RequestContext& ctx);

    Result<ContactNote> AddNote(const WorkspaceAccess& a, ContactId id, const std::string& content);
    Result<std::vector<ContactNote>> ListNotes(const WorkspaceAccess& a, ContactId id);
    Status DeleteNote(const WorkspaceAccess& a, ContactId id, std::int64_t note_id);

    static Status Validate(const storage::ContactFields& f);

private:
    storage::Database& db_;
    const Clock& clock_;
    AuditLog& audit_;
};

}  // namespace hudhud::services

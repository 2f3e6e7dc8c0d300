#include "services/contact_service.hpp"

#include "core/phone.hpp"
#include "services/account_service.hpp"

namespace hudhud::services {
namespace {

using storage::ContactRepository;
using storage::Session;

// Phones arrive as people write them ("+971 50 123 4567", "00971...", Arabic-Indic digits) and
// are kept in E.164; an empty string clears the field.
Status NormalizePhone(storage::ContactFields& f) {
    if (!f.phone_e164 || f.phone_e164->empty()) return Ok();
    auto e164 = NormalizePhoneE164(*f.phone_e164);
    if (!e164.ok()) {
        return Error::InvalidArgument(
            "phone must be an international number, e.g. +971501234567 (" +
            e164.error().message + ")");
    }
    f.phone_e164 = std::move(e164).value();
    return Ok();
}

}  // namespace

ContactService::ContactService(storage::Database& db, const Clock& clock, AuditLog& audit)
    : db_(db), clock_(clock), audit_(audit) {}

Status ContactService::Validate(const storage::ContactFields& f) {
    if (f.name && f.name->size() > 255) return Error::InvalidArgument("name is too long");
    if (f.email && !f.email->empty() && !AccountService::NormalizeEmail(*f.email)) {
        return Error::InvalidArgument("email is not a valid address");
    }
    if (f.phone_e164 && !f.phone_e164->empty()) {
        storage::ContactFields phone_only;
        phone_only.phone_e164 = f.phone_e164;
        HH_RETURN_IF_ERROR(NormalizePhone(phone_only));
    }
    if (f.avatar_url && f.avatar_url->size() > 2048) {
        return Error::InvalidArgument("avatar_url is too long");
    }
    if (f.locale && f.locale->size() > 16) return Error::InvalidArgument("locale is too long");
    if (f.custom_attributes_json && f.custom_attributes_json->size() > 16 * 1024) {
        return Error::InvalidArgument("custom_attributes is too large");
    }
    return Ok();
}

Result<Contact> ContactService::Create(const WorkspaceAccess& a, const storage::ContactFields& f_in,
                                       const RequestContext& ctx) {
    (void)ctx;
    HH_RETURN_IF_ERROR(Validate(f_in));
    storage::ContactFields f = f_in;
    if (f.email) f.email = AccountService::NormalizeEmail(*f.email);
    HH_RETURN_IF_ERROR(NormalizePhone(f));
    const Timestamp now = clock_.Now();
    return db_.WriteValue(
        [&](Session& s) { return ContactRepository::Create(s, a.workspace(), f, now); });
}

Result<ContactDetail> ContactService::Get(const WorkspaceAccess& a, ContactId id) {
    return db_.ReadValue([&](Session& s) -> Result<ContactDetail> {
        ContactDetail d;
        HH_ASSIGN_OR_RETURN(d.contact, ContactRepository::Get(s, a.workspace(), id));
        HH_ASSIGN_OR_RETURN(d.identities, ContactRepository::ListIdentities(s, a.workspace(), id));
        return d;
    });
}

Result<storage::Page<Contact>> ContactService::List(const WorkspaceAccess& a,
                                                    const storage::PageRequest& p) {
    return db_.ReadValue([&](Session& s) { return ContactRepository::List(s, a.workspace(), p); });
}

Result<Contact> ContactService::Update(const WorkspaceAccess& a, ContactId id,
                                       const storage::ContactFields& f_in,
                                       const RequestContext& ctx) {
    (void)ctx;
    HH_RETURN_IF_ERROR(Validate(f_in));
    storage::ContactFields f = f_in;
    if (f.email && !f.email->empty()) f.email = AccountService::NormalizeEmail(*f.email);
    HH_RETURN_IF_ERROR(NormalizePhone(f));
    const Timestamp now = clock_.Now();
    return db_.WriteValue([&](Session& s) -> Result<Contact> {
        HH_RETURN_IF_ERROR(ContactRepository::Update(s, a.workspace(), id, f, now));
        return ContactRepository::Get(s, a.workspace(), id);
    });
}

Status ContactService::Delete(const WorkspaceAccess& a, ContactId id, const RequestContext& ctx) {
    return db_.Write([&](Session& s) -> Status {
        HH_RETURN_IF_ERROR(ContactRepository::Delete(s, a.workspace(), id));
        return audit_.Append(s, audit_.Make(a.workspace(), &a.principal, "contact.deleted",
                                            "contact", id.str(), ctx));
    });
}

Result<ContactNote> ContactService::AddNote(const WorkspaceAccess& a, ContactId id,
                                            const std::string& content) {
    if (content.empty()) return Error::InvalidArgument("content must not be empty");
    if (content.size() > 20000) return Error::InvalidArgument("content is too long");
    const Timestamp now = clock_.Now();
    return db_.WriteValue([&](Session& s) {
        return ContactRepository::AddNote(s, a.workspace(), id, a.user(), content, now);
    });
}

Result<std::vector<ContactNote>> ContactService::ListNotes(const WorkspaceAccess& a, ContactId id) {
    return db_.ReadValue(
        [&](Session& s) { return ContactRepository::ListNotes(s, a.workspace(), id); });
}

Status ContactService::DeleteNote(const WorkspaceAccess& a, ContactId id, std::int64_t note_id) {
    return db_.Write(
        [&](Session& s) { return ContactRepository::DeleteNote(s, a.workspace(), id, note_id); });
}

}  // namespace hudhud::services

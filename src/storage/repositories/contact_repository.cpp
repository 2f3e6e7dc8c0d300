#include "storage/repositories/contact_repository.hpp"

#include "storage/repositories/row.hpp"
#include "storage/repositories/search_repository.hpp"

namespace hudhud::storage {
namespace {

using detail::OptValue;
using detail::Discard;
using detail::ExpectOneRow;
using detail::RowReader;
using detail::TimeValue;

constexpr const char* kContactCols =
    "id, workspace_id, name, email, phone_e164, avatar_url, locale, custom_attributes, "
    "marketing_consent, reachable, created_at, updated_at, last_activity_at";

Contact ReadContact(RowReader r) {
    Contact c;
    c.id = r.IdOf<ContactId>();
    c.workspace_id = r.IdOf<WorkspaceId>();
    c.name = r.Text();
    c.email = r.OptText();
    c.phone_e164 = r.OptText();
    c.avatar_url = r.OptText();
    c.locale = r.OptText();
    c.custom_attributes_json = r.Text();
    c.marketing_consent = r.Bool();
    c.reachable = r.Bool();
    c.created_at = r.Time();
    c.updated_at = r.Time();
    c.last_activity_at = r.OptTime();
    return c;
}

ContactNote ReadNote(RowReader r) {
    ContactNote n;
    n.id = r.Int();
    n.workspace_id = r.IdOf<WorkspaceId>();
    n.contact_id = r.IdOf<ContactId>();
    n.author_id = r.OptIdOf<UserId>();
    n.content = r.Text();
    n.created_at = r.Time();
    return n;
}


}  // namespace

Result<Contact> ContactRepository::Create(Session& s, WorkspaceId ws, const ContactFields& f,
                                          Timestamp now) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query(std::string("INSERT INTO contacts (workspace_id, name, email, phone_e164, "
                            "avatar_url, locale, custom_attributes, created_at, updated_at) "
                            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ") +
                    kContactCols,
                {ws.value(), f.name.value_or(""), OptValue(f.email), OptValue(f.phone_e164),
                 OptValue(f.avatar_url), OptValue(f.locale),
                 f.custom_attributes_json.value_or("{}"), TimeValue(now)}));
    Contact c = ReadContact(RowReader(rows.rows.at(0)));
    HH_RETURN_IF_ERROR(
        SearchRepository::IndexContact(s, ws, c.id, {c.name, c.email, c.phone_e164, {}}));
    return c;
}

Result<Contact> ContactRepository::Get(Session& s, WorkspaceId ws, ContactId id) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kContactCols +
                                               " FROM contacts WHERE workspace_id = $1 AND id = $2",
                                           {ws.value(), id.value()}));
    if (rows.empty()) return Error::NotFound("contact not found");
    return ReadContact(RowReader(rows.rows[0]));
}

Result<Page<Contact>> ContactRepository::List(Session& s, WorkspaceId ws,
                                              const PageRequest& page) {
    const int limit = ClampLimit(page.limit);
    HH_ASSIGN_OR_RETURN(
        auto rows, s.Query(std::string("SELECT ") + kContactCols +
                               " FROM contacts WHERE workspace_id = $1 AND id < $2 ORDER BY id "
                               "DESC LIMIT $3",
                           {ws.value(), page.cursor.value_or(INT64_MAX),
                            static_cast<std::int64_t>(limit + 1)}));
    std::vector<Contact> items;
    for (const auto& row : rows.rows) items.push_back(ReadContact(RowReader(row)));
    return MakePage(std::move(items), limit, [](const Contact& c) { return c.id.value(); });
}

Status ContactRepository::Update(Session& s, WorkspaceId ws, ContactId id, const ContactFields& f,
                                 Timestamp now) {
    HH_RETURN_IF_ERROR(ExpectOneRow(
        s.Exec("UPDATE contacts SET name = COALESCE($3, name), email = COALESCE($4, email), "
               "phone_e164 = COALESCE($5, phone_e164), avatar_url = COALESCE($6, avatar_url), "
               "locale = COALESCE($7, locale), custom_attributes = COALESCE($8, "
               "custom_attributes), updated_at = $9 WHERE workspace_id = $1 AND id = $2",
               {ws.value(), id.value(), OptValue(f.name), OptValue(f.email),
                OptValue(f.phone_e164), OptValue(f.avatar_url), OptValue(f.locale),
                OptValue(f.custom_attributes_json), TimeValue(now)}),
        "contact"));
    if (!f.name && !f.email && !f.phone_e164) return Ok();
    return SearchRepository::ReindexContact(s, ws, id);
}

Status ContactRepository::SetMarketingConsent(Session& s, WorkspaceId ws, ContactId id,
                                              bool consent, Timestamp now) {
    return ExpectOneRow(
        s.Exec("UPDATE contacts SET marketing_consent = $3, consent_updated_at = $4, updated_at "
               "= $4 WHERE workspace_id = $1 AND id = $2",
               {ws.value(), id.value(), std::int64_t{consent ? 1 : 0}, TimeValue(now)}),
        "contact");
}

Status ContactRepository::SetReachable(Session& s, WorkspaceId ws, ContactId id, bool reachable,
                                       Timestamp now) {
    return ExpectOneRow(s.Exec("UPDATE contacts SET reachable = $3, updated_at = $4 WHERE "
                               "workspace_id = $1 AND id = $2",
                               {ws.value(), id.value(), std::int64_t{reachable ? 1 : 0},
                                TimeValue(now)}),
                        "contact");
}

Status ContactRepository::Delete(Session& s, WorkspaceId ws, ContactId id) {
    return ExpectOneRow(s.Exec("DELETE FROM contacts WHERE workspace_id = $1 AND id = $2",
                               {ws.value(), id.value()}),
                        "contact");
}

Result<std::vector<ContactIdentity>> ContactRepository::ListIdentities(Session& s, WorkspaceId ws,
                                                                       ContactId id) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query("SELECT id, workspace_id, contact_id, inbox_id, external_id, secondary_id, "
                "created_at FROM contact_identities WHERE workspace_id = $1 AND contact_id = $2 "
                "ORDER BY id",
                {ws.value(), id.value()}));
    std::vector<ContactIdentity> out;
    for (const auto& row : rows.rows) {
        RowReader r(row);
        ContactIdentity ci;
        ci.id = r.IdOf<ContactIdentityId>();
        ci.workspace_id = r.IdOf<WorkspaceId>();
        ci.contact_id = r.IdOf<ContactId>();
        ci.inbox_id = r.IdOf<InboxId>();
        ci.external_id = r.Text();
        ci.secondary_id = r.OptText();
        ci.created_at = r.Time();
        out.push_back(std::move(ci));
    }
    return out;
}

Result<ContactNote> ContactRepository::AddNote(Session& s, WorkspaceId ws, ContactId id,
                                               std::optional<UserId> author,
                                               const std::string& content, Timestamp now) {
    // The contact must belong to the workspace; checking here keeps a foreign id from
    // attaching a note across tenants.
    HH_RETURN_IF_ERROR(Get(s, ws, id));
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query("INSERT INTO notes (workspace_id, contact_id, author_id, content, created_at) "
                "VALUES ($1, $2, $3, $4, $5) RETURNING id, workspace_id, contact_id, author_id, "
                "content, created_at",
                {ws.value(), id.value(), author ? Value(author->value()) : Value(nullptr),
                 content, TimeValue(now)}));
    return ReadNote(RowReader(rows.rows.at(0)));
}

Result<std::vector<ContactNote>> ContactRepository::ListNotes(Session& s, WorkspaceId ws,
                                                              ContactId id) {
    HH_RETURN_IF_ERROR(Get(s, ws, id));
    HH_ASSIGN_OR_RETURN(auto rows,
                        s.Query("SELECT id, workspace_id, contact_id, author_id, content, "
                                "created_at FROM notes WHERE workspace_id = $1 AND contact_id = "
                                "$2 ORDER BY id DESC",
                                {ws.value(), id.value()}));
    std::vector<ContactNote> out;
    for (const auto& row : rows.rows) out.push_back(ReadNote(RowReader(row)));
    return out;
}

Status ContactRepository::DeleteNote(Session& s, WorkspaceId ws, ContactId id,
                                     std::int64_t note_id) {
    return ExpectOneRow(s.Exec("DELETE FROM notes WHERE workspace_id = $1 AND contact_id = $2 "
                               "AND id = $3",
                               {ws.value(), id.value(), note_id}),
                        "note");
}

namespace detail {

const char* ContactColumns() { return kContactCols; }
Contact ReadContactRow(const std::vector<Value>& row) { return ReadContact(RowReader(row)); }

}  // namespace detail

}  // namespace hudhud::storage

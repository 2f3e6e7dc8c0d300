#pragma once

#include <nlohmann/json.hpp>

#include "core/audit.hpp"
#include "core/contact.hpp"
#include "core/inbox.hpp"
#include "core/workspace.hpp"
#include "storage/repositories/auth_repository.hpp"
#include "storage/repositories/team_repository.hpp"
#include "storage/repositories/workspace_repository.hpp"

namespace hudhud::http::api {

// The JSON shapes of the public API (docs/api.md). Instants are integers: microseconds since
// the Unix epoch. Secrets (password hashes, token hashes, credentials) never appear here.
nlohmann::json ToJson(const Workspace& w);
nlohmann::json ToJson(const User& u);
nlohmann::json ToJson(const storage::UserWorkspace& uw);
nlohmann::json ToJson(const Member& m);
nlohmann::json ToJson(const storage::InvitationRecord& i);
nlohmann::json ToJson(const storage::ApiTokenRecord& t);
nlohmann::json ToJson(const AuditEntry& e);
nlohmann::json ToJson(const Contact& c);
nlohmann::json ToJson(const ContactIdentity& ci);
nlohmann::json ToJson(const ContactNote& n);
nlohmann::json ToJson(const Inbox& i, const std::string& public_url);
nlohmann::json ToJson(const storage::Team& t);
nlohmann::json ToJson(const storage::Label& l);

// Parses a stored JSON document; an unparsable one becomes an empty object rather than a crash.
nlohmann::json ParseStored(const std::string& text);

}  // namespace hudhud::http::api

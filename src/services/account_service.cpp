#include "services/account_service.hpp"

#include <algorithm>
#include <cctype>

#include "secrets/token.hpp"
#include "storage/repositories/auth_repository.hpp"

namespace hudhud::services {
namespace {

using storage::ApiTokenRepository;
using storage::MembershipRepository;
using storage::Session;
using storage::SessionRepository;
using storage::UserRepository;
using storage::WorkspaceRepository;

constexpr std::size_t kMaxNameLength = 200;

Status ValidateName(const std::string& value, const char* field) {
    if (value.empty()) return Error::InvalidArgument(std::string(field) + " must not be empty");
    if (value.size() > kMaxNameLength) {
        return Error::InvalidArgument(std::string(field) + " is too long");
    }
    return Ok();
}

Status ValidateLocale(const std::string& locale) {
    if (locale != "en" && locale != "ar") {
        return Error::InvalidArgument("locale must be \"en\" or \"ar\"");
    }
    return Ok();
}

}  // namespace

AccountService::AccountService(storage::Database& db, const Clock& clock, AuditLog& audit,
                               LoginThrottle& throttle, Options options)
    : clock_(clock), db_(db), audit_(audit), throttle_(throttle), options_(std::move(options)) {
    // Verifying against a real hash when the email is unknown keeps the response time of a
    // wrong email equal to that of a wrong password.
    dummy_hash_ = secrets::HashPassword("hudhud-timing-equalizer", options_.password_hash)
                      .value_or(std::string());
}

std::optional<std::string> AccountService::NormalizeEmail(std::string_view email) {
    std::string out;
    for (char c : email) {
        if (std::isspace(static_cast<unsigned char>(c))) continue;
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    const auto at = out.find('@');
    if (out.size() > 254 || at == std::string::npos || at == 0 || at + 1 >= out.size() ||
        out.find('@', at + 1) != std::string::npos ||
        out.find('.', at + 1) == std::string::npos) {
        return std::nullopt;
    }
    return out;
}

Status AccountService::ValidatePassword(const std::string& password) const {
    if (password.size() < options_.min_password_length) {
        return Error::InvalidArgument("password must be at least " +
                                      std::to_string(options_.min_password_length) +
                                      " characters");
    }
    if (password.size() > 1024) return Error::InvalidArgument("password is too long");
    return Ok();
}

Result<bool> AccountService::NeedsSetup() {
    HH_ASSIGN_OR_RETURN(auto n,
                        db_.ReadValue([](Session& s) { return WorkspaceRepository::Count(s); }));
    return n == 0;
}

Result<SignedIn> AccountService::SetupFirstOwner(const OwnerSetup& setup,
                                                 const RequestContext& ctx) {
    HH_ASSIGN_OR_RETURN(bool needs, NeedsSetup());
    if (!needs) return Error::Conflict("set-up is already complete; sign in instead");
    HH_ASSIGN_OR_RETURN(auto created, CreateOwner(setup));
    HH_RETURN_IF_ERROR(audit_.Append(audit_.Make(created.workspace.id, nullptr, "workspace.created",
                                                 "workspace", created.workspace.id.str(), ctx,
                                                 {{"via", "first_run_setup"}})));
    return SignInNewSession(created.user, ctx);
}

Result<CreatedOwner> AccountService::CreateOwner(const OwnerSetup& setup) {
    HH_RETURN_IF_ERROR(ValidateName(setup.workspace_name, "workspace_name"));
    HH_RETURN_IF_ERROR(ValidateName(setup.name, "name"));
    HH_RETURN_IF_ERROR(ValidateLocale(setup.locale));
    auto email = NormalizeEmail(setup.email);
    if (!email) return Error::InvalidArgument("email is not a valid address");
    HH_RETURN_IF_ERROR(ValidatePassword(setup.password));
    HH_ASSIGN_OR_RETURN(std::string hash,
                        secrets::HashPassword(setup.password, options_.password_hash));
    const Timestamp now = clock_.Now();
    return db_.WriteValue([&](Session& s) -> Result<CreatedOwner> {
        HH_ASSIGN_OR_RETURN(auto existing, UserRepository::FindByEmail(s, *email));
        CreatedOwner out;
        if (existing) {
            if (!secrets::VerifyPassword(existing->password_hash, setup.password)) {
                return Error::Conflict("a user with this email exists with another password");
            }
            out.user = *existing;
        } else {
            HH_ASSIGN_OR_RETURN(out.user, UserRepository::Create(s, *email, setup.name, hash,
                                                                 setup.locale, now));
        }
        HH_ASSIGN_OR_RETURN(out.workspace,
                            WorkspaceRepository::Create(s, setup.workspace_name, setup.locale, now));
        HH_RETURN_IF_ERROR(MembershipRepository::Add(s, out.workspace.id, out.user.id,
                                                     Role::kOwner, now));
        out.user.password_hash.clear();
        return out;
    });
}

Result<SignedIn> AccountService::SignInNewSession(const User& user, const RequestContext& ctx) {
    SignedIn out;
    out.session_token = secrets::RandomToken(32);
    out.csrf_token = secrets::RandomToken(24);
    const Timestamp now = clock_.Now();
    out.expires_at = now + options_.session_ttl;
    const std::string token_hash = secrets::HashToken(out.session_token);
    Status st = db_.Write([&](Session& s) -> Status {
        HH_ASSIGN_OR_RETURN(auto rec,
                            SessionRepository::Create(s, user.id, token_hash, out.csrf_token,
                                                      ctx.ip, ctx.user_agent.substr(0, 512), now,
                                                      out.expires_at));
        (void)rec;
        HH_ASSIGN_OR_RETURN(out.workspaces, MembershipRepository::ListForUser(s, user.id));
        for (const auto& uw : out.workspaces) {
            Principal p{user, std::nullopt, std::nullopt};
            HH_RETURN_IF_ERROR(audit_.Append(
                s, audit_.Make(uw.workspace.id, &p, "auth.sign_in", "user", user.id.str(), ctx)));
        }
        return Ok();
    });
    if (!st.ok()) return std::move(st).error();
    out.user = user;
    out.user.password_hash.clear();
    return out;
}

Result<SignedIn> AccountService::Login(const std::string& email_in, const std::string& password,
                                       const RequestContext& ctx) {
    const std::string email = NormalizeEmail(email_in).value_or(email_in);
    if (auto wait = throttle_.RetryAfter(email, ctx.ip)) {
        return Error::RateLimited("too many failed sign-in attempts; retry after " +
                                  std::to_string(wait->count()) + " seconds");
    }
    HH_ASSIGN_OR_RETURN(auto user, db_.ReadValue([&](Session& s) {
        return UserRepository::FindByEmail(s, email);
    }));
    bool ok = false;
    if (user) {
        ok = secrets::VerifyPassword(user->password_hash, password);
    } else {
        (void)secrets::VerifyPassword(dummy_hash_, password);
    }
    if (!ok) {
        throttle_.RecordFailure(email, ctx.ip);
        // A failed sign-in is recorded in every workspace of the targeted account so its admins
        // can see guessing; unknown emails are logged without a workspace.
        Status st = db_.Write([&](Session& s) -> Status {
            nlohmann::json details = {{"email", email}};
            if (!user) {
                return audit_.Append(
                    s, audit_.Make(std::nullopt, nullptr, "auth.sign_in_failed", "user", "", ctx,
                                   details));
            }
            HH_ASSIGN_OR_RETURN(auto wss, MembershipRepository::ListForUser(s, user->id));
            for (const auto& uw : wss) {
                HH_RETURN_IF_ERROR(audit_.Append(
                    s, audit_.Make(uw.workspace.id, nullptr, "auth.sign_in_failed", "user",
                                   user->id.str(), ctx, details)));
            }
            return Ok();
        });
        if (!st.ok()) return std::move(st).error();
        return Error::Unauthenticated("email or password is incorrect");
    }
    throttle_.RecordSuccess(email);
    return SignInNewSession(*user, ctx);
}

Status AccountService::Logout(const std::string& session_token, const RequestContext& ctx) {
    (void)ctx;
    const std::string h = secrets::HashToken(session_token);
    Status st = db_.Write([&](Session& s) { return SessionRepository::Delete(s, h); });
    InvalidateAuthCache();
    return st;
}

void AccountService::InvalidateAuthCache() {
    std::lock_guard lock(cache_mu_);
    principal_cache_.clear();
    membership_cache_.clear();
}

std::optional<Principal> AccountService::CachedLookup(const std::string& key) {
    if (options_.auth_cache_ttl.count() == 0) return std::nullopt;
    const Timestamp now = clock_.Now();
    std::lock_guard lock(cache_mu_);
    auto it = principal_cache_.find(key);
    if (it == principal_cache_.end()) return std::nullopt;
    const auto& p = it->second.principal;
    if (now >= it->second.expires || (p.session && now >= p.session->expires_at)) {
        principal_cache_.erase(it);
        return std::nullopt;
    }
    return p;
}

void AccountService::CacheStore(const std::string& key, const Principal& p) {
    if (options_.auth_cache_ttl.count() == 0) return;
    const Timestamp now = clock_.Now();
    std::lock_guard lock(cache_mu_);
    // Bounded: a flood of distinct tokens cannot grow the cache without limit.
    if (principal_cache_.size() >= 10'000) principal_cache_.clear();
    principal_cache_[key] = {p, now + options_.auth_cache_ttl};
}

Result<Principal> AccountService::AuthenticateSession(const std::string& session_token) {
    if (session_token.empty()) return Error::Unauthenticated("sign in required");
    const std::string h = secrets::HashToken(session_token);
    const std::string key = "s:" + h;
    if (auto cached = CachedLookup(key)) return std::move(*cached);
    const Timestamp now = clock_.Now();
    HH_ASSIGN_OR_RETURN(auto found, db_.ReadValue([&](Session& s) -> Result<std::optional<Principal>> {
        HH_ASSIGN_OR_RETURN(auto sess, SessionRepository::FindLive(s, h, now));
        if (!sess) return std::optional<Principal>();
        HH_ASSIGN_OR_RETURN(auto user, UserRepository::Get(s, sess->user_id));
        return std::optional<Principal>(Principal{std::move(user), std::move(*sess), std::nullopt});
    }));
    if (!found) return Error::Unauthenticated("session expired; sign in again");
    // Sliding expiry, written at most every touch interval to keep reads read-only.
    if (now - found->session->last_seen_at >= options_.session_touch_interval) {
        const auto id = found->session->id;
        const auto exp = now + options_.session_ttl;
        if (db_.Write([&](Session& s) { return SessionRepository::Touch(s, id, now, exp); }).ok()) {
            found->session->last_seen_at = now;
            found->session->expires_at = exp;
        }
    }
    found->user.password_hash.clear();
    CacheStore(key, *found);
    return std::move(*found);
}

Result<Principal> AccountService::AuthenticateApiToken(const std::string& token) {
    if (token.empty()) return Error::Unauthenticated("API token required");
    const std::string h = secrets::HashToken(token);
    const std::string key = "t:" + h;
    if (auto cached = CachedLookup(key)) return std::move(*cached);
    HH_ASSIGN_OR_RETURN(auto found, db_.ReadValue([&](Session& s) -> Result<std::optional<Principal>> {
        HH_ASSIGN_OR_RETURN(auto rec, ApiTokenRepository::FindActive(s, h));
        if (!rec) return std::optional<Principal>();
        HH_ASSIGN_OR_RETURN(auto user, UserRepository::Get(s, rec->user_id));
        return std::optional<Principal>(Principal{std::move(user), std::nullopt, std::move(*rec)});
    }));
    if (!found) return Error::Unauthenticated("API token is invalid or revoked");
    const Timestamp now = clock_.Now();
    if (!found->api_token->last_used_at ||
        now - *found->api_token->last_used_at >= options_.session_touch_interval) {
        const auto id = found->api_token->id;
        if (db_.Write([&](Session& s) { return ApiTokenRepository::MarkUsed(s, id, now); }).ok()) {
            found->api_token->last_used_at = now;
        }
    }
    found->user.password_hash.clear();
    CacheStore(key, *found);
    return std::move(*found);
}

Result<WorkspaceAccess> AccountService::Authorize(const Principal& p, WorkspaceId ws,
                                                  Role min_role) {
    if (p.api_token && p.api_token->workspace_id != ws) {
        return Error::NotFound("workspace not found");
    }
    const auto key = std::make_pair(p.user.id.value(), ws.value());
    std::optional<std::optional<Membership>> cached;
    if (options_.auth_cache_ttl.count() > 0) {
        const Timestamp now = clock_.Now();
        std::lock_guard lock(cache_mu_);
        auto it = membership_cache_.find(key);
        if (it != membership_cache_.end() && now < it->second.expires) {
            cached = it->second.membership;
        }
    }
    std::optional<Membership> m;
    if (cached) {
        m = *cached;
    } else {
        HH_ASSIGN_OR_RETURN(m, db_.ReadValue([&](Session& s) {
            return MembershipRepository::Find(s, ws, p.user.id);
        }));
        if (options_.auth_cache_ttl.count() > 0) {
            const Timestamp now = clock_.Now();
            std::lock_guard lock(cache_mu_);
            if (membership_cache_.size() >= 10'000) membership_cache_.clear();
            membership_cache_[key] = {m, now + options_.auth_cache_ttl};
        }
    }
    if (!m) return Error::NotFound("workspace not found");
    if (!RoleAtLeast(m->role, min_role)) {
        return Error::PermissionDenied("this action needs the " + std::string(RoleName(min_role)) +
                                       " role");
    }
    return WorkspaceAccess{p, *m};
}

Result<std::vector<storage::UserWorkspace>> AccountService::WorkspacesOf(UserId user) {
    return db_.ReadValue([&](Session& s) { return MembershipRepository::ListForUser(s, user); });
}

Status AccountService::UpdateProfile(UserId user, const std::optional<std::string>& name,
                                     const std::optional<std::string>& locale) {
    if (name) HH_RETURN_IF_ERROR(ValidateName(*name, "name"));
    if (locale) HH_RETURN_IF_ERROR(ValidateLocale(*locale));
    const Timestamp now = clock_.Now();
    Status st = db_.Write(
        [&](Session& s) { return UserRepository::UpdateProfile(s, user, name, locale, now); });
    InvalidateAuthCache();
    return st;
}

Status AccountService::ChangePassword(const Principal& p, const std::string& current,
                                      const std::string& next, const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(ValidatePassword(next));
    HH_ASSIGN_OR_RETURN(auto user, db_.ReadValue([&](Session& s) {
        return UserRepository::Get(s, p.user.id);
    }));
    if (!secrets::VerifyPassword(user.password_hash, current)) {
        return Error::PermissionDenied("current password is incorrect");
    }
    HH_ASSIGN_OR_RETURN(std::string hash, secrets::HashPassword(next, options_.password_hash));
    const Timestamp now = clock_.Now();
    Status st = db_.Write([&](Session& s) -> Status {
        HH_RETURN_IF_ERROR(UserRepository::UpdatePasswordHash(s, user.id, hash, now));
        // Every other session of the user ends; the current one stays signed in.
        HH_RETURN_IF_ERROR(s.Exec("DELETE FROM sessions WHERE user_id = $1 AND id <> $2",
                                  {user.id.value(),
                                   p.session ? p.session->id.value() : std::int64_t{0}}));
        HH_ASSIGN_OR_RETURN(auto wss, MembershipRepository::ListForUser(s, user.id));
        for (const auto& uw : wss) {
            HH_RETURN_IF_ERROR(audit_.Append(s, audit_.Make(uw.workspace.id, &p,
                                                            "auth.password_changed", "user",
                                                            user.id.str(), ctx)));
        }
        return Ok();
    });
    InvalidateAuthCache();
    return st;
}

Result<Workspace> AccountService::CreateWorkspace(const Principal& p, const std::string& name,
                                                  const RequestContext& ctx) {
    if (p.via_api_token()) {
        return Error::PermissionDenied("API tokens cannot create workspaces");
    }
    HH_RETURN_IF_ERROR(ValidateName(name, "name"));
    const Timestamp now = clock_.Now();
    auto created = db_.WriteValue([&](Session& s) -> Result<Workspace> {
        HH_ASSIGN_OR_RETURN(auto ws, WorkspaceRepository::Create(s, name, p.user.locale, now));
        HH_RETURN_IF_ERROR(MembershipRepository::Add(s, ws.id, p.user.id, Role::kOwner, now));
        HH_RETURN_IF_ERROR(audit_.Append(
            s, audit_.Make(ws.id, &p, "workspace.created", "workspace", ws.id.str(), ctx)));
        return ws;
    });
    InvalidateAuthCache();
    return created;
}

Result<User> AccountService::FindOrCreateUserForInvite(const std::string& email,
                                                       const std::string& name,
                                                       const std::string& password) {
    HH_ASSIGN_OR_RETURN(auto existing, db_.ReadValue([&](Session& s) {
        return UserRepository::FindByEmail(s, email);
    }));
    if (existing) {
        if (!secrets::VerifyPassword(existing->password_hash, password)) {
            return Error::Unauthenticated(
                "an account with this email exists; enter its password to accept");
        }
        return *existing;
    }
    HH_RETURN_IF_ERROR(ValidateName(name, "name"));
    HH_RETURN_IF_ERROR(ValidatePassword(password));
    HH_ASSIGN_OR_RETURN(std::string hash, secrets::HashPassword(password, options_.password_hash));
    const Timestamp now = clock_.Now();
    return db_.WriteValue(
        [&](Session& s) { return UserRepository::Create(s, email, name, hash, "en", now); });
}

}  // namespace hudhud::services

#include "services/canned_response_service.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cctype>

#include "storage/repositories/contact_repository.hpp"
#include "storage/repositories/conversation_repository.hpp"

namespace hudhud::services {
namespace {

using storage::CannedResponseRepository;
using storage::Session;

constexpr int kSearchLimit = 50;
constexpr int kListLimit = 1000;

Status RequireAdmin(const WorkspaceAccess& a) {
    if (!RoleAtLeast(a.membership.role, Role::kAdmin)) {
        return Error::PermissionDenied("this action needs the admin role");
    }
    return Ok();
}

Status ValidateContent(const std::string& content) {
    if (content.empty() || content.size() > 4096) {
        return Error::InvalidArgument("content must be 1 to 4096 characters");
    }
    return Ok();
}

std::string_view Trim(std::string_view v) {
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return v;
}

}  // namespace

std::string RenderCannedResponse(const std::string& content, const CannedVariables& vars) {
    std::string out;
    out.reserve(content.size());
    std::size_t i = 0;
    while (i < content.size()) {
        const std::size_t open = content.find("{{", i);
        if (open == std::string::npos) break;
        const std::size_t close = content.find("}}", open + 2);
        if (close == std::string::npos) break;
        out.append(content, i, open - i);
        const std::string_view name =
            Trim(std::string_view(content).substr(open + 2, close - open - 2));
        if (name == "contact.name") {
            out += vars.contact_name;
        } else if (name == "contact.email") {
            out += vars.contact_email;
        } else if (name == "contact.phone") {
            out += vars.contact_phone;
        } else if (name == "agent.name") {
            out += vars.agent_name;
        } else {
            out.append(content, open, close + 2 - open);
        }
        i = close + 2;
    }
    out.append(content, i, std::string::npos);
    return out;
}

Result<std::string> NormalizeShortCode(const std::string& short_code) {
    if (short_code.empty() || short_code.size() > 50) {
        return Error::InvalidArgument("short_code must be 1 to 50 bytes");
    }
    // Letters and digits of any script (Arabic shortcuts as much as Latin ones), lower-cased.
    std::string out;
    const auto* p = reinterpret_cast<const std::uint8_t*>(short_code.data());
    const auto n = static_cast<std::int32_t>(short_code.size());
    for (std::int32_t i = 0; i < n;) {
        UChar32 c = 0;
        U8_NEXT(p, i, n, c);
        if (c < 0 || !(u_isalnum(c) || c == '_' || c == '-' || c == '.')) {
            return Error::InvalidArgument("short_code may hold only letters, digits, _ - and .");
        }
        char buf[U8_MAX_LENGTH];
        std::int32_t len = 0;
        U8_APPEND_UNSAFE(reinterpret_cast<std::uint8_t*>(buf), len, u_tolower(c));
        out.append(buf, static_cast<std::size_t>(len));
    }
    return out;
}

Result<std::vector<storage::CannedResponse>> CannedResponseService::List(
    const WorkspaceAccess& a, const std::optional<std::string>& search) {
    std::optional<std::string> prefix;
    if (search && !search->empty()) {
        // A prefix that no short code can start with finds nothing, rather than an error.
        auto normalized = NormalizeShortCode(*search);
        if (!normalized.ok()) return std::vector<storage::CannedResponse>();
        prefix = *normalized;
    }
    return db_.ReadValue([&](Session& s) {
        return CannedResponseRepository::List(s, a.workspace(), prefix,
                                              prefix ? kSearchLimit : kListLimit);
    });
}

Result<storage::CannedResponse> CannedResponseService::Get(const WorkspaceAccess& a,
                                                           std::int64_t id) {
    return db_.ReadValue(
        [&](Session& s) { return CannedResponseRepository::Get(s, a.workspace(), id); });
}

Result<storage::CannedResponse> CannedResponseService::Create(const WorkspaceAccess& a,
                                                              const std::string& short_code,
                                                              const std::string& content,
                                                              const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(RequireAdmin(a));
    HH_ASSIGN_OR_RETURN(auto code, NormalizeShortCode(short_code));
    HH_RETURN_IF_ERROR(ValidateContent(content));
    const Timestamp now = clock_.Now();
    auto created = db_.WriteValue([&](Session& s) -> Result<storage::CannedResponse> {
        HH_ASSIGN_OR_RETURN(auto c,
                            CannedResponseRepository::Create(s, a.workspace(), code, content, now));
        HH_RETURN_IF_ERROR(audit_.Append(
            s, audit_.Make(a.workspace(), &a.principal, "canned_response.created",
                           "canned_response", std::to_string(c.id), ctx,
                           {{"short_code", c.short_code}})));
        return c;
    });
    if (!created.ok() && created.error().code == ErrorCode::kConflict) {
        return Error::Conflict("a canned response with this short_code exists");
    }
    return created;
}

Result<storage::CannedResponse> CannedResponseService::Update(
    const WorkspaceAccess& a, std::int64_t id, const std::optional<std::string>& short_code,
    const std::optional<std::string>& content, const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(RequireAdmin(a));
    std::optional<std::string> code;
    if (short_code) {
        HH_ASSIGN_OR_RETURN(code, NormalizeShortCode(*short_code));
    }
    if (content) HH_RETURN_IF_ERROR(ValidateContent(*content));
    const Timestamp now = clock_.Now();
    auto updated = db_.WriteValue([&](Session& s) -> Result<storage::CannedResponse> {
        HH_RETURN_IF_ERROR(
            CannedResponseRepository::Update(s, a.workspace(), id, code, content, now));
        HH_RETURN_IF_ERROR(audit_.Append(
            s, audit_.Make(a.workspace(), &a.principal, "canned_response.updated",
                           "canned_response", std::to_string(id), ctx)));
        return CannedResponseRepository::Get(s, a.workspace(), id);
    });
    if (!updated.ok() && updated.error().code == ErrorCode::kConflict) {
        return Error::Conflict("a canned response with this short_code exists");
    }
    return updated;
}

Status CannedResponseService::Delete(const WorkspaceAccess& a, std::int64_t id,
                                     const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(RequireAdmin(a));
    return db_.Write([&](Session& s) -> Status {
        HH_RETURN_IF_ERROR(CannedResponseRepository::Delete(s, a.workspace(), id));
        return audit_.Append(s, audit_.Make(a.workspace(), &a.principal,
                                            "canned_response.deleted", "canned_response",
                                            std::to_string(id), ctx));
    });
}

Result<RenderedCannedResponse> CannedResponseService::Render(const WorkspaceAccess& a,
                                                             ConversationId conversation,
                                                             std::int64_t id) {
    return db_.ReadValue([&](Session& s) -> Result<RenderedCannedResponse> {
        HH_ASSIGN_OR_RETURN(auto conv,
                            storage::ConversationRepository::Get(s, a.workspace(), conversation));
        HH_ASSIGN_OR_RETURN(auto contact,
                            storage::ContactRepository::Get(s, a.workspace(), conv.contact_id));
        HH_ASSIGN_OR_RETURN(auto response, CannedResponseRepository::Get(s, a.workspace(), id));
        CannedVariables vars;
        vars.contact_name = contact.name;
        vars.contact_email = contact.email.value_or("");
        vars.contact_phone = contact.phone_e164.value_or("");
        vars.agent_name = a.principal.user.name;
        RenderedCannedResponse out;
        out.rendered = RenderCannedResponse(response.content, vars);
        out.response = std::move(response);
        return out;
    });
}

}  // namespace hudhud::services

#include <charconv>

#include "http/api/api_routes.hpp"
#include "http/api/json_views.hpp"
#include "services/message_events.hpp"

namespace hudhud::http::api {

using services::WorkspaceAccess;

namespace {

Result<int> LimitOf(const Request& req) {
    auto l = req.Query("limit");
    if (!l || l->empty()) return 20;
    int v = 0;
    auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), v);
    if (ec != std::errc() || ptr != l->data() + l->size() || v < 1 || v > 100) {
        return Error::InvalidArgument("limit must be an integer from 1 to 100");
    }
    return v;
}

Result<services::SearchRequest> SearchRequestOf(const Request& req) {
    services::SearchRequest r;
    r.query = std::string(req.Query("q").value_or(""));
    const std::string type(req.Query("type").value_or("all"));
    if (type == "all") {
        r.kind = services::SearchKind::kAll;
    } else if (type == "messages") {
        r.kind = services::SearchKind::kMessages;
    } else if (type == "contacts") {
        r.kind = services::SearchKind::kContacts;
    } else {
        return Error::InvalidArgument("type must be all, messages or contacts");
    }
    if (auto inbox = req.Query("inbox_id"); inbox && !inbox->empty()) {
        std::int64_t v = 0;
        auto [ptr, ec] = std::from_chars(inbox->data(), inbox->data() + inbox->size(), v);
        if (ec != std::errc() || ptr != inbox->data() + inbox->size() || v <= 0) {
            return Error::InvalidArgument("inbox_id must be a positive integer");
        }
        r.inbox = InboxId(v);
    }
    if (auto cursor = req.Query("cursor"); cursor && !cursor->empty()) {
        HH_ASSIGN_OR_RETURN(r.cursor, services::SearchCursor::Parse(std::string(*cursor)));
    }
    HH_ASSIGN_OR_RETURN(r.limit, LimitOf(req));
    return r;
}

}  // namespace

void RegisterSearchRoutes(Router& router, ApiAuth& auth, services::SearchService& search) {
    router.Get(
        "/api/v1/workspaces/{workspace_id}/search",
        InWorkspace(auth, Role::kAgent,
                    [&search](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                        HH_ASSIGN_OR_RETURN(auto r, SearchRequestOf(req));
                        HH_ASSIGN_OR_RETURN(auto found, search.Search(a, r));
                        nlohmann::json messages = nlohmann::json::array();
                        for (const auto& m : found.messages) {
                            messages.push_back(services::MessageJson(m));
                        }
                        nlohmann::json contacts = nlohmann::json::array();
                        for (const auto& c : found.contacts) contacts.push_back(ToJson(c));
                        return Json(
                            200, {{"messages", std::move(messages)},
                                  {"contacts", std::move(contacts)},
                                  {"next_cursor",
                                   found.next_cursor ? nlohmann::json(found.next_cursor->ToString())
                                                     : nlohmann::json(nullptr)}});
                    }));
}

}  // namespace hudhud::http::api

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>

#include <chrono>
#include <thread>

#include "tests/integration/meta_signature.hpp"
#include "tests/integration/test_server.hpp"
#include "tests/integration/whatsapp_deliveries.hpp"

namespace hudhud::testing {
namespace {

using nlohmann::json;

// Creates a second owner and workspace with the admin CLI against the running server's data.
bool CreateOwnerWithCli(const TestServer& server, const std::string& email,
                        const std::string& workspace) {
    pid_t pid = ::fork();
    if (pid == 0) {
        ::setenv("HUDHUD_OWNER_PASSWORD", "bravo-password", 1);
        std::string bin = HudhudBinary();
        std::string data = server.data_dir();
        ::execl(bin.c_str(), bin.c_str(), "admin", "create-owner", "--data", data.c_str(),
                "--email", email.c_str(), "--name", "Bravo Owner", "--workspace",
                workspace.c_str(), "--password-hash-cost", "min", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

struct Tenant {
    std::unique_ptr<HttpClient> session;
    std::unique_ptr<HttpClient> token;
    std::int64_t workspace = 0;
    std::int64_t user = 0;
    std::string Ws(std::int64_t ws, const std::string& rest = "") const {
        return "/api/v1/workspaces/" + std::to_string(ws) + rest;
    }
};

Tenant SignIn(const TestServer& server, const std::string& email, const std::string& password) {
    Tenant t;
    t.session = std::make_unique<HttpClient>(server.port());
    auto r = t.session->Post("/api/v1/auth/login", {{"email", email}, {"password", password}});
    EXPECT_EQ(r.status, 200) << r.body;
    t.session->set_csrf(r.json().value("csrf_token", ""));
    t.workspace = r.json()["workspaces"][0]["id"];
    t.user = r.json()["user"]["id"];
    auto tok = t.session->Post(t.Ws(t.workspace, "/api-tokens"), {{"name", "iso"}});
    EXPECT_EQ(tok.status, 201) << tok.body;
    t.token = std::make_unique<HttpClient>(server.port());
    t.token->set_bearer(tok.json()["token"]);
    return t;
}

TEST(IsolationTest, NoResourceOfAnotherWorkspaceCanBeReadChangedOrDeleted) {
    TestServer server;
    ASSERT_TRUE(server.Start());
    HttpClient anon(server.port());
    ASSERT_EQ(anon.Post("/api/v1/setup", {{"workspace_name", "Alpha"},
                                          {"name", "Alpha Owner"},
                                          {"email", "alpha@example.com"},
                                          {"password", "alpha-password"}})
                  .status,
              201);
    ASSERT_TRUE(CreateOwnerWithCli(server, "bravo@example.com", "Bravo"));
    Tenant a = SignIn(server, "alpha@example.com", "alpha-password");
    Tenant b = SignIn(server, "bravo@example.com", "bravo-password");
    ASSERT_NE(a.workspace, b.workspace);

    // Bravo's objects, one of every kind.
    auto& bs = *b.session;
    const auto bw = b.workspace;
    auto contact = bs.Post(b.Ws(bw, "/contacts"), {{"name", "Bravo customer"}});
    ASSERT_EQ(contact.status, 201) << contact.body;
    const auto contact_id = std::to_string(contact.json()["contact"]["id"].get<std::int64_t>());
    auto note = bs.Post(b.Ws(bw, "/contacts/" + contact_id + "/notes"), {{"content", "vip"}});
    ASSERT_EQ(note.status, 201) << note.body;
    const auto note_id = std::to_string(note.json()["note"]["id"].get<std::int64_t>());
    auto inbox = bs.Post(b.Ws(bw, "/inboxes"),
                         {{"name", "Bravo WA"},
                          {"channel_kind", "whatsapp"},
                          {"credentials", {{"access_token", "secret"}, {"app_secret", "bravo-app"}}}});
    ASSERT_EQ(inbox.status, 201) << inbox.body;
    const auto inbox_id = std::to_string(inbox.json()["inbox"]["id"].get<std::int64_t>());
    // A customer writes to Bravo: a conversation with one message.
    const std::string hook_url = inbox.json()["inbox"]["webhook_url"];
    const json delivery = CustomerTextDelivery({}, "15550009999", "wamid.BRAVO1",
                                               "private to bravo", NowSeconds());
    const std::string raw = delivery.dump();
    HttpClient meta(server.port());
    ASSERT_EQ(meta.Request("POST", hook_url.substr(hook_url.find("/webhooks/")), raw,
                           {{"X-Hub-Signature-256", MetaSignature("bravo-app", raw)}})
                  .status,
              200);
    std::string conv_id;
    for (int i = 0; i < 250 && conv_id.empty(); ++i) {
        auto convs = bs.Get(b.Ws(bw, "/conversations"));
        if (!convs.json()["data"].empty()) {
            conv_id = std::to_string(convs.json()["data"][0]["id"].get<std::int64_t>());
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    ASSERT_FALSE(conv_id.empty());
    auto upload = bs.Request("POST", b.Ws(bw, "/attachments?filename=bravo.pdf"),
                             "%PDF-1.4 bravo only", {{"Content-Type", "application/pdf"}});
    ASSERT_EQ(upload.status, 201) << upload.body;
    const auto attachment_id =
        std::to_string(upload.json()["attachment"]["id"].get<std::int64_t>());
    auto team = bs.Post(b.Ws(bw, "/teams"), {{"name", "Sales"}});
    ASSERT_EQ(team.status, 201) << team.body;
    const auto team_id = std::to_string(team.json()["team"]["id"].get<std::int64_t>());
    auto label = bs.Post(b.Ws(bw, "/labels"), {{"name", "vip"}});
    ASSERT_EQ(label.status, 201) << label.body;
    const auto label_id = std::to_string(label.json()["label"]["id"].get<std::int64_t>());
    auto inv = bs.Post(b.Ws(bw, "/invitations"), {{"email", "new@example.com"}, {"role", "agent"}});
    ASSERT_EQ(inv.status, 201) << inv.body;
    const auto inv_id = std::to_string(inv.json()["invitation"]["id"].get<std::int64_t>());
    auto tok = bs.Post(b.Ws(bw, "/api-tokens"), {{"name", "bravo-ci"}});
    ASSERT_EQ(tok.status, 201);
    const auto tok_id = std::to_string(tok.json()["api_token"]["id"].get<std::int64_t>());
    const auto b_user = std::to_string(b.user);
    auto canned = bs.Post(b.Ws(bw, "/canned-responses"),
                          {{"short_code", "bravo"}, {"content", "Hi {{contact.name}}"}});
    ASSERT_EQ(canned.status, 201) << canned.body;
    const auto canned_id =
        std::to_string(canned.json()["canned_response"]["id"].get<std::int64_t>());

    struct Attempt {
        std::string method;
        std::string path;  // relative to a workspace
        json body;
    };
    const std::vector<Attempt> attempts = {
        {"GET", "", nullptr},
        {"PATCH", "", {{"name", "pwned"}}},
        {"GET", "/members", nullptr},
        {"PATCH", "/members/" + b_user, {{"role", "agent"}}},
        {"DELETE", "/members/" + b_user, nullptr},
        {"PUT", "/availability", {{"availability", "online"}}},
        {"GET", "/invitations", nullptr},
        {"DELETE", "/invitations/" + inv_id, nullptr},
        {"GET", "/api-tokens", nullptr},
        {"DELETE", "/api-tokens/" + tok_id, nullptr},
        {"GET", "/audit-log", nullptr},
        {"GET", "/contacts", nullptr},
        {"GET", "/contacts/" + contact_id, nullptr},
        {"PATCH", "/contacts/" + contact_id, {{"name", "pwned"}}},
        {"DELETE", "/contacts/" + contact_id, nullptr},
        {"GET", "/contacts/" + contact_id + "/notes", nullptr},
        {"POST", "/contacts/" + contact_id + "/notes", {{"content", "pwned"}}},
        {"DELETE", "/contacts/" + contact_id + "/notes/" + note_id, nullptr},
        {"GET", "/inboxes", nullptr},
        {"GET", "/inboxes/" + inbox_id, nullptr},
        {"PATCH", "/inboxes/" + inbox_id, {{"name", "pwned"}}},
        {"DELETE", "/inboxes/" + inbox_id, nullptr},
        {"GET", "/teams", nullptr},
        {"GET", "/teams/" + team_id, nullptr},
        {"PATCH", "/teams/" + team_id, {{"name", "pwned"}}},
        {"DELETE", "/teams/" + team_id, nullptr},
        {"GET", "/labels", nullptr},
        {"GET", "/labels/" + label_id, nullptr},
        {"PATCH", "/labels/" + label_id, {{"name", "pwned"}}},
        {"DELETE", "/labels/" + label_id, nullptr},
        {"GET", "/jobs/dead", nullptr},
        {"GET", "/conversations", nullptr},
        {"GET", "/conversations/" + conv_id, nullptr},
        {"GET", "/conversations/" + conv_id + "/messages", nullptr},
        {"POST", "/conversations/" + conv_id + "/messages", {{"content", "pwned"}}},
        {"POST", "/conversations/" + conv_id + "/read", json::object()},
        {"GET", "/inboxes/" + inbox_id + "/templates", nullptr},
        {"POST", "/inboxes/" + inbox_id + "/templates/sync", json::object()},
        {"GET", "/attachments/" + attachment_id, nullptr},
        {"GET", "/attachments/" + attachment_id + "/file", nullptr},
        {"GET", "/conversations/counts", nullptr},
        {"GET", "/conversations?status=open&assignee=me", nullptr},
        {"PATCH", "/conversations/" + conv_id, {{"priority", "urgent"}}},
        {"PATCH", "/conversations/" + conv_id, {{"assignee_id", b.user}}},
        {"PATCH", "/conversations/" + conv_id, {{"status", "resolved"}}},
        {"PATCH", "/conversations/" + conv_id,
         {{"status", "snoozed"}, {"snoozed_until", (NowSeconds() + 3600) * 1000000}}},
        {"POST", "/conversations/" + conv_id + "/labels", {{"labels", {"vip"}}}},
        {"DELETE", "/conversations/" + conv_id + "/labels/vip", nullptr},
        {"GET", "/conversations/" + conv_id + "/canned-responses/" + canned_id + "/render",
         nullptr},
        {"GET", "/canned-responses", nullptr},
        {"GET", "/canned-responses?search=br", nullptr},
        {"POST", "/canned-responses", {{"short_code", "pwned"}, {"content", "x"}}},
        {"GET", "/canned-responses/" + canned_id, nullptr},
        {"PATCH", "/canned-responses/" + canned_id, {{"content", "pwned"}}},
        {"DELETE", "/canned-responses/" + canned_id, nullptr},
        {"GET", "/inboxes/" + inbox_id + "/members", nullptr},
        {"PUT", "/inboxes/" + inbox_id + "/members", {{"user_ids", json::array()}}},
    };

    int checked = 0;
    for (HttpClient* client : {a.session.get(), a.token.get()}) {
        for (const auto& at : attempts) {
            // Bravo's workspace path with Alpha's credentials: the workspace does not exist for
            // Alpha. Collection routes are only meaningful this way.
            auto r1 = client->Request(at.method, a.Ws(bw, at.path),
                                      at.body.is_null() ? "" : at.body.dump());
            EXPECT_EQ(r1.status, 404) << at.method << " " << a.Ws(bw, at.path) << " " << r1.body;
            ++checked;
            // Alpha's own workspace path with Bravo's object ids (routes that name an object).
            const bool names_object =
                at.path.find_first_of("0123456789") != std::string::npos;
            if (!names_object) continue;
            auto r2 = client->Request(at.method, a.Ws(a.workspace, at.path),
                                      at.body.is_null() ? "" : at.body.dump());
            EXPECT_EQ(r2.status, 404)
                << at.method << " " << a.Ws(a.workspace, at.path) << " " << r2.body;
            ++checked;
        }
    }
    EXPECT_GT(checked, 60);

    // Alpha's own objects cannot point at Bravo's: its inbox members, its conversations'
    // assignee, team and labels must come from its own workspace.
    auto& as = *a.session;
    auto a_inbox = as.Post(a.Ws(a.workspace, "/inboxes"), {{"name", "Alpha chat"},
                                                            {"channel_kind", "webchat"}});
    ASSERT_EQ(a_inbox.status, 201) << a_inbox.body;
    const auto a_inbox_id = std::to_string(a_inbox.json()["inbox"]["id"].get<std::int64_t>());
    auto a_members = as.Put(a.Ws(a.workspace, "/inboxes/" + a_inbox_id + "/members"),
                            {{"user_ids", {b.user}}});
    EXPECT_EQ(a_members.status, 400) << a_members.body;
    EXPECT_EQ(as.Get(a.Ws(a.workspace, "/canned-responses?search=bravo")).json()["data"].size(),
              0u);

    // Bravo's data is untouched.
    EXPECT_EQ(bs.Get(b.Ws(bw, "/contacts/" + contact_id)).json()["contact"]["name"],
              "Bravo customer");
    EXPECT_EQ(bs.Get(b.Ws(bw, "/contacts/" + contact_id + "/notes")).json()["data"].size(), 1u);
    EXPECT_EQ(bs.Get(b.Ws(bw, "/inboxes/" + inbox_id)).json()["inbox"]["name"], "Bravo WA");
    EXPECT_EQ(bs.Get(b.Ws(bw, "/attachments/" + attachment_id + "/file")).body,
              "%PDF-1.4 bravo only");
    auto bravo_messages = bs.Get(b.Ws(bw, "/conversations/" + conv_id + "/messages"));
    ASSERT_EQ(bravo_messages.json()["data"].size(), 1u) << bravo_messages.body;
    EXPECT_EQ(bravo_messages.json()["data"][0]["content"], "private to bravo");
    EXPECT_EQ(bs.Get(b.Ws(bw, "/conversations/" + conv_id)).json()["conversation"]["unread_count"],
              1);
    EXPECT_EQ(bs.Get(b.Ws(bw, "/teams/" + team_id)).json()["team"]["name"], "Sales");
    EXPECT_EQ(bs.Get(b.Ws(bw, "/labels/" + label_id)).json()["label"]["name"], "vip");
    EXPECT_EQ(bs.Get(b.Ws(bw)).json()["workspace"]["name"], "Bravo");
    auto bravo_conv = bs.Get(b.Ws(bw, "/conversations/" + conv_id)).json()["conversation"];
    EXPECT_EQ(bravo_conv["priority"], "none");
    EXPECT_EQ(bravo_conv["status"], "open");
    EXPECT_TRUE(bravo_conv["assignee_id"].is_null());
    EXPECT_TRUE(bravo_conv["labels"].empty());
    EXPECT_EQ(bs.Get(b.Ws(bw, "/canned-responses/" + canned_id)).json()["canned_response"]["content"],
              "Hi {{contact.name}}");
    EXPECT_EQ(bs.Get(b.Ws(bw, "/canned-responses")).json()["data"].size(), 1u);
    EXPECT_EQ(bs.Get(b.Ws(bw, "/invitations")).json()["data"].size(), 1u);
    bool owner_intact = false;
    auto members = bs.Get(b.Ws(bw, "/members"));
    for (const auto& m : members.json()["data"]) {
        if (m["user_id"] == b.user) owner_intact = m["role"] == "owner";
    }
    EXPECT_TRUE(owner_intact);
}

}  // namespace
}  // namespace hudhud::testing

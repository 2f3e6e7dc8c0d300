// The shared inbox's conversations API end to end: filters and paging, actions, counts,
// snoozes that reopen (by their job and by the customer), canned responses, auto-assignment.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include "http/testing/test_client.hpp"
#include "tests/integration/meta_signature.hpp"
#include "tests/integration/test_server.hpp"
#include "tests/integration/whatsapp_deliveries.hpp"

namespace hudhud::testing {
namespace {

using nlohmann::json;

constexpr const char* kSecret1 = "inbox-one-secret";
constexpr const char* kSecret2 = "inbox-two-secret";
const WhatsAppAccount kAccount1{"105500011", "200200011"};
const WhatsAppAccount kAccount2{"105500022", "200200022"};

std::int64_t NowMicros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

class ConversationsApiTest : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = std::make_unique<TestServer>();
        ASSERT_TRUE(server_->Start());
        owner_ = std::make_unique<HttpClient>(server_->port());
        auto setup = owner_->Post("/api/v1/setup", {{"workspace_name", "Inbox"},
                                                    {"name", "Olivia Owner"},
                                                    {"email", "owner@example.com"},
                                                    {"password", "owner-password"}});
        ASSERT_EQ(setup.status, 201) << setup.body;
        owner_->set_csrf(setup.json()["csrf_token"]);
        owner_id_ = setup.json()["user"]["id"];
        ws_ = "/api/v1/workspaces/" +
              std::to_string(setup.json()["workspace"]["id"].get<std::int64_t>());
    }

    // A WhatsApp inbox; returns {id, webhook path}.
    std::pair<std::int64_t, std::string> AddInbox(const std::string& name,
                                                  const WhatsAppAccount& account,
                                                  const std::string& secret,
                                                  json extra_settings = json::object()) {
        json settings = {{"phone_number_id", account.phone_number_id},
                         {"waba_id", account.waba_id}};
        settings.update(extra_settings);
        auto r = owner_->Post(ws_ + "/inboxes",
                              {{"name", name},
                               {"channel_kind", "whatsapp"},
                               {"settings", settings},
                               {"credentials", {{"app_secret", secret},
                                                {"verify_token", "v"},
                                                {"access_token", "EAAG-token"}}}});
        EXPECT_EQ(r.status, 201) << r.body;
        const std::string url = r.json()["inbox"]["webhook_url"];
        return {r.json()["inbox"]["id"].get<std::int64_t>(), url.substr(url.find("/webhooks/"))};
    }

    // An agent invited and signed in; availability as given.
    std::unique_ptr<HttpClient> AddAgent(const std::string& name, const std::string& availability,
                                         std::int64_t& id) {
        auto inv = owner_->Post(ws_ + "/invitations",
                                {{"email", name + "@example.com"}, {"role", "agent"}});
        EXPECT_EQ(inv.status, 201) << inv.body;
        auto c = std::make_unique<HttpClient>(server_->port());
        auto acc = c->Post("/api/v1/invitations/accept",
                           {{"token", inv.json()["token"]}, {"name", name},
                            {"password", "agent-password"}});
        EXPECT_EQ(acc.status, 200) << acc.body;
        c->set_csrf(acc.json()["csrf_token"]);
        id = acc.json()["user"]["id"];
        EXPECT_EQ(c->Put(ws_ + "/availability", {{"availability", availability}}).status, 200);
        return c;
    }

    void Deliver(const std::string& hook, const std::string& secret, const json& payload) {
        HttpClient meta(server_->port());
        const std::string body = payload.dump();
        auto r = meta.Request("POST", hook, body,
                              {{"X-Hub-Signature-256", MetaSignature(secret, body)}});
        ASSERT_EQ(r.status, 200) << r.body;
    }

    json List(const std::string& query = "", HttpClient* c = nullptr) {
        auto r = (c ? c : owner_.get())->Get(ws_ + "/conversations" + query);
        EXPECT_EQ(r.status, 200) << query << " " << r.body;
        return r.json();
    }

    std::vector<std::string> Names(const std::string& query, HttpClient* c = nullptr) {
        std::vector<std::string> out;
        const json list = List(query, c);
        for (const auto& item : list["data"]) out.push_back(item["contact"]["name"]);
        return out;
    }

    bool WaitFor(const std::function<bool()>& done, int ms = 8000) {
        for (int i = 0; i < ms / 20; ++i) {
            if (done()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return done();
    }

    // The conversation id of the customer with this name.
    std::string IdOf(const std::string& name) {
        const json list = List("?limit=200");
        for (const auto& item : list["data"]) {
            if (item["contact"]["name"] == name) return std::to_string(item["id"].get<std::int64_t>());
        }
        return "";
    }

    json Conversation(const std::string& id) {
        return owner_->Get(ws_ + "/conversations/" + id).json()["conversation"];
    }

    std::unique_ptr<TestServer> server_;
    std::unique_ptr<HttpClient> owner_;
    std::int64_t owner_id_ = 0;
    std::string ws_;
};

TEST_F(ConversationsApiTest, FiltersPagingActionsCountsAndCannedResponses) {
    auto [inbox1, hook1] = AddInbox("Sales", kAccount1, kSecret1);
    auto [inbox2, hook2] = AddInbox("Support", kAccount2, kSecret2);
    std::int64_t agent_id = 0;
    auto agent = AddAgent("Aisha", "online", agent_id);
    // Agents see the inboxes they are members of (AgentsSeeOnlyTheirInboxes covers the rest).
    for (auto inbox : {inbox1, inbox2}) {
        ASSERT_EQ(owner_->Put(ws_ + "/inboxes/" + std::to_string(inbox) + "/members",
                              {{"user_ids", {agent_id}}})
                      .status,
                  200);
    }
    const std::int64_t t0 = NowSeconds() - 600;
    // Customers 1..5 write to Sales, 6..7 to Support, one after another.
    for (int i = 1; i <= 7; ++i) {
        const std::string wa = "97150123450" + std::to_string(i);
        if (i <= 5) {
            Deliver(hook1, kSecret1,
                    CustomerTextDelivery(kAccount1, wa, "wamid.A" + std::to_string(i),
                                         "hello " + std::to_string(i), t0 + i));
        } else {
            Deliver(hook2, kSecret2,
                    CustomerTextDelivery(kAccount2, wa, "wamid.A" + std::to_string(i),
                                         "hello " + std::to_string(i), t0 + i));
        }
    }
    ASSERT_TRUE(WaitFor([&] { return List("?limit=200")["data"].size() == 7; }));
    auto name = [](int i) { return "Customer 97150123450" + std::to_string(i); };

    // Newest activity first, each row with its preview, contact and channel.
    auto all = List();
    ASSERT_EQ(all["data"].size(), 7u);
    EXPECT_EQ(all["data"][0]["contact"]["name"], name(7));
    EXPECT_EQ(all["data"][0]["last_message"]["content"], "hello 7");
    EXPECT_EQ(all["data"][0]["channel_kind"], "whatsapp");
    EXPECT_EQ(all["data"][6]["contact"]["name"], name(1));
    EXPECT_TRUE(all["next_cursor"].is_null());

    // Paging by 3 visits each conversation once, in the same order.
    std::vector<std::string> paged;
    std::string cursor;
    for (int page = 0; page < 5; ++page) {
        auto p = List("?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor));
        for (auto& item : p["data"]) paged.push_back(item["contact"]["name"]);
        if (p["next_cursor"].is_null()) break;
        cursor = p["next_cursor"];
    }
    std::vector<std::string> expected;
    for (int i = 7; i >= 1; --i) expected.push_back(name(i));
    EXPECT_EQ(paged, expected);
    // The same through the merged per-status walk (inbox without a status).
    paged.clear();
    cursor.clear();
    for (int page = 0; page < 5; ++page) {
        auto p = List("?inbox_id=" + std::to_string(inbox1) + "&limit=2" +
                      (cursor.empty() ? "" : "&cursor=" + cursor));
        for (auto& item : p["data"]) paged.push_back(item["contact"]["name"]);
        if (p["next_cursor"].is_null()) break;
        cursor = p["next_cursor"];
    }
    EXPECT_EQ(paged, (std::vector<std::string>{name(5), name(4), name(3), name(2), name(1)}));
    EXPECT_EQ(Names("?inbox_id=" + std::to_string(inbox2)),
              (std::vector<std::string>{name(7), name(6)}));

    // Assignment: to a member (published, audited), never to a stranger.
    const std::string c1 = IdOf(name(1));
    auto assigned = owner_->Patch(ws_ + "/conversations/" + c1, {{"assignee_id", agent_id}});
    ASSERT_EQ(assigned.status, 200) << assigned.body;
    EXPECT_EQ(assigned.json()["conversation"]["assignee_id"], agent_id);
    EXPECT_EQ(owner_->Patch(ws_ + "/conversations/" + c1, {{"assignee_id", 99999}}).status, 400);
    EXPECT_EQ(Names("?assignee=" + std::to_string(agent_id)), (std::vector<std::string>{name(1)}));
    EXPECT_EQ(Names("?assignee=me", agent.get()), (std::vector<std::string>{name(1)}));
    EXPECT_EQ(List("?assignee=unassigned")["data"].size(), 6u);
    bool audited = false;
    const json log = owner_->Get(ws_ + "/audit-log").json();
    for (const auto& e : log["data"]) {
        if (e["action"] == "conversation.assigned" && e["target_id"] == c1) audited = true;
    }
    EXPECT_TRUE(audited);

    // Team, status, priority, labels.
    auto team = owner_->Post(ws_ + "/teams", {{"name", "Billing"}});
    const auto team_id = team.json()["team"]["id"].get<std::int64_t>();
    const std::string c2 = IdOf(name(2));
    const std::string c3 = IdOf(name(3));
    const std::string c4 = IdOf(name(4));
    const std::string c5 = IdOf(name(5));
    ASSERT_EQ(owner_->Patch(ws_ + "/conversations/" + c2, {{"team_id", team_id}}).status, 200);
    EXPECT_EQ(Names("?team_id=" + std::to_string(team_id)), (std::vector<std::string>{name(2)}));
    ASSERT_EQ(owner_->Patch(ws_ + "/conversations/" + c2, {{"status", "pending"}}).status, 200);
    ASSERT_EQ(owner_->Patch(ws_ + "/conversations/" + c3, {{"status", "resolved"}}).status, 200);
    EXPECT_EQ(Names("?status=pending"), (std::vector<std::string>{name(2)}));
    EXPECT_EQ(Names("?status=resolved&inbox_id=" + std::to_string(inbox1)),
              (std::vector<std::string>{name(3)}));
    EXPECT_EQ(List("?status=open")["data"].size(), 5u);
    EXPECT_EQ(List("?status=all")["data"].size(), 7u);
    ASSERT_EQ(owner_->Patch(ws_ + "/conversations/" + c4, {{"priority", "urgent"}}).status, 200);
    EXPECT_EQ(owner_->Patch(ws_ + "/conversations/" + c4, {{"priority", "asap"}}).status, 400);
    EXPECT_EQ(Names("?priority=urgent"), (std::vector<std::string>{name(4)}));
    auto vip = owner_->Post(ws_ + "/labels", {{"name", "vip"}});
    ASSERT_EQ(vip.status, 201) << vip.body;
    const std::string vip_path =
        ws_ + "/labels/" + std::to_string(vip.json()["label"]["id"].get<std::int64_t>());
    auto labeled = owner_->Post(ws_ + "/conversations/" + c4 + "/labels", {{"labels", {"vip"}}});
    ASSERT_EQ(labeled.status, 200) << labeled.body;
    EXPECT_EQ(labeled.json()["labels"], json({"vip"}));
    EXPECT_EQ(owner_->Post(ws_ + "/conversations/" + c4 + "/labels", {{"labels", {"nope"}}}).status,
              400);
    EXPECT_EQ(Names("?label=vip"), (std::vector<std::string>{name(4)}));
    EXPECT_EQ(Conversation(c4)["labels"], json({"vip"}));
    EXPECT_EQ(owner_->Delete(ws_ + "/conversations/" + c4 + "/labels/vip").json()["labels"],
              json::array());
    EXPECT_TRUE(List("?label=vip")["data"].empty());
    // Renaming a label renames it on its conversations; deleting it takes it off them.
    ASSERT_EQ(owner_->Post(ws_ + "/conversations/" + c4 + "/labels", {{"labels", {"vip"}}}).status,
              200);
    ASSERT_EQ(owner_->Patch(vip_path, {{"name", "gold"}}).status, 200);
    EXPECT_EQ(Conversation(c4)["labels"], json({"gold"}));
    EXPECT_EQ(Names("?label=gold"), (std::vector<std::string>{name(4)}));
    EXPECT_TRUE(List("?label=vip")["data"].empty());
    ASSERT_EQ(owner_->Delete(vip_path).status, 204);
    EXPECT_EQ(Conversation(c4)["labels"], json::array());
    EXPECT_TRUE(List("?label=gold")["data"].empty());

    // Unread: reading one conversation takes it out.
    ASSERT_EQ(owner_->Post(ws_ + "/conversations/" + c5 + "/read", json::object()).status, 200);
    auto unread = Names("?unread=true");
    EXPECT_EQ(unread.size(), 6u);
    EXPECT_EQ(std::count(unread.begin(), unread.end(), name(5)), 0);

    // Counts.
    auto counts = agent->Get(ws_ + "/conversations/counts");
    ASSERT_EQ(counts.status, 200) << counts.body;
    EXPECT_EQ(counts.json()["by_status"], json({{"open", 5}, {"pending", 1}, {"snoozed", 0},
                                                {"resolved", 1}}));
    EXPECT_EQ(counts.json()["by_inbox"][std::to_string(inbox1)], 3);  // 1, 2 and 4 (3 resolved, 5 read)
    EXPECT_EQ(counts.json()["by_inbox"][std::to_string(inbox2)], 2);
    EXPECT_EQ(counts.json()["mine"], 1);
    EXPECT_EQ(counts.json()["unassigned"], 4);
    EXPECT_EQ(counts.json()["unread"]["mine"], 1);

    // A pending conversation reopens when the customer writes.
    Deliver(hook1, kSecret1,
            // Stamped ahead of our clock (the service caps it at its now), so the activity moves
            // past the conversations' creation times.
            CustomerTextDelivery(kAccount1, "971501234502", "wamid.B2", "anyone?",
                                 NowSeconds() + 2));
    EXPECT_TRUE(WaitFor([&] { return Conversation(c2)["status"] == "open"; }));
    // The newest activity moves it to the top, with its new preview.
    EXPECT_TRUE(WaitFor([&] { return List()["data"][0]["contact"]["name"] == name(2); }));
    EXPECT_EQ(List()["data"][0]["last_message"]["content"], "anyone?");

    // Snoozes: one reopens by its job at the time, one when the customer writes.
    EXPECT_EQ(owner_->Patch(ws_ + "/conversations/" + c5, {{"status", "snoozed"}}).status, 400);
    auto snoozed = owner_->Patch(ws_ + "/conversations/" + c5,
                                 {{"status", "snoozed"}, {"snoozed_until", NowMicros() + 1500000}});
    ASSERT_EQ(snoozed.status, 200) << snoozed.body;
    EXPECT_EQ(snoozed.json()["conversation"]["status"], "snoozed");
    ASSERT_EQ(owner_->Patch(ws_ + "/conversations/" + c4,
                            {{"snoozed_until", NowMicros() + 3600LL * 1000000}})
                  .status,
              200);
    EXPECT_EQ(Names("?status=snoozed").size(), 2u);
    EXPECT_TRUE(WaitFor([&] { return Conversation(c5)["status"] == "open"; }, 10000));
    EXPECT_TRUE(Conversation(c5)["snoozed_until"].is_null());
    EXPECT_EQ(Conversation(c4)["status"], "snoozed");
    Deliver(hook1, kSecret1,
            CustomerTextDelivery(kAccount1, "971501234504", "wamid.B4", "wake up", NowSeconds()));
    EXPECT_TRUE(WaitFor([&] { return Conversation(c4)["status"] == "open"; }));

    // Canned responses: prefix search and variables.
    auto cr = owner_->Post(ws_ + "/canned-responses",
                           {{"short_code", "Greet"},
                            {"content", "Hi {{contact.name}}, {{agent.name}} here ({{contact.phone}}){{x}}"}});
    ASSERT_EQ(cr.status, 201) << cr.body;
    EXPECT_EQ(cr.json()["canned_response"]["short_code"], "greet");
    ASSERT_EQ(owner_->Post(ws_ + "/canned-responses", {{"short_code", "bye"}, {"content", "Bye"}})
                  .status,
              201);
    EXPECT_EQ(owner_->Post(ws_ + "/canned-responses", {{"short_code", "greet"}, {"content", "x"}})
                  .status,
              409);
    EXPECT_EQ(agent->Post(ws_ + "/canned-responses", {{"short_code", "a"}, {"content", "x"}}).status,
              403);
    auto search = agent->Get(ws_ + "/canned-responses?search=gr");
    ASSERT_EQ(search.json()["data"].size(), 1u) << search.body;
    const auto cr_id = std::to_string(search.json()["data"][0]["id"].get<std::int64_t>());
    EXPECT_EQ(agent->Get(ws_ + "/canned-responses").json()["data"].size(), 2u);
    auto rendered = agent->Get(ws_ + "/conversations/" + c1 + "/canned-responses/" + cr_id + "/render");
    ASSERT_EQ(rendered.status, 200) << rendered.body;
    EXPECT_EQ(rendered.json()["rendered"],
              "Hi Customer 971501234501, Aisha here (+971501234501){{x}}");

    // Bad queries are refused.
    for (const char* q : {"?status=closed", "?foo=1", "?cursor=abc", "?assignee=nobody",
                          "?unread=yes", "?priority=asap", "?limit=0"}) {
        EXPECT_EQ(owner_->Get(ws_ + "/conversations" + q).status, 400) << q;
    }
}

TEST_F(ConversationsApiTest, AutoAssignmentRoundRobinsOnlineMembersUnderTheLimit) {
    std::int64_t a1 = 0, a2 = 0, a3 = 0;
    auto agent1 = AddAgent("Amal", "online", a1);
    auto agent2 = AddAgent("Badr", "online", a2);
    auto agent3 = AddAgent("Carla", "offline", a3);
    EXPECT_EQ(owner_->Post(ws_ + "/inboxes", {{"name", "bad"},
                                              {"channel_kind", "whatsapp"},
                                              {"settings", {{"auto_assignment", {{"on", true}}}}}})
                  .status,
              400);
    auto [inbox, hook] = AddInbox(
        "Round", kAccount1, kSecret1,
        {{"auto_assignment", {{"enabled", true}, {"max_open_per_agent", 2}}}});
    const std::string members = ws_ + "/inboxes/" + std::to_string(inbox) + "/members";
    EXPECT_EQ(owner_->Put(members, {{"user_ids", {a1, 424242}}}).status, 400);
    EXPECT_EQ(agent1->Put(members, {{"user_ids", {a1}}}).status, 403);
    auto put = owner_->Put(members, {{"user_ids", {a3, a2, a1}}});
    ASSERT_EQ(put.status, 200) << put.body;
    EXPECT_EQ(agent1->Get(members).json()["user_ids"], json({a1, a2, a3}));

    // Five customers: a1, a2, a1, a2, then both are at their limit and a3 is offline.
    std::vector<json> assignees;
    for (int i = 1; i <= 5; ++i) {
        const std::string wa = "97150999000" + std::to_string(i);
        Deliver(hook, kSecret1,
                CustomerTextDelivery(kAccount1, wa, "wamid.R" + std::to_string(i), "hi",
                                     NowSeconds()));
        std::string id;
        ASSERT_TRUE(WaitFor([&] { return !(id = IdOf("Customer " + wa)).empty(); }));
        assignees.push_back(Conversation(id)["assignee_id"]);
    }
    EXPECT_EQ(assignees, (std::vector<json>{a1, a2, a1, a2, nullptr}));
    auto counts = agent1->Get(ws_ + "/conversations/counts").json();
    EXPECT_EQ(counts["mine"], 2);
    EXPECT_EQ(counts["unassigned"], 1);

    // A resolved conversation frees a slot; Carla online joins the rotation after Badr.
    auto mine = List("?assignee=me", agent1.get());
    ASSERT_EQ(mine["data"].size(), 2u);
    const auto freed = std::to_string(mine["data"][0]["id"].get<std::int64_t>());
    ASSERT_EQ(agent1->Patch(ws_ + "/conversations/" + freed, {{"status", "resolved"}}).status, 200);
    ASSERT_EQ(agent3->Put(ws_ + "/availability", {{"availability", "online"}}).status, 200);
    std::vector<json> next;
    for (int i = 6; i <= 7; ++i) {
        const std::string wa = "97150999000" + std::to_string(i);
        Deliver(hook, kSecret1,
                CustomerTextDelivery(kAccount1, wa, "wamid.R" + std::to_string(i), "hi",
                                     NowSeconds()));
        std::string id;
        ASSERT_TRUE(WaitFor([&] { return !(id = IdOf("Customer " + wa)).empty(); }));
        next.push_back(Conversation(id)["assignee_id"]);
    }
    // After a2 (the last assigned) comes a3, then a1 (a2 is full).
    EXPECT_EQ(next, (std::vector<json>{a3, a1}));
    int system_audits = 0;
    const json log = owner_->Get(ws_ + "/audit-log?limit=200").json();
    for (const auto& e : log["data"]) {
        if (e["action"] == "conversation.assigned" && e["actor_kind"] == "system") ++system_audits;
    }
    EXPECT_EQ(system_audits, 6);
}


TEST_F(ConversationsApiTest, AgentsSeeOnlyTheInboxesTheyAreMembersOfEverywhere) {
    auto [sales, sales_hook] = AddInbox("Sales", kAccount1, kSecret1);
    auto [support, support_hook] = AddInbox("Support", kAccount2, kSecret2);
    std::int64_t agent_id = 0;
    auto agent = AddAgent("Bilal", "online", agent_id);
    ASSERT_EQ(owner_->Put(ws_ + "/inboxes/" + std::to_string(support) + "/members",
                          {{"user_ids", {agent_id}}})
                  .status,
              200);
    const std::string ws_id = ws_.substr(ws_.rfind('/') + 1);

    // Live: the agent's socket and the owner's, both subscribed before anything arrives.
    auto connect = [&](HttpClient& c, std::optional<std::int64_t> since = std::nullopt) {
        auto ws = http::testing::TestWsClient::Connect(
            server_->port(), "/api/v1/ws",
            {{"Cookie", "hudhud_session=" + c.cookies()["hudhud_session"]}});
        EXPECT_TRUE(ws.ok()) << (ws.ok() ? "" : ws.error().message);
        auto client = std::move(ws).value();
        json subscribe = {{"type", "subscribe"}, {"workspace_id", std::stoll(ws_id)}};
        if (since) subscribe["since"] = *since;
        EXPECT_TRUE(client->SendJson(subscribe).ok());
        EXPECT_EQ((*client->ReadJson())["type"], "subscribed");
        return client;
    };
    auto agent_ws = connect(*agent);
    auto owner_ws = connect(*owner_);
    // The events of one type on a socket within `wait`.
    auto events = [](http::testing::TestWsClient& c, const std::string& type,
                     std::chrono::milliseconds wait) {
        std::vector<json> out;
        const auto deadline = std::chrono::steady_clock::now() + wait;
        while (std::chrono::steady_clock::now() < deadline) {
            auto r = c.ReadJson(std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now()));
            if (!r.ok()) break;
            if ((*r)["type"] == "event" && (*r)["event"] == type) out.push_back(*r);
        }
        return out;
    };

    Deliver(sales_hook, kSecret1,
            CustomerTextDelivery(kAccount1, "971501111111", "wamid.S1", "sales question",
                                 NowSeconds()));
    Deliver(support_hook, kSecret2,
            CustomerTextDelivery(kAccount2, "971502222222", "wamid.P1", "support question",
                                 NowSeconds()));
    ASSERT_TRUE(WaitFor([&] { return List()["data"].size() == 2; }));
    const std::string in_sales = IdOf("Customer 971501111111");
    const std::string in_support = IdOf("Customer 971502222222");
    ASSERT_FALSE(in_sales.empty());
    ASSERT_FALSE(in_support.empty());

    // The owner heard both; the agent only Support's.
    auto owner_heard = events(*owner_ws, "message.created", std::chrono::milliseconds(1500));
    auto agent_heard = events(*agent_ws, "message.created", std::chrono::milliseconds(500));
    EXPECT_EQ(owner_heard.size(), 2u);
    ASSERT_EQ(agent_heard.size(), 1u);
    EXPECT_EQ(agent_heard[0]["data"]["content"], "support question");
    const std::int64_t seen_seq = agent_heard[0]["seq"];

    // Lists, filters and counts.
    EXPECT_EQ(Names("", agent.get()), (std::vector<std::string>{"Customer 971502222222"}));
    EXPECT_TRUE(List("?inbox_id=" + std::to_string(sales), agent.get())["data"].empty());
    EXPECT_EQ(List("?assignee=unassigned", agent.get())["data"].size(), 1u);
    auto counts = agent->Get(ws_ + "/conversations/counts").json();
    EXPECT_EQ(counts["by_status"]["open"], 1);
    EXPECT_FALSE(counts["by_inbox"].contains(std::to_string(sales)));
    EXPECT_EQ(owner_->Get(ws_ + "/conversations/counts").json()["by_status"]["open"], 2);

    // Every action on the other inbox's conversation is "not found", as for another workspace.
    const std::string other = ws_ + "/conversations/" + in_sales;
    EXPECT_EQ(agent->Get(other).status, 404);
    EXPECT_EQ(agent->Get(other + "/messages").status, 404);
    EXPECT_EQ(agent->Post(other + "/messages", {{"content", "hi"}}).status, 404);
    EXPECT_EQ(agent->Post(other + "/read", json::object()).status, 404);
    EXPECT_EQ(agent->Patch(other, {{"status", "resolved"}}).status, 404);
    EXPECT_EQ(agent->Post(other + "/labels", {{"labels", {"vip"}}}).status, 404);
    EXPECT_EQ(agent->Get(ws_ + "/conversations/" + in_support).status, 200);
    // Inboxes: the list, one inbox, its members and templates.
    auto inboxes = agent->Get(ws_ + "/inboxes").json();
    ASSERT_EQ(inboxes["data"].size(), 1u) << inboxes.dump();
    EXPECT_EQ(inboxes["data"][0]["id"], support);
    EXPECT_EQ(owner_->Get(ws_ + "/inboxes").json()["data"].size(), 2u);
    const std::string sales_path = ws_ + "/inboxes/" + std::to_string(sales);
    EXPECT_EQ(agent->Get(sales_path).status, 404);
    EXPECT_EQ(agent->Get(sales_path + "/members").status, 404);
    EXPECT_EQ(agent->Get(sales_path + "/templates").status, 404);
    // The conversation cannot be handed to someone who would not see it.
    EXPECT_EQ(owner_->Patch(other, {{"assignee_id", agent_id}}).status, 400);
    // Typing about a conversation the agent may not see is refused.
    ASSERT_TRUE(agent_ws
                    ->SendJson({{"type", "typing"},
                                {"workspace_id", std::stoll(ws_id)},
                                {"conversation_id", std::stoll(in_sales)}})
                    .ok());
    auto refused = agent_ws->ReadJson();
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ((*refused)["code"], "invalid_message");

    // A reconnect replays only what the agent could have seen.
    Deliver(sales_hook, kSecret1,
            CustomerTextDelivery(kAccount1, "971501111111", "wamid.S2", "sales again",
                                 NowSeconds()));
    Deliver(support_hook, kSecret2,
            CustomerTextDelivery(kAccount2, "971502222222", "wamid.P2", "support again",
                                 NowSeconds()));
    EXPECT_EQ(events(*owner_ws, "message.created", std::chrono::milliseconds(1500)).size(), 2u);
    agent_ws.reset();
    auto replayed = connect(*agent, seen_seq);
    auto missed = events(*replayed, "message.created", std::chrono::milliseconds(800));
    ASSERT_EQ(missed.size(), 1u);
    EXPECT_EQ(missed[0]["data"]["content"], "support again");

    // Made a member of Sales: told at once, and from then on everything of Sales reaches it.
    ASSERT_EQ(owner_->Put(sales_path + "/members", {{"user_ids", {agent_id}}}).status, 200);
    auto changed = events(*replayed, "inbox.members_changed", std::chrono::milliseconds(1500));
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_EQ(changed[0]["data"]["inbox_id"], sales);
    EXPECT_EQ(agent->Get(other).status, 200);
    EXPECT_EQ(List("", agent.get())["data"].size(), 2u);
    Deliver(sales_hook, kSecret1,
            CustomerTextDelivery(kAccount1, "971501111111", "wamid.S3", "sales third",
                                 NowSeconds()));
    auto now_heard = events(*replayed, "message.created", std::chrono::milliseconds(1500));
    ASSERT_EQ(now_heard.size(), 1u);
    EXPECT_EQ(now_heard[0]["data"]["content"], "sales third");
    // Admins see every inbox without being members.
    EXPECT_EQ(owner_->Get(ws_ + "/conversations/" + in_sales).status, 200);
}

}  // namespace
}  // namespace hudhud::testing

// Search end to end against the real binary: Arabic and English customer messages arrive as
// signed WhatsApp webhooks, then GET /search finds them however the query is written (hamza or
// not, ة or ه, diacritics, tatweel, Arabic-Indic digits, English inflections), finds contacts by
// name and phone, pages, filters by inbox, forgets erased contacts, and never answers with
// another workspace's data. Runs on SQLite, and on PostgreSQL too when HUDHUD_TEST_PG_URL is set.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/integration/meta_signature.hpp"
#include "tests/integration/scratch_postgres.hpp"
#include "tests/integration/test_server.hpp"
#include "tests/integration/whatsapp_deliveries.hpp"

namespace hudhud::testing {
namespace {

std::string UrlEncode(const std::string& s) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xf]);
        }
    }
    return out;
}

struct Workspace {
    std::string id;
    std::string inbox_id;
    std::string webhook_path;
    std::string app_secret;
};

class SearchTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        TestServer::Options options;
        if (!UseBackend(GetParam(), pg_, options.database)) {
            GTEST_SKIP() << "HUDHUD_TEST_PG_URL is not set";
        }
        server_ = std::make_unique<TestServer>(options);
        ASSERT_TRUE(server_->Start());
        owner_ = std::make_unique<HttpClient>(server_->port());
        auto setup = owner_->Post("/api/v1/setup", {{"workspace_name", "Souq"},
                                                    {"name", "Owner"},
                                                    {"email", "owner@souq.example"},
                                                    {"password", "search-password"}});
        ASSERT_EQ(setup.status, 201) << setup.body;
        owner_->set_csrf(setup.json()["csrf_token"]);
        one_.id = std::to_string(setup.json()["workspace"]["id"].get<std::int64_t>());
        ConnectInbox(one_, "secret-one");
        auto second = owner_->Post("/api/v1/workspaces", {{"name", "Other shop"}});
        ASSERT_EQ(second.status, 201) << second.body;
        two_.id = std::to_string(second.json()["workspace"]["id"].get<std::int64_t>());
        ConnectInbox(two_, "secret-two");
    }

    void ConnectInbox(Workspace& ws, const std::string& secret) {
        ws.app_secret = secret;
        auto inbox = owner_->Post("/api/v1/workspaces/" + ws.id + "/inboxes",
                                  {{"name", "WhatsApp"},
                                   {"channel_kind", "whatsapp"},
                                   {"credentials",
                                    {{"app_secret", secret},
                                     {"verify_token", "verify-me"},
                                     {"access_token", "EAAG-token"}}}});
        ASSERT_EQ(inbox.status, 201) << inbox.body;
        ws.inbox_id = std::to_string(inbox.json()["inbox"]["id"].get<std::int64_t>());
        const std::string url = inbox.json()["inbox"]["webhook_url"];
        ws.webhook_path = url.substr(url.find("/webhooks/"));
    }

    void Deliver(const Workspace& ws, const std::string& wa_id, const std::string& text) {
        const std::string body =
            CustomerTextDelivery(account_, wa_id, "wamid." + std::to_string(++sent_), text,
                                 NowSeconds())
                .dump();
        HttpClient meta(server_->port());
        auto r = meta.Request("POST", ws.webhook_path, body,
                              {{"X-Hub-Signature-256", MetaSignature(ws.app_secret, body)},
                               {"Content-Type", "application/json"}});
        ASSERT_EQ(r.status, 200) << r.body;
    }

    HttpResult Search(const Workspace& ws, const std::string& q, const std::string& extra = "") {
        return owner_->Get("/api/v1/workspaces/" + ws.id + "/search?q=" + UrlEncode(q) + extra);
    }

    std::vector<std::string> Contents(const Workspace& ws, const std::string& q) {
        auto r = Search(ws, q, "&type=messages");
        EXPECT_EQ(r.status, 200) << r.body;
        std::vector<std::string> out;
        for (auto& m : r.json()["messages"]) out.push_back(m["content"].get<std::string>());
        return out;
    }

    std::vector<std::string> ContactNames(const Workspace& ws, const std::string& q) {
        auto r = Search(ws, q, "&type=contacts");
        EXPECT_EQ(r.status, 200) << r.body;
        std::vector<std::string> out;
        for (auto& c : r.json()["contacts"]) out.push_back(c["name"].get<std::string>());
        return out;
    }

    // Webhooks are processed after the 200: wait until `q` finds `n` messages.
    bool WaitFor(const Workspace& ws, const std::string& q, std::size_t n) {
        for (int i = 0; i < 250; ++i) {
            if (Contents(ws, q).size() >= n) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

    std::unique_ptr<ScratchPostgres> pg_;
    std::unique_ptr<TestServer> server_;
    std::unique_ptr<HttpClient> owner_;
    WhatsAppAccount account_;
    Workspace one_, two_;
    int sent_ = 0;
};

using Strings = std::vector<std::string>;

const std::string kCancel = "أريد إلغاء الطلبية رقم ٤٥ من فضلك، شُكْرًا";
const std::string kSchool = "المدرسة مغلقة على الطريق";
const std::string kShipping = "I ordered two shirts, when will they ship? Order 123";

TEST_P(SearchTest, FindsMessagesAndContactsHoweverTheyAreWritten) {
    Deliver(one_, "971501234567", kCancel);
    Deliver(one_, "971501234567", kSchool);
    Deliver(one_, "447911123456", kShipping);
    // The other workspace holds the same words, and one of its own.
    Deliver(two_, "971509999999", kCancel + " ws-two");
    Deliver(two_, "971509999999", "orders shipped ws-two");
    ASSERT_TRUE(WaitFor(one_, "ordered", 1));
    ASSERT_TRUE(WaitFor(one_, "الطلبية", 1));
    ASSERT_TRUE(WaitFor(two_, "shipped", 1));
    ASSERT_TRUE(WaitFor(two_, "الطلبية", 1));

    // Arabic, written differently from the message.
    for (const std::string q : {"اريد الغاء", "إلغاء", "الطلبيه", "طلبية", "أُرِيدُ", "الـــطلبية",
                                "رقم 45", "رقم ٤٥", "شكرا"}) {
        EXPECT_EQ(Contents(one_, q), Strings{kCancel}) << q;
    }
    EXPECT_EQ(Contents(one_, "مدرسه"), Strings{kSchool});
    EXPECT_EQ(Contents(one_, "علي الطريق"), Strings{kSchool});
    EXPECT_TRUE(Contents(one_, "رقم 46").empty());
    // English inflections, Arabic-Indic digits for ASCII ones, type-ahead.
    for (const std::string q : {"orders", "ordering shipping", "order ١٢٣", "shir"}) {
        EXPECT_EQ(Contents(one_, q), Strings{kShipping}) << q;
    }

    // The other workspace's copies and words never show.
    EXPECT_TRUE(Contents(one_, "ws-two").empty());
    EXPECT_EQ(Contents(two_, "الغاء").size(), 1u);
    EXPECT_EQ(Contents(two_, "الغاء")[0], kCancel + " ws-two");
    EXPECT_EQ(Contents(two_, "orders"), Strings{"orders shipped ws-two"});

    // A message answer carries what the dashboard needs to open it.
    auto r = Search(one_, "الغاء");
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(r.json()["messages"].size(), 1u);
    const auto& m = r.json()["messages"][0];
    EXPECT_EQ(std::to_string(m["inbox_id"].get<std::int64_t>()), one_.inbox_id);
    EXPECT_TRUE(m.contains("conversation_id"));
    EXPECT_TRUE(m.contains("created_at"));
    EXPECT_TRUE(r.json()["next_cursor"].is_null());

    // Contacts: WhatsApp profile names and numbers, API contacts by Arabic name.
    EXPECT_EQ(ContactNames(one_, "0501234567"), Strings{"Customer 971501234567"});
    EXPECT_EQ(ContactNames(one_, "+971 50 123 4567"), Strings{"Customer 971501234567"});
    EXPECT_EQ(ContactNames(one_, "٠٧٩١١ ١٢٣٤٥٦"), Strings{"Customer 447911123456"});
    EXPECT_EQ(ContactNames(one_, "customer").size(), 2u);
    EXPECT_EQ(ContactNames(two_, "customer"), Strings{"Customer 971509999999"});
    EXPECT_TRUE(ContactNames(one_, "0509999999").empty());
    auto layla = owner_->Post("/api/v1/workspaces/" + one_.id + "/contacts",
                              {{"name", "ليلى أحمد"}, {"email", "layla@example.com"}});
    ASSERT_EQ(layla.status, 201) << layla.body;
    EXPECT_EQ(ContactNames(one_, "ليلي احمد"), Strings{"ليلى أحمد"});
    EXPECT_EQ(ContactNames(one_, "layla@example.com"), Strings{"ليلى أحمد"});
    EXPECT_TRUE(ContactNames(two_, "ليلي").empty());
    // type=all answers both lists.
    auto all = Search(one_, "customer");
    ASSERT_EQ(all.status, 200);
    EXPECT_EQ(all.json()["contacts"].size(), 2u);
    EXPECT_TRUE(all.json()["messages"].empty());
}

TEST_P(SearchTest, PagesFiltersAndRefuses) {
    for (int i = 0; i < 3; ++i) Deliver(one_, "971501234567", "invoice " + std::to_string(i));
    ASSERT_TRUE(WaitFor(one_, "invoice", 3));

    Strings seen;
    std::string cursor;
    int pages = 0;
    do {
        auto r = Search(one_, "invoices",
                        "&type=messages&limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
        ASSERT_EQ(r.status, 200) << r.body;
        for (auto& m : r.json()["messages"]) seen.push_back(m["content"]);
        cursor =
            r.json()["next_cursor"].is_null() ? "" : r.json()["next_cursor"].get<std::string>();
        ASSERT_LT(++pages, 5);
    } while (!cursor.empty());
    EXPECT_EQ(pages, 2);
    EXPECT_EQ(seen, (Strings{"invoice 2", "invoice 1", "invoice 0"}));

    EXPECT_EQ(Search(one_, "invoice", "&inbox_id=" + one_.inbox_id).json()["messages"].size(), 3u);
    // An inbox of another workspace is not found, as any object outside the path's workspace.
    EXPECT_EQ(Search(one_, "invoice", "&inbox_id=" + two_.inbox_id).status, 404);

    for (const std::string extra :
         {"&type=nope", "&limit=0", "&limit=101", "&cursor=x1", "&inbox_id=abc"}) {
        auto r = Search(one_, "invoice", extra);
        EXPECT_EQ(r.status, 400) << extra;
        EXPECT_EQ(r.json()["error"]["code"], "invalid_argument") << extra;
    }
    EXPECT_EQ(owner_->Get("/api/v1/workspaces/" + one_.id + "/search").status, 400);
    EXPECT_EQ(Search(one_, "   ").status, 400);
    EXPECT_EQ(Search(one_, "?!").status, 400);

    // A token of the other workspace cannot search this one.
    auto token = owner_->Post("/api/v1/workspaces/" + two_.id + "/api-tokens", {{"name", "bot"}});
    ASSERT_EQ(token.status, 201) << token.body;
    HttpClient bot(server_->port());
    bot.set_bearer(token.json()["token"]);
    EXPECT_EQ(bot.Get("/api/v1/workspaces/" + one_.id + "/search?q=invoice").status, 404);
    EXPECT_EQ(
        bot.Get("/api/v1/workspaces/" + two_.id + "/search?q=invoice").json()["messages"].size(),
        0u);
    HttpClient stranger(server_->port());
    EXPECT_EQ(stranger.Get("/api/v1/workspaces/" + one_.id + "/search?q=invoice").status, 401);
}

TEST_P(SearchTest, ErasedContactsAndTheirMessagesAreNotFound) {
    Deliver(one_, "971501234567", "my address is 12 palm street");
    ASSERT_TRUE(WaitFor(one_, "palm", 1));
    auto contacts = Search(one_, "0501234567", "&type=contacts");
    ASSERT_EQ(contacts.json()["contacts"].size(), 1u);
    const auto id = std::to_string(contacts.json()["contacts"][0]["id"].get<std::int64_t>());
    ASSERT_EQ(owner_->Delete("/api/v1/workspaces/" + one_.id + "/contacts/" + id).status, 204);
    EXPECT_TRUE(Contents(one_, "palm").empty());
    EXPECT_TRUE(ContactNames(one_, "0501234567").empty());

    // An inbox deleted with its history takes its messages with it.
    Deliver(one_, "971501111111", "palm street again");
    ASSERT_TRUE(WaitFor(one_, "palm", 1));
    ASSERT_EQ(owner_
                  ->Delete("/api/v1/workspaces/" + one_.id + "/inboxes/" + one_.inbox_id +
                           "?keep_history=false")
                  .status,
              204);
    EXPECT_TRUE(Contents(one_, "palm").empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, SearchTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             return info.param;
                         });

}  // namespace
}  // namespace hudhud::testing

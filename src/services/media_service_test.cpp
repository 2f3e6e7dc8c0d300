#include "services/media_service.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "http/metrics.hpp"
#include "http/server.hpp"
#include "log/log.hpp"
#include "services/inbound_message_service.hpp"
#include "storage/repositories/attachment_repository.hpp"
#include "storage/sqlite/sqlite_database.hpp"
#include "storage/testing/temp_dir.hpp"

namespace hudhud::services {
namespace {

using storage::AttachmentRepository;
using storage::AttachmentStatus;
using storage::Session;

constexpr std::string_view kToken = "good-token";

std::string Base64Sha256(std::string_view bytes) {
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
    unsigned char out[64];
    const int n = EVP_EncodeBlock(out, md, static_cast<int>(len));
    return std::string(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
}

std::int64_t Count(storage::Database& db, const std::string& sql) {
    auto n = db.ReadValue([&](Session& s) -> Result<std::int64_t> {
        HH_ASSIGN_OR_RETURN(auto rows, s.Query(sql));
        return storage::AsInt(rows.rows.at(0).at(0));
    });
    return n.ok() ? *n : -1;
}

// A Graph API stand-in: /v23.0/{media_id} answers the media info, /files/{name} the bytes, both
// only for the right Bearer token (else Graph's 401 with code 190).
class FakeGraph {
  public:
    struct Media {
        std::string bytes{};
        int info_status = 200;
        int file_status = 200;
        std::string sha256_override{};  // announced instead of the real digest
    };

    FakeGraph() {
        http::Router r;
        r.Get("/v23.0/{media_id}", [this](http::Request& req) { return Info(req); });
        r.Get("/files/{name}", [this](http::Request& req) { return File(req); });
        http::ServerOptions o;
        o.host = "127.0.0.1";
        o.port = 0;
        o.io_threads = 1;
        o.handler_threads = 4;
        o.access_log = false;
        server_ = std::make_unique<http::Server>(o, std::move(r), metrics_);
        EXPECT_TRUE(server_->Start().ok());
    }
    ~FakeGraph() { server_->Stop(); }

    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
    void Put(const std::string& id, Media m) {
        std::lock_guard lock(mu_);
        media_[id] = std::move(m);
    }
    int info_calls() const { return info_calls_; }
    std::string last_phone_number_id() {
        std::lock_guard lock(mu_);
        return last_pnid_;
    }

  private:
    static http::Response Unauthorized() {
        return http::Response::Json(401, {{"error",
                                           {{"message", "Error validating access token"},
                                            {"type", "OAuthException"},
                                            {"code", 190}}}});
    }
    bool Authorized(const http::Request& req) {
        return req.Header("Authorization").value_or("") == "Bearer " + std::string(kToken);
    }
    http::Response Info(http::Request& req) {
        ++info_calls_;
        if (!Authorized(req)) return Unauthorized();
        std::lock_guard lock(mu_);
        last_pnid_ = std::string(req.Query("phone_number_id").value_or(""));
        const std::string id(*req.PathParam("media_id"));
        auto it = media_.find(id);
        if (it == media_.end()) {
            return http::Response::Json(
                400, {{"error", {{"message", "Unsupported get request."}, {"code", 100}}}});
        }
        if (it->second.info_status != 200) {
            return http::Response::Text(it->second.info_status, "unavailable");
        }
        const std::string sha = !it->second.sha256_override.empty()
                                    ? it->second.sha256_override
                                    : media::Sha256Hex(it->second.bytes);
        return http::Response::Json(200, {{"messaging_product", "whatsapp"},
                                          {"url", base_url() + "/files/" + id + "?hash=x"},
                                          {"mime_type", "image/jpeg"},
                                          {"sha256", sha},
                                          {"file_size", std::to_string(it->second.bytes.size())},
                                          {"id", id}});
    }
    http::Response File(http::Request& req) {
        if (!Authorized(req)) return Unauthorized();
        std::lock_guard lock(mu_);
        auto it = media_.find(std::string(*req.PathParam("name")));
        if (it == media_.end()) return http::Response::Text(404, "");
        if (it->second.file_status != 200) return http::Response::Text(it->second.file_status, "");
        return http::Response::Text(200, it->second.bytes, "image/jpeg");
    }

    http::MetricsRegistry metrics_;
    std::unique_ptr<http::Server> server_;
    std::mutex mu_;
    std::map<std::string, Media> media_;
    std::string last_pnid_;
    std::atomic<int> info_calls_{0};
};

class MediaServiceTest : public ::testing::Test {
  protected:
    // Before the fixture's members, among them the fake Graph server, are built.
    static void SetUpTestSuite() { log::SetLevel(log::Level::kError); }
    static void TearDownTestSuite() { log::SetLevel(log::Level::kInfo); }

    void SetUp() override {
        storage::sqlite::SqliteOptions o;
        o.path = ":memory:";
        db_ = std::move(storage::sqlite::SqliteDatabase::Open(o)).value();
        keyring_.emplace(std::move(secrets::Keyring::Generate()).value());
        auto creds =
            keyring_->Encrypt(nlohmann::json{{"app_secret", "s"}, {"access_token", kToken}}.dump());
        ASSERT_TRUE(creds.ok());
        ASSERT_TRUE(db_->Write([&](Session& s) -> Status {
                           HH_RETURN_IF_ERROR(
                               s.Exec("INSERT INTO workspaces (name, created_at, "
                                      "updated_at) VALUES ('a', 1, 1), ('b', 1, 1)"));
                           HH_RETURN_IF_ERROR(s.Exec(
                               "INSERT INTO inboxes (workspace_id, name, channel_kind, "
                               "webhook_key, credentials_enc, external_account_id, created_at, "
                               "updated_at) VALUES (1, 'wa', 'whatsapp', 'k1', $1, "
                               "'100000000000002', 1, 1)",
                               {*creds}));
                           return Ok();
                       })
                        .ok());
        jobs_ = std::make_unique<jobs::JobQueue>(*db_, clock_);
        inbound_ = std::make_unique<InboundMessageService>(*db_, clock_);
        inbound_->EnableMediaDownloads(*jobs_);
        store_ = std::make_unique<media::MediaStore>(dir_.path() / "media");
        MakeService();
    }
    void MakeService(MediaServiceOptions o = {}) {
        o.graph_api_url = graph_.base_url();
        o.graph_api_version = "v23.0";
        service_ = std::make_unique<MediaService>(*db_, clock_, *keyring_, *store_, http_, o);
    }

    // Ingests one inbound image message with this media id; returns its attachment id.
    AttachmentId IngestImage(const std::string& media_id, const std::string& webhook_sha = "",
                             const std::string& wamid = "") {
        channels::InboundMessage m;
        m.external_id = wamid.empty() ? "wamid." + media_id : wamid;
        m.sender.external_id = "971501234567";
        m.type = channels::ContentType::kImage;
        m.platform_type = "image";
        channels::MediaDescriptor md;
        md.media_id = media_id;
        md.mime_type = "image/jpeg";
        md.sha256 = webhook_sha;
        md.caption = "the box";
        m.media = md;
        channels::InboundEvent e;
        e.account_id = "100000000000002";
        e.body = m;
        auto r = inbound_->Ingest(WorkspaceId(1), InboxId(1), {e});
        EXPECT_TRUE(r.ok()) << r.error().message;
        auto id = db_->ReadValue([&](Session& s) -> Result<std::int64_t> {
            HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT max(id) FROM attachments"));
            return storage::AsInt(rows.rows.at(0).at(0));
        });
        return AttachmentId(id.ok() ? *id : 0);
    }

    jobs::JobContext Job(AttachmentId id, int attempt = 1) {
        jobs::JobContext j;
        j.id = JobId(1);
        j.workspace = WorkspaceId(1);
        j.type = std::string(MediaService::kJobType);
        j.payload = nlohmann::json{{"attachment_id", id.value()}}.dump();
        j.attempt = attempt;
        j.max_attempts = MediaService::kMaxAttempts;
        return j;
    }

    storage::Attachment Row(AttachmentId id, WorkspaceId ws = WorkspaceId(1)) {
        auto a = db_->ReadValue([&](Session& s) { return AttachmentRepository::Get(s, ws, id); });
        EXPECT_TRUE(a.ok());
        return a.ok() ? *a : storage::Attachment{};
    }

    static WorkspaceAccess Access(WorkspaceId ws) {
        WorkspaceAccess a;
        a.principal.user.id = UserId(7);
        a.membership.workspace_id = ws;
        a.membership.user_id = UserId(7);
        a.membership.role = Role::kAdmin;  // sees every inbox (scoping: ConversationServiceTest)
        return a;
    }

    storage::testing::TempDir dir_;
    FakeClock clock_;
    std::unique_ptr<storage::Database> db_;
    std::optional<secrets::Keyring> keyring_;
    std::unique_ptr<jobs::JobQueue> jobs_;
    std::unique_ptr<InboundMessageService> inbound_;
    std::unique_ptr<media::MediaStore> store_;
    FakeGraph graph_;
    net::HttpClient http_;
    std::unique_ptr<MediaService> service_;
};

TEST_F(MediaServiceTest, IngestRecordsAPendingAttachmentAndItsJobWithTheMessage) {
    const std::string bytes = "jpeg bytes";
    const AttachmentId id = IngestImage("900000000000101", Base64Sha256(bytes));
    ASSERT_TRUE(id.valid());
    const auto a = Row(id);
    EXPECT_EQ(a.status, AttachmentStatus::kPending);
    EXPECT_EQ(a.kind, "image");
    EXPECT_EQ(a.mime_type, "image/jpeg");
    EXPECT_EQ(a.external_media_id.value_or(""), "900000000000101");
    EXPECT_EQ(a.sha256.value_or(""), media::Sha256Hex(bytes)) << "webhook base64 kept as hex";
    ASSERT_TRUE(a.message_id.has_value());
    EXPECT_EQ(a.inbox_id.value_or(InboxId()), InboxId(1));
    EXPECT_EQ(Count(*db_,
                    "SELECT count(*) FROM jobs WHERE type = 'media.download' AND payload "
                    "LIKE '%\"attachment_id\":" +
                        id.str() + "%'"),
              1);
    // The platform retries the delivery: no second attachment, no second job.
    IngestImage("900000000000101", Base64Sha256(bytes));
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM attachments"), 1);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM jobs WHERE type = 'media.download'"), 1);
    // Contacts created from a WhatsApp wa_id get it as their E.164 phone.
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM contacts WHERE phone_e164 = '+971501234567'"), 1);
}

TEST_F(MediaServiceTest, DownloadStoresVerifiedBytesOnceAndServesThemToTheWorkspace) {
    const std::string bytes(70000, '\xff');
    graph_.Put("m1", {bytes});
    const AttachmentId id = IngestImage("m1", Base64Sha256(bytes));
    Status st = service_->Download(Job(id));
    ASSERT_TRUE(st.ok()) << st.error().message;
    EXPECT_EQ(graph_.last_phone_number_id(), "100000000000002");
    const auto a = Row(id);
    EXPECT_EQ(a.status, AttachmentStatus::kStored);
    EXPECT_EQ(a.storage_key.value_or(""), media::Sha256Hex(bytes));
    EXPECT_EQ(a.size_bytes, bytes.size());
    EXPECT_TRUE(store_->Exists(media::Sha256Hex(bytes)));

    auto file = service_->ReadFile(Access(WorkspaceId(1)), id);
    ASSERT_TRUE(file.ok()) << file.error().message;
    EXPECT_EQ(file->bytes, bytes);
    auto other = service_->ReadFile(Access(WorkspaceId(2)), id);
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().code, ErrorCode::kNotFound);

    // A second run of the job (at-least-once delivery) does nothing.
    const int calls = graph_.info_calls();
    EXPECT_TRUE(service_->Download(Job(id)).ok());
    EXPECT_EQ(graph_.info_calls(), calls);
}

TEST_F(MediaServiceTest, PendingAttachmentIsNotFoundWithAClearMessage) {
    const AttachmentId id = IngestImage("never-fetched");
    auto file = service_->ReadFile(Access(WorkspaceId(1)), id);
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.error().code, ErrorCode::kNotFound);
    EXPECT_NE(file.error().message.find("pending"), std::string::npos);
}

TEST_F(MediaServiceTest, ChecksumMismatchFailsTheRowForGood) {
    graph_.Put("m2", {"real bytes"});
    // The webhook announced the digest of other bytes.
    const AttachmentId id = IngestImage("m2", Base64Sha256("other bytes"));
    Status st = service_->Download(Job(id));
    ASSERT_FALSE(st.ok());
    EXPECT_FALSE(st.error().retryable);
    auto a = Row(id);
    EXPECT_EQ(a.status, AttachmentStatus::kFailed);
    EXPECT_NE(a.error.value_or("").find("checksum mismatch"), std::string::npos);

    // The media endpoint announcing a wrong digest (hex) fails the same way.
    graph_.Put("m3", {"real bytes", 200, 200, media::Sha256Hex("tampered")});
    const AttachmentId id3 = IngestImage("m3");
    EXPECT_FALSE(service_->Download(Job(id3)).ok());
    EXPECT_EQ(Row(id3).status, AttachmentStatus::kFailed);
    EXPECT_FALSE(store_->Exists(media::Sha256Hex("real bytes")));
    auto file = service_->ReadFile(Access(WorkspaceId(1)), id3);
    ASSERT_FALSE(file.ok());
    EXPECT_NE(file.error().message.find("failed"), std::string::npos);
}

TEST_F(MediaServiceTest, UnknownMediaIdFailsAtOnce) {
    const AttachmentId id = IngestImage("no-such-media");
    Status st = service_->Download(Job(id));
    ASSERT_FALSE(st.ok());
    EXPECT_FALSE(st.error().retryable);
    EXPECT_EQ(Row(id).status, AttachmentStatus::kFailed);
}

TEST_F(MediaServiceTest, ServerErrorsAreRetriedThenFailOnTheLastAttempt) {
    graph_.Put("busy", {"x", 503});
    const AttachmentId id = IngestImage("busy");
    Status first = service_->Download(Job(id, 1));
    ASSERT_FALSE(first.ok());
    EXPECT_TRUE(first.error().retryable);
    EXPECT_EQ(Row(id).status, AttachmentStatus::kPending);

    Status last = service_->Download(Job(id, MediaService::kMaxAttempts));
    ASSERT_FALSE(last.ok());
    EXPECT_FALSE(last.error().retryable);
    EXPECT_EQ(Row(id).status, AttachmentStatus::kFailed);

    // Fixed meanwhile, and retried from the dead-letter list: a failed row can still be stored.
    graph_.Put("busy", {"x"});
    EXPECT_TRUE(service_->Download(Job(id, 1)).ok());
    EXPECT_EQ(Row(id).status, AttachmentStatus::kStored);
}

TEST_F(MediaServiceTest, ExpiredDownloadUrlIsRetried) {
    graph_.Put("expired", {"x", 200, 404});
    const AttachmentId id = IngestImage("expired");
    Status st = service_->Download(Job(id));
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(st.error().retryable);
    EXPECT_EQ(Row(id).status, AttachmentStatus::kPending);
}

TEST_F(MediaServiceTest, RejectedTokenMarksTheInboxNeedsReconnect) {
    graph_.Put("m4", {"x"});
    const AttachmentId id = IngestImage("m4");
    auto creds = keyring_->Encrypt(R"({"access_token":"revoked"})");
    ASSERT_TRUE(db_->Write([&](Session& s) -> Status {
                       HH_RETURN_IF_ERROR(
                           s.Exec("UPDATE inboxes SET credentials_enc = $1", {*creds}));
                       return Ok();
                   })
                    .ok());
    Status st = service_->Download(Job(id));
    ASSERT_FALSE(st.ok());
    EXPECT_FALSE(st.error().retryable);
    EXPECT_EQ(Row(id).status, AttachmentStatus::kFailed);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM inboxes WHERE status = 'needs_reconnect'"), 1);
}

TEST_F(MediaServiceTest, OversizedMediaIsRefused) {
    MediaServiceOptions o;
    o.max_download_bytes = 1000;
    MakeService(o);
    graph_.Put("big", {std::string(5000, 'b')});
    const AttachmentId id = IngestImage("big");
    Status st = service_->Download(Job(id));
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(Row(id).status, AttachmentStatus::kFailed);
    EXPECT_NE(Row(id).error.value_or("").find("limit"), std::string::npos);
}

TEST_F(MediaServiceTest, UnreachableGraphIsRetryable) {
    const AttachmentId id = IngestImage("m5");
    service_ = std::make_unique<MediaService>(
        *db_, clock_, *keyring_, *store_, http_,
        MediaServiceOptions{.graph_api_url = "http://127.0.0.1:1", .graph_api_version = "v23.0"});
    Status st = service_->Download(Job(id));
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(st.error().retryable);
    EXPECT_EQ(Row(id).status, AttachmentStatus::kPending);
}

TEST_F(MediaServiceTest, DeletedAttachmentEndsTheJob) {
    EXPECT_TRUE(service_->Download(Job(AttachmentId(999))).ok());
    jobs::JobContext bad = Job(AttachmentId(1));
    bad.payload = "{}";
    EXPECT_FALSE(service_->Download(bad).ok());
}

TEST_F(MediaServiceTest, UploadsAreCheckedStoredUnboundAndScoped) {
    const std::string pdf = "%PDF-1.7 fake";
    auto up =
        service_->Upload(Access(WorkspaceId(1)), pdf, "application/pdf", "../../تقرير\r\n.pdf");
    ASSERT_TRUE(up.ok()) << up.error().message;
    EXPECT_EQ(up->status, AttachmentStatus::kStored);
    EXPECT_FALSE(up->message_id.has_value());
    EXPECT_EQ(up->file_name, "تقرير.pdf");
    EXPECT_EQ(up->kind, "document");
    EXPECT_EQ(up->uploaded_by.value_or(UserId()), UserId(7));
    auto file = service_->ReadFile(Access(WorkspaceId(1)), up->id);
    ASSERT_TRUE(file.ok());
    EXPECT_EQ(file->bytes, pdf);
    EXPECT_EQ(service_->ReadFile(Access(WorkspaceId(2)), up->id).error().code,
              ErrorCode::kNotFound);

    EXPECT_TRUE(service_->IsUploadAllowed("image/PNG; charset=binary"));
    EXPECT_FALSE(service_->IsUploadAllowed("text/html"));
    EXPECT_FALSE(service_->IsUploadAllowed("image/svg+xml"));
    EXPECT_EQ(
        service_->Upload(Access(WorkspaceId(1)), "<script>", "text/html", "x.html").error().code,
        ErrorCode::kInvalidArgument);
    EXPECT_EQ(service_->Upload(Access(WorkspaceId(1)), "", "image/png", "x.png").error().code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(service_->Upload(Access(WorkspaceId(1)), "x", "image/png", "../").error().code,
              ErrorCode::kInvalidArgument);
    MediaServiceOptions small;
    small.max_upload_bytes = 4;
    MakeService(small);
    EXPECT_EQ(service_->Upload(Access(WorkspaceId(1)), "12345", "image/png", "x.png").error().code,
              ErrorCode::kPayloadTooLarge);
}

TEST(AttachmentRepositoryTest, BindAndBlobReferences) {
    storage::sqlite::SqliteOptions o;
    auto db = std::move(storage::sqlite::SqliteDatabase::Open(o)).value();
    Status st = db->Write([&](Session& s) -> Status {
        HH_RETURN_IF_ERROR(
            s.Exec("INSERT INTO workspaces (name, created_at, updated_at) VALUES "
                   "('a', 1, 1), ('b', 1, 1)"));
        storage::NewAttachment na;
        na.kind = "image";
        na.storage_key = std::string(64, 'a');
        HH_ASSIGN_OR_RETURN(auto a, AttachmentRepository::Create(s, WorkspaceId(1), na, {}));
        EXPECT_EQ(a.status, AttachmentStatus::kStored);
        HH_ASSIGN_OR_RETURN(bool referenced,
                            AttachmentRepository::IsBlobReferenced(s, std::string(64, 'a')));
        EXPECT_TRUE(referenced);
        HH_ASSIGN_OR_RETURN(referenced,
                            AttachmentRepository::IsBlobReferenced(s, std::string(64, 'b')));
        EXPECT_FALSE(referenced);
        // Not another workspace's to bind or see.
        EXPECT_EQ(AttachmentRepository::Get(s, WorkspaceId(2), a.id).error().code,
                  ErrorCode::kNotFound);
        EXPECT_EQ(AttachmentRepository::BindToMessage(s, WorkspaceId(2), a.id, MessageId(1), {})
                      .error()
                      .code,
                  ErrorCode::kNotFound);
        HH_ASSIGN_OR_RETURN(bool failed,
                            AttachmentRepository::MarkFailed(s, WorkspaceId(1), a.id, "x", {}));
        EXPECT_FALSE(failed) << "a stored row stays stored";
        return Ok();
    });
    EXPECT_TRUE(st.ok()) << st.error().message;
}

}  // namespace
}  // namespace hudhud::services

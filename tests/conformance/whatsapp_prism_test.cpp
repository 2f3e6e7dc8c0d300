// Conformance of the WhatsApp adapter against Meta's official OpenAPI spec (Graph v23.0, from
// facebook/openapi), served by Prism, which validates every request it receives against the spec.
// See /work/shared/peers/README.md sections 1.1 and 2.1.
//
//   1. Outbound: every OutboundKind is built by WhatsAppAdapter::BuildSend, sent with
//      net::HttpClient to Prism, and must get HTTP 200 with no validation error (✖) in Prism's log;
//      ParseSendResponse must read the message id from the spec's example response.
//   2. The validator is live: deliberately broken bodies get 422.
//   3. Inbound: the spec's 16 webhook examples go through WhatsAppAdapter::ParseWebhook.
//
// The spec is never copied into the repository. It is found through $HUDHUD_PEER_SPECS (a folder)
// or ${HUDHUD_SOURCE_DIR}/../shared/peers/specs; without it, or without Prism (scripts/bootstrap.sh
// installs it into tests/peers/) or python3-yaml, the tests skip and say why.
//
// Spec quirks and what we do about them (numbers as in the peers README, 1.1):
//   1. recipient_type is required by the spec: the adapter always sends "individual".
//   2. template.language.policy is required: the adapter always sends "deterministic".
//   3. Mark-as-read ({"messaging_product","status":"read","message_id","typing_indicator"}) is one
//      of the spec's own examples, but the Message schema (a oneOf over 11 message types) rejects
//      it with 422. Choice: at test time we write a patched copy of the spec into a temp folder
//      that adds exactly that shape (closed: additionalProperties false, status must be "read") to
//      the oneOf, so our mark-as-read body is still validated field by field rather than waved
//      through by an allow-list. The test also proves the addition is strict (a wrong status is
//      422).
//   5. (Found here, not in the README.) LocationMessage declares latitude/longitude as strings,
//      while the spec's own "Send Location Message" example and Meta's reference send numbers.
//      The adapter sends numbers; the patched copy types them as numbers.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <variant>

#include "channels/whatsapp/whatsapp_adapter.hpp"
#include "net/http_client.hpp"

namespace hudhud::conformance {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using channels::ChannelAccount;
using channels::OutboundKind;
using channels::OutboundMessage;
using nlohmann::json;

constexpr std::string_view kSpecFile = "meta-business-messaging-api_v23.0.yaml";

// Reads the spec once (YAML is slow in Python) and writes the patched spec and the webhook
// examples as JSON. Arguments: spec.yaml patched_spec.json webhooks.json.
constexpr std::string_view kPrepareScript = R"PY(
import json, sys, yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
with open(sys.argv[1], encoding="utf-8") as f:
    spec = yaml.load(f, Loader=loader)
schemas = spec["components"]["schemas"]
# Quirk 3: the spec's own mark-as-read example, as a closed schema.
schemas["HudhudMarkRead"] = {
    "type": "object", "additionalProperties": False,
    "required": ["messaging_product", "status", "message_id"],
    "properties": {
        "messaging_product": {"type": "string", "enum": ["whatsapp"]},
        "status": {"type": "string", "enum": ["read"]},
        "message_id": {"type": "string"},
        "typing_indicator": {
            "type": "object", "additionalProperties": False, "required": ["type"],
            "properties": {"type": {"type": "string", "enum": ["text"]}}},
    },
}
schemas["Message"]["oneOf"].append({"$ref": "#/components/schemas/HudhudMarkRead"})
# Quirk 5: latitude/longitude are numbers, as in the spec's own example.
location = schemas["LocationMessage"]["allOf"][1]["properties"]["location"]["properties"]
location["latitude"] = {"type": "number"}
location["longitude"] = {"type": "number"}
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(spec, f, default=str)
examples = (spec["paths"]["/whatsapp/webhooks"]["post"]["requestBody"]["content"]
            ["application/json"]["examples"])
with open(sys.argv[3], "w", encoding="utf-8") as f:
    json.dump({name: e["value"] for name, e in examples.items()}, f, default=str,
              ensure_ascii=False)
)PY";

std::string ReadFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Runs argv (no shell) with stdout/stderr appended to `log`; returns the exit status or -1.
int RunCommand(const std::vector<std::string>& argv, const fs::path& log) {
    const pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The spec turned into test inputs in a private temp folder, once per process.
struct SpecWorkspace {
    std::string skip_reason;  // empty when ready
    fs::path dir;
    fs::path patched_spec;
    fs::path webhooks;

    SpecWorkspace() {
        fs::path specs;
        if (const char* env = std::getenv("HUDHUD_PEER_SPECS"); env && *env) {
            specs = env;
        } else {
            specs = fs::path(HUDHUD_SOURCE_DIR) / ".." / "shared" / "peers" / "specs";
        }
        const fs::path spec = specs / kSpecFile;
        if (!fs::exists(spec)) {
            skip_reason = "Meta's WhatsApp OpenAPI spec not found at " + spec.string() +
                          " (set HUDHUD_PEER_SPECS to the folder holding " +
                          std::string(kSpecFile) + ")";
            return;
        }
        if (RunCommand({"python3", "-c", "import yaml"}, "/dev/null") != 0) {
            skip_reason =
                "python3 with PyYAML is needed (apt-get install python3-yaml, or run "
                "scripts/bootstrap.sh)";
            return;
        }
        std::string tmpl = (fs::temp_directory_path() / "hudhud-conformance-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) {
            skip_reason = "cannot create a temp folder";
            return;
        }
        dir = tmpl;
        patched_spec = dir / "whatsapp-spec.patched.json";
        webhooks = dir / "whatsapp-webhook-examples.json";
        const fs::path script = dir / "prepare.py";
        std::ofstream(script) << kPrepareScript;
        if (RunCommand({"python3", script.string(), spec.string(), patched_spec.string(),
                        webhooks.string()},
                       dir / "prepare.log") != 0) {
            skip_reason = "preparing the spec failed: " + ReadFile(dir / "prepare.log");
        }
    }
    ~SpecWorkspace() {
        std::error_code ec;
        if (!dir.empty() && !std::getenv("HUDHUD_KEEP_CONFORMANCE_TMP")) fs::remove_all(dir, ec);
    }
};

SpecWorkspace& Workspace() {
    static SpecWorkspace workspace;
    return workspace;
}

std::uint16_t FreePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

// Prism as a child process in its own process group, killed (group-wide) on destruction. It also
// dies with us (PR_SET_PDEATHSIG) if the test binary crashes.
class Prism {
  public:
    Prism(const fs::path& executable, const fs::path& spec, const fs::path& log)
        : port_(FreePort()), log_(log) {
        pid_ = ::fork();
        if (pid_ == 0) {
            ::setpgid(0, 0);
            ::prctl(PR_SET_PDEATHSIG, SIGTERM);
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                ::dup2(fd, 1);
                ::dup2(fd, 2);
            }
            const std::string port = std::to_string(port_);
            ::execl(executable.c_str(), executable.c_str(), "mock", "-h", "127.0.0.1", "-p",
                    port.c_str(), spec.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        if (pid_ > 0) ::setpgid(pid_, pid_);
    }
    ~Prism() {
        if (pid_ <= 0) return;
        ::kill(-pid_, SIGTERM);
        for (int i = 0; i < 50; ++i) {
            if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
            std::this_thread::sleep_for(100ms);
        }
        ::kill(-pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }

    // Polls until Prism answers HTTP (any status). Startup takes about 3 s on an idle machine.
    Status WaitReady(const net::HttpClient& client, std::chrono::seconds limit) {
        if (pid_ <= 0) return Error::Internal("fork failed");
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = 0;
                return Error::Unavailable("prism exited during startup:\n" + ReadFile(log_));
            }
            net::HttpRequest probe;
            probe.url = base_url() + "/";
            probe.timeout = 1s;
            if (client.Send(probe).ok()) return Ok();
            std::this_thread::sleep_for(200ms);
        }
        return Error::Timeout("prism did not answer within the limit:\n" + ReadFile(log_));
    }

    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    const fs::path& log() const { return log_; }

  private:
    std::uint16_t port_;
    fs::path log_;
    pid_t pid_ = -1;
};

struct Exchange {
    int status = 0;
    std::string body;
    std::string prism_log;  // what Prism logged while handling this request
};

class WhatsAppPrismTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        SpecWorkspace& ws = Workspace();
        if (!ws.skip_reason.empty()) return;
        fs::path prism = fs::path(HUDHUD_SOURCE_DIR) / "tests/peers/node_modules/.bin/prism";
        if (const char* env = std::getenv("HUDHUD_PRISM"); env && *env) prism = env;
        if (!fs::exists(prism)) {
            prism_skip_ = "Prism not installed at " + prism.string() +
                          " (run scripts/bootstrap.sh, or npm install in tests/peers)";
            return;
        }
        prism_ = std::make_unique<Prism>(prism, ws.patched_spec, ws.dir / "prism.log");
        auto ready = prism_->WaitReady(*client_, 120s);
        if (!ready.ok()) start_error_ = ready.error().message;
    }
    static void TearDownTestSuite() { prism_.reset(); }

    void SetUp() override {
        if (!Workspace().skip_reason.empty()) GTEST_SKIP() << Workspace().skip_reason;
        if (!prism_skip_.empty()) GTEST_SKIP() << prism_skip_;
        ASSERT_TRUE(start_error_.empty()) << start_error_;
    }

    static ChannelAccount Account() {
        return ChannelAccount{.api_base_url = prism_->base_url(),
                              .api_version = "v23.0",
                              .account_id = "106540352242922",
                              .account_group_id = "102290129340398",
                              .access_token = "EAAGtestTOKEN123"};
    }

    // Sends one call and collects what Prism logged for it (requests are sequential).
    static Exchange Send(const channels::PlatformCall& call) {
        const auto offset = fs::file_size(prism_->log());
        net::HttpRequest request;
        request.method = call.method;
        request.url = call.url;
        request.headers = call.headers;
        request.body = call.body;
        request.timeout = 20s;  // a body Prism cannot parse makes it hang (peers README)
        Exchange ex;
        auto response = client_->Send(request);
        if (!response.ok()) {
            ex.body = "transport error: " + response.error().message;
            return ex;
        }
        ex.status = response->status;
        ex.body = response->body;
        // Prism's log lines may land after its answer, and late lines of an earlier request
        // (the readiness probe) may precede ours: keep from our "Request received" line on, and
        // wait for the verdict.
        std::string method = call.method;
        for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const std::string path = call.url.substr(prism_->base_url().size());
        const std::string received = "[HTTP SERVER] " + method + " " + path;
        for (int i = 0; i < 40; ++i) {
            const std::string all = ReadFile(prism_->log());
            const std::string tail = all.size() > offset ? all.substr(offset) : "";
            const auto start = tail.find(received);
            ex.prism_log =
                start == std::string::npos ? "" : tail.substr(tail.rfind('\n', start) + 1);
            if (ex.prism_log.find("Responding with") != std::string::npos ||
                ex.prism_log.find("Request terminated") != std::string::npos)
                break;
            std::this_thread::sleep_for(50ms);
        }
        return ex;
    }

    static inline std::unique_ptr<net::HttpClient> client_ =
        std::make_unique<net::HttpClient>(net::HttpClient::Options{.user_agent = "hudhud/0.1.0"});
    static inline std::unique_ptr<Prism> prism_;
    static inline std::string prism_skip_;
    static inline std::string start_error_;
    channels::whatsapp::WhatsAppAdapter adapter_;
};

OutboundMessage Msg(OutboundKind kind) {
    OutboundMessage m;
    m.kind = kind;
    m.recipient = "16505551234";
    return m;
}

OutboundMessage MediaMsg(std::string kind, std::string link, std::string id, std::string caption,
                         std::string filename) {
    auto m = Msg(OutboundKind::kMedia);
    m.media = channels::OutboundMedia{.kind = std::move(kind),
                                      .link = std::move(link),
                                      .media_id = std::move(id),
                                      .caption = std::move(caption),
                                      .filename = std::move(filename)};
    return m;
}

std::vector<std::pair<std::string, OutboundMessage>> EveryKind() {
    std::vector<std::pair<std::string, OutboundMessage>> cases;
    {
        auto m = Msg(OutboundKind::kText);
        m.text = "مرحبا! How can we help?";
        cases.emplace_back("text", m);
        m.text = "Your order: https://shop.example.com/o/42";
        m.reply_to_external_id = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=";
        cases.emplace_back("text with link, quoting", m);
    }
    cases.emplace_back("image by link with caption",
                       MediaMsg("image", "https://cdn.example.com/a.jpg", "", "صورة", ""));
    cases.emplace_back("image by id", MediaMsg("image", "", "1003383421387256", "", ""));
    cases.emplace_back("video by link with caption",
                       MediaMsg("video", "https://cdn.example.com/v.mp4", "", "clip", ""));
    cases.emplace_back("audio by id", MediaMsg("audio", "", "4490709327384033", "", ""));
    cases.emplace_back("document by id with caption and filename",
                       MediaMsg("document", "", "4490709327384034", "Invoice", "invoice.pdf"));
    cases.emplace_back("sticker by link",
                       MediaMsg("sticker", "https://cdn.example.com/s.webp", "", "", ""));
    cases.emplace_back("sticker by id", MediaMsg("sticker", "", "777", "", ""));
    {
        auto m = Msg(OutboundKind::kLocation);
        m.location = channels::Location{.latitude = 37.758056,
                                        .longitude = -122.425332,
                                        .name = "META HQ",
                                        .address = "1 Hacker Way, Menlo Park, CA 94025",
                                        .url = ""};
        cases.emplace_back("location", m);
    }
    {
        auto m = Msg(OutboundKind::kButtons);
        m.text = "Did that answer your question?";
        m.header = "Support";
        m.footer = "Hudhud";
        m.buttons = {{.id = "yes", .title = "نعم"},
                     {.id = "no", .title = "No"},
                     {.id = "agent", .title = "Talk to a person"}};
        cases.emplace_back("reply buttons", m);
    }
    {
        auto m = Msg(OutboundKind::kList);
        m.text = "Pick a delivery slot";
        m.header = "Delivery";
        m.footer = "Times are local";
        m.list_button = "Slots";
        m.sections = {
            {.title = "Today",
             .rows = {{.id = "t1", .title = "Morning", .description = "9-12"},
                      {.id = "t2", .title = "Evening", .description = ""}}},
            {.title = "Tomorrow", .rows = {{.id = "m1", .title = "Any time", .description = ""}}}};
        cases.emplace_back("list", m);
    }
    {
        auto m = Msg(OutboundKind::kTemplate);
        m.template_message = channels::OutboundTemplate{
            .name = "order_update",
            .language = "en_US",
            .components_json =
                R"([{"type":"header","parameters":[{"type":"image","image":{"link":"https://cdn.example.com/h.jpg"}}]},)"
                R"({"type":"body","parameters":[{"type":"text","text":"Sheena"},)"
                R"({"type":"currency","currency":{"fallback_value":"$100.99","code":"USD","amount_1000":100990}}]}])"};
        cases.emplace_back("template with components", m);
        m.template_message = channels::OutboundTemplate{
            .name = "hello_world", .language = "en_US", .components_json = "[]"};
        cases.emplace_back("template without components", m);
    }
    {
        auto m = Msg(OutboundKind::kReaction);
        m.target_external_id = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA";
        m.emoji = "👍";
        cases.emplace_back("reaction", m);
        m.emoji = "";
        cases.emplace_back("reaction removed", m);
    }
    {
        auto m = Msg(OutboundKind::kMarkRead);
        m.target_external_id = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUYzMjEzNDM2RTZGQ0MzMDJBRgA=";
        cases.emplace_back("mark as read", m);
        m.typing_indicator = true;
        cases.emplace_back("mark as read with typing indicator", m);
    }
    return cases;
}

TEST_F(WhatsAppPrismTest, EveryOutboundKindPassesTheSpec) {
    const auto cases = EveryKind();
    // Every kind the seam knows is covered.
    std::set<OutboundKind> kinds;
    for (const auto& [name, m] : cases) kinds.insert(m.kind);
    EXPECT_EQ(kinds.size(), 8u);

    for (const auto& [name, message] : cases) {
        SCOPED_TRACE(name);
        auto call = adapter_.BuildSend(message, Account());
        ASSERT_TRUE(call.ok()) << call.error().message;
        const Exchange ex = Send(*call);
        EXPECT_EQ(ex.status, 200) << call->body << "\n" << ex.body << "\n" << ex.prism_log;
        EXPECT_EQ(ex.prism_log.find("✖"), std::string::npos) << call->body << "\n" << ex.prism_log;
        EXPECT_NE(ex.prism_log.find("passed the validation rules"), std::string::npos)
            << ex.prism_log;
        auto accepted = adapter_.ParseSendResponse(ex.body);
        ASSERT_TRUE(accepted.ok()) << accepted.error().message << "\n" << ex.body;
        EXPECT_TRUE(accepted->external_id.starts_with("wamid.")) << ex.body;
        EXPECT_EQ(accepted->recipient_id, "16505551234");
    }
}

TEST_F(WhatsAppPrismTest, ValidatorIsLive) {
    auto text = Msg(OutboundKind::kText);
    text.text = "hello";
    auto call = adapter_.BuildSend(text, Account());
    ASSERT_TRUE(call.ok());
    const json good = json::parse(call->body);

    auto expect_422 = [&](std::string_view what, json body, std::string_view reason) {
        SCOPED_TRACE(what);
        channels::PlatformCall broken = *call;
        broken.body = body.dump();
        const Exchange ex = Send(broken);
        EXPECT_EQ(ex.status, 422) << ex.body;
        EXPECT_NE(ex.prism_log.find("✖"), std::string::npos) << ex.prism_log;
        EXPECT_NE(ex.body.find(reason), std::string::npos) << ex.body;
    };

    json no_to = good;
    no_to.erase("to");
    expect_422("missing to", no_to, "must have required property 'to'");

    json numeric_to = good;
    numeric_to["to"] = 16505551234;
    expect_422("numeric to", numeric_to, "property to must be string");

    json extra = good;
    extra["text"]["bogus"] = true;
    expect_422("unknown text field", extra, "must NOT have additional properties");

    // Quirk 1 is live: this is why the adapter always sends recipient_type.
    json no_recipient_type = good;
    no_recipient_type.erase("recipient_type");
    expect_422("missing recipient_type", no_recipient_type,
               "must have required property 'recipient_type'");

    // Quirk 2 is live: this is why the adapter always sends policy.
    auto tmpl = Msg(OutboundKind::kTemplate);
    tmpl.template_message = channels::OutboundTemplate{
        .name = "hello_world", .language = "en_US", .components_json = "[]"};
    auto tcall = adapter_.BuildSend(tmpl, Account());
    ASSERT_TRUE(tcall.ok());
    json no_policy = json::parse(tcall->body);
    no_policy["template"]["language"].erase("policy");
    expect_422("template without policy", no_policy, "policy");

    // Our quirk-3 overlay is strict, not an allow-list.
    expect_422(
        "mark-read with another status",
        json{{"messaging_product", "whatsapp"}, {"status", "delivered"}, {"message_id", "wamid.X"}},
        "allowed values");

    // And a missing bearer token is refused before the body is looked at.
    channels::PlatformCall no_auth = *call;
    no_auth.headers = {{"Content-Type", "application/json"}};
    EXPECT_EQ(Send(no_auth).status, 401);
}

// ---- Inbound: the spec's webhook examples.

using channels::ContactChange;
using channels::ContentType;
using channels::InboundEvent;
using channels::InboundMessage;
using channels::InboundReaction;
using channels::UnrecognizedEvent;

const InboundMessage& OnlyMessage(const std::vector<InboundEvent>& events) {
    static const InboundMessage kNone;
    if (events.empty() || !std::holds_alternative<InboundMessage>(events[0].body)) {
        ADD_FAILURE() << "expected an InboundMessage first";
        return kNone;
    }
    return std::get<InboundMessage>(events[0].body);
}

void ExpectOneMessage(const std::vector<InboundEvent>& events, ContentType type,
                      std::string_view platform_type) {
    ASSERT_EQ(events.size(), 1u);
    const InboundMessage& m = OnlyMessage(events);
    EXPECT_EQ(m.type, type) << channels::ContentTypeName(m.type);
    EXPECT_EQ(m.platform_type, platform_type);
    EXPECT_TRUE(m.external_id.starts_with("wamid.")) << m.external_id;
    EXPECT_EQ(m.sender.external_id, "16505551234");
    EXPECT_TRUE(m.sent_at.has_value());
    EXPECT_EQ(m.sender.profile_name.value_or(""), "Sheena Nelson");
}

void ExpectGroupEvent(const std::vector<InboundEvent>& events, std::string_view field) {
    ASSERT_EQ(events.size(), 1u);
    ASSERT_TRUE(std::holds_alternative<UnrecognizedEvent>(events[0].body));
    const auto& u = std::get<UnrecognizedEvent>(events[0].body);
    EXPECT_EQ(u.kind, "field:" + std::string(field));
    EXPECT_NE(u.raw_json.find("group_id"), std::string::npos);
}

using Check = std::function<void(const std::vector<InboundEvent>&)>;

std::map<std::string, Check> WebhookExpectations() {
    return {
        {"Text Message",
         [](const auto& e) {
             ExpectOneMessage(e, ContentType::kText, "text");
             EXPECT_EQ(OnlyMessage(e).text, "Does it come in another color?");
             EXPECT_EQ(e[0].account_group_id, "419561257915477");
         }},
        {"Text Message with Context (Product Inquiry)",
         [](const auto& e) {
             ExpectOneMessage(e, ContentType::kText, "text");
             const auto& m = OnlyMessage(e);
             EXPECT_EQ(m.text, "Is this still available?");
             EXPECT_EQ(m.reply_to_external_id.value_or(""),
                       "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA");
         }},
        {"Text Message from Click to WhatsApp Ad",
         [](const auto& e) {
             ExpectOneMessage(e, ContentType::kText, "text");
             const auto& m = OnlyMessage(e);
             EXPECT_EQ(m.text, "Hello! Can I get more info on this?");
             EXPECT_NE(m.referral_json.find("\"ctwa_clid\""), std::string::npos);
             EXPECT_NE(m.referral_json.find("120226305854810726"), std::string::npos);
         }},
        {"Reaction Message",
         [](const auto& e) {
             ASSERT_EQ(e.size(), 1u);
             ASSERT_TRUE(std::holds_alternative<InboundReaction>(e[0].body));
             const auto& r = std::get<InboundReaction>(e[0].body);
             EXPECT_EQ(r.emoji, "👍");
             EXPECT_EQ(r.target_external_id,
                       "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA");
             EXPECT_EQ(r.sender.external_id, "16505551234");
             EXPECT_FALSE(r.removed());
         }},
        {"Image Message",
         [](const auto& e) {
             ExpectOneMessage(e, ContentType::kImage, "image");
             const auto& m = OnlyMessage(e);
             ASSERT_TRUE(m.media.has_value());
             EXPECT_EQ(m.media->media_id, "1003383421387256");
             EXPECT_EQ(m.media->mime_type, "image/jpeg");
             EXPECT_EQ(m.media->caption, "Taj Mahal");
             EXPECT_EQ(m.media->sha256, "SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=");
         }},
        {"Location Message",
         [](const auto& e) {
             ExpectOneMessage(e, ContentType::kLocation, "location");
             const auto& m = OnlyMessage(e);
             ASSERT_TRUE(m.location.has_value());
             EXPECT_NEAR(m.location->latitude, 37.44221496582, 1e-9);
             EXPECT_NEAR(m.location->longitude, -122.16165924072, 1e-9);
             EXPECT_EQ(m.location->name, "Philz Coffee");
             EXPECT_EQ(m.location->url, "https://philzcoffee.com/");
         }},
        {"Contact Sharing Message",
         [](const auto& e) {
             ExpectOneMessage(e, ContentType::kContacts, "contacts");
             const json cards = json::parse(OnlyMessage(e).contacts_json);
             ASSERT_TRUE(cards.is_array());
             EXPECT_EQ(cards[0]["name"]["formatted_name"], "Lucía Gómez");
             EXPECT_EQ(cards[0]["phones"][0]["wa_id"], "19835552319");
         }},
        {"Unsupported Message",
         [](const auto& e) {
             ExpectOneMessage(e, ContentType::kUnsupported, "unsupported");
             const auto& m = OnlyMessage(e);
             ASSERT_EQ(m.errors.size(), 1u);
             EXPECT_EQ(m.errors[0].code, 131051);
             EXPECT_EQ(m.errors[0].details, "Message type is currently not supported.");
         }},
        {"Button Message",
         [](const auto& e) {
             ExpectOneMessage(e, ContentType::kButtonReply, "button");
             const auto& m = OnlyMessage(e);
             ASSERT_TRUE(m.reply.has_value());
             EXPECT_EQ(m.reply->id, "Unsubscribe");
             EXPECT_EQ(m.text, "Unsubscribe");
             EXPECT_TRUE(m.reply_to_external_id.has_value());
         }},
        {"Interactive List Reply Message",
         [](const auto& e) {
             ExpectOneMessage(e, ContentType::kInteractiveReply, "interactive");
             const auto& m = OnlyMessage(e);
             ASSERT_TRUE(m.reply.has_value());
             EXPECT_EQ(m.reply->kind, "list_reply");
             EXPECT_EQ(m.reply->id, "priority_express");
             EXPECT_EQ(m.reply->title, "Priority Mail Express");
             EXPECT_EQ(m.reply->description, "Next Day to 2 Days");
         }},
        {"Interactive Button Reply Message",
         [](const auto& e) {
             ExpectOneMessage(e, ContentType::kInteractiveReply, "interactive");
             const auto& m = OnlyMessage(e);
             ASSERT_TRUE(m.reply.has_value());
             EXPECT_EQ(m.reply->kind, "button_reply");
             EXPECT_EQ(m.reply->id, "cancel-button");
             EXPECT_EQ(m.text, "Cancel");
         }},
        {"Order Message",
         [](const auto& e) {
             ExpectOneMessage(e, ContentType::kOrder, "order");
             const json order = json::parse(OnlyMessage(e).order_json);
             EXPECT_EQ(order["catalog_id"], "194836987003835");
             EXPECT_EQ(order["product_items"].size(), 2u);
         }},
        {"System Message",
         [](const auto& e) {
             ASSERT_EQ(e.size(), 2u);
             const auto& m = OnlyMessage(e);
             EXPECT_EQ(m.type, ContentType::kSystem);
             EXPECT_EQ(m.text, "User Sheena Nelson changed from 16505551234 to 12195555358");
             ASSERT_TRUE(std::holds_alternative<ContactChange>(e[1].body));
             const auto& c = std::get<ContactChange>(e[1].body);
             EXPECT_EQ(c.kind, "user_changed_number");
             EXPECT_EQ(c.previous.external_id, "16505551234");
             EXPECT_EQ(c.new_external_id, "12195555358");
         }},
        {"Group Create Message",
         [](const auto& e) { ExpectGroupEvent(e, "group_lifecycle_update"); }},
        {"Group Settings Update",
         [](const auto& e) { ExpectGroupEvent(e, "group_settings_update"); }},
        {"Group Remove Participants",
         [](const auto& e) { ExpectGroupEvent(e, "group_participants_update"); }},
    };
}

TEST(WhatsAppSpecWebhookTest, EveryWebhookExampleParses) {
    const SpecWorkspace& ws = Workspace();
    if (!ws.skip_reason.empty()) GTEST_SKIP() << ws.skip_reason;
    const json examples = json::parse(ReadFile(ws.webhooks));
    ASSERT_TRUE(examples.is_object());
    EXPECT_EQ(examples.size(), 16u);

    const auto expectations = WebhookExpectations();
    channels::whatsapp::WhatsAppAdapter adapter;
    std::size_t checked = 0;
    for (const auto& [name, payload] : examples.items()) {
        SCOPED_TRACE(name);
        auto events = adapter.ParseWebhook(payload.dump());
        ASSERT_TRUE(events.ok()) << events.error().message;
        for (const auto& event : *events) {
            EXPECT_EQ(event.account_id, "106540352242922");
            EXPECT_FALSE(event.account_group_id.empty());
        }
        const auto it = expectations.find(name);
        if (it == expectations.end()) {
            ADD_FAILURE() << "new webhook example in the spec; add an expectation for it";
            continue;
        }
        it->second(*events);
        ++checked;
    }
    EXPECT_EQ(checked, expectations.size()) << "an expected example is missing from the spec";
}

}  // namespace
}  // namespace hudhud::conformance

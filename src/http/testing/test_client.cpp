#include "http/testing/test_client.hpp"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <variant>

namespace hudhud::http::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

void SetTimeouts(tcp::socket& socket, std::chrono::milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

Error Fail(std::string_view what, const beast::error_code& ec) {
    if (ec == asio::error::would_block || ec == asio::error::try_again ||
        ec == asio::error::timed_out) {
        return Error::Timeout(std::string(what) + ": timed out");
    }
    return Error::Unavailable(std::string(what) + ": " + ec.message());
}

ClientResponse Convert(bhttp::response<bhttp::string_body>&& res) {
    ClientResponse out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) out.headers.Add(f.name_string(), f.value());
    out.body = std::move(res.body());
    return out;
}

}  // namespace

struct TestClient::Impl {
    asio::io_context ioc;
    asio::ssl::context ssl_ctx{asio::ssl::context::tls_client};
    std::unique_ptr<tcp::socket> plain;
    std::unique_ptr<asio::ssl::stream<tcp::socket>> tls;
    beast::flat_buffer buffer;

    template <class F>
    auto WithStream(F&& f) {
        if (tls) return f(*tls);
        return f(*plain);
    }
    tcp::socket& socket() { return tls ? tls->next_layer() : *plain; }
};

TestClient::TestClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TestClient::~TestClient() = default;

Result<std::unique_ptr<TestClient>> TestClient::Connect(std::uint16_t port, bool tls,
                                                        std::chrono::milliseconds timeout) {
    auto impl = std::make_unique<Impl>();
    beast::error_code ec;
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
    if (tls) {
        impl->ssl_ctx.set_verify_mode(asio::ssl::verify_none);
        impl->tls = std::make_unique<asio::ssl::stream<tcp::socket>>(impl->ioc, impl->ssl_ctx);
        impl->tls->next_layer().connect(ep, ec);
        if (ec) return Fail("connect", ec);
        SetTimeouts(impl->tls->next_layer(), timeout);
        impl->tls->handshake(asio::ssl::stream_base::client, ec);
        if (ec) return Fail("tls handshake", ec);
    } else {
        impl->plain = std::make_unique<tcp::socket>(impl->ioc);
        impl->plain->connect(ep, ec);
        if (ec) return Fail("connect", ec);
        SetTimeouts(*impl->plain, timeout);
    }
    return std::unique_ptr<TestClient>(new TestClient(std::move(impl)));
}

Result<ClientResponse> TestClient::Send(std::string_view method, std::string_view target,
                                        std::string body, const StringPairs& headers) {
    bhttp::request<bhttp::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(bhttp::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.insert(k, v);
    bool has_body = !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
    req.body() = std::move(body);
    if (has_body) req.prepare_payload();
    beast::error_code ec;
    impl_->WithStream([&](auto& s) { bhttp::write(s, req, ec); });
    if (ec) return Fail("write", ec);
    return ReadResponse();
}

Status TestClient::WriteRaw(std::string_view bytes) {
    beast::error_code ec;
    impl_->WithStream([&](auto& s) { asio::write(s, asio::buffer(bytes), ec); });
    if (ec) return Fail("write", ec);
    return Ok();
}

Result<ClientResponse> TestClient::ReadResponse() {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64u << 20);
    beast::error_code ec;
    impl_->WithStream([&](auto& s) { bhttp::read(s, impl_->buffer, parser, ec); });
    if (ec) return Fail("read", ec);
    return Convert(parser.release());
}

bool TestClient::WaitForClose(std::chrono::milliseconds wait) {
    SetTimeouts(impl_->socket(), wait);
    char byte = 0;
    beast::error_code ec;
    while (true) {
        impl_->WithStream([&](auto& s) { s.read_some(asio::buffer(&byte, 1), ec); });
        if (!ec) continue;  // drain anything still in flight
        return !(ec == asio::error::would_block || ec == asio::error::try_again ||
                 ec == asio::error::timed_out);
    }
}

struct TestWsClient::Impl {
    asio::io_context ioc;
    asio::ssl::context ssl_ctx{asio::ssl::context::tls_client};
    std::unique_ptr<websocket::stream<tcp::socket>> plain;
    std::unique_ptr<websocket::stream<asio::ssl::stream<tcp::socket>>> tls;
    beast::flat_buffer buffer;

    template <class F>
    auto WithStream(F&& f) {
        if (tls) return f(*tls);
        return f(*plain);
    }
    tcp::socket& socket() { return tls ? tls->next_layer().next_layer() : plain->next_layer(); }
};

TestWsClient::TestWsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TestWsClient::~TestWsClient() = default;

Result<std::unique_ptr<TestWsClient>> TestWsClient::Connect(std::uint16_t port,
                                                            std::string_view target,
                                                            const StringPairs& headers, bool tls,
                                                            std::chrono::milliseconds timeout) {
    auto impl = std::make_unique<Impl>();
    beast::error_code ec;
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
    if (tls) {
        impl->ssl_ctx.set_verify_mode(asio::ssl::verify_none);
        impl->tls = std::make_unique<websocket::stream<asio::ssl::stream<tcp::socket>>>(
            impl->ioc, impl->ssl_ctx);
        impl->socket().connect(ep, ec);
        if (ec) return Fail("connect", ec);
        SetTimeouts(impl->socket(), timeout);
        impl->tls->next_layer().handshake(asio::ssl::stream_base::client, ec);
        if (ec) return Fail("tls handshake", ec);
    } else {
        impl->plain = std::make_unique<websocket::stream<tcp::socket>>(impl->ioc);
        impl->socket().connect(ep, ec);
        if (ec) return Fail("connect", ec);
        SetTimeouts(impl->socket(), timeout);
    }
    websocket::response_type res;
    impl->WithStream([&](auto& ws) {
        ws.set_option(websocket::stream_base::decorator([&](websocket::request_type& req) {
            for (const auto& [k, v] : headers) req.set(k, v);
        }));
        ws.handshake(res, "127.0.0.1", target, ec);
    });
    if (ec) {
        return Error::Unavailable("upgrade refused: " + std::to_string(res.result_int()) + " " +
                                  res.body() + " (" + ec.message() + ")");
    }
    return std::unique_ptr<TestWsClient>(new TestWsClient(std::move(impl)));
}

Status TestWsClient::Send(std::string_view text) {
    beast::error_code ec;
    impl_->WithStream([&](auto& ws) {
        ws.text(true);
        ws.write(asio::buffer(text), ec);
    });
    if (ec) return Fail("ws write", ec);
    return Ok();
}

Result<std::string> TestWsClient::Read(std::chrono::milliseconds wait) {
    SetTimeouts(impl_->socket(), wait);
    beast::error_code ec;
    impl_->WithStream([&](auto& ws) { ws.read(impl_->buffer, ec); });
    if (ec) return Fail("ws read", ec);
    std::string text = beast::buffers_to_string(impl_->buffer.data());
    impl_->buffer.consume(impl_->buffer.size());
    return text;
}

Result<nlohmann::json> TestWsClient::ReadJson(std::chrono::milliseconds wait) {
    HH_ASSIGN_OR_RETURN(std::string text, Read(wait));
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return Error::InvalidArgument("not JSON: " + text);
    return j;
}

void TestWsClient::Close() {
    beast::error_code ec;
    impl_->socket().close(ec);
}

}  // namespace hudhud::http::testing

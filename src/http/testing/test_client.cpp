#include "http/testing/test_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>

namespace hudhud::http::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using TlsSocket = asio::ssl::stream<tcp::socket>;

Error Fail(std::string_view what, const beast::error_code& ec) {
    if (ec == asio::error::timed_out) return Error::Timeout(std::string(what) + ": timed out");
    return Error::Unavailable(std::string(what) + ": " + ec.message());
}

// Runs `ioc` until `*done` or `timeout`; on timeout cancels the socket's operations (which then
// complete with operation_aborted) and reports timed_out.
beast::error_code RunUntil(asio::io_context& ioc, tcp::socket& socket, const bool* done,
                           std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    ioc.restart();
    while (!*done && std::chrono::steady_clock::now() < deadline) {
        ioc.run_one_until(deadline);
        if (ioc.stopped()) ioc.restart();
    }
    if (*done) return {};
    beast::error_code ignored;
    socket.cancel(ignored);
    ioc.restart();
    while (!*done && ioc.run_one() > 0) {
    }
    return asio::error::timed_out;
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
    std::unique_ptr<TlsSocket> tls;
    beast::flat_buffer buffer;
    std::chrono::milliseconds timeout{};

    tcp::socket& socket() { return tls ? tls->next_layer() : *plain; }

    // Starts `op(stream, handler)` and waits for it.
    template <class Op>
    beast::error_code Run(Op&& op, std::chrono::milliseconds limit) {
        bool done = false;
        beast::error_code result;
        auto handler = [&](beast::error_code ec, std::size_t = 0) {
            result = ec;
            done = true;
        };
        if (tls) {
            op(*tls, handler);
        } else {
            op(*plain, handler);
        }
        beast::error_code ec = RunUntil(ioc, socket(), &done, limit);
        return ec ? ec : result;
    }
};

TestClient::TestClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TestClient::~TestClient() = default;

Result<std::unique_ptr<TestClient>> TestClient::Connect(std::uint16_t port, bool tls,
                                                        std::chrono::milliseconds timeout) {
    auto impl = std::make_unique<Impl>();
    impl->timeout = timeout;
    beast::error_code ec;
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
    if (tls) {
        impl->ssl_ctx.set_verify_mode(asio::ssl::verify_none);
        impl->tls = std::make_unique<TlsSocket>(impl->ioc, impl->ssl_ctx);
    } else {
        impl->plain = std::make_unique<tcp::socket>(impl->ioc);
    }
    impl->socket().connect(ep, ec);
    if (ec) return Fail("connect", ec);
    if (tls) {
        ec = impl->Run(
            [](auto& s, auto h) {
                if constexpr (std::is_same_v<std::decay_t<decltype(s)>, TlsSocket>) {
                    s.async_handshake(asio::ssl::stream_base::client, h);
                }
            },
            timeout);
        if (ec) return Fail("tls handshake", ec);
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
    auto ec = impl_->Run([&](auto& s, auto h) { bhttp::async_write(s, req, h); }, impl_->timeout);
    if (ec) return Fail("write", ec);
    return ReadResponse(method == "HEAD");
}

Status TestClient::WriteRaw(std::string_view bytes) {
    auto ec = impl_->Run([&](auto& s, auto h) { asio::async_write(s, asio::buffer(bytes), h); },
                         impl_->timeout);
    if (ec) return Fail("write", ec);
    return Ok();
}

Result<ClientResponse> TestClient::ReadResponse(bool head) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(head);
    parser.body_limit(64u << 20);
    auto ec = impl_->Run([&](auto& s, auto h) { bhttp::async_read(s, impl_->buffer, parser, h); },
                         impl_->timeout);
    if (ec) return Fail("read", ec);
    return Convert(parser.release());
}

bool TestClient::WaitForClose(std::chrono::milliseconds wait) {
    std::array<char, 4096> sink;
    while (true) {
        auto ec =
            impl_->Run([&](auto& s, auto h) { s.async_read_some(asio::buffer(sink), h); }, wait);
        if (!ec) continue;  // drain anything still in flight
        return ec != asio::error::timed_out;
    }
}

struct TestWsClient::Impl {
    asio::io_context ioc;
    asio::ssl::context ssl_ctx{asio::ssl::context::tls_client};
    std::unique_ptr<websocket::stream<tcp::socket>> plain;
    std::unique_ptr<websocket::stream<TlsSocket>> tls;
    beast::flat_buffer buffer;
    std::chrono::milliseconds timeout{};
    // A read stays outstanding across Read() calls that time out, so a late message is not lost
    // and the stream stays usable.
    bool reading = false;
    std::deque<Result<std::string>> inbox;

    tcp::socket& socket() { return tls ? tls->next_layer().next_layer() : plain->next_layer(); }

    template <class F>
    void WithStream(F&& f) {
        if (tls) {
            f(*tls);
        } else {
            f(*plain);
        }
    }

    void StartRead() {
        if (reading) return;
        reading = true;
        WithStream([this](auto& ws) {
            ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
                reading = false;
                if (ec) {
                    inbox.push_back(Fail("ws read", ec));
                    return;
                }
                inbox.push_back(beast::buffers_to_string(buffer.data()));
                buffer.consume(buffer.size());
            });
        });
    }
};

TestWsClient::TestWsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TestWsClient::~TestWsClient() = default;

Result<std::unique_ptr<TestWsClient>> TestWsClient::Connect(std::uint16_t port,
                                                            std::string_view target,
                                                            const StringPairs& headers, bool tls,
                                                            std::chrono::milliseconds timeout) {
    auto impl = std::make_unique<Impl>();
    impl->timeout = timeout;
    beast::error_code ec;
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
    if (tls) {
        impl->ssl_ctx.set_verify_mode(asio::ssl::verify_none);
        impl->tls = std::make_unique<websocket::stream<TlsSocket>>(impl->ioc, impl->ssl_ctx);
    } else {
        impl->plain = std::make_unique<websocket::stream<tcp::socket>>(impl->ioc);
    }
    impl->socket().connect(ep, ec);
    if (ec) return Fail("connect", ec);
    bool done = false;
    if (tls) {
        impl->tls->next_layer().async_handshake(asio::ssl::stream_base::client,
                                                [&](beast::error_code e) {
                                                    ec = e;
                                                    done = true;
                                                });
        auto t = RunUntil(impl->ioc, impl->socket(), &done, timeout);
        if (t || ec) return Fail("tls handshake", t ? t : ec);
    }
    done = false;
    impl->WithStream([&](auto& ws) {
        ws.set_option(websocket::stream_base::decorator([&headers](websocket::request_type& req) {
            for (const auto& [k, v] : headers) req.set(k, v);
        }));
        ws.async_handshake("127.0.0.1", target, [&](beast::error_code e) {
            ec = e;
            done = true;
        });
    });
    auto t = RunUntil(impl->ioc, impl->socket(), &done, timeout);
    if (t) return Fail("ws handshake", t);
    if (ec == websocket::error::upgrade_declined) {
        // Beast 1.74 drops the refusal response; ask again over plain HTTP to report it.
        auto again = TestClient::Connect(port, tls, timeout);
        if (!again.ok()) return again.error();
        StringPairs upgrade = headers;
        upgrade.emplace_back("Connection", "Upgrade");
        upgrade.emplace_back("Upgrade", "websocket");
        upgrade.emplace_back("Sec-WebSocket-Version", "13");
        upgrade.emplace_back("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        auto r = (*again)->Get(target, upgrade);
        if (!r.ok()) return r.error();
        return Error::Unavailable("upgrade refused: " + std::to_string(r->status) + " " + r->body);
    }
    if (ec) return Fail("ws handshake", ec);
    return std::unique_ptr<TestWsClient>(new TestWsClient(std::move(impl)));
}

Status TestWsClient::Send(std::string_view text) {
    bool done = false;
    beast::error_code ec;
    impl_->WithStream([&](auto& ws) {
        ws.text(true);
        ws.async_write(asio::buffer(text), [&](beast::error_code e, std::size_t) {
            ec = e;
            done = true;
        });
    });
    auto t = RunUntil(impl_->ioc, impl_->socket(), &done, impl_->timeout);
    if (t || ec) return Fail("ws write", t ? t : ec);
    return Ok();
}

Result<std::string> TestWsClient::Read(std::chrono::milliseconds wait) {
    if (impl_->inbox.empty()) {
        impl_->StartRead();
        auto deadline = std::chrono::steady_clock::now() + wait;
        impl_->ioc.restart();
        while (impl_->inbox.empty() && std::chrono::steady_clock::now() < deadline) {
            impl_->ioc.run_one_until(deadline);
            if (impl_->ioc.stopped()) impl_->ioc.restart();
        }
        if (impl_->inbox.empty()) return Error::Timeout("ws read: timed out");
    }
    Result<std::string> front = std::move(impl_->inbox.front());
    impl_->inbox.pop_front();
    return front;
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

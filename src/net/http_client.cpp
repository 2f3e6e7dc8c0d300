#include "net/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <string>

namespace hudhud::net {
namespace {

// libcurl wants curl_global_init before any other call and from one thread only; the process
// keeps it for its whole life (curl_global_cleanup at exit would race late users).
CURLcode GlobalInit() {
    static std::once_flag once;
    static CURLcode code = CURLE_OK;
    std::call_once(once, [] { code = curl_global_init(CURL_GLOBAL_DEFAULT); });
    return code;
}

char ToLower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool IEquals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ToLower(x) == ToLower(y);
           });
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

// "https://graph.facebook.com/v23.0/123/messages?access_token=..." -> "https://graph.facebook.com".
// Error messages name only this: paths and queries may carry ids or tokens.
std::string Origin(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return "(malformed url)";
    const auto host_end = url.find_first_of("/?#", scheme_end + 3);
    const std::string_view origin = url.substr(0, host_end);
    const auto at = origin.rfind('@');  // drop user:password@
    if (at == std::string_view::npos) return std::string(origin);
    return std::string(origin.substr(0, scheme_end + 3)) + std::string(origin.substr(at + 1));
}

bool HasControlChars(std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

struct Sink {
    std::string* body;
    std::size_t max_bytes;
    bool too_large = false;
};

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t n = size * count;
    if (sink->body->size() + n > sink->max_bytes) {
        sink->too_large = true;
        return 0;  // makes libcurl abort with CURLE_WRITE_ERROR
    }
    sink->body->append(data, n);
    return n;
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
    auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
    const std::size_t n = size * count;
    const std::string_view line(data, n);
    // A new status line starts a new response (after 100 Continue or a redirect): keep only the
    // headers of the final one.
    if (line.starts_with("HTTP/")) {
        headers->clear();
        return n;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return n;  // blank line or obs-fold
    std::string name(Trim(line.substr(0, colon)));
    std::transform(name.begin(), name.end(), name.begin(), ToLower);
    headers->emplace_back(std::move(name), std::string(Trim(line.substr(colon + 1))));
    return n;
}

struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

struct MimeDeleter {
    void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};
using Mime = std::unique_ptr<curl_mime, MimeDeleter>;

Error TransportError(CURLcode code, const char* detail, const HttpRequest& request) {
    std::string what = request.method + " " + Origin(request.url) + ": " +
                       (detail[0] != '\0' ? detail : curl_easy_strerror(code));
    switch (code) {
        case CURLE_OPERATION_TIMEDOUT:
            return Error::Timeout("request timed out: " + what);
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
            return Error::InvalidArgument("bad request url: " + what);
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
            // A certificate that does not verify will not verify on retry either.
            return Error{ErrorCode::kUnavailable, "TLS verification failed: " + what, false};
        case CURLE_OUT_OF_MEMORY:
            return Error::Internal("out of memory: " + what);
        default:
            return Error::Unavailable("transport failure: " + what);
    }
}

}  // namespace

std::optional<std::string_view> HttpResponse::Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (IEquals(key, name)) return std::string_view(value);
    }
    return std::nullopt;
}

struct HttpClient::Impl {
    Options options;
    CURLcode init_code = CURLE_OK;
    CURLSH* share = nullptr;
    std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks;

    std::mutex pool_mutex;
    std::vector<CURL*> idle;  // easy handles, each keeping its own live connections

    explicit Impl(Options o) : options(std::move(o)) {
        init_code = GlobalInit();
        if (init_code != CURLE_OK) return;
        // DNS answers and TLS sessions are shared between all handles. Connections are not:
        // libcurl does not support sharing its connection cache between concurrent threads, so
        // each pooled easy handle keeps its own.
        share = curl_share_init();
        if (share == nullptr) return;
        curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Impl::Lock);
        curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Impl::Unlock);
        curl_share_setopt(share, CURLSHOPT_USERDATA, this);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }

    ~Impl() {
        for (CURL* easy : idle) curl_easy_cleanup(easy);
        if (share != nullptr) curl_share_cleanup(share);
    }

    static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
        static_cast<Impl*>(user)->share_locks[static_cast<std::size_t>(data)].lock();
    }
    static void Unlock(CURL*, curl_lock_data data, void* user) {
        static_cast<Impl*>(user)->share_locks[static_cast<std::size_t>(data)].unlock();
    }

    CURL* Acquire() {
        {
            std::lock_guard lock(pool_mutex);
            if (!idle.empty()) {
                CURL* easy = idle.back();
                idle.pop_back();
                return easy;
            }
        }
        return curl_easy_init();
    }

    void Release(CURL* easy) {
        // Reset drops every option (and our pointers into the finished request) but keeps live
        // connections and caches, which is the point of pooling.
        curl_easy_reset(easy);
        {
            std::lock_guard lock(pool_mutex);
            if (idle.size() < options.max_idle_connections) {
                idle.push_back(easy);
                return;
            }
        }
        curl_easy_cleanup(easy);
    }

    Result<HttpResponse> Perform(const HttpRequest& request,
                                 const std::vector<MultipartPart>* parts);
};

Result<HttpResponse> HttpClient::Impl::Perform(const HttpRequest& request,
                                               const std::vector<MultipartPart>* parts) {
    if (init_code != CURLE_OK)
        return Error::Internal(std::string("libcurl initialisation failed: ") +
                               curl_easy_strerror(init_code));
    if (share == nullptr) return Error::Internal("libcurl share handle unavailable");
    if (request.url.empty()) return Error::InvalidArgument("request url is empty");
    if (HasControlChars(request.url) || HasControlChars(request.method))
        return Error::InvalidArgument("request url or method contains control characters");

    Slist header_list;
    auto append_header = [&](std::string line) -> Status {
        curl_slist* next = curl_slist_append(header_list.get(), line.c_str());
        if (next == nullptr) return Error::Internal("out of memory building request headers");
        (void)header_list.release();
        header_list.reset(next);
        return Ok();
    };
    for (const auto& [name, value] : request.headers) {
        if (name.empty() || HasControlChars(name) || HasControlChars(value) ||
            name.find(':') != std::string::npos)
            return Error::InvalidArgument("malformed request header name or value");
        // "Name:" would make libcurl drop the header; "Name;" is its spelling of an empty value.
        HH_RETURN_IF_ERROR(append_header(value.empty() ? name + ";" : name + ": " + value));
    }
    // Without this libcurl waits up to a second for "100 Continue" before larger POST bodies.
    HH_RETURN_IF_ERROR(append_header("Expect:"));

    HttpResponse response;
    Sink sink{&response.body, request.max_response_bytes};
    char error_buffer[CURL_ERROR_SIZE] = {};

    CURL* easy = Acquire();
    if (easy == nullptr) return Error::Internal("curl_easy_init failed");
    struct Lease {
        Impl* impl;
        CURL* easy;
        ~Lease() { impl->Release(easy); }
    } lease{this, easy};

    curl_easy_setopt(easy, CURLOPT_SHARE, share);
    curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM; we are threaded
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, options.user_agent.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, header_list.get());
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(request.connect_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_MAXCONNECTS, 4L);
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(request.max_response_bytes));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &response.headers);
    if (request.follow_redirects) {
        // libcurl does not send our custom Authorization header to another host on redirect.
        curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 5L);
        curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    }

    Mime mime;
    if (parts != nullptr) {
        mime.reset(curl_mime_init(easy));
        if (!mime) return Error::Internal("curl_mime_init failed");
        for (const MultipartPart& part : *parts) {
            curl_mimepart* p = curl_mime_addpart(mime.get());
            if (p == nullptr) return Error::Internal("curl_mime_addpart failed");
            if (curl_mime_name(p, part.name.c_str()) != CURLE_OK ||
                curl_mime_data(p, part.value.data(), part.value.size()) != CURLE_OK ||
                (part.filename && curl_mime_filename(p, part.filename->c_str()) != CURLE_OK) ||
                (part.content_type && curl_mime_type(p, part.content_type->c_str()) != CURLE_OK))
                return Error::Internal("building multipart part '" + part.name + "' failed");
        }
        curl_easy_setopt(easy, CURLOPT_MIMEPOST, mime.get());
        // Multipart is a POST (the default GET of HttpRequest included); PUT/PATCH are honoured.
        if (request.method == "PUT" || request.method == "PATCH")
            curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else if (request.method == "GET") {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    } else if (request.method == "HEAD") {
        curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else {
        // POSTFIELDS makes it a POST; CUSTOMREQUEST renames it (PUT, PATCH, DELETE).
        if (request.method != "POST")
            curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
            request.method == "PATCH") {
            curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(request.body.size()));
            curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
        }
    }

    const CURLcode code = curl_easy_perform(easy);
    if (code == CURLE_FILESIZE_EXCEEDED || (code == CURLE_WRITE_ERROR && sink.too_large))
        return Error::PayloadTooLarge("response from " + Origin(request.url) + " exceeds " +
                                      std::to_string(request.max_response_bytes) + " bytes");
    if (code != CURLE_OK) return TransportError(code, error_buffer, request);

    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    return response;
}

HttpClient::HttpClient() : HttpClient(Options{}) {}
HttpClient::HttpClient(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::Send(const HttpRequest& request) const {
    return impl_->Perform(request, nullptr);
}

Result<HttpResponse> HttpClient::SendMultipart(const HttpRequest& request,
                                               const std::vector<MultipartPart>& parts) const {
    return impl_->Perform(request, &parts);
}

}  // namespace hudhud::net

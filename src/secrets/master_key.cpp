#include "secrets/master_key.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "secrets/detail/sodium.hpp"

namespace hudhud::secrets {
namespace {

constexpr std::size_t kMaxKeyFileBytes = 4096;

Error IoError(const std::string& what, const std::string& path, int err) {
    return Error::Internal(what + " " + path + ": " + std::strerror(err));
}

std::string_view Trim(std::string_view s) {
    const char* ws = " \t\r\n";
    auto b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

bool IsHex(std::string_view s) {
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }
    int Release() {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }

  private:
    int fd_;
};

std::string ParentDir(const std::string& path) {
    std::filesystem::path p(path);
    auto parent = p.parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

// Creates every missing directory on the way to `dir` with mode 0700.
Status EnsureDir(const std::string& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode)) return Error::Internal(dir + " is not a directory");
        return Ok();
    }
    if (errno != ENOENT) return IoError("cannot stat", dir, errno);
    std::string parent = ParentDir(dir);
    if (parent != dir) HH_RETURN_IF_ERROR(EnsureDir(parent));
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        return IoError("cannot create directory", dir, errno);
    }
    return Ok();
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return IoError("cannot write", path, errno);
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return Ok();
}

}  // namespace

std::optional<std::string> MasterKeyFromEnvironment() {
    const char* v = std::getenv(std::string(kMasterKeyEnvVar).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
}

Result<Keyring> ParseMasterKey(std::string_view text) {
    HH_RETURN_IF_ERROR(detail::EnsureSodium());
    text = Trim(text);
    detail::SecretBytes key(kMasterKeyBytes);
    if (!key.ok()) return Error::Internal("cannot allocate secure memory for a key");
    if (text.size() == 2 * kMasterKeyBytes && IsHex(text)) {
        std::size_t len = 0;
        if (sodium_hex2bin(key.data(), key.size(), text.data(), text.size(), nullptr, &len,
                           nullptr) == 0 &&
            len == kMasterKeyBytes) {
            return Keyring::Create(key.view());
        }
    }
    for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                        sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
        auto len = detail::Base64DecodeInto(text, variant, key.data(), key.size());
        if (len && *len == kMasterKeyBytes) return Keyring::Create(key.view());
    }
    return Error::InvalidArgument(
        "malformed master key: expected 32 bytes as base64 or 64 hex characters");
}

namespace detail {

Status SyncParentDir(const std::string& path) {
    std::string dir = ParentDir(path);
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) return IoError("cannot open directory", dir, errno);
    if (::fsync(fd.get()) != 0) return IoError("cannot fsync directory", dir, errno);
    return Ok();
}

Result<std::optional<Keyring>> ReadKeyFile(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno == ENOENT) return std::optional<Keyring>();
        return IoError("cannot open key file", path, errno);
    }
    // Checked on the open descriptor, so a symlinked key file is judged by its target and the
    // check cannot race with a swap of the path.
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return IoError("cannot stat key file", path, errno);
    if (!S_ISREG(st.st_mode)) {
        return Error::InvalidArgument("key file " + path + " is not a regular file");
    }
    if ((st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return Error::PermissionDenied("key file " + path + " has mode " + mode +
                                       ", readable or writable by group or others; "
                                       "chmod 600 it");
    }
    if (st.st_size > static_cast<off_t>(kMaxKeyFileBytes)) {
        return Error::InvalidArgument("key file " + path + " is malformed (too large)");
    }
    SecretBytes buf(kMaxKeyFileBytes);
    if (!buf.ok()) return Error::Internal("cannot allocate secure memory for a key");
    std::size_t len = 0;
    while (len < buf.size()) {
        ssize_t n = ::read(fd.get(), buf.data() + len, buf.size() - len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return IoError("cannot read key file", path, errno);
        }
        if (n == 0) break;
        len += static_cast<std::size_t>(n);
    }
    auto ring = ParseMasterKey(std::string_view(reinterpret_cast<const char*>(buf.data()), len));
    if (!ring.ok()) {
        return Error::InvalidArgument("key file " + path +
                                      " is malformed: " + ring.error().message);
    }
    return std::optional<Keyring>(std::move(ring).value());
}

Status WriteKeyFileExclusive(const std::string& path, std::string_view key) {
    HH_RETURN_IF_ERROR(EnsureSodium());
    HH_RETURN_IF_ERROR(EnsureDir(ParentDir(path)));
    std::string text = Base64Encode(key, sodium_base64_VARIANT_ORIGINAL) + "\n";

    unsigned char rnd[6];
    randombytes_buf(rnd, sizeof rnd);
    std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." +
                      HexEncode(std::string_view(reinterpret_cast<const char*>(rnd), sizeof rnd));
    Status written = [&]() -> Status {
        Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
        if (fd.get() < 0) return IoError("cannot create key file", tmp, errno);
        // The umask can only narrow the mode, but make it exact anyway.
        if (::fchmod(fd.get(), 0600) != 0) return IoError("cannot chmod key file", tmp, errno);
        HH_RETURN_IF_ERROR(WriteAll(fd.get(), text, tmp));
        if (::fsync(fd.get()) != 0) return IoError("cannot fsync key file", tmp, errno);
        if (::close(fd.Release()) != 0) return IoError("cannot close key file", tmp, errno);
        return Ok();
    }();
    Wipe(text);
    if (!written.ok()) {
        ::unlink(tmp.c_str());
        return written;
    }
    // link() publishes the complete file under its final name and, unlike rename(), fails
    // rather than replacing a file another process got there first with.
    int link_rc = ::link(tmp.c_str(), path.c_str());
    int link_errno = errno;
    ::unlink(tmp.c_str());
    if (link_rc != 0) {
        if (link_errno == EEXIST) return Error::Conflict("key file " + path + " already exists");
        return IoError("cannot link key file", path, link_errno);
    }
    return SyncParentDir(path);
}

}  // namespace detail

Result<Keyring> LoadOrCreateMasterKey(const MasterKeyOptions& options) {
    HH_RETURN_IF_ERROR(detail::EnsureSodium());
    if (options.env_value) {
        if (Trim(*options.env_value).empty()) {
            return Error::InvalidArgument(std::string(kMasterKeyEnvVar) + " is set but empty");
        }
        auto ring = ParseMasterKey(*options.env_value);
        if (!ring.ok()) {
            return Error::InvalidArgument(std::string(kMasterKeyEnvVar) + ": " +
                                          ring.error().message);
        }
        return ring;
    }
    if (options.file_path.empty()) {
        return Error::InvalidArgument("no master key: set " + std::string(kMasterKeyEnvVar) +
                                      " or a key file path");
    }
    const std::string& path = options.file_path;
    const std::string next_path = path + ".next";

    HH_ASSIGN_OR_RETURN(std::optional<Keyring> current, detail::ReadKeyFile(path));
    HH_ASSIGN_OR_RETURN(std::optional<Keyring> next, detail::ReadKeyFile(next_path));
    if (!current) {
        if (next) {
            return Error::Internal("key file " + path + " is missing but " + next_path +
                                   " exists; refusing to create a new key (restore the key "
                                   "file, or rename the .next file over it if the rotation "
                                   "had committed)");
        }
        HH_ASSIGN_OR_RETURN(Keyring fresh, Keyring::Generate());
        Status w = detail::WriteKeyFileExclusive(path, fresh.current_key_bytes());
        if (w.ok()) return fresh;
        if (w.error().code != ErrorCode::kConflict) return w.error();
        // Another process created it first: use theirs.
        HH_ASSIGN_OR_RETURN(current, detail::ReadKeyFile(path));
        if (!current) return Error::Internal("key file " + path + " vanished while loading");
        return std::move(*current);
    }
    if (!next) return std::move(*current);
    // Pending rotation: the new key encrypts, the old one still decrypts whatever the rotation
    // has not rewritten yet.
    HH_RETURN_IF_ERROR(next->AddDecryptionKey(current->current_key_bytes()));
    return std::move(*next);
}

}  // namespace hudhud::secrets

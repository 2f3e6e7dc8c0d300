#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "secrets/keyring.hpp"

namespace hudhud::secrets {

inline constexpr std::string_view kMasterKeyEnvVar = "HUDHUD_MASTER_KEY";

struct MasterKeyOptions {
    // Key file, e.g. /var/lib/hudhud/master.key. Its pending-rotation sibling is file_path+".next".
    std::string file_path;
    // The value of HUDHUD_MASTER_KEY when set; it wins over the file (see
    // MasterKeyFromEnvironment).
    std::optional<std::string> env_value;
};

// HUDHUD_MASTER_KEY from the process environment, if set.
std::optional<std::string> MasterKeyFromEnvironment();

// Decodes a master key written as 64 hex characters or base64 (standard or url-safe, padded or
// not) of 32 bytes; surrounding whitespace is ignored. kInvalidArgument otherwise; the message
// never contains the text.
Result<Keyring> ParseMasterKey(std::string_view text);

// Loads the master keyring:
//  - env_value set: that key alone (the files are not read);
//  - else the key file; if absent, a fresh random key is created there with mode 0600 (the
//    parent directory is created 0700 if missing). The new file is written under a unique
//    temporary name (O_CREAT|O_EXCL, 0600), fsynced and then link()ed into place, so a
//    concurrent reader sees either no file or the whole key, and two processes racing to create
//    it agree on one key.
//  - a pending rotation (<file>.next, see rotation.hpp) is loaded too and becomes the current
//    key, the old one staying available for decryption.
// Errors: kPermissionDenied if a key file is readable or writable by group or others (chmod 600
// it), kInvalidArgument if malformed or not a regular file, kInternal for I/O failures, and
// kInternal if <file>.next exists while <file> does not (refuses to invent a key then).
Result<Keyring> LoadOrCreateMasterKey(const MasterKeyOptions& options);

namespace detail {

// Reads and checks one key file. Empty optional when the file does not exist.
Result<std::optional<Keyring>> ReadKeyFile(const std::string& path);
// Writes `key` (raw 32 bytes) to `path` as base64 with mode 0600, atomically and without
// replacing an existing file: kConflict if `path` already exists. Creates the parent directory
// (0700) when missing and fsyncs the file and the directory.
Status WriteKeyFileExclusive(const std::string& path, std::string_view key);
// fsyncs the directory holding `path`.
Status SyncParentDir(const std::string& path);

}  // namespace detail

}  // namespace hudhud::secrets

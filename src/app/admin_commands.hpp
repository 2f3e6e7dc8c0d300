#pragma once

#include <string>

#include "app/config.hpp"
#include "core/result.hpp"

namespace hudhud::app {

struct CreateOwnerArgs {
    std::string email;
    std::string name;
    std::string workspace;
    std::string password;  // from --password-file, HUDHUD_OWNER_PASSWORD or the terminal
    std::string locale = "en";
};

// `hudhud admin create-owner`: a workspace and its owner (a new user, or an existing user whose
// password matches). Prints the ids. Works while the server runs (SQLite WAL or PostgreSQL).
Status CreateOwnerCommand(const Config& config, const CreateOwnerArgs& args);

// `hudhud admin rotate-key`: a new master key; every stored credential is re-encrypted with it
// in one transaction, then the key file is replaced. Safe to re-run after a crash.
Status RotateKeyCommand(const Config& config);

// `hudhud migrate`: applies pending migrations and exits.
Status MigrateCommand(const Config& config);

}  // namespace hudhud::app

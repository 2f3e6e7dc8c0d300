#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "app/admin_commands.hpp"
#include "app/app.hpp"
#include "app/config.hpp"
#include "log/log.hpp"

namespace {

using hudhud::app::Config;

// Registers every configuration option as a flag on `cmd`; values typed land in `flags`.
void AddConfigFlags(CLI::App& cmd, std::map<std::string, std::string>& flags,
                    std::string& config_file) {
    cmd.add_option("--config", config_file, "TOML config file (env HUDHUD_CONFIG)");
    for (const auto& [key, spec] : hudhud::app::ConfigOptions()) {
        auto* opt = cmd.add_option_function<std::string>(
            "--" + key, [&flags, key = key](const std::string& v) { flags[key] = v; },
            spec.help + " (env " + hudhud::app::EnvNameFor(key) + ")");
        opt->type_name("VALUE");
    }
}

hudhud::Result<Config> ResolveConfig(const std::map<std::string, std::string>& flags,
                                     const std::string& config_file) {
    std::optional<std::string> path;
    if (!config_file.empty()) {
        path = config_file;
    } else if (const char* env = std::getenv("HUDHUD_CONFIG"); env != nullptr && *env) {
        path = env;
    }
    return hudhud::app::LoadConfig(
        path,
        [](const std::string& name) -> std::optional<std::string> {
            const char* v = std::getenv(name.c_str());
            if (v == nullptr) return std::nullopt;
            return std::string(v);
        },
        flags);
}

std::string ReadPassword(const std::string& file) {
    if (!file.empty()) {
        std::ifstream in(file);
        std::string line;
        std::getline(in, line);
        return line;
    }
    if (const char* env = std::getenv("HUDHUD_OWNER_PASSWORD"); env != nullptr) return env;
    if (!::isatty(STDIN_FILENO)) {
        std::string line;
        std::getline(std::cin, line);
        return line;
    }
    std::fprintf(stderr, "Password for the owner: ");
    termios old{};
    ::tcgetattr(STDIN_FILENO, &old);
    termios silent = old;
    silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &silent);
    std::string line;
    std::getline(std::cin, line);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
    return line;
}

int Fail(const hudhud::Error& e) {
    std::fprintf(stderr, "hudhud: %s\n", e.message.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"Hudhud: one inbox for WhatsApp, Instagram, Messenger, Telegram, TikTok and Web "
                 "Chat, with an AI assistant.\nOptions can also come from a TOML file (--config) "
                 "and HUDHUD_* environment variables; flags win over both."};
    cli.require_subcommand(1);
    cli.set_version_flag("--version", "hudhud 0.1.0");

    std::map<std::string, std::string> serve_flags;
    std::string serve_config;
    auto* serve = cli.add_subcommand("serve", "run the server (HTTP API, dashboard, webhooks, jobs)");
    AddConfigFlags(*serve, serve_flags, serve_config);

    std::map<std::string, std::string> migrate_flags;
    std::string migrate_config;
    auto* migrate = cli.add_subcommand("migrate", "apply database migrations and exit");
    AddConfigFlags(*migrate, migrate_flags, migrate_config);

    auto* admin = cli.add_subcommand("admin", "administration commands");
    admin->require_subcommand(1);

    std::map<std::string, std::string> owner_flags;
    std::string owner_config;
    std::string password_file;
    hudhud::app::CreateOwnerArgs owner;
    auto* create_owner = admin->add_subcommand(
        "create-owner", "create a workspace and its owner (password from --password-file, "
                        "HUDHUD_OWNER_PASSWORD or the terminal)");
    create_owner->add_option("--email", owner.email, "owner's email")->required();
    create_owner->add_option("--name", owner.name, "owner's name")->required();
    create_owner->add_option("--workspace", owner.workspace, "workspace name")->required();
    create_owner->add_option("--locale", owner.locale, "en or ar");
    create_owner->add_option("--password-file", password_file, "file whose first line is the password");
    AddConfigFlags(*create_owner, owner_flags, owner_config);

    std::map<std::string, std::string> rotate_flags;
    std::string rotate_config;
    auto* rotate = admin->add_subcommand(
        "rotate-key", "generate a new master key and re-encrypt every stored credential");
    AddConfigFlags(*rotate, rotate_flags, rotate_config);

    CLI11_PARSE(cli, argc, argv);

    if (serve->parsed()) {
        auto config = ResolveConfig(serve_flags, serve_config);
        if (!config.ok()) return Fail(config.error());
        auto level = hudhud::log::ParseLevel(config->log_level);
        if (!level.ok()) return Fail(level.error());
        if (auto st = hudhud::log::Init({*level, true, config->log_file}); !st.ok()) {
            return Fail(st.error());
        }
        auto app = hudhud::app::App::Create(*config);
        if (!app.ok()) {
            hudhud::log::Error("app.start_failed", {{"error", app.error().message}});
            hudhud::log::Flush();
            return Fail(app.error());
        }
        auto st = (*app)->Run();
        if (!st.ok()) {
            hudhud::log::Error("app.run_failed", {{"error", st.error().message}});
            return Fail(st.error());
        }
        return 0;
    }
    if (migrate->parsed()) {
        auto config = ResolveConfig(migrate_flags, migrate_config);
        if (!config.ok()) return Fail(config.error());
        auto st = hudhud::app::MigrateCommand(*config);
        return st.ok() ? 0 : Fail(st.error());
    }
    if (create_owner->parsed()) {
        auto config = ResolveConfig(owner_flags, owner_config);
        if (!config.ok()) return Fail(config.error());
        (void)hudhud::log::Init({hudhud::log::Level::kWarn, true, ""});
        owner.password = ReadPassword(password_file);
        auto st = hudhud::app::CreateOwnerCommand(*config, owner);
        return st.ok() ? 0 : Fail(st.error());
    }
    if (rotate->parsed()) {
        auto config = ResolveConfig(rotate_flags, rotate_config);
        if (!config.ok()) return Fail(config.error());
        (void)hudhud::log::Init({hudhud::log::Level::kWarn, true, ""});
        auto st = hudhud::app::RotateKeyCommand(*config);
        return st.ok() ? 0 : Fail(st.error());
    }
    return 0;
}

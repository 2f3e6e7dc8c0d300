#pragma once

#include <memory>

#include "app/config.hpp"
#include "core/result.hpp"

namespace hudhud::app {

// The composition root: the only place that names concrete types. Builds the store, keyring,
// services, job workers and HTTP server from a Config, and tears them down in reverse order.
class App {
public:
    static Result<std::unique_ptr<App>> Create(const Config& config);
    ~App();

    // Starts serving and blocks until SIGTERM/SIGINT, then shuts down gracefully: stop accepting,
    // finish in-flight requests and their commits, stop the workers, close the database.
    Status Run();

    struct Parts;

private:
    explicit App(std::unique_ptr<Parts> parts);
    std::unique_ptr<Parts> parts_;
};

}  // namespace hudhud::app

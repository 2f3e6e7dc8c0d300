#include "core/workspace.hpp"

namespace hudhud {

std::string_view RoleName(Role role) {
    switch (role) {
        case Role::kOwner: return "owner";
        case Role::kAdmin: return "admin";
        case Role::kAgent: return "agent";
    }
    return "agent";
}

std::optional<Role> ParseRole(std::string_view name) {
    if (name == "owner") return Role::kOwner;
    if (name == "admin") return Role::kAdmin;
    if (name == "agent") return Role::kAgent;
    return std::nullopt;
}

std::string_view AvailabilityName(Availability a) {
    switch (a) {
        case Availability::kOnline: return "online";
        case Availability::kBusy: return "busy";
        case Availability::kOffline: return "offline";
    }
    return "offline";
}

std::optional<Availability> ParseAvailability(std::string_view name) {
    if (name == "online") return Availability::kOnline;
    if (name == "busy") return Availability::kBusy;
    if (name == "offline") return Availability::kOffline;
    return std::nullopt;
}

}  // namespace hudhud

#pragma once

#include <map>
#include <memory>

#include "channels/channel_adapter.hpp"
#include "core/inbox.hpp"
#include "core/result.hpp"

namespace hudhud::channels {

// Channel kind -> adapter, filled explicitly in app/. Owns its adapters. Register during startup
// only; after that, Find is safe from any thread (the map is no longer mutated).
class AdapterRegistry {
  public:
    // kConflict if an adapter for the same kind is already registered; kInvalidArgument for null.
    Status Register(std::unique_ptr<ChannelAdapter> adapter);

    // The adapter for `kind`, or nullptr when none is registered. The pointer lives as long as the
    // registry.
    const ChannelAdapter* Find(ChannelKind kind) const;

  private:
    std::map<ChannelKind, std::unique_ptr<ChannelAdapter>> adapters_;
};

}  // namespace hudhud::channels

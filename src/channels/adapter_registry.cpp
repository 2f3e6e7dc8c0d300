#include "channels/adapter_registry.hpp"

#include <string>
#include <utility>

namespace hudhud::channels {

Status AdapterRegistry::Register(std::unique_ptr<ChannelAdapter> adapter) {
    if (!adapter) return Error::InvalidArgument("null channel adapter");
    const ChannelKind kind = adapter->kind();
    if (adapters_.contains(kind)) {
        return Error::Conflict("adapter already registered for " +
                               std::string(ChannelKindName(kind)));
    }
    adapters_.emplace(kind, std::move(adapter));
    return Ok();
}

const ChannelAdapter* AdapterRegistry::Find(ChannelKind kind) const {
    auto it = adapters_.find(kind);
    return it == adapters_.end() ? nullptr : it->second.get();
}

}  // namespace hudhud::channels

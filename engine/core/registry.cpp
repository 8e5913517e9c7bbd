// The process registry: YAML process keys → process types.
#include <stdexcept>

#include "engine/core/process.h"

namespace plancast {

void Registry::add(ProcessType type) {
  if (find(type.key) != nullptr) {
    throw std::logic_error("process type '" + type.key + "' registered twice");
  }
  types_.push_back(std::move(type));
}

const ProcessType* Registry::find(const std::string& key) const {
  for (const auto& t : types_) {
    if (t.key == key) return &t;
  }
  return nullptr;
}

std::vector<std::string> Registry::keys() const {
  std::vector<std::string> out;
  for (const auto& t : types_) out.push_back(t.key);
  return out;
}

}  // namespace plancast

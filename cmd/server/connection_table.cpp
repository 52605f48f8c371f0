#include "cmd/server/connection_table.h"

#include <stdexcept>
#include <vector>

namespace csp::server {

ConnectionTable::ConnectionTable(std::size_t connections_max, std::size_t per_address_max)
    : connections_max_(connections_max), per_address_max_(per_address_max) {
  if (connections_max_ == 0 || per_address_max_ == 0) throw std::logic_error("connection limits must be positive");
}

ConnectionTable::Admission ConnectionTable::admit(const boost::asio::ip::address& address) {
  Admission admission;
  std::lock_guard lock(mutex_);
  const auto known = addresses_.find(address);
  if (known != addresses_.end() && known->second.connections >= per_address_max_) {
    admission.verdict = Admission::Verdict::address_full;
    return admission;
  }
  // Connections asked to close are on their way out: their places are
  // given already, so the table holds at most connections_max plus those.
  if (connections_.size() - shedding_ >= connections_max_) {
    Connection* victim = choose_to_shed();
    if (victim == nullptr) {
      admission.verdict = Admission::Verdict::full;
      return admission;
    }
    admission.shed = victim->shed;
  }
  admission.verdict = Admission::Verdict::admitted;
  admission.id = ++next_id_;
  connections_.emplace(admission.id, Connection{address, {}, {}, 0, false});
  ++addresses_[address].connections;
  return admission;
}

ConnectionTable::Connection* ConnectionTable::choose_to_shed() {
  Address* most = nullptr;
  for (auto& [address, entry] : addresses_) {
    if (!entry.waiting.empty() && (most == nullptr || entry.waiting.size() > most->waiting.size())) most = &entry;
  }
  if (most == nullptr) return nullptr;
  const Id id = most->waiting.begin()->second;
  Connection& victim = connections_.at(id);
  stop_waiting(victim);
  victim.is_shedding = true;
  ++shedding_;
  return &victim;
}

void ConnectionTable::stop_waiting(Connection& connection) {
  if (connection.waiting_since == 0) return;
  addresses_.at(connection.address).waiting.erase(connection.waiting_since);
  connection.waiting_since = 0;
}

void ConnectionTable::attach(Id id, std::function<void()> shed, std::function<void()> stop) {
  {
    std::lock_guard lock(mutex_);
    const auto found = connections_.find(id);
    if (found == connections_.end()) return;
    found->second.shed = std::move(shed);
    found->second.stop = std::move(stop);
  }
  // A new connection waits for its first request from the start: a burst
  // of newcomers finds it in the table before its own thread runs.
  set_waiting(id, true);
}

void ConnectionTable::stop_all() {
  std::vector<std::function<void()>> stops;
  {
    std::lock_guard lock(mutex_);
    stops.reserve(connections_.size());
    for (const auto& [id, connection] : connections_) {
      if (connection.stop) stops.push_back(connection.stop);
    }
  }
  for (const auto& stop : stops) stop();
}

void ConnectionTable::set_waiting(Id id, bool is_waiting) {
  std::lock_guard lock(mutex_);
  const auto found = connections_.find(id);
  if (found == connections_.end()) return;
  Connection& connection = found->second;
  // Without a way to ask it to close, a connection cannot give up its place.
  if (!is_waiting || connection.is_shedding || !connection.shed) {
    stop_waiting(connection);
    return;
  }
  if (connection.waiting_since != 0) return;
  connection.waiting_since = ++next_wait_;
  addresses_.at(connection.address).waiting.emplace(connection.waiting_since, id);
}

void ConnectionTable::spare(Id id) {
  std::lock_guard lock(mutex_);
  const auto found = connections_.find(id);
  if (found == connections_.end() || !found->second.is_shedding) return;
  found->second.is_shedding = false;
  --shedding_;
}

void ConnectionTable::release(Id id) {
  std::lock_guard lock(mutex_);
  const auto found = connections_.find(id);
  if (found == connections_.end()) return;
  Connection& connection = found->second;
  stop_waiting(connection);
  if (connection.is_shedding) --shedding_;
  const auto address = addresses_.find(connection.address);
  if (--address->second.connections == 0) addresses_.erase(address);
  connections_.erase(found);
}

std::size_t ConnectionTable::connections() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

}  // namespace csp::server

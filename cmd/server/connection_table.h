#pragma once
// Who holds the server's connections, and which one gives up its place
// when every place is taken. A connection counts against
// --connections-max and against --connections-per-address-max of its
// peer's address. One that waits for a request header, with nothing of its
// own still to answer, is "waiting": when every place is taken, a newcomer
// takes the place of the longest-waiting connection of the address with the
// most waiting ones. Idle or slow sockets opened from a few addresses thus
// cannot lock anyone else out: a caller of /health or an authenticated
// caller from another address still gets in, and is answered.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_map>

#include <boost/asio/ip/address.hpp>

namespace csp::server {

class ConnectionTable {
 public:
  using Id = std::uint64_t;

  ConnectionTable(std::size_t connections_max, std::size_t per_address_max);

  struct Admission {
    enum class Verdict { admitted, address_full, full };
    Verdict verdict = Verdict::full;
    Id id = 0;  // when admitted
    // When admitted in the place of a waiting connection: asks that one to
    // close (see attach). Call it without holding any lock of the caller's.
    std::function<void()> shed;
  };

  // A new connection from `address`: refused when its address holds
  // per_address_max already, or when connections_max are held and none of
  // them is waiting (every one is being answered).
  Admission admit(const boost::asio::ip::address& address);

  // `shed` asks the connection to close; it is run on the admitting
  // thread, so it should only post to the connection's own executor. The
  // connection then either closes or, having received a header meanwhile,
  // calls spare(). From here on the connection is waiting, until
  // set_waiting(id, false). `stop` asks the connection to end once it has
  // nothing left to answer; it too should only post.
  void attach(Id id, std::function<void()> shed, std::function<void()> stop = {});
  // The server is stopping: runs every attached connection's `stop`, on
  // the calling thread, without holding the table's lock.
  void stop_all();
  void set_waiting(Id id, bool is_waiting);
  // A connection asked to close that is busy with a request after all:
  // it keeps its place, counted again as a connection.
  void spare(Id id);
  // The connection is closed: its place is free.
  void release(Id id);

  std::size_t connections() const;
  std::size_t per_address_max() const { return per_address_max_; }

 private:
  struct Connection {
    boost::asio::ip::address address;
    std::function<void()> shed;
    std::function<void()> stop;
    std::uint64_t waiting_since = 0;  // 0: not waiting
    bool is_shedding = false;          // asked to close, not closed yet
  };
  struct Address {
    std::size_t connections = 0;
    std::map<std::uint64_t, Id> waiting;  // by waiting_since, oldest first
  };

  // The waiting connection to close for a newcomer, marked as shedding;
  // nullptr when none is waiting. Called with the mutex held.
  Connection* choose_to_shed();
  void stop_waiting(Connection& connection);

  const std::size_t connections_max_;
  const std::size_t per_address_max_;
  mutable std::mutex mutex_;
  std::unordered_map<Id, Connection> connections_;
  std::map<boost::asio::ip::address, Address> addresses_;
  std::size_t shedding_ = 0;  // connections asked to close, still open
  Id next_id_ = 0;
  std::uint64_t next_wait_ = 0;
};

}  // namespace csp::server

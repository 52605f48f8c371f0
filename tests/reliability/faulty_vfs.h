#pragma once
// A VFS over SQLite's default one that fails one chosen operation: the k-th
// write, sync or read of the ledger's files, the way a failing disk would.
// Registered as the default, so the store's own VFS, which wraps whatever
// is the default when it is first used, sits on top of it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csp::reliability {

enum class Fault {
  write_error,  // the write fails, nothing written
  short_write,  // half the bytes reach the file, then the write fails
  disk_full,    // SQLITE_FULL, as on ENOSPC
  sync_error,   // the fsync fails
  read_error,   // the read fails
};

std::string_view fault_name(Fault fault);

// Registers the VFS as the default; call before anything opens a database.
void install_faulty_vfs();

// How many operations of `fault`'s kind (writes, syncs or reads) were seen
// since the last reset.
std::int64_t operations_seen(Fault fault);
void reset_operations();

// Fails the `k`-th operation of `fault`'s kind from now on (counted from 1),
// once; the disk works again after it.
void arm(Fault fault, std::int64_t k);
void disarm();
bool has_fired();

// Power loss at the `k`-th sync: that sync fails and everything written
// since each file's last sync is as good as lost. Files as they stand when
// first opened count as synced.
void arm_power_cut(std::int64_t k);
// What the disk held of the file whose name ends with `name_suffix` when
// the power went; empty when it never held it.
std::optional<std::string> durable_content(std::string_view name_suffix);

}  // namespace csp::reliability

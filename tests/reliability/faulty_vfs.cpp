#include "reliability/faulty_vfs.h"

#include <sqlite3.h>

#include <array>
#include <cstring>
#include <map>
#include <optional>
#include <string>

namespace csp::reliability {
namespace {

enum Operation { writes, syncs, reads, operation_kinds };

Operation operation_of(Fault fault) {
  switch (fault) {
    case Fault::write_error:
    case Fault::short_write:
    case Fault::disk_full: return writes;
    case Fault::sync_error: return syncs;
    case Fault::read_error: return reads;
  }
  return writes;
}

// One process, one test thread at a time: plain globals are enough.
std::array<std::int64_t, operation_kinds> seen{};
std::optional<Fault> armed;
std::int64_t armed_at = 0;
bool fired = false;
bool cuts_power = false;
// Each file's content at its last sync, by the name SQLite opened it by.
std::map<std::string, std::string, std::less<>> durable;

// True when this operation is the one to fail.
bool strikes(Operation operation) {
  ++seen[operation];
  if (!armed || fired || operation_of(*armed) != operation || seen[operation] != armed_at) return false;
  fired = true;
  return true;
}

struct FaultyFile {
  sqlite3_file base;
  sqlite3_file* real;
  const char* name;  // SQLite keeps it alive until the file closes
};

sqlite3_file* real_of(sqlite3_file* file) { return reinterpret_cast<FaultyFile*>(file)->real; }

std::string content_of(sqlite3_file* real) {
  sqlite3_int64 size = 0;
  if (real->pMethods->xFileSize(real, &size) != SQLITE_OK) return {};
  std::string content(static_cast<std::size_t>(size), '\0');
  if (size > 0) real->pMethods->xRead(real, content.data(), static_cast<int>(size), 0);
  return content;
}

void remember_durable(sqlite3_file* file) {
  const auto* faulty = reinterpret_cast<FaultyFile*>(file);
  if (cuts_power && !fired && faulty->name != nullptr) durable[faulty->name] = content_of(faulty->real);
}

int file_close(sqlite3_file* file) {
  sqlite3_file* real = real_of(file);
  return real->pMethods != nullptr ? real->pMethods->xClose(real) : SQLITE_OK;
}
int file_read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  if (strikes(reads)) return SQLITE_IOERR_READ;
  return real_of(file)->pMethods->xRead(real_of(file), buffer, amount, offset);
}
int file_write(sqlite3_file* file, const void* buffer, int amount, sqlite3_int64 offset) {
  if (strikes(writes)) {
    switch (*armed) {
      case Fault::short_write:
        real_of(file)->pMethods->xWrite(real_of(file), buffer, amount / 2, offset);
        return SQLITE_IOERR_WRITE;
      case Fault::disk_full: return SQLITE_FULL;
      default: return SQLITE_IOERR_WRITE;
    }
  }
  return real_of(file)->pMethods->xWrite(real_of(file), buffer, amount, offset);
}
int file_truncate(sqlite3_file* file, sqlite3_int64 size) { return real_of(file)->pMethods->xTruncate(real_of(file), size); }
int file_sync(sqlite3_file* file, int flags) {
  if (strikes(syncs)) return SQLITE_IOERR_FSYNC;
  const int synced = real_of(file)->pMethods->xSync(real_of(file), flags);
  if (synced == SQLITE_OK) remember_durable(file);
  return synced;
}
int file_size(sqlite3_file* file, sqlite3_int64* size) { return real_of(file)->pMethods->xFileSize(real_of(file), size); }
int file_lock(sqlite3_file* file, int level) { return real_of(file)->pMethods->xLock(real_of(file), level); }
int file_unlock(sqlite3_file* file, int level) { return real_of(file)->pMethods->xUnlock(real_of(file), level); }
int file_check_reserved(sqlite3_file* file, int* out) {
  return real_of(file)->pMethods->xCheckReservedLock(real_of(file), out);
}
int file_control(sqlite3_file* file, int op, void* arg) { return real_of(file)->pMethods->xFileControl(real_of(file), op, arg); }
int file_sector_size(sqlite3_file* file) { return real_of(file)->pMethods->xSectorSize(real_of(file)); }
int file_device(sqlite3_file* file) { return real_of(file)->pMethods->xDeviceCharacteristics(real_of(file)); }
int file_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  return real_of(file)->pMethods->xShmMap(real_of(file), region, size, extend, out);
}
int file_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  return real_of(file)->pMethods->xShmLock(real_of(file), offset, n, flags);
}
void file_shm_barrier(sqlite3_file* file) { real_of(file)->pMethods->xShmBarrier(real_of(file)); }
int file_shm_unmap(sqlite3_file* file, int delete_flag) {
  return real_of(file)->pMethods->xShmUnmap(real_of(file), delete_flag);
}

// Memory-mapped reads would bypass xRead; version 2 offers no xFetch, so
// SQLite reads every page through the file.
constexpr sqlite3_io_methods faulty_methods = {
    2,           file_close,         file_read,   file_write,      file_truncate, file_sync,
    file_size,   file_lock,          file_unlock, file_check_reserved, file_control, file_sector_size,
    file_device, file_shm_map,       file_shm_lock, file_shm_barrier, file_shm_unmap, nullptr, nullptr};

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs faulty_vfs{};

int open_file(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* faulty = reinterpret_cast<FaultyFile*>(file);
  faulty->base.pMethods = nullptr;
  faulty->real = reinterpret_cast<sqlite3_file*>(faulty + 1);
  faulty->name = name;
  const int opened = real_vfs->xOpen(real_vfs, name, faulty->real, flags, out_flags);
  if (faulty->real->pMethods != nullptr) {
    faulty->base.pMethods = &faulty_methods;
    if (opened == SQLITE_OK && name != nullptr && !durable.contains(name)) remember_durable(file);
  }
  return opened;
}

// An unlinked file is gone after a power loss too (SQLite syncs the
// directory where that matters).
int delete_file(sqlite3_vfs*, const char* name, int sync_directory) {
  if (cuts_power && !fired) durable.erase(name);
  return real_vfs->xDelete(real_vfs, name, sync_directory);
}

}  // namespace

std::string_view fault_name(Fault fault) {
  switch (fault) {
    case Fault::write_error: return "write error";
    case Fault::short_write: return "short write";
    case Fault::disk_full: return "disk full";
    case Fault::sync_error: return "sync error";
    case Fault::read_error: return "read error";
  }
  return "?";
}

void install_faulty_vfs() {
  if (real_vfs != nullptr) return;
  real_vfs = sqlite3_vfs_find(nullptr);
  faulty_vfs = *real_vfs;
  faulty_vfs.iVersion = std::min(real_vfs->iVersion, 3);
  faulty_vfs.szOsFile = static_cast<int>(sizeof(FaultyFile)) + real_vfs->szOsFile;
  faulty_vfs.zName = "csp-faulty";
  faulty_vfs.pNext = nullptr;
  faulty_vfs.xOpen = open_file;
  faulty_vfs.xDelete = delete_file;
  sqlite3_vfs_register(&faulty_vfs, 1);
}

std::int64_t operations_seen(Fault fault) { return seen[operation_of(fault)]; }
void reset_operations() { seen.fill(0); }

void arm(Fault fault, std::int64_t k) {
  reset_operations();
  armed = fault;
  armed_at = k;
  fired = false;
  cuts_power = false;
}

void disarm() {
  armed.reset();
  cuts_power = false;
}

void arm_power_cut(std::int64_t k) {
  arm(Fault::sync_error, k);
  cuts_power = true;
  durable.clear();
}

std::optional<std::string> durable_content(std::string_view name_suffix) {
  for (const auto& [name, content] : durable) {
    if (name.size() >= name_suffix.size() && name.compare(name.size() - name_suffix.size(), name_suffix.size(), name_suffix) == 0) {
      return content;
    }
  }
  return std::nullopt;
}
bool has_fired() { return fired; }

}  // namespace csp::reliability

#include "eventstore/sqlite/wal_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <new>
#include <string>

namespace csp::eventstore::sqlite {
namespace {

constexpr const char* vfs_name = "csp-wal-gathering";
// The WAL format (sqlite.org/fileformat.html): a frame header is 24 bytes,
// and its bytes 4-7 are nonzero only on the frame that ends a commit.
constexpr int frame_header_bytes = 24;
// Bounds the memory of a very large transaction; a batch is far smaller.
constexpr std::size_t gathered_bytes_max = 1 << 20;
// The default VFS writes at most 128 KiB - 1 bytes per call (it masks the
// length: SQLite itself never writes more than a 64 KiB page at once).
constexpr std::size_t write_bytes_max = 64 << 10;

struct GatheringFile {
  sqlite3_file base;  // first: SQLite sees only this
  sqlite3_file* real = nullptr;
  bool is_wal = false;
  bool is_commit_frame_next = false;
  std::string gathered;  // WAL bytes not written yet, from gathered_offset on
  sqlite3_int64 gathered_offset = 0;
};

constexpr int real_file_offset = (sizeof(GatheringFile) + 7) / 8 * 8;

sqlite3_vfs* real_of(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }
GatheringFile* of(sqlite3_file* file) { return reinterpret_cast<GatheringFile*>(file); }
const sqlite3_io_methods* real_methods(GatheringFile* file) { return file->real->pMethods; }

int write_gathered(GatheringFile* file) {
  int code = SQLITE_OK;
  for (std::size_t done = 0; done < file->gathered.size() && code == SQLITE_OK; done += write_bytes_max) {
    const std::size_t bytes = std::min(write_bytes_max, file->gathered.size() - done);
    code = real_methods(file)->xWrite(file->real, file->gathered.data() + done, static_cast<int>(bytes),
                                      file->gathered_offset + static_cast<sqlite3_int64>(done));
  }
  file->gathered.clear();
  return code;
}

int close_file(sqlite3_file* handle) {
  GatheringFile* file = of(handle);
  const int written = write_gathered(file);
  const int closed = real_methods(file)->xClose(file->real);
  file->~GatheringFile();
  return written != SQLITE_OK ? written : closed;
}

int read_file(sqlite3_file* handle, void* out, int amount, sqlite3_int64 offset) {
  GatheringFile* file = of(handle);
  if (const int written = write_gathered(file); written != SQLITE_OK) return written;
  return real_methods(file)->xRead(file->real, out, amount, offset);
}

int write_file(sqlite3_file* handle, const void* data, int amount, sqlite3_int64 offset) {
  GatheringFile* file = of(handle);
  if (!file->is_wal) return real_methods(file)->xWrite(file->real, data, amount, offset);
  const bool is_contiguous = offset == file->gathered_offset + static_cast<sqlite3_int64>(file->gathered.size());
  if (!file->gathered.empty() && !is_contiguous) {
    if (const int written = write_gathered(file); written != SQLITE_OK) return written;
  }
  if (file->gathered.empty()) file->gathered_offset = offset;
  const char* bytes = static_cast<const char*>(data);
  file->gathered.append(bytes, static_cast<std::size_t>(amount));
  // A commit's frames are all in the file by the end of its last frame, as
  // without this VFS: whatever SQLite does next (sync, publish) finds them.
  const bool ends_commit = file->is_commit_frame_next;
  file->is_commit_frame_next = amount == frame_header_bytes && (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
  if (ends_commit || file->gathered.size() >= gathered_bytes_max) return write_gathered(file);
  return SQLITE_OK;
}

int truncate_file(sqlite3_file* handle, sqlite3_int64 size) {
  GatheringFile* file = of(handle);
  if (const int written = write_gathered(file); written != SQLITE_OK) return written;
  return real_methods(file)->xTruncate(file->real, size);
}

int sync_file(sqlite3_file* handle, int flags) {
  GatheringFile* file = of(handle);
  if (const int written = write_gathered(file); written != SQLITE_OK) return written;
  return real_methods(file)->xSync(file->real, flags);
}

int file_size(sqlite3_file* handle, sqlite3_int64* size) {
  GatheringFile* file = of(handle);
  if (const int written = write_gathered(file); written != SQLITE_OK) return written;
  return real_methods(file)->xFileSize(file->real, size);
}

int lock(sqlite3_file* handle, int level) { return real_methods(of(handle))->xLock(of(handle)->real, level); }
int unlock(sqlite3_file* handle, int level) { return real_methods(of(handle))->xUnlock(of(handle)->real, level); }
int check_reserved_lock(sqlite3_file* handle, int* out) {
  return real_methods(of(handle))->xCheckReservedLock(of(handle)->real, out);
}
int file_control(sqlite3_file* handle, int op, void* argument) {
  GatheringFile* file = of(handle);
  // A size hint or the like acts on the file as SQLite believes it is.
  if (const int written = write_gathered(file); written != SQLITE_OK) return written;
  return real_methods(file)->xFileControl(file->real, op, argument);
}
int sector_size(sqlite3_file* handle) { return real_methods(of(handle))->xSectorSize(of(handle)->real); }
int device_characteristics(sqlite3_file* handle) {
  return real_methods(of(handle))->xDeviceCharacteristics(of(handle)->real);
}
int shm_map(sqlite3_file* handle, int region, int size, int extend, void volatile** out) {
  return real_methods(of(handle))->xShmMap(of(handle)->real, region, size, extend, out);
}
int shm_lock(sqlite3_file* handle, int offset, int count, int flags) {
  return real_methods(of(handle))->xShmLock(of(handle)->real, offset, count, flags);
}
void shm_barrier(sqlite3_file* handle) { real_methods(of(handle))->xShmBarrier(of(handle)->real); }
int shm_unmap(sqlite3_file* handle, int delete_flag) {
  return real_methods(of(handle))->xShmUnmap(of(handle)->real, delete_flag);
}
int fetch(sqlite3_file* handle, sqlite3_int64 offset, int amount, void** out) {
  return real_methods(of(handle))->xFetch(of(handle)->real, offset, amount, out);
}
int unfetch(sqlite3_file* handle, sqlite3_int64 offset, void* page) {
  return real_methods(of(handle))->xUnfetch(of(handle)->real, offset, page);
}

// The same version as the file's real methods: SQLite asks a file for
// shared memory or mmap only when its methods' version offers them.
constexpr sqlite3_io_methods methods_of_version(int version) {
  return sqlite3_io_methods{version,
                            close_file,
                            read_file,
                            write_file,
                            truncate_file,
                            sync_file,
                            file_size,
                            lock,
                            unlock,
                            check_reserved_lock,
                            file_control,
                            sector_size,
                            device_characteristics,
                            version >= 2 ? shm_map : nullptr,
                            version >= 2 ? shm_lock : nullptr,
                            version >= 2 ? shm_barrier : nullptr,
                            version >= 2 ? shm_unmap : nullptr,
                            version >= 3 ? fetch : nullptr,
                            version >= 3 ? unfetch : nullptr};
}

const sqlite3_io_methods gathering_methods[] = {methods_of_version(1), methods_of_version(2), methods_of_version(3)};

int open_file(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* handle, int flags, int* out_flags) {
  auto* file = new (handle) GatheringFile{};
  file->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(handle) + real_file_offset);
  file->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
  const int code = real_of(vfs)->xOpen(real_of(vfs), name, file->real, flags, out_flags);
  if (code != SQLITE_OK) {
    // SQLite closes a file that failed to open only when pMethods is set.
    if (file->real->pMethods != nullptr) file->real->pMethods->xClose(file->real);
    file->~GatheringFile();
    handle->pMethods = nullptr;
    return code;
  }
  const int version = file->real->pMethods->iVersion;
  handle->pMethods = &gathering_methods[version >= 3 ? 2 : version >= 2 ? 1 : 0];
  return SQLITE_OK;
}

int delete_file(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return real_of(vfs)->xDelete(real_of(vfs), name, sync_dir);
}
int vfs_access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return real_of(vfs)->xAccess(real_of(vfs), name, flags, out);
}
int full_pathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return real_of(vfs)->xFullPathname(real_of(vfs), name, size, out);
}
void* dl_open(sqlite3_vfs* vfs, const char* name) { return real_of(vfs)->xDlOpen(real_of(vfs), name); }
void dl_error(sqlite3_vfs* vfs, int size, char* out) { real_of(vfs)->xDlError(real_of(vfs), size, out); }
void (*dl_sym(sqlite3_vfs* vfs, void* library, const char* symbol))(void) {
  return real_of(vfs)->xDlSym(real_of(vfs), library, symbol);
}
void dl_close(sqlite3_vfs* vfs, void* library) { real_of(vfs)->xDlClose(real_of(vfs), library); }
int randomness(sqlite3_vfs* vfs, int size, char* out) { return real_of(vfs)->xRandomness(real_of(vfs), size, out); }
int vfs_sleep(sqlite3_vfs* vfs, int microseconds) { return real_of(vfs)->xSleep(real_of(vfs), microseconds); }
int current_time(sqlite3_vfs* vfs, double* out) { return real_of(vfs)->xCurrentTime(real_of(vfs), out); }
int last_error(sqlite3_vfs* vfs, int size, char* out) { return real_of(vfs)->xGetLastError(real_of(vfs), size, out); }
int current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return real_of(vfs)->xCurrentTimeInt64(real_of(vfs), out);
}

}  // namespace

const char* wal_gathering_vfs() {
  static std::once_flag registered;
  static sqlite3_vfs vfs{};
  std::call_once(registered, [] {
    sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
    vfs.iVersion = 2;
    vfs.szOsFile = real_file_offset + real->szOsFile;
    vfs.mxPathname = real->mxPathname;
    vfs.zName = vfs_name;
    vfs.pAppData = real;
    vfs.xOpen = open_file;
    vfs.xDelete = delete_file;
    vfs.xAccess = vfs_access;
    vfs.xFullPathname = full_pathname;
    vfs.xDlOpen = dl_open;
    vfs.xDlError = dl_error;
    vfs.xDlSym = dl_sym;
    vfs.xDlClose = dl_close;
    vfs.xRandomness = randomness;
    vfs.xSleep = vfs_sleep;
    vfs.xCurrentTime = current_time;
    vfs.xGetLastError = last_error;
    vfs.xCurrentTimeInt64 = current_time_int64;
    sqlite3_vfs_register(&vfs, 0);
  });
  return vfs_name;
}

}  // namespace csp::eventstore::sqlite

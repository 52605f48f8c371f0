#pragma once
// A VFS over SQLite's default one that changes a single thing: the frames a
// transaction appends to the WAL are gathered in memory and reach the file
// in 64 KiB writes, not two system calls per page. A WAL frame is 24 bytes
// longer than a page, so page-sized writes straddle the kernel's pages and
// each of those was written twice. Locking, the shared memory and every
// other file behave exactly as with the default VFS, so other processes
// using the default one share the ledger as before.
//
// Frames never wait in memory past the moment anyone could need them: a
// commit's frames are written as soon as its last frame (the one whose
// header carries the database size) is, before SQLite syncs or publishes
// it, whatever the synchronous setting; and anything gathered is written
// before the WAL is synced, read, sized, truncated, controlled or closed.

namespace csp::eventstore::sqlite {

// Registers the VFS on first use (not as the default) and returns its name
// for sqlite3_open_v2.
const char* wal_gathering_vfs();

}  // namespace csp::eventstore::sqlite

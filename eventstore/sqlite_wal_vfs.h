#pragma once
// A VFS over SQLite's default one that changes a single thing: the frames a
// transaction appends to the WAL are gathered in memory and reach the file
// in one write, not two system calls per page. A WAL frame is 24 bytes
// longer than a page, so page-sized writes straddle the kernel's pages and
// each of those was written twice. Locking, the shared memory and every
// other file behave exactly as with the default VFS, so other processes
// using the default one share the ledger as before.
//
// Frames never wait in memory past the moment anyone could need them: they
// are written before the WAL is synced, read, sized, truncated or closed,
// and before the database's shared-memory barrier, which SQLite passes
// before it publishes a commit to other connections.

namespace csp::eventstore::sqlite {

// Registers the VFS on first use (not as the default) and returns its name
// for sqlite3_open_v2.
const char* wal_gathering_vfs();

}  // namespace csp::eventstore::sqlite

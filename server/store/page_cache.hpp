#pragma once
// SQLite's own page cache, with one walk taken out of every commit.
//
// At each commit SQLite asks its page cache to drop every page numbered at or past the
// end of the database. The default cache does that by walking from the end of the file
// to the highest page number it has ever held, and when that distance is larger than
// its hash table it walks the whole table: 16,384 buckets for the writer's 64 MiB.
// SQLite's B-tree gives a page the number of the lock-byte page (262,145 with 4 KiB
// pages) for a moment when it reorders the pages of a split, so after any split in the
// middle of an index that distance is about 200,000 and every commit walked the whole
// table: a quarter of the writer's time at half the benchmark's peak
// (docs/performance.md).
//
// This wrapper keeps its own bound on the page numbers in each cache: the highest page
// fetched since the last drop, and the few numbers that pages were moved to and have
// not yet left. When that bound is below the first page to drop, there is nothing to
// drop, and the default cache is not asked. Otherwise it is asked as before.
#include <cstdint>

struct sqlite3_pcache_methods2;

namespace gadehold::store {

// Installs the wrapper around the default page cache; before SQLite initialises, or not
// at all (it is then left as it was). Called once, from the first Connection.
void install_page_cache();

// Counts since the process started, for tests and diagnosis.
struct PageCacheCounts {
  std::uint64_t truncates = 0;  // SQLite asked to drop pages
  std::uint64_t passed = 0;     // of those, the default cache was asked
  std::uint64_t moved_past_end = 0;  // pages moved past every page fetched
};
PageCacheCounts page_cache_counts();

// The wrapper's methods, so that a test can drive a cache directly.
const sqlite3_pcache_methods2& page_cache_methods();

}  // namespace gadehold::store

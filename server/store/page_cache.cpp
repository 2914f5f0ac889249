#include "server/store/page_cache.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <mutex>

namespace gadehold::store {

namespace {

sqlite3_pcache_methods2 g_default{};  // the cache being wrapped

std::atomic<std::uint64_t> g_truncates{0};
std::atomic<std::uint64_t> g_passed{0};
std::atomic<std::uint64_t> g_moved_past_end{0};

// Page numbers that pages were moved to past `fetched`. A split swaps pages through
// one such number, so a few slots are enough; when they are full, `fetched` is raised
// instead, which only makes the next drop ask the default cache.
constexpr int kMovedSlots = 4;

// One cache (one per connection's pager), used under that connection's lock only.
struct Cache {
  sqlite3_pcache* inner;
  unsigned fetched;  // no page fetched since the last drop is numbered above this
  unsigned moved[kMovedSlots];
  int moved_count;

  unsigned bound() const {
    unsigned b = fetched;
    for (int i = 0; i < moved_count; ++i) b = std::max(b, moved[i]);
    return b;
  }
};

Cache* cache(sqlite3_pcache* p) { return reinterpret_cast<Cache*>(p); }

int init(void*) { return g_default.xInit(g_default.pArg); }
void shutdown(void*) {
  if (g_default.xShutdown != nullptr) g_default.xShutdown(g_default.pArg);
}

sqlite3_pcache* create(int page_size, int extra_size, int purgeable) {
  auto* c = static_cast<Cache*>(sqlite3_malloc(sizeof(Cache)));
  if (c == nullptr) return nullptr;
  c->inner = g_default.xCreate(page_size, extra_size, purgeable);
  if (c->inner == nullptr) {
    sqlite3_free(c);
    return nullptr;
  }
  c->fetched = 0;
  c->moved_count = 0;
  return reinterpret_cast<sqlite3_pcache*>(c);
}

void cache_size(sqlite3_pcache* p, int pages) { g_default.xCachesize(cache(p)->inner, pages); }
int page_count(sqlite3_pcache* p) { return g_default.xPagecount(cache(p)->inner); }

sqlite3_pcache_page* fetch(sqlite3_pcache* p, unsigned key, int create_flag) {
  Cache* c = cache(p);
  sqlite3_pcache_page* page = g_default.xFetch(c->inner, key, create_flag);
  if (page != nullptr && key > c->fetched) c->fetched = key;
  return page;
}

void unpin(sqlite3_pcache* p, sqlite3_pcache_page* page, int discard) {
  g_default.xUnpin(cache(p)->inner, page, discard);
}

void rekey(sqlite3_pcache* p, sqlite3_pcache_page* page, unsigned old_key, unsigned new_key) {
  Cache* c = cache(p);
  g_default.xRekey(c->inner, page, old_key, new_key);
  for (int i = 0; i < c->moved_count; ++i) {
    if (c->moved[i] == old_key) {
      c->moved[i] = c->moved[--c->moved_count];
      break;
    }
  }
  if (new_key <= c->fetched) return;
  g_moved_past_end.fetch_add(1, std::memory_order_relaxed);
  if (c->moved_count < kMovedSlots) {
    c->moved[c->moved_count++] = new_key;
  } else {
    c->fetched = new_key;
  }
}

void truncate(sqlite3_pcache* p, unsigned limit) {
  Cache* c = cache(p);
  g_truncates.fetch_add(1, std::memory_order_relaxed);
  if (c->bound() < limit) return;  // no page numbered `limit` or above is held
  g_passed.fetch_add(1, std::memory_order_relaxed);
  g_default.xTruncate(c->inner, limit);
  // Every page left is numbered below `limit`.
  c->fetched = limit == 0 ? 0 : limit - 1;
  c->moved_count = 0;
}

void destroy(sqlite3_pcache* p) {
  Cache* c = cache(p);
  g_default.xDestroy(c->inner);
  sqlite3_free(c);
}

void shrink(sqlite3_pcache* p) { g_default.xShrink(cache(p)->inner); }

const sqlite3_pcache_methods2 kWrapper = {
    1, nullptr, init, shutdown, create, cache_size, page_count, fetch, unpin, rekey, truncate, destroy, shrink,
};

}  // namespace

void install_page_cache() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &g_default) != SQLITE_OK || g_default.xFetch == nullptr) return;
    // Fails (and changes nothing) once SQLite has initialised.
    sqlite3_config(SQLITE_CONFIG_PCACHE2, &kWrapper);
  });
}

const sqlite3_pcache_methods2& page_cache_methods() { return kWrapper; }

PageCacheCounts page_cache_counts() {
  return {g_truncates.load(std::memory_order_relaxed), g_passed.load(std::memory_order_relaxed),
          g_moved_past_end.load(std::memory_order_relaxed)};
}

}  // namespace gadehold::store

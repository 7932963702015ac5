/*
** overload's SQLite loadable extension: the access-log writer's rows bound in C.
**
**   overload_insert_rows(sql, nums, text, numeric_width, text_width [, sql_one])
**
** runs the INSERT `sql` on the calling connection for every row of one encoded batch
** (src/ingest/request-encoding.ts) and returns the number of rows inserted:
**
**   nums  BLOB of native-endian doubles, numeric_width + text_width per row: the row's numbers,
**         then the UTF-8 byte length of each of its texts (NaN = NULL, for both)
**   text  BLOB, the rows' texts back to back
**
** `sql` has numeric_width + text_width parameters per row and may insert several rows per step
** (a multi-row VALUES); the rows left over at the end of a batch then go through `sql_one`,
** the same INSERT for one row (NULL or absent when the batch needs none).
**
**   overload_insert_rows(sql, nums, text, numeric_width, text_width, sql_one, key)
**
** inserts the rows in the order of `key` instead of the blob's: a text of column positions in
** the encoded row ("4,5,0,6": numbers first, then texts, as in nums), the table's primary key.
** Numbers compare as numbers, texts byte by byte (SQLite's BINARY), NULL first; rows of equal
** keys keep their order (an INSERT OR REPLACE of the same key twice keeps the last, as unsorted).
** Why: a WITHOUT ROWID table is its primary key's b-tree, and the rollup pass writes a minute's
** routes in the order it met them. Each row then lands in the middle of the table's last pages:
** every page split rebalances its neighbours and leaves half-full pages to write again at the
** commit. In key order each row is appended at the end instead (SQLite's quick balance). On a log
** of distinct URLs (the scanner bench shape, 200k lines), rollup_minute's inserts took 5 us a row unsorted, 1.4-2 sorted.
**
** Why: better-sqlite3 binds each value through V8's API, which cost more than SQLite's own
** insert work. Binding from the two blobs here gives SQLite exactly the same values, so the
** stored rows are byte for byte those of the JS path (src/store/writer.ts), which stays the
** reference:
**   - a number is bound with sqlite3_bind_double, as better-sqlite3 binds every JS number
**     (the column's affinity then stores an integral value as INTEGER; a NaN becomes NULL);
**   - a text is bound with its explicit byte length, so embedded NUL bytes are kept. The JS
**     path decodes the bytes into a JS string and better-sqlite3 encodes it again, which
**     replaces each invalid UTF-8 sequence by U+FFFD; utf8_repair() does the same here.
** Malformed blobs are SQL errors, found before any row is inserted.
**
** It also defines overload_pin_mmap_threshold(bytes), a malloc setting for the ingest (below).
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
#include <stdint.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* (the requests' two INSERTs per source, and the streamed rollups' two per rollup table: 9 tables) */
#define CACHE_SLOTS 32

/*
** Prepared INSERTs, per connection, kept across calls: preparing the 64-row INSERT for every
** batch cost about 5% more per row (as much as inserting ~100 rows). Auxdata on the SQL argument
** would not do: SQLite drops a statement's auxdata each time the statement halts, i.e. after
** every call.
*/
typedef struct Cache {
  struct { char *sql; sqlite3_stmt *stmt; } slot[CACHE_SLOTS];
  int next; /* the slot to reuse when all are taken */
  int busy; /* a call is running: its INSERT may not call the function again with the same statements */
} Cache;

static void cache_clear(Cache *c) {
  for (int i = 0; i < CACHE_SLOTS; i++) {
    sqlite3_finalize(c->slot[i].stmt);
    sqlite3_free(c->slot[i].sql);
    c->slot[i].stmt = 0;
    c->slot[i].sql = 0;
  }
}

static void cache_free(void *p) {
  cache_clear((Cache *)p);
  sqlite3_free(p);
}

/*
** sqlite3_close() refuses to close a connection that has unfinalized statements (better-sqlite3
** finalizes its own, not ours), and destructors of function or client data run only after
** that check. The SQLITE_TRACE_CLOSE callback runs before it: finalize the cache there.
** (better-sqlite3 has no trace API, so nothing else competes for the connection's trace slot.)
*/
static int on_trace(unsigned type, void *cache, void *p, void *x) {
  (void)p; (void)x;
  if (type == SQLITE_TRACE_CLOSE) cache_clear((Cache *)cache);
  return 0;
}

/*
** The prepared statement for sql, from the cache or newly prepared into it, in place of the
** oldest one other than `keep` (in use by the same call).
*/
static int cached_stmt(Cache *c, sqlite3 *db, const char *sql, sqlite3_stmt *keep, sqlite3_stmt **out) {
  if (sql == 0) return SQLITE_NOMEM;
  for (int i = 0; i < CACHE_SLOTS; i++) {
    if (c->slot[i].sql && strcmp(c->slot[i].sql, sql) == 0) {
      *out = c->slot[i].stmt;
      return SQLITE_OK;
    }
  }
  const char *tail = 0;
  sqlite3_stmt *stmt = 0;
  int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) return rc;
  if (stmt == 0) return SQLITE_MISUSE; /* no statement at all: blank SQL */
  char *copy = sqlite3_mprintf("%s", sql);
  if (copy == 0) {
    sqlite3_finalize(stmt);
    return SQLITE_NOMEM;
  }
  int i = c->next;
  if (c->slot[i].stmt != 0 && c->slot[i].stmt == keep) i = (i + 1) % CACHE_SLOTS;
  c->next = (i + 1) % CACHE_SLOTS;
  sqlite3_finalize(c->slot[i].stmt);
  sqlite3_free(c->slot[i].sql);
  c->slot[i].sql = copy;
  c->slot[i].stmt = stmt;
  *out = stmt;
  return SQLITE_OK;
}

/*
** Length of the valid UTF-8 prefix of s[0..n): n when all of it is valid. Valid means what the
** WHATWG decoder (V8's, hence Buffer.toString) accepts: no overlong forms, no surrogates,
** nothing above U+10FFFF.
*/
static size_t utf8_valid_prefix(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    /* (most text is ASCII: eight bytes per test) */
    if (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if ((w & 0x8080808080808080ull) == 0) { i += 8; continue; }
    }
    unsigned char b = s[i];
    if (b < 0x80) { i++; continue; }
    int need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) need = 1;
    else if (b >= 0xE0 && b <= 0xEF) { need = 2; if (b == 0xE0) lo = 0xA0; if (b == 0xED) hi = 0x9F; }
    else if (b >= 0xF0 && b <= 0xF4) { need = 3; if (b == 0xF0) lo = 0x90; if (b == 0xF4) hi = 0x8F; }
    else return i;
    for (int k = 1; k <= need; k++, lo = 0x80, hi = 0xBF) {
      if (i + k >= n || s[i + k] < lo || s[i + k] > hi) return i;
    }
    i += need + 1;
  }
  return n;
}

/*
** s[0..n) with each maximal invalid subsequence replaced by U+FFFD (EF BF BD), as the WHATWG
** decoder does; out has room for 3n bytes. Returns the length written.
*/
static size_t utf8_repair(const unsigned char *s, size_t n, unsigned char *out) {
  size_t o = 0;
  while (n > 0) {
    size_t ok = utf8_valid_prefix(s, n);
    memcpy(out + o, s, ok);
    o += ok;
    s += ok;
    n -= ok;
    if (n == 0) break;
    /* s[0] starts an invalid sequence: it spans the lead byte and the continuation bytes that
    ** were acceptable in place (the byte that broke the sequence starts the next one). */
    unsigned char b = s[0];
    size_t len = 1;
    int need = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) need = 1;
    else if (b >= 0xE0 && b <= 0xEF) { need = 2; if (b == 0xE0) lo = 0xA0; if (b == 0xED) hi = 0x9F; }
    else if (b >= 0xF0 && b <= 0xF4) { need = 3; if (b == 0xF0) lo = 0x90; if (b == 0xF4) hi = 0x8F; }
    while (need-- > 0 && len < n && s[len] >= lo && s[len] <= hi) { len++; lo = 0x80; hi = 0xBF; }
    out[o++] = 0xEF; out[o++] = 0xBF; out[o++] = 0xBD;
    s += len;
    n -= len;
  }
  return o;
}

static double num_at(const unsigned char *nums, sqlite3_int64 i) {
  double v;
  memcpy(&v, nums + i * 8, 8); /* (a blob need not be 8-byte aligned) */
  return v;
}

static void fail(sqlite3_context *ctx, int code, char *msg) {
  if (msg == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_error(ctx, msg, -1);
  sqlite3_result_error_code(ctx, code);
  sqlite3_free(msg);
}

/* The rows' sort order: column positions of the key, and where each row's texts start. */
typedef struct Order {
  const unsigned char *nums, *text;
  sqlite3_int64 width, num_w, text_w;
  const sqlite3_int64 *text_at; /* per row and text column: its offset in text (-1: NULL) */
  const int *key;
  int key_n;
} Order;

/* <0, 0, >0 as row a's key sorts before, with, after row b's (SQLite's order: NULL, numbers, texts) */
static int key_cmp(const Order *o, sqlite3_int64 a, sqlite3_int64 b) {
  for (int k = 0; k < o->key_n; k++) {
    const sqlite3_int64 c = o->key[k];
    const double x = num_at(o->nums, a * o->width + c), y = num_at(o->nums, b * o->width + c);
    const int xnull = x != x, ynull = y != y;
    if (xnull || ynull) {
      if (xnull != ynull) return xnull ? -1 : 1;
      continue;
    }
    if (c < o->num_w) {
      if (x != y) return x < y ? -1 : 1;
      continue;
    }
    /* a text: x and y are byte lengths */
    const sqlite3_int64 xl = (sqlite3_int64)x, yl = (sqlite3_int64)y;
    const sqlite3_int64 xa = o->text_at[a * o->text_w + (c - o->num_w)], ya = o->text_at[b * o->text_w + (c - o->num_w)];
    const int m = memcmp(o->text + xa, o->text + ya, (size_t)(xl < yl ? xl : yl));
    if (m != 0) return m;
    if (xl != yl) return xl < yl ? -1 : 1;
  }
  return 0;
}

/* A stable merge sort of the row numbers idx[0..n) by key, through tmp (as long). */
static void sort_rows(const Order *o, sqlite3_int64 *idx, sqlite3_int64 *tmp, sqlite3_int64 n) {
  if (n < 2) return;
  /* (already in order, the usual case for tables whose rows come out in key order: one pass) */
  sqlite3_int64 i = 1;
  while (i < n && key_cmp(o, idx[i - 1], idx[i]) <= 0) i++;
  if (i == n) return;
  const sqlite3_int64 h = n / 2;
  sort_rows(o, idx, tmp, h);
  sort_rows(o, idx + h, tmp, n - h);
  if (key_cmp(o, idx[h - 1], idx[h]) <= 0) return;
  memcpy(tmp, idx, (size_t)h * sizeof *idx);
  sqlite3_int64 a = 0, b = h, w = 0;
  while (a < h && b < n) idx[w++] = key_cmp(o, idx[b], tmp[a]) < 0 ? idx[b++] : tmp[a++];
  while (a < h) idx[w++] = tmp[a++];
}

#define FAIL(code, ...) do { fail(ctx, code, sqlite3_mprintf("overload_insert_rows: " __VA_ARGS__)); goto done; } while (0)

static void insert_rows(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  Cache *cache = (Cache *)sqlite3_user_data(ctx);
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  unsigned char *scratch = 0; /* repaired text, when a value is not valid UTF-8 */
  sqlite3_int64 scratch_size = 0;
  sqlite3_stmt *many = 0, *one = 0, *st = 0;
  sqlite3_int64 *text_at = 0, *order = 0; /* (only for a key: see Order) */
  int key[64];
  int key_n = 0;
  int rc, entered = 0;

  if (argc < 5 || argc > 7) FAIL(SQLITE_ERROR, "expects 5 to 7 arguments, got %d", argc);
  const int has_one = argc >= 6 && sqlite3_value_type(argv[5]) != SQLITE_NULL; /* (NULL: not given) */
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT || (has_one && sqlite3_value_type(argv[5]) != SQLITE_TEXT)) {
    FAIL(SQLITE_MISMATCH, "the INSERT statements must be text");
  }
  if (sqlite3_value_type(argv[1]) != SQLITE_BLOB || sqlite3_value_type(argv[2]) != SQLITE_BLOB) {
    FAIL(SQLITE_MISMATCH, "nums and text must be blobs");
  }
  /* (whole numbers; from JS a number bound as a parameter arrives as a REAL) */
  const int type_nw = sqlite3_value_type(argv[3]), type_tw = sqlite3_value_type(argv[4]);
  const double num_wd = sqlite3_value_double(argv[3]), text_wd = sqlite3_value_double(argv[4]);
  if ((type_nw != SQLITE_INTEGER && type_nw != SQLITE_FLOAT) || (type_tw != SQLITE_INTEGER && type_tw != SQLITE_FLOAT)
      || !(num_wd >= 0 && num_wd <= 32766 && text_wd >= 0 && text_wd <= 32766)
      || num_wd != (double)(int)num_wd || text_wd != (double)(int)text_wd) {
    FAIL(SQLITE_MISMATCH, "numeric_width and text_width must be whole numbers of columns");
  }
  const sqlite3_int64 num_w = (sqlite3_int64)num_wd, text_w = (sqlite3_int64)text_wd;
  if (num_w + text_w == 0 || num_w + text_w > 32766) {
    FAIL(SQLITE_RANGE, "bad row width: %lld numbers + %lld texts", num_w, text_w);
  }
  const sqlite3_int64 width = num_w + text_w;
  const unsigned char *nums = (const unsigned char *)sqlite3_value_blob(argv[1]);
  const sqlite3_int64 nums_size = sqlite3_value_bytes(argv[1]);
  const unsigned char *text = (const unsigned char *)sqlite3_value_blob(argv[2]);
  const sqlite3_int64 text_size = sqlite3_value_bytes(argv[2]);
  if (nums_size % (8 * width) != 0) {
    FAIL(SQLITE_RANGE, "nums holds %lld bytes, not a whole number of rows of %lld doubles", nums_size, width);
  }
  const sqlite3_int64 count = nums_size / (8 * width);
  if (argc == 7 && sqlite3_value_type(argv[6]) != SQLITE_NULL) {
    if (sqlite3_value_type(argv[6]) != SQLITE_TEXT) FAIL(SQLITE_MISMATCH, "the key must be a text of column positions");
    const char *k = (const char *)sqlite3_value_text(argv[6]);
    while (k && *k) {
      if (*k < '0' || *k > '9' || key_n == (int)(sizeof key / sizeof key[0])) FAIL(SQLITE_MISMATCH, "bad key: %s", (const char *)sqlite3_value_text(argv[6]));
      long c = 0;
      while (*k >= '0' && *k <= '9' && c <= 32766) c = c * 10 + (*k++ - '0');
      if (c >= width) FAIL(SQLITE_RANGE, "key column %ld is not one of the row's %lld", c, width);
      key[key_n++] = (int)c;
      if (*k == ',' && k[1] != 0) k++;
      else if (*k) FAIL(SQLITE_MISMATCH, "bad key: %s", (const char *)sqlite3_value_text(argv[6]));
    }
    if (key_n == 0) FAIL(SQLITE_MISMATCH, "the key names no column");
  }
  if (key_n > 0 && count > 1) {
    text_at = (sqlite3_int64 *)sqlite3_malloc64((sqlite3_uint64)(count * (text_w > 0 ? text_w : 1) + 2 * count) * sizeof *text_at);
    if (text_at == 0) FAIL(SQLITE_NOMEM, "out of memory");
    order = text_at + count * (text_w > 0 ? text_w : 1);
  }

  /* Check every text length first, so that a malformed batch inserts nothing. */
  sqlite3_int64 at = 0;
  for (sqlite3_int64 r = 0; r < count; r++) {
    for (sqlite3_int64 c = num_w; c < width; c++) {
      double len = num_at(nums, r * width + c);
      if (len != len) continue; /* NULL */
      if (!(len >= 0 && len <= (double)(text_size - at)) || len != (double)(sqlite3_int64)len) {
        FAIL(SQLITE_RANGE, "row %lld, text %lld: length %g does not fit the %lld bytes left in text",
             r, c - num_w, len, text_size - at);
      }
      if (text_at) text_at[r * text_w + (c - num_w)] = at;
      at += (sqlite3_int64)len;
    }
  }
  if (at != text_size) FAIL(SQLITE_RANGE, "the rows' text lengths add up to %lld bytes, text holds %lld", at, text_size);

  if (cache->busy) FAIL(SQLITE_MISUSE, "cannot run from within its own INSERT");
  cache->busy = entered = 1;
  rc = cached_stmt(cache, db, (const char *)sqlite3_value_text(argv[0]), 0, &many);
  if (rc != SQLITE_OK) FAIL(rc, "cannot prepare the INSERT: %s", rc == SQLITE_MISUSE ? "no statement" : sqlite3_errmsg(db));
  const int params = sqlite3_bind_parameter_count(many);
  if (params == 0 || params % width != 0) {
    FAIL(SQLITE_RANGE, "the INSERT has %d parameters, not a multiple of the row width %lld", params, width);
  }
  const sqlite3_int64 per_step = params / width;
  if (count % per_step != 0) {
    if (!has_one) FAIL(SQLITE_MISUSE, "%lld rows are not a multiple of %lld rows per INSERT: give the one-row INSERT", count, per_step);
    rc = cached_stmt(cache, db, (const char *)sqlite3_value_text(argv[5]), many, &one);
    if (rc != SQLITE_OK) FAIL(rc, "cannot prepare the one-row INSERT: %s", rc == SQLITE_MISUSE ? "no statement" : sqlite3_errmsg(db));
    if (sqlite3_bind_parameter_count(one) != width) {
      FAIL(SQLITE_RANGE, "the one-row INSERT has %d parameters, not %lld", sqlite3_bind_parameter_count(one), width);
    }
  }

  if (order) {
    for (sqlite3_int64 r = 0; r < count; r++) order[r] = r;
    Order o = { nums, text, width, num_w, text_w, text_at, key, key_n };
    sort_rows(&o, order, order + count, count);
  }

  at = 0;
  sqlite3_int64 row = 0;
  while (row < count) {
    const int rows = count - row >= per_step ? (int)per_step : 1;
    st = rows == per_step ? many : one;
    int p = 1;
    for (int k = 0; k < rows; k++, row++) {
      /* (in key order, each row's texts are where the check above found them) */
      const sqlite3_int64 r = order ? order[row] : row;
      const sqlite3_int64 base = r * width;
      /* (sqlite3_bind_double stores a NaN as NULL, as better-sqlite3's binding of NaN does) */
      for (sqlite3_int64 c = 0; c < num_w; c++) sqlite3_bind_double(st, p++, num_at(nums, base + c));
      for (sqlite3_int64 c = num_w; c < width; c++) {
        double len_d = num_at(nums, base + c);
        if (len_d != len_d) {
          sqlite3_bind_null(st, p++);
          continue;
        }
        const sqlite3_int64 len = (sqlite3_int64)len_d;
        const unsigned char *s = text + (order ? text_at[r * text_w + (c - num_w)] : at);
        at += len;
        if (utf8_valid_prefix(s, (size_t)len) == (size_t)len) {
          /* (the blob outlives the step; the bindings are cleared before returning) */
          rc = sqlite3_bind_text64(st, p++, (const char *)(len ? s : (const unsigned char *)""), (sqlite3_uint64)len, SQLITE_STATIC, SQLITE_UTF8);
        } else {
          if (scratch_size < 3 * len) {
            sqlite3_free(scratch);
            scratch_size = 3 * len;
            scratch = (unsigned char *)sqlite3_malloc64((sqlite3_uint64)scratch_size);
            if (scratch == 0) { scratch_size = 0; FAIL(SQLITE_NOMEM, "out of memory"); }
          }
          size_t n = utf8_repair(s, (size_t)len, scratch);
          rc = sqlite3_bind_text64(st, p++, (const char *)scratch, n, SQLITE_TRANSIENT, SQLITE_UTF8);
        }
        if (rc != SQLITE_OK) FAIL(rc, "row %lld: cannot bind text %lld: %s", r, c - num_w, sqlite3_errstr(rc));
      }
    }
    rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) {
      int code = sqlite3_extended_errcode(db);
      if (rows == 1) FAIL(code, "row %lld: %s", order ? order[row - 1] : row - 1, sqlite3_errmsg(db));
      if (order) FAIL(code, "one of %d rows in key order from row %lld: %s", rows, order[row - rows], sqlite3_errmsg(db));
      FAIL(code, "rows %lld to %lld: %s", row - rows, row - 1, sqlite3_errmsg(db));
    }
    sqlite3_reset(st);
  }
  sqlite3_result_int64(ctx, count);

done:
  /* leave the cached statements reset, holding no pointer into this call's blobs */
  if (many) { sqlite3_reset(many); sqlite3_clear_bindings(many); }
  if (one) { sqlite3_reset(one); sqlite3_clear_bindings(one); }
  if (entered) cache->busy = 0;
  sqlite3_free(scratch);
  sqlite3_free(text_at);
}

/*
** overload_pin_mmap_threshold(bytes): makes glibc's malloc serve every allocation of `bytes` or
** more with its own mmap, for the rest of the process; returns 1, or 0 where malloc is not
** glibc's. Why: an ingest allocates input chunks and ~400 KB batch buffers in one thread and
** frees them in another, hundreds of times. glibc starts with a 128 KB threshold but raises it
** to the size of each mmapped block freed, so after the first few these buffers come from the
** arenas, whose freed space fragments and stays resident: ~15 MB of peak RSS on a 1M-line
** ingest. With the threshold pinned, freeing such a buffer returns its pages to the system.
*/
static void pin_mmap_threshold(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
#ifdef __GLIBC__
  sqlite3_int64 bytes = sqlite3_value_int64(argv[0]);
  if (bytes <= 0 || bytes > (32 << 20)) {
    sqlite3_result_error(ctx, "overload_pin_mmap_threshold: bytes must be in 1 .. 32 MiB", -1);
    return;
  }
  sqlite3_result_int(ctx, mallopt(M_MMAP_THRESHOLD, (int)bytes) == 1);
#else
  (void)argv;
  sqlite3_result_int(ctx, 0);
#endif
}

#ifdef _WIN32
__declspec(dllexport)
#else
__attribute__((visibility("default")))
#endif
int sqlite3_bulkinsert_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
  SQLITE_EXTENSION_INIT2(pApi);
  (void)pzErrMsg;
  Cache *cache = (Cache *)sqlite3_malloc(sizeof(Cache));
  if (cache == 0) return SQLITE_NOMEM;
  memset(cache, 0, sizeof(Cache));
  /* DIRECTONLY: it writes, so it must not run from a trigger or view someone else wrote. */
  int rc = sqlite3_create_function_v2(db, "overload_insert_rows", -1, SQLITE_UTF8 | SQLITE_DIRECTONLY, cache,
                                      insert_rows, 0, 0, cache_free);
  if (rc != SQLITE_OK) return rc; /* (cache_free has run) */
  rc = sqlite3_create_function_v2(db, "overload_pin_mmap_threshold", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, 0,
                                  pin_mmap_threshold, 0, 0, 0);
  if (rc != SQLITE_OK) return rc;
  return sqlite3_trace_v2(db, SQLITE_TRACE_CLOSE, on_trace, cache);
}

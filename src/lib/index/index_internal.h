/* The feed index's declarations shared by its files; not part of the API.
 *   index.c          the index (its format), opening, creating, batches,
 *                    adding, expiry, queries, statistics
 *   index_file.c     data.mdb and the writer lock, checked around LMDB
 *   index_params.c   the parameters an index is built with ("params")
 *   index_record.c   article records
 *   index_pending.c  the open batch's band and id entries, in memory
 *   index_segment.c  the committed band and id entries, in segments
 *   index_grow.c     the open batch's log, and growing the map when it
 *                    fills (the batch is then done again) */
#ifndef WU_INDEX_INTERNAL_H
#define WU_INDEX_INTERNAL_H

#include "internal.h"

#include <lmdb.h>
#include <string.h>
#include <xxhash.h>

#define WU__IDX_MAX_LEN 65535
#define MAX_BANDS 1023 /* with the ids as one more, band numbers take 10 bits */
#define KEY_SHIFT 10   /* a sort key keeps 54 bits of the band key */

/* The open batch's band entries, in memory (index_pending.c). */
typedef struct {
	uint64_t key;  /* the sort key, seg_key() */
	uint32_t off;  /* article number - ix->sealed; PEND_GONE once expired */
	uint32_t next; /* the chain's next entry + 1, or 0 */
} pend_entry;

typedef struct {
	pend_entry *e;
	uint32_t *head, *tail; /* a chain's first and last entries + 1, or 0 */
	size_t n, cap;
	unsigned bits;         /* 2^bits chains; 0 before the first entry */
} wu__idx_pending;

struct wu_index {
	MDB_env *env;
	MDB_dbi meta, articles, segments, dates;
	wu__idx_pending pend;   /* the open batch's band entries */
	MDB_txn *wtxn;  /* the open batch, or NULL */
	MDB_txn *rtxn;  /* a read transaction, reset between reads */
	wu_opt opt;
	int format, normalize_version, bucket_bits, gen_bits;
	int writable, lock_fd, window;
	int nolock;     /* read without LMDB's lock file (a read-only directory) */
	int map_full;   /* the batch failed because the map is full */
	int replaying;  /* the batch is being done again: do not log it */
	int32_t today;  /* the clock's date, WU_NO_DATE: none (see window_end) */
	uint64_t map_limit;  /* the map grows up to this (bytes) */
	uint64_t limit_kept; /* the limit stored in the index (meta "map_limit") */
	wu_str log;     /* the open batch's additions and expiries (index_grow.c) */
	wu_str idq, idc; /* scratch: the canonical keys of a query's id, a candidate's */
	uint64_t next;  /* next article number (while wtxn is open) */
	uint64_t sealed; /* first article not in a segment (while wtxn is open) */
	int32_t newest; /* newest date in the index (while wtxn is open) */
	size_t pending;
	char *path;
	wu_u32s sig;    /* scratch: a decoded signature */
	wu_u64s cand;   /* scratch: candidate article numbers */
	wu_str rec;     /* scratch: an encoded wu__index_record */
	uint64_t *skey; /* scratch, one a band: segment keys of a query */
	struct seg *segs; /* scratch: the segments a query reads */
	size_t seg_cap;   /* room in segs, and in span for as many */
	uint32_t *span; /* scratch, SPAN a band a segment: a slot's bounds and
	                   where the key is expected in it */
	size_t *taken;  /* scratch, one a band: candidates taken */
};

/* A stored record, pointing into LMDB's pages (valid until the next
 * write): the fuzz harness's decoded record (internal.h) is the same. */

/* ---- byte order ---- */

static inline void put_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static inline uint64_t get_be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static inline void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

static inline uint64_t get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* ---- errors ---- */

/* The index's helpers return 0, or -1 with the reason in err: never an
 * LMDB or errno code for their caller to decode. The function that calls
 * LMDB puts its code into words (idx_mdb: damage found by a check is said
 * as LMDB says MDB_CORRUPTED), and the step that knows what it was doing
 * puts that in front (idx_context): "querying: MDB_CORRUPTED: ...". */
static inline int idx_mdb(char *err, size_t errlen, int rc)
{
	wu__fail(err, errlen, "%s", mdb_strerror(rc));
	return -1;
}

/* Puts what the failing step was doing before the reason in err: "reason"
 * becomes "what: reason" (as snprintf would cut it). -1. */
static inline int idx_context(char *err, size_t errlen, const char *what)
{
	if (!err || !errlen)
		return -1;
	size_t w = strlen(what) + 2, r = strlen(err);
	if (w >= errlen)
		return wu__fail(err, errlen, "%s", what);
	if (r > errlen - 1 - w)
		r = errlen - 1 - w;
	memmove(err + w, err, r);
	memcpy(err, what, w - 2);
	err[w - 2] = ':', err[w - 1] = ' ', err[w + r] = '\0';
	return -1;
}

/* Returns -1 here, where the analyzer can see it. */
static inline int idx_lmdb_fail(char *err, size_t errlen, const char *what, int rc)
{
	wu__fail(err, errlen, "%s: %s", what, mdb_strerror(rc));
	return -1;
}

/* The same for a write in the open batch: a full map is noted, so that the
 * batch is done again in a bigger one (index_grow.c). */
static inline int write_fail(wu_index *ix, char *err, size_t errlen, const char *what, int rc)
{
	if (rc == MDB_MAP_FULL)
		ix->map_full = 1;
	return idx_lmdb_fail(err, errlen, what, rc);
}

/* idx_mdb() for a write in the open batch, noting a full map likewise. */
static inline int idx_write(wu_index *ix, char *err, size_t errlen, int rc)
{
	if (rc == MDB_MAP_FULL)
		ix->map_full = 1;
	return idx_mdb(err, errlen, rc);
}

/* ---- sort keys (see index_segment.c) ---- */

static inline uint64_t seg_key(int band, uint64_t h)
{
	return (uint64_t)band << 54 | h >> KEY_SHIFT;
}

/* An id's sort key: ids are kept as one more band (see index_segment.c),
 * hashed by their canonical key (wu__id_key), so that ids equal as JSON
 * values ("A" and "\u0041") are one id. buf is scratch. 0, or -1 out of
 * memory. */
static inline int id_key(const wu_index *ix, const char *id, size_t len, wu_str *buf,
                         uint64_t *key)
{
	size_t n;
	const char *k = wu__id_key(id, len, buf, &n);
	if (!k)
		return -1;
	*key = seg_key(ix->opt.bands, XXH3_64bits(k, n));
	return 0;
}

/* ---- across the files ---- */

/* index_file.c */
char *wu__idx_join(const char *dir, const char *name);
int wu__idx_check_files(const char *path, char *err, size_t errlen);
int wu__idx_take_lock(wu_index *ix, int wait, char *err, size_t errlen);
int wu__idx_open_failed(const char *path, int writable, int rc, char *err, size_t errlen);
int wu__idx_cover_last_page(wu_index *ix, char *err, size_t errlen);
int wu__idx_check_size(wu_index *ix, char *err, size_t errlen);

/* index_params.c */
int wu__idx_parse_params(wu_index *ix, const MDB_val *v, char *err, size_t errlen);

/* index_record.c */
int wu__idx_encode(wu_index *ix, const wu_index_article *a);
int wu__idx_decode(const wu_index *ix, const MDB_val *v, wu__index_record *r);
const uint32_t *wu__idx_record_sig(wu_index *ix, const wu__index_record *r);
int wu__idx_fetch(wu_index *ix, MDB_txn *t, uint64_t art, wu__index_record *r, int *gone,
                  char *err, size_t errlen);
int wu__idx_get_record(wu_index *ix, MDB_txn *t, uint64_t art, wu__index_record *r, char *err,
                       size_t errlen);

/* index_pending.c (pend_add and pend_scan: 0, or -1 out of memory) */
int wu__idx_pend_add(wu__idx_pending *p, uint64_t key, uint64_t off);
void wu__idx_pend_drop(wu__idx_pending *p, uint64_t key, uint64_t off);
void wu__idx_pend_clear(wu__idx_pending *p);
int wu__idx_pend_scan(wu_index *ix, uint64_t key, size_t max, size_t *taken);

/* index_grow.c */
int wu__idx_log_add(wu_index *ix);                               /* 0, or -1 out of memory */
int wu__idx_log_expire(wu_index *ix, int32_t before, size_t max); /* the same */
/* One entry of the batch log: an added record, or an expiry's arguments. */
typedef struct {
	int add;
	MDB_val rec;
	int32_t before;
	size_t max;
} wu__idx_logged;
int wu__idx_log_next(const wu_index *ix, size_t *pos, wu__idx_logged *e);
int wu__idx_enlarge_map(wu_index *ix, char *err, size_t errlen);

/* index.c: a batch that met a full map done again from its log, on a
 * larger map (index_grow.c grows it). */
int wu__idx_grow_map(wu_index *ix, char *err, size_t errlen);
int wu__idx_begin(wu_index *ix, char *err, size_t errlen);
int wu__idx_put_logged(wu_index *ix, const MDB_val *rec, char *err, size_t errlen);
int wu__idx_expire_logged(wu_index *ix, int32_t before, size_t max, char *err, size_t errlen);

/* index_segment.c */
int wu__idx_segment_candidates(wu_index *ix, MDB_txn *t, char *err, size_t errlen);
int wu__idx_segment_lookup(wu_index *ix, MDB_txn *t, uint64_t key, char *err, size_t errlen);
int wu__idx_seal_complete(wu_index *ix, char *err, size_t errlen);
int wu__idx_drop_empty_segments(wu_index *ix, char *err, size_t errlen);

#endif

/* The feed index's segments: the band and id entries of committed
 * articles (see index.c).
 *
 * An article's band entries and its id's entry (as band number "bands")
 * are in memory while its batch is open: queries in the batch see them
 * there. The commit seals the batch: its entries, sorted, become one
 * packed value of "segments" (8 bytes an entry, pages full). So a commit
 * writes the batch's entries once, not the pages of B-trees that 42 random
 * keys an article touch (LMDB copies every page a commit changes).
 *
 * A new segment takes in the one before it while that one covers no more
 * articles than it has gathered, as a binary counter carries (and no more
 * than 2^(gen_bits + MERGE_BITS) articles in all): a query, which looks in
 * every segment (a slot lookup a band each), reads O(log n) small ones
 * and n / 2^(gen_bits + MERGE_BITS) of the largest size, and an entry is
 * rewritten O(log) times. The cap bounds the new pages a commit needs
 * (the replaced segments are freed only after it), and so the file.
 *
 * Segment (little-endian): u32 SEG_MAGIC, u32 bands, u32 dir_bits,
 * u32 count, u64 first article number (its key, big-endian, too), u64 the
 * span of article numbers it covers, u32 dir[((bands + 1) << dir_bits) + 1]
 * (where each slot starts; the last is count), u64 entries[count]. Band
 * b's key h has the sort key s = b << 54 | h >> 10 (an id: b = bands, h
 * its XXH3, so an index takes at most MAX_BANDS bands); its slot is the top
 * bits of s (the band, then dir_bits of hash) and its entry s << (10 +
 * dir_bits) with the article's offset from the first in the low 10 +
 * dir_bits bits. Entries sort by s, then by article, so a slot is read
 * oldest first. dir_bits grows with the span, so that a slot holds 32
 * to 64 entries on average. */
#define _DEFAULT_SOURCE /* le32toh() */
#include "index_internal.h"

#include <stdlib.h>
#include <string.h>

#define SPAN 3 /* scratch words a band a segment: see seg_spans() */
#define SEG_MAGIC 0x47535557u /* "WUSG" */
#define SEG_HEAD 32
#define MERGE_BITS 2
#define SLOT_BITS 6    /* a slot: about 2^SLOT_BITS entries */
#define MAX_DIR_BITS 32

/* Directory slots: the bands', then the ids' (one band more). */
static size_t seg_slots(const wu_index *ix, unsigned dir_bits)
{
	return ((size_t)ix->opt.bands + 1) << dir_bits;
}

typedef struct seg {
	uint64_t base, span;
	uint32_t count, dir_bits;
	const unsigned char *dir, *ent;
} segment;

static uint32_t load32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return le32toh(v);
}

static uint64_t load64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return le64toh(v);
}

/* Checks a segment's header and size against the index; 0 or -1. */
static int seg_parse(const wu_index *ix, const MDB_val *v, segment *s)
{
	const unsigned char *p = v->mv_data;
	if (v->mv_size < SEG_HEAD || load32(p) != SEG_MAGIC || load32(p + 4) != (uint32_t)ix->opt.bands)
		return -1;
	s->dir_bits = load32(p + 8);
	s->count = load32(p + 12);
	s->base = load64(p + 16);
	s->span = load64(p + 24);
	if (s->dir_bits > MAX_DIR_BITS || s->span > (UINT64_C(1) << (KEY_SHIFT + s->dir_bits)))
		return -1;
	size_t slots = seg_slots(ix, s->dir_bits);
	if (v->mv_size != SEG_HEAD + 4 * (slots + 1) + 8 * (size_t)s->count)
		return -1;
	s->dir = p + SEG_HEAD;
	s->ent = s->dir + 4 * (slots + 1);
	return 0;
}

static void seg_prefetch(const wu_index *ix, const segment *s)
{
	int shift = 54 - (int)s->dir_bits;
	for (int b = 0; b < ix->opt.bands; b++)
		__builtin_prefetch(s->dir + 4 * (ix->skey[b] >> shift));
}

/* Where in slot [lo, hi) an entry of key bits want is expected: keys are
 * hashes, spread evenly over the slot, so the fraction of the slot before
 * want is about the fraction of the key range below it. Reading from there
 * touches one cache line a lookup instead of scanning the slot from its
 * start (32 to 64 entries on average). */
static uint32_t seg_guess(uint32_t lo, uint32_t hi, uint64_t want)
{
	return lo + (uint32_t)(((uint64_t)(hi - lo) * (want >> 32)) >> 32);
}

/* Reads every band's slot bounds in s into span, with the expected place
 * of its key, and asks for that entry; 0, or -1 when a slot is out of
 * bounds (damage). */
static int seg_spans(const wu_index *ix, const segment *s, uint32_t *span)
{
	int shift = 54 - (int)s->dir_bits, up = KEY_SHIFT + (int)s->dir_bits;
	for (size_t b = 0; b < (size_t)ix->opt.bands; b++) {
		const unsigned char *d = s->dir + 4 * (ix->skey[b] >> shift);
		uint32_t lo = load32(d), hi = load32(d + 4);
		if (lo > hi || hi > s->count)
			return -1;
		uint32_t at = seg_guess(lo, hi, ix->skey[b] << up);
		span[SPAN * b] = lo, span[SPAN * b + 1] = hi, span[SPAN * b + 2] = at;
		__builtin_prefetch(s->ent + 8 * (size_t)at);
	}
	return 0;
}

/* The first entry of [lo, hi) whose key bits are not below want (entries
 * sort by them), searched from the guess at. */
static uint32_t seg_first(const segment *s, uint32_t lo, uint32_t hi, uint32_t at, uint64_t want)
{
	int up = KEY_SHIFT + (int)s->dir_bits;
	if (at < hi && load64(s->ent + 8 * (size_t)at) >> up < want) {
		while (++at < hi && load64(s->ent + 8 * (size_t)at) >> up < want)
			;
		return at;
	}
	while (at > lo && load64(s->ent + 8 * (size_t)(at - 1)) >> up >= want)
		at--;
	return at;
}

/* Appends the articles of segment s that share a band key, oldest first
 * (entries of one key sort by article). */
static int seg_scan(wu_index *ix, const segment *s, const uint32_t *span)
{
	size_t max = (size_t)ix->opt.max_bucket;
	int up = KEY_SHIFT + (int)s->dir_bits;
	uint64_t low = (UINT64_C(1) << up) - 1;
	for (size_t b = 0; b < (size_t)ix->opt.bands; b++) {
		uint64_t want = ix->skey[b] << up >> up;
		const uint32_t *sp = span + SPAN * b;
		for (uint32_t i = seg_first(s, sp[0], sp[1], sp[2], want); i < sp[1] && ix->taken[b] < max;
		     i++) {
			uint64_t e = load64(s->ent + 8 * (size_t)i);
			if (e >> up != want)
				break;
			if (wu__u64s_reserve(&ix->cand, ix->cand.n + 1))
				return -1;
			ix->cand.a[ix->cand.n++] = s->base + (e & low);
			ix->taken[b]++;
		}
	}
	return 0;
}

/* Room for n segments in the query's scratch; 0, or -1 out of memory. */
static int seg_room(wu_index *ix, size_t n)
{
	if (n <= ix->seg_cap)
		return 0;
	size_t cap = 2 * n, nb = (size_t)ix->opt.bands;
	segment *s = realloc(ix->segs, cap * sizeof *s);
	if (s)
		ix->segs = s;
	uint32_t *span = s ? realloc(ix->span, SPAN * nb * cap * sizeof *span) : NULL;
	if (!span)
		return -1;
	ix->span = span;
	ix->seg_cap = cap;
	return 0;
}

/* Candidates from every segment, oldest first. A query's reads are
 * scattered over the whole index, a few a band a segment, each one
 * depending on the one before: so each step is done for every segment
 * before the next step, which keeps many reads in flight (every
 * directory slot is asked for, then every first entry, then the entries
 * are read). */
int wu__idx_segment_candidates(wu_index *ix, MDB_txn *t, char *err, size_t errlen)
{
	MDB_cursor *c;
	MDB_val k, v;
	size_t n = 0, nb = (size_t)ix->opt.bands;
	int no_room = 0, rc = mdb_cursor_open(t, ix->segments, &c);
	if (rc)
		return idx_mdb(err, errlen, rc);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT), n++) {
		if ((no_room = seg_room(ix, n + 1)))
			break;
		if (seg_parse(ix, &v, &ix->segs[n])) {
			rc = MDB_CORRUPTED;
			break;
		}
		seg_prefetch(ix, &ix->segs[n]);
	}
	mdb_cursor_close(c);
	if (no_room)
		return wu__fail(err, errlen, "out of memory");
	if (rc != MDB_NOTFOUND)
		return idx_mdb(err, errlen, rc);
	for (size_t i = 0; i < n; i++)
		if (seg_spans(ix, &ix->segs[i], ix->span + SPAN * nb * i))
			return idx_mdb(err, errlen, MDB_CORRUPTED);
	for (size_t i = 0; i < n; i++)
		if (seg_scan(ix, &ix->segs[i], ix->span + SPAN * nb * i))
			return wu__fail(err, errlen, "out of memory");
	return 0;
}

/* Appends every article of segment s with sort key key. 0, or -1 with the
 * reason. */
static int seg_find(wu_index *ix, const segment *s, uint64_t key, char *err, size_t errlen)
{
	int shift = 54 - (int)s->dir_bits, up = KEY_SHIFT + (int)s->dir_bits;
	uint64_t want = key << up >> up, low = (UINT64_C(1) << up) - 1;
	const unsigned char *d = s->dir + 4 * (key >> shift);
	uint32_t lo = load32(d), hi = load32(d + 4);
	if (lo > hi || hi > s->count)
		return idx_mdb(err, errlen, MDB_CORRUPTED);
	for (uint32_t i = seg_first(s, lo, hi, seg_guess(lo, hi, key << up), want); i < hi; i++) {
		uint64_t e = load64(s->ent + 8 * (size_t)i);
		if (e >> up != want)
			break;
		if (wu__u64s_reserve(&ix->cand, ix->cand.n + 1))
			return wu__fail(err, errlen, "out of memory");
		ix->cand.a[ix->cand.n++] = s->base + (e & low);
	}
	return 0;
}

/* Appends every article with sort key key of every segment, oldest
 * first. */
int wu__idx_segment_lookup(wu_index *ix, MDB_txn *t, uint64_t key, char *err, size_t errlen)
{
	MDB_cursor *c;
	MDB_val k, v;
	segment s;
	int failed = 0, rc = mdb_cursor_open(t, ix->segments, &c);
	if (rc)
		return idx_mdb(err, errlen, rc);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (seg_parse(ix, &v, &s)) {
			rc = MDB_CORRUPTED;
			break;
		}
		if ((failed = seg_find(ix, &s, key, err, errlen)))
			break;
	}
	mdb_cursor_close(c);
	if (failed)
		return -1;
	return rc == MDB_NOTFOUND ? 0 : idx_mdb(err, errlen, rc);
}

/* Appends to ki the sort keys of the band and id entries of articles
 * from .. to - 1, in article order; idx is the article's offset from
 * from. 0, or -1 with the reason. */
static int batch_keys(wu_index *ix, uint64_t from, uint64_t to, wu__keyidx *ki, size_t *n,
                      char *err, size_t errlen)
{
	size_t nb = (size_t)ix->opt.bands;
	unsigned char kb[8];
	MDB_cursor *c;
	MDB_val k = {8, kb}, v;
	wu__index_record r;
	put_be64(kb, from);
	int no_mem = 0, rc = mdb_cursor_open(ix->wtxn, ix->articles, &c);
	if (rc)
		return idx_mdb(err, errlen, rc);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		uint64_t art = k.mv_size == 8 ? get_be(k.mv_data, 8) : 0;
		if (art >= to)
			break;
		if (wu__idx_decode(ix, &v, &r) || art < from) {
			rc = MDB_CORRUPTED;
			break;
		}
		const uint32_t *sig = wu__idx_record_sig(ix, &r);
		uint64_t key;
		if ((no_mem = !sig || id_key(ix, r.id, r.id_len, &ix->idc, &key)))
			break;
		for (size_t b = 0; b < nb; b++)
			ki[(*n)++] = (wu__keyidx){seg_key((int)b, wu_band_key(sig, (int)b, &ix->opt)),
			                         (uint32_t)(art - from)};
		ki[(*n)++] = (wu__keyidx){key, (uint32_t)(art - from)};
	}
	mdb_cursor_close(c);
	if (no_mem)
		return wu__fail(err, errlen, "out of memory");
	return rc == MDB_NOTFOUND ? 0 : idx_mdb(err, errlen, rc);
}

/* Appends to ki segment s's entries as (sort key, offset from article
 * number base), in the segment's order. The slot gives the key's top bits
 * back. Walks the entries, not the directory, so that damage cannot make
 * it write more than count. */
static void seg_decode(const wu_index *ix, const segment *s, uint64_t base, wu__keyidx *ki,
                       size_t *n)
{
	int up = KEY_SHIFT + (int)s->dir_bits, shift = 54 - (int)s->dir_bits;
	uint64_t low = (UINT64_C(1) << up) - 1;
	size_t slots = seg_slots(ix, s->dir_bits), slot = 0;
	uint32_t off = (uint32_t)(s->base - base);
	for (uint32_t i = 0; i < s->count; i++) {
		while (slot < slots && load32(s->dir + 4 * (slot + 1)) <= i)
			slot++;
		uint64_t e = load64(s->ent + 8 * (size_t)i);
		ki[(*n)++] = (wu__keyidx){(uint64_t)slot << shift | e >> up, off + (uint32_t)(e & low)};
	}
}

/* The segment ending right before article number art: *found 1 with it
 * in *s, or *found 0 when none ends there. 0, or -1 with the reason. */
static int seg_before(wu_index *ix, uint64_t art, segment *s, int *found, char *err,
                      size_t errlen)
{
	unsigned char kb[8];
	MDB_cursor *c;
	MDB_val k = {8, kb}, v;
	put_be64(kb, art);
	*found = 0;
	int rc = mdb_cursor_open(ix->wtxn, ix->segments, &c);
	if (rc)
		return idx_mdb(err, errlen, rc);
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	rc = rc == 0 ? mdb_cursor_get(c, &k, &v, MDB_PREV)
	             : rc == MDB_NOTFOUND ? mdb_cursor_get(c, &k, &v, MDB_LAST) : rc;
	if (!rc && (k.mv_size != 8 || seg_parse(ix, &v, s) || s->base != get_be(k.mv_data, 8)))
		rc = MDB_CORRUPTED;
	mdb_cursor_close(c);
	if (rc && rc != MDB_NOTFOUND)
		return idx_mdb(err, errlen, rc);
	*found = !rc && s->base + s->span == art;
	return 0;
}

/* Directory bits for a span of articles: 2^(SLOT_BITS - 1) to 2^SLOT_BITS
 * entries a slot on average, and room for an article's offset below the
 * key bits. */
static unsigned span_dir_bits(uint64_t span)
{
	unsigned d = 0;
	while ((span >> SLOT_BITS >> d) > 0)
		d++;
	return d;
}

/* Writes the segment of articles base .. base + span - 1 from its sorted
 * keys. 0, or -1 with the reason. */
static int put_segment(wu_index *ix, uint64_t base, uint64_t span, const wu__keyidx *ki, size_t n,
                       char *err, size_t errlen)
{
	unsigned d = span_dir_bits(span), shift = 54 - d;
	size_t slots = seg_slots(ix, d);
	unsigned char kb[8];
	put_be64(kb, base);
	MDB_val k = {8, kb}, v = {SEG_HEAD + 4 * (slots + 1) + 8 * n, NULL};
	int rc = mdb_put(ix->wtxn, ix->segments, &k, &v, MDB_RESERVE);
	if (rc)
		return idx_write(ix, err, errlen, rc);
	unsigned char *p = v.mv_data, *dir = p + SEG_HEAD, *ent = dir + 4 * (slots + 1);
	put_le(p, SEG_MAGIC, 4);
	put_le(p + 4, (uint64_t)ix->opt.bands, 4);
	put_le(p + 8, d, 4);
	put_le(p + 12, n, 4);
	put_le(p + 16, base, 8);
	put_le(p + 24, span, 8);
	size_t j = 0;
	for (size_t slot = 0; slot <= slots; slot++) {
		while (j < n && (ki[j].key >> shift) < slot)
			j++;
		put_le(dir + 4 * slot, j, 4);
	}
	for (size_t i = 0; i < n; i++)
		put_le(ent + 8 * i, ki[i].key << (KEY_SHIFT + d) | ki[i].idx, 8);
	return 0;
}

static int del_segment(wu_index *ix, uint64_t base, char *err, size_t errlen)
{
	unsigned char kb[8];
	put_be64(kb, base);
	MDB_val k = {8, kb};
	int rc = mdb_del(ix->wtxn, ix->segments, &k, NULL);
	return rc ? idx_write(ix, err, errlen, rc) : 0;
}

/* The segments the batch from article number from takes in (see above):
 * the first article number of the merged segment in *first and the count
 * of segments in *n_old. 0, or -1 with the reason. */
static int merge_set(wu_index *ix, uint64_t from, uint64_t *first, size_t *n_old, size_t *n_ent,
                     char *err, size_t errlen)
{
	uint64_t cap = UINT64_C(1) << (ix->gen_bits + MERGE_BITS), span = ix->next - from;
	segment s;
	int found;
	*first = from, *n_old = 0, *n_ent = (size_t)span * ((size_t)ix->opt.bands + 1);
	for (;;) {
		if (seg_before(ix, *first, &s, &found, err, errlen))
			return -1;
		if (!found || s.span > span || s.span + span > cap)
			return 0;
		*first = s.base, span += s.span, *n_ent += s.count;
		++*n_old;
	}
}

/* Decodes the n_old segments from article number first to from into ki
 * (room for cap), oldest first, each a sorted run starting at bound[i],
 * and deletes them; bound[n_old] is the end. 0, or -1 with the reason. */
static int take_segments(wu_index *ix, uint64_t first, uint64_t from, size_t n_old, size_t cap,
                         wu__keyidx *ki, size_t *bound, char *err, size_t errlen)
{
	size_t n = 0, i = 0;
	segment s = {0};
	for (uint64_t at = first; at < from; at = s.base + s.span, i++) {
		unsigned char kb[8];
		put_be64(kb, at);
		MDB_val k = {8, kb}, v;
		int rc = mdb_get(ix->wtxn, ix->segments, &k, &v);
		if (rc)
			return idx_mdb(err, errlen, rc);
		if (seg_parse(ix, &v, &s) || n + s.count > cap || i >= n_old)
			return idx_mdb(err, errlen, MDB_CORRUPTED);
		bound[i] = n;
		seg_decode(ix, &s, first, ki, &n);
		if (del_segment(ix, at, err, errlen))
			return -1;
	}
	bound[n_old] = n;
	return i == n_old ? 0 : idx_mdb(err, errlen, MDB_CORRUPTED);
}

/* Merges the sorted runs ki[bound[i] .. bound[i + 1]), i < runs, into one;
 * on a tie the earlier run (older articles) first. From the newest: runs
 * grow older and larger, so an entry is moved about twice, where sorting
 * the lot would pass over it eight times. tmp has room for all. */
static void merge_runs(wu__keyidx *ki, wu__keyidx *tmp, const size_t *bound, size_t runs)
{
	size_t n = bound[runs];
	for (size_t r = runs - 1; r-- > 0;) {
		size_t a = bound[r], b = bound[r + 1], i = a, j = b, o = 0;
		while (i < b && j < n)
			tmp[o++] = ki[j].key < ki[i].key ? ki[j++] : ki[i++];
		while (i < b)
			tmp[o++] = ki[i++];
		while (j < n)
			tmp[o++] = ki[j++];
		memcpy(ki + a, tmp, o * sizeof *tmp);
	}
}

/* Seals the batch: the entries of articles from ix->sealed on, and of the
 * segments they take in, become one segment. 0, or -1 with the reason. */
static int seal_batch(wu_index *ix, char *err, size_t errlen)
{
	uint64_t first, from = ix->sealed;
	size_t n_old, cap, n = 0;
	if (merge_set(ix, from, &first, &n_old, &cap, err, errlen))
		return -1;
	wu__keyidx *ki = malloc((cap ? cap : 1) * sizeof *ki), *tmp = malloc((cap ? cap : 1) * sizeof *tmp);
	size_t *bound = malloc((n_old + 2) * sizeof *bound);
	int rc = ki && tmp && bound ? take_segments(ix, first, from, n_old, cap, ki, bound, err, errlen)
	                            : wu__fail(err, errlen, "out of memory");
	if (!rc) {
		n = bound[n_old];
		rc = batch_keys(ix, from, ix->next, ki, &n, err, errlen);
	}
	for (size_t i = rc ? n : bound[n_old]; i < n; i++)
		ki[i].idx += (uint32_t)(from - first);
	if (!rc && wu__sort_keyidx(ki + bound[n_old], n - bound[n_old]))
		rc = wu__fail(err, errlen, "out of memory");
	if (!rc) {
		bound[n_old + 1] = n;
		merge_runs(ki, tmp, bound, n_old + 1);
	}
	if (!rc && n)
		rc = put_segment(ix, first, ix->next - first, ki, n, err, errlen);
	free(ki), free(tmp), free(bound);
	return rc;
}

/* Seals the batch and empties the in-memory table of it. */
int wu__idx_seal_complete(wu_index *ix, char *err, size_t errlen)
{
	if (ix->sealed >= ix->next)
		return 0;
	int rc = seal_batch(ix, err, errlen);
	wu__idx_pend_clear(&ix->pend);
	ix->sealed = ix->next;
	return rc ? idx_context(err, errlen, "sealing a batch") : 0;
}

/* Is an article of segment s left? In *alive; 0, or -1 with the reason. */
static int seg_alive(wu_index *ix, const segment *s, int *alive, char *err, size_t errlen)
{
	unsigned char kb[8];
	MDB_cursor *a;
	MDB_val k = {8, kb}, v;
	put_be64(kb, s->base);
	*alive = 1;
	int rc = mdb_cursor_open(ix->wtxn, ix->articles, &a);
	if (rc)
		return idx_mdb(err, errlen, rc);
	rc = mdb_cursor_get(a, &k, &v, MDB_SET_RANGE);
	*alive = rc == 0 && k.mv_size == 8 && get_be(k.mv_data, 8) - s->base < s->span;
	mdb_cursor_close(a);
	return rc && rc != MDB_NOTFOUND ? idx_mdb(err, errlen, rc) : 0;
}

/* Deletes the segments whose articles have all expired. 0, or -1 with the
 * reason. */
int wu__idx_drop_empty_segments(wu_index *ix, char *err, size_t errlen)
{
	MDB_cursor *c;
	MDB_val k, v;
	int alive, failed = 0;
	ix->cand.n = 0;
	int rc = mdb_cursor_open(ix->wtxn, ix->segments, &c);
	if (rc)
		return idx_mdb(err, errlen, rc);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		uint64_t g = k.mv_size == 8 ? get_be(k.mv_data, 8) : 0;
		segment s;
		if (seg_parse(ix, &v, &s)) {
			rc = MDB_CORRUPTED;
			break;
		}
		if ((failed = seg_alive(ix, &s, &alive, err, errlen)))
			break;
		if (!alive && wu__u64s_reserve(&ix->cand, ix->cand.n + 1)) {
			failed = wu__fail(err, errlen, "out of memory");
			break;
		}
		if (!alive)
			ix->cand.a[ix->cand.n++] = g;
	}
	mdb_cursor_close(c);
	if (failed)
		return -1;
	if (rc != MDB_NOTFOUND)
		return idx_mdb(err, errlen, rc);
	for (size_t i = 0; i < ix->cand.n; i++) {
		unsigned char kb[8];
		put_be64(kb, ix->cand.a[i]);
		MDB_val dk = {8, kb};
		if ((rc = mdb_del(ix->wtxn, ix->segments, &dk, NULL)))
			return idx_write(ix, err, errlen, rc);
	}
	return 0;
}

/* The feed index: sketched articles in an LMDB environment (a directory),
 * for answering "seen before?" as articles arrive.
 *
 * Named databases:
 *   meta      "params": text lines "key=value", the first "wiredup-index=FORMAT"
 *             (the magic and format version); "next": the next article
 *             number; "sealed": the first article number not in a segment
 *             (u64s, little-endian)
 *   articles  article number (u64 big-endian, so additions append) -> record
 *   segments  first article number (u64 big-endian) -> the band and id
 *             entries of a run of committed articles, sorted and packed
 *             (see "segments" below)
 *   dates     4-byte date (biased to sort as signed, big-endian) -> article
 *             number (u64 big-endian); MDB_DUPSORT|MDB_DUPFIXED, appended
 * The open batch's band and id entries are in memory (see "the open
 * batch"). Hash bits not kept only add candidates, and every candidate is
 * verified from its record: its signature, or its id.
 *
 * Record (little-endian): u32 XXH32 of the rest, i32 date, u32 shingle
 * count, u16 id length, u16 source length, num_perm u32 signature values,
 * id (JSON text), source. The checksum turns a damaged record into an
 * error instead of a wrong answer.
 *
 * Crash safety is LMDB's: a batch is one write transaction and a commit
 * switches meta pages last, so a killed writer leaves the last commit. */
#define _DEFAULT_SOURCE /* flock() */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#define ART_BITS 40
#define ART_MAX ((UINT64_C(1) << ART_BITS) - 1)
#define BAND_SHIFT 22        /* bucket_bits may not exceed it */
#define BAND_BUCKET_BITS 10  /* "bucket_bits" of the parameters: kept for
                                their format, unused since format 2 */
#define REC_HEAD 16
#define MAX_LEN 65535
#define DEFAULT_MAP_SIZE (UINT64_C(64) << 30)
#define SPAN 3 /* scratch words a band a segment: see seg_spans() */
#define MAX_BANDS 1023 /* with the ids as one more, band numbers take 10 bits */

/* The open batch's band entries, in memory (see "the open batch"). */
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
} pending;

struct wu_index {
	MDB_env *env;
	MDB_dbi meta, articles, segments, dates;
	pending pend;   /* the open batch's band entries */
	MDB_txn *wtxn;  /* the open batch, or NULL */
	MDB_txn *rtxn;  /* a read transaction, reset between reads */
	wu_opt opt;
	int format, normalize_version, bucket_bits, gen_bits;
	int writable, lock_fd, window;
	uint64_t next;  /* next article number (while wtxn is open) */
	uint64_t sealed; /* first article not in a segment (while wtxn is open) */
	int32_t newest; /* newest date in the index (while wtxn is open) */
	size_t pending;
	char *path;
	wu_u32s sig;    /* scratch: a decoded signature */
	wu_u64s cand;   /* scratch: candidate article numbers */
	wu_str rec;     /* scratch: an encoded record */
	uint64_t *skey; /* scratch, one a band: segment keys of a query */
	struct seg *segs; /* scratch: the segments a query reads */
	size_t seg_cap;   /* room in segs, and in span for as many */
	uint32_t *span; /* scratch, SPAN a band a segment: a slot's bounds and
	                   where the key is expected in it */
	size_t *taken;  /* scratch, one a band: candidates taken */
};

/* A stored record, pointing into LMDB's pages (valid until the next write). */
typedef struct {
	int32_t date;
	uint32_t n_shingles;
	const unsigned char *sig;
	const char *id, *source;
	size_t id_len, source_len;
} record;

/* ---- byte order ---- */

static void put_be32(unsigned char *p, uint32_t v)
{
	for (int i = 3; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t get_be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Dates sort as signed numbers; undated (WU_NO_DATE) last. */
static void date_key(int32_t date, unsigned char *k)
{
	put_be32(k, (uint32_t)date ^ 0x80000000u);
}

static int32_t key_date(const MDB_val *k)
{
	if (k->mv_size != 4)
		return WU_NO_DATE;
	return (int32_t)((uint32_t)get_be(k->mv_data, 4) ^ 0x80000000u);
}

/* ---- errors ---- */

/* Both return -1 here, where the analyzer can see it. */
static int mdb_fail(char *err, size_t errlen, const char *what, int rc)
{
	wu_fail(err, errlen, "%s: %s", what, mdb_strerror(rc));
	return -1;
}

static int damaged(char *err, size_t errlen, uint64_t art, const char *why)
{
	wu_fail(err, errlen, "damaged index: article %llu %s", (unsigned long long)art, why);
	return -1;
}

/* ---- records ---- */

static int encode(wu_index *ix, const wu_index_article *a)
{
	size_t k = (size_t)ix->opt.num_perm;
	size_t slen = a->source ? (a->source_len > MAX_LEN ? MAX_LEN : a->source_len) : 0;
	size_t n = REC_HEAD + 4 * k + a->id_len + slen;
	if (wu_str_reserve(&ix->rec, n))
		return -1;
	unsigned char *p = (unsigned char *)ix->rec.s;
	put_le(p + 4, (uint32_t)a->date, 4);
	put_le(p + 8, a->n_shingles, 4);
	put_le(p + 12, a->id_len, 2);
	put_le(p + 14, slen, 2);
	for (size_t i = 0; i < k; i++)
		put_le(p + REC_HEAD + 4 * i, a->sig[i], 4);
	memcpy(p + REC_HEAD + 4 * k, a->id, a->id_len);
	if (slen)
		memcpy(p + REC_HEAD + 4 * k + a->id_len, a->source, slen);
	put_le(p, XXH32(p + 4, n - 4, 0), 4);
	ix->rec.n = n;
	return 0;
}

static int decode(const wu_index *ix, const MDB_val *v, record *r)
{
	const unsigned char *p = v->mv_data;
	size_t k = (size_t)ix->opt.num_perm;
	if (v->mv_size < REC_HEAD + 4 * k)
		return -1;
	r->date = (int32_t)(uint32_t)get_le(p + 4, 4);
	r->n_shingles = (uint32_t)get_le(p + 8, 4);
	r->id_len = (size_t)get_le(p + 12, 2);
	r->source_len = (size_t)get_le(p + 14, 2);
	if (v->mv_size != REC_HEAD + 4 * k + r->id_len + r->source_len ||
	    get_le(p, 4) != XXH32(p + 4, v->mv_size - 4, 0))
		return -1;
	r->sig = p + REC_HEAD;
	r->id = (const char *)p + REC_HEAD + 4 * k;
	r->source = r->id + r->id_len;
	return 0;
}

/* The record's signature, decoded into ix->sig. */
static const uint32_t *record_sig(wu_index *ix, const record *r)
{
	size_t k = (size_t)ix->opt.num_perm;
	if (wu_u32s_reserve(&ix->sig, k))
		return NULL;
	for (size_t i = 0; i < k; i++)
		ix->sig.a[i] = (uint32_t)get_le(r->sig + 4 * i, 4);
	return ix->sig.a;
}

/* Reads article art; 0, 1 when it is gone and *missing is not NULL (a
 * segment's entries outlive its expired articles), or -1. */
static int fetch(wu_index *ix, MDB_txn *t, uint64_t art, record *r, int missing_ok, char *err,
                 size_t errlen)
{
	unsigned char kb[8];
	put_be64(kb, art);
	MDB_val k = {8, kb}, v;
	memset(r, 0, sizeof *r);
	int rc = mdb_get(t, ix->articles, &k, &v);
	if (rc == MDB_NOTFOUND && missing_ok)
		return 1;
	if (rc == MDB_NOTFOUND)
		return damaged(err, errlen, art, "is missing");
	if (rc)
		return mdb_fail(err, errlen, "reading an article", rc);
	if (decode(ix, &v, r))
		return damaged(err, errlen, art, "fails its checksum");
	return 0;
}

static int get_record(wu_index *ix, MDB_txn *t, uint64_t art, record *r, char *err,
                      size_t errlen)
{
	return fetch(ix, t, art, r, 0, err, errlen);
}

/* ---- parameters ---- */

static const char *const shingle_names[] = {"word", "char", NULL};
static const char *const measure_names[] = {"containment", "jaccard", NULL};

enum { P_NORM, P_SHINGLE, P_NGRAM, P_PERM, P_SEED, P_MEASURE, P_THR, P_RATIO, P_BANDS, P_ROWS,
       P_BUCKET, P_GEN, P_N };
static const char *const param_names[P_N] = {"normalize", "shingle", "ngram", "num_perm", "seed",
	"measure", "threshold", "min_length_ratio", "bands", "rows", "bucket_bits", "gen_bits"};

/* The segment size unit (see "segments"): as large as keeps a merge's
 * sort under 8M entries. */
static int choose_gen_bits(int bands)
{
	int g = 16;
	while (g > 8 && ((size_t)bands << g) > ((size_t)1 << 21))
		g--;
	return g;
}

static int params_text(const wu_opt *o, int gen_bits, wu_str *out)
{
	char buf[640];
	int n = snprintf(buf, sizeof buf,
	                 "wiredup-index=%d\nnormalize=%d\nshingle=%s\nngram=%d\nnum_perm=%d\n"
	                 "seed=%llu\nmeasure=%s\nthreshold=%.17g\nmin_length_ratio=%.17g\n"
	                 "bands=%d\nrows=%d\nbucket_bits=%d\ngen_bits=%d\n",
	                 WU_INDEX_FORMAT, WU_NORMALIZE_VERSION, shingle_names[o->shingle_kind],
	                 o->ngram, o->num_perm, (unsigned long long)o->seed,
	                 measure_names[o->measure], o->threshold, o->min_length_ratio, o->bands,
	                 o->rows, BAND_BUCKET_BITS, gen_bits ? gen_bits : choose_gen_bits(o->bands));
	out->n = 0;
	return n > 0 && (size_t)n < sizeof buf ? wu_str_append(out, buf, (size_t)n) : -1;
}

static int lookup(const char *s, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* Sets parameter p from its text; 0 or -1. */
static int set_param(wu_index *ix, int p, const char *v)
{
	wu_opt *o = &ix->opt;
	char *end;
	errno = 0;
	long long i = strtoll(v, &end, 10);
	int bad_int = errno || end == v || *end || i < 0 || i > INT32_MAX;
	double d = strtod(v, &end);
	int bad_dbl = end == v || *end;
	/* A bad value changes nothing: a line repeated with a bad value must
	 * not leave one (a name out of range) behind the valid line's bit. */
	int name = p == P_SHINGLE ? lookup(v, shingle_names)
	           : p == P_MEASURE ? lookup(v, measure_names) : 0;
	unsigned long long u;
	switch (p) {
	case P_SHINGLE: return name < 0 ? -1 : (o->shingle_kind = name, 0);
	case P_MEASURE: return name < 0 ? -1 : (o->measure = name, 0);
	case P_THR: return bad_dbl ? -1 : (o->threshold = d, 0);
	case P_RATIO: return bad_dbl ? -1 : (o->min_length_ratio = d, 0);
	case P_SEED:
		errno = 0;
		u = strtoull(v, &end, 10);
		return errno || end == v || *end ? -1 : (o->seed = u, 0);
	}
	if (bad_int)
		return -1;
	switch (p) {
	case P_NORM: ix->normalize_version = (int)i; break;
	case P_NGRAM: o->ngram = (int)i; break;
	case P_PERM: o->num_perm = (int)i; break;
	case P_BANDS: o->bands = (int)i; break;
	case P_ROWS: o->rows = (int)i; break;
	case P_BUCKET: ix->bucket_bits = (int)i; break;
	case P_GEN: ix->gen_bits = (int)i; break;
	}
	return 0;
}

/* Parses the "params" record: magic, format version, then every parameter. */
static int parse_params(wu_index *ix, const MDB_val *v, char *err, size_t errlen)
{
	static const char magic[] = "wiredup-index=";
	char buf[1024];
	if (v->mv_size >= sizeof buf || v->mv_size < sizeof magic ||
	    memcmp(v->mv_data, magic, sizeof magic - 1) != 0)
		return wu_fail(err, errlen, "not a wiredup index (no magic in its parameters)");
	memcpy(buf, v->mv_data, v->mv_size);
	buf[v->mv_size] = '\0';
	char *save = NULL, *line = strtok_r(buf, "\n", &save);
	ix->format = atoi(line + sizeof magic - 1);
	if (ix->format != WU_INDEX_FORMAT)
		return wu_fail(err, errlen, "index format version %d; this wiredup reads version %d",
		               ix->format, WU_INDEX_FORMAT);
	wu_opt_init(&ix->opt);
	unsigned seen = 0;
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *eq = strchr(line, '=');
		int p = -1;
		for (int i = 0; eq && i < P_N; i++)
			if ((size_t)(eq - line) == strlen(param_names[i]) &&
			    !memcmp(line, param_names[i], (size_t)(eq - line)))
				p = i;
		if (p >= 0 && set_param(ix, p, eq + 1) == 0)
			seen |= 1u << p;
	}
	char why[160];
	if (seen != (1u << P_N) - 1 || ix->bucket_bits < 1 || ix->bucket_bits > BAND_SHIFT ||
	    ix->gen_bits < 6 || ix->gen_bits > 16 || wu_opt_finish(&ix->opt, why, sizeof why) ||
	    ix->opt.bands > MAX_BANDS)
		return wu_fail(err, errlen, "damaged index: bad parameters");
	size_t nb = (size_t)ix->opt.bands;
	ix->skey = malloc(nb * sizeof *ix->skey);
	ix->taken = malloc(nb * sizeof *ix->taken);
	return ix->skey && ix->taken ? 0 : wu_fail(err, errlen, "out of memory");
}

/* ---- the parsers on their own, for the fuzz harness (internal.h) ---- */

int wu__index_parse_params(const void *text, size_t n, wu_opt *opt, int *gen_bits, char *err,
                           size_t errlen)
{
	wu_index ix;
	memset(&ix, 0, sizeof ix);
	MDB_val v = {n, (void *)text};
	int rc = parse_params(&ix, &v, err, errlen);
	if (rc == 0)
		*opt = ix.opt, *gen_bits = ix.gen_bits;
	free(ix.skey), free(ix.span), free(ix.taken);
	return rc;
}

int wu__index_params_text(const wu_opt *opt, int gen_bits, wu_str *out)
{
	return params_text(opt, gen_bits, out);
}

int wu__index_decode_record(const void *rec, size_t n, int num_perm, wu__index_record *out)
{
	wu_index ix;
	memset(&ix, 0, sizeof ix);
	ix.opt.num_perm = num_perm;
	MDB_val v = {n, (void *)rec};
	record r;
	if (decode(&ix, &v, &r))
		return -1;
	*out = (wu__index_record){r.date, r.n_shingles, r.sig, r.id, r.source, r.id_len,
	                          r.source_len};
	return 0;
}

void wu_index_opt_init(wu_index_opt *io)
{
	memset(io, 0, sizeof *io);
}

const wu_opt *wu_index_params(const wu_index *ix)
{
	return &ix->opt;
}

int wu_index_check(const wu_index *ix, const wu_opt *o, unsigned which, char *err, size_t errlen)
{
	const wu_opt *x = &ix->opt;
	const char *conf = "%s %s conflicts with the index's %s";
	char a[64], b[64];
	const char *name = NULL;
#define CMP(bit, field, label, fmt, cast)                            \
	if (!name && (which & (bit)) && o->field != x->field) {          \
		name = label;                                                \
		snprintf(a, sizeof a, fmt, (cast)o->field);                  \
		snprintf(b, sizeof b, fmt, (cast)x->field);                  \
	}
	CMP(WU_PARAM_NGRAM, ngram, "ngram", "%d", int)
	CMP(WU_PARAM_NUM_PERM, num_perm, "num-perm", "%d", int)
	CMP(WU_PARAM_SEED, seed, "seed", "%llu", unsigned long long)
	CMP(WU_PARAM_THRESHOLD, threshold, "threshold", "%g", double)
	CMP(WU_PARAM_RATIO, min_length_ratio, "min-length-ratio", "%g", double)
	CMP(WU_PARAM_BANDS, bands, "bands", "%d", int)
	CMP(WU_PARAM_ROWS, rows, "rows", "%d", int)
#undef CMP
	if (!name && (which & WU_PARAM_SHINGLE) && o->shingle_kind != x->shingle_kind) {
		name = "shingle";
		snprintf(a, sizeof a, "%s", shingle_names[o->shingle_kind ? 1 : 0]);
		snprintf(b, sizeof b, "%s", shingle_names[x->shingle_kind]);
	}
	if (!name && (which & WU_PARAM_MEASURE) && o->measure != x->measure) {
		name = "measure";
		snprintf(a, sizeof a, "%s", measure_names[o->measure ? 1 : 0]);
		snprintf(b, sizeof b, "%s", measure_names[x->measure]);
	}
	return name ? wu_fail(err, errlen, conf, name, a, b) : 0;
}

/* ---- opening and creating ---- */

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* LMDB trusts its two header (meta) pages: a damaged page size or page
 * count there is a division by zero or a wild read inside mdb_env_open.
 * So the fields LMDB computes with are checked first, as LMDB 0.9 lays
 * them out: page header of 16 bytes, then magic, version, address, map
 * size, two database records of 48 bytes (the first's first word is the
 * page size), last page, transaction id. Damage inside the other pages is
 * not detectable this way (LMDB keeps no checksums); article records carry
 * their own. */
#define META_AT 16
#define LMDB_MAGIC 0xBEEFC0DEu
#define LMDB_P_META 0x08
#define LMDB_NO_PAGE UINT64_MAX

static uint64_t le64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint32_t le32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* The page count is not held against the file's size here: check_size()
 * says what a short file means, and a writer mends it. */
static int check_meta(const unsigned char *pg, uint32_t psize)
{
	const unsigned char *m = pg + META_AT;
	uint16_t flags;
	memcpy(&flags, pg + 10, 2);
	uint64_t map_size = le64(m + 16), last = le64(m + 120);
	if (le32(m) != LMDB_MAGIC || le32(m + 4) != 1 || !(flags & LMDB_P_META) ||
	    le32(m + 24) != psize || map_size / psize <= last)
		return -1;
	for (int db = 0; db < 2; db++) {
		uint64_t root = le64(m + 24 + (size_t)48 * (size_t)db + 40);
		if (root != LMDB_NO_PAGE && (root < 2 || root > last))
			return -1;
	}
	return 0;
}

static int check_header_pages(const char *data, uint64_t size, char *err, size_t errlen)
{
	unsigned char buf[2][256];
	FILE *f = fopen(data, "rb");
	if (!f)
		return wu_fail(err, errlen, "cannot read data.mdb: %s", strerror(errno));
	size_t got = fread(buf[0], 1, sizeof buf[0], f);
	uint32_t psize = got == sizeof buf[0] ? le32(buf[0] + META_AT + 24) : 0;
	int ok = psize >= 512 && psize <= 65536 && !(psize & (psize - 1));
	if (got < sizeof buf[0] || (ok && size < 2ull * psize)) {
		fclose(f);
		return wu_fail(err, errlen, "index file truncated: data.mdb has %llu bytes",
		               (unsigned long long)size);
	}
	ok = ok && fseek(f, (long)psize, SEEK_SET) == 0 && fread(buf[1], 1, sizeof buf[1], f) == sizeof buf[1];
	fclose(f);
	for (int i = 0; ok && i < 2; i++)
		ok = check_meta(buf[i], psize) == 0;
	return ok ? 0 : wu_fail(err, errlen, "damaged index: the header pages of data.mdb are invalid");
}

/* Refuses what cannot be an index before LMDB sees it: LMDB would start a
 * new environment in an empty file. */
static int check_files(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st))
		return wu_fail(err, errlen, "no index here: %s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return wu_fail(err, errlen, "not an index (an index is a directory)");
	char *data = join(path, "data.mdb");
	int rc = data ? stat(data, &st) : -1;
	free(data);
	if (rc)
		return wu_fail(err, errlen, "not a wiredup index (no data.mdb)");
	if (st.st_size == 0)
		return wu_fail(err, errlen, "index file truncated: data.mdb is empty");
	data = join(path, "data.mdb");
	rc = data ? check_header_pages(data, (uint64_t)st.st_size, err, errlen) : -1;
	free(data);
	return rc;
}

/* One writer at a time: LMDB would queue a second writer on its own mutex,
 * silently; a lock file lets us say so, or wait when asked. */
static int take_lock(wu_index *ix, int wait, char *err, size_t errlen)
{
	char *name = join(ix->path, "writer.lock");
	ix->lock_fd = name ? open(name, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
	free(name);
	if (ix->lock_fd < 0)
		return wu_fail(err, errlen, "cannot open the writer lock: %s", strerror(errno));
	if (flock(ix->lock_fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return wu_fail(err, errlen, "cannot lock the index: %s", strerror(errno));
	if (!wait)
		return wu_fail(err, errlen, "index is being written by another process");
	if (flock(ix->lock_fd, LOCK_EX))
		return wu_fail(err, errlen, "waiting for the writer lock: %s", strerror(errno));
	return 0;
}

/* LMDB does not write a page freed in the transaction that allocated it,
 * so a commit can leave the file short of its last page (the missing pages
 * are free). A writer extends the file over them (a hole), after every
 * commit and when it opens the index, so that a short file means a
 * truncated one (see check_size). 0 or an errno. */
static int cover_last_page(wu_index *ix)
{
	MDB_envinfo info;
	MDB_stat ms;
	struct stat st;
	int fd;
	if (mdb_env_info(ix->env, &info) || mdb_env_stat(ix->env, &ms) || mdb_env_get_fd(ix->env, &fd))
		return EINVAL;
	off_t need = ((off_t)info.me_last_pgno + 1) * (off_t)ms.ms_psize;
	if (fstat(fd, &st))
		return errno;
	return st.st_size < need && ftruncate(fd, need) ? errno : 0;
}

/* The data file must hold every page the last commit uses; reading past
 * its end would be SIGBUS, not an error. */
static int check_size(wu_index *ix, char *err, size_t errlen)
{
	MDB_envinfo info;
	MDB_stat ms;
	struct stat st;
	char *data = join(ix->path, "data.mdb");
	int rc = data ? stat(data, &st) : -1;
	free(data);
	if (rc || mdb_env_info(ix->env, &info) || mdb_env_stat(ix->env, &ms))
		return wu_fail(err, errlen, "cannot read the index's size");
	uint64_t need = ((uint64_t)info.me_last_pgno + 1) * ms.ms_psize;
	if ((uint64_t)st.st_size < need)
		return wu_fail(err, errlen,
		               "index file truncated: data.mdb has %lld bytes, needs %llu (if a writer "
		               "was killed right after a commit, opening it for writing mends this)",
		               (long long)st.st_size, (unsigned long long)need);
	return 0;
}

static int open_env(wu_index *ix, const char *path, const wu_index_opt *io, uint64_t map_size,
                    char *err, size_t errlen)
{
	unsigned flags = MDB_NOTLS | (ix->writable ? 0 : MDB_RDONLY) | (io->no_sync ? MDB_NOSYNC : 0);
	int rc = mdb_env_create(&ix->env);
	if (!rc)
		rc = mdb_env_set_maxdbs(ix->env, 8);
	if (!rc && map_size)
		rc = mdb_env_set_mapsize(ix->env, (size_t)map_size);
	if (!rc)
		rc = mdb_env_open(ix->env, path, flags, 0644);
	if (rc)
		return mdb_fail(err, errlen, "cannot open the index", rc);
	int dead;
	mdb_reader_check(ix->env, &dead); /* slots of killed readers */
	return 0;
}

static int open_dbi(MDB_txn *t, const char *name, unsigned flags, MDB_dbi *dbi, char *err,
                    size_t errlen)
{
	int rc = mdb_dbi_open(t, name, flags, dbi);
	if (rc == MDB_NOTFOUND)
		return wu_fail(err, errlen, "%s", !strcmp(name, "meta")
		               ? "not a wiredup index (no parameters)"
		               : "damaged index: a database is missing");
	return rc ? mdb_fail(err, errlen, "damaged index", rc) : 0;
}

static int open_dbis(wu_index *ix, MDB_txn *t, unsigned create, char *err, size_t errlen)
{
	unsigned dup = MDB_DUPSORT | MDB_DUPFIXED | create;
	if (open_dbi(t, "meta", create, &ix->meta, err, errlen) ||
	    open_dbi(t, "articles", create, &ix->articles, err, errlen) ||
	    open_dbi(t, "segments", create, &ix->segments, err, errlen) ||
	    open_dbi(t, "dates", dup, &ix->dates, err, errlen))
		return -1;
	return 0;
}

static int load(wu_index *ix, char *err, size_t errlen)
{
	MDB_txn *t;
	int rc = mdb_txn_begin(ix->env, NULL, MDB_RDONLY, &t);
	if (rc)
		return mdb_fail(err, errlen, "reading the index", rc);
	MDB_val k = {6, "params"}, v;
	rc = open_dbi(t, "meta", 0, &ix->meta, err, errlen);
	if (!rc && (rc = mdb_get(t, ix->meta, &k, &v)))
		rc = rc == MDB_NOTFOUND ? wu_fail(err, errlen, "not a wiredup index (no parameters)")
		                        : mdb_fail(err, errlen, "damaged index", rc);
	if (!rc && (parse_params(ix, &v, err, errlen) || open_dbis(ix, t, 0, err, errlen)))
		rc = -1;
	if (rc) {
		mdb_txn_abort(t);
		return -1;
	}
	/* Committing a read transaction keeps the database handles it opened. */
	rc = mdb_txn_commit(t);
	return rc ? mdb_fail(err, errlen, "reading the index", rc) : 0;
}

wu_index *wu_index_open(const char *path, const wu_index_opt *io, char *err, size_t errlen)
{
	wu_index_opt def;
	if (!io) {
		wu_index_opt_init(&def);
		io = &def;
	}
	wu_index *ix = calloc(1, sizeof *ix);
	if (!ix || !(ix->path = strdup(path))) {
		free(ix);
		wu_fail(err, errlen, "out of memory");
		return NULL;
	}
	ix->lock_fd = -1;
	ix->writable = io->writable;
	int rc = check_files(path, err, errlen) ||
	         (ix->writable && take_lock(ix, io->wait, err, errlen)) ||
	         open_env(ix, path, io, io->map_size, err, errlen);
	if (!rc && ix->writable && (rc = cover_last_page(ix)))
		wu_fail(err, errlen, "cannot extend data.mdb: %s", strerror(rc));
	if (rc || check_size(ix, err, errlen) || load(ix, err, errlen)) {
		wu_index_close(ix);
		return NULL;
	}
	return ix;
}

void wu_index_close(wu_index *ix)
{
	if (!ix)
		return;
	if (ix->wtxn)
		mdb_txn_abort(ix->wtxn);
	if (ix->rtxn)
		mdb_txn_abort(ix->rtxn);
	if (ix->env)
		mdb_env_close(ix->env);
	if (ix->lock_fd >= 0)
		close(ix->lock_fd); /* releases the writer lock */
	free(ix->sig.a);
	wu_u64s_free(&ix->cand);
	wu_str_free(&ix->rec);
	free(ix->skey), free(ix->span), free(ix->taken), free(ix->segs);
	free(ix->pend.e), free(ix->pend.head), free(ix->pend.tail);
	free(ix->path);
	free(ix);
}

static int get_u64(MDB_txn *t, MDB_dbi dbi, const char *key, uint64_t *v)
{
	MDB_val k = {strlen(key), (void *)key}, d;
	int rc = mdb_get(t, dbi, &k, &d);
	if (rc == 0 && d.mv_size != 8)
		rc = MDB_CORRUPTED;
	*v = rc ? 0 : get_le(d.mv_data, 8);
	return rc;
}

static int put_u64(MDB_txn *t, MDB_dbi dbi, const char *key, uint64_t v)
{
	unsigned char b[8];
	put_le(b, v, 8);
	MDB_val k = {strlen(key), (void *)key}, d = {8, b};
	return mdb_put(t, dbi, &k, &d, 0);
}

/* Writes a new environment's databases and parameters in one commit. */
static int init_env(const char *dir, const wu_opt *o, const wu_index_opt *io, char *err,
                    size_t errlen)
{
	wu_index tmp = {0};
	wu_str text = {0};
	MDB_txn *t = NULL;
	tmp.path = (char *)dir;
	tmp.writable = 1;
	int rc = open_env(&tmp, dir, io, io->map_size ? io->map_size : DEFAULT_MAP_SIZE, err, errlen);
	if (!rc && (rc = mdb_txn_begin(tmp.env, NULL, 0, &t)))
		rc = mdb_fail(err, errlen, "creating the index", rc);
	if (!rc)
		rc = open_dbis(&tmp, t, MDB_CREATE, err, errlen);
	if (!rc && params_text(o, io->gen_bits, &text))
		rc = wu_fail(err, errlen, "out of memory");
	if (!rc) {
		MDB_val k = {6, "params"}, v = {text.n, text.s};
		int r = mdb_put(t, tmp.meta, &k, &v, 0);
		if (!r)
			r = put_u64(t, tmp.meta, "next", 1);
		if (!r)
			r = put_u64(t, tmp.meta, "sealed", 1);
		if (!r)
			r = mdb_txn_commit(t);
		else
			mdb_txn_abort(t);
		t = NULL;
		rc = r ? mdb_fail(err, errlen, "creating the index", r) : 0;
	}
	if (t)
		mdb_txn_abort(t);
	if (tmp.env)
		mdb_env_close(tmp.env);
	wu_str_free(&text);
	char *lock = join(dir, "writer.lock");
	int fd = lock ? open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
	if (fd >= 0)
		close(fd);
	else if (!rc)
		rc = wu_fail(err, errlen, "cannot create the writer lock: %s", strerror(errno));
	free(lock);
	return rc;
}

static void remove_dir(const char *dir)
{
	static const char *const files[] = {"data.mdb", "lock.mdb", "writer.lock", NULL};
	for (int i = 0; files[i]; i++) {
		char *p = join(dir, files[i]);
		if (p)
			unlink(p);
		free(p);
	}
	rmdir(dir);
}

/* Makes a rename durable: fsync the directory holding it. */
static void sync_parent(const char *path)
{
	char *dir = strdup(path);
	if (!dir)
		return;
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

wu_index *wu_index_create(const char *path, const wu_opt *opt, const wu_index_opt *io,
                          char *err, size_t errlen)
{
	wu_index_opt def, reopen;
	wu_opt o = *opt;
	struct stat st;
	char why[160];
	if (!io) {
		wu_index_opt_init(&def);
		io = &def;
	}
	if (wu_opt_finish(&o, why, sizeof why)) {
		wu_fail(err, errlen, "%s", why);
		return NULL;
	}
	if (o.bands > MAX_BANDS) {
		wu_fail(err, errlen, "an index takes at most %d bands, not %d", MAX_BANDS, o.bands);
		return NULL;
	}
	if (io->gen_bits && (io->gen_bits < 6 || io->gen_bits > 16)) {
		wu_fail(err, errlen, "gen_bits must be 6..16, not %d", io->gen_bits);
		return NULL;
	}
	if (stat(path, &st) == 0) {
		wu_fail(err, errlen, "already exists");
		return NULL;
	}
	if (errno != ENOENT) {
		wu_fail(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	/* Built under a temporary name and renamed: a killed create leaves no
	 * half-made index under the real name. */
	size_t n = strlen(path) + 32;
	char *tmp = malloc(n);
	if (!tmp) {
		wu_fail(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
	int rc = mkdir(tmp, 0755) ? wu_fail(err, errlen, "cannot create: %s", strerror(errno))
	                          : init_env(tmp, &o, io, err, errlen);
	if (!rc && rename(tmp, path))
		rc = wu_fail(err, errlen, "cannot create: %s", strerror(errno));
	if (rc)
		remove_dir(tmp);
	free(tmp);
	if (rc)
		return NULL;
	sync_parent(path);
	reopen = *io;
	reopen.map_size = 0;
	return wu_index_open(path, &reopen, err, errlen);
}

/* ---- transactions ---- */

static void pend_clear(pending *p);

/* The newest date in the index, WU_NO_DATE when nothing is dated. */
static int newest_date(const wu_index *ix, MDB_txn *t, int32_t *newest)
{
	MDB_cursor *c;
	MDB_val k, v;
	*newest = WU_NO_DATE;
	int rc = mdb_cursor_open(t, ix->dates, &c);
	if (rc)
		return rc;
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	if (rc == 0 && key_date(&k) == WU_NO_DATE)
		rc = mdb_cursor_get(c, &k, &v, MDB_PREV_NODUP);
	if (rc == 0)
		*newest = key_date(&k);
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int usable(const wu_index *ix, char *err, size_t errlen)
{
	if (ix->normalize_version != WU_NORMALIZE_VERSION)
		return wu_fail(err, errlen,
		               "index built with text normalization version %d; this wiredup has "
		               "version %d: rebuild it",
		               ix->normalize_version, WU_NORMALIZE_VERSION);
	return 0;
}

static int begin_write(wu_index *ix, char *err, size_t errlen)
{
	if (ix->wtxn)
		return 0;
	if (!ix->writable)
		return wu_fail(err, errlen, "the index is open read-only");
	if (usable(ix, err, errlen))
		return -1;
	int rc = mdb_txn_begin(ix->env, NULL, 0, &ix->wtxn);
	if (rc) {
		ix->wtxn = NULL;
		return mdb_fail(err, errlen, "starting a batch", rc);
	}
	rc = get_u64(ix->wtxn, ix->meta, "next", &ix->next);
	if (!rc)
		rc = get_u64(ix->wtxn, ix->meta, "sealed", &ix->sealed);
	if (!rc)
		rc = newest_date(ix, ix->wtxn, &ix->newest);
	ix->pending = 0;
	if (rc) {
		wu_index_abort(ix);
		return mdb_fail(err, errlen, "starting a batch", rc);
	}
	return 0;
}

void wu_index_abort(wu_index *ix)
{
	if (ix->wtxn)
		mdb_txn_abort(ix->wtxn);
	ix->wtxn = NULL;
	pend_clear(&ix->pend);
	ix->pending = 0;
}

size_t wu_index_pending(const wu_index *ix)
{
	return ix->wtxn ? ix->pending : 0;
}

static int expire_in(wu_index *ix, int32_t before, size_t max, size_t *n_removed, char *err,
                     size_t errlen);
static int seal_complete(wu_index *ix, char *err, size_t errlen);

int wu_index_commit(wu_index *ix, char *err, size_t errlen)
{
	if (!ix->wtxn)
		return 0;
	if ((ix->window > 0 && ix->newest != WU_NO_DATE &&
	     expire_in(ix, ix->newest - ix->window, 0, NULL, err, errlen)) ||
	    seal_complete(ix, err, errlen)) {
		wu_index_abort(ix);
		return -1;
	}
	int rc = put_u64(ix->wtxn, ix->meta, "next", ix->next);
	if (!rc)
		rc = put_u64(ix->wtxn, ix->meta, "sealed", ix->sealed);
	if (!rc)
		rc = mdb_txn_commit(ix->wtxn); /* frees the transaction, even on failure */
	else
		mdb_txn_abort(ix->wtxn);
	ix->wtxn = NULL;
	ix->pending = 0;
	if (!rc)
		rc = cover_last_page(ix);
	return rc ? mdb_fail(err, errlen, "committing", rc) : 0;
}

/* A transaction to read in: the batch when one is open (it sees its own
 * additions), else the reusable read transaction. */
static int read_begin(wu_index *ix, MDB_txn **t, char *err, size_t errlen)
{
	if (ix->wtxn) {
		*t = ix->wtxn;
		return 0;
	}
	int rc = ix->rtxn ? mdb_txn_renew(ix->rtxn) : mdb_txn_begin(ix->env, NULL, MDB_RDONLY, &ix->rtxn);
	if (rc == MDB_MAP_RESIZED) { /* another process grew the map */
		if (ix->rtxn)
			mdb_txn_abort(ix->rtxn);
		ix->rtxn = NULL;
		rc = mdb_env_set_mapsize(ix->env, 0);
		if (!rc)
			rc = mdb_txn_begin(ix->env, NULL, MDB_RDONLY, &ix->rtxn);
	}
	if (rc) {
		if (ix->rtxn)
			mdb_txn_abort(ix->rtxn);
		ix->rtxn = NULL;
		return mdb_fail(err, errlen, "reading the index", rc);
	}
	*t = ix->rtxn;
	return 0;
}

/* Ends a read: a reset transaction holds no snapshot, so it keeps no old
 * pages from being reused. */
static void read_end(wu_index *ix)
{
	if (!ix->wtxn && ix->rtxn)
		mdb_txn_reset(ix->rtxn);
}

static uint64_t seg_key(int band, uint64_t h);
static int segment_lookup(wu_index *ix, MDB_txn *t, uint64_t key);
static int pend_scan(wu_index *ix, uint64_t key, size_t max, size_t *taken);

/* An id's sort key: ids are kept as one more band (see "segments"). */
static uint64_t id_key(const wu_index *ix, const char *id, size_t len)
{
	return seg_key(ix->opt.bands, XXH3_64bits(id, len));
}

/* The stored article with this id: 1 (in *art), 0 when none, -1 on error. */
static int find_id(wu_index *ix, MDB_txn *t, const char *id, size_t len, uint64_t *art,
                   char *err, size_t errlen)
{
	uint64_t key = id_key(ix, id, len);
	size_t taken = 0;
	ix->cand.n = 0;
	int rc = segment_lookup(ix, t, key);
	if (!rc && t == ix->wtxn)
		rc = pend_scan(ix, key, SIZE_MAX, &taken);
	if (rc)
		return mdb_fail(err, errlen, "looking up an id", rc);
	for (size_t i = 0; i < ix->cand.n; i++) {
		record r;
		int gone = fetch(ix, t, ix->cand.a[i], &r, 1, err, errlen);
		if (gone < 0)
			return -1;
		if (!gone && r.id_len == len && !memcmp(r.id, id, len)) {
			*art = ix->cand.a[i];
			return 1;
		}
	}
	return 0;
}

/* ---- the open batch ----
 *
 * Queries in a batch must see the articles added before them in it (the
 * earlier of two copies wins, an id is added once). Their band and id
 * entries are kept in memory, a hash table of chains in article order,
 * not in LMDB B-trees: 42 random inserts an article there cost more than
 * all the rest of an add. The commit builds the batch's segment from its
 * records, so nothing here needs to survive the process, and a dropped
 * batch just clears it. */
#define PEND_GONE UINT32_MAX
#define PEND_MIN_BITS 12

static size_t pend_chain(const pending *p, uint64_t key)
{
	return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - p->bits));
}

static void pend_link(pending *p, size_t i)
{
	size_t c = pend_chain(p, p->e[i].key);
	p->e[i].next = 0;
	if (p->tail[c])
		p->e[p->tail[c] - 1].next = (uint32_t)i + 1;
	else
		p->head[c] = (uint32_t)i + 1;
	p->tail[c] = (uint32_t)i + 1;
}

/* Room for one more entry, with chains at most half full on average. */
static int pend_room(pending *p)
{
	if (p->n + 1 >= UINT32_MAX)
		return ENOMEM; /* a batch of 100 million articles */
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : (size_t)1 << PEND_MIN_BITS;
		pend_entry *e = realloc(p->e, cap * sizeof *e);
		if (!e)
			return ENOMEM;
		p->e = e, p->cap = cap;
	}
	if (p->bits && p->n < ((size_t)1 << p->bits) / 2)
		return 0;
	unsigned bits = p->bits ? p->bits + 1 : PEND_MIN_BITS;
	uint32_t *h = calloc((size_t)1 << bits, sizeof *h), *t = calloc((size_t)1 << bits, sizeof *t);
	if (!h || !t) {
		free(h), free(t);
		return ENOMEM;
	}
	free(p->head), free(p->tail);
	p->head = h, p->tail = t, p->bits = bits;
	for (size_t i = 0; i < p->n; i++) /* in order: chains stay in article order */
		pend_link(p, i);
	return 0;
}

static int pend_add(pending *p, uint64_t key, uint64_t off)
{
	if (off >= PEND_GONE || pend_room(p))
		return ENOMEM;
	p->e[p->n] = (pend_entry){key, (uint32_t)off, 0};
	pend_link(p, p->n++);
	return 0;
}

/* An expired article of the batch: its entries no longer count. */
static void pend_drop(pending *p, uint64_t key, uint64_t off)
{
	for (uint32_t i = p->n ? p->head[pend_chain(p, key)] : 0; i; i = p->e[i - 1].next)
		if (p->e[i - 1].key == key && p->e[i - 1].off == off)
			p->e[i - 1].off = PEND_GONE;
}

static void pend_clear(pending *p)
{
	if (p->n) {
		memset(p->head, 0, sizeof *p->head << p->bits);
		memset(p->tail, 0, sizeof *p->tail << p->bits);
	}
	p->n = 0;
}

/* Appends the batch's articles with sort key key, oldest first, while
 * *taken < max. 0 or ENOMEM. */
static int pend_scan(wu_index *ix, uint64_t key, size_t max, size_t *taken)
{
	const pending *p = &ix->pend;
	for (uint32_t i = p->n ? p->head[pend_chain(p, key)] : 0; i && *taken < max;
	     i = p->e[i - 1].next) {
		const pend_entry *e = &p->e[i - 1];
		if (e->key != key || e->off == PEND_GONE)
			continue;
		if (wu_u64s_reserve(&ix->cand, ix->cand.n + 1))
			return ENOMEM;
		ix->cand.a[ix->cand.n++] = ix->sealed + e->off;
		++*taken;
	}
	return 0;
}

/* ---- adding ---- */

static int put_article(wu_index *ix, const wu_index_article *a, uint64_t art)
{
	unsigned char kb[8], dk[4];
	put_be64(kb, art);
	if (encode(ix, a))
		return ENOMEM;
	MDB_val k = {8, kb}, v = {ix->rec.n, ix->rec.s};
	int rc = mdb_put(ix->wtxn, ix->articles, &k, &v, MDB_APPEND);
	if (!rc)
		rc = pend_add(&ix->pend, id_key(ix, a->id, a->id_len), art - ix->sealed);
	for (int b = 0; !rc && b < ix->opt.bands; b++)
		rc = pend_add(&ix->pend, seg_key(b, wu_band_key(a->sig, b, &ix->opt)), art - ix->sealed);
	date_key(a->date, dk);
	MDB_val dkey = {4, dk}, dval = {8, kb};
	if (!rc)
		rc = mdb_put(ix->wtxn, ix->dates, &dkey, &dval, MDB_APPENDDUP);
	return rc;
}

int wu_index_add(wu_index *ix, const wu_index_article *a, char *err, size_t errlen)
{
	if (a->id_len == 0 || a->id_len > MAX_LEN)
		return wu_fail(err, errlen, "an id of %zu bytes (1 to %d allowed)", a->id_len, MAX_LEN);
	if (begin_write(ix, err, errlen))
		return -1;
	uint64_t art;
	int found = find_id(ix, ix->wtxn, a->id, a->id_len, &art, err, errlen);
	if (found)
		return found > 0 ? 0 : -1;
	if (ix->next == 0 || ix->next > ART_MAX)
		return wu_fail(err, errlen, "damaged index: next article number %llu",
		               (unsigned long long)ix->next);
	int rc = put_article(ix, a, ix->next);
	if (rc) {
		/* A failed put leaves the transaction unusable: drop the batch. */
		wu_index_abort(ix);
		return wu_fail(err, errlen, "adding an article: %s (the uncommitted batch was dropped)",
		               mdb_strerror(rc));
	}
	ix->next++;
	ix->pending++;
	if (a->date != WU_NO_DATE && (ix->newest == WU_NO_DATE || a->date > ix->newest))
		ix->newest = a->date;
	return 1;
}

/* ---- segments ----
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
#define SEG_MAGIC 0x47535557u /* "WUSG" */
#define SEG_HEAD 32
#define MERGE_BITS 2
#define KEY_SHIFT 10   /* a sort key keeps 54 bits of the band key */
#define SLOT_BITS 6    /* a slot: about 2^SLOT_BITS entries */
#define MAX_DIR_BITS 32

static uint64_t seg_key(int band, uint64_t h)
{
	return (uint64_t)band << 54 | h >> KEY_SHIFT;
}

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
			if (wu_u64s_reserve(&ix->cand, ix->cand.n + 1))
				return -1;
			ix->cand.a[ix->cand.n++] = s->base + (e & low);
			ix->taken[b]++;
		}
	}
	return 0;
}

/* Room for n segments in the query's scratch; 0 or ENOMEM. */
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
		return ENOMEM;
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
static int segment_candidates(wu_index *ix, MDB_txn *t)
{
	MDB_cursor *c;
	MDB_val k, v;
	size_t n = 0, nb = (size_t)ix->opt.bands;
	int rc = mdb_cursor_open(t, ix->segments, &c);
	if (rc)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT), n++) {
		if ((rc = seg_room(ix, n + 1)))
			break;
		if (seg_parse(ix, &v, &ix->segs[n])) {
			rc = MDB_CORRUPTED;
			break;
		}
		seg_prefetch(ix, &ix->segs[n]);
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (seg_spans(ix, &ix->segs[i], ix->span + SPAN * nb * i))
			return MDB_CORRUPTED;
	for (size_t i = 0; i < n; i++)
		if (seg_scan(ix, &ix->segs[i], ix->span + SPAN * nb * i))
			return ENOMEM;
	return 0;
}

/* Appends every article of segment s with sort key key. */
static int seg_find(wu_index *ix, const segment *s, uint64_t key)
{
	int shift = 54 - (int)s->dir_bits, up = KEY_SHIFT + (int)s->dir_bits;
	uint64_t want = key << up >> up, low = (UINT64_C(1) << up) - 1;
	const unsigned char *d = s->dir + 4 * (key >> shift);
	uint32_t lo = load32(d), hi = load32(d + 4);
	if (lo > hi || hi > s->count)
		return MDB_CORRUPTED;
	for (uint32_t i = seg_first(s, lo, hi, seg_guess(lo, hi, key << up), want); i < hi; i++) {
		uint64_t e = load64(s->ent + 8 * (size_t)i);
		if (e >> up != want)
			break;
		if (wu_u64s_reserve(&ix->cand, ix->cand.n + 1))
			return ENOMEM;
		ix->cand.a[ix->cand.n++] = s->base + (e & low);
	}
	return 0;
}

/* Appends every article with sort key key of every segment, oldest
 * first. */
static int segment_lookup(wu_index *ix, MDB_txn *t, uint64_t key)
{
	MDB_cursor *c;
	MDB_val k, v;
	segment s;
	int rc = mdb_cursor_open(t, ix->segments, &c);
	if (rc)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
		if ((rc = seg_parse(ix, &v, &s) ? MDB_CORRUPTED : seg_find(ix, &s, key)))
			break;
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Appends to ki the sort keys of the band and id entries of articles
 * from .. to - 1, in article order; idx is the article's offset from
 * from. */
static int batch_keys(wu_index *ix, uint64_t from, uint64_t to, wu_keyidx *ki, size_t *n)
{
	size_t nb = (size_t)ix->opt.bands;
	unsigned char kb[8];
	MDB_cursor *c;
	MDB_val k = {8, kb}, v;
	record r;
	put_be64(kb, from);
	int rc = mdb_cursor_open(ix->wtxn, ix->articles, &c);
	if (rc)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		uint64_t art = k.mv_size == 8 ? get_be(k.mv_data, 8) : 0;
		if (art >= to)
			break;
		const uint32_t *sig = decode(ix, &v, &r) ? NULL : record_sig(ix, &r);
		if (!sig || art < from) {
			rc = MDB_CORRUPTED;
			break;
		}
		for (size_t b = 0; b < nb; b++)
			ki[(*n)++] = (wu_keyidx){seg_key((int)b, wu_band_key(sig, (int)b, &ix->opt)),
			                         (uint32_t)(art - from)};
		ki[(*n)++] = (wu_keyidx){id_key(ix, r.id, r.id_len), (uint32_t)(art - from)};
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Appends to ki segment s's entries as (sort key, offset from article
 * number base), in the segment's order. The slot gives the key's top bits
 * back. Walks the entries, not the directory, so that damage cannot make
 * it write more than count. */
static void seg_decode(const wu_index *ix, const segment *s, uint64_t base, wu_keyidx *ki,
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
		ki[(*n)++] = (wu_keyidx){(uint64_t)slot << shift | e >> up, off + (uint32_t)(e & low)};
	}
}

/* The segment ending right before article number art: 0 with it in *s;
 * MDB_NOTFOUND when none ends there; or an LMDB error. */
static int seg_before(wu_index *ix, uint64_t art, segment *s)
{
	unsigned char kb[8];
	MDB_cursor *c;
	MDB_val k = {8, kb}, v;
	put_be64(kb, art);
	int rc = mdb_cursor_open(ix->wtxn, ix->segments, &c);
	if (rc)
		return rc;
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	rc = rc == 0 ? mdb_cursor_get(c, &k, &v, MDB_PREV)
	             : rc == MDB_NOTFOUND ? mdb_cursor_get(c, &k, &v, MDB_LAST) : rc;
	if (!rc && (k.mv_size != 8 || seg_parse(ix, &v, s) || s->base != get_be(k.mv_data, 8)))
		rc = MDB_CORRUPTED;
	mdb_cursor_close(c);
	return rc ? rc : s->base + s->span == art ? 0 : MDB_NOTFOUND;
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
 * keys. */
static int put_segment(wu_index *ix, uint64_t base, uint64_t span, const wu_keyidx *ki, size_t n)
{
	unsigned d = span_dir_bits(span), shift = 54 - d;
	size_t slots = seg_slots(ix, d);
	unsigned char kb[8];
	put_be64(kb, base);
	MDB_val k = {8, kb}, v = {SEG_HEAD + 4 * (slots + 1) + 8 * n, NULL};
	int rc = mdb_put(ix->wtxn, ix->segments, &k, &v, MDB_RESERVE);
	if (rc)
		return rc;
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

static int del_segment(wu_index *ix, uint64_t base)
{
	unsigned char kb[8];
	put_be64(kb, base);
	MDB_val k = {8, kb};
	return mdb_del(ix->wtxn, ix->segments, &k, NULL);
}

/* The segments the batch from article number from takes in (see above):
 * the first article number of the merged segment in *first and the count
 * of segments in *n_old. */
static int merge_set(wu_index *ix, uint64_t from, uint64_t *first, size_t *n_old, size_t *n_ent)
{
	uint64_t cap = UINT64_C(1) << (ix->gen_bits + MERGE_BITS), span = ix->next - from;
	segment s;
	int rc;
	*first = from, *n_old = 0, *n_ent = (size_t)span * ((size_t)ix->opt.bands + 1);
	while (!(rc = seg_before(ix, *first, &s)) && s.span <= span && s.span + span <= cap) {
		*first = s.base, span += s.span, *n_ent += s.count;
		++*n_old;
	}
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Decodes the n_old segments from article number first to from into ki
 * (room for cap), oldest first, each a sorted run starting at bound[i],
 * and deletes them; bound[n_old] is the end. */
static int take_segments(wu_index *ix, uint64_t first, uint64_t from, size_t n_old, size_t cap,
                         wu_keyidx *ki, size_t *bound)
{
	size_t n = 0, i = 0;
	segment s = {0}; /* read by the increment even after a failed get */
	int rc = 0;
	for (uint64_t at = first; !rc && at < from; at = s.base + s.span, i++) {
		unsigned char kb[8];
		put_be64(kb, at);
		MDB_val k = {8, kb}, v;
		rc = mdb_get(ix->wtxn, ix->segments, &k, &v);
		if (!rc && (seg_parse(ix, &v, &s) || n + s.count > cap || i >= n_old))
			rc = MDB_CORRUPTED;
		bound[i] = n;
		if (!rc)
			seg_decode(ix, &s, first, ki, &n);
		if (!rc)
			rc = del_segment(ix, at);
	}
	bound[n_old] = n;
	return rc ? rc : i == n_old ? 0 : MDB_CORRUPTED;
}

/* Merges the sorted runs ki[bound[i] .. bound[i + 1]), i < runs, into one;
 * on a tie the earlier run (older articles) first. From the newest: runs
 * grow older and larger, so an entry is moved about twice, where sorting
 * the lot would pass over it eight times. tmp has room for all. */
static void merge_runs(wu_keyidx *ki, wu_keyidx *tmp, const size_t *bound, size_t runs)
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
 * segments they take in, become one segment. */
static int seal_batch(wu_index *ix)
{
	uint64_t first, from = ix->sealed;
	size_t n_old, cap, n = 0;
	int rc = merge_set(ix, from, &first, &n_old, &cap);
	if (rc)
		return rc;
	wu_keyidx *ki = malloc((cap ? cap : 1) * sizeof *ki), *tmp = malloc((cap ? cap : 1) * sizeof *tmp);
	size_t *bound = malloc((n_old + 2) * sizeof *bound);
	rc = ki && tmp && bound ? take_segments(ix, first, from, n_old, cap, ki, bound) : ENOMEM;
	if (!rc) {
		n = bound[n_old];
		rc = batch_keys(ix, from, ix->next, ki, &n);
	}
	for (size_t i = rc ? n : bound[n_old]; i < n; i++)
		ki[i].idx += (uint32_t)(from - first);
	if (!rc && wu__sort_keyidx(ki + bound[n_old], n - bound[n_old]))
		rc = ENOMEM;
	if (!rc) {
		bound[n_old + 1] = n;
		merge_runs(ki, tmp, bound, n_old + 1);
	}
	if (!rc && n)
		rc = put_segment(ix, first, ix->next - first, ki, n);
	free(ki), free(tmp), free(bound);
	return rc;
}

/* Seals the batch and empties the in-memory table of it. */
static int seal_complete(wu_index *ix, char *err, size_t errlen)
{
	int rc = 0;
	if (ix->sealed >= ix->next)
		return 0;
	rc = seal_batch(ix);
	pend_clear(&ix->pend);
	ix->sealed = ix->next;
	return rc ? mdb_fail(err, errlen, "sealing a batch", rc) : 0;
}

/* Is an article of segment s left? In *alive; 0 or an LMDB error. */
static int seg_alive(wu_index *ix, const segment *s, int *alive)
{
	unsigned char kb[8];
	MDB_cursor *a;
	MDB_val k = {8, kb}, v;
	put_be64(kb, s->base);
	*alive = 1;
	int rc = mdb_cursor_open(ix->wtxn, ix->articles, &a);
	if (rc)
		return rc;
	rc = mdb_cursor_get(a, &k, &v, MDB_SET_RANGE);
	*alive = rc == 0 && k.mv_size == 8 && get_be(k.mv_data, 8) - s->base < s->span;
	mdb_cursor_close(a);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Deletes the segments whose articles have all expired. */
static int drop_empty_segments(wu_index *ix)
{
	MDB_cursor *c;
	MDB_val k, v;
	int alive;
	ix->cand.n = 0;
	int rc = mdb_cursor_open(ix->wtxn, ix->segments, &c);
	if (rc)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		uint64_t g = k.mv_size == 8 ? get_be(k.mv_data, 8) : 0;
		segment s;
		if (seg_parse(ix, &v, &s)) {
			rc = MDB_CORRUPTED;
			break;
		}
		if ((rc = seg_alive(ix, &s, &alive)))
			break;
		if (!alive && wu_u64s_reserve(&ix->cand, ix->cand.n + 1)) {
			rc = ENOMEM;
			break;
		}
		if (!alive)
			ix->cand.a[ix->cand.n++] = g;
	}
	mdb_cursor_close(c);
	for (size_t i = 0; rc == MDB_NOTFOUND && i < ix->cand.n; i++) {
		unsigned char kb[8];
		put_be64(kb, ix->cand.a[i]);
		MDB_val dk = {8, kb};
		rc = mdb_del(ix->wtxn, ix->segments, &dk, NULL);
		rc = rc ? rc : MDB_NOTFOUND;
	}
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* ---- expiry ---- */

/* Deletes an article's record, and its entries if its batch is open. */
static int remove_article(wu_index *ix, uint64_t art, char *err, size_t errlen)
{
	record r;
	if (get_record(ix, ix->wtxn, art, &r, err, errlen))
		return -1;
	/* r points into pages the deletes below may move: take what we need. */
	const uint32_t *sig = record_sig(ix, &r);
	if (!sig)
		return wu_fail(err, errlen, "out of memory");
	/* A segment's entries stay until all of its articles have expired. */
	for (int b = 0; art >= ix->sealed && b < ix->opt.bands; b++)
		pend_drop(&ix->pend, seg_key(b, wu_band_key(sig, b, &ix->opt)), art - ix->sealed);
	if (art >= ix->sealed)
		pend_drop(&ix->pend, id_key(ix, r.id, r.id_len), art - ix->sealed);
	unsigned char kb[8];
	put_be64(kb, art);
	MDB_val ak = {8, kb};
	int rc = mdb_del(ix->wtxn, ix->articles, &ak, NULL);
	return rc ? mdb_fail(err, errlen, "expiring an article", rc) : 0;
}

static int expire_in(wu_index *ix, int32_t before, size_t max, size_t *n_removed, char *err,
                     size_t errlen)
{
	MDB_cursor *c;
	MDB_val k, v;
	size_t n = 0;
	int failed = 0, rc = mdb_cursor_open(ix->wtxn, ix->dates, &c);
	if (rc)
		return mdb_fail(err, errlen, "expiring", rc);
	while (max == 0 || n < max) {
		/* Always the first: the oldest left, whatever the deletes moved. */
		rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
		int32_t d = rc ? WU_NO_DATE : key_date(&k);
		if (rc || d == WU_NO_DATE || d >= before)
			break;
		if (v.mv_size != 8)
			rc = MDB_CORRUPTED;
		else if ((failed = remove_article(ix, get_be(v.mv_data, 8), err, errlen)) == 0)
			rc = mdb_cursor_del(c, 0);
		if (rc || failed)
			break;
		n++;
	}
	mdb_cursor_close(c);
	ix->pending += n;
	if (n_removed)
		*n_removed = n;
	if (failed)
		return -1;
	if (rc == 0 || rc == MDB_NOTFOUND)
		rc = n ? drop_empty_segments(ix) : 0;
	return rc ? mdb_fail(err, errlen, "expiring", rc) : 0;
}

int wu_index_expire(wu_index *ix, int32_t before, size_t max, size_t *n_removed, char *err,
                    size_t errlen)
{
	if (n_removed)
		*n_removed = 0;
	if (begin_write(ix, err, errlen))
		return -1;
	if (expire_in(ix, before, max, n_removed, err, errlen)) {
		wu_index_abort(ix);
		return -1;
	}
	return 0;
}

void wu_index_set_window(wu_index *ix, int days)
{
	ix->window = days > 0 ? days : 0;
}

/* ---- queries ---- */

/* Every band's candidates, sorted and unique, in ix->cand: from the
 * segments, oldest first, then from the open batch; at most opt->max_bucket
 * a band, the oldest (as wu_cluster() links a big bucket's members to its
 * first members only). */
static int candidates(wu_index *ix, MDB_txn *t, const uint32_t *sig)
{
	size_t max = (size_t)ix->opt.max_bucket;
	ix->cand.n = 0;
	for (int b = 0; b < ix->opt.bands; b++) {
		ix->skey[b] = seg_key(b, wu_band_key(sig, b, &ix->opt));
		ix->taken[b] = 0;
	}
	int rc = segment_candidates(ix, t);
	for (int b = 0; !rc && t == ix->wtxn && b < ix->opt.bands; b++)
		rc = pend_scan(ix, ix->skey[b], max, &ix->taken[b]);
	if (!rc && wu__sort_unique_u64(ix->cand.a, &ix->cand.n))
		rc = ENOMEM;
	return rc;
}

static void set_match(wu_index_match *m, uint64_t art, const record *r, double sim)
{
	m->found = 1;
	m->article = art;
	m->date = r->date;
	m->similarity = sim;
}

static double record_similarity(wu_index *ix, const wu_index_article *a, const record *r)
{
	const uint32_t *sig = record_sig(ix, r);
	double j = sig ? wu_sig_jaccard(a->sig, sig, ix->opt.num_perm) : 0.0;
	return wu_pair_similarity(j, a->n_shingles, r->n_shingles, &ix->opt);
}

/* The oldest date a window lets a query match (INT32_MIN: no limit). */
static int window_start(wu_index *ix, MDB_txn *t, int32_t date, int32_t *start)
{
	int32_t newest = WU_NO_DATE;
	*start = INT32_MIN;
	if (ix->window <= 0)
		return 0;
	int rc = newest_date(ix, t, &newest);
	if (date != WU_NO_DATE && (newest == WU_NO_DATE || date > newest))
		newest = date;
	if (newest != WU_NO_DATE)
		*start = newest - ix->window;
	return rc;
}

static int best_candidate(wu_index *ix, MDB_txn *t, const wu_index_article *a,
                          wu_index_match *m, char *err, size_t errlen)
{
	int32_t start;
	int rc = candidates(ix, t, a->sig);
	if (!rc)
		rc = window_start(ix, t, a->date, &start);
	if (rc)
		return mdb_fail(err, errlen, "querying", rc);
	for (size_t i = 0; i < ix->cand.n; i++) {
		record r;
		int gone = fetch(ix, t, ix->cand.a[i], &r, 1, err, errlen);
		if (gone < 0)
			return -1;
		if (gone || (r.date != WU_NO_DATE && r.date < start))
			continue;
		double sim = record_similarity(ix, a, &r);
		/* Strictly better only: candidates come oldest first. */
		if (wu_pair_passes(sim, a->n_shingles, r.n_shingles, &ix->opt) &&
		    (!m->found || sim > m->similarity))
			set_match(m, ix->cand.a[i], &r, sim);
	}
	return 0;
}

static int query_in(wu_index *ix, MDB_txn *t, const wu_index_article *a, wu_index_match *m,
                    char *err, size_t errlen)
{
	uint64_t art;
	record r;
	int found = find_id(ix, t, a->id, a->id_len, &art, err, errlen);
	if (found < 0)
		return -1;
	if (found) {
		if (get_record(ix, t, art, &r, err, errlen))
			return -1;
		set_match(m, art, &r, record_similarity(ix, a, &r));
		m->same_id = 1;
	} else if (best_candidate(ix, t, a, m, err, errlen)) {
		return -1;
	}
	if (!m->found)
		return 0;
	if (get_record(ix, t, m->article, &r, err, errlen))
		return -1;
	if (wu_str_append(&m->id, r.id, r.id_len) || wu_str_putc(&m->id, '\0'))
		return wu_fail(err, errlen, "out of memory");
	m->id.n--; /* NUL-terminated for convenience, not counted */
	return 0;
}

int wu_index_query(wu_index *ix, const wu_index_article *a, wu_index_match *m, char *err,
                   size_t errlen)
{
	MDB_txn *t;
	m->found = m->same_id = 0;
	m->similarity = 0.0;
	m->article = 0;
	m->date = WU_NO_DATE;
	m->id.n = 0;
	if (usable(ix, err, errlen) || read_begin(ix, &t, err, errlen))
		return -1;
	int rc = query_in(ix, t, a, m, err, errlen);
	read_end(ix);
	return rc;
}

/* ---- statistics ---- */

static int count_dates(wu_index *ix, MDB_txn *t, wu_index_stats *st)
{
	MDB_cursor *c;
	MDB_val k, v;
	unsigned char nk[4];
	size_t undated = 0;
	int rc = mdb_cursor_open(t, ix->dates, &c);
	if (rc)
		return rc;
	rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	st->first_date = rc == 0 ? key_date(&k) : WU_NO_DATE;
	date_key(WU_NO_DATE, nk);
	k.mv_size = 4, k.mv_data = nk;
	rc = mdb_cursor_get(c, &k, &v, MDB_SET);
	if (rc == 0)
		rc = mdb_cursor_count(c, &undated);
	st->n_undated = undated;
	mdb_cursor_close(c);
	if (rc && rc != MDB_NOTFOUND)
		return rc;
	return newest_date(ix, t, &st->last_date);
}

/* Pages on LMDB's free list: the file's slack, reused by later commits. */
static int free_pages(MDB_txn *t, size_t *n)
{
	MDB_cursor *c;
	MDB_val k, v;
	*n = 0;
	int rc = mdb_cursor_open(t, 0, &c); /* database 0 is LMDB's free list */
	if (rc)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
		if (v.mv_size >= sizeof(size_t)) {
			size_t count;
			memcpy(&count, v.mv_data, sizeof count);
			*n += count;
		}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int wu_index_stat(wu_index *ix, wu_index_stats *st, char *err, size_t errlen)
{
	MDB_txn *t;
	MDB_stat ms;
	MDB_envinfo info;
	struct stat fs;
	size_t n_free = 0;
	memset(st, 0, sizeof *st);
	st->opt = ix->opt;
	st->format = ix->format;
	st->normalize_version = ix->normalize_version;
	if (read_begin(ix, &t, err, errlen))
		return -1;
	int rc = mdb_stat(t, ix->articles, &ms);
	st->n_articles = rc ? 0 : ms.ms_entries;
	if (!rc)
		rc = mdb_stat(t, ix->segments, &ms);
	st->n_segments = rc ? 0 : ms.ms_entries;
	if (!rc)
		rc = count_dates(ix, t, st);
	if (!rc)
		rc = free_pages(t, &n_free);
	read_end(ix);
	if (rc)
		return mdb_fail(err, errlen, "reading the index", rc);
	char *data = join(ix->path, "data.mdb");
	if (data && stat(data, &fs) == 0)
		st->file_bytes = (uint64_t)fs.st_size;
	free(data);
	if (mdb_env_info(ix->env, &info) == 0 && mdb_env_stat(ix->env, &ms) == 0) {
		st->map_size = info.me_mapsize;
		st->used_bytes = ((uint64_t)info.me_last_pgno + 1 - n_free) * ms.ms_psize;
	}
	return 0;
}

/* The feed index: sketched articles in an LMDB environment (a directory),
 * for answering "seen before?" as articles arrive.
 *
 * Named databases:
 *   meta      "params": text lines "key=value", the first "wiredup-index=FORMAT"
 *             (the magic and format version); "next": the next article
 *             number; "hot_gen": the first generation not sealed (u64s,
 *             little-endian)
 *   articles  article number (u64 big-endian, so additions append) -> record
 *   ids       4-byte bucket of the id's hash -> 8-byte entry
 *   bands     4-byte (band, bucket of the band key) -> 8-byte entry, for the
 *             articles of generations not yet sealed (see "sealed
 *             generations" below)
 *   segments  generation (u64 big-endian) -> its band entries, packed
 *   dates     4-byte date (biased to sort as signed, big-endian) -> article
 * An entry of ids and bands is (article number in 40 bits, the hash's next
 * 24 bits), big-endian. ids, bands and dates are MDB_DUPSORT|MDB_DUPFIXED:
 * a bucket's entries are packed 8 bytes each with no per-entry node, and
 * since article numbers only grow, each is appended at its bucket's end
 * (MDB_APPENDDUP). A lookup reads its bucket in order, oldest first, a page
 * of entries at a time. Hash bits not kept only add candidates, and every
 * candidate is verified from its signature, as wu_cluster() does.
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
#define REM_BITS 24
#define REM_MASK ((UINT64_C(1) << REM_BITS) - 1)
#define BAND_SHIFT 22        /* key = band << 22 | bucket: bands <= 1024 */
#define BAND_BUCKET_BITS 10  /* 1024 buckets a band: "bands" holds one
                                generation, a few dozen entries a bucket */
#define ID_BUCKET_BITS 16
#define REC_HEAD 16
#define MAX_LEN 65535
#define DEFAULT_MAP_SIZE (UINT64_C(64) << 30)

struct wu_index {
	MDB_env *env;
	MDB_dbi meta, articles, ids, bands, segments, dates;
	MDB_txn *wtxn;  /* the open batch, or NULL */
	MDB_txn *rtxn;  /* a read transaction, reset between reads */
	wu_opt opt;
	int format, normalize_version, bucket_bits, gen_bits;
	int writable, lock_fd, window;
	uint64_t next;  /* next article number (while wtxn is open) */
	uint64_t hot_gen; /* first generation not sealed (while wtxn is open) */
	int32_t newest; /* newest date in the index (while wtxn is open) */
	size_t pending;
	char *path;
	wu_u32s sig;    /* scratch: a decoded signature */
	wu_u64s cand;   /* scratch: candidate article numbers */
	wu_str rec;     /* scratch: an encoded record */
	uint64_t *skey; /* scratch, one a band: segment keys of a query */
	uint32_t *span; /* scratch, four a band: slot bounds in two segments */
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

/* A bucket key and an entry for it. */
typedef struct {
	unsigned char key[4], val[8];
	uint64_t rem;
} entry;

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

static void make_entry(uint64_t h, uint32_t prefix, int bits, uint64_t art, entry *e)
{
	put_be32(e->key, prefix << BAND_SHIFT | (uint32_t)(h >> (64 - bits)));
	e->rem = (h >> (64 - bits - REM_BITS)) & REM_MASK;
	put_be64(e->val, art << REM_BITS | e->rem);
}

static void band_entry(const wu_index *ix, const uint32_t *sig, int band, uint64_t art, entry *e)
{
	make_entry(wu_band_key(sig, band, &ix->opt), (uint32_t)band, ix->bucket_bits, art, e);
}

static void id_entry(const char *id, size_t len, uint64_t art, entry *e)
{
	make_entry(XXH3_64bits(id, len), 0, ID_BUCKET_BITS, art, e);
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
 * sealed generation's entries outlive its expired articles), or -1. */
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

/* Generations as large as keeps a sealing's sort under 2M entries. */
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
	switch (p) {
	case P_SHINGLE: return (o->shingle_kind = lookup(v, shingle_names)) < 0 ? -1 : 0;
	case P_MEASURE: return (o->measure = lookup(v, measure_names)) < 0 ? -1 : 0;
	case P_THR: o->threshold = d; return bad_dbl ? -1 : 0;
	case P_RATIO: o->min_length_ratio = d; return bad_dbl ? -1 : 0;
	case P_SEED:
		errno = 0;
		o->seed = strtoull(v, &end, 10);
		return errno || end == v || *end ? -1 : 0;
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
	    ix->gen_bits < 6 || ix->gen_bits > 16 || wu_opt_finish(&ix->opt, why, sizeof why))
		return wu_fail(err, errlen, "damaged index: bad parameters");
	size_t nb = (size_t)ix->opt.bands;
	ix->skey = malloc(nb * sizeof *ix->skey);
	ix->span = malloc(4 * nb * sizeof *ix->span);
	ix->taken = malloc(nb * sizeof *ix->taken);
	return ix->skey && ix->span && ix->taken ? 0 : wu_fail(err, errlen, "out of memory");
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
	return 0;
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
	    open_dbi(t, "ids", dup, &ix->ids, err, errlen) ||
	    open_dbi(t, "bands", dup, &ix->bands, err, errlen) ||
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
	free(ix->skey), free(ix->span), free(ix->taken);
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
			r = put_u64(t, tmp.meta, "hot_gen", 0);
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
		rc = get_u64(ix->wtxn, ix->meta, "hot_gen", &ix->hot_gen);
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
		rc = put_u64(ix->wtxn, ix->meta, "hot_gen", ix->hot_gen);
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

/* ---- buckets ---- */

/* Appends to out the articles of a page of entries that carry rem, up to
 * max in all; 0, or ENOMEM. */
static int match_entries(const MDB_val *v, uint64_t rem, size_t max, size_t *n, wu_u64s *out)
{
	const unsigned char *p = v->mv_data;
	for (size_t i = 0; i + 8 <= v->mv_size && *n < max; i += 8) {
		uint64_t x = get_be(p + i, 8);
		if ((x & REM_MASK) != rem)
			continue;
		if (wu_u64s_reserve(out, out->n + 1))
			return ENOMEM;
		out->a[out->n++] = x >> REM_BITS;
		++*n;
	}
	return 0;
}

/* Appends to out the articles (up to max, oldest first) of e's bucket
 * whose entries carry e's hash bits. 0 or an LMDB error. */
static int bucket_scan(MDB_cursor *c, const entry *e, size_t max, wu_u64s *out)
{
	MDB_val k = {4, (void *)e->key}, v;
	size_t n = 0;
	int rc = mdb_cursor_get(c, &k, &v, MDB_SET);
	if (rc == 0)
		rc = mdb_cursor_get(c, &k, &v, MDB_GET_MULTIPLE);
	while (rc == 0 && n < max) {
		if (v.mv_size % 8)
			return MDB_CORRUPTED;
		if (match_entries(&v, e->rem, max, &n, out))
			return ENOMEM;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_MULTIPLE);
	}
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* The stored article with this id: 1 (in *art), 0 when none, -1 on error. */
static int find_id(wu_index *ix, MDB_txn *t, const char *id, size_t len, uint64_t *art,
                   char *err, size_t errlen)
{
	entry e;
	MDB_cursor *c;
	id_entry(id, len, 0, &e);
	ix->cand.n = 0;
	int rc = mdb_cursor_open(t, ix->ids, &c);
	if (!rc) {
		rc = bucket_scan(c, &e, SIZE_MAX, &ix->cand);
		mdb_cursor_close(c);
	}
	if (rc)
		return mdb_fail(err, errlen, "looking up an id", rc);
	for (size_t i = 0; i < ix->cand.n; i++) {
		record r;
		if (get_record(ix, t, ix->cand.a[i], &r, err, errlen))
			return -1;
		if (r.id_len == len && !memcmp(r.id, id, len)) {
			*art = ix->cand.a[i];
			return 1;
		}
	}
	return 0;
}

/* ---- adding ---- */

static int put_entry(MDB_txn *t, MDB_dbi dbi, const entry *e)
{
	MDB_val k = {4, (void *)e->key}, v = {8, (void *)e->val};
	return mdb_put(t, dbi, &k, &v, MDB_APPENDDUP);
}

static int put_article(wu_index *ix, const wu_index_article *a, uint64_t art)
{
	unsigned char kb[8], dk[4];
	entry e;
	put_be64(kb, art);
	if (encode(ix, a))
		return ENOMEM;
	MDB_val k = {8, kb}, v = {ix->rec.n, ix->rec.s};
	int rc = mdb_put(ix->wtxn, ix->articles, &k, &v, MDB_APPEND);
	id_entry(a->id, a->id_len, art, &e);
	if (!rc)
		rc = put_entry(ix->wtxn, ix->ids, &e);
	for (int b = 0; !rc && b < ix->opt.bands; b++) {
		band_entry(ix, a->sig, b, art, &e);
		rc = put_entry(ix->wtxn, ix->bands, &e);
	}
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

/* ---- sealed generations ----
 *
 * Article numbers are cut into generations of 2^gen_bits. While its
 * generation is open, an article's band entries are in "bands", a B-tree:
 * random inserts leave its pages about 60% full, and every commit copies
 * the pages it touches (LMDB writes nothing in place), which for 41 random
 * band keys an article is a good part of the tree. When a generation is
 * complete the commit seals it: its entries, sorted, become one packed
 * value of "segments" (8 bytes an entry, pages full), and "bands" is
 * emptied of them. So "bands" stays within one generation, a commit copies
 * at most that much, and the index grows by about 8 bytes a band entry.
 * The price: a query looks in every segment (a slot lookup a band each).
 *
 * Segment (little-endian): u32 SEG_MAGIC, u32 bands, u32 dir_bits,
 * u32 count, u64 the generation's first article number, u32 dir[(bands <<
 * dir_bits) + 1] (where each slot starts; the last is count), u64
 * entries[count]. Band b's key h has the sort key s = b << 54 | h >> 10;
 * its slot is the top bits of s (the band, then dir_bits of hash) and its
 * entry s << (10 + dir_bits) with the article's offset in the low 16 bits.
 * Entries sort by s, then by article, so a slot is read oldest first. */
#define SEG_MAGIC 0x47535557u /* "WUSG" */
#define SEG_HEAD 24
#define DIR_BITS 10
#define KEY_SHIFT 10 /* a sort key keeps 54 bits of the band key */

static uint64_t seg_key(int band, uint64_t h)
{
	return (uint64_t)band << 54 | h >> KEY_SHIFT;
}

typedef struct {
	uint64_t base;
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
	if (s->dir_bits < 6 || s->dir_bits > 16)
		return -1;
	size_t slots = (size_t)ix->opt.bands << s->dir_bits;
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

/* Reads every band's slot bounds in s into span and asks for the slots'
 * first entries; 0, or -1 when a slot is out of bounds (damage). */
static int seg_spans(const wu_index *ix, const segment *s, uint32_t *span)
{
	int shift = 54 - (int)s->dir_bits;
	for (size_t b = 0; b < (size_t)ix->opt.bands; b++) {
		const unsigned char *d = s->dir + 4 * (ix->skey[b] >> shift);
		uint32_t lo = load32(d), hi = load32(d + 4);
		if (lo > hi || hi > s->count)
			return -1;
		span[2 * b] = lo, span[2 * b + 1] = hi;
		__builtin_prefetch(s->ent + 8 * (size_t)lo);
	}
	return 0;
}

/* Appends the articles of segment s that share a band key. */
static int seg_scan(wu_index *ix, const segment *s, const uint32_t *span)
{
	size_t max = (size_t)ix->opt.max_bucket;
	int up = KEY_SHIFT + (int)s->dir_bits;
	for (size_t b = 0; b < (size_t)ix->opt.bands; b++) {
		uint64_t want = ix->skey[b] << up >> 16;
		for (uint32_t i = span[2 * b]; i < span[2 * b + 1] && ix->taken[b] < max; i++) {
			uint64_t e = load64(s->ent + 8 * (size_t)i);
			if (e >> 16 > want)
				break;
			if (e >> 16 < want)
				continue;
			if (wu_u64s_reserve(&ix->cand, ix->cand.n + 1))
				return -1;
			ix->cand.a[ix->cand.n++] = s->base + (e & 0xFFFF);
			ix->taken[b]++;
		}
	}
	return 0;
}

/* Candidates from every segment, oldest generation first. A query's reads
 * are scattered over the whole index, so they are pipelined: a segment's
 * slots are located while the previous segment's are read. */
static int segment_candidates(wu_index *ix, MDB_txn *t)
{
	MDB_cursor *c;
	MDB_val k, v;
	segment s[2];
	size_t nb = (size_t)ix->opt.bands;
	int cur = 0, have = 0;
	int rc = mdb_cursor_open(t, ix->segments, &c);
	if (rc)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT), cur = !cur, have = 1) {
		if (seg_parse(ix, &v, &s[cur]))
			break;
		seg_prefetch(ix, &s[cur]);
		if ((have && seg_scan(ix, &s[!cur], ix->span + 2 * nb * (size_t)!cur)) ||
		    seg_spans(ix, &s[cur], ix->span + 2 * nb * (size_t)cur))
			break;
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND)
		return rc ? rc : MDB_CORRUPTED;
	return have && seg_scan(ix, &s[!cur], ix->span + 2 * nb * (size_t)!cur) ? MDB_CORRUPTED : 0;
}

/* The sort keys of generation g's articles' band entries, sorted; idx is
 * the article's offset in the generation. */
static int gen_keys(wu_index *ix, uint64_t g, wu_keyidx **out, size_t *n)
{
	size_t nb = (size_t)ix->opt.bands, gen = (size_t)1 << ix->gen_bits;
	uint64_t base = (uint64_t)g << ix->gen_bits;
	unsigned char kb[8];
	MDB_cursor *c;
	MDB_val k = {8, kb}, v;
	record r;
	wu_keyidx *ki = malloc(gen * nb * sizeof *ki);
	*out = ki, *n = 0;
	put_be64(kb, base);
	int rc = ki ? mdb_cursor_open(ix->wtxn, ix->articles, &c) : ENOMEM;
	if (rc)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		uint64_t art = k.mv_size == 8 ? get_be(k.mv_data, 8) : 0;
		if (art >> ix->gen_bits != g)
			break;
		const uint32_t *sig = decode(ix, &v, &r) ? NULL : record_sig(ix, &r);
		if (!sig) {
			rc = MDB_CORRUPTED;
			break;
		}
		for (size_t b = 0; b < nb; b++)
			ki[(*n)++] = (wu_keyidx){seg_key((int)b, wu_band_key(sig, (int)b, &ix->opt)),
			                         (uint32_t)(art - base)};
	}
	mdb_cursor_close(c);
	if (rc == MDB_NOTFOUND)
		rc = 0;
	return rc ? rc : wu__sort_keyidx(ki, *n) ? ENOMEM : 0;
}

/* Writes the segment of generation g from its sorted keys. */
static int put_segment(wu_index *ix, uint64_t g, const wu_keyidx *ki, size_t n)
{
	unsigned d = DIR_BITS, shift = 54 - DIR_BITS;
	size_t slots = (size_t)ix->opt.bands << d;
	unsigned char kb[8];
	put_be64(kb, g);
	MDB_val k = {8, kb}, v = {SEG_HEAD + 4 * (slots + 1) + 8 * n, NULL};
	int rc = mdb_put(ix->wtxn, ix->segments, &k, &v, MDB_RESERVE);
	if (rc)
		return rc;
	unsigned char *p = v.mv_data, *dir = p + SEG_HEAD, *ent = dir + 4 * (slots + 1);
	put_le(p, SEG_MAGIC, 4);
	put_le(p + 4, (uint64_t)ix->opt.bands, 4);
	put_le(p + 8, d, 4);
	put_le(p + 12, n, 4);
	put_le(p + 16, g << ix->gen_bits, 8);
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

/* Puts every article of generation g and later back into "bands". */
static int refill_bands(wu_index *ix, uint64_t g)
{
	unsigned char kb[8];
	MDB_cursor *c;
	MDB_val k = {8, kb}, v;
	record r;
	entry e;
	put_be64(kb, g << ix->gen_bits);
	int rc = mdb_drop(ix->wtxn, ix->bands, 0);
	if (!rc)
		rc = mdb_cursor_open(ix->wtxn, ix->articles, &c);
	if (rc)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		uint64_t art = k.mv_size == 8 ? get_be(k.mv_data, 8) : 0;
		const uint32_t *sig = decode(ix, &v, &r) ? NULL : record_sig(ix, &r);
		if (!sig) {
			rc = MDB_CORRUPTED;
			break;
		}
		for (int b = 0; !rc && b < ix->opt.bands; b++) {
			band_entry(ix, sig, b, art, &e);
			rc = put_entry(ix->wtxn, ix->bands, &e);
		}
		if (rc)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Seals every complete generation: those before the one the next article
 * will be numbered in. */
static int seal_complete(wu_index *ix, char *err, size_t errlen)
{
	uint64_t open = ix->next >> ix->gen_bits;
	int rc = 0;
	if (ix->hot_gen >= open)
		return 0;
	for (uint64_t g = ix->hot_gen; !rc && g < open; g++) {
		wu_keyidx *ki;
		size_t n;
		rc = gen_keys(ix, g, &ki, &n);
		if (!rc && n)
			rc = put_segment(ix, g, ki, n);
		free(ki);
	}
	ix->hot_gen = open;
	if (!rc)
		rc = refill_bands(ix, open);
	return rc ? mdb_fail(err, errlen, "sealing a generation", rc) : 0;
}

/* Is an article of generation g left? In *alive; 0 or an LMDB error. */
static int gen_alive(wu_index *ix, uint64_t g, int *alive)
{
	unsigned char kb[8];
	MDB_cursor *a;
	MDB_val k = {8, kb}, v;
	put_be64(kb, g << ix->gen_bits);
	*alive = 1;
	int rc = mdb_cursor_open(ix->wtxn, ix->articles, &a);
	if (rc)
		return rc;
	rc = mdb_cursor_get(a, &k, &v, MDB_SET_RANGE);
	*alive = rc == 0 && k.mv_size == 8 && get_be(k.mv_data, 8) >> ix->gen_bits == g;
	mdb_cursor_close(a);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Deletes the segments of generations whose articles have all expired. */
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
		if ((rc = gen_alive(ix, g, &alive)))
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

/* Deletes an article's band entries, id entry and record. */
static int remove_article(wu_index *ix, uint64_t art, char *err, size_t errlen)
{
	record r;
	entry e;
	if (get_record(ix, ix->wtxn, art, &r, err, errlen))
		return -1;
	/* r points into pages the deletes below may move: take what we need. */
	const uint32_t *sig = record_sig(ix, &r);
	if (!sig)
		return wu_fail(err, errlen, "out of memory");
	id_entry(r.id, r.id_len, art, &e);
	MDB_val k = {4, e.key}, v = {8, e.val};
	int rc = mdb_del(ix->wtxn, ix->ids, &k, &v);
	/* A sealed generation's entries stay until all of it has expired. */
	int hot = art >> ix->gen_bits >= ix->hot_gen;
	for (int b = 0; hot && (rc == 0 || rc == MDB_NOTFOUND) && b < ix->opt.bands; b++) {
		band_entry(ix, sig, b, art, &e);
		rc = mdb_del(ix->wtxn, ix->bands, &k, &v);
	}
	unsigned char kb[8];
	put_be64(kb, art);
	MDB_val ak = {8, kb};
	if (rc == 0 || rc == MDB_NOTFOUND)
		rc = mdb_del(ix->wtxn, ix->articles, &ak, NULL);
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

/* Every band's candidates, sorted and unique, in ix->cand: from the sealed
 * generations, oldest first, then from "bands"; at most opt->max_bucket
 * a band, the oldest (as wu_cluster() links a big bucket's members to its
 * first members only). */
static int candidates(wu_index *ix, MDB_txn *t, const uint32_t *sig)
{
	MDB_cursor *c;
	entry e;
	size_t max = (size_t)ix->opt.max_bucket;
	ix->cand.n = 0;
	for (int b = 0; b < ix->opt.bands; b++) {
		ix->skey[b] = seg_key(b, wu_band_key(sig, b, &ix->opt));
		ix->taken[b] = 0;
	}
	int rc = segment_candidates(ix, t);
	if (!rc)
		rc = mdb_cursor_open(t, ix->bands, &c);
	if (rc)
		return rc;
	for (int b = 0; !rc && b < ix->opt.bands; b++) {
		band_entry(ix, sig, b, 0, &e);
		if (ix->taken[b] < max)
			rc = bucket_scan(c, &e, max - ix->taken[b], &ix->cand);
	}
	mdb_cursor_close(c);
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

/* The feed index: sketched articles in an LMDB environment (a directory),
 * for answering "seen before?" as articles arrive.
 *
 * Named databases:
 *   meta      "params": text lines "key=value", the first "wiredup-index=FORMAT"
 *             (the magic and format version; index_params.c); "next": the
 *             next article number; "sealed": the first article number not in
 *             a segment; "map_limit": the most bytes the map may grow to
 *             (u64s, little-endian)
 *   articles  article number (u64 big-endian, so additions append) -> record
 *             (index_record.c)
 *   segments  first article number (u64 big-endian) -> the band and id
 *             entries of a run of committed articles, sorted and packed
 *             (index_segment.c)
 *   dates     4-byte date (biased to sort as signed, big-endian) -> article
 *             number (u64 big-endian); MDB_DUPSORT|MDB_DUPFIXED, appended
 * The open batch's band and id entries are in memory (index_pending.c).
 * Hash bits not kept only add candidates, and every candidate is
 * verified from its record: its signature, or its id.
 *
 * Crash safety is LMDB's: a batch is one write transaction and a commit
 * switches meta pages last, so a killed writer leaves the last commit.
 * What LMDB does not check, index_file.c does. The map starts small and
 * grows as needed (index_grow.c). */
#include "index_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ART_BITS 40
#define ART_MAX ((UINT64_C(1) << ART_BITS) - 1)
#define DEFAULT_MAP_LIMIT (UINT64_C(64) << 30)
#define FIRST_MAP_SIZE (UINT64_C(1) << 20) /* a new index's map; it doubles as needed */

/* ---- dates ---- */

static void put_be32(unsigned char *p, uint32_t v)
{
	for (int i = 3; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
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

/* ---- opening and creating ---- */

static int get_u64(MDB_txn *t, MDB_dbi dbi, const char *key, uint64_t *v, int *found, char *err,
                   size_t errlen);
static int put_u64(wu_index *ix, MDB_txn *t, MDB_dbi dbi, const char *key, uint64_t v, char *err,
                   size_t errlen);

void wu_index_opt_init(wu_index_opt *io)
{
	memset(io, 0, sizeof *io);
}

/* Opens the environment with flags: 0, or -1 with the reason, *denied
 * saying whether a permission was what failed. */
static int try_open_env(wu_index *ix, const char *path, unsigned flags, uint64_t map_size,
                        int *denied, char *err, size_t errlen)
{
	int rc = mdb_env_create(&ix->env);
	if (!rc)
		rc = mdb_env_set_maxdbs(ix->env, 8);
	if (!rc && map_size)
		rc = mdb_env_set_mapsize(ix->env, (size_t)map_size);
	if (!rc)
		rc = mdb_env_open(ix->env, path, flags, 0644);
	if (rc && ix->env) {
		mdb_env_close(ix->env); /* a failed open leaves a handle only to close */
		ix->env = NULL;
	}
	*denied = rc == EACCES || rc == EROFS || rc == EPERM;
	return rc ? wu__idx_open_failed(path, ix->writable, rc, err, errlen) : 0;
}

static int open_env(wu_index *ix, const char *path, const wu_index_opt *io, uint64_t map_size,
                    char *err, size_t errlen)
{
	unsigned flags = MDB_NOTLS | (ix->writable ? 0 : MDB_RDONLY) | (io->no_sync ? MDB_NOSYNC : 0);
	int denied, rc = try_open_env(ix, path, flags, map_size, &denied, err, errlen);
	if (rc && !ix->writable && denied) {
		/* lock.mdb cannot be opened or made (a read-only directory or
		 * volume): read without LMDB's reader table. Nothing then stops a
		 * writer elsewhere from reusing the pages read (see the README). */
		ix->nolock = 1;
		rc = try_open_env(ix, path, flags | MDB_NOLOCK, map_size, &denied, err, errlen);
	}
	if (rc)
		return -1;
	int dead;
	mdb_reader_check(ix->env, &dead); /* slots of killed readers */
	return 0;
}

static int open_dbi(MDB_txn *t, const char *name, unsigned flags, MDB_dbi *dbi, char *err,
                    size_t errlen)
{
	int rc = mdb_dbi_open(t, name, flags, dbi);
	if (rc == MDB_NOTFOUND)
		return wu__fail(err, errlen, "%s", !strcmp(name, "meta")
		               ? "not a wiredup index (no parameters)"
		               : "damaged index: a database is missing");
	return rc ? idx_lmdb_fail(err, errlen, "damaged index", rc) : 0;
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
		return idx_lmdb_fail(err, errlen, "reading the index", rc);
	MDB_val k = {6, "params"}, v;
	rc = open_dbi(t, "meta", 0, &ix->meta, err, errlen);
	if (!rc && (rc = mdb_get(t, ix->meta, &k, &v)))
		rc = rc == MDB_NOTFOUND ? wu__fail(err, errlen, "not a wiredup index (no parameters)")
		                        : idx_lmdb_fail(err, errlen, "damaged index", rc);
	if (!rc && (wu__idx_parse_params(ix, &v, err, errlen) || open_dbis(ix, t, 0, err, errlen)))
		rc = -1;
	int found; /* absent: the default */
	if (!rc && get_u64(t, ix->meta, "map_limit", &ix->limit_kept, &found, err, errlen))
		rc = idx_context(err, errlen, "damaged index");
	if (rc) {
		mdb_txn_abort(t);
		return -1;
	}
	/* Committing a read transaction keeps the database handles it opened. */
	rc = mdb_txn_commit(t);
	return rc ? idx_lmdb_fail(err, errlen, "reading the index", rc) : 0;
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
		wu__fail(err, errlen, "out of memory");
		return NULL;
	}
	ix->lock_fd = -1;
	ix->writable = io->writable;
	ix->today = WU_NO_DATE;
	/* The map opens at the size it was last grown to; map_size is how far
	 * it may grow from now on (never a shrink). */
	int rc = wu__idx_check_files(path, err, errlen) ||
	         (ix->writable && wu__idx_take_lock(ix, io->wait, err, errlen)) ||
	         open_env(ix, path, io, 0, err, errlen);
	if (!rc && ix->writable && wu__idx_cover_last_page(ix, err, errlen))
		rc = idx_context(err, errlen, "cannot extend data.mdb");
	if (rc || wu__idx_check_size(ix, err, errlen) || load(ix, err, errlen)) {
		wu_index_close(ix);
		return NULL;
	}
	ix->map_limit = io->map_size ? io->map_size : ix->limit_kept ? ix->limit_kept
	                                                              : DEFAULT_MAP_LIMIT;
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
	wu_str_free(&ix->log), wu_str_free(&ix->idq), wu_str_free(&ix->idc);
	free(ix->path);
	free(ix);
}

/* The number under key in *v. Absent: with found, *found 0 (and *v 0),
 * else a failure. 0, or -1 with the reason. */
static int get_u64(MDB_txn *t, MDB_dbi dbi, const char *key, uint64_t *v, int *found, char *err,
                   size_t errlen)
{
	MDB_val k = {strlen(key), (void *)key}, d;
	int rc = mdb_get(t, dbi, &k, &d);
	if (rc == 0 && d.mv_size != 8)
		rc = MDB_CORRUPTED;
	*v = rc ? 0 : get_le(d.mv_data, 8);
	if (found)
		*found = rc == 0;
	return rc && !(found && rc == MDB_NOTFOUND) ? idx_mdb(err, errlen, rc) : 0;
}

/* Writes v under key in ix's transaction t. 0, or -1 with the reason. */
static int put_u64(wu_index *ix, MDB_txn *t, MDB_dbi dbi, const char *key, uint64_t v, char *err,
                   size_t errlen)
{
	unsigned char b[8];
	put_le(b, v, 8);
	MDB_val k = {strlen(key), (void *)key}, d = {8, b};
	int rc = mdb_put(t, dbi, &k, &d, 0);
	return rc ? idx_write(ix, err, errlen, rc) : 0;
}

/* Writes a new environment's databases and parameters in one commit. */
static int init_env(const char *dir, const wu_opt *o, const wu_index_opt *io, char *err,
                    size_t errlen)
{
	wu_index tmp = {0};
	wu_str text = {0};
	MDB_txn *t = NULL;
	uint64_t limit = io->map_size ? io->map_size : DEFAULT_MAP_LIMIT;
	tmp.path = (char *)dir;
	tmp.writable = 1;
	int rc = open_env(&tmp, dir, io, limit < FIRST_MAP_SIZE ? limit : FIRST_MAP_SIZE, err, errlen);
	if (!rc && (rc = mdb_txn_begin(tmp.env, NULL, 0, &t)))
		rc = idx_lmdb_fail(err, errlen, "creating the index", rc);
	if (!rc)
		rc = open_dbis(&tmp, t, MDB_CREATE, err, errlen);
	if (!rc && wu__index_params_text(o, io->gen_bits, &text))
		rc = wu__fail(err, errlen, "out of memory");
	if (!rc) {
		MDB_val k = {6, "params"}, v = {text.n, text.s};
		int r = mdb_put(t, tmp.meta, &k, &v, 0);
		rc = r ? idx_mdb(err, errlen, r)
		   : put_u64(&tmp, t, tmp.meta, "next", 1, err, errlen) ||
		             put_u64(&tmp, t, tmp.meta, "sealed", 1, err, errlen) ||
		             put_u64(&tmp, t, tmp.meta, "map_limit", limit, err, errlen)
		       ? -1 : 0;
		if (rc)
			mdb_txn_abort(t);
		else if ((r = mdb_txn_commit(t)))
			rc = idx_mdb(err, errlen, r);
		t = NULL;
		if (rc)
			idx_context(err, errlen, "creating the index");
	}
	if (t)
		mdb_txn_abort(t);
	if (tmp.env)
		mdb_env_close(tmp.env);
	wu_str_free(&text);
	char *lock = wu__idx_join(dir, "writer.lock");
	int fd = lock ? open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
	if (fd >= 0)
		close(fd);
	else if (!rc)
		rc = wu__fail(err, errlen, "cannot create the writer lock: %s", strerror(errno));
	free(lock);
	return rc;
}

static void remove_dir(const char *dir)
{
	static const char *const files[] = {"data.mdb", "lock.mdb", "writer.lock", NULL};
	for (int i = 0; files[i]; i++) {
		char *p = wu__idx_join(dir, files[i]);
		if (p)
			unlink(p);
		free(p);
	}
	rmdir(dir);
}

/* Makes renames into dir durable. */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
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
	sync_dir(slash ? dir : ".");
	free(dir);
}

/* Does dir hold nothing? In *empty. At a volume's root (top), an empty
 * lost+found, as a new file system has, does not count (one that cannot
 * be read does). 0, or -1 with the reason. */
static int dir_is_empty(const char *dir, int top, int *empty, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	*empty = 1;
	if (!d)
		return wu__fail(err, errlen, "cannot read the directory: %s", strerror(errno));
	while (*empty && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = top && !strcmp(e->d_name, "lost+found") ? wu__idx_join(dir, e->d_name) : NULL;
		if (!sub || dir_is_empty(sub, 0, empty, NULL, 0))
			*empty = 0;
		free(sub);
	}
	closedir(d);
	return 0;
}

/* What is at the path to create: nothing, or (*empty_dir 1) an empty
 * directory (a mounted volume, say). 0, or -1 with the reason it is
 * refused. */
static int create_target(const char *path, int *empty_dir, char *err, size_t errlen)
{
	struct stat st;
	*empty_dir = 0;
	if (stat(path, &st))
		return errno == ENOENT ? 0 : wu__fail(err, errlen, "%s", strerror(errno));
	char *data = wu__idx_join(path, "data.mdb");
	int is_index = data && access(data, F_OK) == 0;
	free(data);
	if (is_index)
		return wu__fail(err, errlen, "already exists");
	if (!S_ISDIR(st.st_mode))
		return wu__fail(err, errlen, "already exists and is not a directory");
	if (dir_is_empty(path, 1, empty_dir, err, errlen))
		return -1;
	return *empty_dir ? 0 : wu__fail(err, errlen, "already exists, is not empty and is not an "
	                                "index (an index is made in a new or an empty directory)");
}

/* Moves name from folder from to folder to. 0, or -1 with the reason. */
static int move_in(const char *from, const char *to, const char *name, char *err, size_t errlen)
{
	char *a = wu__idx_join(from, name), *b = wu__idx_join(to, name);
	int rc = a && b ? rename(a, b) : (errno = ENOMEM, -1);
	if (rc)
		wu__fail(err, errlen, "cannot create: %s", strerror(errno));
	free(a), free(b);
	return rc;
}

/* Builds the index inside the existing empty directory path: in a folder
 * of its own there, then data.mdb moved in last, so path holds a whole
 * index or none (a killed create leaves that folder, .wiredup-create.PID). */
static int create_in(const char *path, const wu_opt *o, const wu_index_opt *io, char *err,
                     size_t errlen)
{
	char name[48];
	snprintf(name, sizeof name, ".wiredup-create.%ld", (long)getpid());
	char *tmp = wu__idx_join(path, name);
	if (!tmp)
		return wu__fail(err, errlen, "out of memory");
	int rc = mkdir(tmp, 0755) ? wu__fail(err, errlen, "cannot create %s: %s", tmp, strerror(errno))
	                          : init_env(tmp, o, io, err, errlen);
	if (!rc && (move_in(tmp, path, "writer.lock", err, errlen) ||
	            move_in(tmp, path, "data.mdb", err, errlen)))
		rc = -1;
	remove_dir(tmp); /* lock.mdb is made again on open */
	free(tmp);
	if (!rc)
		sync_dir(path);
	return rc;
}

/* Builds the index under a temporary name beside path and renames it: a
 * killed create leaves no half-made index under the real name. */
static int create_new(const char *path, const wu_opt *o, const wu_index_opt *io, char *err,
                      size_t errlen)
{
	size_t n = strlen(path) + 32;
	char *tmp = malloc(n);
	if (!tmp)
		return wu__fail(err, errlen, "out of memory");
	snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
	int rc = mkdir(tmp, 0755) ? wu__fail(err, errlen, "cannot create %s: %s", tmp, strerror(errno))
	                          : init_env(tmp, o, io, err, errlen);
	if (!rc && rename(tmp, path))
		rc = wu__fail(err, errlen, "cannot create: %s", strerror(errno));
	if (rc)
		remove_dir(tmp);
	free(tmp);
	if (!rc)
		sync_parent(path);
	return rc;
}

wu_index *wu_index_create(const char *path, const wu_opt *opt, const wu_index_opt *io,
                          char *err, size_t errlen)
{
	wu_index_opt def, reopen;
	wu_opt o = *opt;
	char why[160];
	if (!io) {
		wu_index_opt_init(&def);
		io = &def;
	}
	if (wu_opt_finish(&o, why, sizeof why)) {
		wu__fail(err, errlen, "%s", why);
		return NULL;
	}
	if (o.bands > MAX_BANDS) {
		wu__fail(err, errlen, "an index takes at most %d bands, not %d", MAX_BANDS, o.bands);
		return NULL;
	}
	if (io->gen_bits && (io->gen_bits < 6 || io->gen_bits > 16)) {
		wu__fail(err, errlen, "gen_bits must be 6..16, not %d", io->gen_bits);
		return NULL;
	}
	int in_dir;
	if (create_target(path, &in_dir, err, errlen) ||
	    (in_dir ? create_in(path, &o, io, err, errlen) : create_new(path, &o, io, err, errlen)))
		return NULL;
	reopen = *io;
	reopen.map_size = 0;
	return wu_index_open(path, &reopen, err, errlen);
}

/* ---- transactions ---- */

/* The newest date in the index, WU_NO_DATE when nothing is dated. 0, or
 * -1 with the reason. */
static int newest_date(const wu_index *ix, MDB_txn *t, int32_t *newest, char *err, size_t errlen)
{
	MDB_cursor *c;
	MDB_val k, v;
	*newest = WU_NO_DATE;
	int rc = mdb_cursor_open(t, ix->dates, &c);
	if (rc)
		return idx_mdb(err, errlen, rc);
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	if (rc == 0 && key_date(&k) == WU_NO_DATE)
		rc = mdb_cursor_get(c, &k, &v, MDB_PREV_NODUP);
	if (rc == 0)
		*newest = key_date(&k);
	mdb_cursor_close(c);
	return rc && rc != MDB_NOTFOUND ? idx_mdb(err, errlen, rc) : 0;
}

static int usable(const wu_index *ix, char *err, size_t errlen)
{
	if (ix->normalize_version != WU_NORMALIZE_VERSION)
		return wu__fail(err, errlen,
		               "index built with text normalization version %d; this wiredup has "
		               "version %d: its signatures would not match new articles. Rebuild it: "
		               "make a new index ('wiredup index create NEW') and add the articles "
		               "again ('wiredup index add NEW FILE...')",
		               ix->normalize_version, WU_NORMALIZE_VERSION);
	return 0;
}

int wu__idx_begin(wu_index *ix, char *err, size_t errlen)
{
	int rc = mdb_txn_begin(ix->env, NULL, 0, &ix->wtxn);
	if (rc) {
		ix->wtxn = NULL;
		return idx_lmdb_fail(err, errlen, "starting a batch", rc);
	}
	ix->pending = 0;
	if (get_u64(ix->wtxn, ix->meta, "next", &ix->next, NULL, err, errlen) ||
	    get_u64(ix->wtxn, ix->meta, "sealed", &ix->sealed, NULL, err, errlen) ||
	    newest_date(ix, ix->wtxn, &ix->newest, err, errlen)) {
		wu_index_abort(ix);
		return idx_context(err, errlen, "starting a batch");
	}
	return 0;
}

static int begin_write(wu_index *ix, char *err, size_t errlen)
{
	if (ix->wtxn)
		return 0;
	if (!ix->writable)
		return wu__fail(err, errlen, "the index is open read-only");
	if (usable(ix, err, errlen))
		return -1;
	ix->log.n = 0;
	return wu__idx_begin(ix, err, errlen);
}

void wu_index_abort(wu_index *ix)
{
	if (ix->wtxn)
		mdb_txn_abort(ix->wtxn);
	ix->wtxn = NULL;
	wu__idx_pend_clear(&ix->pend);
	ix->pending = 0;
	ix->log.n = 0;
	ix->map_full = 0;
}

size_t wu_index_pending(const wu_index *ix)
{
	return ix->wtxn ? ix->pending : 0;
}

static int expire_in(wu_index *ix, int32_t before, size_t max, size_t *n_removed, char *err,
                     size_t errlen);
static int drop_batch(wu_index *ix, char *err, size_t errlen);

/* The date a window ends at: the newest date seen, but never after the
 * clock's (when set), so that one article dated far ahead cannot move the
 * window past everything else and expire it. */
static int32_t window_end(const wu_index *ix, int32_t newest)
{
	if (newest != WU_NO_DATE && ix->today != WU_NO_DATE && newest > ix->today)
		return ix->today;
	return newest;
}

/* One try at committing: the window's expiry, the segment, the counters,
 * LMDB's commit. After the commit was tried, the batch is gone either way. */
static int commit_once(wu_index *ix, char *err, size_t errlen)
{
	int32_t end = window_end(ix, ix->newest);
	if ((ix->window > 0 && end != WU_NO_DATE &&
	     expire_in(ix, end - ix->window, 0, NULL, err, errlen)) ||
	    wu__idx_seal_complete(ix, err, errlen))
		return -1;
	if (put_u64(ix, ix->wtxn, ix->meta, "next", ix->next, err, errlen) ||
	    put_u64(ix, ix->wtxn, ix->meta, "sealed", ix->sealed, err, errlen) ||
	    (ix->map_limit != ix->limit_kept && /* a limit raised (or lowered) on open */
	     put_u64(ix, ix->wtxn, ix->meta, "map_limit", ix->map_limit, err, errlen)))
		return idx_context(err, errlen, "committing");
	int rc = mdb_txn_commit(ix->wtxn); /* frees the transaction, even on failure */
	ix->wtxn = NULL;
	if (rc)
		return write_fail(ix, err, errlen, "committing", rc);
	ix->limit_kept = ix->map_limit;
	return 0;
}

int wu_index_commit(wu_index *ix, char *err, size_t errlen)
{
	if (!ix->wtxn)
		return 0;
	int rc;
	while ((rc = commit_once(ix, err, errlen)) && ix->map_full &&
	       wu__idx_grow_map(ix, err, errlen) == 0)
		;
	if (rc)
		return drop_batch(ix, err, errlen);
	wu_index_abort(ix); /* done with: the table, the log */
	return wu__idx_cover_last_page(ix, err, errlen) ? idx_context(err, errlen, "committing") : 0;
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
		return idx_lmdb_fail(err, errlen, "reading the index", rc);
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

/* The stored article with this id (equal as a JSON value): *found 1 and
 * the article in *art, or *found 0 when none. 0, or -1 with a reason. */
static int find_id(wu_index *ix, MDB_txn *t, const char *id, size_t len, uint64_t *art,
                   int *found, char *err, size_t errlen)
{
	*found = 0;
	uint64_t key = 0; /* set by id_key; gcc -O2 cannot tell */
	size_t taken = 0, qn, cn;
	const char *q = wu__id_key(id, len, &ix->idq, &qn);
	ix->cand.n = 0;
	int rc = !q || id_key(ix, id, len, &ix->idq, &key) ? wu__fail(err, errlen, "out of memory")
	                                                   : wu__idx_segment_lookup(ix, t, key, err, errlen);
	if (!rc && t == ix->wtxn && wu__idx_pend_scan(ix, key, SIZE_MAX, &taken))
		rc = wu__fail(err, errlen, "out of memory");
	if (rc)
		return idx_context(err, errlen, "looking up an id");
	for (size_t i = 0; i < ix->cand.n; i++) {
		wu__index_record r;
		int gone;
		if (wu__idx_fetch(ix, t, ix->cand.a[i], &r, &gone, err, errlen))
			return -1;
		const char *c = gone ? NULL : wu__id_key(r.id, r.id_len, &ix->idc, &cn);
		if (!gone && !c) {
			wu__fail(err, errlen, "out of memory");
			return -1; /* here, where the analyzer sees it */
		}
		if (c && cn == qn && !memcmp(c, q, qn)) {
			*art = ix->cand.a[i];
			*found = 1;
			return 0;
		}
	}
	return 0;
}

/* ---- adding ---- */

/* Writes article art: its record, band and id entries, date entry and
 * log entry. 0, or -1 with the reason. */
static int put_article(wu_index *ix, const wu_index_article *a, uint64_t art, char *err,
                       size_t errlen)
{
	unsigned char kb[8], dk[4];
	uint64_t key;
	put_be64(kb, art);
	if (wu__idx_encode(ix, a) || id_key(ix, a->id, a->id_len, &ix->idc, &key))
		return wu__fail(err, errlen, "out of memory");
	MDB_val k = {8, kb}, v = {ix->rec.n, ix->rec.s};
	int rc = mdb_put(ix->wtxn, ix->articles, &k, &v, MDB_APPEND);
	if (rc)
		return idx_write(ix, err, errlen, rc);
	int no_mem = wu__idx_pend_add(&ix->pend, key, art - ix->sealed);
	for (int b = 0; !no_mem && b < ix->opt.bands; b++)
		no_mem = wu__idx_pend_add(&ix->pend, seg_key(b, wu_band_key(a->sig, b, &ix->opt)),
		                          art - ix->sealed);
	if (no_mem)
		return wu__fail(err, errlen, "out of memory");
	date_key(a->date, dk);
	MDB_val dkey = {4, dk}, dval = {8, kb};
	if ((rc = mdb_put(ix->wtxn, ix->dates, &dkey, &dval, MDB_APPENDDUP)))
		return idx_write(ix, err, errlen, rc);
	return wu__idx_log_add(ix) ? wu__fail(err, errlen, "out of memory") : 0;
}

/* Adds an article known to be new as the next article; -1 with a reason
 * (and ix->map_full when the map is full) leaves the batch to the caller. */
static int add_new(wu_index *ix, const wu_index_article *a, char *err, size_t errlen)
{
	if (ix->next == 0 || ix->next > ART_MAX)
		return wu__fail(err, errlen, "damaged index: next article number %llu",
		               (unsigned long long)ix->next);
	if (put_article(ix, a, ix->next, err, errlen))
		return idx_context(err, errlen, "adding an article");
	ix->next++;
	ix->pending++;
	if (a->date != WU_NO_DATE && (ix->newest == WU_NO_DATE || a->date > ix->newest))
		ix->newest = a->date;
	return 0;
}

int wu__idx_put_logged(wu_index *ix, const MDB_val *rec, char *err, size_t errlen)
{
	wu__index_record r;
	const uint32_t *sig = wu__idx_decode(ix, rec, &r) ? NULL : wu__idx_record_sig(ix, &r);
	if (!sig)
		return wu__fail(err, errlen, "out of memory"); /* the log was encoded here: not damage */
	wu_index_article a = {r.id, r.id_len, r.date, r.source, r.source_len, r.n_shingles, sig};
	return add_new(ix, &a, err, errlen);
}

/* Drops the batch after a failure, saying so in err. */
static int drop_batch(wu_index *ix, char *err, size_t errlen)
{
	size_t n = strlen(err);
	if (n + 1 < errlen)
		snprintf(err + n, errlen - n, " (the uncommitted batch was dropped)");
	wu_index_abort(ix);
	return -1;
}

int wu_index_add(wu_index *ix, const wu_index_article *a, int *added, char *err,
                 size_t errlen)
{
	int dummy = 0; /* cppcheck cannot see it is written before it is read */
	added = added ? added : &dummy;
	*added = 0;
	if (a->id_len == 0 || a->id_len > WU__IDX_MAX_LEN)
		return wu__fail(err, errlen, "an id of %zu bytes (1 to %d allowed)", a->id_len, WU__IDX_MAX_LEN);
	if (begin_write(ix, err, errlen))
		return -1;
	uint64_t art;
	int found;
	if (find_id(ix, ix->wtxn, a->id, a->id_len, &art, &found, err, errlen))
		return -1;
	if (found)
		return 0;
	while (add_new(ix, a, err, errlen))
		if (!ix->map_full || wu__idx_grow_map(ix, err, errlen))
			return drop_batch(ix, err, errlen);
	*added = 1;
	return 0;
}


/* ---- expiry ---- */

/* Deletes an article's record, and its entries if its batch is open. */
static int remove_article(wu_index *ix, uint64_t art, char *err, size_t errlen)
{
	wu__index_record r;
	uint64_t key;
	if (wu__idx_get_record(ix, ix->wtxn, art, &r, err, errlen))
		return -1;
	/* r points into pages the deletes below may move: take what we need. */
	const uint32_t *sig = wu__idx_record_sig(ix, &r);
	if (!sig || id_key(ix, r.id, r.id_len, &ix->idc, &key))
		return wu__fail(err, errlen, "out of memory");
	/* A segment's entries stay until all of its articles have expired. */
	for (int b = 0; art >= ix->sealed && b < ix->opt.bands; b++)
		wu__idx_pend_drop(&ix->pend, seg_key(b, wu_band_key(sig, b, &ix->opt)), art - ix->sealed);
	if (art >= ix->sealed)
		wu__idx_pend_drop(&ix->pend, key, art - ix->sealed);
	unsigned char kb[8];
	put_be64(kb, art);
	MDB_val ak = {8, kb};
	int rc = mdb_del(ix->wtxn, ix->articles, &ak, NULL);
	return rc ? write_fail(ix, err, errlen, "expiring an article", rc) : 0;
}

static int expire_in(wu_index *ix, int32_t before, size_t max, size_t *n_removed, char *err,
                     size_t errlen)
{
	MDB_cursor *c;
	MDB_val k, v;
	size_t n = 0;
	int failed = 0, rc = mdb_cursor_open(ix->wtxn, ix->dates, &c);
	if (rc)
		return idx_lmdb_fail(err, errlen, "expiring", rc);
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
	if (rc && rc != MDB_NOTFOUND)
		return write_fail(ix, err, errlen, "expiring", rc);
	if (n && wu__idx_drop_empty_segments(ix, err, errlen))
		return idx_context(err, errlen, "expiring");
	return 0;
}

int wu__idx_expire_logged(wu_index *ix, int32_t before, size_t max, char *err, size_t errlen)
{
	return expire_in(ix, before, max, NULL, err, errlen);
}

int wu_index_expire(wu_index *ix, int32_t before, size_t max, size_t *n_removed, char *err,
                    size_t errlen)
{
	if (n_removed)
		*n_removed = 0;
	if (begin_write(ix, err, errlen))
		return -1;
	while (expire_in(ix, before, max, n_removed, err, errlen))
		if (!ix->map_full || wu__idx_grow_map(ix, err, errlen))
			return drop_batch(ix, err, errlen);
	if (wu__idx_log_expire(ix, before, max)) {
		wu__fail(err, errlen, "out of memory");
		return drop_batch(ix, err, errlen);
	}
	return 0;
}

void wu_index_set_window(wu_index *ix, int days)
{
	ix->window = days > 0 ? days : 0;
}

void wu_index_set_today(wu_index *ix, int32_t today)
{
	ix->today = today;
}

/* ---- queries ---- */

/* Every band's candidates, sorted and unique, in ix->cand: from the
 * segments, oldest first, then from the open batch; at most opt->max_bucket
 * a band, the oldest (as wu_cluster() links a big bucket's members to its
 * first members only). */
static int candidates(wu_index *ix, MDB_txn *t, const uint32_t *sig, char *err, size_t errlen)
{
	size_t max = (size_t)ix->opt.max_bucket;
	ix->cand.n = 0;
	for (int b = 0; b < ix->opt.bands; b++) {
		ix->skey[b] = seg_key(b, wu_band_key(sig, b, &ix->opt));
		ix->taken[b] = 0;
	}
	if (wu__idx_segment_candidates(ix, t, err, errlen))
		return -1;
	for (int b = 0; t == ix->wtxn && b < ix->opt.bands; b++)
		if (wu__idx_pend_scan(ix, ix->skey[b], max, &ix->taken[b]))
			return wu__fail(err, errlen, "out of memory");
	return wu__sort_unique_u64(ix->cand.a, &ix->cand.n) ? wu__fail(err, errlen, "out of memory")
	                                                     : 0;
}

static void set_match(wu_index_match *m, uint64_t art, const wu__index_record *r, double sim)
{
	m->found = 1;
	m->article = art;
	m->date = r->date;
	m->similarity = sim;
}

static double record_similarity(wu_index *ix, const wu_index_article *a, const wu__index_record *r)
{
	const uint32_t *sig = wu__idx_record_sig(ix, r);
	double j = sig ? wu_sig_jaccard(a->sig, sig, ix->opt.num_perm) : 0.0;
	return wu_pair_similarity(j, a->n_shingles, r->n_shingles, &ix->opt);
}

/* The oldest date a window lets a query match (INT32_MIN: no limit). 0,
 * or -1 with the reason. */
static int window_start(wu_index *ix, MDB_txn *t, int32_t date, int32_t *start, char *err,
                        size_t errlen)
{
	int32_t newest = WU_NO_DATE;
	*start = INT32_MIN;
	if (ix->window <= 0)
		return 0;
	if (newest_date(ix, t, &newest, err, errlen))
		return -1;
	if (date != WU_NO_DATE && (newest == WU_NO_DATE || date > newest))
		newest = date;
	newest = window_end(ix, newest);
	if (newest != WU_NO_DATE)
		*start = newest - ix->window;
	return 0;
}

static int best_candidate(wu_index *ix, MDB_txn *t, const wu_index_article *a,
                          wu_index_match *m, char *err, size_t errlen)
{
	int32_t start;
	if (candidates(ix, t, a->sig, err, errlen) ||
	    window_start(ix, t, a->date, &start, err, errlen))
		return idx_context(err, errlen, "querying");
	for (size_t i = 0; i < ix->cand.n; i++) {
		wu__index_record r;
		int gone;
		if (wu__idx_fetch(ix, t, ix->cand.a[i], &r, &gone, err, errlen))
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
	uint64_t art = 0;
	wu__index_record r;
	int found;
	if (find_id(ix, t, a->id, a->id_len, &art, &found, err, errlen))
		return -1;
	if (found) {
		if (wu__idx_get_record(ix, t, art, &r, err, errlen))
			return -1;
		set_match(m, art, &r, record_similarity(ix, a, &r));
		m->same_id = 1;
	} else if (best_candidate(ix, t, a, m, err, errlen)) {
		return -1;
	}
	if (!m->found)
		return 0;
	if (wu__idx_get_record(ix, t, m->article, &r, err, errlen))
		return -1;
	if (wu__str_append(&m->id, r.id, r.id_len) || wu__str_putc(&m->id, '\0'))
		return wu__fail(err, errlen, "out of memory");
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

static int count_dates(wu_index *ix, MDB_txn *t, wu_index_stats *st, char *err, size_t errlen)
{
	MDB_cursor *c;
	MDB_val k, v;
	unsigned char nk[4];
	size_t undated = 0;
	int rc = mdb_cursor_open(t, ix->dates, &c);
	if (rc)
		return idx_mdb(err, errlen, rc);
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
		return idx_mdb(err, errlen, rc);
	return newest_date(ix, t, &st->last_date, err, errlen);
}

/* Pages on LMDB's free list: the file's slack, reused by later commits.
 * 0, or -1 with the reason. */
static int free_pages(MDB_txn *t, size_t *n, char *err, size_t errlen)
{
	MDB_cursor *c;
	MDB_val k, v;
	*n = 0;
	int rc = mdb_cursor_open(t, 0, &c); /* database 0 is LMDB's free list */
	if (rc)
		return idx_mdb(err, errlen, rc);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
		if (v.mv_size >= sizeof(size_t)) {
			size_t count;
			memcpy(&count, v.mv_data, sizeof count);
			*n += count;
		}
	mdb_cursor_close(c);
	return rc && rc != MDB_NOTFOUND ? idx_mdb(err, errlen, rc) : 0;
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
	int failed = rc ? idx_mdb(err, errlen, rc)
	                : count_dates(ix, t, st, err, errlen) || free_pages(t, &n_free, err, errlen);
	read_end(ix);
	if (failed)
		return idx_context(err, errlen, "reading the index");
	char *data = wu__idx_join(ix->path, "data.mdb");
	if (data && stat(data, &fs) == 0)
		st->file_bytes = (uint64_t)fs.st_size;
	free(data);
	if (mdb_env_info(ix->env, &info) == 0 && mdb_env_stat(ix->env, &ms) == 0) {
		st->map_size = info.me_mapsize;
		st->map_limit = ix->map_limit;
		st->used_bytes = ((uint64_t)info.me_last_pgno + 1 - n_free) * ms.ms_psize;
	}
	return 0;
}

/* Does the batch again from its log, in the transaction just begun. */
static int replay(wu_index *ix, char *err, size_t errlen)
{
	size_t pos = 0;
	wu__idx_logged e;
	int rc = 0;
	ix->replaying = 1; /* nothing is logged twice, and the log stays put */
	while (!rc && wu__idx_log_next(ix, &pos, &e))
		rc = e.add ? wu__idx_put_logged(ix, &e.rec, err, errlen)
		           : wu__idx_expire_logged(ix, e.before, e.max, err, errlen);
	ix->replaying = 0;
	return rc;
}

/* The batch failed on a full map: grows the map (index_grow.c) and does
 * the batch again (growing again while it does not fit). 0 with the batch
 * open again as it was, or -1 (the caller drops the batch). */
int wu__idx_grow_map(wu_index *ix, char *err, size_t errlen)
{
	for (;;) {
		if (wu__idx_enlarge_map(ix, err, errlen) || wu__idx_begin(ix, err, errlen))
			return -1;
		if (replay(ix, err, errlen) == 0)
			return 0;
		if (!ix->map_full)
			return -1;
	}
}

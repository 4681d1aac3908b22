/* Reading input: JSONL files (plain or compressed, or stdin) line by line,
 * and directories of article files. One stream layer reads every file: it
 * looks at the first bytes (gzip, xz, bzip2 and zstd are decompressed here,
 * member after member; UTF-16 is refused by name; a UTF-8 byte order mark
 * is skipped), and it tells a clean end from a cut or damaged one, which
 * zlib's gzread does not (it ends a truncated file quietly and passes over
 * trailing garbage). Memory stays bounded by the batch and the maximum
 * record size, whatever the input. */
#define _DEFAULT_SOURCE
#include "input.h"
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <bzlib.h>
#include <lzma.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

/* Read size (and the compressed read-ahead). A build may shrink it: the
 * gzip fuzz harness opens a reader per input, where a megabyte to map and
 * unmap each time is most of the work. */
#ifndef APP_INPUT_CHUNK
#define APP_INPUT_CHUNK (1u << 20)
#endif
#define CHUNK ((unsigned)APP_INPUT_CHUNK)
#define MAGIC_BYTES 6 /* enough for every format recognised */
#define ERR_LEN 320

/* ---- what the first bytes say ---- */

app_input_kind app_input_detect(const unsigned char *p, size_t n)
{
	static const unsigned char xz[6] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
	static const unsigned char zstd[4] = {0x28, 0xb5, 0x2f, 0xfd};
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return APP_KIND_GZIP;
	if (n >= 6 && !memcmp(p, xz, 6))
		return APP_KIND_XZ;
	if (n >= 4 && !memcmp(p, zstd, 4))
		return APP_KIND_ZSTD;
	/* "BZh" then the block size digit: text starting "BZh" is left alone */
	if (n >= 4 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9')
		return APP_KIND_BZIP2;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return APP_KIND_UTF8_BOM;
	if (n >= 2 && p[0] == 0xff && p[1] == 0xfe)
		return APP_KIND_UTF16LE;
	if (n >= 2 && p[0] == 0xfe && p[1] == 0xff)
		return APP_KIND_UTF16BE;
	return APP_KIND_TEXT;
}

const char *app_input_refusal(app_input_kind k, const char *name, char *buf, size_t len)
{
	if (k != APP_KIND_UTF16LE && k != APP_KIND_UTF16BE)
		return NULL;
	snprintf(buf, len,
	         "UTF-16 text (%s byte order mark); convert it to UTF-8 first "
	         "(iconv -f UTF-16 -t UTF-8 %s | wiredup cluster -)",
	         k == APP_KIND_UTF16LE ? "little-endian" : "big-endian", name);
	return buf;
}

/* ---- one open file, decompressed ---- */

enum { CODEC_PLAIN, CODEC_GZIP, CODEC_XZ, CODEC_BZIP2, CODEC_ZSTD };
static const char *const codec_name[] = {"plain", "gzip", "xz", "bzip2", "zstd"};

typedef struct {
	int fd;
	int codec;
	int started;   /* the content's first bytes were looked at */
	int end;       /* 1 at the clean end, -1 after an error (err says) */
	int in_member; /* inside a member (gzip, bzip2) or frame (zstd), its end not seen */
	int live;      /* the decoder was set up (and must be freed) */
	z_stream z;
	lzma_stream lz;
	bz_stream bz;
	ZSTD_DStream *zs;
	unsigned char *raw; /* read-ahead: compressed bytes, or a plain file's first */
	const unsigned char *in_p; /* compressed: what is unread of raw */
	size_t in_n;
	size_t rpos, rlen;  /* plain: what is left of raw */
	int raw_eof;
	char err[ERR_LEN];
} stream;

static int stream_fail(stream *s, const char *what, const char *detail)
{
	snprintf(s->err, sizeof s->err, "%s%s%s%s", what, detail ? " (" : "", detail ? detail : "",
	         detail ? ")" : "");
	s->end = -1;
	return -1;
}

/* "<codec> <what>", with a detail in parentheses. */
static int codec_fail(stream *s, const char *what, const char *detail)
{
	char w[96];
	snprintf(w, sizeof w, what, codec_name[s->codec]);
	return stream_fail(s, w, detail);
}

/* read(2) into buf: bytes, 0 at the end, -1 (s->err set). An interrupted
 * read is an error, not retried: the signal is the program being asked to
 * stop, and a blocked read of a pipe must give way to it. */
static long raw_read(stream *s, void *buf, size_t cap)
{
	ssize_t n = read(s->fd, buf, cap);
	if (n < 0)
		return stream_fail(s, "read error", strerror(errno));
	return (long)n;
}

/* Fills raw (keeping what is unread) from the file; -1 on a read error. */
static int refill(stream *s)
{
	size_t keep = s->in_n;
	if (keep && s->in_p != s->raw)
		memmove(s->raw, s->in_p, keep);
	long n = raw_read(s, s->raw + keep, CHUNK - keep);
	if (n < 0)
		return -1;
	s->raw_eof = n == 0;
	s->in_p = s->raw;
	s->in_n = keep + (size_t)n;
	return 0;
}

/* One call of the decoder from in_p/in_n into *out (left bytes free),
 * both advanced: 1 at the end of a member, 0 to go on, -1 (s->err set). */
static int step_gzip(stream *s, char **out, size_t *left)
{
	s->z.next_in = (Bytef *)s->in_p, s->z.avail_in = (uInt)s->in_n;
	s->z.next_out = (Bytef *)*out, s->z.avail_out = (uInt)*left;
	int rc = inflate(&s->z, Z_NO_FLUSH);
	s->in_p = s->z.next_in, s->in_n = s->z.avail_in;
	*out += *left - s->z.avail_out, *left = s->z.avail_out;
	if (rc == Z_STREAM_END || rc == Z_OK || rc == Z_BUF_ERROR)
		return rc == Z_STREAM_END;
	if (rc == Z_MEM_ERROR)
		return stream_fail(s, "out of memory decompressing", NULL);
	return codec_fail(s, "%s data damaged", s->z.msg ? s->z.msg : "bad data");
}

static const char *lzma_why(lzma_ret rc)
{
	return rc == LZMA_FORMAT_ERROR    ? "not xz data"
	     : rc == LZMA_OPTIONS_ERROR   ? "unsupported options"
	     : rc == LZMA_DATA_ERROR      ? "corrupt data"
	     : rc == LZMA_MEMLIMIT_ERROR  ? "memory limit"
	                                  : "bad data";
}

static int step_xz(stream *s, char **out, size_t *left)
{
	s->lz.next_in = s->in_p, s->lz.avail_in = s->in_n;
	s->lz.next_out = (uint8_t *)*out, s->lz.avail_out = *left;
	/* the whole rest is in the buffer at the end: FINISH checks that it ends */
	lzma_ret rc = lzma_code(&s->lz, s->raw_eof ? LZMA_FINISH : LZMA_RUN);
	s->in_p = s->lz.next_in, s->in_n = s->lz.avail_in;
	*out += *left - s->lz.avail_out, *left = s->lz.avail_out;
	if (rc == LZMA_OK || rc == LZMA_STREAM_END)
		return rc == LZMA_STREAM_END;
	if (rc == LZMA_BUF_ERROR)
		return codec_fail(s, "%s stream ends early", "unexpected end of file");
	if (rc == LZMA_MEM_ERROR)
		return stream_fail(s, "out of memory decompressing", NULL);
	return codec_fail(s, "%s data damaged", lzma_why(rc));
}

static int step_bzip2(stream *s, char **out, size_t *left)
{
	s->bz.next_in = (char *)s->in_p, s->bz.avail_in = (unsigned)s->in_n;
	s->bz.next_out = *out, s->bz.avail_out = (unsigned)*left;
	int rc = BZ2_bzDecompress(&s->bz);
	s->in_p = (const unsigned char *)s->bz.next_in, s->in_n = s->bz.avail_in;
	*out += *left - s->bz.avail_out, *left = s->bz.avail_out;
	if (rc == BZ_OK || rc == BZ_STREAM_END)
		return rc == BZ_STREAM_END;
	if (rc == BZ_MEM_ERROR)
		return stream_fail(s, "out of memory decompressing", NULL);
	return codec_fail(s, "%s data damaged", rc == BZ_DATA_ERROR_MAGIC ? "bad magic" : "bad data");
}

static int step_zstd(stream *s, char **out, size_t *left)
{
	ZSTD_inBuffer in = {s->in_p, s->in_n, 0};
	ZSTD_outBuffer o = {*out, *left, 0};
	size_t rc = ZSTD_decompressStream(s->zs, &o, &in);
	s->in_p += in.pos, s->in_n -= in.pos;
	*out += o.pos, *left -= o.pos;
	if (ZSTD_isError(rc))
		return codec_fail(s, "%s data damaged", ZSTD_getErrorName(rc));
	return rc == 0; /* a frame decoded and flushed */
}

/* After a member: 1 when another follows, 0 at the end of the file, -1
 * when other bytes follow (gzip -t: "trailing garbage"). xz's decoder
 * reads concatenated streams itself; zstd's starts a new frame itself. */
static int next_member(stream *s)
{
	while (s->in_n < 3 && !s->raw_eof)
		if (refill(s))
			return -1;
	if (s->in_n == 0)
		return 0;
	const unsigned char *p = s->in_p;
	int ok = s->codec == CODEC_GZIP  ? s->in_n >= 2 && p[0] == 0x1f && p[1] == 0x8b
	       : s->codec == CODEC_BZIP2 ? s->in_n >= 3 && !memcmp(p, "BZh", 3)
	       : s->codec == CODEC_ZSTD;
	if (!ok)
		return codec_fail(s, "trailing bytes that are not %s data", NULL);
	if (s->codec == CODEC_GZIP && inflateReset(&s->z) != Z_OK)
		return codec_fail(s, "%s data damaged", s->z.msg);
	if (s->codec == CODEC_BZIP2) {
		BZ2_bzDecompressEnd(&s->bz);
		memset(&s->bz, 0, sizeof s->bz);
		if (BZ2_bzDecompressInit(&s->bz, 0, 0) != BZ_OK)
			return stream_fail(s, "out of memory decompressing", NULL);
	}
	s->in_member = 1;
	return 1;
}

/* Decompresses into dst: bytes, 0 at the end, -1 on damage or a cut. Bytes
 * decoded before the damage come first, the error on the next call. */
static long decode_some(stream *s, char *dst, size_t cap)
{
	char *out = dst;
	size_t left = cap;
	while (left == cap && !s->end) {
		if (!s->in_member) {
			int r = next_member(s);
			if (r == 0)
				s->end = 1;
			if (r <= 0)
				break;
		}
		if (s->in_n == 0 && !s->raw_eof && refill(s))
			break;
		int r = s->codec == CODEC_GZIP ? step_gzip(s, &out, &left)
		      : s->codec == CODEC_XZ   ? step_xz(s, &out, &left)
		      : s->codec == CODEC_BZIP2 ? step_bzip2(s, &out, &left)
		                               : step_zstd(s, &out, &left);
		if (r < 0)
			break;
		if (r == 1)
			s->in_member = 0;
		else if (left == cap && s->in_n == 0 && s->raw_eof) /* nothing more can come */
			codec_fail(s, "%s stream ends early", "unexpected end of file");
	}
	size_t got = cap - left;
	return got ? (long)got : s->end < 0 ? -1 : 0;
}

static long stream_read_raw(stream *s, char *dst, size_t cap)
{
	if (s->end)
		return s->end < 0 ? -1 : 0;
	if (s->codec != CODEC_PLAIN)
		return decode_some(s, dst, cap);
	if (s->rpos < s->rlen) {
		size_t n = s->rlen - s->rpos < cap ? s->rlen - s->rpos : cap;
		memcpy(dst, s->raw + s->rpos, n);
		s->rpos += n;
		return (long)n;
	}
	long n = raw_read(s, dst, cap);
	if (n == 0)
		s->end = 1;
	return n;
}

/* Reads up to cap (>= 3) bytes of content: bytes, 0 at the end, -1 (s->err
 * says why). The content's first bytes are looked at once: a UTF-8 byte
 * order mark is dropped, UTF-16 refused. */
static long stream_read(stream *s, char *dst, size_t cap, const char *name)
{
	if (s->started)
		return stream_read_raw(s, dst, cap);
	s->started = 1;
	size_t got = 0;
	long n;
	while (got < 3 && (n = stream_read_raw(s, dst + got, cap - got)) > 0)
		got += (size_t)n;
	/* three bytes: the marks, not a compressed format inside gzip */
	app_input_kind k = app_input_detect((const unsigned char *)dst, got < 3 ? got : 3);
	if (app_input_refusal(k, name, s->err, sizeof s->err)) {
		s->end = -1;
		return -1;
	}
	if (k == APP_KIND_UTF8_BOM) {
		memmove(dst, dst + 3, got - 3);
		got -= 3;
		if (got == 0)
			return stream_read_raw(s, dst, cap);
	}
	return got ? (long)got : stream_read_raw(s, dst, cap);
}

static void stream_close(stream *s)
{
	if (s->live && s->codec == CODEC_GZIP)
		inflateEnd(&s->z);
	if (s->live && s->codec == CODEC_XZ)
		lzma_end(&s->lz);
	if (s->live && s->codec == CODEC_BZIP2)
		BZ2_bzDecompressEnd(&s->bz);
	if (s->codec == CODEC_ZSTD)
		ZSTD_freeDStream(s->zs);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->live = 0;
	s->zs = NULL;
}

/* Sets up the decoder of kind k; 0, or -1 (s->err set). */
static int decoder_init(stream *s, app_input_kind k)
{
	s->codec = k == APP_KIND_GZIP ? CODEC_GZIP : k == APP_KIND_XZ ? CODEC_XZ
	         : k == APP_KIND_BZIP2 ? CODEC_BZIP2 : CODEC_ZSTD;
	int ok;
	if (s->codec == CODEC_GZIP) {
		ok = inflateInit2(&s->z, 15 + 16) == Z_OK;
	} else if (s->codec == CODEC_XZ) {
		s->lz = (lzma_stream)LZMA_STREAM_INIT;
		ok = lzma_stream_decoder(&s->lz, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
	} else if (s->codec == CODEC_BZIP2) {
		ok = BZ2_bzDecompressInit(&s->bz, 0, 0) == BZ_OK;
	} else {
		s->zs = ZSTD_createDStream();
		ok = s->zs && !ZSTD_isError(ZSTD_initDStream(s->zs));
	}
	s->live = ok;
	s->in_member = 1;
	s->in_p = s->raw;
	s->in_n = s->rlen;
	return ok ? 0 : stream_fail(s, "out of memory opening compressed data", NULL);
}

static const char *file_type(mode_t m)
{
	return S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : S_ISCHR(m) ? "a character device"
	     : S_ISBLK(m) ? "a block device" : S_ISDIR(m) ? "a folder" : "not a regular file";
}

/* Opens path ("-": a copy of stdin) into s, raw being the caller's CHUNK
 * buffer. A file met in a walk (walked) is opened without blocking (a FIFO
 * in an article folder must not hang the run) and must be a regular file.
 * 0, or -1 with s->err set. */
static int stream_open(stream *s, const char *path, const char *name, int walked,
                       unsigned char *raw)
{
	memset(s, 0, sizeof *s);
	s->raw = raw;
	s->fd = !strcmp(path, "-") ? dup(0)
	      : open(path, O_RDONLY | O_NOCTTY | (walked ? O_NONBLOCK : 0));
	if (s->fd < 0)
		return stream_fail(s, "cannot open", strerror(errno));
	struct stat st = {.st_mode = 0};
	if (walked && (fstat(s->fd, &st) || !S_ISREG(st.st_mode))) {
		char why[64];
		snprintf(why, sizeof why, "not a regular file: %s", file_type(st.st_mode));
		return stream_fail(s, why, NULL);
	}
	while (s->rlen < MAGIC_BYTES) { /* a pipe may hand over a byte at a time */
		long n = raw_read(s, raw + s->rlen, CHUNK - s->rlen);
		if (n < 0)
			return -1;
		if (n == 0) {
			s->raw_eof = 1;
			break;
		}
		s->rlen += (size_t)n;
	}
	app_input_kind k = app_input_detect(raw, s->rlen);
	if (app_input_refusal(k, name, s->err, sizeof s->err)) {
		s->end = -1;
		return -1;
	}
	return k >= APP_KIND_GZIP ? decoder_init(s, k) : 0;
}

/* ---- the list of inputs ---- */

typedef struct {
	char *path;  /* what is opened */
	char *name;  /* what the user sees in messages */
	char *id;    /* article files: relative path, the article's id */
	char *error; /* found unreadable during the walk: why */
	int is_file;
	int walked;  /* found in a walk: opened without blocking, regular files only */
} entry;

/* Folders already read in the current walk (device + inode). */
typedef struct {
	dev_t dev;
	ino_t ino;
} dir_key;

typedef struct {
	dir_key *k;
	char *used;
	size_t n, cap; /* cap: a power of two */
} dir_set;

struct app_input {
	char **paths;
	int n_paths, next_path;
	entry *files; /* every input file, in order */
	size_t n_files, cap_files, cur;
	size_t max_bytes;
	size_t n_hidden, n_repeat;
	stream st;     /* the JSONL file being read (st_open) */
	int st_open;
	uint64_t line; /* lines begun */
	uint64_t done; /* lines ended by their newline */
	char *buf;     /* read-ahead */
	unsigned char *raw; /* the stream's */
	size_t pos, len;
	int eof;       /* 1 at end of file, -1 after a read error */
	int pending_drain;
	int nomem;     /* an allocation failed: app_input_next fails from now on */
};

/* Adds an input file; walked ones have an id (their relative path). */
static void add_entry(app_input *in, const char *path, const char *name, const char *id,
                      int is_file, const char *error)
{
	if (in->n_files == in->cap_files) {
		size_t cap = in->cap_files ? in->cap_files * 2 : 16;
		entry *e = realloc(in->files, cap * sizeof *e);
		if (!e) {
			in->nomem = 1; /* not a file quietly left out */
			return;
		}
		in->files = e, in->cap_files = cap;
	}
	entry *e = &in->files[in->n_files++];
	e->path = strdup(path);
	e->name = strdup(name);
	e->id = id ? strdup(id) : NULL;
	e->error = error ? strdup(error) : NULL;
	e->is_file = is_file;
	e->walked = id != NULL;
	if (!e->path || !e->name || (id && !e->id) || (error && !e->error)) {
		free(e->path), free(e->name), free(e->id), free(e->error), in->n_files--;
		in->nomem = 1;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walk order: paths compared with '/' below every other byte, which is
 * the order of a depth-first walk of sorted names ("a/b" before "a.txt"). */
static int cmp_walk(const void *a, const void *b)
{
	const unsigned char *x = (const unsigned char *)((const entry *)a)->id;
	const unsigned char *y = (const unsigned char *)((const entry *)b)->id;
	for (; *x && *x == *y; x++, y++)
		;
	int cx = *x == '/' ? 1 : *x ? *x + 1 : 0, cy = *y == '/' ? 1 : *y ? *y + 1 : 0;
	return cx - cy;
}

static size_t dir_hash(const dir_key *k, size_t mask)
{
	uint64_t h = ((uint64_t)k->dev * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)k->ino;
	h *= 0xbf58476d1ce4e5b9ULL;
	return (size_t)(h ^ (h >> 31)) & mask;
}

/* Adds a folder to the set (open addressing, at most half full, so an
 * archive of many folders stays linear); 1 when it was there already, -1
 * out of memory. */
static int dir_seen(dir_set *s, const struct stat *st)
{
	dir_key key = {st->st_dev, st->st_ino};
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		dir_key *k = calloc(cap, sizeof *k);
		char *used = calloc(cap, 1);
		if (!k || !used) {
			free(k), free(used);
			return -1;
		}
		for (size_t i = 0; i < s->cap; i++)
			if (s->used[i]) {
				size_t h = dir_hash(&s->k[i], cap - 1);
				while (used[h])
					h = (h + 1) & (cap - 1);
				k[h] = s->k[i], used[h] = 1;
			}
		free(s->k), free(s->used);
		s->k = k, s->used = used, s->cap = cap;
	}
	size_t h = dir_hash(&key, s->cap - 1);
	for (; s->used[h]; h = (h + 1) & (s->cap - 1))
		if (s->k[h].dev == key.dev && s->k[h].ino == key.ino)
			return 1;
	s->k[h] = key, s->used[h] = 1, s->n++;
	return 0;
}

/* A file in a folder that holds JSONL records rather than one article:
 * *.jsonl or *.ndjson, compressed or not. */
static int jsonl_name(const char *name)
{
	static const char *const zip[] = {".gz", ".xz", ".bz2", ".zst"};
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof zip / sizeof *zip; i++) {
		size_t e = strlen(zip[i]);
		if (n > e && !strcmp(name + n - e, zip[i])) {
			n -= e;
			break;
		}
	}
	return (n > 6 && !strncmp(name + n - 6, ".jsonl", 6)) ||
	       (n > 7 && !strncmp(name + n - 7, ".ndjson", 7));
}

/* Symbolic links to folders, followed after the real folders are read. */
typedef struct {
	struct {
		char *path, *rel;
	} *a;
	size_t n, cap;
} link_list;

/* 0, or -1 out of memory. */
static int defer_link(link_list *l, const char *p, const char *r)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *a = realloc(l->a, cap * sizeof *l->a);
		if (!a)
			return -1;
		l->a = a, l->cap = cap;
	}
	l->a[l->n].path = strdup(p);
	l->a[l->n].rel = strdup(r);
	if (!l->a[l->n].path || !l->a[l->n].rel) {
		free(l->a[l->n].path), free(l->a[l->n].rel);
		return -1;
	}
	l->n++;
	return 0;
}

typedef struct {
	app_input *in;
	dir_set seen;
	link_list links;
} walker;

static void walk_dir(walker *w, const char *dir, const char *rel);

/* One name found in a folder: p its path, r its id. */
static void walk_entry(walker *w, const char *p, const char *r)
{
	app_input *in = w->in;
	struct stat st, lst;
	char why[160];
	if (lstat(p, &lst)) {
		snprintf(why, sizeof why, "cannot read (%s)", strerror(errno));
		add_entry(in, p, p, r, 1, why);
		return;
	}
	if (S_ISLNK(lst.st_mode) && stat(p, &st)) {
		if (errno == ENOENT)
			snprintf(why, sizeof why, "dangling symbolic link");
		else
			snprintf(why, sizeof why, "cannot follow the symbolic link (%s)", strerror(errno));
		add_entry(in, p, p, r, 1, why);
		return;
	}
	if (!S_ISLNK(lst.st_mode))
		st = lst;
	if (S_ISDIR(st.st_mode)) {
		int seen = S_ISLNK(lst.st_mode) ? defer_link(&w->links, p, r) : dir_seen(&w->seen, &st);
		if (seen < 0)
			in->nomem = 1; /* not a folder quietly left out */
		else if (!seen && !S_ISLNK(lst.st_mode))
			walk_dir(w, p, r);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, sizeof why, "not a regular file: %s", file_type(st.st_mode));
		add_entry(in, p, p, r, 1, why);
		return;
	}
	const char *base = strrchr(r, '/');
	add_entry(in, p, p, r, !jsonl_name(base ? base + 1 : r), NULL);
}

/* Adds what is under dir (names sorted, hidden ones counted and skipped). */
static void walk_dir(walker *w, const char *dir, const char *rel)
{
	app_input *in = w->in;
	DIR *d = opendir(dir);
	if (!d) {
		char why[160];
		snprintf(why, sizeof why, "cannot read the folder (%s)", strerror(errno));
		add_entry(in, dir, dir, *rel ? rel : dir, 1, why);
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.') {
			in->n_hidden += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof *nn);
			if (!nn) {
				in->nomem = 1;
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name))) {
			in->nomem = 1;
			break;
		}
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		size_t lp = strlen(dir) + strlen(names[i]) + 2, lr = strlen(rel) + strlen(names[i]) + 2;
		char *p = malloc(lp), *r = malloc(lr);
		if (p && r) {
			snprintf(p, lp, "%s/%s", dir, names[i]);
			snprintf(r, lr, "%s%s%s", rel, *rel ? "/" : "", names[i]);
			walk_entry(w, p, r);
		} else {
			in->nomem = 1;
		}
		free(p), free(r), free(names[i]);
	}
	free(names);
}

/* Walks a folder given as an input: its real folders first, then the
 * symbolic links to folders, each followed only to a folder not read yet
 * (so a link to a subfolder adds nothing twice and a loop ends), then the
 * whole walk is put in walk order. */
static void walk(app_input *in, const char *dir)
{
	walker w = {in, {0}, {0}};
	size_t first = in->n_files;
	struct stat st;
	if (stat(dir, &st) == 0 && dir_seen(&w.seen, &st) < 0)
		in->nomem = 1;
	walk_dir(&w, dir, "");
	for (size_t i = 0; i < w.links.n; i++) { /* the list grows as links lead to links */
		char *p = w.links.a[i].path, *r = w.links.a[i].rel;
		if (p && r && stat(p, &st) == 0) {
			int seen = dir_seen(&w.seen, &st);
			if (seen == 0)
				walk_dir(&w, p, r);
			in->n_repeat += seen == 1;
			in->nomem |= seen < 0;
		}
		free(p), free(r);
	}
	if (in->n_files - first > 1)
		qsort(in->files + first, in->n_files - first, sizeof *in->files, cmp_walk);
	free(w.seen.k), free(w.seen.used), free(w.links.a);
}

app_input *app_input_new(char **paths, char **names, int n_paths, size_t max_bytes)
{
	app_input *in = calloc(1, sizeof *in);
	if (!in)
		return NULL;
	in->max_bytes = max_bytes;
	in->buf = malloc(CHUNK);
	in->raw = malloc(CHUNK);
	if (!in->buf || !in->raw) {
		app_input_free(in);
		return NULL;
	}
	for (int i = 0; i < n_paths; i++) {
		struct stat st;
		if (strcmp(paths[i], "-") != 0 && stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			char *dir = strdup(paths[i]);
			size_t l = dir ? strlen(dir) : 0;
			while (l > 1 && dir[l - 1] == '/')
				dir[--l] = '\0';
			if (dir)
				walk(in, dir);
			else
				in->nomem = 1;
			free(dir);
		} else {
			add_entry(in, paths[i], names ? names[i] : paths[i], NULL, 0, NULL);
		}
	}
	return in;
}

void app_input_free(app_input *in)
{
	if (!in)
		return;
	if (in->st_open)
		stream_close(&in->st);
	for (size_t i = 0; i < in->n_files; i++)
		free(in->files[i].path), free(in->files[i].name), free(in->files[i].id),
		    free(in->files[i].error);
	free(in->files), free(in->buf), free(in->raw);
	free(in);
}

const char *app_input_file_name(const app_input *in, uint32_t file)
{
	return in->files[file].name;
}

size_t app_input_n_hidden(const app_input *in)
{
	return in->n_hidden;
}

size_t app_input_n_repeat(const app_input *in)
{
	return in->n_repeat;
}

void app_batch_free(app_batch *b)
{
	free(b->rec);
	wu_str_free(&b->arena);
}

app_raw *app_batch_add(app_batch *b, uint32_t file)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		app_raw *r = realloc(b->rec, cap * sizeof *r);
		if (!r)
			return NULL;
		b->rec = r, b->cap = cap;
	}
	app_raw *r = &b->rec[b->n++];
	memset(r, 0, sizeof *r);
	r->file = file;
	return r;
}

/* Appends s as a JSON string (quotes, escapes) to a. 0, or -1 out of
 * memory. */
static int put_json_string(wu_str *a, const char *s)
{
	int rc = wu__str_putc(a, '"');
	for (; *s && !rc; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			rc = wu__str_append(a, e, 2);
		} else if (c < 0x20) {
			char e[8];
			snprintf(e, sizeof e, "\\u%04x", c);
			rc = wu__str_append(a, e, 6);
		} else {
			rc = wu__str_putc(a, (char)c);
		}
	}
	return rc ? rc : wu__str_putc(a, '"');
}

static int fill(app_input *in)
{
	if (in->pos < in->len)
		return 1;
	if (in->eof || !in->st_open)
		return 0;
	long r = stream_read(&in->st, in->buf, CHUNK, in->files[in->cur].name);
	if (r <= 0) {
		in->eof = r < 0 ? -1 : 1;
		return 0;
	}
	in->pos = 0;
	in->len = (size_t)r;
	return 1;
}

enum { LINE_EOF = 0, LINE_OK = 1, LINE_OVERSIZE = -1, LINE_NOMEM = -2 };

/* Appends the next line (without its newline) to a. An oversize line
 * keeps its first max_bytes bytes in a and the rest in the input. A line
 * the end of a damaged or cut file leaves unfinished is no record: it
 * stays in a, LINE_EOF, for the error to hold. */
static int read_line(app_input *in, wu_str *a, size_t *len)
{
	size_t start = a->n;
	int got = 0;
	for (;;) {
		if (!fill(in)) {
			*len = a->n - start;
			return got && in->eof > 0 ? LINE_OK : LINE_EOF;
		}
		got = 1;
		const char *p = in->buf + in->pos;
		size_t avail = in->len - in->pos;
		const char *nl = memchr(p, '\n', avail);
		size_t take = nl ? (size_t)(nl - p) : avail;
		size_t have = a->n - start;
		if (have + take > in->max_bytes) {
			take = in->max_bytes - have;
			if (wu__str_append(a, p, take))
				return LINE_NOMEM;
			in->pos += take;
			*len = a->n - start;
			return LINE_OVERSIZE;
		}
		if (wu__str_append(a, p, take))
			return LINE_NOMEM;
		in->pos += take + (nl ? 1 : 0);
		if (nl) {
			in->done++;
			*len = a->n - start;
			return LINE_OK;
		}
	}
}

int app_input_drain(app_input *in, FILE *out)
{
	in->pending_drain = 0;
	while (fill(in)) {
		const char *p = in->buf + in->pos;
		size_t avail = in->len - in->pos;
		const char *nl = memchr(p, '\n', avail);
		size_t take = nl ? (size_t)(nl - p) : avail;
		if (out && fwrite(p, 1, take, out) != take)
			return -1;
		in->pos += take + (nl ? 1 : 0);
		if (nl) {
			in->done++;
			break;
		}
	}
	return 0;
}

/* The error's text goes in the batch's arena, after the record's bytes:
 * r->error points at it once the batch is complete (the arena may still
 * move), so the pipeline can hold one batch while the next is read. Out
 * of memory is the run's failure, not the record's (in->nomem). */
static void set_error(app_input *in, app_batch *b, app_raw *r, const char *what)
{
	r->err_off = b->arena.n + 1;
	if (wu__str_append(&b->arena, what, strlen(what) + 1))
		r->err_off = 0, r->error = "out of memory", in->nomem = 1;
}

static void point_errors(app_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->rec[i].err_off)
			b->rec[i].error = b->arena.s + b->rec[i].err_off - 1;
}

/* One article file as one record. */
static void read_article(app_input *in, app_batch *b)
{
	entry *e = &in->files[in->cur];
	app_raw *r = app_batch_add(b, (uint32_t)in->cur);
	if (!r) {
		in->nomem = 1;
		return;
	}
	r->is_file = 1;
	r->id_off = b->arena.n;
	const char *slash = strrchr(e->id, '/');
	if (put_json_string(&b->arena, e->id))
		in->nomem = 1;
	r->id_len = b->arena.n - r->id_off;
	r->dir_off = b->arena.n;
	r->dir_len = slash ? (size_t)(slash - e->id) : 0;
	if (wu__str_append(&b->arena, e->id, r->dir_len) || wu__str_putc(&b->arena, '\0'))
		in->nomem = 1;
	r->off = b->arena.n;
	stream s;
	if (in->nomem)
		return;
	if (e->error || stream_open(&s, e->path, e->name, 1, in->raw)) {
		set_error(in, b, r, e->error ? e->error : s.err);
		if (!e->error)
			stream_close(&s);
		return;
	}
	for (;;) {
		if (wu__str_reserve(&b->arena, b->arena.n + CHUNK + 1)) {
			in->nomem = 1; /* not a cut article */
			break;
		}
		long n = stream_read(&s, b->arena.s + b->arena.n, CHUNK, e->name);
		if (n < 0) {
			b->arena.n = r->off; /* the whole article is lost: the error stands for it */
			set_error(in, b, r, s.err);
			stream_close(&s);
			return;
		}
		if (n == 0)
			break;
		b->arena.n += (size_t)n;
		if (b->arena.n - r->off > in->max_bytes) {
			r->oversize = 1;
			b->arena.n = r->off + in->max_bytes;
			break;
		}
	}
	r->len = b->arena.n - r->off;
	stream_close(&s);
}

/* Opens the next JSONL file; 0 when it opened, -1 with r->error set. */
static int open_jsonl(app_input *in, app_batch *b)
{
	entry *e = &in->files[in->cur];
	in->line = in->done = 0;
	in->pos = in->len = 0;
	in->eof = 0;
	if (stream_open(&in->st, e->path, e->name, e->walked, in->raw) == 0) {
		in->st_open = 1;
		return 0;
	}
	stream_close(&in->st);
	app_raw *r = app_batch_add(b, (uint32_t)in->cur);
	if (r)
		set_error(in, b, r, in->st.err);
	else
		in->nomem = 1;
	return -1;
}

static int blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* The end of a JSONL file that did not end cleanly: one record holding the
 * error, naming the last complete line, and the unfinished line's bytes
 * (off, len) that are lost with the rest. */
static void cut_record(app_input *in, app_batch *b, size_t off, size_t len)
{
	app_raw *r = app_batch_add(b, (uint32_t)in->cur);
	if (!r) {
		in->nomem = 1;
		return;
	}
	r->off = off, r->len = len;
	char msg[ERR_LEN + 48];
	if (in->done)
		snprintf(msg, sizeof msg, "%s after line %llu", in->st.err,
		         (unsigned long long)in->done);
	else
		snprintf(msg, sizeof msg, "%s", in->st.err);
	set_error(in, b, r, msg);
}

/* Reads JSONL lines of the current file into b; 1 when the batch must end. */
static int read_jsonl(app_input *in, app_batch *b, size_t max_records, size_t max_bytes)
{
	while (b->n < max_records && b->arena.n < max_bytes) {
		size_t off = b->arena.n, len;
		int rc = read_line(in, &b->arena, &len);
		if (rc == LINE_NOMEM) {
			in->nomem = 1;
			return 1;
		}
		if (rc == LINE_EOF) {
			if (in->eof < 0)
				cut_record(in, b, off, len);
			else
				b->arena.n = off;
			stream_close(&in->st);
			in->st_open = 0;
			in->cur++;
			return in->eof < 0;
		}
		in->line++;
		if (rc == LINE_OK && blank_line(b->arena.s + off, len)) {
			b->arena.n = off;
			continue;
		}
		app_raw *r = app_batch_add(b, (uint32_t)in->cur);
		if (!r) {
			in->nomem = 1;
			return 1;
		}
		r->line = in->line;
		r->off = off;
		r->len = len;
		if (rc == LINE_OVERSIZE) {
			r->oversize = 1;
			in->pending_drain = 1;
			return 1;
		}
	}
	return 1;
}

int app_input_next(app_input *in, app_batch *b, size_t max_records, size_t max_bytes, size_t *n)
{
	if (in->pending_drain)
		app_input_drain(in, NULL);
	b->n = 0;
	b->arena.n = 0;
	while (!in->nomem && in->cur < in->n_files && b->n < max_records &&
	       b->arena.n < max_bytes) {
		entry *e = &in->files[in->cur];
		if (e->is_file) {
			read_article(in, b);
			in->cur++;
			if (in->nomem)
				break;
			if (b->rec[b->n - 1].err_off || b->rec[b->n - 1].error)
				break; /* an error ends a batch, as in a JSONL file */
			continue;
		}
		if (!in->st_open && open_jsonl(in, b)) {
			in->cur++;
			break;
		}
		if (read_jsonl(in, b, max_records, max_bytes))
			break;
	}
	if (in->nomem) { /* no batch that may be missing a record */
		b->n = *n = 0;
		return -1;
	}
	point_errors(b);
	*n = b->n;
	return 0;
}

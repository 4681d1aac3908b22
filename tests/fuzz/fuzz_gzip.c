/* libFuzzer harness: the command-line program's reader (src/input.c) on
 * arbitrary file contents, with a small maximum record size so that
 * oversize records and their draining are exercised.
 *
 * What the reader should see is worked out here first, independently: the
 * first bytes name the format (gzip, xz, bzip2 and zstd are decompressed
 * by their libraries' own, uninstrumented code, all the input at once,
 * member after member, noting whether the data ends cleanly, is cut,
 * damaged, or followed by other bytes; UTF-16 is refused), a UTF-8 byte
 * order mark at the start of the content is dropped. Then the file is written to /dev/shm (else
 * /tmp)/wu_fuzz_gzip.<pid>/ and read one of four ways, picked by the last
 * byte ((c >> 1) % 4):
 *   as a JSONL file (two ways: small batches, or one large): records are
 *     the non-blank lines, each at most max_bytes, an oversize one cut at
 *     exactly max_bytes with the rest of its line drained; records, line
 *     numbers and drained rests must rebuild the content exactly; content
 *     that does not end cleanly ends with one error record (line 0) that
 *     holds the unfinished line and names the last complete one; a
 *     refused format is one error record naming the file;
 *   as a directory holding it (in a subfolder): one article whose id is
 *     the relative path as a JSON string and whose text is the content
 *     (its first max_bytes bytes when oversize), or an error record;
 *   as a directory holding it under a .jsonl name: read as JSONL.
 */

#include "input.h"
#include "fuzz_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <bzlib.h>
#include <lzma.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define MAX_BYTES 1024 /* scripts/fuzz.sh: -max_len=8192 */
#define GZ_CAP (16 * 1024) /* larger inflated inputs are passed over (see below) */

static char dir[64], sub[96], file[128], jsonl[128], dir2[96], sub2[128], file2[160];

static void cleanup(void)
{
	unlink(file), unlink(jsonl), unlink(file2), rmdir(sub), rmdir(dir), rmdir(sub2), rmdir(dir2);
}

static void setup(void)
{
	if (dir[0])
		return;
	struct stat st;
	const char *tmp = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
	                  access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, sizeof dir, "%s/wu_fuzz_gzip.%ld", tmp, (long)getpid());
	snprintf(sub, sizeof sub, "%s/sec", dir);
	snprintf(file, sizeof file, "%s/a.txt", sub);
	snprintf(jsonl, sizeof jsonl, "%s/wu_fuzz_gzip.%ld.jsonl", tmp, (long)getpid());
	snprintf(dir2, sizeof dir2, "%s/wu_fuzz_gzip_j.%ld", tmp, (long)getpid());
	snprintf(sub2, sizeof sub2, "%s/sec", dir2);
	snprintf(file2, sizeof file2, "%s/b.jsonl", sub2);
	mkdir(dir, 0700);
	mkdir(sub, 0700);
	mkdir(dir2, 0700);
	mkdir(sub2, 0700);
	atexit(cleanup);
}

static void write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	CHECK(f);
	CHECK(fwrite(data, 1, size, f) == size);
	CHECK(fclose(f) == 0);
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* ---- what the reader should see ---- */

enum { END_OK, END_CUT, END_DAMAGED, END_GARBAGE, END_REFUSED };

typedef struct {
	unsigned char *s; /* the content, as far as it can be read */
	size_t n;
	int end;          /* how it ends */
	const char *codec; /* compressed: its name in messages */
} content;

/* The formats, by their first bytes (the harness's own table, not
 * input.c's). */
static int refused(const unsigned char *p, size_t n)
{
	return n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff));
}

static const char *compressed(const unsigned char *p, size_t n)
{
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b                       ? "gzip"
	     : n >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6)                      ? "xz"
	     : n >= 4 && !memcmp(p, "\x28\xb5\x2f\xfd", 4)                   ? "zstd"
	     : n >= 4 && !memcmp(p, "BZh", 3) && p[3] >= '1' && p[3] <= '9' ? "bzip2"
	                                                                    : NULL;
}

/* All the input at once, 4 KiB of output a call, to a little past cap:
 * each returns -1 past cap. */
static int unxz(const uint8_t *data, size_t size, content *c, size_t cap)
{
	lzma_stream z = LZMA_STREAM_INIT;
	CHECK(lzma_stream_decoder(&z, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK);
	z.next_in = data, z.avail_in = size;
	for (;;) {
		if (z.total_out > cap)
			break;
		z.next_out = c->s + z.total_out, z.avail_out = 4096;
		lzma_ret rc = lzma_code(&z, LZMA_FINISH);
		if (rc == LZMA_OK && (z.avail_out < 4096 || z.avail_in))
			continue;
		c->end = rc == LZMA_STREAM_END ? (z.avail_in ? END_GARBAGE : END_OK)
		       : rc == LZMA_OK || rc == LZMA_BUF_ERROR ? END_CUT : END_DAMAGED;
		break;
	}
	c->n = z.total_out;
	lzma_end(&z);
	return c->n > cap ? -1 : 0;
}

static int unbzip2(const uint8_t *data, size_t size, content *c, size_t cap)
{
	bz_stream z;
	memset(&z, 0, sizeof z);
	CHECK(BZ2_bzDecompressInit(&z, 0, 0) == BZ_OK);
	z.next_in = (char *)data, z.avail_in = (unsigned)size;
	for (c->n = 0; c->n <= cap;) {
		z.next_out = (char *)c->s + c->n, z.avail_out = 4096;
		int rc = BZ2_bzDecompress(&z);
		c->n += 4096 - z.avail_out;
		if (rc == BZ_STREAM_END) {
			if (z.avail_in == 0) {
				c->end = END_OK;
				break;
			}
			if (z.avail_in < 3 || memcmp(z.next_in, "BZh", 3)) {
				c->end = END_GARBAGE;
				break;
			}
			BZ2_bzDecompressEnd(&z);
			char *in = z.next_in;
			unsigned left = z.avail_in;
			memset(&z, 0, sizeof z);
			CHECK(BZ2_bzDecompressInit(&z, 0, 0) == BZ_OK);
			z.next_in = in, z.avail_in = left;
			continue;
		}
		if (rc == BZ_OK && (z.avail_out < 4096 || z.avail_in))
			continue;
		c->end = rc == BZ_OK ? END_CUT : END_DAMAGED;
		break;
	}
	BZ2_bzDecompressEnd(&z);
	return c->n > cap ? -1 : 0;
}

static int unzstd(const uint8_t *data, size_t size, content *c, size_t cap)
{
	ZSTD_DStream *z = ZSTD_createDStream();
	CHECK(z && !ZSTD_isError(ZSTD_initDStream(z)));
	ZSTD_inBuffer in = {data, size, 0};
	size_t last = 1;
	for (c->n = 0; c->n <= cap;) {
		ZSTD_outBuffer out = {c->s + c->n, 4096, 0};
		size_t before = in.pos, rc = ZSTD_decompressStream(z, &out, &in);
		c->n += out.pos;
		if (ZSTD_isError(rc)) {
			c->end = END_DAMAGED;
			break;
		}
		if (out.pos || in.pos > before) {
			last = rc; /* 0: a frame ended (a call with nothing to do says the next header's size) */
			continue;
		}
		c->end = last == 0 ? END_OK : END_CUT;
		break;
	}
	ZSTD_freeDStream(z);
	return c->n > cap ? -1 : 0;
}

/* Inflates gzip data, members one after another, into c (up to a little
 * past cap); -1 when it inflates to more than cap. */
static int gunzip(const uint8_t *data, size_t size, content *c, size_t cap)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	CHECK(inflateInit2(&z, 15 + 16) == Z_OK);
	c->s = malloc(cap + 4096);
	CHECK(c->s);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)size;
	for (;;) {
		if (z.total_out > cap) {
			inflateEnd(&z);
			return -1;
		}
		z.next_out = c->s + z.total_out;
		z.avail_out = 4096;
		int rc = inflate(&z, Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			if (z.avail_in == 0) {
				c->end = END_OK;
				break;
			}
			if (z.avail_in < 2 || z.next_in[0] != 0x1f || z.next_in[1] != 0x8b) {
				c->end = END_GARBAGE;
				break;
			}
			uLong out = z.total_out;
			inflateReset(&z);
			z.total_out = out; /* the next member's bytes follow */
			continue;
		}
		if (rc == Z_OK)
			continue;
		c->end = rc == Z_BUF_ERROR && z.avail_in == 0 ? END_CUT : END_DAMAGED;
		break;
	}
	c->n = z.total_out;
	inflateEnd(&z);
	return c->n > cap ? -1 : 0;
}

/* The content of a file; -1 to pass the input over. */
static int expect_content(const uint8_t *data, size_t size, content *c)
{
	memset(c, 0, sizeof *c);
	c->codec = compressed(data, size);
	if (c->codec) {
		int r;
		if (!strcmp(c->codec, "gzip"))
			r = gunzip(data, size, c, GZ_CAP);
		else if ((c->s = malloc(GZ_CAP + 4096)) == NULL)
			r = -1;
		else
			r = !strcmp(c->codec, "xz") ? unxz(data, size, c, GZ_CAP)
			  : !strcmp(c->codec, "bzip2") ? unbzip2(data, size, c, GZ_CAP)
			  : unzstd(data, size, c, GZ_CAP);
		if (r) {
			free(c->s);
			return -1;
		}
	} else {
		c->s = malloc(size + 1);
		CHECK(c->s);
		memcpy(c->s, data, size);
		c->n = size;
		c->end = refused(data, size) ? END_REFUSED : END_OK;
	}
	if (c->end == END_REFUSED)
		return 0;
	size_t head = c->n < 3 ? c->n : 3; /* the content's first bytes */
	if (refused(c->s, head)) {
		c->end = END_REFUSED;
	} else if (head == 3 && !memcmp(c->s, "\xef\xbb\xbf", 3)) {
		memmove(c->s, c->s + 3, c->n - 3);
		c->n -= 3;
	}
	return 0;
}

/* One record as expected: text at off (len bytes), an oversize record's
 * drained rest after it, or the error. */
typedef struct {
	uint64_t line;
	size_t off, len, rest;
	int oversize, error;
	uint64_t done; /* error: the last complete line */
} want;

static size_t expect_jsonl(const content *c, want *w, size_t cap)
{
	size_t n = 0, pos = 0;
	uint64_t line = 0, done = 0;
	int tail = 0; /* w[n] is the error, holding the unfinished line */
	const char *s = (const char *)c->s;
	while (c->end != END_REFUSED && pos < c->n) {
		const char *nl = memchr(s + pos, '\n', c->n - pos);
		size_t e = nl ? (size_t)(nl - s) : c->n, len = e - pos;
		CHECK(n + 2 < cap);
		if (!nl && c->end != END_OK) { /* unfinished: held by the error */
			if (len > MAX_BYTES)
				w[n++] = (want){line + 1, pos, MAX_BYTES, len - MAX_BYTES, 1, 0, 0};
			else
				w[n] = (want){0, pos, len, 0, 0, 1, 0}, tail = 1;
			break;
		}
		line++;
		if (len > MAX_BYTES)
			w[n++] = (want){line, pos, MAX_BYTES, len - MAX_BYTES, 1, 0, 0};
		else if (!blank(s + pos, len))
			w[n++] = (want){line, pos, len, 0, 0, 0, 0};
		done += nl != NULL;
		pos = nl ? e + 1 : c->n;
	}
	if (c->end != END_OK) {
		if (!tail)
			w[n] = (want){0, 0, 0, 0, 0, 1, 0};
		w[n++].done = done;
	}
	return n;
}

/* zstd and bzip2: how much of a damaged frame or block comes out before
 * the error (a check that does not match) depends on the buffers' sizes
 * (the libraries' own: bzip2 -dc and Python's bz2 differ too), so only the
 * order of things is checked. */
static int lenient(const content *c)
{
	return c->codec && (!strcmp(c->codec, "zstd") || !strcmp(c->codec, "bzip2")) &&
	       c->end == END_DAMAGED;
}

/* The error text says what the content's end says. */
static void check_error(const char *err, const content *c, const want *w, const char *name)
{
	char after[48], why[96];
	snprintf(after, sizeof after, " after line %llu", (unsigned long long)w->done);
	if (c->end == END_REFUSED) { /* the format and the file named */
		CHECK(strstr(err, name) && strstr(err, "UTF-16 text"));
		return;
	}
	snprintf(why, sizeof why,
	         c->end == END_CUT       ? "%s stream ends early (unexpected end of file)"
	         : c->end == END_DAMAGED ? "%s data damaged"
	                                 : "trailing bytes that are not %s data",
	         c->codec);
	CHECK(!strncmp(err, why, strlen(why)));
	const char *a = strstr(err, " after line ");
	CHECK(w->done ? a && !strcmp(a, after) : !a);
}

/* Reads path as JSONL and compares: a file named name in messages, or
 * (walked) a directory holding the file name. */
static void read_jsonl(const content *c, const char *path, const char *name, int walked,
                       size_t max_records, size_t batch_bytes, int drain_self)
{
	char *paths[1] = {(char *)path};
	char *names[1] = {(char *)name};
	app_input *in = app_input_new(paths, walked ? NULL : names, 1, MAX_BYTES);
	CHECK(in);
	size_t cap = c->n + 4;
	want *w = malloc(cap * sizeof *w);
	CHECK(w);
	size_t n_want = expect_jsonl(c, w, cap), k = 0;
	const char *s = (const char *)c->s;
	app_batch b = {0};
	size_t n, rounds = 0;
	int loose = lenient(c), saw_error = 0;
	while (app_input_next(in, &b, max_records, batch_bytes, &n) == 0 && n > 0) {
		CHECK(++rounds < 1000000);
		CHECK(n == b.n && n <= max_records);
		for (size_t i = 0; i < n; i++, k++) {
			app_raw *r = &b.rec[i];
			if (loose) { /* the order of things only */
				CHECK(!saw_error && r->len <= MAX_BYTES && (!r->error || i == n - 1));
				saw_error = r->error != NULL;
				CHECK(!r->error || strstr(r->error, " data damaged ("));
				if (r->oversize && drain_self)
					CHECK(app_input_drain(in, NULL) == 0);
				continue;
			}
			CHECK(k < n_want);
			const want *x = &w[k];
			CHECK(r->file == 0 && !r->is_file);
			CHECK(!strcmp(app_input_file_name(in, r->file), name));
			CHECK(r->off + r->len <= b.arena.n);
			CHECK(r->line == x->line && !!r->error == x->error && r->oversize == x->oversize);
			CHECK(r->len == x->len && (!x->len || !memcmp(b.arena.s + r->off, s + x->off, x->len)));
			if (r->error) {
				CHECK(i == n - 1); /* one error ends a batch */
				check_error(r->error, c, x, name);
				continue;
			}
			CHECK(!memchr(b.arena.s + r->off, '\n', r->len));
			if (r->oversize) {
				CHECK(i == n - 1);
				if (drain_self) {
					char *rest = NULL;
					size_t rest_len = 0;
					FILE *f = open_memstream(&rest, &rest_len);
					CHECK(f);
					CHECK(app_input_drain(in, f) == 0);
					fclose(f);
					CHECK(rest_len == x->rest && !memcmp(rest, s + x->off + x->len, rest_len));
					free(rest);
				}
			}
		}
	}
	CHECK(loose ? saw_error : k == n_want);
	CHECK(app_input_next(in, &b, max_records, batch_bytes, &n) == 0 && n == 0); /* stays at the end */
	free(w);
	app_batch_free(&b);
	app_input_free(in);
}

/* Reads the directory: one article, sec/a.txt. */
static void read_dir(const content *c, const char *path)
{
	char *paths[2] = {(char *)path, (char *)path};
	app_input *in = app_input_new(paths, NULL, 2, MAX_BYTES);
	CHECK(in);
	app_batch b = {0};
	size_t n, total = 0;
	/* an article is read up to max_bytes: damage past them is not met */
	int oversize = c->end != END_REFUSED && c->n > MAX_BYTES;
	int error = !oversize && c->end != END_OK;
	while (app_input_next(in, &b, 8, 1 << 20, &n) == 0 && n > 0) {
		for (size_t i = 0; i < n; i++) {
			app_raw *r = &b.rec[i];
			total++;
			CHECK(r->is_file && r->line == 0);
			CHECK(r->id_off + r->id_len <= b.arena.n);
			CHECK(r->id_len == 11 && !memcmp(b.arena.s + r->id_off, "\"sec/a.txt\"", 11));
			CHECK(r->dir_off + r->dir_len < b.arena.n);
			CHECK(r->dir_len == 3 && !memcmp(b.arena.s + r->dir_off, "sec", 3));
			if (lenient(c)) {
				CHECK(r->error ? strstr(r->error, " data damaged (") != NULL : r->len <= MAX_BYTES);
				continue;
			}
			CHECK(!!r->error == error);
			if (r->error) {
				CHECK(i == n - 1 && r->len == 0);
				want x = {.done = 0};
				check_error(r->error, c, &x, file);
				continue;
			}
			CHECK(r->off + r->len <= b.arena.n);
			CHECK(r->oversize == oversize);
			CHECK(r->len == (oversize ? MAX_BYTES : c->n));
			CHECK(!memcmp(b.arena.s + r->off, c->s, r->len));
		}
	}
	CHECK(total == 2); /* the directory given twice: its file twice */
	app_batch_free(&b);
	app_input_free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	/* A few kilobytes of gzip inflate to megabytes of lines, blank lines
	 * included, each read through instrumented code: such inputs made the
	 * whole run 5x slower, and every line takes the same paths, so they
	 * are passed over (and kept out of the corpus). */
	content c;
	if (expect_content(data, size, &c))
		return -1;
	uint8_t k = size ? data[size - 1] : 0;
	switch ((k >> 1) % 4) {
	case 0:
		write_file(jsonl, data, size);
		read_jsonl(&c, jsonl, "input.jsonl", 0, 1 + k % 5, 64 + (size_t)(k >> 3) * 128, k & 1);
		break;
	case 1:
		write_file(jsonl, data, size);
		read_jsonl(&c, jsonl, "input.jsonl", 0, 1000, 1 << 20, !(k & 1));
		break;
	case 2:
		write_file(file, data, size);
		read_dir(&c, dir);
		break;
	case 3:
		write_file(file2, data, size);
		read_jsonl(&c, dir2, file2, 1, 1000, 1 << 20, k & 1);
		break;
	}
	free(c.s);
	return 0;
}

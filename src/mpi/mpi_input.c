/* wiredup-mpi: who reads what.
 *
 * A plain JSONL file is split into one byte range per rank, each starting
 * at a line start, and every rank reads its own range (a shared file
 * system, as for the program itself). A gzip file cannot be entered in the
 * middle, and a directory of article files or stdin is one stream, so those
 * rank 0 reads (with the single-process reader, input.c) and deals out, a
 * batch at a time, round robin; each rank keeps what it is dealt in a
 * spool file of its own (TMPDIR), which both passes read.
 *
 * The input becomes a list of segments in input order (a range, or a dealt
 * batch), each with an owner; a rank's records are its segments' records,
 * so global order is segment order, then order within the segment. */
#include "mpi_wu.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BATCH_RECORDS 4096
/* Records in a dealt batch: 256 in the first round (so that even a small
 * gzip file reaches every rank), doubling each round up to 4,096 (so that
 * 100 million records make 25,000 segments, not 400,000). */
#define DEAL_FIRST 256
#define DEAL_ROUNDS 4 /* 256 << 4 = 4,096 */
#define BATCH_BYTES (32u << 20)
#define CHUNK (1u << 20)
#define TAG_DEAL 11

/* A dealt record as packed into a message and the spool; its bytes (id,
 * folder, error, data) follow the headers. */
typedef struct {
	uint64_t line, src_off, src_len, len;
	uint32_t file, flags, id_len, dir_len, err_len, pad;
} packed;

enum { F_IS_FILE = 1, F_OVERSIZE = 2, F_ERROR = 4 };

static FILE *temp_file(char **path_out)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	size_t len = strlen(dir) + 32;
	char *path = malloc(len);
	if (!path)
		return NULL;
	snprintf(path, len, "%s/wiredup-mpi-XXXXXX", dir);
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w+") : NULL;
	if (f && !path_out)
		unlink(path); /* gone from view now, gone from disk when closed or killed */
	if (f && path_out)
		*path_out = path;
	else
		free(path);
	return f;
}

/* ---- the plan (rank 0) ---- */

static int add_file(wmpi_plan *p, const char *name, const char *path, uint64_t size)
{
	if (p->n_files == p->files_cap) {
		size_t cap = p->files_cap ? p->files_cap * 2 : 64;
		char **n = realloc(p->name, cap * sizeof *n);
		if (n)
			p->name = n;
		char **pa = n ? realloc(p->path, cap * sizeof *pa) : NULL;
		if (pa)
			p->path = pa;
		uint64_t *s = pa ? realloc(p->size, cap * sizeof *s) : NULL;
		if (!s)
			return -1;
		p->size = s;
		p->files_cap = cap;
	}
	p->name[p->n_files] = strdup(name);
	p->path[p->n_files] = path ? strdup(path) : NULL;
	p->size[p->n_files] = size;
	if (!p->name[p->n_files] || (path && !p->path[p->n_files]))
		return -1;
	return (int)p->n_files++;
}

static int add_seg(wmpi_plan *p, const wmpi_seg *s)
{
	if ((p->n_seg & (p->n_seg - 1)) == 0) { /* 0, 1, 2, 4...: double */
		wmpi_seg *n = realloc(p->seg, (p->n_seg ? p->n_seg * 2 : 1) * sizeof *n);
		if (!n)
			return -1;
		p->seg = n;
	}
	p->seg[p->n_seg++] = *s;
	return 0;
}

/* Copies stdin to a temporary file, so that '-' twice reads it twice, as
 * the single process does when it makes two passes. */
static char *copy_stdin(void)
{
	char *path = NULL;
	FILE *out = temp_file(&path);
	if (!out)
		return NULL;
	char *buf = malloc(CHUNK);
	size_t n;
	int rc = buf ? 0 : -1;
	while (rc == 0 && (n = fread(buf, 1, CHUNK, stdin)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (ferror(stdin))
		rc = -1;
	if (fclose(out))
		rc = -1;
	free(buf);
	if (rc) {
		remove(path);
		free(path);
		return NULL;
	}
	return path;
}

/* A plain (splittable) file: a regular file of text, by its first bytes
 * (input.c's test). The rest (gzip, a format refused by name, a file that
 * cannot be opened) rank 0 reads with input.c, which reads or reports it
 * as the single process does. */
static int is_plain(const char *path, uint64_t *size)
{
	struct stat st;
	if (!strcmp(path, "-") || stat(path, &st) || !S_ISREG(st.st_mode))
		return 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	unsigned char magic[6];
	size_t got = fread(magic, 1, sizeof magic, f);
	fclose(f);
	*size = (uint64_t)st.st_size;
	app_input_kind k = app_input_detect(magic, got);
	return k == APP_KIND_TEXT || k == APP_KIND_UTF8_BOM;
}

/* Bytes of a UTF-8 byte order mark at the start of f (0 or 3): skipped, as
 * input.c skips it. */
static uint64_t bom_len(FILE *f)
{
	unsigned char head[3];
	size_t got = fseeko(f, 0, SEEK_SET) ? 0 : fread(head, 1, sizeof head, f);
	return app_input_detect(head, got) == APP_KIND_UTF8_BOM ? 3 : 0;
}

/* Packs batch b (files renumbered by id[]) into out, after a length. */
static int pack(const app_batch *b, const uint32_t *id, const wmpi_src *src, wu_str *out)
{
	size_t need = 16 + b->n * sizeof(packed);
	for (size_t i = 0; i < b->n; i++) {
		const app_raw *r = &b->rec[i];
		need += r->id_len + r->dir_len + (r->error ? strlen(r->error) : 0) + r->len;
	}
	if (wu__str_reserve(out, need))
		return -1;
	uint64_t head[2] = {need, b->n};
	memcpy(out->s, head, sizeof head);
	char *ph = out->s + 16, *data = ph + b->n * sizeof(packed);
	for (size_t i = 0; i < b->n; i++) {
		const app_raw *r = &b->rec[i];
		packed h = {r->line, src[i].off, src[i].len, r->len, id[i], 0, (uint32_t)r->id_len,
		            (uint32_t)r->dir_len, r->error ? (uint32_t)strlen(r->error) : 0, 0};
		h.flags = (r->is_file ? F_IS_FILE : 0) | (r->oversize ? F_OVERSIZE : 0) |
		          (r->error ? F_ERROR : 0);
		memcpy(ph + i * sizeof h, &h, sizeof h);
		memcpy(data, b->arena.s + r->id_off, h.id_len), data += h.id_len;
		memcpy(data, b->arena.s + r->dir_off, h.dir_len), data += h.dir_len;
		if (r->error)
			memcpy(data, r->error, h.err_len), data += h.err_len;
		memcpy(data, b->arena.s + r->off, h.len), data += h.len;
	}
	out->n = need;
	return 0;
}

/* Rank 0, with --rejects: keeps each dealt record as read (an oversize
 * one whole: the part the reader held, then the rest of its line). */
static int keep_raw(wmpi_plan *p, app_input *in, const app_batch *b, wmpi_src *src)
{
	for (size_t i = 0; i < b->n; i++) {
		const app_raw *r = &b->rec[i];
		src[i] = (wmpi_src){0, 0};
		if (!p->raw || r->is_file || r->error)
			continue;
		off_t at = ftello(p->raw);
		if (at < 0 || fwrite(b->arena.s + r->off, 1, r->len, p->raw) != r->len)
			return -1;
		if (r->oversize && app_input_drain(in, p->raw))
			return -1;
		src[i] = (wmpi_src){(uint64_t)at, (uint64_t)(ftello(p->raw) - at)};
	}
	return 0;
}

/* Rank 0: file ids for a batch's records (new ids as new files appear). */
static int file_ids(wmpi_plan *p, app_input *in, const app_batch *b, uint32_t *id,
                    long long *last_local, uint32_t *last_id)
{
	for (size_t i = 0; i < b->n; i++) {
		if ((long long)b->rec[i].file != *last_local) {
			int f = add_file(p, app_input_file_name(in, b->rec[i].file), NULL, 0);
			if (f < 0)
				return -1;
			*last_local = b->rec[i].file;
			*last_id = (uint32_t)f;
		}
		id[i] = *last_id;
	}
	return 0;
}

static int spool_append(wmpi_plan *p, const wu_str *buf)
{
	if ((p->n_spool & (p->n_spool - 1)) == 0) {
		uint64_t *o = realloc(p->spool_off, (p->n_spool ? p->n_spool * 2 : 1) * sizeof *o);
		if (!o)
			return -1;
		p->spool_off = o;
	}
	off_t at = ftello(p->spool);
	if (at < 0 || fwrite(buf->s, 1, buf->n, p->spool) != buf->n)
		return -1;
	p->spool_off[p->n_spool++] = (uint64_t)at;
	return 0;
}

/* Rank 0: reads one gzip file, directory or stdin and deals its batches. */
static int deal_stream(wmpi *m, wmpi_plan *p, char *path, char *name, size_t max_bytes,
                       uint64_t *dealt)
{
	app_input *in = app_input_new(&path, &name, 1, max_bytes);
	app_batch b = {0};
	wu_str buf = {0};
	size_t most = (size_t)DEAL_FIRST << DEAL_ROUNDS;
	uint32_t *id = malloc(most * sizeof *id);
	wmpi_src *src = malloc(most * sizeof *src);
	long long last_local = -1;
	uint32_t last_id = 0;
	int rc = in && id && src ? 0 : -1;
	size_t n;
	for (;;) {
		uint64_t round = *dealt / (uint64_t)m->size;
		size_t want = (size_t)DEAL_FIRST << (round < DEAL_ROUNDS ? round : DEAL_ROUNDS);
		if (rc || (rc = app_input_next(in, &b, want, BATCH_BYTES, &n)) || n == 0)
			break;
		int owner = (int)(*dealt % (uint64_t)m->size);
		wmpi_seg s = {.owner = owner, .plain = 0, .n_rec = n};
		if (file_ids(p, in, &b, id, &last_local, &last_id) || keep_raw(p, in, &b, src) ||
		    pack(&b, id, src, &buf) || add_seg(p, &s))
			rc = -1;
		else if (owner == 0)
			rc = spool_append(p, &buf);
		else
			wmpi_send(m, buf.s, buf.n, owner, TAG_DEAL);
		(*dealt)++;
	}
	if (rc)
		wmpi_fail(m, "%s: out of memory or spool write error while dealing records", name);
	app_input_free(in);
	app_batch_free(&b);
	wu_str_free(&buf);
	free(id), free(src);
	return rc;
}

/* Rank 0: the segments of every input, in order; deals the streams. */
static int plan_root(wmpi *m, wmpi_plan *p, char **files, int n_files, int two_pass,
                     size_t max_bytes)
{
	uint64_t dealt = 0;
	for (int i = 0; i < n_files && !m->err[0]; i++) {
		uint64_t size = 0;
		char *path = files[i];
		if (!strcmp(path, "-") && two_pass) {
			if (!p->stdin_copy && !(p->stdin_copy = copy_stdin())) {
				wmpi_fail(m, "copying stdin: %s", strerror(errno));
				break;
			}
			path = p->stdin_copy;
		}
		/* stdin, even copied to rank 0's TMPDIR, is rank 0's alone */
		if (!strcmp(files[i], "-") || !is_plain(path, &size)) {
			deal_stream(m, p, path, files[i], max_bytes, &dealt);
			continue;
		}
		int f = add_file(p, files[i], path, size);
		for (int r = 0; r < m->size && f >= 0; r++) {
			wmpi_seg s = {.owner = r, .plain = 1, .file = (uint32_t)f};
			if (add_seg(p, &s))
				f = -1;
		}
		if (f < 0)
			wmpi_fail(m, "out of memory planning the input");
	}
	for (int r = 1; r < m->size; r++)
		wmpi_send(m, "", 0, r, TAG_DEAL); /* the end */
	return m->err[0] ? -1 : 0;
}

/* Other ranks: spools what rank 0 deals, until the empty message. */
static void receive_dealt(wmpi *m, wmpi_plan *p)
{
	wu_str buf = {0};
	for (;;) {
		wmpi_recv(m, &buf, 0, TAG_DEAL);
		if (buf.n == 0)
			break;
		if (!m->err[0] && spool_append(p, &buf))
			wmpi_fail(m, "spool write error: %s", strerror(errno));
	}
	wu_str_free(&buf);
}

/* The plain files' paths and sizes, from rank 0 to all. */
static int share_files(wmpi *m, wmpi_plan *p)
{
	wu_str buf = {0};
	uint64_t n[2] = {p->n_files, 0};
	for (size_t f = 0; m->rank == 0 && f < p->n_files; f++) {
		if (!p->path[f])
			continue;
		uint64_t h[2] = {f, p->size[f]};
		if (wu__str_append(&buf, (const char *)h, sizeof h) ||
		    wu__str_append(&buf, p->path[f], strlen(p->path[f]) + 1))
			wmpi_fail(m, "out of memory");
	}
	n[1] = buf.n;
	if (wmpi_bcast(m, n, 2, sizeof *n))
		goto fail;
	if (m->rank != 0) {
		p->n_files = (size_t)n[0];
		p->path = calloc(p->n_files + 1, sizeof *p->path);
		p->size = calloc(p->n_files + 1, sizeof *p->size);
		if (!p->path || !p->size || wu__str_reserve(&buf, (size_t)n[1] + 1))
			wmpi_fail(m, "out of memory");
	}
	if (wmpi_bcast(m, buf.s, (size_t)n[1], 1))
		goto fail;
	for (size_t at = 0; m->rank != 0 && buf.s && p->path && p->size && at < n[1];) {
		uint64_t h[2];
		memcpy(h, buf.s + at, sizeof h);
		p->size[h[0]] = h[1];
		p->path[h[0]] = strdup(buf.s + at + sizeof h);
		at += sizeof h + strlen(buf.s + at + sizeof h) + 1;
	}
	wu_str_free(&buf);
	return 0;
fail:
	wu_str_free(&buf);
	return -1;
}

int wmpi_plan_inputs(wmpi *m, wmpi_plan *p, char **files, int n_files, int two_pass,
                   size_t max_bytes, int keep)
{
	memset(p, 0, sizeof *p);
	m->phase = PH_INPUT;
	p->spool = temp_file(NULL);
	if (!p->spool)
		wmpi_fail(m, "cannot create a spool file in TMPDIR: %s", strerror(errno));
	if (m->rank == 0 && keep && !(p->raw = temp_file(NULL)))
		wmpi_fail(m, "cannot create a temporary file in TMPDIR: %s", strerror(errno));
	if (wmpi_sync(m))
		return -1;
	if (m->rank == 0)
		plan_root(m, p, files, n_files, two_pass, max_bytes);
	else
		receive_dealt(m, p);
	uint64_t n_seg = p->n_seg;
	if (wmpi_bcast(m, &n_seg, 1, sizeof n_seg))
		return -1;
	if (m->rank != 0 && !(p->seg = calloc(n_seg ? n_seg : 1, sizeof *p->seg)))
		wmpi_fail(m, "out of memory");
	if (wmpi_bcast(m, p->seg, (size_t)n_seg, sizeof *p->seg))
		return -1;
	p->n_seg = (size_t)n_seg;
	if (share_files(m, p))
		return -1;
	wmpi_plan_rewind(p);
	return 0;
}

void wmpi_plan_free(wmpi_plan *p)
{
	for (size_t f = 0; f < p->n_files; f++) {
		if (p->name)
			free(p->name[f]);
		if (p->path)
			free(p->path[f]);
	}
	free(p->name), free(p->path), free(p->size), free(p->seg), free(p->spool_off);
	if (p->spool)
		fclose(p->spool);
	if (p->raw)
		fclose(p->raw);
	if (p->f)
		fclose(p->f);
	if (p->copy_f)
		fclose(p->copy_f);
	if (p->stdin_copy)
		remove(p->stdin_copy);
	free(p->stdin_copy);
	free(p->buf);
	memset(p, 0, sizeof *p);
}

/* ---- reading a rank's segments ---- */

void wmpi_plan_rewind(wmpi_plan *p)
{
	if (p->f)
		fclose(p->f);
	p->f = NULL;
	p->cur_seg = p->cur_spool = 0;
}

void wmpi_mbatch_free(wmpi_mbatch *mb)
{
	app_batch_free(&mb->b);
	free(mb->src);
	memset(mb, 0, sizeof *mb);
}

static int reserve_src(wmpi_mbatch *mb, size_t n)
{
	if (n <= mb->src_cap)
		return 0;
	size_t cap = mb->src_cap ? mb->src_cap * 2 : BATCH_RECORDS;
	while (cap < n)
		cap *= 2;
	wmpi_src *s = realloc(mb->src, cap * sizeof *s);
	if (!s)
		return -1;
	mb->src = s, mb->src_cap = cap;
	return 0;
}

/* Unpacks a dealt batch into mb. The arena is sized first, so the error
 * pointers into it stay valid. */
static int unpack(const char *buf, wmpi_mbatch *mb)
{
	uint64_t head[2];
	memcpy(head, buf, sizeof head);
	size_t n = (size_t)head[1];
	const char *ph = buf + 16, *data = ph + n * sizeof(packed);
	size_t need = 1;
	for (size_t i = 0; i < n; i++) {
		packed h;
		memcpy(&h, ph + i * sizeof h, sizeof h);
		need += h.id_len + h.dir_len + h.err_len + h.len + 3;
	}
	app_batch *b = &mb->b;
	if (wu__str_reserve(&b->arena, need) || reserve_src(mb, n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		packed h;
		memcpy(&h, ph + i * sizeof h, sizeof h);
		app_raw *r = app_batch_add(b, 0);
		if (!r)
			return -1;
		r->file = h.file, r->line = h.line, r->len = h.len;
		r->is_file = (h.flags & F_IS_FILE) != 0, r->oversize = (h.flags & F_OVERSIZE) != 0;
		r->id_off = b->arena.n, r->id_len = h.id_len;
		wu__str_append(&b->arena, data, h.id_len), data += h.id_len;
		r->dir_off = b->arena.n, r->dir_len = h.dir_len;
		wu__str_append(&b->arena, data, h.dir_len), data += h.dir_len;
		wu__str_putc(&b->arena, '\0');
		if (h.flags & F_ERROR)
			r->error = b->arena.s + b->arena.n;
		wu__str_append(&b->arena, data, h.err_len), data += h.err_len;
		wu__str_putc(&b->arena, '\0');
		r->off = b->arena.n;
		wu__str_append(&b->arena, data, h.len), data += h.len;
		wu__str_putc(&b->arena, '\0');
		mb->src[i] = (wmpi_src){h.src_off, h.src_len};
	}
	return 0;
}

static long long next_spooled(wmpi *m, wmpi_plan *p, wmpi_mbatch *mb)
{
	uint64_t len;
	wu_str buf = {0};
	int rc = fseeko(p->spool, (off_t)p->spool_off[p->cur_spool++], SEEK_SET) ||
	         fread(&len, sizeof len, 1, p->spool) != 1 || wu__str_reserve(&buf, (size_t)len) ||
	         fseeko(p->spool, -(off_t)sizeof len, SEEK_CUR) ||
	         fread(buf.s, 1, (size_t)len, p->spool) != len || unpack(buf.s, mb);
	wu_str_free(&buf);
	if (rc)
		return wmpi_fail(m, "reading the spool: %s", errno ? strerror(errno) : "short read");
	return (long long)mb->b.n;
}

/* ---- plain files, read through a buffer ---- */

static int fill(wmpi_plan *p)
{
	if (p->bpos < p->blen)
		return 1;
	if (!p->buf && !(p->buf = malloc(CHUNK)))
		return 0;
	p->boff += p->blen;
	p->bpos = 0;
	p->blen = fread(p->buf, 1, CHUNK, p->f);
	return p->blen > 0;
}

static int seek(wmpi_plan *p, uint64_t at)
{
	p->boff = at, p->bpos = p->blen = 0;
	return fseeko(p->f, (off_t)at, SEEK_SET);
}

/* The first line start at or after `at`. */
static uint64_t line_start(wmpi_plan *p, uint64_t at, uint64_t size)
{
	if (at == 0 || at >= size)
		return at == 0 ? 0 : size;
	if (seek(p, at - 1))
		return size;
	while (fill(p)) {
		char *nl = memchr(p->buf + p->bpos, '\n', p->blen - p->bpos);
		if (nl)
			return p->boff + (uint64_t)(nl - p->buf) + 1;
		p->bpos = p->blen;
	}
	return size;
}

/* Opens this rank's part of a plain file: [start, end) at line starts. */
static int open_part(wmpi *m, wmpi_plan *p, wmpi_seg *s)
{
	const char *path = p->path[s->file];
	uint64_t size = p->size[s->file], P = (uint64_t)m->size, r = (uint64_t)s->owner;
	p->f = fopen(path, "rb");
	if (!p->f)
		return wmpi_fail(m, "%s: %s", path, strerror(errno));
	uint64_t start = line_start(p, size / P * r + size % P * r / P, size);
	if (start == 0)
		start = bom_len(p->f);
	p->end = r + 1 == P ? size : line_start(p, size / P * (r + 1) + size % P * (r + 1) / P, size);
	p->line = 0;
	s->n_rec = 0;
	if (seek(p, start))
		return wmpi_fail(m, "%s: %s", path, strerror(errno));
	return 0;
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* Appends the line at the read position to a, its first max_bytes bytes at
 * most; consumes the whole line. Returns 1 when it was longer. */
static int read_line(wmpi_plan *p, wu_str *a, size_t max_bytes, size_t *len)
{
	size_t start = a->n;
	int over = 0;
	while (fill(p)) {
		const char *s = p->buf + p->bpos;
		size_t avail = p->blen - p->bpos;
		const char *nl = memchr(s, '\n', avail);
		size_t take = nl ? (size_t)(nl - s) : avail, have = a->n - start;
		size_t keep = have + take > max_bytes ? max_bytes - have : take;
		over |= keep < take;
		wu__str_append(a, s, keep);
		p->bpos += take + (nl ? 1 : 0);
		if (nl)
			break;
	}
	*len = a->n - start;
	return over;
}

static long long next_plain(wmpi *m, wmpi_plan *p, wmpi_mbatch *mb, wmpi_seg *s, size_t max_bytes)
{
	app_batch *b = &mb->b;
	while (b->n < BATCH_RECORDS && b->arena.n < BATCH_BYTES) {
		uint64_t at = p->boff + p->bpos;
		if (at >= p->end || !fill(p))
			break;
		size_t off = b->arena.n, len;
		int over = read_line(p, &b->arena, max_bytes, &len);
		p->line++;
		if (!over && blank(b->arena.s + off, len)) {
			b->arena.n = off;
			continue;
		}
		app_raw *r = app_batch_add(b, 0);
		if (!r || reserve_src(mb, b->n) || wu__str_putc(&b->arena, '\0'))
			return wmpi_fail(m, "out of memory reading %s", p->path[s->file]);
		b->arena.n--; /* the NUL stays after the record, outside it */
		r->file = s->file, r->line = p->line, r->off = off, r->len = len, r->oversize = over;
		mb->src[b->n - 1] = (wmpi_src){at, 0};
	}
	if (ferror(p->f))
		return wmpi_fail(m, "%s: read error", p->path[s->file]);
	s->n_rec += b->n;
	return (long long)b->n;
}

long long wmpi_plan_next(wmpi *m, wmpi_plan *p, wmpi_mbatch *mb, size_t max_bytes)
{
	mb->b.n = 0;
	mb->b.arena.n = 0;
	while (p->cur_seg < p->n_seg) {
		wmpi_seg *s = &p->seg[p->cur_seg];
		mb->seg = (uint32_t)p->cur_seg;
		if (s->owner != m->rank) {
			p->cur_seg++;
			continue;
		}
		if (!s->plain) {
			p->cur_seg++;
			return next_spooled(m, p, mb);
		}
		if (!p->f && open_part(m, p, s))
			return -1;
		long long n = next_plain(m, p, mb, s, max_bytes);
		if (n != 0)
			return n;
		s->n_lines = p->line;
		fclose(p->f);
		p->f = NULL;
		p->cur_seg++;
	}
	return 0;
}

int wmpi_plan_share_counts(wmpi *m, wmpi_plan *p)
{
	size_t n = p->n_seg * 2;
	uint64_t *mine = calloc(n + 1, sizeof *mine), *all = calloc(n + 1, sizeof *all);
	if (!mine || !all)
		wmpi_fail(m, "out of memory");
	for (size_t i = 0; mine && i < p->n_seg; i++)
		if (p->seg[i].plain && p->seg[i].owner == m->rank)
			mine[2 * i] = p->seg[i].n_rec, mine[2 * i + 1] = p->seg[i].n_lines;
	int rc = wmpi_sync(m);
	if (rc == 0)
		MPI_Allreduce(mine, all, (int)n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
	for (size_t i = 0; rc == 0 && all && i < p->n_seg; i++) {
		wmpi_seg *s = &p->seg[i];
		if (!s->plain)
			continue;
		s->n_rec = all[2 * i], s->n_lines = all[2 * i + 1];
		/* parts of one file are consecutive segments, in rank order */
		s->line_base = s->owner == 0 ? 0 : s[-1].line_base + s[-1].n_lines;
	}
	free(mine), free(all);
	return rc;
}

int wmpi_plan_copy_record(wmpi_plan *p, const wmpi_seg *s, const wmpi_src *src, FILE *out)
{
	FILE *f = p->raw;
	if (s->plain) {
		if (p->copy_f && p->copy_file != s->file)
			fclose(p->copy_f), p->copy_f = NULL;
		if (!p->copy_f && !(p->copy_f = fopen(p->path[s->file], "rb")))
			return -1;
		p->copy_file = s->file;
		f = p->copy_f;
	}
	if (!f || fseeko(f, (off_t)src->off, SEEK_SET))
		return -1;
	char buf[1 << 16];
	uint64_t left = s->plain ? UINT64_MAX : src->len;
	while (left > 0) {
		size_t n = fread(buf, 1, left < sizeof buf ? (size_t)left : sizeof buf, f);
		if (n == 0)
			break;
		char *nl = s->plain ? memchr(buf, '\n', n) : NULL;
		size_t w = nl ? (size_t)(nl - buf) : n;
		if (fwrite(buf, 1, w, out) != w)
			return -1;
		if (nl)
			break;
		left -= n;
	}
	return ferror(f) ? -1 : 0;
}

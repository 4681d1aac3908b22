/* Reading input: JSONL files (plain or gzip, or stdin) line by line, and
 * directories of article files. zlib's gzread passes plain files through
 * unchanged, so one path serves both. Memory stays bounded by the batch and
 * the maximum record size, whatever the input. */
#define _DEFAULT_SOURCE
#include "input.h"
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Read size (and zlib's buffer). A build may shrink it: the gzip fuzz
 * harness opens a reader per input, where a megabyte to map and unmap
 * each time is most of the work. */
#ifndef WU_INPUT_CHUNK
#define WU_INPUT_CHUNK (1u << 20)
#endif
#define CHUNK ((unsigned)WU_INPUT_CHUNK)

typedef struct {
	char *path; /* what is opened */
	char *name; /* what the user sees in messages */
	char *id;   /* article files: relative path, the article's id */
	int is_file;
} entry;

struct wu_input {
	char **paths;
	int n_paths, next_path;
	entry *files; /* every input file, in order */
	size_t n_files, cap_files, cur;
	size_t max_bytes;
	gzFile gz;     /* the JSONL file being read */
	uint64_t line;
	char *buf;     /* read-ahead */
	size_t pos, len;
	int eof;       /* 1 at end of file, -1 after a read error */
	int pending_drain;
	wu_str open_error;
};

static int add_entry(wu_input *in, const char *path, const char *name, const char *id,
                     int is_file)
{
	if (in->n_files == in->cap_files) {
		size_t cap = in->cap_files ? in->cap_files * 2 : 16;
		entry *e = realloc(in->files, cap * sizeof *e);
		if (!e)
			return -1;
		in->files = e, in->cap_files = cap;
	}
	entry *e = &in->files[in->n_files++];
	e->path = strdup(path);
	e->name = strdup(name);
	e->id = id ? strdup(id) : NULL;
	e->is_file = is_file;
	return e->path && e->name ? 0 : -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the regular files under dir (sorted, hidden names skipped). */
static void walk(wu_input *in, const char *dir, const char *rel)
{
	DIR *d = opendir(dir);
	if (!d) {
		add_entry(in, dir, dir, rel, 1); /* reported when read */
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof *nn);
			if (!nn)
				break;
			names = nn;
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		size_t lp = strlen(dir) + strlen(names[i]) + 2, lr = strlen(rel) + strlen(names[i]) + 2;
		char *p = malloc(lp), *r = malloc(lr);
		snprintf(p, lp, "%s/%s", dir, names[i]);
		snprintf(r, lr, "%s%s%s", rel, *rel ? "/" : "", names[i]);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			walk(in, p, r);
		else
			add_entry(in, p, p, r, 1);
		free(p), free(r), free(names[i]);
	}
	free(names);
}

wu_input *wu_input_new(char **paths, char **names, int n_paths, size_t max_bytes)
{
	wu_input *in = calloc(1, sizeof *in);
	if (!in)
		return NULL;
	in->max_bytes = max_bytes;
	in->buf = malloc(CHUNK);
	for (int i = 0; i < n_paths; i++) {
		struct stat st;
		if (strcmp(paths[i], "-") != 0 && stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			char *dir = strdup(paths[i]);
			size_t l = strlen(dir);
			while (l > 1 && dir[l - 1] == '/')
				dir[--l] = '\0';
			walk(in, dir, "");
			free(dir);
		} else {
			add_entry(in, paths[i], names ? names[i] : paths[i], NULL, 0);
		}
	}
	return in;
}

void wu_input_free(wu_input *in)
{
	if (!in)
		return;
	if (in->gz)
		gzclose(in->gz);
	for (size_t i = 0; i < in->n_files; i++)
		free(in->files[i].path), free(in->files[i].name), free(in->files[i].id);
	free(in->files), free(in->buf);
	wu_str_free(&in->open_error);
	free(in);
}

const char *wu_input_file_name(const wu_input *in, uint32_t file)
{
	return in->files[file].name;
}

void wu_batch_free(wu_batch *b)
{
	free(b->rec);
	wu_str_free(&b->arena);
}

static wu_raw *new_rec(wu_batch *b, size_t file)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		wu_raw *r = realloc(b->rec, cap * sizeof *r);
		if (!r)
			return NULL;
		b->rec = r, b->cap = cap;
	}
	wu_raw *r = &b->rec[b->n++];
	memset(r, 0, sizeof *r);
	r->file = (uint32_t)file;
	return r;
}

/* Appends s as a JSON string (quotes, escapes) to a. */
static void put_json_string(wu_str *a, const char *s)
{
	wu_str_putc(a, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			wu_str_append(a, e, 2);
		} else if (c < 0x20) {
			char e[8];
			snprintf(e, sizeof e, "\\u%04x", c);
			wu_str_append(a, e, 6);
		} else {
			wu_str_putc(a, (char)c);
		}
	}
	wu_str_putc(a, '"');
}

static int fill(wu_input *in)
{
	if (in->pos < in->len)
		return 1;
	if (in->eof || !in->gz)
		return 0;
	int r = gzread(in->gz, in->buf, CHUNK);
	if (r <= 0) {
		in->eof = r < 0 ? -1 : 1;
		return 0;
	}
	in->pos = 0;
	in->len = (size_t)r;
	return 1;
}

enum { LINE_EOF = 0, LINE_OK = 1, LINE_OVERSIZE = -1 };

/* Appends the next line (without its newline) to a. An oversize line
 * keeps its first max_bytes bytes in a and the rest in the input. */
static int read_line(wu_input *in, wu_str *a, size_t *len)
{
	size_t start = a->n;
	int got = 0;
	for (;;) {
		if (!fill(in)) {
			*len = a->n - start;
			return got ? LINE_OK : LINE_EOF;
		}
		got = 1;
		const char *p = in->buf + in->pos;
		size_t avail = in->len - in->pos;
		const char *nl = memchr(p, '\n', avail);
		size_t take = nl ? (size_t)(nl - p) : avail;
		size_t have = a->n - start;
		if (have + take > in->max_bytes) {
			take = in->max_bytes - have;
			wu_str_append(a, p, take);
			in->pos += take;
			*len = a->n - start;
			return LINE_OVERSIZE;
		}
		wu_str_append(a, p, take);
		in->pos += take + (nl ? 1 : 0);
		if (nl) {
			*len = a->n - start;
			return LINE_OK;
		}
	}
}

int wu_input_drain(wu_input *in, FILE *out)
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
		if (nl)
			break;
	}
	return 0;
}

static void set_error(wu_input *in, wu_raw *r, const char *what)
{
	in->open_error.n = 0;
	wu_str_append(&in->open_error, what, strlen(what));
	r->error = in->open_error.s;
}

/* One article file as one record. */
static void read_article(wu_input *in, wu_batch *b)
{
	entry *e = &in->files[in->cur];
	wu_raw *r = new_rec(b, in->cur);
	r->is_file = 1;
	r->id_off = b->arena.n;
	put_json_string(&b->arena, e->id);
	r->id_len = b->arena.n - r->id_off;
	const char *slash = strrchr(e->id, '/');
	r->dir_off = b->arena.n;
	r->dir_len = slash ? (size_t)(slash - e->id) : 0;
	wu_str_append(&b->arena, e->id, r->dir_len);
	wu_str_putc(&b->arena, '\0');
	gzFile gz = gzopen(e->path, "rb");
	if (!gz) {
		char msg[256];
		snprintf(msg, sizeof msg, "cannot open: %s", strerror(errno ? errno : EIO));
		set_error(in, r, msg);
		return;
	}
	r->off = b->arena.n;
	for (;;) {
		if (wu_str_reserve(&b->arena, b->arena.n + CHUNK + 1))
			break;
		int n = gzread(gz, b->arena.s + b->arena.n, CHUNK);
		if (n < 0) {
			int zerr;
			char msg[256];
			snprintf(msg, sizeof msg, "read error: %s", gzerror(gz, &zerr));
			set_error(in, r, msg);
			break;
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
	gzclose(gz);
}

/* Opens the next JSONL file; 0 when it opened, -1 with r->error set. */
static int open_jsonl(wu_input *in, wu_batch *b)
{
	entry *e = &in->files[in->cur];
	in->gz = strcmp(e->path, "-") ? gzopen(e->path, "rb") : gzdopen(dup(0), "rb");
	in->line = 0;
	in->pos = in->len = 0;
	in->eof = 0;
	if (in->gz) {
		gzbuffer(in->gz, CHUNK);
		return 0;
	}
	wu_raw *r = new_rec(b, in->cur);
	char msg[256];
	snprintf(msg, sizeof msg, "cannot open: %s", strerror(errno ? errno : EIO));
	set_error(in, r, msg);
	return -1;
}

static int blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* Reads JSONL lines of the current file into b; 1 when the batch must end. */
static int read_jsonl(wu_input *in, wu_batch *b, size_t max_records, size_t max_bytes)
{
	while (b->n < max_records && b->arena.n < max_bytes) {
		size_t off = b->arena.n, len;
		int rc = read_line(in, &b->arena, &len);
		if (rc == LINE_EOF) {
			if (in->eof < 0) {
				int zerr;
				wu_raw *r = new_rec(b, in->cur);
				r->line = in->line + 1;
				char msg[256];
				snprintf(msg, sizeof msg, "read error: %s", gzerror(in->gz, &zerr));
				set_error(in, r, msg);
			}
			gzclose(in->gz);
			in->gz = NULL;
			in->cur++;
			return in->eof < 0;
		}
		in->line++;
		if (rc == LINE_OK && blank_line(b->arena.s + off, len)) {
			b->arena.n = off;
			continue;
		}
		wu_raw *r = new_rec(b, in->cur);
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

size_t wu_input_next(wu_input *in, wu_batch *b, size_t max_records, size_t max_bytes)
{
	if (in->pending_drain)
		wu_input_drain(in, NULL);
	b->n = 0;
	b->arena.n = 0;
	while (in->cur < in->n_files && b->n < max_records && b->arena.n < max_bytes) {
		entry *e = &in->files[in->cur];
		if (e->is_file) {
			read_article(in, b);
			in->cur++;
			if (b->rec[b->n - 1].error)
				break; /* set_error's buffer is shared: one error a batch */
			continue;
		}
		if (!in->gz && open_jsonl(in, b)) {
			in->cur++;
			break;
		}
		if (read_jsonl(in, b, max_records, max_bytes))
			break;
	}
	return b->n;
}

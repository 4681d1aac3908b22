/* The command-line program's input, pipeline and output layers (not part
 * of the library API). */
#ifndef APP_INPUT_H
#define APP_INPUT_H

#include "wiredup.h"
#include <signal.h>
#include <stdio.h>

/* One raw record: a JSONL line or a whole article file. */
typedef struct {
	size_t off, len;     /* bytes in the batch arena */
	size_t id_off, id_len; /* article files: id as JSON text, in the arena */
	size_t dir_off, dir_len; /* article files: folder (relative), the source */
	uint32_t file;       /* index into the input's file names */
	uint64_t line;       /* 1-based line (JSONL) or 0 (article file) */
	int is_file;         /* article file rather than JSONL line */
	int oversize;        /* exceeded max bytes: see app_input_drain() */
	const char *error;   /* set when the record could not be read at all */
	size_t err_off;      /* the reader's: error's place in the arena, + 1 */
} app_raw;

typedef struct {
	app_raw *rec;
	size_t n, cap;
	wu_str arena;
} app_batch;

typedef struct app_input app_input;

/* Opens the inputs lazily, in order: "-" is stdin, a directory is walked
 * (sorted, recursively; one file = one article, id = relative path, except
 * that *.jsonl and *.ndjson, compressed or not, are read as JSONL; names
 * starting with '.' are skipped and counted; a symbolic link to a folder
 * is followed only to a folder not read yet; a name that is no regular
 * file, or cannot be read, is a record with an error), any other path is
 * JSONL, compressed or not. names (or NULL) are what messages call the
 * paths. gzip, xz, bzip2 and zstd are decompressed; a cut or damaged one
 * ends with one record holding the error ("... after line N"); a UTF-16
 * file is one such record, naming the format; a UTF-8 byte order mark is
 * skipped. */
app_input *app_input_new(char **paths, char **names, int n_paths, size_t max_bytes);
void app_input_free(app_input *in);
/* Names starting with '.' the walks skipped (files and folders). */
size_t app_input_n_hidden(const app_input *in);
/* Symbolic links to folders not followed: the folder was read already. */
size_t app_input_n_repeat(const app_input *in);

/* What a file's first bytes say it is (shared by both programs' readers). */
typedef enum {
	APP_KIND_TEXT, APP_KIND_UTF8_BOM, APP_KIND_UTF16LE, APP_KIND_UTF16BE,
	APP_KIND_GZIP, APP_KIND_XZ, APP_KIND_ZSTD, APP_KIND_BZIP2 /* the compressed ones last */
} app_input_kind;
/* The kind of n (6 are enough) first bytes p. */
app_input_kind app_input_detect(const unsigned char *p, size_t n);
/* Why a kind is not read (UTF-16), with the command that converts file
 * name, in buf; NULL for the kinds that are read. */
const char *app_input_refusal(app_input_kind k, const char *name, char *buf, size_t len);

/* Fills b with the next records (at most max_records or about max_bytes
 * of text), *n of them, 0 at the end. An oversize record is always the
 * last of its batch. Returns 0, or -1 out of memory (*n 0: no batch with a
 * record or a file left out; the run fails). */
int app_input_next(app_input *in, app_batch *b, size_t max_records, size_t max_bytes, size_t *n);

/* After an oversize JSONL record: copies the rest of its line to out (or
 * discards it when out is NULL). */
int app_input_drain(app_input *in, FILE *out);

const char *app_input_file_name(const app_input *in, uint32_t file);
void app_batch_free(app_batch *b);
/* A new zeroed record at the end of b, from input file `file`; NULL when
 * out of memory. */
app_raw *app_batch_add(app_batch *b, uint32_t file);

/* ---- pipeline: input -> parse -> normalize -> shingle -> sketch ---- */

typedef struct app_run {
	wu_opt opt;
	wu_fields fields;
	int n_threads;
	int skip_errors;   /* --on-error skip */
	FILE *rejects;     /* --rejects, or NULL */
	wu_boiler *boiler; /* boilerplate lines, or NULL */
	wu_df *df;         /* story term frequencies (stories only), or NULL */
	int count_lines;   /* the first pass counts boilerplate lines */
	int progress;      /* a progress line on stderr (see app_progress_wanted) */
	double progress_at; /* when it was last drawn (throttles it) */
	int progress_shown; /* it is on the screen now */
	volatile sig_atomic_t *stop; /* set by a signal handler: stop between batches */
	size_t max_bytes;  /* --max-article-bytes */
	/* results */
	size_t n_read, n_rejected, n_invalid_utf8, n_boiler_lines;
	size_t n_hidden, n_repeat; /* walks: dot-names and repeated folder links passed over */
	double t_scan, t_read, t_sketch, t_add;
} app_run;

/* First pass: counts every record's lines into run->boiler (when
 * count_lines) and its story terms into run->df (when not NULL). Bad records
 * are passed over here (the second pass reports them). 0 or -1 (OOM). */
int app_pipeline_scan(app_run *run, app_input *in);

/* Reads every input record into the corpus. Returns 0, -1 after the
 * first bad record when errors are not skipped (the message is printed), or
 * APP_STOPPED when *run->stop was set. */
#define APP_STOPPED (-2)
int app_pipeline(app_run *run, app_input *in, wu_corpus *corpus);

/* ---- the progress line on stderr (pipeline.c) ---- */

/* Whether to draw it: WIREDUP_PROGRESS=1 or 0 in the environment says so
 * (tests force it on a pipe), else whether stderr is a terminal. */
int app_progress_wanted(void);
/* Points run->opt's progress callback (wu_progress_fn) at the line when
 * run->progress: call before wu_cluster()/wu_stories(). */
void app_progress_attach(app_run *run);
/* Erases the line, so that a message can take its place. */
void app_progress_clear(app_run *run);

/* ---- output ---- */

enum { APP_FMT_JSONL, APP_FMT_TSV, APP_FMT_CSV };

/* One row per article, in corpus (= input) order. 0, or -1 on write error. */
int app_write_results(FILE *f, int format, const wu_corpus *c, const wu_clusters *cl,
                     const uint32_t *story_rep);

/* ---- per-record work of both programs' passes (record_work.c) ---- */

#define APP_REASON 256

typedef struct {
	wu_str buf, line; /* the record's decoded strings; first pass's scratch */
	wu_u64s sh;       /* first pass: line keys */
	wu_scratch scratch;
	wu_terms terms;
	wu_sketcher *sk; /* second pass: made on first use, one a thread */
} app_workspace; /* one a thread */

typedef struct {
	const char *id;
	size_t id_len;
	uint64_t *keys; /* first pass: the record's line keys */
	size_t n_keys;
	wu_term *terms; /* first pass: story terms; second: the profile */
	size_t n_terms;
	int32_t date;
	uint32_t text_len, n_shingles;
	size_t n_invalid;
	uint64_t *shingles;     /* exact verification only */
	char reason[APP_REASON]; /* "" when the record is good */
	int failed;             /* reason is the run's, not the record's (out of
	                           memory): the run stops with exit 1, the record
	                           is not a reject */
} app_result;

/* Turns a record's story terms into its profile against a table of
 * document frequencies (the process's wu_df, or a rank's summed copy). */
typedef struct {
	size_t (*profile)(const void *df, int m, wu_terms *t);
	const void *df;
} app_profiler;

/* Parses record i of b into rec; 0, or -1 with res->reason set. */
int app_work_parse(const app_run *run, const app_batch *b, size_t i, app_workspace *w,
                  wu_record *rec, app_result *res);
/* First pass: line keys (if run->count_lines) and story terms (if stories). */
void app_work_scan(const app_run *run, const app_batch *b, size_t i, int stories, app_workspace *w,
                  app_result *res);
/* Second pass: signature into sig, profile when prof is not NULL. */
void app_work_sketch(const app_run *run, const app_profiler *prof, const app_batch *b, size_t i,
                    app_workspace *w, app_result *res, uint32_t *sig);
void app_workspaces_free(app_workspace *ws, int n);
/* Frees what the results of a batch hold (not the array). */
void app_results_clear(app_result *res, size_t n);
/* Reads a --boilerplate-file (a known line a line) into b; 0, or -1 with
 * the reason, naming the file, in err. */
int app_boiler_file(const char *path, wu_boiler *b, char *err, size_t errlen);

#endif

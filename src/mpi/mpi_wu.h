/* wiredup-mpi: `wiredup cluster` over MPI ranks. Declarations shared by
 * the program's MPI files (cli_mpi.c, mpi_*.c); not part of the library.
 *
 * The job, in phases (every rank runs every phase; cli_mpi.c drives them):
 *   input    rank 0 plans the inputs: plain JSONL files are split into one
 *            byte range per rank (at line starts) and read by their rank;
 *            gzip files, directories and stdin are read by rank 0 and dealt
 *            out batch by batch, round robin, into each rank's local spool.
 *            The input is a sequence of segments (a byte range, or a dealt
 *            batch), each owned by one rank; segment order is input order.
 *   stats    first pass: boilerplate line counts and story term document
 *            frequencies, counted locally and summed by key owner.
 *   sketch   second pass: parse, normalize, shingle, sketch; signatures
 *            stay on their rank, small metadata goes to rank 0.
 *   commit   rank 0 walks the records in input order: reports bad records,
 *            finds duplicate ids (in a corpus of ids and metadata, no
 *            signatures), numbers the accepted articles.
 *   cluster  (band, key, article) to key owners; candidate pairs to a rank
 *            owning one of the two articles, which fetches the other's
 *            signature and verifies; linked pairs to rank 0 (union-find,
 *            representatives); similarity to the representative computed
 *            by each article's owner.
 *   output   rank 0: stories (not partitioned) and the output file.
 */
#ifndef WMPI_H
#define WMPI_H

#include "input.h"
#include "internal.h"

/* Tools run without MPI's flags (clang-tidy over a non-MPI build) still
 * find Debian's copy; a real build finds mpi.h on its include path. */
#if defined(__has_include) && !defined(__CPPCHECK__)
#if __has_include(<mpi.h>) || !__has_include(<mpi/mpi.h>)
#include <mpi.h>
#else
#include <mpi/mpi.h>
#endif
#else
#include <mpi.h>
#endif
#include <stdio.h>

/* ---- communication (mpi_comm.c) ---- */

/* Phases, for the per-rank count of bytes sent (--mpi-stats). */
enum { PH_INPUT, PH_STATS, PH_COMMIT, PH_BANDS, PH_PAIRS, PH_FETCH, PH_CLUSTER, PH_N };

typedef struct {
	int rank, size;
	int phase;             /* where bytes sent are counted */
	uint64_t sent[PH_N];   /* bytes of this rank's data delivered to other ranks */
	char err[256];         /* this rank's first runtime error, "" if none */
	uint64_t *c1, *c2;     /* scratch: size counts */
	int *i1, *i2, *i3, *i4; /* scratch: MPI's int counts and displacements */
} wmpi;

int wmpi_init(wmpi *m);
void wmpi_free(wmpi *m);

/* Records this rank's first runtime error; returns -1. */
int wmpi_fail(wmpi *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Collective: -1 on every rank when any rank has failed. Every helper below
 * starts with it, so a rank that failed locally keeps calling the
 * collectives (with whatever it has) and the whole job fails together,
 * instead of the others waiting for it forever. */
int wmpi_sync(wmpi *m);

/* Collective: like wmpi_sync, and rank 0 prints every failed rank's
 * message. */
int wmpi_check(wmpi *m);

/* Ends the job from inside a point-to-point exchange, where the other side
 * cannot be told otherwise (out of memory while streaming). */
void wmpi_abort(wmpi *m, const char *what) __attribute__((noreturn));

/* Collective exchanges of fixed-size elements (counts in elements).
 * The receive buffer is malloc'd (free it). Return 0, or -1 on every rank. */
int wmpi_alltoallv(wmpi *m, const void *send, const size_t *scount, size_t elem, void **recv,
                     size_t *rcount);
int wmpi_allgatherv(wmpi *m, const void *send, size_t n, size_t elem, void **recv,
                      size_t *n_recv);
/* To rank 0: recv and rcount[size] are set on rank 0 only. */
int wmpi_gatherv(wmpi *m, const void *send, size_t n, size_t elem, void **recv,
                   size_t *rcount);
/* From rank 0: send and scount[size] are read on rank 0 only. */
int wmpi_scatterv(wmpi *m, const void *send, const size_t *scount, size_t elem, void **recv,
                    size_t *n_recv);
/* Rank 0's buffer to every rank (n elements, known everywhere). */
int wmpi_bcast(wmpi *m, void *buf, size_t n, size_t elem);
uint64_t wmpi_sum(uint64_t v);
uint64_t wmpi_max(uint64_t v);

/* Point to point, any size (sent in pieces, MPI counts being int). */
void wmpi_send(wmpi *m, const void *buf, uint64_t len, int dest, int tag);
/* Receives into b (replaced); aborts the job when out of memory. */
void wmpi_recv(wmpi *m, wu_str *b, int src, int tag);

/* The rank owning a 64-bit key: high bits, so the owner's own hash tables,
 * which index by low bits, still spread. */
static inline int wmpi_owner(uint64_t key, int size)
{
	return (int)(((wu__mix64(key) >> 32) * (uint64_t)size) >> 32);
}

/* ---- input (mpi_input.c) ---- */

/* A segment of the input: records in input order, owned by one rank. */
typedef struct {
	int32_t owner;
	int32_t plain;     /* 1: part `owner` of plain JSONL file `file`; 0: a batch in owner's spool */
	uint32_t file;     /* plain: the file's id */
	uint32_t pad;
	uint64_t n_rec;    /* records (blank lines are not records) */
	uint64_t n_lines;  /* plain: newlines in the part, for the next part's line numbers */
	uint64_t line_base; /* plain: lines of the file before this part */
	uint64_t n_acc;    /* accepted articles */
	uint64_t acc_start; /* corpus index of the first of them */
	uint64_t local_acc; /* owner's local index of the first of them */
} wmpi_seg;

/* Where a record came from, so rank 0 can copy a rejected one as read:
 * plain files: byte offset of its line; dealt records: their copy in rank
 * 0's raw store (--rejects only). */
typedef struct {
	uint64_t off, len;
} wmpi_src;

typedef struct {
	app_batch b;
	wmpi_src *src; /* per record */
	size_t src_cap;
	uint32_t seg;
} wmpi_mbatch;

typedef struct wmpi_plan {
	wmpi_seg *seg;
	size_t n_seg;
	char **path;       /* by file id: path of a plain file (NULL otherwise) */
	uint64_t *size;    /* by file id: size of a plain file */
	char **name;       /* rank 0: by file id, the name messages use */
	size_t n_files, files_cap;
	FILE *spool;       /* this rank's dealt batches, back to back */
	uint64_t *spool_off; /* offset of each of this rank's dealt batches */
	size_t n_spool;
	FILE *raw;         /* rank 0, with --rejects: dealt records as read */
	char *stdin_copy;  /* rank 0: stdin copied for two passes */
	/* reading: the next segment, the plain file part being read */
	size_t cur_seg, cur_spool;
	FILE *f;
	char *buf;
	size_t bpos, blen;
	uint64_t boff, end, line; /* file offset of buf[0], end of the part, lines read */
	FILE *copy_f;      /* rank 0: the plain file rejects are copied from */
	uint32_t copy_file;
} wmpi_plan;

/* Collective: plans the inputs and deals out the ones rank 0 reads. */
int wmpi_plan_inputs(wmpi *m, wmpi_plan *p, char **files, int n_files, int two_pass,
                   size_t max_bytes, int keep_raw);
void wmpi_plan_free(wmpi_plan *p);

/* Reading this rank's segments, in order, as batches: one segment a batch
 * at most. Returns records read, 0 at the end, -1 on a read error (with m
 * failed). The lines of plain records are relative to their part. */
void wmpi_plan_rewind(wmpi_plan *p);
long long wmpi_plan_next(wmpi *m, wmpi_plan *p, wmpi_mbatch *mb, size_t max_bytes);
void wmpi_mbatch_free(wmpi_mbatch *mb);

/* Collective: sums the per-segment counts each owner filled in (n_rec,
 * n_lines), and sets line_base. */
int wmpi_plan_share_counts(wmpi *m, wmpi_plan *p);

/* Rank 0: copies a record as read to f (plain: its line from the file;
 * dealt: from the raw store). 0 or -1. */
int wmpi_plan_copy_record(wmpi_plan *p, const wmpi_seg *s, const wmpi_src *src, FILE *f);

/* ---- passes (mpi_sketch.c) ---- */

/* A rank's accepted articles' signatures, in input order. */
typedef struct {
	size_t n, cap;
	int k;
	uint32_t *sig, *ns;
	wu_u64s sh;        /* exact verification only */
	uint64_t *sh_off;  /* n + 1 */
} wmpi_sigs;

/* What rank 0 needs of each record, packed one chunk a batch, in input
 * order (a batch never spans two segments). */
typedef struct {
	wu_str *chunk;
	size_t n, cap;
} wmpi_log;

/* The story term document frequencies, pruned to the terms a profile can
 * use. */
typedef struct {
	wu__counter count;
	double n_docs;
} wmpi_mdf;

typedef struct {
	app_run *run;       /* options, fields, threads, boiler */
	wmpi_mdf *df;        /* stories only */
	int boiler_min_docs;
	const char *boiler_file;
} wmpi_pass_args;

/* Collective: the first pass; builds run->boiler and df (global). */
int wmpi_stats_pass(wmpi *m, wmpi_plan *p, wmpi_pass_args *a);
/* Collective only at its end: the second pass, into sigs and the log. */
int wmpi_sketch_pass(wmpi *m, wmpi_plan *p, wmpi_pass_args *a, wmpi_sigs *s, wmpi_log *log);
void wmpi_sigs_free(wmpi_sigs *s);
void wmpi_log_free(wmpi_log *l);

/* ---- commit (mpi_commit.c) ---- */

typedef struct {
	wu_corpus *corpus; /* rank 0: every accepted article's id and metadata */
	size_t n_read, n_rejected, n_invalid;
	int stop;          /* a bad record stops the job (--on-error fail) */
} wmpi_commit;

/* Collective: rank 0 takes every record in input order, reports the bad
 * ones, finds duplicate ids; every rank then drops its duplicates and
 * learns the corpus indices of its articles. */
int wmpi_commit_records(wmpi *m, wmpi_plan *p, app_run *run, FILE *rejects, wmpi_sigs *s,
                      wmpi_log *log, wmpi_commit *out);

/* ---- cluster (mpi_cluster.c) ---- */

/* Collective: the clusters, complete on rank 0 (others: counts only). */
int wmpi_cluster(wmpi *m, const wmpi_plan *p, const wu_opt *o, int n_threads, const wmpi_sigs *s,
                   const wu_corpus *meta, wu_clusters *out);

#endif

/* wiredup: the command-line program, a thin layer over libwiredup. */
#include "cli_args.h"
#include "signals.h"
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_eval(int argc, char **argv);
int cli_index(int argc, char **argv);
int cli_dedup(int argc, char **argv);

/* Exit status for a stop by signal: 128 + its number, as shells do. The
 * message says which stage was stopped (`when`, printf-style): a count of
 * articles read means nothing before the second pass has begun. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int stopped(const char *when, ...)
{
	va_list ap;
	va_start(ap, when);
	fprintf(stderr, "wiredup: %s ", app_stop_signal() == SIGINT ? "interrupted" : "terminated");
	vfprintf(stderr, when, ap);
	fprintf(stderr, "; no output written\n");
	va_end(ap);
	return 128 + (int)app_stop_signal();
}

static const char usage_main[] =
"Usage: wiredup COMMAND [OPTIONS] [FILE...]\n"
"Find near-duplicate news articles and group wire copies into clusters.\n"
"\n"
"Commands:\n"
"  cluster   assign every article to a near-duplicate cluster\n"
"  eval      score a clustering against gold labels\n"
"  index     create, fill, inspect and expire a persistent index (LMDB)\n"
"  dedup     answer new / duplicate for each article against an index\n"
"\n"
"  -h, --help       show this help (wiredup COMMAND --help for a command)\n"
"  -V, --version    show the version\n"
"\n"
"Exit status: 0 ok, 1 input or runtime error, 2 usage error.\n";

static void summary(const app_args *a, const wu_clusters *cl, size_t n_stories,
                    double t_stories, double t_write, double t_all)
{
	const app_run *r = &a->run;
	fprintf(stderr,
	        "wiredup: %zu articles, %zu clusters, %zu duplicates, %zu rejected, "
	        "%zu invalid UTF-8 bytes replaced\n",
	        cl->n, cl->n_clusters, cl->n - cl->n_clusters, r->n_rejected, r->n_invalid_utf8);
	fprintf(stderr,
	        "wiredup: LSH %d bands x %d rows (tuned for Jaccard %.3f), %zu candidate checks, "
	        "%zu linked\n",
	        cl->bands, cl->rows, wu_opt_lsh_threshold(&r->opt), cl->n_candidates, cl->n_linked);
	if (r->boiler)
		fprintf(stderr, "wiredup: %zu boilerplate lines left out\n", r->n_boiler_lines);
	if (r->n_hidden || r->n_repeat)
		fprintf(stderr,
		        "wiredup: folders: %zu hidden names (starting with '.') and %zu links to "
		        "folders already read passed over\n",
		        r->n_hidden, r->n_repeat);
	if (r->opt.stories)
		fprintf(stderr, "wiredup: %zu stories (%.3f s)\n", n_stories, t_stories);
	fprintf(stderr,
	        "wiredup: seconds: boilerplate %.3f, read %.3f, sketch %.3f, add %.3f, bucket %.3f, verify %.3f, "
	        "cluster %.3f, write %.3f, total %.3f (%d threads)\n",
	        r->t_scan, r->t_read, r->t_sketch, r->t_add, cl->seconds_bucket, cl->seconds_verify,
	        cl->seconds_union, t_write, t_all, r->n_threads);
}

/* -o and --rejects, opened before any input is read, so that a refused or
 * unwritable name costs nothing (app_outfile_open_pair). */
typedef struct {
	app_outfile out, rej;
} outputs;

/* Writes the results to the output, then commits --rejects and the output
 * (see outfile.h: a regular file is replaced whole, a device or FIFO
 * written in place); every write, the flush, fsync and close are checked. */
static int write_output(outputs *o, int format, const wu_corpus *c, const wu_clusters *cl,
                        const uint32_t *story_rep)
{
	char err[512];
	int rc = app_write_results(o->out.f, format, c, cl, story_rep);
	if (app_stop_signal())
		return stopped("while writing the output");
	if (rc) {
		fprintf(stderr, "wiredup: writing output: %s: %s\n",
		        o->out.name ? o->out.name : "standard output", strerror(errno));
		return 1;
	}
	if (app_outfile_commit_pair(&o->out, &o->rej, err, sizeof err)) {
		fprintf(stderr, "wiredup: %s\n", err);
		return 1;
	}
	return 0;
}

/* Reads the known-boilerplate file into b; 0 or -1 (message printed). */
static int load_boiler_file(const char *path, wu_boiler *b)
{
	char err[512];
	if (app_boiler_file(path, b, err, sizeof err) == 0)
		return 0;
	fprintf(stderr, "wiredup: %s\n", err);
	return -1;
}

/* An input that cannot be read twice: stdin, a pipe (/dev/stdin, <(cmd)),
 * a FIFO, a character device or a socket; stat'd into st. Anything else
 * (a regular file, a directory, a missing name) is opened again by the
 * second pass, and a missing name is reported by the reader. */
static int one_time(const char *path, struct stat *st)
{
	if (!strcmp(path, "-")) {
		if (fstat(STDIN_FILENO, st))
			memset(st, 0, sizeof *st); /* closed: the reader reports it */
		return 1;
	}
	return stat(path, st) == 0 &&
	       (S_ISFIFO(st->st_mode) || S_ISCHR(st->st_mode) || S_ISSOCK(st->st_mode));
}

/* Writes all n bytes; 0 or -1 with errno. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR && !app_stop_signal())
			continue;
		if (w < 0)
			return -1;
		p += w, n -= (size_t)w;
	}
	return 0;
}

/* Copies everything from fd to fd `to`; 0, or -1 with errno (EINTR when
 * a signal asked us to stop: a blocked read returns, no SA_RESTART). */
static int copy_fd(int from, int to)
{
	enum { CHUNK = 1 << 16 };
	char *buf = malloc(CHUNK);
	int rc = buf ? 1 : (errno = ENOMEM, -1);
	while (rc > 0) {
		ssize_t n = read(from, buf, CHUNK);
		if (n < 0 && errno == EINTR && !app_stop_signal())
			continue;
		if (n <= 0)
			rc = (int)n;
		else if (app_stop_signal() || write_all(to, buf, (size_t)n))
			rc = -1, errno = app_stop_signal() ? EINTR : errno;
	}
	int e = errno;
	free(buf);
	errno = e;
	return rc;
}

/* Copies the one-time input `name` to a new temporary file (TMPDIR), so a
 * two-pass run can read it twice. Sets *spool to its malloc'd path; an
 * exit status (0, 1 with a message, or a stop by signal). */
static int spool_input(const char *name, char **spool)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	size_t len = strlen(dir) + 32;
	char *path = malloc(len);
	if (!path) {
		fprintf(stderr, "wiredup: out of memory\n");
		return 1;
	}
	snprintf(path, len, "%s/wiredup-input-XXXXXX", dir);
	int to = mkstemp(path), from = -1, rc = to < 0 ? -1 : 0, e = errno;
	if (rc == 0) {
		from = strcmp(name, "-") ? open(name, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
		rc = from < 0 || copy_fd(from, to) ? -1 : 0;
		e = errno;
		if (from > STDIN_FILENO)
			close(from);
		if (close(to) && rc == 0)
			rc = -1, e = errno;
	}
	if (rc == 0) {
		*spool = path;
		return 0;
	}
	if (to >= 0)
		remove(path);
	int status = app_stop_signal() ? stopped("while copying %s for two passes", name) : 1;
	if (!app_stop_signal())
		fprintf(stderr, "wiredup: copying %s to %s: %s\n", name, path, strerror(e));
	free(path);
	return status;
}

/* The spool copies of one-time inputs, one per file (an input named twice,
 * or "-" and /dev/stdin, is copied once and read from the copy both times). */
typedef struct {
	char **path;
	dev_t *dev;
	ino_t *ino;
	int n;
} spools;

static void spools_free(spools *sp)
{
	for (int i = 0; i < sp->n; i++) {
		remove(sp->path[i]);
		free(sp->path[i]);
	}
	free(sp->path), free(sp->dev), free(sp->ino);
}

/* Replaces every one-time input among files[] by a spool copy in paths[]
 * (the names in messages stay the user's); an exit status. */
static int spool_inputs(char **files, char **paths, int n, spools *sp)
{
	sp->path = calloc((size_t)n, sizeof *sp->path);
	sp->dev = calloc((size_t)n, sizeof *sp->dev);
	sp->ino = calloc((size_t)n, sizeof *sp->ino);
	if (!sp->path || !sp->dev || !sp->ino) {
		fprintf(stderr, "wiredup: out of memory\n");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		struct stat st = {0};
		if (!one_time(files[i], &st))
			continue;
		int k = 0;
		while (k < sp->n && !(sp->dev[k] == st.st_dev && sp->ino[k] == st.st_ino))
			k++;
		if (k == sp->n) {
			int rc = spool_input(files[i], &sp->path[k]);
			if (rc)
				return rc;
			sp->dev[k] = st.st_dev, sp->ino[k] = st.st_ino, sp->n++;
		}
		paths[i] = sp->path[k];
	}
	return 0;
}

/* The boilerplate pass, when asked for: 0 or 1 (error, message printed). */
static int stats_pass(app_args *a, char **paths, char **names, int n)
{
	if (a->run.opt.stories && !(a->run.df = wu_df_new()))
		return 1;
	if (a->boiler_min_docs > 0 || a->boiler_file) {
		a->run.boiler = wu_boiler_new();
		if (!a->run.boiler || (a->boiler_file && load_boiler_file(a->boiler_file, a->run.boiler)))
			return 1;
	}
	a->run.count_lines = a->boiler_min_docs > 0;
	if (a->run.count_lines || a->run.df) {
		app_input *in = app_input_new(paths, names, n, a->run.max_bytes);
		int rc = in ? app_pipeline_scan(&a->run, in) : -1;
		app_input_free(in);
		if (rc == APP_STOPPED)
			return stopped("during the first pass (boilerplate lines, story terms), "
			               "before any article was read");
		if (rc) {
			fprintf(stderr, "wiredup: out of memory in the first pass\n");
			return 1;
		}
	}
	double t = omp_get_wtime(); /* counted with the first pass */
	if (a->run.count_lines &&
	    wu_boiler_finish(a->run.boiler, a->boiler_min_docs, a->run.n_threads)) {
		fprintf(stderr, "wiredup: out of memory in the first pass\n");
		return 1;
	}
	a->run.t_scan += omp_get_wtime() - t;
	if (a->run.boiler)
		a->run.n_boiler_lines = wu_boiler_size(a->run.boiler);
	return 0;
}

/* Clusters the corpus (and its stories) and writes the output; an exit
 * status. */
static int cluster_corpus(app_args *a, outputs *out, const wu_corpus *c, double t0)
{
	wu_clusters cl = {0};
	uint32_t *story_rep = NULL;
	size_t n_stories = 0;
	int rc = 1;
	double ts = 0, tw;
	app_progress_attach(&a->run);
	if (wu_cluster(c, &a->run.opt, a->run.n_threads, &cl))
		goto oom;
	if (a->run.opt.stories) {
		ts = omp_get_wtime();
		story_rep = malloc((cl.n ? cl.n : 1) * sizeof *story_rep);
		if (!story_rep || wu_stories(c, &cl, &a->run.opt, a->run.n_threads, story_rep, &n_stories))
			goto oom;
		ts = omp_get_wtime() - ts;
	}
	if (app_stop_signal()) {
		rc = stopped("while clustering %zu articles", cl.n);
		goto done;
	}
	tw = omp_get_wtime();
	rc = write_output(out, a->format, c, &cl, story_rep);
	if (!a->quiet)
		summary(a, &cl, n_stories, ts, omp_get_wtime() - tw, omp_get_wtime() - t0);
	goto done;
oom:
	app_progress_clear(&a->run);
	fprintf(stderr, "wiredup: out of memory while clustering\n");
done:
	wu_clusters_free(&cl);
	free(story_rep);
	return rc;
}

/* A stop in the second pass: a signal met between the passes (while the
 * boilerplate table is finished) stops it before its first record. */
static int stopped_reading(size_t n_read)
{
	return n_read ? stopped("after %zu articles read", n_read)
	              : stopped("before the second pass read any article");
}

static int cluster_files(app_args *a, outputs *out, char **paths, char **names, int n)
{
	double t0 = omp_get_wtime();
	int rc = stats_pass(a, paths, names, n);
	if (rc)
		return rc;
	app_input *in = app_input_new(paths, names, n, a->run.max_bytes);
	wu_corpus *c = wu_corpus_new(&a->run.opt);
	int prc = in && c ? app_pipeline(&a->run, in, c) : -1;
	if (in) {
		a->run.n_hidden = app_input_n_hidden(in);
		a->run.n_repeat = app_input_n_repeat(in);
	}
	if (!in || !c)
		fprintf(stderr, "wiredup: out of memory\n");
	rc = !in || !c || prc == -1 ? 1
	   : prc == APP_STOPPED ? stopped_reading(a->run.n_read)
	   : cluster_corpus(a, out, c, t0);
	wu_corpus_free(c);
	app_input_free(in);
	return rc;
}

/* Runs the passes; a failed or stopped run leaves the names of -o and
 * --rejects as they were (temporary files removed). */
static int run_cluster(app_args *a, char **files, int n_files)
{
	int two_pass = a->boiler_min_docs > 0 || a->run.opt.stories, rc = 1;
	spools sp = {0};
	outputs out = {{0}, {0}};
	char **paths = malloc((size_t)n_files * sizeof *paths);
	if (!paths)
		return 1;
	memcpy(paths, files, (size_t)n_files * sizeof *paths);
	char err[1024];
	rc = app_outfile_open_pair(&out.out, a->output, &out.rej, a->rejects, files, n_files, err,
	                          sizeof err);
	if (rc && app_stop_signal()) /* a FIFO's open waits for its reader */
		rc = stopped("while opening the output");
	else if (rc)
		fprintf(stderr, "wiredup: %s\n", err);
	if (rc)
		goto done;
	if (two_pass && (rc = spool_inputs(files, paths, n_files, &sp)))
		goto done;
	a->run.rejects = out.rej.f;
	rc = cluster_files(a, &out, paths, files, n_files);
done:
	app_outfile_abort(&out.rej);
	app_outfile_abort(&out.out);
	spools_free(&sp);
	free(paths);
	wu_boiler_free(a->run.boiler);
	wu_df_free(a->run.df);
	return rc;
}

static int cmd_cluster(int argc, char **argv)
{
	app_args a;
	int rc = app_parse_cluster(argc, argv, &a, 0, 1);
	if (rc)
		return rc == 1 ? 0 : 2;
	a.run.stop = app_stop_flag();
	return run_cluster(&a, a.files, a.n_files);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_main, stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
		printf("wiredup %s\n", WU_VERSION);
		return 0;
	}
	app_signals_install();
	if (!strcmp(cmd, "cluster"))
		return cmd_cluster(argc - 1, argv + 1);
	if (!strcmp(cmd, "eval"))
		return cli_eval(argc - 1, argv + 1);
	if (!strcmp(cmd, "index"))
		return cli_index(argc - 1, argv + 1);
	if (!strcmp(cmd, "dedup"))
		return cli_dedup(argc - 1, argv + 1);
	fprintf(stderr, "wiredup: unknown command '%s'\n%s", cmd, usage_main);
	return 2;
}

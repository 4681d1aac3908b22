/* wiredup: the command-line program, a thin layer over libwiredup. */
#include "cli_args.h"

#include <errno.h>
#include <signal.h>
#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int wu_cli_eval(int argc, char **argv);
int wu_cli_index(int argc, char **argv);
int wu_cli_dedup(int argc, char **argv);

/* The signal that asked us to stop (0: none). The program's only global:
 * a handler can reach nothing else. The library never sees it. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A full disk or a file-size limit must be an error we report and
	 * clean up after, not a silent kill. */
	signal(SIGXFSZ, SIG_IGN);
}

/* Exit status for a stop by signal: 128 + its number, as shells do. */
static int stopped(size_t n_read)
{
	fprintf(stderr, "wiredup: %s after %zu articles read; no output written\n",
	        stop_signal == SIGINT ? "interrupted" : "terminated", n_read);
	return 128 + (int)stop_signal;
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

static void summary(const cluster_args *a, const wu_clusters *cl, size_t n_stories,
                    double t_stories, double t_write, double t_all)
{
	const wu_run *r = &a->run;
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
	if (r->opt.stories)
		fprintf(stderr, "wiredup: %zu stories (%.3f s)\n", n_stories, t_stories);
	fprintf(stderr,
	        "wiredup: seconds: boilerplate %.3f, read %.3f, sketch %.3f, add %.3f, bucket %.3f, verify %.3f, "
	        "cluster %.3f, write %.3f, total %.3f (%d threads)\n",
	        r->t_scan, r->t_read, r->t_sketch, r->t_add, cl->seconds_bucket, cl->seconds_verify,
	        cl->seconds_union, t_write, t_all, r->n_threads);
}

/* Writes the results to a temporary file beside `path`, then renames it,
 * so a file under the final name is always complete. */
static int write_output(const cluster_args *a, const wu_corpus *c, const wu_clusters *cl,
                        const uint32_t *story_rep)
{
	if (!a->output || !strcmp(a->output, "-")) {
		int rc = wu_write_results(stdout, a->format, c, cl, story_rep);
		if (fflush(stdout) || rc) {
			fprintf(stderr, "wiredup: writing output: %s\n", strerror(errno));
			return 1;
		}
		return 0;
	}
	size_t len = strlen(a->output) + 32;
	char *tmp = malloc(len);
	if (!tmp) {
		fprintf(stderr, "wiredup: out of memory\n");
		return 1;
	}
	snprintf(tmp, len, "%s.tmp.%ld", a->output, (long)getpid());
	FILE *f = fopen(tmp, "w");
	int rc = f ? wu_write_results(f, a->format, c, cl, story_rep) : -1;
	if (f && (fflush(f) || fsync(fileno(f))))
		rc = -1;
	if (f && fclose(f))
		rc = -1;
	if (rc == 0 && stop_signal) {
		remove(tmp);
		free(tmp);
		return stopped(cl->n);
	}
	if (rc == 0 && rename(tmp, a->output))
		rc = -1;
	if (rc) {
		fprintf(stderr, "wiredup: %s: %s\n", a->output, strerror(errno));
		remove(tmp);
	}
	free(tmp);
	return rc ? 1 : 0;
}

/* Reads the known-boilerplate file into b; 0 or -1 (message printed). */
static int load_boiler_file(const char *path, wu_boiler *b)
{
	char err[512];
	if (wu_boiler_file(path, b, err, sizeof err) == 0)
		return 0;
	fprintf(stderr, "wiredup: %s\n", err);
	return -1;
}

/* Copies stdin to a temporary file, so a two-pass run can read it twice.
 * Returns the malloc'd path (already unlinked from view on exit by the
 * caller), or NULL with a message. */
static char *spool_stdin(void)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	size_t len = strlen(dir) + 32;
	char *path = malloc(len);
	if (!path) {
		fprintf(stderr, "wiredup: out of memory\n");
		return NULL;
	}
	snprintf(path, len, "%s/wiredup-stdin-XXXXXX", dir);
	int fd = mkstemp(path);
	FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
	char buf[1 << 16];
	size_t n;
	int rc = out ? 0 : -1;
	while (rc == 0 && (n = fread(buf, 1, sizeof buf, stdin)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (ferror(stdin) || (out && fclose(out)))
		rc = -1;
	if (rc) {
		fprintf(stderr, "wiredup: copying stdin to %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			remove(path);
		free(path);
		return NULL;
	}
	return path;
}

/* The boilerplate pass, when asked for: 0 or 1 (error, message printed). */
static int stats_pass(cluster_args *a, char **paths, char **names, int n)
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
		wu_input *in = wu_input_new(paths, names, n, a->run.max_bytes);
		int rc = in ? wu_pipeline_scan(&a->run, in) : -1;
		wu_input_free(in);
		if (rc == WU_STOPPED)
			return stopped(0);
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
static int cluster_corpus(cluster_args *a, const wu_corpus *c, double t0)
{
	wu_clusters cl = {0};
	uint32_t *story_rep = NULL;
	size_t n_stories = 0;
	int rc = 1;
	double ts = 0, tw;
	wu_progress_attach(&a->run);
	if (wu_cluster(c, &a->run.opt, a->run.n_threads, &cl))
		goto oom;
	if (a->run.opt.stories) {
		ts = omp_get_wtime();
		story_rep = malloc((cl.n ? cl.n : 1) * sizeof *story_rep);
		if (!story_rep || wu_stories(c, &cl, &a->run.opt, a->run.n_threads, story_rep, &n_stories))
			goto oom;
		ts = omp_get_wtime() - ts;
	}
	if (stop_signal) {
		rc = stopped(a->run.n_read);
		goto done;
	}
	tw = omp_get_wtime();
	rc = write_output(a, c, &cl, story_rep);
	if (!a->quiet)
		summary(a, &cl, n_stories, ts, omp_get_wtime() - tw, omp_get_wtime() - t0);
	goto done;
oom:
	fprintf(stderr, "wiredup: out of memory while clustering\n");
done:
	wu_clusters_free(&cl);
	free(story_rep);
	return rc;
}

static int cluster_files(cluster_args *a, char **paths, char **names, int n)
{
	double t0 = omp_get_wtime();
	int rc = stats_pass(a, paths, names, n);
	if (rc)
		return rc;
	wu_input *in = wu_input_new(paths, names, n, a->run.max_bytes);
	wu_corpus *c = wu_corpus_new(&a->run.opt);
	int prc = in && c ? wu_pipeline(&a->run, in, c) : -1;
	if (!in || !c)
		fprintf(stderr, "wiredup: out of memory\n");
	rc = !in || !c || prc == -1 ? 1
	   : prc == WU_STOPPED ? stopped(a->run.n_read)
	   : cluster_corpus(a, c, t0);
	wu_corpus_free(c);
	wu_input_free(in);
	return rc;
}

static int run_cluster(cluster_args *a, char **files, int n_files)
{
	int two_pass = a->boiler_min_docs > 0 || a->run.opt.stories, rc = 1;
	char *spool = NULL;
	char **paths = malloc((size_t)n_files * sizeof *paths);
	if (!paths)
		return 1;
	for (int i = 0; i < n_files; i++) {
		paths[i] = files[i];
		if (two_pass && !strcmp(files[i], "-")) {
			if (!spool && !(spool = spool_stdin()))
				goto done;
			paths[i] = spool;
		}
	}
	if (a->rejects && !(a->run.rejects = fopen(a->rejects, "w"))) {
		fprintf(stderr, "wiredup: %s: %s\n", a->rejects, strerror(errno));
		goto done;
	}
	rc = cluster_files(a, paths, files, n_files);
	if (a->run.rejects && fclose(a->run.rejects)) {
		fprintf(stderr, "wiredup: %s: %s\n", a->rejects, strerror(errno));
		rc = 1;
	}
done:
	if (spool)
		remove(spool);
	free(spool), free(paths);
	wu_boiler_free(a->run.boiler);
	wu_df_free(a->run.df);
	return rc;
}

static int cmd_cluster(int argc, char **argv)
{
	cluster_args a;
	int rc = wu_cli_parse_cluster(argc, argv, &a, "wiredup", 0, 1);
	if (rc)
		return rc == 1 ? 0 : 2;
	a.run.stop = &stop_signal;
	return run_cluster(&a, argv + optind, argc - optind);
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
	install_signals();
	if (!strcmp(cmd, "cluster"))
		return cmd_cluster(argc - 1, argv + 1);
	if (!strcmp(cmd, "eval"))
		return wu_cli_eval(argc - 1, argv + 1);
	if (!strcmp(cmd, "index"))
		return wu_cli_index(argc - 1, argv + 1);
	if (!strcmp(cmd, "dedup"))
		return wu_cli_dedup(argc - 1, argv + 1);
	fprintf(stderr, "wiredup: unknown command '%s'\n%s", cmd, usage_main);
	return 2;
}

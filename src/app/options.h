/* One option parser for every subcommand (wiredup cluster, index, dedup;
 * wiredup-mpi cluster). Each option is described once, in options.c: its
 * name, argument, the values it takes, what it sets and its --help line; a
 * subcommand names the options it takes (a set of ids) and how its help is
 * laid out. So a shared option has one range, one message and one help
 * line everywhere, and every usage error has the same shape:
 *
 *   wiredup: --num-perm: bad value '7' (8..1024, a multiple of 8)
 *   Try 'wiredup dedup --help'.
 */
#ifndef APP_OPTIONS_H
#define APP_OPTIONS_H

#include "input.h"

#include <stdint.h>
#include <stdio.h>

/* What any subcommand's command line sets; the parser fills it. */
typedef struct {
	app_run run;       /* opt, fields, n_threads (0: not given), skip_errors, max_bytes */
	unsigned params;   /* WU_PARAM_* bits of the similarity parameters given */
	const char *output, *rejects, *boiler_file; /* -o, --rejects, --boilerplate-file */
	int format, quiet, boiler_min_docs;
	int mpi_stats;     /* wiredup-mpi only */
	/* the index commands and dedup */
	int cmd;           /* which index command (cli_index.c's) */
	const char *idx;   /* IDX, or --index */
	uint64_t map_size; /* 0: the index's own */
	long batch, older_than, max_future; /* older_than -1: not given */
	int32_t today;     /* --now, or WU_NO_DATE */
	int window, json, no_add, wait, no_sync;
	/* the operands (input files; for index commands IDX first), in order */
	char **files;
	int n_files;
} app_args;

/* Every option of every subcommand. Two options may share a name when
 * their meaning differs by subcommand (--window-days: a story's span in
 * cluster, the days kept in an index); no subcommand takes both. */
enum app_opt {
	APP_O_ID_FIELD, APP_O_TEXT_FIELD, APP_O_TITLE_FIELD, APP_O_DATE_FIELD, APP_O_SOURCE_FIELD,
	APP_O_MAX_BYTES, APP_O_ON_ERROR, APP_O_REJECTS, APP_O_FUTURE, APP_O_BOILER_MIN,
	APP_O_BOILER_FILE, APP_O_SHINGLE, APP_O_NGRAM, APP_O_NOISY, APP_O_NUM_PERM, APP_O_SEED,
	APP_O_MEASURE, APP_O_THRESHOLD, APP_O_RATIO, APP_O_BANDS, APP_O_ROWS, APP_O_VERIFY,
	APP_O_MAX_BUCKET, APP_O_STORIES, APP_O_STORY_THRESHOLD, APP_O_STORY_WINDOW,
	APP_O_STORY_LINKAGE, APP_O_INDEX, APP_O_NO_ADD, APP_O_MAP_SIZE, APP_O_NOW, APP_O_BATCH,
	APP_O_KEEP_WINDOW, APP_O_WAIT, APP_O_NO_SYNC, APP_O_OLDER_THAN, APP_O_JSON, APP_O_OUTPUT,
	APP_O_FORMAT, APP_O_THREADS, APP_O_QUIET, APP_O_MPI_STATS, APP_O_HELP, APP_O_N
};
#define APP_OPT(o) (1ull << (o))

/* A line of a subcommand's help: a heading (opt < 0), or an option's line
 * (shown when the option is in the help's set). */
typedef struct {
	int opt;
	const char *heading;
} app_help_line;
#define APP_HEADING(s) {-1, s}
#define APP_LINE(o) {o, NULL}

/* A subcommand: its name in messages ("index add"), the command its help
 * is asked of ("wiredup index"), the options it takes, and its help. */
typedef struct {
	const char *name, *help_cmd;
	unsigned long long opts;
	unsigned long long help_opts; /* the options its help lists; 0: opts */
	const char *head, *foot;      /* the help's text before and after the options */
	const app_help_line *lines;   /* ends with {-1, NULL} */
} app_command;

/* The most threads a run takes (--threads 1..APP_MAX_THREADS). */
#define APP_MAX_THREADS 1024

/* Defaults of every option (whichever subcommand takes it). */
void app_args_init(app_args *a);

/* Parses argv[1..argc-1] (argv[0] names the subcommand) against cmd's
 * options into a, set to the defaults first. Options and operands may
 * mix, as with GNU getopt ("--" ends the options; "-" is an operand); a
 * long option may be cut to a prefix that only one of cmd's options
 * starts with; -tN and -qt N work. The operands go to a->files (argv is
 * reordered: parse it once). Returns 0; APP_HELP after printing the help
 * (-h, --help); or 2 after a usage error (printed when verbose: rank 0 of
 * wiredup-mpi speaks for all). */
#define APP_HELP 1
int app_parse(int argc, char **argv, const app_command *cmd, app_args *a, int verbose);

/* A usage error of cmd: "wiredup: WHAT" and "Try 'HELP_CMD --help'." on
 * stderr (when verbose). Returns 2, the exit status of a usage error. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int app_usage_error(const app_command *cmd, int verbose, const char *fmt, ...);

/* The checks every subcommand makes once its options are parsed:
 * --rejects needs --on-error skip; the similarity parameters fit together
 * (wu_opt_finish). 0, or 2 after a usage error. */
int app_check_args(const app_command *cmd, app_args *a, int verbose);

/* cmd's help: head, the options' lines, foot. */
void app_print_help(const app_command *cmd, FILE *f);

#endif

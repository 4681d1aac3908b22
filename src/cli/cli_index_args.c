/* The command lines of `wiredup index` (create, add, info, expire) and
 * `wiredup dedup`: the options each command takes, their help, and the
 * checks once options.c has parsed them. Apart from cli_index.c, which
 * runs the commands, as cli_args.c is for cluster. */
#include "cli_args.h"
#include "cli_index.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define INDEX_ABOUT \
"A persistent index of article signatures (a directory, LMDB) for\n" \
"deduplicating a feed as it arrives; see 'wiredup dedup --help'.\n" \
"\n" \
"Commands:\n" \
"  create IDX [OPTIONS]         make a new, empty index with these parameters\n" \
"                               (IDX: a new name, or an empty directory)\n" \
"  add IDX [OPTIONS] FILE...    add articles ('-' = stdin, line by line); ids\n" \
"                               already in the index are skipped and counted\n" \
"  info IDX [--json]            parameters, article count, date range, size\n" \
"                               (reads only: works on a read-only directory)\n" \
"  expire IDX --older-than D    remove articles dated more than D days before\n" \
"                               the newest article or today, whichever is\n" \
"                               earlier (undated ones stay)\n" \
"\n"

#define DEDUP_ABOUT \
"For each input record, in order, one JSON line on stdout (blank lines are\n" \
"not records):\n" \
"  {\"id\":ID,\"status\":\"new\",\"of\":null,\"similarity\":0}\n" \
"  {\"id\":ID,\"status\":\"duplicate\",\"of\":ID,\"similarity\":S}\n" \
"  {\"id\":ID,\"status\":\"rejected\",\"error\":REASON}\n" \
"  {\"id\":null,\"file\":FILE,\"line\":N,\"status\":\"rejected\",\"error\":REASON}\n" \
"'of' is the most similar stored article that passes the index's measure and\n" \
"threshold (the earliest added on a tie; an article whose id is already\n" \
"stored is a duplicate of that one), S the similarity to it (0 when new).\n" \
"Then the article is added, so later copies in the same input are caught too.\n" \
"A bad record is answered \"rejected\" with the reason (and, where no id can\n" \
"be read from it, its file and line); --on-error fail stops after it.\n" \
"No FILE or '-': stdin, read and answered a line at a time (each answer is\n" \
"flushed), so it can sit at the end of a 'tail -f' pipeline.\n" \
"\n"

#define DEDUP_FOOT \
"\n" \
"The answers of a batch are written out before it is committed. A killed\n" \
"process may have answered articles the index does not hold (feed them again\n" \
"and they are answered again); a failed write of the answers (a full disk)\n" \
"is exit 1, and the batch not yet committed is dropped, so the index holds\n" \
"only articles whose answers were written.\n"

#define EXIT_STATUS "Exit status: 0 ok, 1 input or runtime error, 2 usage error.\n"

static const char *const cmd_names[CLI_N_CMDS] = {"create", "add", "info", "expire", "dedup"};

#define INPUT_OPTS \
	(APP_OPT(APP_O_ID_FIELD) | APP_OPT(APP_O_TEXT_FIELD) | APP_OPT(APP_O_TITLE_FIELD) | \
	 APP_OPT(APP_O_DATE_FIELD) | APP_OPT(APP_O_SOURCE_FIELD) | APP_OPT(APP_O_MAX_BYTES) | \
	 APP_OPT(APP_O_ON_ERROR) | APP_OPT(APP_O_REJECTS) | APP_OPT(APP_O_FUTURE))
#define PARAM_OPTS \
	(APP_OPT(APP_O_SHINGLE) | APP_OPT(APP_O_NGRAM) | APP_OPT(APP_O_NOISY) | \
	 APP_OPT(APP_O_NUM_PERM) | APP_OPT(APP_O_SEED) | APP_OPT(APP_O_MEASURE) | \
	 APP_OPT(APP_O_THRESHOLD) | APP_OPT(APP_O_RATIO) | APP_OPT(APP_O_BANDS) | \
	 APP_OPT(APP_O_ROWS))
#define WRITE_OPTS \
	(APP_OPT(APP_O_BATCH) | APP_OPT(APP_O_WAIT) | APP_OPT(APP_O_NO_SYNC) | \
	 APP_OPT(APP_O_QUIET) | APP_OPT(APP_O_MAP_SIZE) | APP_OPT(APP_O_NOW))
#define FEED_OPTS \
	(INPUT_OPTS | PARAM_OPTS | WRITE_OPTS | APP_OPT(APP_O_KEEP_WINDOW) | APP_OPT(APP_O_THREADS))
#define CREATE_OPTS (PARAM_OPTS | APP_OPT(APP_O_MAP_SIZE) | APP_OPT(APP_O_QUIET))
#define EXPIRE_OPTS (WRITE_OPTS | APP_OPT(APP_O_OLDER_THAN))
#define INDEX_OPTS (FEED_OPTS | EXPIRE_OPTS | APP_OPT(APP_O_JSON)) /* all four, for the help */

/* The help's lines: one help for the index commands, one for dedup. */
#define INPUT_LINES \
	APP_LINE(APP_O_ID_FIELD), APP_LINE(APP_O_TEXT_FIELD), APP_LINE(APP_O_TITLE_FIELD), \
	APP_LINE(APP_O_DATE_FIELD), APP_LINE(APP_O_SOURCE_FIELD), APP_LINE(APP_O_MAX_BYTES), \
	APP_LINE(APP_O_ON_ERROR), APP_LINE(APP_O_REJECTS), APP_LINE(APP_O_FUTURE)
#define PARAM_LINES \
	APP_LINE(APP_O_SHINGLE), APP_LINE(APP_O_NGRAM), APP_LINE(APP_O_NOISY), \
	APP_LINE(APP_O_NUM_PERM), APP_LINE(APP_O_SEED), APP_LINE(APP_O_MEASURE), \
	APP_LINE(APP_O_THRESHOLD), APP_LINE(APP_O_RATIO), APP_LINE(APP_O_BANDS), \
	APP_LINE(APP_O_ROWS)
#define WRITE_LINES \
	APP_LINE(APP_O_NOW), APP_LINE(APP_O_BATCH), APP_LINE(APP_O_KEEP_WINDOW), \
	APP_LINE(APP_O_WAIT), APP_LINE(APP_O_NO_SYNC)
#define RUN_LINES APP_LINE(APP_O_THREADS), APP_LINE(APP_O_QUIET)

static const app_help_line index_help[] = {
	APP_HEADING("Parameters (create; fixed for the index's life; given to add or dedup they"),
	APP_HEADING("are checked, and one that conflicts with the index is refused):"),
	PARAM_LINES, APP_LINE(APP_O_MAP_SIZE),
	APP_HEADING("Input (add, dedup):"),
	INPUT_LINES,
	APP_HEADING("Writing (add, dedup, expire):"),
	WRITE_LINES, APP_LINE(APP_O_OLDER_THAN),
	APP_HEADING("Output:"),
	RUN_LINES, APP_LINE(APP_O_JSON), APP_LINE(APP_O_HELP),
	{-1, NULL}};

static const app_help_line dedup_help[] = {
	APP_LINE(APP_O_INDEX), APP_LINE(APP_O_NO_ADD),
	APP_HEADING("Parameters (checked: one that conflicts with the index is refused):"),
	PARAM_LINES,
	APP_HEADING("Input:"),
	INPUT_LINES,
	APP_HEADING("Writing:"),
	WRITE_LINES, APP_LINE(APP_O_MAP_SIZE),
	APP_HEADING("Output:"),
	RUN_LINES, APP_LINE(APP_O_HELP),
	{-1, NULL}};

#define INDEX_CMD(name, opts) \
	{"index " name, "wiredup index", opts, INDEX_OPTS, \
	 "Usage: wiredup index COMMAND IDX [OPTIONS] [FILE...]\n" INDEX_ABOUT, "\n" EXIT_STATUS, \
	 index_help}

static const app_command commands[CLI_N_CMDS] = {
	[CLI_CREATE] = INDEX_CMD("create", CREATE_OPTS),
	[CLI_ADD] = INDEX_CMD("add", FEED_OPTS),
	[CLI_INFO] = INDEX_CMD("info", APP_OPT(APP_O_JSON)),
	[CLI_EXPIRE] = INDEX_CMD("expire", EXPIRE_OPTS),
	[CLI_DEDUP] = {"dedup", "wiredup dedup",
	             FEED_OPTS | APP_OPT(APP_O_INDEX) | APP_OPT(APP_O_NO_ADD), 0,
	             "Usage: wiredup dedup --index IDX [OPTIONS] [FILE...|-]\n" DEDUP_ABOUT,
	             DEDUP_FOOT EXIT_STATUS, dedup_help},
};

/* Today's date by the clock, UTC (days since 1970-01-01). */
static int32_t clock_today(void)
{
	time_t t = time(NULL);
	return (int32_t)((t < 0 ? t - 86399 : t) / 86400);
}

/* Checks what the options add up to; 0 or an exit status. */
static int check_args(const app_command *c, app_args *a)
{
	if (!a->idx)
		return app_usage_error(c, 1, "%s",
		                       a->cmd == CLI_DEDUP ? "no --index IDX" : "no index directory IDX");
	if (a->cmd == CLI_ADD && a->n_files == 0)
		return app_usage_error(c, 1, "no input FILE (use '-' for stdin)");
	if (a->cmd != CLI_ADD && a->cmd != CLI_DEDUP && a->n_files > 0)
		return app_usage_error(c, 1, "unexpected argument %s", a->files[0]);
	if (a->cmd == CLI_EXPIRE && a->older_than < 0)
		return app_usage_error(c, 1, "expire needs --older-than DAYS");
	if (a->no_add && a->window)
		return app_usage_error(c, 1, "--window-days expires articles: not with --no-add");
	int rc = app_check_args(c, a, 1);
	if (rc)
		return rc;
	if (a->today == WU_NO_DATE)
		a->today = clock_today();
	if (!a->run.n_threads)
		a->run.n_threads = app_threads(!a->quiet);
	return 0;
}

/* Parses argv (argv[0] is the command's name, IDX first for index
 * commands); 0, -1 after --help, or an exit status. */
static int parse_args(int argc, char **argv, int cmd, app_args *a)
{
	int rc = app_parse(argc, argv, &commands[cmd], a, 1);
	if (rc)
		return rc == APP_HELP ? -1 : rc;
	a->cmd = cmd;
	if (cmd != CLI_DEDUP && a->n_files > 0) {
		a->idx = a->files[0];
		a->files++, a->n_files--;
	}
	return check_args(&commands[cmd], a);
}

int cli_index_args(int argc, char **argv, app_args *a)
{
	int cmd = -1;
	for (int i = 0; argc > 1 && i < CLI_DEDUP; i++)
		if (!strcmp(argv[1], cmd_names[i]))
			cmd = i;
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		app_print_help(&commands[CLI_CREATE], argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : -1;
	}
	if (cmd < 0)
		return app_usage_error(&commands[CLI_CREATE], 1, "index: unknown command '%s'", argv[1]);
	return parse_args(argc - 1, argv + 1, cmd, a);
}

int cli_dedup_args(int argc, char **argv, app_args *a)
{
	return parse_args(argc, argv, CLI_DEDUP, a);
}

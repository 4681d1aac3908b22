/* One way to open an output the user named (program layer, not the
 * library): wiredup cluster, dedup, eval, index and wiredup-mpi all write
 * their -o / --rejects files through it, so every kind of path gets the
 * same treatment:
 *   "-" or NULL          standard output, written in place;
 *   a regular file or    written to a new temporary file in the target's
 *   a missing name       folder (O_CREAT|O_EXCL, never through a planted
 *                        link) and renamed over the name at commit, so the
 *                        name always holds a complete file;
 *   a symlink            resolved; its final target is handled as above
 *                        (replaced, never the link itself);
 *   a device, FIFO,      opened and written in place: no temporary, no
 *   socket, or           rename (a rename would put a regular file where
 *   /dev/fd/N,           the node was); /proc/self/fd/N duplicates the
 *   /proc/self/fd/N      open descriptor N, as writing to it would.
 * An output that is the same file (st_dev + st_ino) as an input is refused:
 * replacing it would lose the input. */
#ifndef APP_OUTFILE_H
#define APP_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
	FILE *f;       /* write here; NULL when not open */
	char *name;    /* the user's name, for messages */
	char *path;    /* the name the temporary is renamed to (symlinks resolved) */
	char *tmp;     /* the temporary file, NULL when written in place */
	int in_place;  /* 1: device, FIFO, socket, descriptor or stdout */
	int is_stdout; /* f is stdout: flushed at commit, never closed */
	int regular;   /* the file written is a regular file: fsync'd at commit */
	int refused;   /* set when the open failed because the path is an input:
	                * a usage error (exit 2) rather than an I/O error */
} app_outfile;

/* Opens `path` ("-" or NULL = stdout) for writing, as described above.
 * Refuses (-1, a message naming both) a path that is the same file as any
 * of inputs[0..n_inputs-1] ("-" compares standard input). 0, or -1 with a
 * message in err (o is then safe to pass to app_outfile_abort). */
int app_outfile_open(app_outfile *o, const char *path, char *const *inputs, int n_inputs,
                    char *err, size_t errlen);

/* Flushes, fsyncs (regular files), closes and renames into place; checks
 * every step, including errors of earlier writes. 0, or -1 with a message
 * (the temporary is then removed and the final name left as it was). */
int app_outfile_commit(app_outfile *o, char *err, size_t errlen);

/* Closes and removes the temporary file (nothing under the final name
 * changes). Safe after a failed open or commit, and twice. */
void app_outfile_abort(app_outfile *o);

/* Both outputs of a cluster run, opened before any input is read, so that
 * a refused or unwritable name costs nothing: output (NULL = stdout) and
 * rejects (NULL = none; rej is then left closed). Refuses a rejects file
 * that is the output. An exit status: 0, 1 (cannot open) or 2 (an output
 * is an input, or the two are one file), with a message in err. */
int app_outfile_open_pair(app_outfile *out, const char *output, app_outfile *rej,
                         const char *rejects, char *const *inputs, int n_inputs, char *err,
                         size_t errlen);

/* Commits the pair app_outfile_open_pair opened: rejects (when open) first,
 * then the output. 0, or -1 with a message naming the one that failed. */
int app_outfile_commit_pair(app_outfile *out, app_outfile *rej, char *err, size_t errlen);

/* If `path` names an open descriptor of this process (/dev/fd/N,
 * /proc/self/fd/N, /proc/PID/fd/N, however spelled; not through further
 * links), N; else -1. */
int app_path_descriptor(const char *path);

/* 1 if both paths name the same file (st_dev + st_ino, following links;
 * "-" is standard input), 0 otherwise (including when either is missing). */
int app_outfile_same(const char *a, const char *b);

#endif

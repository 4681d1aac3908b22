/* Opening, committing and abandoning an output file: see outfile.h. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Symlink hops followed before giving up, as the kernel's ELOOP limit. */
enum { MAX_HOPS = 40, TMP_TRIES = 100 };

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The folder part of path ("." when it has none); malloc'd or NULL. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	char *d = malloc(n + 1);
	if (d)
		memcpy(d, path, n), d[n] = 0;
	return d;
}

/* `target` read from a link at `link`, made relative to the link's folder
 * (as the kernel resolves it); malloc'd or NULL. */
static char *join_link(const char *link, const char *target)
{
	if (target[0] == '/')
		return strdup(target);
	char *d = dir_of(link);
	if (!d)
		return NULL;
	size_t n = strlen(d) + strlen(target) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", d, target);
	free(d);
	return p;
}

/* Such a name is a link the kernel resolves to the open file itself (a
 * pipe has no other name), so it is written through the descriptor, never
 * resolved or replaced. */
int app_path_descriptor(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	char *end;
	errno = 0;
	long n = strtol(base, &end, 10);
	if (!*base || *end || errno || n < 0 || n > INT_MAX || base[0] < '0' || base[0] > '9')
		return -1;
	char *d = dir_of(path), real[PATH_MAX], self[64];
	char *r = d ? realpath(d, real) : NULL;
	free(d);
	snprintf(self, sizeof self, "/proc/%ld/fd", (long)getpid());
	return r && !strcmp(real, self) ? (int)n : -1;
}

/* Follows symlinks from `path` until a name that is not one (missing, or
 * any other kind of file), or a descriptor name (*fd set). Returns the
 * malloc'd final name, or NULL with a message. */
static char *resolve(const char *path, int *fd, char *err, size_t errlen)
{
	char *p = strdup(path);
	*fd = -1;
	for (int hop = 0; p; hop++) {
		struct stat st;
		if ((*fd = app_path_descriptor(p)) >= 0 || lstat(p, &st) || !S_ISLNK(st.st_mode))
			return p;
		if (hop == MAX_HOPS) {
			fail(err, errlen, "%s: too many levels of symbolic links", path);
			free(p);
			return NULL;
		}
		char target[PATH_MAX];
		ssize_t n = readlink(p, target, sizeof target - 1);
		if (n < 0) {
			fail(err, errlen, "%s: %s", path, strerror(errno));
			free(p);
			return NULL;
		}
		target[n] = 0;
		char *next = join_link(p, target);
		free(p);
		p = next;
	}
	fail(err, errlen, "out of memory");
	return NULL;
}

/* stat of an input name ("-" is standard input); 0 or -1. */
static int stat_input(const char *path, struct stat *st)
{
	return strcmp(path, "-") ? stat(path, st) : fstat(STDIN_FILENO, st);
}

/* Refuses an output that is an input: 0, or -1 with a message. Character
 * devices and sockets are exempt: reading and writing a terminal, a null
 * device or a connection loses nothing. */
static int check_inputs(app_outfile *o, const struct stat *out, char *const *inputs,
                        int n_inputs, char *err, size_t errlen)
{
	if (S_ISCHR(out->st_mode) || S_ISSOCK(out->st_mode))
		return 0;
	for (int i = 0; i < n_inputs; i++) {
		struct stat st;
		if (inputs[i] && !stat_input(inputs[i], &st) && st.st_dev == out->st_dev &&
		    st.st_ino == out->st_ino) {
			o->refused = 1;
			return fail(err, errlen, "%s: is the input %s; refusing to overwrite it",
			            o->name ? o->name : "standard output", inputs[i]);
		}
	}
	return 0;
}

/* The permission bits a new file gets from open(..., 0666), as fopen's. */
static mode_t default_mode(void)
{
	mode_t mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

/* Creates a new temporary file beside o->path with O_CREAT|O_EXCL (which
 * never follows a link planted at the name; a taken name is retried with
 * another): its descriptor, or -1 with a message. */
static int create_temp(app_outfile *o, char *err, size_t errlen)
{
	size_t n = strlen(o->path) + 64;
	if (!(o->tmp = malloc(n)))
		return fail(err, errlen, "out of memory");
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid() << 40;
	for (int i = 0; i < TMP_TRIES; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		snprintf(o->tmp, n, "%s.tmp.%06llx", o->path, (unsigned long long)(seed >> 40));
		int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST) {
			if (fd < 0)
				fail(err, errlen, "%s: cannot create a temporary file beside it: %s",
				     o->name, strerror(errno));
			return fd;
		}
	}
	return fail(err, errlen, "%s: no free temporary name beside it", o->name);
}

/* A regular file or a missing name: the temporary file, with the mode of
 * the file it replaces (its owner too where we may). 0 or -1. */
static int open_replace(app_outfile *o, const struct stat *old, char *err, size_t errlen)
{
	if (old && access(o->path, W_OK))
		return fail(err, errlen, "%s: %s", o->name, strerror(errno));
	int fd = create_temp(o, err, errlen);
	if (fd < 0) {
		free(o->tmp), o->tmp = NULL;
		return -1;
	}
	mode_t mode = old ? old->st_mode & 07777 : default_mode();
	if (fchmod(fd, mode) == 0 && old && (old->st_uid != geteuid() || old->st_gid != getegid()))
		(void)!fchown(fd, old->st_uid, old->st_gid); /* only root may; a best effort */
	o->regular = 1;
	if (!(o->f = fdopen(fd, "w"))) {
		close(fd);
		return fail(err, errlen, "%s: %s", o->name, strerror(errno));
	}
	return 0;
}

/* A device, FIFO or socket: opened as it is, not truncated or replaced. */
static int open_in_place(app_outfile *o, int fd, char *err, size_t errlen)
{
	if (fd < 0)
		fd = open(o->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, "%s: %s", o->name, strerror(errno));
	struct stat st;
	o->in_place = 1;
	o->regular = !fstat(fd, &st) && S_ISREG(st.st_mode);
	if (!(o->f = fdopen(fd, "w"))) {
		close(fd);
		return fail(err, errlen, "%s: %s", o->name, strerror(errno));
	}
	return 0;
}

static int open_stdout(app_outfile *o, char *const *inputs, int n_inputs, char *err,
                       size_t errlen)
{
	struct stat st;
	o->f = stdout, o->is_stdout = 1, o->in_place = 1;
	if (fstat(STDOUT_FILENO, &st))
		return 0; /* a closed stdout fails at the first write */
	o->regular = S_ISREG(st.st_mode);
	return check_inputs(o, &st, inputs, n_inputs, err, errlen);
}

/* Opens a named descriptor: a duplicate of it, written where it points. */
static int open_descriptor(app_outfile *o, int n, char *const *inputs, int n_inputs, char *err,
                           size_t errlen)
{
	struct stat st;
	if (fstat(n, &st))
		return fail(err, errlen, "%s: %s", o->name, strerror(errno));
	if (check_inputs(o, &st, inputs, n_inputs, err, errlen))
		return -1;
	int fd = fcntl(n, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return fail(err, errlen, "%s: %s", o->name, strerror(errno));
	return open_in_place(o, fd, err, errlen);
}

int app_outfile_open(app_outfile *o, const char *path, char *const *inputs, int n_inputs,
                    char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	if (!path || !strcmp(path, "-"))
		return open_stdout(o, inputs, n_inputs, err, errlen);
	int fd;
	if (!(o->name = strdup(path)) || !(o->path = resolve(path, &fd, err, errlen))) {
		if (!o->name)
			fail(err, errlen, "out of memory");
		return -1;
	}
	if (fd >= 0)
		return open_descriptor(o, fd, inputs, n_inputs, err, errlen);
	struct stat st;
	if (stat(o->path, &st)) {
		if (errno != ENOENT)
			return fail(err, errlen, "%s: %s", o->name, strerror(errno));
		return open_replace(o, NULL, err, errlen);
	}
	if (S_ISDIR(st.st_mode))
		return fail(err, errlen, "%s: is a directory", o->name);
	if (check_inputs(o, &st, inputs, n_inputs, err, errlen))
		return -1;
	return S_ISREG(st.st_mode) ? open_replace(o, &st, err, errlen)
	                           : open_in_place(o, -1, err, errlen);
}

/* fsync of the folder that holds the renamed file, so the new name is on
 * disk too; file systems that cannot (EINVAL) are not an error. */
static int sync_dir(const char *path)
{
	char *d = dir_of(path);
	int fd = d ? open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	free(d);
	if (fd < 0)
		return 0;
	int rc = fsync(fd) && errno != EINVAL && errno != EROFS ? -1 : 0;
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

/* Flushes and syncs o->f; 0 or -1 with errno. An earlier failed write
 * (the error flag) fails too, even if the flush has nothing left. */
static int flush_file(app_outfile *o)
{
	errno = 0;
	int bad = ferror(o->f);
	if (fflush(o->f) || bad) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	if (o->regular && fsync(fileno(o->f)) && errno != EINVAL)
		return -1;
	return 0;
}

int app_outfile_commit(app_outfile *o, char *err, size_t errlen)
{
	const char *name = o->name ? o->name : "standard output";
	if (!o->f)
		return fail(err, errlen, "%s: not open", name);
	int rc = flush_file(o);
	int e = errno;
	if (!o->is_stdout) {
		if (fclose(o->f) && !rc)
			rc = -1, e = errno;
		o->f = NULL;
	}
	if (!rc && o->tmp && (rename(o->tmp, o->path) || sync_dir(o->path)))
		rc = -1, e = errno;
	if (rc) {
		fail(err, errlen, "%s: %s", name, strerror(e));
		app_outfile_abort(o); /* frees name */
		return -1;
	}
	free(o->tmp), o->tmp = NULL;
	app_outfile_abort(o);
	return 0;
}

void app_outfile_abort(app_outfile *o)
{
	if (o->f && !o->is_stdout)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp), free(o->path), free(o->name);
	o->tmp = o->path = o->name = NULL;
}

/* Where a name would be written: its final name's folder (dev, ino) and
 * base name, or the file itself when it exists. 0 or -1. */
static int locate(const char *path, struct stat *st, char **base)
{
	char err[64];
	int fd;
	char *p = resolve(path, &fd, err, sizeof err);
	*base = NULL;
	if (!p)
		return -1;
	int rc = fd >= 0 ? fstat(fd, st) : stat(p, st);
	if (rc && errno == ENOENT) {
		char *d = dir_of(p);
		const char *b = strrchr(p, '/');
		rc = d ? stat(d, st) : -1;
		*base = rc ? NULL : strdup(b ? b + 1 : p);
		rc = rc || !*base ? -1 : 0;
		free(d);
	}
	free(p);
	return rc;
}

int app_outfile_same(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	if (!strcmp(a, "-") || !strcmp(b, "-"))
		return !strcmp(a, b);
	struct stat sa, sb;
	char *ba, *bb;
	int same = 0;
	if (!locate(a, &sa, &ba) && !locate(b, &sb, &bb)) {
		same = sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino &&
		       (!ba ? !bb : bb && !strcmp(ba, bb));
		free(bb);
	}
	free(ba);
	return same && !S_ISCHR(sa.st_mode);
}

int app_outfile_open_pair(app_outfile *out, const char *output, app_outfile *rej,
                         const char *rejects, char *const *inputs, int n_inputs, char *err,
                         size_t errlen)
{
	char why[480];
	const char *o = output ? output : "-";
	memset(out, 0, sizeof *out);
	memset(rej, 0, sizeof *rej);
	if (rejects && app_outfile_same(o, rejects)) {
		fail(err, errlen, "--rejects %s and the output %s are the same file", rejects, o);
		return 2;
	}
	if (rejects && app_outfile_open(rej, rejects, inputs, n_inputs, why, sizeof why)) {
		fail(err, errlen, "--rejects: %s", why);
		return rej->refused ? 2 : 1;
	}
	if (app_outfile_open(out, output, inputs, n_inputs, why, sizeof why)) {
		fail(err, errlen, "%s%s", output ? "-o: " : "", why);
		app_outfile_abort(rej);
		return out->refused ? 2 : 1;
	}
	return 0;
}

int app_outfile_commit_pair(app_outfile *out, app_outfile *rej, char *err, size_t errlen)
{
	char why[480];
	if (rej->f && app_outfile_commit(rej, why, sizeof why))
		return fail(err, errlen, "--rejects: %s", why);
	if (app_outfile_commit(out, why, sizeof why))
		return fail(err, errlen, "writing output: %s", why);
	return 0;
}

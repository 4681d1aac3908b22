/* A stand-in for libFuzzer's main, so that ctest replays the known inputs
 * (tests/fuzz/regressions/<target>/ and tests/fuzz/corpus/<target>/)
 * through a harness with any compiler, without the fuzzing runtime:
 *
 *   replay_<target> DIR_OR_FILE...
 *
 * Each regular file (names starting with '.' left out, as fuzz.sh does) is
 * read into a buffer of exactly its size, so that a sanitizer build sees any
 * read past the end, and given to LLVMFuzzerTestOneInput once, in name
 * order. The empty input goes first, as libFuzzer runs it first. A harness
 * fails by aborting (its CHECK) or by a sanitizer report; this program
 * fails (exit 1) when it cannot read an input or finds none, so a moved
 * folder does not pass as "nothing to replay". */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The whole of path in a malloc'd buffer of exactly its size (one byte for
 * an empty file, as malloc(0) may give NULL); NULL with a message. */
static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	uint8_t *buf = NULL;
	size_t len = 0;
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && st.st_size >= 0) {
		len = (size_t)st.st_size;
		buf = malloc(len ? len : 1);
	}
	if (!buf || fread(buf, 1, len, f) != len || getc(f) != EOF || ferror(f)) {
		fprintf(stderr, "replay: cannot read %s whole\n", path);
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*n = len;
	return buf;
}

static int run_file(const char *path)
{
	size_t n;
	uint8_t *data = slurp(path, &n);
	if (!data)
		return -1;
	/* Said before the run: a crash's report then follows the input's name. */
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file directly in dir, in name order; *count gets their
 * number. -1 when the folder cannot be read. */
static int run_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "replay: cannot open the folder %s: %s\n", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (struct dirent *e; rc == 0 && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			char **nn = realloc(names, cap * sizeof *names);
			if (!nn) {
				rc = -1;
				break;
			}
			names = nn;
		}
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		if (!(names[n] = malloc(len))) {
			rc = -1;
			break;
		}
		snprintf(names[n++], len, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (rc)
		fprintf(stderr, "replay: out of memory listing %s\n", dir);
	if (n) /* names is NULL for an empty folder, which qsort must not get */
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			rc = run_file(names[i]);
			*count += rc == 0;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
		return 2;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	size_t count = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (S_ISDIR(st.st_mode) ? run_dir(argv[i], &count) : run_file(argv[i]))
			return 1;
		count += !S_ISDIR(st.st_mode);
	}
	if (count == 0) {
		fprintf(stderr, "replay: no inputs in the folders given\n");
		return 1;
	}
	printf("replay: %zu inputs, every one passed\n", count);
	return 0;
}

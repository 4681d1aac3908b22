/* Helpers shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c). */
#ifndef WU_FUZZ_UTIL_H
#define WU_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An invariant the library promises: abort (a crash for libFuzzer) with
 * the failed condition when it does not hold. */
#define CHECK(cond)                                                                  \
	do {                                                                             \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                 \
		}                                                                            \
	} while (0)

/* Checks that a known finding may switch off, so that a long campaign can
 * look past it before it is fixed: WU_FUZZ_SKIP=name1,name2 in the
 * environment. Never set by scripts/fuzz.sh itself. */
static inline int fz_skip(const char *name)
{
	const char *s = getenv("WU_FUZZ_SKIP");
	size_t n = strlen(name);
	while (s && *s) {
		const char *e = strchr(s, ',');
		size_t l = e ? (size_t)(e - s) : strlen(s);
		if (l == n && !memcmp(s, name, n))
			return 1;
		s = e ? e + 1 : NULL;
	}
	return 0;
}
#define CHECK_UNLESS(name, cond) \
	do {                         \
		if (!fz_skip(name))      \
			CHECK(cond);         \
	} while (0)

/* Length of the strictly valid UTF-8 sequence at s[0..n) (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0. */
static inline size_t fz_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	unsigned c = s[0];
	size_t k;
	uint32_t v, min;
	if (c < 0x80) {
		if (cp)
			*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		k = 2, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		k = 3, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		k = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	if (cp)
		*cp = v;
	return k;
}

/* Number of bytes that start no valid sequence, skipping one byte at a
 * time (as utf8proc_iterate does); 0 means s is valid UTF-8. */
static inline size_t fz_utf8_invalid(const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t bad = 0;
	for (size_t i = 0; i < n;) {
		size_t k = fz_utf8_seq(s + i, n - i, NULL);
		if (k == 0)
			bad++, k = 1;
		i += k;
	}
	return bad;
}

static inline int fz_utf8_valid(const void *p, size_t n)
{
	return fz_utf8_invalid(p, n) == 0;
}

/* Codepoints in valid UTF-8. */
static inline size_t fz_utf8_count(const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t m = 0;
	for (size_t i = 0; i < n; m++) {
		size_t k = fz_utf8_seq(s + i, n - i, NULL);
		i += k ? k : 1;
	}
	return m;
}

static inline int fz_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

#endif

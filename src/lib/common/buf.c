/* Growable caller-owned buffers: the library never keeps memory behind the
 * caller's back, so threads simply own one set each. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap += ncap / 2 + 16;
	void *q = realloc(*p, ncap * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = ncap;
	return 0;
}

int wu__str_reserve(wu_str *b, size_t need)
{
	return grow((void **)&b->s, &b->cap, need, 1);
}

int wu__u64s_reserve(wu_u64s *v, size_t need)
{
	return grow((void **)&v->a, &v->cap, need, sizeof *v->a);
}

int wu__u32s_reserve(wu_u32s *v, size_t need)
{
	return grow((void **)&v->a, &v->cap, need, sizeof *v->a);
}

int wu__str_append(wu_str *b, const char *s, size_t n)
{
	if (wu__str_reserve(b, b->n + n + 1))
		return -1;
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
	return 0;
}

int wu__str_putc(wu_str *b, char c)
{
	return wu__str_append(b, &c, 1);
}

void wu_str_free(wu_str *b)
{
	free(b->s);
	b->s = NULL;
	b->n = b->cap = 0;
}

void wu_u64s_free(wu_u64s *v)
{
	free(v->a);
	v->a = NULL;
	v->n = v->cap = 0;
}

int wu__fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized): va_start is right above */
		va_end(ap);
	}
	return -1;
}

/* The story-term list (wu_terms) grows as the other arrays do; here so
 * that the corpus keeps profiles without calling into the text layer. */
int wu_terms_reserve(wu_terms *t, size_t need)
{
	if (need <= t->cap)
		return 0;
	size_t cap = t->cap ? t->cap : 64;
	while (cap < need)
		cap *= 2;
	wu_term *a = realloc(t->a, cap * sizeof *a);
	if (!a)
		return -1;
	t->a = a, t->cap = cap;
	return 0;
}

void wu_terms_free(wu_terms *t)
{
	free(t->a);
	t->a = NULL;
	t->n = t->cap = 0;
}

/* The order of article ids (wu_id_cmp): numbers before strings, numbers
 * by value, then bytes. Ids are a record's, so the order lives beside
 * the record layer; the clusterer and the stories break ties with it. */
#include "wiredup.h"

#include <stdlib.h>
#include <string.h>

static int is_number(const char *s, size_t n)
{
	return n > 0 && s[0] != '"';
}

static int is_integer(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
			return 0;
	return 1;
}

/* Integers of any length, exactly: by sign, then digit count, then digits
 * (JSON integers have no leading zeros). */
static int integer_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int neg_a = *a == '-', neg_b = *b == '-';
	int zero_a = na == (size_t)neg_a + 1 && a[neg_a] == '0';
	int zero_b = nb == (size_t)neg_b + 1 && b[neg_b] == '0';
	if (zero_a) neg_a = 0; /* -0 == 0 */
	if (zero_b) neg_b = 0;
	if (neg_a != neg_b)
		return neg_a ? -1 : 1;
	a += neg_a, na -= (size_t)neg_a, b += neg_b, nb -= (size_t)neg_b;
	int mag = na != nb ? (na < nb ? -1 : 1) : memcmp(a, b, na);
	mag = mag < 0 ? -1 : mag > 0;
	return neg_a ? -mag : mag;
}

/* Ids are stored back to back, not NUL-terminated: parse a copy. */
static double id_value(const char *s, size_t n)
{
	char buf[64];
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return strtod(buf, NULL);
}

int wu_id_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int an = is_number(a, na), bn = is_number(b, nb);
	if (an != bn)
		return an ? -1 : 1;
	if (an && is_integer(a, na) && is_integer(b, nb)) {
		int r = integer_cmp(a, na, b, nb);
		if (r)
			return r;
	} else if (an) {
		double x = id_value(a, na), y = id_value(b, nb);
		if (x != y)
			return x < y ? -1 : 1;
	}
	int r = memcmp(a, b, na < nb ? na : nb);
	if (r)
		return r;
	return (na > nb) - (na < nb);
}

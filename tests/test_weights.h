/* Reading story terms back in the tests (test_story.c, test_terms.c). */
#ifndef WU_TEST_WEIGHTS_H
#define WU_TEST_WEIGHTS_H

#include "wiredup.h"

/* Weight of key k in t, or -1 when absent. */
static inline double weight_of(const wu_terms *t, uint64_t k)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->a[i].key == k)
			return t->a[i].weight;
	return -1;
}

/* Equal as float weights are: within 1e-5. */
static inline int near(double a, double b)
{
	return a - b < 1e-5 && b - a < 1e-5;
}

#endif

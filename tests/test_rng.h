/* The tests' one pseudo-random generator, for test data only.
 *
 * splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014): the state steps by the odd constant
 * 0x9e3779b97f4a7c15 (2^64 / golden ratio) and each output is that state
 * through a 64-bit finalizer. Every seed, 0 included, gives a sequence of
 * period 2^64 whose 64 output bits are all usable (low bits too, unlike an
 * LCG's), so `test_rng_next(&r) % n` and bit slices are fine for test data.
 *
 * A fixed seed gives the same sequence on every run, machine and compiler:
 * tests that assert exact results of generated data (cluster counts, a
 * story's members) depend on it, so the steps below must not change. Each
 * test seeds its own generator (test_rng_seed) right before it generates,
 * so that no test's data depends on another's draws. */
#ifndef WU_TEST_RNG_H
#define WU_TEST_RNG_H

#include <stdint.h>

typedef struct {
	uint64_t state;
} test_rng;

static inline test_rng test_rng_seed(uint64_t seed)
{
	return (test_rng){seed};
}

static inline uint64_t test_rng_next(test_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif

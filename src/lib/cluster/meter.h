/* Progress reports of the library's long stages (see wu_progress_fn in
 * wiredup.h): a stage's units are counted by whichever thread finishes
 * them, and reported only by the team's master thread, which is the
 * caller's, so the callback never runs twice at once nor on a thread the
 * caller does not know. With no callback every call is one branch. */
#ifndef WU_METER_H
#define WU_METER_H

#include "wiredup.h"

#include <omp.h>
#include <stdatomic.h>

typedef struct {
	wu_progress_fn fn; /* NULL: nothing to report */
	void *data;
	int stage;
	size_t total;
	_Atomic size_t done;
	size_t shown; /* the last done reported (the master's only) */
	int level;    /* the caller's OpenMP nesting level */
} wu__meter;

/* Starts a stage of total units: its first report (done = 0). */
static inline void wu__meter_start(wu__meter *m, const wu_opt *o, int stage, size_t total)
{
	m->fn = o->progress, m->data = o->progress_data;
	m->stage = stage, m->total = total, m->shown = 0;
	m->level = omp_get_level();
	atomic_init(&m->done, 0);
	if (m->fn)
		m->fn(m->data, stage, 0, total);
}

/* Is this the caller's thread: the caller itself, or the master of a
 * parallel region the library opened (not nested in another of its own)? */
static inline int wu__meter_mine(const wu__meter *m)
{
	int level = omp_get_level();
	return level == m->level || (level == m->level + 1 && omp_get_thread_num() == 0);
}

/* Counts k units done, on any thread, and reports on the caller's thread
 * when the count has moved. The last report is wu__meter_end()'s. */
static inline void wu__meter_add(wu__meter *m, size_t k)
{
	if (!m->fn)
		return;
	atomic_fetch_add_explicit(&m->done, k, memory_order_relaxed);
	if (!wu__meter_mine(m))
		return;
	size_t d = atomic_load_explicit(&m->done, memory_order_relaxed); /* others' too */
	if (d > m->shown && d < m->total) {
		m->shown = d;
		m->fn(m->data, m->stage, d, m->total);
	}
}

/* Ends the stage: its last report (done == total), outside any parallel
 * region. */
static inline void wu__meter_end(wu__meter *m)
{
	if (m->fn)
		m->fn(m->data, m->stage, m->total, m->total);
}

#endif

/* wiredup-mpi: collective exchanges that fail together, and the count of
 * bytes each rank sends (--mpi-stats).
 *
 * MPI counts are int: every exchange moves fixed-size elements through a
 * contiguous datatype, so counts are in elements, and an exchange too big
 * even so is a clear error, not a wrapped count. */
#include "mpi_wu.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define PIECE (64u << 20) /* point-to-point messages go in pieces this big */

int wmpi_init(wmpi *m)
{
	memset(m, 0, sizeof *m);
	MPI_Comm_rank(MPI_COMM_WORLD, &m->rank);
	MPI_Comm_size(MPI_COMM_WORLD, &m->size);
	size_t n = (size_t)m->size;
	m->c1 = malloc(n * sizeof *m->c1), m->c2 = malloc(n * sizeof *m->c2);
	m->i1 = malloc(n * sizeof *m->i1), m->i2 = malloc(n * sizeof *m->i2);
	m->i3 = malloc(n * sizeof *m->i3), m->i4 = malloc(n * sizeof *m->i4);
	return m->c1 && m->c2 && m->i1 && m->i2 && m->i3 && m->i4 ? 0 : -1;
}

void wmpi_free(wmpi *m)
{
	free(m->c1), free(m->c2), free(m->i1), free(m->i2), free(m->i3), free(m->i4);
}

int wmpi_fail(wmpi *m, const char *fmt, ...)
{
	if (m->err[0])
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->err, sizeof m->err, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized): va_start above */
	va_end(ap);
	if (!m->err[0])
		strcpy(m->err, "failed");
	return -1;
}

int wmpi_sync(wmpi *m)
{
	int mine = m->err[0] != 0, any = 0;
	MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
	return any ? -1 : 0;
}

int wmpi_check(wmpi *m)
{
	if (wmpi_sync(m) == 0)
		return 0;
	char *all = m->rank == 0 ? malloc((size_t)m->size * sizeof m->err) : NULL;
	MPI_Gather(m->err, (int)sizeof m->err, MPI_CHAR, all, (int)sizeof m->err, MPI_CHAR, 0,
	           MPI_COMM_WORLD);
	for (int r = 0; all && r < m->size; r++) {
		const char *e = all + (size_t)r * sizeof m->err;
		if (e[0])
			fprintf(stderr, "wiredup: rank %d: %.*s\n", r, (int)sizeof m->err, e);
	}
	if (m->rank == 0 && !all)
		fprintf(stderr, "wiredup: rank %d: %s\n", m->rank, m->err[0] ? m->err : "failed");
	free(all);
	return -1;
}

void wmpi_abort(wmpi *m, const char *what)
{
	fprintf(stderr, "wiredup: rank %d: %s; ending the job\n", m->rank, what);
	MPI_Abort(MPI_COMM_WORLD, 1);
	exit(1); /* not reached */
}

static MPI_Datatype elem_type(size_t elem)
{
	MPI_Datatype t;
	MPI_Type_contiguous((int)elem, MPI_BYTE, &t);
	MPI_Type_commit(&t);
	return t;
}

/* Counts and displacements as MPI's ints; -1 when they do not fit. */
static int to_int(const uint64_t *c, int n, int *cnt, int *disp, uint64_t *total)
{
	uint64_t t = 0;
	for (int p = 0; p < n; p++) {
		if (c[p] > INT_MAX || t > INT_MAX)
			return -1;
		cnt[p] = (int)c[p];
		disp[p] = (int)t;
		t += c[p];
	}
	*total = t;
	return t > INT_MAX ? -1 : 0;
}

static void *alloc_recv(wmpi *m, uint64_t n, size_t elem)
{
	void *r = malloc(n ? n * elem : 1);
	if (!r)
		wmpi_fail(m, "out of memory receiving %llu bytes", (unsigned long long)n * elem);
	return r;
}

static int too_big(wmpi *m)
{
	return wmpi_fail(m, "one exchange exceeds MPI's int counts; use more ranks");
}

int wmpi_alltoallv(wmpi *m, const void *send, const size_t *scount, size_t elem, void **recv,
                     size_t *rcount)
{
	*recv = NULL;
	if (wmpi_sync(m))
		return -1;
	int P = m->size;
	for (int p = 0; p < P; p++)
		m->c1[p] = scount[p];
	MPI_Alltoall(m->c1, 1, MPI_UINT64_T, m->c2, 1, MPI_UINT64_T, MPI_COMM_WORLD);
	uint64_t ns = 0, nr = 0;
	if (to_int(m->c1, P, m->i1, m->i2, &ns) || to_int(m->c2, P, m->i3, m->i4, &nr))
		too_big(m);
	else
		*recv = alloc_recv(m, nr, elem);
	if (wmpi_sync(m)) {
		free(*recv), *recv = NULL;
		return -1;
	}
	MPI_Datatype t = elem_type(elem);
	MPI_Alltoallv(send, m->i1, m->i2, t, *recv, m->i3, m->i4, t, MPI_COMM_WORLD);
	MPI_Type_free(&t);
	for (int p = 0; p < P; p++) {
		rcount[p] = (size_t)m->c2[p];
		if (p != m->rank)
			m->sent[m->phase] += m->c1[p] * elem;
	}
	return 0;
}

int wmpi_allgatherv(wmpi *m, const void *send, size_t n, size_t elem, void **recv,
                      size_t *n_recv)
{
	*recv = NULL;
	if (wmpi_sync(m))
		return -1;
	uint64_t mine = n;
	MPI_Allgather(&mine, 1, MPI_UINT64_T, m->c2, 1, MPI_UINT64_T, MPI_COMM_WORLD);
	uint64_t nr = 0;
	if (to_int(m->c2, m->size, m->i3, m->i4, &nr))
		too_big(m);
	else
		*recv = alloc_recv(m, nr, elem);
	if (wmpi_sync(m)) {
		free(*recv), *recv = NULL;
		return -1;
	}
	MPI_Datatype t = elem_type(elem);
	MPI_Allgatherv(send, (int)n, t, *recv, m->i3, m->i4, t, MPI_COMM_WORLD);
	MPI_Type_free(&t);
	*n_recv = (size_t)nr;
	m->sent[m->phase] += (uint64_t)n * elem * (uint64_t)(m->size - 1);
	return 0;
}

int wmpi_gatherv(wmpi *m, const void *send, size_t n, size_t elem, void **recv,
                   size_t *rcount)
{
	*recv = NULL;
	if (wmpi_sync(m))
		return -1;
	uint64_t mine = n;
	MPI_Gather(&mine, 1, MPI_UINT64_T, m->c2, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
	uint64_t nr = 0;
	if (n > INT_MAX)
		too_big(m);
	if (m->rank == 0 && !m->err[0]) {
		if (to_int(m->c2, m->size, m->i3, m->i4, &nr))
			too_big(m);
		else
			*recv = alloc_recv(m, nr, elem);
	}
	if (wmpi_sync(m)) {
		free(*recv), *recv = NULL;
		return -1;
	}
	MPI_Datatype t = elem_type(elem);
	MPI_Gatherv(send, (int)n, t, *recv, m->i3, m->i4, t, 0, MPI_COMM_WORLD);
	MPI_Type_free(&t);
	for (int p = 0; m->rank == 0 && p < m->size; p++)
		rcount[p] = (size_t)m->c2[p];
	if (m->rank != 0)
		m->sent[m->phase] += (uint64_t)n * elem;
	return 0;
}

int wmpi_scatterv(wmpi *m, const void *send, const size_t *scount, size_t elem, void **recv,
                    size_t *n_recv)
{
	*recv = NULL;
	if (wmpi_sync(m))
		return -1;
	uint64_t mine = 0;
	for (int p = 0; m->rank == 0 && p < m->size; p++)
		m->c1[p] = scount[p];
	MPI_Scatter(m->c1, 1, MPI_UINT64_T, &mine, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
	uint64_t ns = 0;
	if ((m->rank == 0 && to_int(m->c1, m->size, m->i1, m->i2, &ns)) || mine > INT_MAX)
		too_big(m);
	else
		*recv = alloc_recv(m, mine, elem);
	if (wmpi_sync(m)) {
		free(*recv), *recv = NULL;
		return -1;
	}
	MPI_Datatype t = elem_type(elem);
	MPI_Scatterv(send, m->i1, m->i2, t, *recv, (int)mine, t, 0, MPI_COMM_WORLD);
	MPI_Type_free(&t);
	*n_recv = (size_t)mine;
	for (int p = 1; m->rank == 0 && p < m->size; p++)
		m->sent[m->phase] += m->c1[p] * elem;
	return 0;
}

int wmpi_bcast(wmpi *m, void *buf, size_t n, size_t elem)
{
	if (wmpi_sync(m))
		return -1;
	if (n > INT_MAX)
		return too_big(m); /* n is known everywhere: every rank fails here */
	if (n == 0)
		return 0;
	MPI_Datatype t = elem_type(elem);
	MPI_Bcast(buf, (int)n, t, 0, MPI_COMM_WORLD);
	MPI_Type_free(&t);
	if (m->rank == 0)
		m->sent[m->phase] += (uint64_t)n * elem * (uint64_t)(m->size - 1);
	return 0;
}

uint64_t wmpi_sum(uint64_t v)
{
	uint64_t r = 0;
	MPI_Allreduce(&v, &r, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
	return r;
}

uint64_t wmpi_max(uint64_t v)
{
	uint64_t r = 0;
	MPI_Allreduce(&v, &r, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
	return r;
}

void wmpi_send(wmpi *m, const void *buf, uint64_t len, int dest, int tag)
{
	MPI_Send(&len, 1, MPI_UINT64_T, dest, tag, MPI_COMM_WORLD);
	for (uint64_t off = 0; off < len; off += PIECE) {
		uint64_t n = len - off < PIECE ? len - off : PIECE;
		MPI_Send((const char *)buf + off, (int)n, MPI_BYTE, dest, tag, MPI_COMM_WORLD);
	}
	m->sent[m->phase] += len;
}

void wmpi_recv(wmpi *m, wu_str *b, int src, int tag)
{
	uint64_t len;
	MPI_Recv(&len, 1, MPI_UINT64_T, src, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	if (len > SIZE_MAX - 1 || wu__str_reserve(b, (size_t)len + 1))
		wmpi_abort(m, "out of memory receiving records");
	for (uint64_t off = 0; off < len; off += PIECE) {
		uint64_t n = len - off < PIECE ? len - off : PIECE;
		MPI_Recv(b->s + off, (int)n, MPI_BYTE, src, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	}
	b->n = (size_t)len;
}

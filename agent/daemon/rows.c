/*
 * rows.c - batched rows of a table_container (rows.h).
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rows.h"
#include "util.h"

/* Up to this many changes are applied one by one (each moves up to the
 * whole array); more rebuild it (a sort of the new rows and one sorted
 * pass over all). */
#define ONE_BY_ONE_MAX	256
/* A batch list larger than this is given back after the batch. */
#define KEEP_MAX	4096

enum row_state {
	ROW_PENDING,		/* added, not served yet */
	ROW_SERVED,		/* in the container */
	ROW_DEAD_PENDING,	/* removed before it was served */
	ROW_DEAD		/* removed, still in the container */
};

struct rows {
	netsnmp_container	*c;
	struct mib_row		**add, **dead;
	size_t			 nadd, capadd, ndead, capdead;
};

struct rows *
rows_new(const char *name)
{
	struct rows *rs;

	if ((rs = calloc(1, sizeof(*rs))) == NULL)
		return NULL;
	if ((rs->c = netsnmp_container_find(name)) == NULL) {
		free(rs);
		return NULL;
	}
	return rs;
}

netsnmp_container *
rows_container(struct rows *rs)
{
	return rs->c;
}

static int
push(struct mib_row ***v, size_t *n, size_t *cap, struct mib_row *row)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct mib_row **nv = reallocarray(*v, nc, sizeof(*nv));

		if (nv == NULL)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = row;
	return 0;
}

struct mib_row *
rows_add(struct rows *rs, enum row_kind kind, void *obj, const char *name)
{
	size_t i, n = strlen(name);
	struct mib_row *row;

	if ((row = calloc(1, sizeof(*row) + (n + 1) * sizeof(oid))) == NULL)
		return NULL;
	row->idx[0] = n;
	for (i = 0; i < n; i++)
		row->idx[i + 1] = (unsigned char)name[i];
	row->index.oids = row->idx;
	row->index.len = n + 1;
	row->kind = (uint8_t)kind;
	row->obj = obj;
	row->state = ROW_PENDING;
	if (push(&rs->add, &rs->nadd, &rs->capadd, row) == -1) {
		free(row);
		return NULL;
	}
	return row;
}

void
rows_remove(struct rows *rs, struct mib_row *row)
{
	row->obj = NULL;
	if (row->state == ROW_PENDING) {
		row->state = ROW_DEAD_PENDING;	/* freed at the flush */
		return;
	}
	row->state = ROW_DEAD;
	if (push(&rs->dead, &rs->ndead, &rs->capdead, row) == -1) {
		/* No room to remember it: out of the array at once. */
		CONTAINER_REMOVE(rs->c, row);
		free(row);
	}
}

static int
cmp_rows(const void *a, const void *b)
{
	return netsnmp_compare_netsnmp_index(*(const void *const *)a,
	    *(const void *const *)b);
}

static void
insert(struct rows *rs, struct mib_row *row)
{
	if (CONTAINER_INSERT(rs->c, row) != 0) {
		/* Cannot happen (names are unique); not served then. */
		log_warnx("a row could not be added to its table");
		row->state = ROW_PENDING;
		return;
	}
	row->state = ROW_SERVED;
}

/* The served rows and the new ones, merged in order, into the array. */
static int
rebuild(struct rows *rs, struct mib_row **fresh, size_t nfresh)
{
	size_t n = CONTAINER_SIZE(rs->c), i, j, nold = 0;
	struct mib_row **old, *row;

	if ((old = calloc(n + 1, sizeof(*old))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (CONTAINER_GET_AT(rs->c, i, (void **)&row) == 0 &&
		    row->state == ROW_SERVED)
			old[nold++] = row;
	if (nfresh > 1)
		qsort(fresh, nfresh, sizeof(*fresh), cmp_rows);
	CONTAINER_CLEAR(rs->c, NULL, NULL);
	for (i = j = 0; i < nold || j < nfresh;) {
		if (j == nfresh || (i < nold &&
		    netsnmp_compare_netsnmp_index(old[i], fresh[j]) < 0))
			insert(rs, old[i++]);
		else
			insert(rs, fresh[j++]);
	}
	free(old);
	return 0;
}

void
rows_flush(struct rows *rs)
{
	size_t i, nfresh = 0;

	/* The rows to add, those removed meanwhile freed. */
	for (i = 0; i < rs->nadd; i++) {
		if (rs->add[i]->state == ROW_DEAD_PENDING)
			free(rs->add[i]);
		else
			rs->add[nfresh++] = rs->add[i];
	}
	rs->nadd = 0;
	if (nfresh + rs->ndead > ONE_BY_ONE_MAX &&
	    rebuild(rs, rs->add, nfresh) == 0)
		nfresh = 0;	/* all in */
	else
		for (i = 0; i < rs->ndead; i++)
			CONTAINER_REMOVE(rs->c, rs->dead[i]);
	for (i = 0; i < nfresh; i++)
		insert(rs, rs->add[i]);
	for (i = 0; i < rs->ndead; i++)
		free(rs->dead[i]);
	rs->ndead = 0;
	if (rs->capadd > KEEP_MAX) {
		free(rs->add);
		rs->add = NULL;
		rs->capadd = 0;
	}
	if (rs->capdead > KEEP_MAX) {
		free(rs->dead);
		rs->dead = NULL;
		rs->capdead = 0;
	}
}

struct mib_row *
rows_find(struct rows *rs, const char *name)
{
	oid idx[1 + 255];
	netsnmp_index key;
	size_t i, n = strlen(name);

	if (n >= sizeof(idx) / sizeof(idx[0]))
		return NULL;
	idx[0] = n;
	for (i = 0; i < n; i++)
		idx[i + 1] = (unsigned char)name[i];
	key.oids = idx;
	key.len = n + 1;
	return CONTAINER_FIND(rs->c, &key);
}

size_t
rows_count(struct rows *rs)
{
	return CONTAINER_SIZE(rs->c);
}

static void
free_row(void *row, void *arg)
{
	(void)arg;
	free(row);
}

void
rows_free(struct rows *rs)
{
	if (rs == NULL)
		return;
	rows_flush(rs);
	CONTAINER_CLEAR(rs->c, free_row, NULL);
	free(rs->add);
	free(rs->dead);
	free(rs);
}

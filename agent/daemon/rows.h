/*
 * rows.h - the rows of one MIB table on a net-snmp table_container
 * (a sorted array: a lookup is a binary search, so a walk costs the same
 * per row at any size), added and removed in batches.
 *
 * Inserting or removing one row moves the rows after it (O(n)): a
 * folder of 100,000 base stations row by row would move gigabytes.  So
 * rows_add() and rows_remove() only note the change, and rows_flush()
 * applies a batch: a few changes one by one, many by rebuilding the
 * array in one sorted pass.  Between the two the table is not served
 * (one thread: flush before returning to the loop).
 */
#ifndef UPDPROBE_ROWS_H
#define UPDPROBE_ROWS_H

#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

/* What a row shows. */
enum row_kind {
	ROW_TARGET,		/* a configured target (struct mon_target) */
	ROW_BS,			/* a base station (struct fleet_bs) */
	ROW_SERVER		/* a probe of the server table (mon_target) */
};

struct mib_row {
	netsnmp_index		 index;		/* first: the container's key */
	uint8_t			 kind;		/* enum row_kind */
	uint8_t			 state;		/* rows.c */
	void			*obj;
	oid			 idx[];		/* length, then the name */
};

struct rows;

/* A table_container for the table (rows_container()); NULL on failure. */
struct rows	*rows_new(const char *name);
netsnmp_container *rows_container(struct rows *);
/* A row for obj named name, served after the next rows_flush(). */
struct mib_row	*rows_add(struct rows *, enum row_kind, void *obj,
		    const char *name);
/* The row goes (at the next rows_flush()); row is not to be used again. */
void		 rows_remove(struct rows *, struct mib_row *);
void		 rows_flush(struct rows *);
/* The row named name (served or not), or NULL. */
struct mib_row	*rows_find(struct rows *, const char *name);
size_t		 rows_count(struct rows *);
/* Frees every row; the container is net-snmp's. */
void		 rows_free(struct rows *);

#endif

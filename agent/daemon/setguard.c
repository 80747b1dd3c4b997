/*
 * setguard.c - drops a SET phase that snmpd sends again (setguard.h).
 */
#include <string.h>

#include "setguard.h"

void
setguard_init(struct setguard *g)
{
	memset(g, 0, sizeof(*g));
}

int
setguard_repeat(struct setguard *g, int type, long sessid, long transid)
{
	unsigned i;

	if (type < SETGUARD_TESTSET || type > SETGUARD_CLEANUPSET)
		return 0;
	for (i = 0; i < SETGUARD_SEEN; i++)
		if (g->seen[i].type == type && g->seen[i].sessid == sessid &&
		    g->seen[i].transid == transid) {
			g->repeats++;
			return 1;
		}
	g->seen[g->next].type = type;
	g->seen[g->next].sessid = sessid;
	g->seen[g->next].transid = transid;
	g->next = (g->next + 1) % SETGUARD_SEEN;
	return 0;
}

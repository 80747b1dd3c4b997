/*
 * setguard.h - drops a SET phase that snmpd sends again.
 *
 * snmpd gives a subagent agentXTimeout (1 s by default) to answer each
 * AgentX request, then sends the same request again, up to agentXRetries
 * times.  A SET phase (TestSet, CommitSet, UndoSet, CleanupSet) run twice
 * confuses net-snmp's subagent (5.9): the repeat finds the transaction in
 * the next state, is refused with an error that snmpd takes as the answer,
 * the SET fails, and the undo that follows can free the transaction's
 * state while a callback still holds it (net-snmp issue #28).  The first
 * request is answered in any case; a repeat is only dropped.
 *
 * A phase is known by its session, transaction and type: within one
 * transaction each type comes once (RFC 2741, 7.2).  Pure: no I/O
 * (tests/unit/test_setguard.c).
 */
#ifndef UPDPROBE_SETGUARD_H
#define UPDPROBE_SETGUARD_H

#include <stdint.h>

/* The phases remembered: a few transactions, more than snmpd runs at
 * once, well past the last repeat of any of them. */
#define SETGUARD_SEEN	16

/* AgentX PDU types of the SET phases (RFC 2741, 6.1). */
#define SETGUARD_TESTSET	8
#define SETGUARD_CLEANUPSET	11

struct setguard {
	struct {
		long	 sessid;
		long	 transid;
		int	 type;		/* 0: free slot */
	}		 seen[SETGUARD_SEEN];
	unsigned	 next;		/* oldest slot, overwritten next */
	uint64_t	 repeats;	/* dropped so far */
};

void	setguard_init(struct setguard *);
/*
 * An AgentX PDU of this type arrived: 1 if it repeats a SET phase seen
 * before (drop it; counted in repeats), 0 if it is to be processed (a SET
 * phase is remembered).
 */
int	setguard_repeat(struct setguard *, int type, long sessid, long transid);

#endif

/*
 * confirm.h - a target's confirmed code: what notifications announce.
 * A new code must hold for `confirm N` consecutive probes before it is
 * confirmed, so a flapping server does not flood the NOC.  Pure: no
 * clock, no I/O, so each rule has a unit test (tests/unit/test_confirm.c).
 */
#ifndef UPDPROBE_CONFIRM_H
#define UPDPROBE_CONFIRM_H

#define CONFIRM_NOT_PROBED	(-1)

struct confirm {
	int		 confirmed;	/* CONFIRM_NOT_PROBED before the first */
	int		 previous;	/* the confirmed code before it */
	int		 candidate;	/* a new code being confirmed */
	unsigned	 count;		/* probes that gave the candidate */
};

/* The events one probe causes, as bits. */
#define CONFIRM_NEW_CODE	0x8	/* the confirmed code is new (also the
					 * first result, which announces
					 * nothing by itself) */
#define CONFIRM_EV_CODE_CHANGE	0x1	/* confirmed code changed (not the
					 * first result) */
#define CONFIRM_EV_PROBLEM	0x2	/* a new or other problem code */
#define CONFIRM_EV_CLEARED	0x4	/* back to 0 after a problem */

void		confirm_init(struct confirm *);
/*
 * One probe's code, with `confirm n` (n >= 1).  The first result is the
 * baseline at once: there is nothing to confirm it against (a problem
 * still raises CONFIRM_EV_PROBLEM).  Returns the events it causes.
 */
unsigned	confirm_feed(struct confirm *, int code, unsigned n);

#endif

/*
 * confirm.h - a target's confirmed code: what notifications announce.
 * `confirm N` (updprobed.conf(5)) damps a flapping server:
 *
 * - the first result is the baseline at once (nothing to confirm it
 *   against; a problem still raises updprobeProblem);
 * - from no problem, N consecutive failed probes raise a problem, whatever
 *   their codes: the confirmed code is the latest;
 * - from a problem, N consecutive good probes clear it;
 * - from one problem code, N consecutive probes with another problem code
 *   change it (a server alternating between two failures keeps its first
 *   confirmed problem, instead of raising nothing or a flood).
 *
 * Pure: no clock, no I/O, so each rule has a unit test
 * (tests/unit/test_confirm.c).
 */
#ifndef UPDPROBE_CONFIRM_H
#define UPDPROBE_CONFIRM_H

#define CONFIRM_NOT_PROBED	(-1)

struct confirm {
	int		 confirmed;	/* CONFIRM_NOT_PROBED before the first */
	int		 previous;	/* the confirmed code before it */
	unsigned	 failed_run;	/* consecutive probes with a problem */
	unsigned	 good_run;	/* consecutive probes with code 0 */
	int		 last;		/* the latest code */
	unsigned	 last_run;	/* consecutive probes with that code */
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
/* One probe's code, with `confirm n` (n >= 1); the events it causes. */
unsigned	confirm_feed(struct confirm *, int code, unsigned n);

#endif

/* confirm.c - damping of code changes (the rules are in confirm.h). */
#include "codes.h"
#include "confirm.h"

void
confirm_init(struct confirm *c)
{
	c->confirmed = c->previous = c->last = CONFIRM_NOT_PROBED;
	c->failed_run = c->good_run = c->last_run = 0;
}

static void
count_runs(struct confirm *c, int code)
{
	if (code == M3_NO_PROBLEMS) {
		c->good_run++;
		c->failed_run = 0;
	} else {
		c->failed_run++;
		c->good_run = 0;
	}
	if (code == c->last)
		c->last_run++;
	else {
		c->last = code;
		c->last_run = 1;
	}
}

/* Does code, with the runs so far, replace the confirmed code? */
static int
confirms(const struct confirm *c, int code, unsigned n)
{
	if (c->confirmed == CONFIRM_NOT_PROBED)
		return 1;
	if (code == c->confirmed)
		return 0;
	if (c->confirmed == M3_NO_PROBLEMS)
		return c->failed_run >= n;
	if (code == M3_NO_PROBLEMS)
		return c->good_run >= n;
	return c->last_run >= n;
}

unsigned
confirm_feed(struct confirm *c, int code, unsigned n)
{
	int prev = c->confirmed;
	unsigned ev = CONFIRM_NEW_CODE;

	count_runs(c, code);
	if (!confirms(c, code, n))
		return 0;
	c->previous = prev;
	c->confirmed = code;
	if (prev != CONFIRM_NOT_PROBED)
		ev |= CONFIRM_EV_CODE_CHANGE;
	if (code != M3_NO_PROBLEMS)
		ev |= CONFIRM_EV_PROBLEM;
	else if (prev != CONFIRM_NOT_PROBED)
		ev |= CONFIRM_EV_CLEARED;
	return ev;
}

/* confirm.c - damping of code changes (see confirm.h). */
#include "codes.h"
#include "confirm.h"

void
confirm_init(struct confirm *c)
{
	c->confirmed = c->previous = c->candidate = CONFIRM_NOT_PROBED;
	c->count = 0;
}

unsigned
confirm_feed(struct confirm *c, int code, unsigned n)
{
	int prev = c->confirmed;
	unsigned ev = CONFIRM_NEW_CODE;

	if (code == prev) {
		c->count = 0;
		return 0;
	}
	if (prev != CONFIRM_NOT_PROBED) {
		if (code != c->candidate) {
			c->candidate = code;
			c->count = 0;
		}
		if (++c->count < n)
			return 0;
	}
	c->count = 0;
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

/* fanout.c - the level of the fleet's notifications (fanout.h). */
#include "confirm.h"
#include "fanout.h"

void
fanout_init(struct fan_bs *f)
{
	f->shown = CONFIRM_NOT_PROBED;
	f->own = 0;
}

unsigned
fanout_own(struct fan_bs *f, int code, int *previous)
{
	int old = f->shown;

	*previous = old;
	if (code < 0 || code == old)
		return 0;
	f->shown = (int8_t)code;
	if (code != 0) {
		/* A first result (nothing announced yet) is the baseline:
		 * a problem, but no change. */
		f->own = 1;
		return old == CONFIRM_NOT_PROBED ? CONFIRM_EV_PROBLEM :
		    CONFIRM_EV_CODE_CHANGE | CONFIRM_EV_PROBLEM;
	}
	if (!f->own)	/* nothing of its own to clear: its server's was */
		return 0;
	f->own = 0;
	return CONFIRM_EV_CODE_CHANGE | CONFIRM_EV_CLEARED;
}

unsigned
fanout_shared(struct fan_bs *f, int code, int *previous)
{
	int old = f->shown;

	*previous = old;
	if (code < 0)
		return 0;
	f->shown = (int8_t)code;
	if (code != 0 || !f->own)
		return 0;
	f->own = 0;
	return CONFIRM_EV_CODE_CHANGE | CONFIRM_EV_CLEARED;
}

int
fanout_server_level(uint32_t base_stations, int open)
{
	return base_stations >= 2 || open;
}

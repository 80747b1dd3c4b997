/*
 * fanout.h - which notifications a fleet's change makes, and at which
 * level (README, "Fleet mode"):
 *
 * - settings that several base stations share announce their changes
 *   once, as the server (updprobeServer*, with the number of base
 *   stations), never once per base station;
 * - a base station announces (updprobeCodeChange, updprobeProblem,
 *   updprobeCleared with its own index) only what is its own: its
 *   provisioning file appeared, changed, broke or was fixed, or its
 *   server is used by it alone;
 * - a problem announced for a base station alone is cleared for it
 *   alone, whatever level later changes come at; a server's alarm is
 *   cleared as the server, even when fewer share it by then.
 *
 * Pure: no clock, no I/O (tests/unit/test_fanout.c).  The events are
 * confirm.h's CONFIRM_EV_* bits.
 */
#ifndef UPDPROBE_FANOUT_H
#define UPDPROBE_FANOUT_H

#include <stdint.h>

/* What has been announced for one base station. */
struct fan_bs {
	int8_t		 shown;		/* the code its row was announced
					 * with, or is covered by its
					 * server's; CONFIRM_NOT_PROBED
					 * before any */
	uint8_t		 own;		/* a problem announced for it alone
					 * is open */
};

void		fanout_init(struct fan_bs *);
/*
 * Its code became code (>= 0) for a reason of its own (its file, or a
 * server it alone uses): the events to announce for it; *previous gets
 * the code it had.
 */
unsigned	fanout_own(struct fan_bs *, int code, int *previous);
/*
 * Its server, announced at server level, now has code: the events left
 * for the base station itself (only the clearing of a problem announced
 * for it alone); *previous as above.
 */
unsigned	fanout_shared(struct fan_bs *, int code, int *previous);
/* A server's events go out as the server: shared by several base
 * stations, or it has an alarm of its own open. */
int		fanout_server_level(uint32_t base_stations, int open);

#endif

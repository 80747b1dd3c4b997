/*
 * loop.h - the one event loop: epoll for descriptors, a binary heap for
 * timers.  c-ares, libcurl's multi interface and (in the daemon) net-snmp
 * all register here; nothing else waits.
 */
#ifndef UPDPROBE_LOOP_H
#define UPDPROBE_LOOP_H

#include <stdint.h>

#define LOOP_READ	0x1
#define LOOP_WRITE	0x2
#define LOOP_ERROR	0x4	/* error or hang-up reported by the kernel */

struct loop;
struct loop_timer;

typedef void	(*loop_fd_cb)(int fd, int events, void *arg);
typedef void	(*loop_timer_cb)(void *arg);

struct loop	*loop_new(void);
void		 loop_free(struct loop *);

/* Monotonic milliseconds. */
uint64_t	 loop_clock_ms(void);

/*
 * Watch fd for events (LOOP_READ | LOOP_WRITE); calling it again for the
 * same fd replaces the events, callback and argument.  events == 0 stops
 * watching.  Returns 0 or -1 with errno set.
 */
int		 loop_watch(struct loop *, int fd, int events, loop_fd_cb, void *);
void		 loop_unwatch(struct loop *, int fd);
/*
 * Watch fd afresh, also when the loop believes it already does: for a
 * descriptor that may have been closed and reopened under the same number
 * without loop_unwatch() (the kernel forgot it; the loop did not).
 */
int		 loop_rewatch(struct loop *, int fd, int events, loop_fd_cb,
		    void *);

/*
 * Timers are owned by the caller's struct.  loop_timer_init() reserves the
 * timer's place in the loop (it is the only call that can fail: out of
 * memory), so that arming it with loop_timer_set() never fails;
 * loop_timer_fini() disarms it and gives the place back.  Every
 * initialised timer must be finished before the loop is freed.  A timer
 * fires once; loop_timer_clear() disarms it (harmless if not armed).
 */
struct loop_timer {
	uint64_t	 when;		/* monotonic ms */
	size_t		 slot;		/* index in the heap, or LOOP_NOSLOT */
	loop_timer_cb	 cb;
	void		*arg;
};
#define LOOP_NOSLOT	((size_t)-1)

int		 loop_timer_init(struct loop *, struct loop_timer *,
		    loop_timer_cb, void *);
void		 loop_timer_fini(struct loop *, struct loop_timer *);
void		 loop_timer_set(struct loop *, struct loop_timer *, uint64_t ms);
void		 loop_timer_clear(struct loop *, struct loop_timer *);
int		 loop_timer_armed(const struct loop_timer *);

/*
 * What one iteration runs, at most: the ready descriptors' callbacks
 * until LOOP_SLICE_MS have passed (the others stay ready for the next),
 * then LOOP_TIMER_BURST due timers, no more once LOOP_SLICE_MS have
 * passed again (a probe start is costly on a starved CPU).  The rest run
 * on the next iterations, between which the descriptors that became
 * ready meanwhile (snmpd's requests among them) are served: a backlog
 * keeps a request waiting for a slice or two, not for the backlog.
 */
#define LOOP_TIMER_BURST	16
#define LOOP_SLICE_MS		10

/* Run one iteration: wait at most max_ms (-1: until an event or timer;
 * 0 if a timer is already due). */
int		 loop_once(struct loop *, int max_ms);

#endif

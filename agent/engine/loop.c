/*
 * loop.c - epoll and a timer heap.
 *
 * Descriptors: one record per watched fd in an array indexed by fd (grown
 * on demand), so dispatch is O(1).  Timers: a binary min-heap of pointers
 * to caller-owned struct loop_timer, each knowing its slot, so arm and
 * disarm are O(log n) with no allocation per timer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

/* Events handed back by one epoll_wait(); more are picked up next time. */
#define LOOP_MAX_EVENTS	256
/* Longest single wait: a timer far away is looked at again this often. */
#define LOOP_MAX_WAIT_MS	60000
/* First size of the descriptor table and of the timer heap. */
#define LOOP_FIRST_FDS		64
#define LOOP_FIRST_TIMERS	64

struct loop_fd {
	loop_fd_cb	 cb;
	void		*arg;
	int		 events;	/* 0: not watched */
};

struct loop {
	int			 epfd;
	struct loop_fd		*fds;
	size_t			 nfds;
	struct loop_timer	**heap;
	size_t			 nheap;		/* armed timers */
	size_t			 heapcap;	/* >= ntimers */
	size_t			 ntimers;	/* initialised timers */
	uint64_t		 now;
};

uint64_t
loop_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct loop *
loop_new(void)
{
	struct loop *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		free(l);
		return NULL;
	}
	l->now = loop_clock_ms();
	return l;
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	close(l->epfd);
	free(l->fds);
	free(l->heap);
	free(l);
}

static int
fds_reserve(struct loop *l, int fd)
{
	struct loop_fd *n;
	size_t want;

	if ((size_t)fd < l->nfds)
		return 0;
	want = l->nfds ? l->nfds : LOOP_FIRST_FDS;
	while (want <= (size_t)fd)
		want *= 2;
	if ((n = realloc(l->fds, want * sizeof(*n))) == NULL)
		return -1;
	memset(n + l->nfds, 0, (want - l->nfds) * sizeof(*n));
	l->fds = n;
	l->nfds = want;
	return 0;
}

static uint32_t
to_epoll(int events)
{
	return ((events & LOOP_READ) ? EPOLLIN : 0) |
	    ((events & LOOP_WRITE) ? EPOLLOUT : 0);
}

int
loop_watch(struct loop *l, int fd, int events, loop_fd_cb cb, void *arg)
{
	struct epoll_event ev;
	struct loop_fd *f;
	int op;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	if (events == 0) {
		loop_unwatch(l, fd);
		return 0;
	}
	if (fds_reserve(l, fd) == -1)
		return -1;
	f = &l->fds[fd];
	if (f->events == events) {
		/* Nothing for the kernel to learn: no system call. */
		f->cb = cb;
		f->arg = arg;
		return 0;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = to_epoll(events);
	ev.data.fd = fd;
	op = f->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (epoll_ctl(l->epfd, op, fd, &ev) == -1) {
		/*
		 * A descriptor closed and reopened under the same number is
		 * no longer in the epoll set although we still think so, and
		 * a stale ADD can meet an old registration: retry the other
		 * way once.
		 */
		op = (op == EPOLL_CTL_MOD) ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
		if (epoll_ctl(l->epfd, op, fd, &ev) == -1)
			return -1;
	}
	f->events = events;
	f->cb = cb;
	f->arg = arg;
	return 0;
}

int
loop_rewatch(struct loop *l, int fd, int events, loop_fd_cb cb, void *arg)
{
	loop_unwatch(l, fd);
	return loop_watch(l, fd, events, cb, arg);
}

void
loop_unwatch(struct loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->nfds || l->fds[fd].events == 0)
		return;
	/* Fails harmlessly when fd was already closed. */
	(void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	memset(&l->fds[fd], 0, sizeof(l->fds[fd]));
}

/* Timer heap. */

int
loop_timer_init(struct loop *l, struct loop_timer *t, loop_timer_cb cb,
    void *arg)
{
	memset(t, 0, sizeof(*t));
	t->slot = LOOP_NOSLOT;
	t->cb = cb;
	t->arg = arg;
	if (l->ntimers == l->heapcap) {
		size_t cap = l->heapcap ? l->heapcap * 2 : LOOP_FIRST_TIMERS;
		struct loop_timer **n;

		if ((n = reallocarray(l->heap, cap, sizeof(*n))) == NULL)
			return -1;
		l->heap = n;
		l->heapcap = cap;
	}
	l->ntimers++;
	return 0;
}

void
loop_timer_fini(struct loop *l, struct loop_timer *t)
{
	loop_timer_clear(l, t);
	l->ntimers--;
}

int
loop_timer_armed(const struct loop_timer *t)
{
	return t->slot != LOOP_NOSLOT;
}

static void
heap_place(struct loop *l, size_t i, struct loop_timer *t)
{
	l->heap[i] = t;
	t->slot = i;
}

static void
heap_up(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (l->heap[parent]->when <= t->when)
			break;
		heap_place(l, i, l->heap[parent]);
		i = parent;
	}
	heap_place(l, i, t);
}

static void
heap_down(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= l->nheap)
			break;
		if (c + 1 < l->nheap && l->heap[c + 1]->when < l->heap[c]->when)
			c++;
		if (t->when <= l->heap[c]->when)
			break;
		heap_place(l, i, l->heap[c]);
		i = c;
	}
	heap_place(l, i, t);
}

void
loop_timer_clear(struct loop *l, struct loop_timer *t)
{
	size_t i = t->slot;
	struct loop_timer *last;

	if (i == LOOP_NOSLOT)
		return;
	t->slot = LOOP_NOSLOT;
	last = l->heap[--l->nheap];
	if (i == l->nheap)
		return;
	heap_place(l, i, last);
	heap_down(l, i);
	heap_up(l, last->slot);
}

void
loop_timer_set(struct loop *l, struct loop_timer *t, uint64_t ms)
{
	loop_timer_clear(l, t);
	/* Room is there: every initialised timer reserved its place. */
	t->when = loop_clock_ms() + ms;
	l->heap[l->nheap] = t;
	t->slot = l->nheap++;
	heap_up(l, t->slot);
}

static int
next_timeout(const struct loop *l, int max_ms)
{
	uint64_t wait;

	if (l->nheap == 0)
		return max_ms;
	wait = l->heap[0]->when > l->now ? l->heap[0]->when - l->now : 0;
	if (max_ms >= 0 && wait > (uint64_t)max_ms)
		return max_ms;
	return wait > LOOP_MAX_WAIT_MS ? LOOP_MAX_WAIT_MS : (int)wait;
}

static void
run_timers(struct loop *l)
{
	/* Timers armed while running fire on a later pass, and so do
	 * those past the burst: the descriptors come first again. */
	size_t budget = l->nheap < LOOP_TIMER_BURST ? l->nheap :
	    LOOP_TIMER_BURST;
	uint64_t start = l->now;

	while (budget-- > 0 && l->nheap > 0 && l->heap[0]->when <= l->now) {
		struct loop_timer *t = l->heap[0];

		loop_timer_clear(l, t);
		t->cb(t->arg);
		if (loop_clock_ms() - start >= LOOP_SLICE_MS)
			break;
	}
}

int
loop_once(struct loop *l, int max_ms)
{
	struct epoll_event evs[LOOP_MAX_EVENTS];
	int i, n;

	l->now = loop_clock_ms();
	n = epoll_wait(l->epfd, evs, LOOP_MAX_EVENTS, next_timeout(l, max_ms));
	if (n == -1 && errno != EINTR)
		return -1;
	l->now = loop_clock_ms();
	for (i = 0; i < n; i++) {
		int fd = evs[i].data.fd, events = 0;
		struct loop_fd *f;

		if ((size_t)fd >= l->nfds || l->fds[fd].events == 0)
			continue;	/* unwatched by an earlier callback */
		f = &l->fds[fd];
		if (evs[i].events & EPOLLIN)
			events |= LOOP_READ;
		if (evs[i].events & EPOLLOUT)
			events |= LOOP_WRITE;
		if (evs[i].events & (EPOLLERR | EPOLLHUP))
			events |= LOOP_ERROR | (f->events & (LOOP_READ | LOOP_WRITE));
		f->cb(fd, events, f->arg);
		/* The rest are still ready (level-triggered): next pass. */
		if (loop_clock_ms() - l->now >= LOOP_SLICE_MS)
			break;
	}
	l->now = loop_clock_ms();
	run_timers(l);
	return 0;
}

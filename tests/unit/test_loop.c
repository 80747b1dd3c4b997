/* Unit tests: the event loop's timer heap and descriptor dispatch. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"

#define NTIMERS	200

struct rec {
	int	order[NTIMERS];
	int	n;
};

struct tm_arg {
	struct rec	*rec;
	int		 id;
};

static void
record(void *arg)
{
	struct tm_arg *a = arg;

	a->rec->order[a->rec->n++] = a->id;
}

static void
timers_fire_in_deadline_order(void **state)
{
	struct loop *l = loop_new();
	struct loop_timer t[NTIMERS];
	struct tm_arg a[NTIMERS];
	uint64_t set_before[NTIMERS], set_after[NTIMERS], delay[NTIMERS];
	struct rec rec;
	int i;

	(void)state;
	memset(&rec, 0, sizeof(rec));
	for (i = 0; i < NTIMERS; i++) {
		a[i].rec = &rec;
		a[i].id = i;
		assert_int_equal(loop_timer_init(l, &t[i], record, &a[i]), 0);
		/* Delays 0..38 ms in a scrambled order. */
		delay[i] = (uint64_t)((i * 7) % 20) * 2;
		set_before[i] = loop_clock_ms();
		loop_timer_set(l, &t[i], delay[i]);
		set_after[i] = loop_clock_ms();
	}
	/* Clearing every third must keep the heap consistent. */
	for (i = 0; i < NTIMERS; i += 3)
		loop_timer_clear(l, &t[i]);
	while (rec.n < NTIMERS - (NTIMERS + 2) / 3)
		assert_int_equal(loop_once(l, 50), 0);
	/*
	 * The order the test asked for, from its own clock readings: a
	 * timer that fired before another was due no later than it (each
	 * is due between set_before + delay and set_after + delay).
	 */
	for (i = 1; i < rec.n; i++) {
		int x = rec.order[i - 1], y = rec.order[i];

		if (set_before[x] + delay[x] > set_after[y] + delay[y])
			fail_msg("timer %d (delay %llu ms) fired before timer "
			    "%d (delay %llu ms)", x, (unsigned long long)
			    delay[x], y, (unsigned long long)delay[y]);
	}
	for (i = 0; i < NTIMERS; i += 3)
		for (int j = 0; j < rec.n; j++)
			assert_int_not_equal(rec.order[j], i);
	for (i = 0; i < NTIMERS; i++) {
		assert_false(loop_timer_armed(&t[i]));
		loop_timer_fini(l, &t[i]);
	}
	loop_free(l);
}

static void
rearming_moves_a_timer(void **state)
{
	struct loop *l = loop_new();
	struct loop_timer t;
	struct tm_arg a;
	struct rec rec;

	(void)state;
	memset(&rec, 0, sizeof(rec));
	a.rec = &rec;
	a.id = 1;
	assert_int_equal(loop_timer_init(l, &t, record, &a), 0);
	loop_timer_set(l, &t, 10000);
	loop_timer_set(l, &t, 0);
	assert_int_equal(loop_once(l, 100), 0);
	assert_int_equal(rec.n, 1);
	loop_timer_fini(l, &t);
	loop_free(l);
}

static int fired_events;

static void
on_fd(int fd, int events, void *arg)
{
	char c;

	(void)arg;
	fired_events = events;
	assert_int_equal(read(fd, &c, 1), 1);
}

static void
readable_descriptor_is_dispatched(void **state)
{
	struct loop *l = loop_new();
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(loop_watch(l, p[0], LOOP_READ, on_fd, NULL), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	fired_events = 0;
	assert_int_equal(loop_once(l, 1000), 0);
	assert_true(fired_events & LOOP_READ);
	/* A descriptor closed and reopened under the same number without
	 * loop_unwatch() is watched again by loop_rewatch(). */
	close(p[0]);
	close(p[1]);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(loop_rewatch(l, p[0], LOOP_READ, on_fd, NULL), 0);
	assert_int_equal(write(p[1], "y", 1), 1);
	fired_events = 0;
	assert_int_equal(loop_once(l, 1000), 0);
	assert_true(fired_events & LOOP_READ);
	loop_unwatch(l, p[0]);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}

/* Timers reserve their place at init: arming thousands never fails and
 * finishing them gives the places back. */
static void
armed_timers_need_no_allocation(void **state)
{
	enum { N = 5000 };
	struct loop *l = loop_new();
	struct loop_timer *t = calloc(N, sizeof(*t));
	struct tm_arg *a = calloc(N, sizeof(*a));
	struct rec rec;
	int i;

	(void)state;
	assert_non_null(t);
	assert_non_null(a);
	memset(&rec, 0, sizeof(rec));
	for (i = 0; i < N; i++) {
		a[i].rec = &rec;
		assert_int_equal(loop_timer_init(l, &t[i], record, &a[i]), 0);
	}
	for (i = 0; i < N; i++)
		loop_timer_set(l, &t[i], 100000 + (uint64_t)i);
	for (i = 0; i < N; i++)
		assert_true(loop_timer_armed(&t[i]));
	for (i = 0; i < N; i++)
		loop_timer_fini(l, &t[i]);
	for (i = 0; i < N; i++)
		assert_false(loop_timer_armed(&t[i]));
	/* Nothing armed: a wait returns by its own bound. */
	assert_int_equal(loop_once(l, 0), 0);
	assert_int_equal(rec.n, 0);
	free(t);
	free(a);
	loop_free(l);
}

/*
 * A backlog of due timers runs a burst at a time, and a descriptor that
 * becomes ready meanwhile is served before the rest of the backlog.
 */
static int served_after;	/* timers fired when the descriptor was read */

static void
on_fd_count(int fd, int events, void *arg)
{
	struct rec *rec = arg;
	char c;

	(void)events;
	assert_int_equal(read(fd, &c, 1), 1);
	served_after = rec->n;
}

static void
due_timers_leave_room_for_descriptors(void **state)
{
	enum { N = 100 };
	struct loop *l = loop_new();
	struct loop_timer t[N];
	struct tm_arg a[N];
	struct rec rec;
	int i, p[2], passes = 0, first;

	(void)state;
	memset(&rec, 0, sizeof(rec));
	assert_int_equal(pipe(p), 0);
	assert_int_equal(loop_watch(l, p[0], LOOP_READ, on_fd_count, &rec), 0);
	for (i = 0; i < N; i++) {
		a[i].rec = &rec;
		a[i].id = i;
		assert_int_equal(loop_timer_init(l, &t[i], record, &a[i]), 0);
		loop_timer_set(l, &t[i], 0);
	}
	/* All due: the first pass runs one burst, not the backlog (fewer
	 * if the time slice ran out: a busy machine). */
	assert_int_equal(loop_once(l, 0), 0);
	first = rec.n;
	assert_in_range(first, 1, LOOP_TIMER_BURST);
	/* A request arrives: the next pass serves it before any more. */
	assert_int_equal(write(p[1], "x", 1), 1);
	served_after = -1;
	assert_int_equal(loop_once(l, 1000), 0);
	assert_int_equal(served_after, first);
	/* The rest fire in later passes, each timer once. */
	while (rec.n < N && passes++ < N)
		assert_int_equal(loop_once(l, 1000), 0);
	assert_int_equal(rec.n, N);
	for (i = 0; i < N; i++)
		assert_false(loop_timer_armed(&t[i]));
	for (i = 0; i < N; i++)
		loop_timer_fini(l, &t[i]);
	loop_unwatch(l, p[0]);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}

/* A timer as slow as a probe start on a starved CPU. */
static void
record_slowly(void *arg)
{
	uint64_t t0 = loop_clock_ms();

	record(arg);
	while (loop_clock_ms() - t0 < LOOP_SLICE_MS)
		;
}

/* Slow timers end a burst early: one per pass once the slice is spent. */
static void
slow_timers_end_the_burst_early(void **state)
{
	enum { N = 4 };
	struct loop *l = loop_new();
	struct loop_timer t[N];
	struct tm_arg a[N];
	struct rec rec;
	int i;

	(void)state;
	memset(&rec, 0, sizeof(rec));
	for (i = 0; i < N; i++) {
		a[i].rec = &rec;
		a[i].id = i;
		assert_int_equal(loop_timer_init(l, &t[i], record_slowly,
		    &a[i]), 0);
		loop_timer_set(l, &t[i], 0);
	}
	for (i = 1; i <= N; i++) {
		assert_int_equal(loop_once(l, 1000), 0);
		assert_int_equal(rec.n, i);
	}
	for (i = 0; i < N; i++)
		loop_timer_fini(l, &t[i]);
	loop_free(l);
}

/* Descriptors as slow as a probe's transfer on a starved CPU. */
static int slow_reads;

static void
on_fd_slowly(int fd, int events, void *arg)
{
	uint64_t t0 = loop_clock_ms();
	char c;

	(void)events;
	(void)arg;
	assert_int_equal(read(fd, &c, 1), 1);
	slow_reads++;
	while (loop_clock_ms() - t0 < LOOP_SLICE_MS)
		;
}

/* Slow callbacks end a pass early; the other descriptors stay ready and
 * are served by the next passes, each once. */
static void
slow_descriptors_end_the_pass_early(void **state)
{
	enum { N = 4 };
	struct loop *l = loop_new();
	int p[N][2], i;

	(void)state;
	for (i = 0; i < N; i++) {
		assert_int_equal(pipe(p[i]), 0);
		assert_int_equal(loop_watch(l, p[i][0], LOOP_READ,
		    on_fd_slowly, NULL), 0);
		assert_int_equal(write(p[i][1], "x", 1), 1);
	}
	slow_reads = 0;
	for (i = 1; i <= N; i++) {
		assert_int_equal(loop_once(l, 1000), 0);
		assert_int_equal(slow_reads, i);
	}
	for (i = 0; i < N; i++) {
		loop_unwatch(l, p[i][0]);
		close(p[i][0]);
		close(p[i][1]);
	}
	loop_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timers_fire_in_deadline_order),
		cmocka_unit_test(rearming_moves_a_timer),
		cmocka_unit_test(armed_timers_need_no_allocation),
		cmocka_unit_test(readable_descriptor_is_dispatched),
		cmocka_unit_test(due_timers_leave_room_for_descriptors),
		cmocka_unit_test(slow_timers_end_the_burst_early),
		cmocka_unit_test(slow_descriptors_end_the_pass_early),
	};

	return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}

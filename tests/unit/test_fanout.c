/*
 * Unit tests: the level of a fleet's notifications - one per shared
 * server, per base station only for what is its own.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "codes.h"
#include "confirm.h"
#include "fanout.h"

#define CHANGE	CONFIRM_EV_CODE_CHANGE
#define PROBLEM	CONFIRM_EV_PROBLEM
#define CLEARED	CONFIRM_EV_CLEARED

static void
a_shared_server_speaks_as_the_server(void **state)
{
	(void)state;
	assert_true(fanout_server_level(2, 0));
	assert_true(fanout_server_level(10000, 0));
	/* one user: its base station speaks */
	assert_false(fanout_server_level(1, 0));
	/* an alarm raised as the server is cleared as the server */
	assert_true(fanout_server_level(1, 1));
	assert_true(fanout_server_level(0, 1));
}

/* A new file pointing at a server known to fail: its own problem. */
static void
a_new_base_station_on_a_failing_server_raises_its_own_problem(void **state)
{
	struct fan_bs f;
	int prev;

	(void)state;
	fanout_init(&f);
	assert_int_equal(fanout_own(&f, M3_LOOKUP_FAILED, &prev), PROBLEM);
	assert_int_equal(prev, CONFIRM_NOT_PROBED);
	assert_int_equal(f.own, 1);
	/* ...and on a good one: nothing */
	fanout_init(&f);
	assert_int_equal(fanout_own(&f, M3_NO_PROBLEMS, &prev), 0);
	assert_int_equal(f.own, 0);
}

static void
a_file_that_breaks_and_is_fixed_raises_and_clears(void **state)
{
	struct fan_bs f;
	int prev;

	(void)state;
	fanout_init(&f);
	assert_int_equal(fanout_own(&f, M3_NO_PROBLEMS, &prev), 0);
	assert_int_equal(fanout_own(&f, M3_SERVER_NOT_SPECIFIED, &prev),
	    CHANGE | PROBLEM);
	assert_int_equal(prev, M3_NO_PROBLEMS);
	/* the same code again: nothing */
	assert_int_equal(fanout_own(&f, M3_SERVER_NOT_SPECIFIED, &prev), 0);
	assert_int_equal(fanout_own(&f, M3_NO_PROBLEMS, &prev),
	    CHANGE | CLEARED);
	assert_int_equal(prev, M3_SERVER_NOT_SPECIFIED);
	assert_int_equal(f.own, 0);
}

/* 10,000 base stations behind one server: its outage is the server's
 * notification; not one of them adds one. */
static void
a_shared_outage_adds_nothing_per_base_station(void **state)
{
	struct fan_bs f[100];
	int i, prev;

	(void)state;
	for (i = 0; i < 100; i++) {
		fanout_init(&f[i]);
		assert_int_equal(fanout_shared(&f[i], M3_NO_PROBLEMS, &prev), 0);
		assert_int_equal(fanout_shared(&f[i],
		    M3_NETWORK_NOT_AVAILABLE, &prev), 0);
		assert_int_equal(fanout_shared(&f[i], M3_NO_PROBLEMS, &prev), 0);
	}
}

/* A base station whose file was fixed while its server's alarm covered
 * it: no alarm of its own to clear. */
static void
leaving_a_failing_server_clears_nothing_it_did_not_raise(void **state)
{
	struct fan_bs f;
	int prev;

	(void)state;
	fanout_init(&f);
	assert_int_equal(fanout_shared(&f, M3_LOOKUP_FAILED, &prev), 0);
	assert_int_equal(fanout_own(&f, M3_NO_PROBLEMS, &prev), 0);
	assert_int_equal(prev, M3_LOOKUP_FAILED);
	/* but moving to another problem is its own */
	fanout_init(&f);
	assert_int_equal(fanout_shared(&f, M3_LOOKUP_FAILED, &prev), 0);
	assert_int_equal(fanout_own(&f, M3_AUTH_FAILED, &prev),
	    CHANGE | PROBLEM);
	assert_int_equal(prev, M3_LOOKUP_FAILED);
}

/* A problem raised for a base station alone is cleared for it alone,
 * even when its server (shared by then) clears at server level. */
static void
an_own_problem_is_cleared_when_the_shared_server_recovers(void **state)
{
	struct fan_bs f;
	int prev;

	(void)state;
	fanout_init(&f);
	assert_int_equal(fanout_own(&f, M3_FILE_NOT_FOUND, &prev), PROBLEM);
	/* another problem at server level: its alarm stays open */
	assert_int_equal(fanout_shared(&f, M3_TIMEOUT, &prev), 0);
	assert_int_equal(f.own, 1);
	assert_int_equal(fanout_shared(&f, M3_NO_PROBLEMS, &prev),
	    CHANGE | CLEARED);
	assert_int_equal(prev, M3_TIMEOUT);
	assert_int_equal(fanout_shared(&f, M3_NO_PROBLEMS, &prev), 0);
}

/* Settings not probed yet say nothing: the announcement waits. */
static void
not_probed_yet_announces_nothing(void **state)
{
	struct fan_bs f;
	int prev;

	(void)state;
	fanout_init(&f);
	assert_int_equal(fanout_own(&f, M3_LOOKUP_FAILED, &prev), PROBLEM);
	assert_int_equal(fanout_own(&f, CONFIRM_NOT_PROBED, &prev), 0);
	assert_int_equal(f.shown, M3_LOOKUP_FAILED);
	assert_int_equal(fanout_shared(&f, CONFIRM_NOT_PROBED, &prev), 0);
	assert_int_equal(f.own, 1);
	assert_int_equal(fanout_own(&f, M3_NO_PROBLEMS, &prev),
	    CHANGE | CLEARED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_shared_server_speaks_as_the_server),
		cmocka_unit_test(
		    a_new_base_station_on_a_failing_server_raises_its_own_problem),
		cmocka_unit_test(a_file_that_breaks_and_is_fixed_raises_and_clears),
		cmocka_unit_test(a_shared_outage_adds_nothing_per_base_station),
		cmocka_unit_test(
		    leaving_a_failing_server_clears_nothing_it_did_not_raise),
		cmocka_unit_test(
		    an_own_problem_is_cleared_when_the_shared_server_recovers),
		cmocka_unit_test(not_probed_yet_announces_nothing),
	};

	return cmocka_run_group_tests_name("fanout", tests, NULL, NULL);
}

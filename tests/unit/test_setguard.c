/*
 * Unit tests: a SET phase that snmpd sends again is dropped, once per
 * repeat; every other PDU, and every new phase, goes through.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "setguard.h"

#define GET		5	/* AgentX Get-PDU */
#define TESTSET		8
#define COMMITSET	9
#define UNDOSET		10
#define CLEANUPSET	11
#define RESPONSE	18

/* A CommitSet sent three times: the first goes through, two are dropped. */
static void
a_repeated_phase_is_dropped(void **state)
{
	struct setguard g;

	(void)state;
	setguard_init(&g);
	assert_int_equal(setguard_repeat(&g, TESTSET, 7, 100), 0);
	assert_int_equal(setguard_repeat(&g, COMMITSET, 7, 100), 0);
	assert_int_equal(setguard_repeat(&g, COMMITSET, 7, 100), 1);
	assert_int_equal(setguard_repeat(&g, COMMITSET, 7, 100), 1);
	assert_int_equal(setguard_repeat(&g, CLEANUPSET, 7, 100), 0);
	assert_int_equal(g.repeats, 2);
}

/* The next phases of one transaction, and other transactions or
 * sessions, are new. */
static void
each_phase_of_each_transaction_is_new(void **state)
{
	struct setguard g;
	int type;

	(void)state;
	setguard_init(&g);
	for (type = TESTSET; type <= CLEANUPSET; type++) {
		assert_int_equal(setguard_repeat(&g, type, 7, 100), 0);
		assert_int_equal(setguard_repeat(&g, type, 7, 101), 0);
		assert_int_equal(setguard_repeat(&g, type, 8, 100), 0);
	}
	assert_int_equal(g.repeats, 0);
}

/* GETs and responses are never held back, however often they come. */
static void
other_pdus_go_through(void **state)
{
	struct setguard g;
	int i;

	(void)state;
	setguard_init(&g);
	for (i = 0; i < 3; i++) {
		assert_int_equal(setguard_repeat(&g, GET, 7, 100), 0);
		assert_int_equal(setguard_repeat(&g, RESPONSE, 7, 100), 0);
		assert_int_equal(setguard_repeat(&g, 0, 7, 100), 0);
	}
	assert_int_equal(g.repeats, 0);
}

/* The memory is bounded: past SETGUARD_SEEN newer phases, the oldest is
 * forgotten (and would go through again). */
static void
the_oldest_phase_is_forgotten(void **state)
{
	struct setguard g;
	long t;

	(void)state;
	setguard_init(&g);
	for (t = 0; t < SETGUARD_SEEN; t++)
		assert_int_equal(setguard_repeat(&g, TESTSET, 1, t), 0);
	assert_int_equal(setguard_repeat(&g, TESTSET, 1, 0), 1);
	assert_int_equal(setguard_repeat(&g, UNDOSET, 1, 1000), 0);
	assert_int_equal(setguard_repeat(&g, TESTSET, 1, 0), 0);
	assert_int_equal(setguard_repeat(&g, TESTSET, 1, SETGUARD_SEEN - 1), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_repeated_phase_is_dropped),
		cmocka_unit_test(each_phase_of_each_transaction_is_new),
		cmocka_unit_test(other_pdus_go_through),
		cmocka_unit_test(the_oldest_phase_is_forgotten),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests: `confirm N` - which probe results become notifications
 * (updprobeCodeChange, updprobeProblem, updprobeCleared).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "codes.h"
#include "confirm.h"

#define NEW	CONFIRM_NEW_CODE
#define CHANGE	(NEW | CONFIRM_EV_CODE_CHANGE)
#define PROBLEM	(NEW | CONFIRM_EV_PROBLEM)
#define CLEARED	(NEW | CONFIRM_EV_CLEARED)

/* Feed codes (ending with -2) with confirm n; check the events of each. */
static void
feed(unsigned n, const int *codes, const unsigned *want)
{
	struct confirm c;
	int i;

	confirm_init(&c);
	for (i = 0; codes[i] != -2; i++) {
		unsigned got = confirm_feed(&c, codes[i], n);

		if (got != want[i])
			fail_msg("confirm %u, probe %d (code %d): events 0x%x, "
			    "want 0x%x", n, i + 1, codes[i], got, want[i]);
	}
}

static void
the_first_result_is_the_baseline(void **state)
{
	static const int ok[] = { 0, 0, -2 }, bad[] = { 3, 3, -2 };
	static const unsigned ok_ev[] = { NEW, 0 }, bad_ev[] = { PROBLEM, 0 };

	(void)state;
	/* Even with confirm 3: nothing to confirm it against. */
	feed(3, ok, ok_ev);
	feed(3, bad, bad_ev);
}

static void
confirm_1_announces_every_change(void **state)
{
	static const int codes[] = { 0, 3, 3, 12, 0, -2 };
	static const unsigned ev[] = { NEW, CHANGE | PROBLEM, 0,
	    CHANGE | PROBLEM, CHANGE | CLEARED };

	(void)state;
	feed(1, codes, ev);
}

static void
confirm_2_needs_two_equal_probes(void **state)
{
	static const int codes[] = { 0, 3, 0, 3, 3, 3, 0, 0, -2 };
	static const unsigned ev[] = { NEW, 0, 0, 0, CHANGE | PROBLEM, 0, 0,
	    CHANGE | CLEARED };

	(void)state;
	feed(2, codes, ev);
}

/* A candidate that changes starts counting again. */
static void
a_new_candidate_restarts_the_count(void **state)
{
	static const int codes[] = { 0, 3, 2, 2, 2, -2 };
	static const unsigned ev[] = { NEW, 0, 0, 0, CHANGE | PROBLEM };

	(void)state;
	feed(3, codes, ev);
}

static void
the_previous_code_is_kept(void **state)
{
	struct confirm c;

	(void)state;
	confirm_init(&c);
	assert_int_equal(c.confirmed, CONFIRM_NOT_PROBED);
	confirm_feed(&c, 0, 1);
	assert_int_equal(c.previous, CONFIRM_NOT_PROBED);
	confirm_feed(&c, 5, 1);
	assert_int_equal(c.confirmed, 5);
	assert_int_equal(c.previous, 0);
	confirm_feed(&c, 0, 1);
	assert_int_equal(c.previous, 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_first_result_is_the_baseline),
		cmocka_unit_test(confirm_1_announces_every_change),
		cmocka_unit_test(confirm_2_needs_two_equal_probes),
		cmocka_unit_test(a_new_candidate_restarts_the_count),
		cmocka_unit_test(the_previous_code_is_kept),
	};

	return cmocka_run_group_tests_name("confirm", tests, NULL, NULL);
}

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

/* From no problem, N consecutive failures raise a problem whatever their
 * codes: the confirmed code is the latest. */
static void
failures_with_other_codes_raise_a_problem(void **state)
{
	static const int codes[] = { 0, 3, 2, 3, 2, 3, 2, 3, -2 };
	static const unsigned ev[] = { NEW, 0, CHANGE | PROBLEM, 0, 0, 0, 0,
	    0 };

	(void)state;
	feed(2, codes, ev);
}

/* A server failing every probe with alternating codes: one problem, at
 * the N-th failure, and no flood of changes after it. */
static void
a_flapping_failure_raises_once(void **state)
{
	static const int codes[] = { 0, 3, 2, 3, 2, 3, 2, 3, 2, 3, -2 };
	static const unsigned ev[] = { NEW, 0, 0, CHANGE | PROBLEM, 0, 0, 0,
	    0, 0, 0 };

	(void)state;
	feed(3, codes, ev);
}

/* From one problem to another needs N equal probes of the other. */
static void
a_new_problem_code_needs_n_equal_probes(void **state)
{
	static const int codes[] = { 3, 2, 3, 2, 2, 2, -2 };
	static const unsigned ev[] = { PROBLEM, 0, 0, 0, 0, CHANGE | PROBLEM };

	(void)state;
	feed(3, codes, ev);
}

/* A good probe between failures restarts the count. */
static void
a_good_probe_restarts_the_failure_count(void **state)
{
	static const int codes[] = { 0, 3, 0, 3, 0, 3, 3, -2 };
	static const unsigned ev[] = { NEW, 0, 0, 0, 0, 0, CHANGE | PROBLEM };

	(void)state;
	feed(2, codes, ev);
}

/* Clearing needs N consecutive good probes. */
static void
clearing_needs_n_good_probes(void **state)
{
	static const int codes[] = { 5, 0, 5, 0, 0, 0, -2 };
	static const unsigned ev[] = { PROBLEM, 0, 0, 0, 0, CHANGE | CLEARED };

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
		cmocka_unit_test(failures_with_other_codes_raise_a_problem),
		cmocka_unit_test(a_flapping_failure_raises_once),
		cmocka_unit_test(a_new_problem_code_needs_n_equal_probes),
		cmocka_unit_test(a_good_probe_restarts_the_failure_count),
		cmocka_unit_test(clearing_needs_n_good_probes),
		cmocka_unit_test(the_previous_code_is_kept),
	};

	return cmocka_run_group_tests_name("confirm", tests, NULL, NULL);
}

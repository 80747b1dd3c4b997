/*
 * Unit tests: base stations with equal settings share one server entry,
 * any setting that changes the result makes another, and every server
 * gets a stable name that never shows the password.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "provdir.h"
#include "settings.h"
#include "target.h"

static char err[512];

/* The settings an m3 provisioning file and the folder's defaults give. */
static void
base_station(struct target *t, const char *name, const char *url)
{
	target_init(t);
	assert_int_equal(target_set_name(t, name, err, sizeof(err)), 0);
	assert_int_equal(target_set_url(t, url, err, sizeof(err)), 0);
	strcpy(t->user, "m3");
	strcpy(t->password, "s3cret");
	t->interval = 300;
}

static void
equal_settings_are_one_server_whatever_the_name(void **state)
{
	struct target a, b;

	(void)state;
	base_station(&a, "0004f2000001", "http://fw.example/m3/");
	base_station(&b, "0004f2000002", "http://fw.example/m3/");
	assert_true(target_same_settings(&a, &b));
	assert_true(target_settings_hash(&a) == target_settings_hash(&b));
}

/* Each change of a setting the probe uses makes other settings. */
static void
every_setting_that_changes_the_result_counts(void **state)
{
	struct target a, b;
	int i;

	(void)state;
	base_station(&a, "a", "http://fw.example/m3/");
	for (i = 0; i < 16; i++) {
		base_station(&b, "a", "http://fw.example/m3/");
		switch (i) {
		case 0: b.proto = PROTO_HTTPS; break;
		case 1: strcpy(b.host, "fw2.example"); break;
		case 2: b.port = 8080; break;
		case 3: strcpy(b.path, "/m4/"); break;
		case 4: strcpy(b.version, "0790"); break;
		case 5: strcpy(b.language, "fr01"); break;
		case 6: strcpy(b.dirfile, "DirList.txt"); break;
		case 7: strcpy(b.user, "m4"); break;
		case 8: strcpy(b.password, "other"); break;
		case 9: strcpy(b.dns_servers, "127.0.0.1:53"); break;
		case 10: b.max_size = 1024; break;
		case 11: b.timeout_ms = 5000; break;
		case 12: b.interval = 60; break;
		case 13: b.full_download = 1; break;
		case 14: b.insecure = 1; break;
		case 15: b.allow_loopback = 1; break;
		}
		assert_false(target_same_settings(&a, &b));
		assert_true(target_settings_hash(&a) !=
		    target_settings_hash(&b));
	}
}

/* Bytes after a string's end (a shorter value over a longer one) are
 * not settings. */
static void
leftovers_after_a_string_do_not_count(void **state)
{
	struct target a, b;

	(void)state;
	base_station(&a, "a", "http://fw.example/m3/");
	base_station(&b, "a", "http://fw.example/a-much-longer-folder/");
	assert_int_equal(target_set_url(&b, "http://fw.example/m3/", err,
	    sizeof(err)), 0);
	assert_true(target_same_settings(&a, &b));
	assert_true(target_settings_hash(&a) == target_settings_hash(&b));
}

static void
map_dedupes_and_names_each_server(void **state)
{
	struct target a, b, c;
	struct setmap *m = setmap_new();
	char na[SETTINGS_NAME_MAX + 1], nc[SETTINGS_NAME_MAX + 1];
	int va, vc;

	(void)state;
	assert_non_null(m);
	base_station(&a, "bs1", "http://fw.example.com/m3/");
	base_station(&b, "bs2", "http://fw.example.com/m3/");
	base_station(&c, "bs3", "http://fw.example.com/m4/");
	assert_null(setmap_find(m, &a));
	assert_int_equal(setmap_add(m, &a, &va, na, sizeof(na)), 0);
	/* bs2 finds bs1's server */
	assert_ptr_equal(setmap_find(m, &b), &va);
	assert_null(setmap_find(m, &c));
	assert_int_equal(setmap_add(m, &c, &vc, nc, sizeof(nc)), 0);
	assert_int_equal(setmap_count(m), 2);
	/* "<host>/<8 hex>", fits an index, never a target name */
	assert_true(strncmp(na, "fw.example.com/", 15) == 0);
	assert_int_equal(strlen(na), 15 + 8);
	assert_true(strlen(na) <= SETTINGS_NAME_MAX);
	assert_string_not_equal(na, nc);
	assert_int_equal(target_set_name(&a, na, err, sizeof(err)), -1);
	setmap_remove(m, &a);
	assert_null(setmap_find(m, &b));
	assert_ptr_equal(setmap_find(m, &c), &vc);
	assert_int_equal(setmap_count(m), 1);
	setmap_free(m);
}

/* The same settings get the same name in another map (another run, the
 * CLI); a name does not depend on the password. */
static void
names_are_stable_and_tell_nothing_of_the_password(void **state)
{
	struct target a, b;
	struct setmap *m1 = setmap_new(), *m2 = setmap_new();
	char n1[SETTINGS_NAME_MAX + 1], n2[SETTINGS_NAME_MAX + 1];
	char n3[SETTINGS_NAME_MAX + 1];
	int v;

	(void)state;
	base_station(&a, "x", "http://fw.example.com/m3/");
	base_station(&b, "y", "http://fw.example.com/m3/");
	strcpy(b.password, "another-password");
	assert_int_equal(setmap_add(m1, &a, &v, n1, sizeof(n1)), 0);
	assert_int_equal(setmap_add(m2, &b, &v, n2, sizeof(n2)), 0);
	/* another password, other settings: same name in another map... */
	assert_string_equal(n1, n2);
	/* ...and told apart in the same map */
	assert_null(setmap_find(m1, &b));
	assert_int_equal(setmap_add(m1, &b, &v, n3, sizeof(n3)), 0);
	assert_int_equal(strncmp(n3, n1, strlen(n1)), 0);
	assert_string_equal(n3 + strlen(n1), ".2");
	setmap_free(m1);
	setmap_free(m2);
	/* the interval is not in the name (updprobe's report has none) */
	m1 = setmap_new();
	a.interval = 0;
	assert_int_equal(setmap_add(m1, &a, &v, n3, sizeof(n3)), 0);
	assert_string_equal(n3, n1);
	setmap_free(m1);
}

/* A long host is cut; an empty one (code 6) is "none". */
static void
names_fit_the_index(void **state)
{
	struct target a, b;
	struct setmap *m = setmap_new();
	char n[SETTINGS_NAME_MAX + 1];
	int v;

	(void)state;
	base_station(&a, "x", "http://a-very-long-update-server-name.example.com/");
	assert_int_equal(setmap_add(m, &a, &v, n, sizeof(n)), 0);
	assert_int_equal(strlen(n), SETTINGS_NAME_MAX);
	assert_true(strncmp(n, "a-very-long-update-se", 10) == 0);
	target_init(&b);
	b.proto = PROTO_TFTP;
	assert_int_equal(setmap_add(m, &b, &v, n, sizeof(n)), 0);
	assert_true(strncmp(n, "none/", 5) == 0);
	setmap_free(m);
}

/* Many entries: the tables grow, removal keeps every other findable. */
static void
map_survives_growth_and_removal(void **state)
{
	enum { N = 3000 };
	struct target *t = calloc(N, sizeof(*t));
	struct setmap *m = setmap_new();
	char n[SETTINGS_NAME_MAX + 1], url[64];
	int i;

	(void)state;
	assert_non_null(t);
	for (i = 0; i < N; i++) {
		snprintf(url, sizeof(url), "http://site%d.example/m3/", i % 700);
		base_station(&t[i], "x", url);
		t[i].port = (unsigned)(i / 700 + 1);
		assert_null(setmap_find(m, &t[i]));
		assert_int_equal(setmap_add(m, &t[i], &t[i], n, sizeof(n)), 0);
	}
	for (i = 0; i < N; i += 2)
		setmap_remove(m, &t[i]);
	for (i = 0; i < N; i++)
		assert_ptr_equal(setmap_find(m, &t[i]), i % 2 ? &t[i] : NULL);
	assert_int_equal(setmap_count(m), N / 2);
	setmap_free(m);
	free(t);
}

static void
settings_line_never_shows_the_password(void **state)
{
	struct target a;
	char line[SETTINGS_LINE_MAX];

	(void)state;
	base_station(&a, "x", "http://fw.example/m3/");
	a.max_size = 8 * 1024 * 1024;
	target_settings_line(&a, line, sizeof(line));
	assert_non_null(strstr(line, "user=m3 password=set"));
	assert_non_null(strstr(line, "maxSize=8M"));
	assert_null(strstr(line, "s3cret"));
}

static void
file_names_become_base_station_names(void **state)
{
	char n[PROVDIR_NAME_MAX + 1];

	(void)state;
	assert_int_equal(provdir_name("*.cfg", "0004f2a1b2c3.cfg", n,
	    sizeof(n)), 0);
	assert_string_equal(n, "0004f2a1b2c3");
	assert_int_equal(provdir_name("m3_*.cfg", "m3_0004f2a1b2c3.cfg", n,
	    sizeof(n)), 0);
	assert_string_equal(n, "m3_0004f2a1b2c3");
	/* a pattern without a literal extension strips nothing */
	assert_int_equal(provdir_name("*", "site.conf", n, sizeof(n)), 0);
	assert_string_equal(n, "site.conf");
	assert_int_equal(provdir_name("*.c?g", "a.cfg", n, sizeof(n)), 0);
	assert_string_equal(n, "a.cfg");
	/* no match, hidden files, an empty name */
	assert_int_equal(provdir_name("*.cfg", "a.conf", n, sizeof(n)), -1);
	assert_int_equal(provdir_name("*.cfg", ".a.cfg", n, sizeof(n)), -1);
	assert_int_equal(provdir_name("*cfg", "cfg", n, sizeof(n)), 0);
	assert_int_equal(provdir_pattern_ok("*.cfg", err, sizeof(err)), 0);
	assert_int_equal(provdir_pattern_ok("a/*.cfg", err, sizeof(err)), -1);
	assert_int_equal(provdir_pattern_ok("", err, sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(equal_settings_are_one_server_whatever_the_name),
		cmocka_unit_test(every_setting_that_changes_the_result_counts),
		cmocka_unit_test(leftovers_after_a_string_do_not_count),
		cmocka_unit_test(map_dedupes_and_names_each_server),
		cmocka_unit_test(names_are_stable_and_tell_nothing_of_the_password),
		cmocka_unit_test(names_fit_the_index),
		cmocka_unit_test(map_survives_growth_and_removal),
		cmocka_unit_test(settings_line_never_shows_the_password),
		cmocka_unit_test(file_names_become_base_station_names),
	};

	return cmocka_run_group_tests_name("settings", tests, NULL, NULL);
}

/* Unit tests: building a target from URLs, options and password files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target.h"

static char err[512];

static void
url_with_port_and_folder_is_split(void **state)
{
	struct target t;
	char buf[512];

	(void)state;
	target_init(&t);
	assert_int_equal(target_set_url(&t, "http://fw.example:8080/m3/fw",
	    err, sizeof(err)), 0);
	assert_int_equal(t.proto, PROTO_HTTP);
	assert_string_equal(t.host, "fw.example");
	assert_int_equal(t.port, 8080);
	assert_string_equal(t.path, "/m3/fw/");
	target_file_url(&t, "10.0.0.1", "dirlist.txt", buf, sizeof(buf));
	assert_string_equal(buf, "http://fw.example:8080/m3/fw/dirlist.txt");
}

static void
tftp_url_carries_the_address(void **state)
{
	struct target t;
	char buf[512];

	(void)state;
	target_init(&t);
	assert_int_equal(target_set_url(&t, "TFTP://tftp.example/Updates/",
	    err, sizeof(err)), 0);
	assert_int_equal(t.proto, PROTO_TFTP);
	assert_int_equal(target_port(&t), 69);
	target_file_url(&t, "192.0.2.1", "dirlist.txt", buf, sizeof(buf));
	assert_string_equal(buf, "tftp://192.0.2.1:69//Updates/dirlist.txt");
}

static void
ipv6_literal_is_accepted(void **state)
{
	struct target t;
	char buf[512];

	(void)state;
	target_init(&t);
	assert_int_equal(target_set_url(&t, "https://[::1]:8443/",
	    err, sizeof(err)), 0);
	assert_string_equal(t.host, "::1");
	assert_int_equal(t.port, 8443);
	target_url(&t, buf, sizeof(buf));
	assert_string_equal(buf, "https://[::1]:8443/");
}

static void
empty_host_is_kept_for_code_6(void **state)
{
	struct target t;

	(void)state;
	target_init(&t);
	assert_int_equal(target_set_url(&t, "http:///Updates/", err,
	    sizeof(err)), 0);
	assert_string_equal(t.host, "");
}

static void
bad_urls_are_refused_with_a_reason(void **state)
{
	static const char *bad[] = {
		"ftp://x/", "fw.example/Updates/", "http://u:pw@x/",
		"http://x:0/", "http://x:99999/", "http://x:8a/", "http://[::1/",
		"http://bad host/", "http://x/a?b", "http://[zz]/",
	};
	struct target t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		target_init(&t);
		err[0] = '\0';
		assert_int_equal(target_set_url(&t, bad[i], err, sizeof(err)),
		    -1);
		assert_true(strlen(err) > 0);
	}
}

/* File names and folders become URLs through libcurl's URL API: each
 * byte that is not unreserved is %-encoded, so the name requested is
 * exactly the name given (over TFTP libcurl decodes it back). */
static void
file_names_are_encoded_into_urls(void **state)
{
	struct target t;
	char buf[512];

	(void)state;
	target_init(&t);
	assert_int_equal(target_set_url(&t, "http://fw.example/m3/", err,
	    sizeof(err)), 0);
	assert_int_equal(target_file_url(&t, "192.0.2.1", "SnakeGw#1?x.fwu",
	    buf, sizeof(buf)), 0);
	assert_string_equal(buf, "http://fw.example/m3/SnakeGw%231%3fx.fwu");
	assert_int_equal(target_file_url(&t, "192.0.2.1", "Snake Pp%47.fwu",
	    buf, sizeof(buf)), 0);
	assert_string_equal(buf, "http://fw.example/m3/Snake%20Pp%2547.fwu");
	target_init(&t);
	assert_int_equal(target_set_url(&t, "tftp://tftp.example/Up dates/",
	    err, sizeof(err)), -1);
	assert_int_equal(target_set_url(&t, "tftp://tftp.example/Up%20dates/",
	    err, sizeof(err)), 0);
	assert_string_equal(t.path, "/Up dates/");
	assert_int_equal(target_file_url(&t, "192.0.2.1", "a%47;mode=x",
	    buf, sizeof(buf)), 0);
	assert_string_equal(buf,
	    "tftp://192.0.2.1:69//Up%20dates/a%2547%3bmode%3dx");
	/* Cut, never a URL that names another file. */
	assert_int_equal(target_file_url(&t, "192.0.2.1", "dirlist.txt",
	    buf, 20), -1);
	assert_true(strlen(buf) < 20);
}

/* The folder of a URL is kept decoded (the server's name for it) and
 * encoded again, ASCII only, whatever bytes it holds. */
static void
folders_are_decoded_and_encoded_again(void **state)
{
	struct target t;
	char buf[512];

	(void)state;
	target_init(&t);
	assert_int_equal(target_set_url(&t, "http://h/a%23b%3Fc%25/", err,
	    sizeof(err)), 0);
	assert_string_equal(t.path, "/a#b?c%/");
	assert_int_equal(target_url(&t, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "http://h/a%23b%3fc%25/");
	target_init(&t);
	assert_int_equal(target_set_url(&t, "http://h/fw\xff/", err,
	    sizeof(err)), 0);
	assert_int_equal(target_url(&t, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "http://h/fw%ff/");
	assert_int_equal(target_set_url(&t, "http://h/a#b/", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "%23"));
	assert_int_equal(target_set_url(&t, "http://h/a%2/", err,
	    sizeof(err)), -1);
	assert_int_equal(target_set_url(&t, "http://h/a%00/", err,
	    sizeof(err)), -1);
	assert_int_equal(target_set_url(&t, "http://[2001:db8::02]/", err,
	    sizeof(err)), 0);
	assert_string_equal(t.host, "2001:db8::2");
}

/* --dirfile-name follows the DirFile's rule for file names. */
static void
dirfile_names_are_file_names(void **state)
{
	static const char *const bad[] = { "", ".", "..", "a/b", "a\\b",
	    "x..y", "dir\tlist.txt" };
	static const char *const good[] = { "DirList.txt", "list#1.txt",
	    "a b.txt", "a%47.txt" };
	struct target t;
	size_t i;

	(void)state;
	target_init(&t);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(target_set_option(&t, "dirFile", bad[i], err,
		    sizeof(err)), -1);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(target_set_option(&t, "dirFile", good[i], err,
		    sizeof(err)), 0);
		assert_string_equal(t.dirfile, good[i]);
	}
}

static void
sizes_take_suffixes(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(target_parse_size("8M", &v), 0);
	assert_true(v == 8ULL * 1024 * 1024);
	assert_int_equal(target_parse_size("512k", &v), 0);
	assert_true(v == 512 * 1024);
	assert_int_equal(target_parse_size("1048576", &v), 0);
	assert_true(v == 1048576);
	assert_int_equal(target_parse_size("", &v), -1);
	assert_int_equal(target_parse_size("8X", &v), -1);
	assert_int_equal(target_parse_size("99999999999999999999", &v), -1);
}

static void
options_are_validated(void **state)
{
	struct target t;

	(void)state;
	target_init(&t);
	assert_int_equal(target_set_option(&t, "version", "0790", err,
	    sizeof(err)), 0);
	assert_int_equal(target_set_option(&t, "version", "790", err,
	    sizeof(err)), -1);
	assert_int_equal(target_set_option(&t, "timeout", "0", err,
	    sizeof(err)), -1);
	assert_int_equal(target_set_option(&t, "timeout", "5", err,
	    sizeof(err)), 0);
	assert_int_equal(t.timeout_ms, 5000);
	assert_int_equal(target_set_option(&t, "password", "x", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "file"));
	assert_int_equal(target_set_option(&t, "colour", "x", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "colour"));
}

static void
dns_servers_become_a_csv_list(void **state)
{
	struct target t;

	(void)state;
	target_init(&t);
	assert_int_equal(target_add_dns_server(&t, "127.0.0.1:5353", err,
	    sizeof(err)), 0);
	assert_int_equal(target_add_dns_server(&t, "[::1]:53", err,
	    sizeof(err)), 0);
	assert_int_equal(target_add_dns_server(&t, "192.0.2.53", err,
	    sizeof(err)), 0);
	assert_string_equal(t.dns_servers,
	    "127.0.0.1:5353,[::1]:53,192.0.2.53:53");
	assert_int_equal(target_add_dns_server(&t, "dns.example", err,
	    sizeof(err)), -1);
}

/* The most servers a lookup asks: one more is refused, not dropped. */
static void
dns_servers_are_bounded(void **state)
{
	struct target t;
	char spec[32];
	int i;

	(void)state;
	target_init(&t);
	for (i = 0; i < TARGET_DNS_SERVERS_MAX; i++) {
		snprintf(spec, sizeof(spec), "192.0.2.%d", i + 1);
		assert_int_equal(target_add_dns_server(&t, spec, err,
		    sizeof(err)), 0);
	}
	assert_int_equal(target_add_dns_server(&t, "198.51.100.1", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "at most 16"));
	assert_null(strstr(t.dns_servers, "198.51.100.1"));
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void
password_file_must_be_private(void **state)
{
	char path[] = "/tmp/updprobe-test-pwXXXXXX";
	struct target t;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	target_init(&t);
	write_file(path, "s3cret\n", 0644);
	assert_int_equal(target_set_password_file(&t, path, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "group or others"));
	write_file(path, "s3cret\n", 0600);
	assert_int_equal(target_set_password_file(&t, path, err, sizeof(err)),
	    0);
	assert_string_equal(t.password, "s3cret");
	target_clear(&t);
	assert_string_equal(t.password, "");
	write_file(path, "\n", 0600);
	assert_int_equal(target_set_password_file(&t, path, err, sizeof(err)),
	    -1);
	unlink(path);
	assert_int_equal(target_set_password_file(&t, path, err, sizeof(err)),
	    -1);
}

static void
target_names_are_restricted(void **state)
{
	struct target t;

	(void)state;
	target_init(&t);
	assert_int_equal(target_set_name(&t, "site-a.1_x", err, sizeof(err)), 0);
	assert_int_equal(target_set_name(&t, "", err, sizeof(err)), -1);
	assert_int_equal(target_set_name(&t, "a b", err, sizeof(err)), -1);
	assert_int_equal(target_set_name(&t,
	    "123456789012345678901234567890123", err, sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(url_with_port_and_folder_is_split),
		cmocka_unit_test(tftp_url_carries_the_address),
		cmocka_unit_test(ipv6_literal_is_accepted),
		cmocka_unit_test(empty_host_is_kept_for_code_6),
		cmocka_unit_test(bad_urls_are_refused_with_a_reason),
		cmocka_unit_test(file_names_are_encoded_into_urls),
		cmocka_unit_test(folders_are_decoded_and_encoded_again),
		cmocka_unit_test(dirfile_names_are_file_names),
		cmocka_unit_test(sizes_take_suffixes),
		cmocka_unit_test(options_are_validated),
		cmocka_unit_test(dns_servers_become_a_csv_list),
		cmocka_unit_test(dns_servers_are_bounded),
		cmocka_unit_test(password_file_must_be_private),
		cmocka_unit_test(target_names_are_restricted),
	};

	return cmocka_run_group_tests_name("target", tests, NULL, NULL);
}

/*
 * test_provfile.c - reading the m3 provisioning settings a firmware update
 * depends on: server, folder and protocol, as the base station sees them.
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

#include "provfile.h"

#define ERRLEN	512

#define GOOD_FILE \
	"# m3 base station, site A\n" \
	"%NETWORK_DHCP_CLIENT_BOOT_SERVER%: 0x03\n" \
	"%NETWORK_FWU_SERVER%: \"fw.example.com\"\n" \
	"%FWU_TFTP_SERVER_PATH%: \"/m3/firmware/\"\n" \
	"%MANAGEMENT_TRANSFER_PROTOCOL%: 0x01\n" \
	"%SUBSCR_SIP_UA_DATA_SERVER_PORT%: 5060\n" \
	"END_OF_FILE\n"

static int
parse_str(const char *body, struct provfile *pf, char *err)
{
	return provfile_parse(body, strlen(body), pf, err, ERRLEN);
}

/* Parse a body that must fail; err must contain want. */
static void
expect_failure(const char *body, size_t len, const char *want)
{
	struct provfile	pf;
	char		err[ERRLEN];

	assert_int_equal(provfile_parse(body, len, &pf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, want));
	/* Nothing half-read is left behind. */
	assert_false(pf.has_server);
	assert_string_equal(pf.server, "");
	assert_int_equal(pf.protocol, PROV_PROTO_UNSET);
}

static void
expect_str_failure(const char *body, const char *want)
{
	expect_failure(body, strlen(body), want);
}

/* Write body to a new temporary file; the caller unlinks path. */
static void
write_temp(char *path, size_t pathlen, const char *body, size_t len)
{
	int	fd;

	(void)snprintf(path, pathlen, "/tmp/test_provfile.XXXXXX");
	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, body, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* --- accepted files -------------------------------------------------- */

static void
test_good_file_gives_server_path_and_protocol(void **state)
{
	struct provfile	pf;
	char		err[ERRLEN];

	(void)state;
	assert_int_equal(parse_str(GOOD_FILE, &pf, err), 0);
	assert_string_equal(err, "");
	assert_true(pf.has_server);
	assert_string_equal(pf.server, "fw.example.com");
	assert_string_equal(pf.path, "/m3/firmware/");
	assert_int_equal(pf.protocol, PROV_PROTO_HTTP);
}

static void
test_quoted_value_keeps_inner_blanks_and_colons(void **state)
{
	struct provfile	pf;
	char		err[ERRLEN];

	(void)state;
	assert_int_equal(parse_str("%NETWORK_FWU_SERVER%:\"10.0.0.1:8080\"\n"
	    "%FWU_TFTP_SERVER_PATH%:   \" /my updates/ \"  \nEND_OF_FILE\n",
	    &pf, err), 0);
	assert_string_equal(pf.server, "10.0.0.1:8080");
	assert_string_equal(pf.path, " /my updates/ ");
}

static void
test_decimal_and_hex_protocol_are_read(void **state)
{
	struct provfile	pf;
	char		err[ERRLEN];

	(void)state;
	assert_int_equal(parse_str("%MANAGEMENT_TRANSFER_PROTOCOL%: 0\n"
	    "END_OF_FILE\n", &pf, err), 0);
	assert_int_equal(pf.protocol, PROV_PROTO_TFTP);
	assert_int_equal(parse_str("%MANAGEMENT_TRANSFER_PROTOCOL%: 1\n"
	    "END_OF_FILE\n", &pf, err), 0);
	assert_int_equal(pf.protocol, PROV_PROTO_HTTP);
	assert_int_equal(parse_str("%MANAGEMENT_TRANSFER_PROTOCOL%: 0X00\n"
	    "END_OF_FILE\n", &pf, err), 0);
	assert_int_equal(pf.protocol, PROV_PROTO_TFTP);
}

static void
test_empty_server_is_present_but_empty(void **state)
{
	struct provfile	pf;
	char		err[ERRLEN];

	(void)state;
	/* Code 6 later: the name is there, the server is not. */
	assert_int_equal(parse_str("%NETWORK_FWU_SERVER%: \"\"\nEND_OF_FILE\n",
	    &pf, err), 0);
	assert_true(pf.has_server);
	assert_string_equal(pf.server, "");
}

static void
test_absent_names_leave_defaults(void **state)
{
	struct provfile	pf;
	char		err[ERRLEN];

	(void)state;
	assert_int_equal(parse_str("%SOMETHING_ELSE%: \"x\"\nEND_OF_FILE",
	    &pf, err), 0);
	assert_false(pf.has_server);
	assert_string_equal(pf.server, "");
	assert_string_equal(pf.path, "");
	assert_int_equal(pf.protocol, PROV_PROTO_UNSET);
}

static void
test_crlf_comments_and_blank_lines_are_accepted(void **state)
{
	struct provfile	pf;
	char		err[ERRLEN];

	(void)state;
	assert_int_equal(parse_str("\xef\xbb\xbf# exported\r\n\r\n; note\r\n"
	    "  %NETWORK_FWU_SERVER% : \"fw\"\r\nEND_OF_FILE\r\n", &pf, err), 0);
	assert_string_equal(pf.server, "fw");
}

static void
test_content_after_end_of_file_is_ignored(void **state)
{
	static const char body[] = "%NETWORK_FWU_SERVER%: \"fw\"\n"
	    "END_OF_FILE\n%NETWORK_FWU_SERVER%: \"other\"\ngarbage \"\0\n";
	struct provfile	pf;
	char		err[ERRLEN];

	(void)state;
	assert_int_equal(provfile_parse(body, sizeof(body) - 1, &pf, err,
	    sizeof(err)), 0);
	assert_string_equal(pf.server, "fw");
}

static void
test_last_of_repeated_names_wins(void **state)
{
	struct provfile	pf;
	char		err[ERRLEN];

	(void)state;
	assert_int_equal(parse_str("%NETWORK_FWU_SERVER%: \"a\"\n"
	    "%NETWORK_FWU_SERVER%: \"b\"\nEND_OF_FILE\n", &pf, err), 0);
	assert_string_equal(pf.server, "b");
}

static void
test_value_of_max_length_is_accepted(void **state)
{
	char		body[PROVFILE_MAX_VALUE + 64];
	struct provfile	pf;
	char		err[ERRLEN];
	int		n;

	(void)state;
	n = snprintf(body, sizeof(body), "%%FWU_TFTP_SERVER_PATH%%: \"");
	memset(body + n, 'p', PROVFILE_MAX_VALUE - 1);
	n += PROVFILE_MAX_VALUE - 1;
	(void)snprintf(body + n, sizeof(body) - (size_t)n,
	    "\"\nEND_OF_FILE\n");
	assert_int_equal(parse_str(body, &pf, err), 0);
	assert_int_equal(strlen(pf.path), PROVFILE_MAX_VALUE - 1);
}

/* --- refused files --------------------------------------------------- */

static void
test_missing_end_of_file_is_error(void **state)
{
	(void)state;
	expect_str_failure("%NETWORK_FWU_SERVER%: \"fw\"\n",
	    "missing END_OF_FILE (truncated file?)");
	expect_str_failure("", "missing END_OF_FILE");
	expect_str_failure("END_OF_FIL", "missing END_OF_FILE");
	/* A transfer cut mid-line: truncation is the diagnosis, not the
	 * quote it left open. */
	expect_str_failure("%NETWORK_FWU_SERVER%: \"fw.exa", "missing "
	    "END_OF_FILE (truncated file?)");
}

static void
test_line_not_a_setting_is_error(void **state)
{
	(void)state;
	expect_str_failure("# ok\nNETWORK_FWU_SERVER: \"fw\"\nEND_OF_FILE\n",
	    "line 2: expected %NAME%: value");
	expect_str_failure("%NETWORK_FWU_SERVER \"fw\"\nEND_OF_FILE\n",
	    "line 1: expected %NAME%: value");
	expect_str_failure("%NETWORK_FWU_SERVER% \"fw\"\nEND_OF_FILE\n",
	    "line 1: expected ':' after %NETWORK_FWU_SERVER%");
	expect_str_failure("%BAD NAME%: 1\nEND_OF_FILE\n",
	    "line 1: bad setting name");
	expect_str_failure("%%: 1\nEND_OF_FILE\n", "line 1: bad setting name");
}

static void
test_unterminated_quote_is_error(void **state)
{
	(void)state;
	expect_str_failure("\n%NETWORK_FWU_SERVER%: \"fw.example.com\n"
	    "END_OF_FILE\n", "line 2: unterminated quote");
	/* Even in a name this reader does not keep: the file is broken. */
	expect_str_failure("%OTHER%: \"x\nEND_OF_FILE\n",
	    "line 1: unterminated quote");
}

static void
test_text_after_closing_quote_is_error(void **state)
{
	(void)state;
	expect_str_failure("%NETWORK_FWU_SERVER%: \"fw\" x\nEND_OF_FILE\n",
	    "line 1: text after the closing quote: x");
}

static void
test_unquoted_string_is_error(void **state)
{
	(void)state;
	expect_str_failure("%NETWORK_FWU_SERVER%: fw.example.com\n"
	    "END_OF_FILE\n",
	    "line 1: %NETWORK_FWU_SERVER% needs a value in double quotes");
}

static void
test_too_long_value_is_error(void **state)
{
	char	body[PROVFILE_MAX_VALUE + 64];
	int	n;

	(void)state;
	n = snprintf(body, sizeof(body), "\n%%NETWORK_FWU_SERVER%%: \"");
	memset(body + n, 's', PROVFILE_MAX_VALUE);
	n += PROVFILE_MAX_VALUE;
	(void)snprintf(body + n, sizeof(body) - (size_t)n,
	    "\"\nEND_OF_FILE\n");
	expect_str_failure(body, "line 2: %NETWORK_FWU_SERVER% value is 256 "
	    "bytes, longer than 255");
}

static void
test_bad_protocol_is_error(void **state)
{
	(void)state;
	expect_str_failure("%MANAGEMENT_TRANSFER_PROTOCOL%: 2\nEND_OF_FILE\n",
	    "line 1: %MANAGEMENT_TRANSFER_PROTOCOL% is 2; expected 0 (TFTP) "
	    "or 1 (HTTP)");
	expect_str_failure("#\n%MANAGEMENT_TRANSFER_PROTOCOL%: http\n"
	    "END_OF_FILE\n", "line 2: %MANAGEMENT_TRANSFER_PROTOCOL% value "
	    "http is not a number");
	expect_str_failure("%MANAGEMENT_TRANSFER_PROTOCOL%: \"1\"\n"
	    "END_OF_FILE\n", "line 1: %MANAGEMENT_TRANSFER_PROTOCOL% value");
	expect_str_failure("%MANAGEMENT_TRANSFER_PROTOCOL%: 0x\nEND_OF_FILE\n",
	    "line 1: %MANAGEMENT_TRANSFER_PROTOCOL% value 0x is not a number");
	expect_str_failure("%MANAGEMENT_TRANSFER_PROTOCOL%: "
	    "99999999999999999999999\nEND_OF_FILE\n", "is not a number");
	expect_str_failure("%MANAGEMENT_TRANSFER_PROTOCOL%:\nEND_OF_FILE\n",
	    "line 1: %MANAGEMENT_TRANSFER_PROTOCOL% has no value");
}

static void
test_nul_byte_is_error(void **state)
{
	static const char body[] = "# a\n%NETWORK_FWU_SERVER%: \"f\0w\"\n"
	    "END_OF_FILE\n";

	(void)state;
	expect_failure(body, sizeof(body) - 1, "line 2: NUL byte");
}

static void
test_too_large_file_is_error(void **state)
{
	char	*body;
	size_t	 len = PROVFILE_MAX_SIZE + 1;

	(void)state;
	assert_non_null(body = malloc(len));
	memset(body, '\n', len);
	expect_failure(body, len, "larger than");
	free(body);
}

static void
test_null_or_empty_err_is_safe(void **state)
{
	struct provfile	pf;
	char		err[4] = "abc";

	(void)state;
	assert_int_equal(provfile_parse("x", 1, &pf, NULL, 0), -1);
	assert_int_equal(provfile_parse("x", 1, &pf, err, 0), -1);
	assert_string_equal(err, "abc");
	assert_int_equal(provfile_load("/nonexistent/x", &pf, NULL, 0), -1);
}

/* --- provfile_load --------------------------------------------------- */

static void
test_load_missing_file_names_path_and_errno(void **state)
{
	struct provfile	pf;
	char		err[ERRLEN];

	(void)state;
	assert_int_equal(provfile_load("/nonexistent/site-a.cfg", &pf, err,
	    sizeof(err)), -1);
	assert_string_equal(err,
	    "/nonexistent/site-a.cfg: No such file or directory");
	assert_int_equal(pf.protocol, PROV_PROTO_UNSET);
}

static void
test_load_reads_temp_file(void **state)
{
	struct provfile	pf;
	char		path[64], err[ERRLEN];

	(void)state;
	write_temp(path, sizeof(path), GOOD_FILE, strlen(GOOD_FILE));
	assert_int_equal(provfile_load(path, &pf, err, sizeof(err)), 0);
	assert_string_equal(pf.server, "fw.example.com");
	assert_int_equal(pf.protocol, PROV_PROTO_HTTP);
	assert_int_equal(unlink(path), 0);
}

static void
test_load_error_names_path_and_line(void **state)
{
	static const char body[] = "%NETWORK_FWU_SERVER%: \"fw\"\n"
	    "%MANAGEMENT_TRANSFER_PROTOCOL%: 7\nEND_OF_FILE\n";
	struct provfile	pf;
	char		path[64], err[ERRLEN], want[128];

	(void)state;
	write_temp(path, sizeof(path), body, sizeof(body) - 1);
	assert_int_equal(provfile_load(path, &pf, err, sizeof(err)), -1);
	(void)snprintf(want, sizeof(want), "%s:2: %%MANAGEMENT_TRANSFER_"
	    "PROTOCOL%% is 7", path);
	assert_non_null(strstr(err, want));
	assert_false(pf.has_server);
	assert_int_equal(unlink(path), 0);
}

static void
test_load_truncated_file_names_path(void **state)
{
	static const char body[] = "%NETWORK_FWU_SERVER%: \"fw\"\n";
	struct provfile	pf;
	char		path[64], err[ERRLEN], want[128];

	(void)state;
	write_temp(path, sizeof(path), body, sizeof(body) - 1);
	assert_int_equal(provfile_load(path, &pf, err, sizeof(err)), -1);
	(void)snprintf(want, sizeof(want), "%s: missing END_OF_FILE", path);
	assert_non_null(strstr(err, want));
	assert_int_equal(unlink(path), 0);
}

static void
test_load_directory_is_error(void **state)
{
	struct provfile	pf;
	char		err[ERRLEN];

	(void)state;
	assert_int_equal(provfile_load("/tmp", &pf, err, sizeof(err)), -1);
	assert_string_equal(err, "/tmp: not a regular file");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file_gives_server_path_and_protocol),
		cmocka_unit_test(test_quoted_value_keeps_inner_blanks_and_colons),
		cmocka_unit_test(test_decimal_and_hex_protocol_are_read),
		cmocka_unit_test(test_empty_server_is_present_but_empty),
		cmocka_unit_test(test_absent_names_leave_defaults),
		cmocka_unit_test(test_crlf_comments_and_blank_lines_are_accepted),
		cmocka_unit_test(test_content_after_end_of_file_is_ignored),
		cmocka_unit_test(test_last_of_repeated_names_wins),
		cmocka_unit_test(test_value_of_max_length_is_accepted),
		cmocka_unit_test(test_missing_end_of_file_is_error),
		cmocka_unit_test(test_line_not_a_setting_is_error),
		cmocka_unit_test(test_unterminated_quote_is_error),
		cmocka_unit_test(test_text_after_closing_quote_is_error),
		cmocka_unit_test(test_unquoted_string_is_error),
		cmocka_unit_test(test_too_long_value_is_error),
		cmocka_unit_test(test_bad_protocol_is_error),
		cmocka_unit_test(test_nul_byte_is_error),
		cmocka_unit_test(test_too_large_file_is_error),
		cmocka_unit_test(test_null_or_empty_err_is_safe),
		cmocka_unit_test(test_load_missing_file_names_path_and_errno),
		cmocka_unit_test(test_load_reads_temp_file),
		cmocka_unit_test(test_load_error_names_path_and_line),
		cmocka_unit_test(test_load_truncated_file_names_path),
		cmocka_unit_test(test_load_directory_is_error),
	};

	return cmocka_run_group_tests_name("provfile", tests, NULL, NULL);
}

/*
 * Unit tests: how the end of a transfer and a firmware file's bytes map
 * to the device's codes (DESIGN.md section 1), rule by rule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "codes.h"
#include "verdict.h"

enum { HTTP = 0, TFTP = 1 };

static struct xfer_result
ended(CURLcode rc, long status)
{
	struct xfer_result r;

	memset(&r, 0, sizeof(r));
	r.rc = rc;
	r.status = status;
	r.content_length = -1;
	r.connect_ms = 1.5;
	r.url = "http://fw.test/m3/x";
	r.errbuf = "";
	return r;
}

/* The code for a DirFile (on the connection under test) and a firmware
 * file that ended so. */
static int
dirfile_code(const struct xfer_result *r, int tftp)
{
	return verdict_code(verdict_transfer(r, tftp, 1), FETCH_DIRFILE);
}

static int
firmware_code(const struct xfer_result *r, int tftp)
{
	return verdict_code(verdict_transfer(r, tftp, 0), FETCH_FIRMWARE);
}

static void
a_2xx_has_a_body_to_look_at(void **state)
{
	struct xfer_result r = ended(CURLE_OK, 200);

	(void)state;
	assert_int_equal(verdict_transfer(&r, HTTP, 1), OUT_BODY);
	r.status = 206;
	assert_int_equal(verdict_transfer(&r, HTTP, 0), OUT_BODY);
	/* TFTP has no status: data is a body. */
	r = ended(CURLE_OK, 0);
	assert_int_equal(verdict_transfer(&r, TFTP, 1), OUT_BODY);
}

static void
a_401_is_code_12_a_404_code_3(void **state)
{
	struct xfer_result r = ended(CURLE_OK, 401);

	(void)state;
	assert_int_equal(dirfile_code(&r, HTTP), M3_AUTH_FAILED);
	assert_int_equal(firmware_code(&r, HTTP), M3_AUTH_FAILED);
	r.status = 404;
	assert_int_equal(verdict_transfer(&r, HTTP, 1), OUT_NOT_FOUND);
	assert_int_equal(firmware_code(&r, HTTP), M3_FILE_NOT_FOUND);
	r = ended(CURLE_TFTP_NOTFOUND, 0);
	assert_int_equal(firmware_code(&r, TFTP), M3_FILE_NOT_FOUND);
}

static void
other_statuses_are_code_2(void **state)
{
	static const long statuses[] = { 301, 403, 410, 500, 503, 100, 199 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		struct xfer_result r = ended(CURLE_OK, statuses[i]);

		assert_int_equal(verdict_transfer(&r, HTTP, 0),
		    OUT_HTTP_STATUS);
		assert_int_equal(firmware_code(&r, HTTP),
		    M3_NETWORK_NOT_AVAILABLE);
	}
}

/* A 416 that gives the total is an empty file (a range cannot be
 * satisfied); without the total it is just another status. */
static void
a_416_with_a_total_is_a_body(void **state)
{
	struct xfer_result r = ended(CURLE_OK, 416);

	(void)state;
	assert_int_equal(verdict_transfer(&r, HTTP, 0), OUT_HTTP_STATUS);
	r.has_range_total = 1;
	assert_int_equal(verdict_transfer(&r, HTTP, 0), OUT_BODY);
}

static void
no_connection_is_code_2_at_connect(void **state)
{
	struct xfer_result r = ended(CURLE_COULDNT_CONNECT, 0);

	(void)state;
	r.connect_ms = 0;
	assert_int_equal(verdict_transfer(&r, HTTP, 1), OUT_NO_CONNECTION);
	assert_int_equal(dirfile_code(&r, HTTP), M3_NETWORK_NOT_AVAILABLE);
	assert_false(verdict_connected(&r));
	/* A later request's failure is not the connect step's. */
	assert_int_equal(verdict_transfer(&r, HTTP, 0), OUT_TRANSPORT);
	r = ended(CURLE_SSL_CONNECT_ERROR, 0);
	assert_int_equal(verdict_transfer(&r, HTTP, 1), OUT_NO_CONNECTION);
	assert_false(verdict_connected(&r));
	/* Connected, then a redirect to a name that does not resolve: the
	 * connect step passed. */
	r = ended(CURLE_COULDNT_RESOLVE_HOST, 302);
	assert_true(verdict_connected(&r));
}

/* A timeout before any connection is a network problem (2); after it,
 * the file was not delivered in time (5). */
static void
a_timeout_is_5_once_connected(void **state)
{
	struct xfer_result r = ended(CURLE_OPERATION_TIMEDOUT, 0);

	(void)state;
	assert_int_equal(dirfile_code(&r, HTTP), M3_TIMEOUT);
	r.connect_ms = 0;
	assert_int_equal(verdict_transfer(&r, HTTP, 1), OUT_NO_CONNECTION);
	assert_int_equal(dirfile_code(&r, HTTP), M3_NETWORK_NOT_AVAILABLE);
	/* A firmware request may reuse the connection: no connect time. */
	assert_int_equal(firmware_code(&r, HTTP), M3_TIMEOUT);
	/* TFTP has no connection: the device waits for the file. */
	assert_int_equal(dirfile_code(&r, TFTP), M3_TIMEOUT);
}

/* Too much body: a DirFile is then not a DirFile (10), a firmware file
 * is too big (4); what we stopped for having enough is a body. */
static void
the_body_limit_and_enough(void **state)
{
	struct xfer_result r = ended(CURLE_WRITE_ERROR, 200);

	(void)state;
	r.stop = XFER_STOP_LIMIT;
	assert_int_equal(dirfile_code(&r, HTTP), M3_DIRFILE_UNKNOWN);
	assert_int_equal(firmware_code(&r, HTTP), M3_FIRMWARE_TOO_BIG);
	r.stop = XFER_STOP_ENOUGH;
	assert_int_equal(verdict_transfer(&r, HTTP, 0), OUT_BODY);
	r.status = 404;
	assert_int_equal(verdict_transfer(&r, HTTP, 0), OUT_NOT_FOUND);
	r = ended(CURLE_WRITE_ERROR, 200);
	r.stop = XFER_STOP_HEADERS;
	assert_int_equal(verdict_transfer(&r, HTTP, 0), OUT_HEADERS);
	assert_int_equal(firmware_code(&r, HTTP), M3_NETWORK_NOT_AVAILABLE);
	r = ended(CURLE_TOO_MANY_REDIRECTS, 302);
	assert_int_equal(verdict_transfer(&r, HTTP, 1), OUT_REDIRECTS);
	assert_int_equal(dirfile_code(&r, HTTP), M3_NETWORK_NOT_AVAILABLE);
}

static void
the_firmware_size_comes_from_the_headers(void **state)
{
	struct xfer_result r = ended(CURLE_OK, 206);

	(void)state;
	r.received = 1024;
	assert_int_equal(verdict_firmware_size(&r), 1024);
	r.content_length = 1024;
	r.has_range_total = 1;
	r.range_total = 524288;
	assert_int_equal(verdict_firmware_size(&r), 524288);
	/* A server that ignores ranges: Content-Length, once we stopped. */
	r = ended(CURLE_WRITE_ERROR, 200);
	r.stop = XFER_STOP_ENOUGH;
	r.received = 16384;
	r.content_length = 1048576;
	assert_int_equal(verdict_firmware_size(&r), 1048576);
	/* A transfer cut short is only what arrived. */
	r.stop = XFER_STOP_NONE;
	r.rc = CURLE_PARTIAL_FILE;
	assert_int_equal(verdict_firmware_size(&r), 16384);
}

static struct fw_facts
file(uint64_t size, const char *head)
{
	struct fw_facts f;

	memset(&f, 0, sizeof(f));
	f.size = size;
	f.max_size = 8 * 1024 * 1024;
	f.head = head;
	f.headlen = strlen(head);
	return f;
}

static void
firmware_content_rules(void **state)
{
	static const char image[] = "\x7f" "ELF\x01\x02\x00\x00";
	struct fw_facts f = file(524288, image);

	(void)state;
	f.headlen = sizeof(image) - 1;
	assert_int_equal(verdict_firmware(&f), FW_OK);
	f.has_declared = 1;
	f.declared = 524288;
	assert_int_equal(verdict_firmware(&f), FW_OK);
	f.declared = 524289;
	assert_int_equal(verdict_firmware(&f), FW_SIZE_MISMATCH);
	assert_int_equal(verdict_firmware_code(FW_SIZE_MISMATCH),
	    M3_UNSPECIFIED_ERROR);
	f.declared = 16 * 1024 * 1024;
	assert_int_equal(verdict_firmware(&f), FW_DECLARED_TOO_BIG);
	assert_int_equal(verdict_firmware_code(FW_DECLARED_TOO_BIG),
	    M3_FIRMWARE_TOO_BIG);
	f = file(9 * 1024 * 1024, image);
	assert_int_equal(verdict_firmware(&f), FW_TOO_BIG);
	f = file(0, "");
	assert_int_equal(verdict_firmware(&f), FW_EMPTY);
	assert_int_equal(verdict_firmware_code(FW_EMPTY), M3_UNSPECIFIED_ERROR);
	f = file(300, "  <html><body>Not Found</body></html>");
	assert_int_equal(verdict_firmware(&f), FW_TEXT);
	f = file(300, "plain words only\r\n");
	assert_int_equal(verdict_firmware(&f), FW_TEXT);
	assert_int_equal(verdict_firmware_code(FW_OK), M3_NO_PROBLEMS);
}

/* Addresses a base station cannot connect to are code 2, not a probe of
 * the probing host. */
static void
unusable_addresses(void **state)
{
	(void)state;
	assert_null(verdict_unusable_address("192.0.2.10", 0));
	assert_non_null(verdict_unusable_address("0.0.0.0", 0));
	assert_non_null(strstr(verdict_unusable_address("0.0.0.0", 1),
	    "sinkhole"));
	assert_non_null(verdict_unusable_address("0.1.2.3", 1));
	assert_non_null(strstr(verdict_unusable_address("127.0.0.1", 0),
	    "loopback"));
	assert_null(verdict_unusable_address("127.0.0.1", 1));
	assert_non_null(verdict_unusable_address("127.255.0.9", 0));
	assert_non_null(verdict_unusable_address("224.0.0.1", 1));
	assert_non_null(verdict_unusable_address("239.255.255.250", 1));
	assert_non_null(verdict_unusable_address("255.255.255.255", 1));
	assert_non_null(verdict_unusable_address("240.0.0.1", 1));
	assert_null(verdict_unusable_address("223.255.255.254", 0));
	assert_null(verdict_unusable_address("not an address", 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_2xx_has_a_body_to_look_at),
		cmocka_unit_test(a_401_is_code_12_a_404_code_3),
		cmocka_unit_test(other_statuses_are_code_2),
		cmocka_unit_test(a_416_with_a_total_is_a_body),
		cmocka_unit_test(no_connection_is_code_2_at_connect),
		cmocka_unit_test(a_timeout_is_5_once_connected),
		cmocka_unit_test(the_body_limit_and_enough),
		cmocka_unit_test(the_firmware_size_comes_from_the_headers),
		cmocka_unit_test(firmware_content_rules),
		cmocka_unit_test(unusable_addresses),
	};

	return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}

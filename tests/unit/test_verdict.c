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
	r.connected = 1;
	r.connect_ms = 1.5;
	r.url = "http://fw.test/m3/x";
	r.errbuf = "";
	r.content_type = "";
	r.challenges = "";
	r.tftp_message = "";
	return r;
}

/* The code for a DirFile and a firmware file whose request ended so. */
static int
dirfile_code(const struct xfer_result *r, int tftp)
{
	return verdict_code(verdict_transfer(r, tftp), FETCH_DIRFILE);
}

static int
firmware_code(const struct xfer_result *r, int tftp)
{
	return verdict_code(verdict_transfer(r, tftp), FETCH_FIRMWARE);
}

static void
a_2xx_has_a_body_to_look_at(void **state)
{
	struct xfer_result r = ended(CURLE_OK, 200);

	(void)state;
	assert_int_equal(verdict_transfer(&r, HTTP), OUT_BODY);
	r.status = 206;
	assert_int_equal(verdict_transfer(&r, HTTP), OUT_BODY);
	/* TFTP has no status: data is a body. */
	r = ended(CURLE_OK, 0);
	assert_int_equal(verdict_transfer(&r, TFTP), OUT_BODY);
}

static void
a_401_is_code_12_a_404_code_3(void **state)
{
	struct xfer_result r = ended(CURLE_OK, 401);

	(void)state;
	assert_int_equal(dirfile_code(&r, HTTP), M3_AUTH_FAILED);
	assert_int_equal(firmware_code(&r, HTTP), M3_AUTH_FAILED);
	r.status = 404;
	assert_int_equal(verdict_transfer(&r, HTTP), OUT_NOT_FOUND);
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

		assert_int_equal(verdict_transfer(&r, HTTP),
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
	assert_int_equal(verdict_transfer(&r, HTTP), OUT_HTTP_STATUS);
	r.has_range_total = 1;
	assert_int_equal(verdict_transfer(&r, HTTP), OUT_BODY);
}

/* No connection (refused, TLS, none in time) is 2, for any request:
 * probe.c puts it at the connect step for the DirFile's first one. */
static void
no_connection_is_code_2(void **state)
{
	struct xfer_result r = ended(CURLE_COULDNT_CONNECT, 0);

	(void)state;
	r.connected = 0;
	r.connect_ms = 0;
	assert_int_equal(verdict_transfer(&r, HTTP), OUT_NO_CONNECTION);
	assert_int_equal(dirfile_code(&r, HTTP), M3_NETWORK_NOT_AVAILABLE);
	assert_int_equal(firmware_code(&r, HTTP), M3_NETWORK_NOT_AVAILABLE);
	r = ended(CURLE_SSL_CONNECT_ERROR, 0);
	r.connected = 0;
	assert_int_equal(verdict_transfer(&r, HTTP), OUT_NO_CONNECTION);
	r = ended(CURLE_PEER_FAILED_VERIFICATION, 0);
	r.connected = 0;
	assert_int_equal(verdict_transfer(&r, HTTP), OUT_NO_CONNECTION);
	assert_int_equal(firmware_code(&r, HTTP), M3_NETWORK_NOT_AVAILABLE);
}

/* A timeout before any connection (TLS included) is a network problem
 * (2), also for a redirect to a host that never accepts; once connected,
 * the file was not delivered in time (5). */
static void
a_timeout_is_5_once_connected(void **state)
{
	struct xfer_result r = ended(CURLE_OPERATION_TIMEDOUT, 0);

	(void)state;
	assert_int_equal(dirfile_code(&r, HTTP), M3_TIMEOUT);
	assert_int_equal(firmware_code(&r, HTTP), M3_TIMEOUT);
	/* A reused connection has no connect time, yet it is there. */
	r.connect_ms = 0;
	assert_int_equal(firmware_code(&r, HTTP), M3_TIMEOUT);
	r.connected = 0;
	assert_int_equal(verdict_transfer(&r, HTTP), OUT_NO_CONNECTION);
	assert_int_equal(dirfile_code(&r, HTTP), M3_NETWORK_NOT_AVAILABLE);
	assert_int_equal(firmware_code(&r, HTTP), M3_NETWORK_NOT_AVAILABLE);
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
	assert_int_equal(verdict_transfer(&r, HTTP), OUT_BODY);
	r.status = 404;
	assert_int_equal(verdict_transfer(&r, HTTP), OUT_NOT_FOUND);
	r = ended(CURLE_WRITE_ERROR, 200);
	r.stop = XFER_STOP_HEADERS;
	assert_int_equal(verdict_transfer(&r, HTTP), OUT_HEADERS);
	assert_int_equal(firmware_code(&r, HTTP), M3_NETWORK_NOT_AVAILABLE);
}

static struct fetch_result
fetched(enum fetch_end end, const struct xfer_result *x)
{
	struct fetch_result f;

	memset(&f, 0, sizeof(f));
	f.end = end;
	f.x = x;
	return f;
}

/* The engine follows redirects itself (fetch.c); how they end. */
static void
redirects_end_in_their_own_codes(void **state)
{
	struct xfer_result r = ended(CURLE_OK, 302);
	struct fetch_result f = fetched(FETCH_TOO_MANY_REDIRECTS, &r);

	(void)state;
	assert_int_equal(verdict_fetch(&f, HTTP), OUT_REDIRECTS);
	assert_int_equal(verdict_code(OUT_REDIRECTS, FETCH_DIRFILE),
	    M3_NETWORK_NOT_AVAILABLE);
	/* To tftp://, ftp://, file://: not followed. */
	f = fetched(FETCH_REDIRECT_SCHEME, &r);
	assert_int_equal(verdict_fetch(&f, HTTP), OUT_REDIRECT_SCHEME);
	assert_int_equal(verdict_code(OUT_REDIRECT_SCHEME, FETCH_FIRMWARE),
	    M3_NETWORK_NOT_AVAILABLE);
	/* The new host's lookup at the configured DNS servers failed: the
	 * device cannot find the server it is sent to. */
	f = fetched(FETCH_REDIRECT_LOOKUP, NULL);
	assert_int_equal(verdict_fetch(&f, HTTP), OUT_REDIRECT_LOOKUP);
	assert_int_equal(verdict_code(OUT_REDIRECT_LOOKUP, FETCH_DIRFILE),
	    M3_LOOKUP_FAILED);
	/* Otherwise the last transfer decides: a 404 after the redirect. */
	r.status = 404;
	f = fetched(FETCH_ENDED, &r);
	assert_int_equal(verdict_fetch(&f, HTTP), OUT_NOT_FOUND);
	/* A 3xx that was not followed (no Location) is a status: 2. */
	r.status = 302;
	assert_int_equal(verdict_fetch(&f, HTTP), OUT_HTTP_STATUS);
	r.status = 300;
	assert_int_equal(verdict_fetch(&f, HTTP), OUT_HTTP_STATUS);
}

/* README "TFTP errors": 1 is file not found (3), every other ERROR the
 * server refusing the file (2), as an HTTP 403. */
static void
tftp_errors_follow_the_table(void **state)
{
	static const CURLcode refused[] = { CURLE_TFTP_PERM,
	    CURLE_REMOTE_DISK_FULL, CURLE_TFTP_ILLEGAL, CURLE_TFTP_UNKNOWNID,
	    CURLE_REMOTE_FILE_EXISTS, CURLE_TFTP_NOSUCHUSER,
	    CURLE_ABORTED_BY_CALLBACK };
	struct xfer_result r = ended(CURLE_TFTP_NOTFOUND, 0);
	size_t i;

	(void)state;
	assert_int_equal(dirfile_code(&r, TFTP), M3_FILE_NOT_FOUND);
	assert_int_equal(firmware_code(&r, TFTP), M3_FILE_NOT_FOUND);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		r = ended(refused[i], 0);
		assert_int_equal(verdict_transfer(&r, TFTP), OUT_TFTP_ERROR);
		assert_int_equal(dirfile_code(&r, TFTP),
		    M3_NETWORK_NOT_AVAILABLE);
		assert_int_equal(firmware_code(&r, TFTP),
		    M3_NETWORK_NOT_AVAILABLE);
	}
}

/* Why a 401 ended the request, in the order the detail checks it. */
static void
a_401_says_what_happened(void **state)
{
	(void)state;
	assert_int_equal(verdict_auth("", CREDS_SENT), AUTH_NO_CHALLENGE);
	assert_int_equal(verdict_auth("", CREDS_NONE), AUTH_NO_CHALLENGE);
	assert_int_equal(verdict_auth("Negotiate, NTLM", CREDS_SENT),
	    AUTH_NO_USABLE_SCHEME);
	assert_int_equal(verdict_auth("Bearer", CREDS_NONE),
	    AUTH_NO_USABLE_SCHEME);
	assert_int_equal(verdict_auth("Basic", CREDS_NONE),
	    AUTH_NO_CREDENTIALS);
	assert_int_equal(verdict_auth("Digest", CREDS_WITHHELD),
	    AUTH_WITHHELD);
	assert_int_equal(verdict_auth("Negotiate, basic", CREDS_SENT),
	    AUTH_REFUSED);
	assert_true(verdict_offers("Negotiate, Digest", "digest"));
	assert_false(verdict_offers("DigestX", "Digest"));
	assert_false(verdict_offers("XDigest", "Digest"));
	assert_false(verdict_offers("", "Basic"));
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

/* The device reads the bytes: text is text whatever the Content-Type,
 * an image is an image (a .fwu served as text/plain is common). */
static void
the_bytes_decide_text_not_the_type(void **state)
{
	static const char lt_binary[] = "<\x00\x01\x02\xff\xfe";
	static const char utf8_page[] = "<p>Datei nicht gefunden: "
	    "\xc3\xa4\xc3\xb6</p>\n";
	static const char cut_utf8[] = "Fehler \xe2\x82";
	static const char latin1[] = "Gr\xfc\xdf Gott";

	(void)state;
	/* Markup at the start of binary bytes is an image. */
	assert_false(verdict_looks_like_text(lt_binary, sizeof(lt_binary) - 1));
	assert_true(verdict_looks_like_text(utf8_page, sizeof(utf8_page) - 1));
	/* A UTF-8 sequence cut by the end of the bytes read. */
	assert_true(verdict_looks_like_text(cut_utf8, sizeof(cut_utf8) - 1));
	/* Bytes that are not UTF-8: binary. */
	assert_false(verdict_looks_like_text(latin1, sizeof(latin1) - 1));
	assert_false(verdict_looks_like_text("\xff", 1));
	assert_false(verdict_looks_like_text("abc\x7f", 4));
	/* The type is only a warning's matter. */
	assert_true(verdict_type_is_text("text/plain"));
	assert_true(verdict_type_is_text("TEXT/HTML; charset=utf-8"));
	assert_true(verdict_type_is_text("application/xhtml+xml"));
	assert_false(verdict_type_is_text("application/octet-stream"));
	assert_false(verdict_type_is_text(""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_2xx_has_a_body_to_look_at),
		cmocka_unit_test(a_401_is_code_12_a_404_code_3),
		cmocka_unit_test(other_statuses_are_code_2),
		cmocka_unit_test(a_416_with_a_total_is_a_body),
		cmocka_unit_test(no_connection_is_code_2),
		cmocka_unit_test(a_timeout_is_5_once_connected),
		cmocka_unit_test(the_body_limit_and_enough),
		cmocka_unit_test(redirects_end_in_their_own_codes),
		cmocka_unit_test(tftp_errors_follow_the_table),
		cmocka_unit_test(a_401_says_what_happened),
		cmocka_unit_test(the_firmware_size_comes_from_the_headers),
		cmocka_unit_test(firmware_content_rules),
		cmocka_unit_test(unusable_addresses),
		cmocka_unit_test(the_bytes_decide_text_not_the_type),
	};

	return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}

/*
 * verdict.c - the mapping from how a transfer ended to the device's code
 * (DESIGN.md section 1), one decision a function:
 *   verdict_fetch(): how the redirects ended, else verdict_transfer();
 *   verdict_transfer(): libcurl's result, then the HTTP status;
 *   verdict_auth(): why a 401 ended the request (for the detail);
 *   verdict_firmware(): a firmware file's size and first bytes.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "codes.h"
#include "verdict.h"

/* A libcurl error about reaching the server at all. */
static int
is_connect_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		return 1;
	default:
		return 0;
	}
}

/*
 * TFTP ERROR packets as libcurl reports them (tftp.c): 1 is "file not
 * found" (3); every other error is the server refusing the file, as an
 * HTTP 403 is (2).
 */
static int
is_tftp_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_TFTP_PERM:		/* 2 access violation */
	case CURLE_REMOTE_DISK_FULL:	/* 3 */
	case CURLE_TFTP_ILLEGAL:	/* 0 not defined, 4 illegal operation */
	case CURLE_TFTP_UNKNOWNID:	/* 5 */
	case CURLE_REMOTE_FILE_EXISTS:	/* 6 */
	case CURLE_TFTP_NOSUCHUSER:	/* 7 */
	case CURLE_ABORTED_BY_CALLBACK:	/* 8 and above (options refused) */
		return 1;
	default:
		return 0;
	}
}

/* libcurl's result code, and what we stopped ourselves. */
static enum outcome
transport_outcome(const struct xfer_result *r, int tftp)
{
	CURLcode rc = r->rc;

	if (rc == CURLE_WRITE_ERROR && r->stop == XFER_STOP_ENOUGH)
		rc = CURLE_OK;
	if (rc == CURLE_WRITE_ERROR && r->stop == XFER_STOP_LIMIT)
		return OUT_TOO_BIG;
	if (r->stop == XFER_STOP_HEADERS)
		return OUT_HEADERS;
	switch (rc) {
	case CURLE_OK:
		return OUT_BODY;
	case CURLE_OPERATION_TIMEDOUT:
		/* Before a connection was there (TLS included), the server
		 * was not reachable; after, the file was not delivered. */
		return !tftp && !r->connected ? OUT_NO_CONNECTION : OUT_TIMEOUT;
	case CURLE_FILESIZE_EXCEEDED:
		return OUT_TOO_BIG;
	case CURLE_TFTP_NOTFOUND:
		return OUT_NOT_FOUND;
	case CURLE_TOO_MANY_REDIRECTS:
		return OUT_REDIRECTS;
	default:
		if (tftp && is_tftp_error(rc))
			return OUT_TFTP_ERROR;
		if (!tftp && is_connect_error(rc))
			return OUT_NO_CONNECTION;
		return OUT_TRANSPORT;
	}
}

/* The HTTP status of a transfer libcurl completed. */
static enum outcome
status_outcome(const struct xfer_result *r)
{
	if (r->status >= 200 && r->status < 300)
		return OUT_BODY;
	if (r->status == 416 && r->has_range_total)
		return OUT_BODY;	/* an empty file cannot satisfy a range */
	if (r->status == 401)
		return OUT_AUTH;
	if (r->status == 404)
		return OUT_NOT_FOUND;
	return OUT_HTTP_STATUS;
}

enum outcome
verdict_transfer(const struct xfer_result *r, int tftp)
{
	enum outcome o = transport_outcome(r, tftp);

	if (o != OUT_BODY || tftp)
		return o;
	return status_outcome(r);
}

enum outcome
verdict_fetch(const struct fetch_result *f, int tftp)
{
	switch (f->end) {
	case FETCH_TOO_MANY_REDIRECTS:
		return OUT_REDIRECTS;
	case FETCH_REDIRECT_SCHEME:
		return OUT_REDIRECT_SCHEME;
	case FETCH_REDIRECT_LOOKUP:
		return OUT_REDIRECT_LOOKUP;
	case FETCH_REDIRECT_UNUSABLE:
		return OUT_REDIRECT_UNUSABLE;
	case FETCH_CANNOT_RUN:		/* the probe's, not the server's */
		return OUT_TRANSPORT;
	case FETCH_ENDED:
		break;
	}
	return verdict_transfer(f->x, tftp);
}

/* The list is "A, B, C" (xfer.c). */
int
verdict_offers(const char *challenges, const char *scheme)
{
	size_t n = strlen(scheme), len;
	const char *p = challenges;

	while (*p != '\0') {
		len = strcspn(p, ",");
		if (len == n && strncasecmp(p, scheme, n) == 0)
			return 1;
		p += len;
		p += strspn(p, ", ");
	}
	return 0;
}

enum auth_case
verdict_auth(const char *challenges, enum fetch_creds creds)
{
	if (challenges[0] == '\0')
		return AUTH_NO_CHALLENGE;
	if (!verdict_offers(challenges, "Basic") &&
	    !verdict_offers(challenges, "Digest"))
		return AUTH_NO_USABLE_SCHEME;
	switch (creds) {
	case CREDS_NONE:
		return AUTH_NO_CREDENTIALS;
	case CREDS_WITHHELD:
		return AUTH_WITHHELD;
	case CREDS_SENT:
		break;
	}
	return AUTH_REFUSED;
}

int
verdict_code(enum outcome o, enum fetch_kind kind)
{
	switch (o) {
	case OUT_BODY:
		return M3_NO_PROBLEMS;
	case OUT_NOT_FOUND:
		return M3_FILE_NOT_FOUND;
	case OUT_AUTH:
		return M3_AUTH_FAILED;
	case OUT_TIMEOUT:
		return M3_TIMEOUT;
	case OUT_TOO_BIG:
		return kind == FETCH_FIRMWARE ? M3_FIRMWARE_TOO_BIG :
		    M3_DIRFILE_UNKNOWN;
	case OUT_REDIRECT_LOOKUP:
		return M3_LOOKUP_FAILED;
	case OUT_HTTP_STATUS:
	case OUT_REDIRECT_SCHEME:
	case OUT_REDIRECT_UNUSABLE:
	case OUT_TFTP_ERROR:
	case OUT_NO_CONNECTION:
	case OUT_TRANSPORT:
	case OUT_HEADERS:
	case OUT_REDIRECTS:
		break;
	}
	return M3_NETWORK_NOT_AVAILABLE;
}

const char *
verdict_unusable_address(const char *addr, int allow_loopback)
{
	struct in_addr a;
	unsigned first;

	if (inet_pton(AF_INET, addr, &a) != 1)
		return NULL;
	first = ntohl(a.s_addr) >> 24;
	if (first == 0)
		return "an unspecified address (0.0.0.0/8), as DNS sinkholes "
		    "answer: the base station would connect to nothing";
	if (first == 127 && !allow_loopback)
		return "a loopback address: the base station would connect to "
		    "itself";
	if (first >= 224 && first <= 239)
		return "a multicast address";
	if (first >= 240)
		return "a reserved or broadcast address";
	return NULL;
}

uint64_t
verdict_firmware_size(const struct xfer_result *r)
{
	int complete = r->stop == XFER_STOP_ENOUGH || r->rc == CURLE_OK;

	if (r->has_range_total)
		return r->range_total;
	if (r->content_length >= 0 && complete &&
	    (uint64_t)r->content_length >= r->received)
		return (uint64_t)r->content_length;
	return r->received;
}

/* Bytes in a UTF-8 sequence that starts with c; 0: not a lead byte. */
static size_t
utf8_length(unsigned char c)
{
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/* A valid UTF-8 sequence at buf[i] (one cut by the end of the bytes
 * read counts as valid); its length, or 0. */
static size_t
utf8_at(const unsigned char *buf, size_t len, size_t i)
{
	size_t n = utf8_length(buf[i]), k;

	for (k = 1; n > 0 && k < n; k++)
		if (i + k < len && (buf[i + k] & 0xc0) != 0x80)
			return 0;
	return n;
}

int
verdict_looks_like_text(const char *buf, size_t len)
{
	const unsigned char *b = (const unsigned char *)buf;
	size_t i, n;

	for (i = 0; i < len; i += n) {
		n = 1;
		if (b[i] >= 0x80 && (n = utf8_at(b, len, i)) == 0)
			return 0;
		if ((b[i] < 0x20 && b[i] != '\t' && b[i] != '\r' &&
		    b[i] != '\n' && b[i] != '\f') || b[i] == 0x7f)
			return 0;
	}
	return 1;
}

int
verdict_type_is_text(const char *ct)
{
	static const char *const types[] = { "text/", "application/xhtml",
	    "application/xml", "application/json" };
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strncasecmp(ct, types[i], strlen(types[i])) == 0)
			return 1;
	for (; *ct != '\0'; ct++)	/* "application/vnd...+html" */
		if (strncasecmp(ct, "html", 4) == 0)
			return 1;
	return 0;
}

enum fw_verdict
verdict_firmware(const struct fw_facts *f)
{
	if (f->size > f->max_size)
		return FW_TOO_BIG;
	if (f->has_declared && f->declared > f->max_size)
		return FW_DECLARED_TOO_BIG;
	if (f->size == 0)
		return FW_EMPTY;
	if (verdict_looks_like_text(f->head, f->headlen))
		return FW_TEXT;
	if (f->has_declared && f->declared != f->size)
		return FW_SIZE_MISMATCH;
	return FW_OK;
}

int
verdict_firmware_code(enum fw_verdict v)
{
	switch (v) {
	case FW_OK:
		return M3_NO_PROBLEMS;
	case FW_TOO_BIG:
	case FW_DECLARED_TOO_BIG:
		return M3_FIRMWARE_TOO_BIG;
	case FW_EMPTY:
	case FW_TEXT:
	case FW_SIZE_MISMATCH:
		break;
	}
	return M3_UNSPECIFIED_ERROR;
}

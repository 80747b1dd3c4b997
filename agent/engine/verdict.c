/*
 * verdict.c - the mapping from how a transfer ended to the device's code
 * (DESIGN.md section 1), one decision a function:
 *   verdict_transfer(): libcurl's result, then the HTTP status;
 *   verdict_firmware(): a firmware file's size and first bytes.
 */
#include <arpa/inet.h>
#include <ctype.h>

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

/* libcurl's result code, and what we stopped ourselves. */
static enum outcome
transport_outcome(const struct xfer_result *r, int tftp, int opens_connection)
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
		/* Only the DirFile request opens the connection under test;
		 * later requests may reuse it and show no connect time. */
		if (opens_connection && !tftp && r->connect_ms == 0)
			return OUT_NO_CONNECTION;
		return OUT_TIMEOUT;
	case CURLE_FILESIZE_EXCEEDED:
		return OUT_TOO_BIG;
	case CURLE_TFTP_NOTFOUND:
		return OUT_NOT_FOUND;
	case CURLE_TOO_MANY_REDIRECTS:
		return OUT_REDIRECTS;
	default:
		if (is_connect_error(rc) && opens_connection && !tftp)
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
verdict_transfer(const struct xfer_result *r, int tftp, int opens_connection)
{
	enum outcome o = transport_outcome(r, tftp, opens_connection);

	if (o != OUT_BODY || tftp)
		return o;
	return status_outcome(r);
}

int
verdict_connected(const struct xfer_result *r)
{
	if (r->connect_ms == 0)
		return 0;
	return !is_connect_error(r->rc) || r->rc == CURLE_COULDNT_RESOLVE_HOST;
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
	case OUT_HTTP_STATUS:
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

int
verdict_looks_like_text(const char *buf, size_t len)
{
	size_t i, skip = 0;

	while (skip < len && isspace((unsigned char)buf[skip]))
		skip++;
	if (skip < len && buf[skip] == '<')
		return 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c < 0x20 && c != '\t' && c != '\r' && c != '\n')
			return 0;
		if (c >= 0x7f)
			return 0;
	}
	return 1;
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
	if (f->text_type || verdict_looks_like_text(f->head, f->headlen))
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

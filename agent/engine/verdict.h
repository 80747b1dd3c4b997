/*
 * verdict.h - what the device would make of how a transfer ended and of
 * the bytes of a firmware file.  Pure functions of their arguments (no
 * loop, no network), so each rule has a unit test (tests/unit/
 * test_verdict.c); probe.c words the detail.
 */
#ifndef UPDPROBE_VERDICT_H
#define UPDPROBE_VERDICT_H

#include <stddef.h>
#include <stdint.h>

#include "fetch.h"
#include "xfer.h"

/* The three kinds of request of the sequence. */
enum fetch_kind {
	FETCH_DIRFILE,		/* the DirFile, on the connection under test */
	FETCH_DIRFILE_ALT,	/* its other spelling, after a "not found" */
	FETCH_FIRMWARE		/* a firmware file */
};

/* How a transfer ended, in the device's terms. */
enum outcome {
	OUT_BODY = 0,		/* a body to look at: 2xx, TFTP data, or a
				 * 416 that gives the (empty) file's size */
	OUT_NOT_FOUND,		/* HTTP 404, TFTP "file not found": 3 */
	OUT_AUTH,		/* HTTP 401: 12 */
	OUT_HTTP_STATUS,	/* any other HTTP status: 2 */
	OUT_NO_CONNECTION,	/* no connection could be made (refused,
				 * TLS, not within the timeout): 2; at the
				 * connect step for the first request of
				 * the DirFile */
	OUT_TRANSPORT,		/* another transport failure: 2 */
	OUT_TIMEOUT,		/* connected, not delivered in time: 5 */
	OUT_TOO_BIG,		/* more body than allowed: 4 (a DirFile: 10) */
	OUT_HEADERS,		/* more response headers than allowed: 2 */
	OUT_REDIRECTS,		/* more redirects than allowed: 2 */
	OUT_REDIRECT_SCHEME,	/* a redirect to another scheme than http
				 * and https: not followed, 2 */
	OUT_REDIRECT_LOOKUP,	/* a redirect's host does not resolve at
				 * the configured DNS servers: 11 */
	OUT_REDIRECT_UNUSABLE,	/* a redirect's host is an address the
				 * device cannot connect to: 2 */
	OUT_TFTP_ERROR		/* a TFTP ERROR other than 1 (file not
				 * found): 2 (README, "TFTP errors") */
};

/* The outcome of a fetch: how it ended, else its last transfer's. */
enum outcome	verdict_fetch(const struct fetch_result *, int tftp);
/* The outcome of one transfer. */
enum outcome	verdict_transfer(const struct xfer_result *, int tftp);
/* The device's code for an outcome other than OUT_BODY. */
int		verdict_code(enum outcome, enum fetch_kind);

/*
 * Why a base station could not connect to the IPv4 address a lookup gave
 * (a DNS sinkhole's 0.0.0.0, a loopback address, multicast, broadcast or
 * reserved), or NULL if it could.  allow_loopback: the update server runs
 * on the probing host (a lab).
 */
const char	*verdict_unusable_address(const char *addr, int allow_loopback);

/* Why a 401 was the end, for the detail; the order is the test order. */
enum auth_case {
	AUTH_NO_CHALLENGE = 0,	/* no WWW-Authenticate header at all */
	AUTH_NO_USABLE_SCHEME,	/* only schemes the device cannot do (it
				 * does Basic and Digest) */
	AUTH_NO_CREDENTIALS,	/* none configured */
	AUTH_WITHHELD,		/* not sent: another host than configured */
	AUTH_REFUSED		/* sent, and refused */
};
/* challenges: xfer_result's list of offered schemes. */
enum auth_case	verdict_auth(const char *challenges, enum fetch_creds);
/* The list of schemes names scheme (case-insensitive). */
int		verdict_offers(const char *challenges, const char *scheme);

/* What the firmware file's bytes and size say. */
enum fw_verdict {
	FW_OK = 0,
	FW_TOO_BIG,		/* its size is above the maximum: 4 */
	FW_DECLARED_TOO_BIG,	/* the DirFile declares more than it: 4 */
	FW_EMPTY,		/* 7 */
	FW_TEXT,		/* text or HTML, not an image: 7 */
	FW_SIZE_MISMATCH	/* not the size the DirFile declares: 7 */
};

struct fw_facts {
	uint64_t	 size;		/* verdict_firmware_size() */
	uint64_t	 max_size;
	uint64_t	 declared;	/* valid if has_declared */
	int		 has_declared;
	const char	*head;		/* the first bytes of the body */
	size_t		 headlen;
};

/* The file's size: Content-Range total, Content-Length, bytes read. */
uint64_t	verdict_firmware_size(const struct xfer_result *);
enum fw_verdict	verdict_firmware(const struct fw_facts *);
int		verdict_firmware_code(enum fw_verdict);
/* Text (ASCII or UTF-8 without control bytes, markup included) rather
 * than a binary image: the device looks at the bytes, not the type. */
int		verdict_looks_like_text(const char *buf, size_t len);
/* A Content-Type that announces text (text/..., HTML, XML, JSON): a
 * warning when the bytes are an image. */
int		verdict_type_is_text(const char *content_type);

#endif

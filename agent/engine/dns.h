/*
 * dns.h - one A-record lookup with c-ares on the loop, as the device
 * makes it: DNS only (no /etc/hosts, no search domains), at the DNS
 * servers given or those of /etc/resolv.conf, one after the other until
 * one answers, bounded by a deadline.
 */
#ifndef UPDPROBE_DNS_H
#define UPDPROBE_DNS_H

#include "loop.h"

/* Room for an address in text form, IPv6 included. */
#define DNS_ADDR_MAX	64

struct dns_lookup;

/* A status beside c-ares' own: the lookup could not run here, for want
 * of descriptors (which says nothing of the DNS servers). */
#define DNS_NO_DESCRIPTORS	(-2)

/*
 * Called once, from a loop timer (never from inside c-ares): status is a
 * c-ares status (ARES_SUCCESS with the first address, or why not; an
 * answer of one server wins over the failures of others); tried says
 * what each server did when more than one was asked ("SERVFAIL from
 * 10.0.0.53:53, no answer from 10.0.0.54:53"), else "".  Both strings
 * are valid only during the call.  The lookup is freed when the callback
 * returns.
 */
typedef void	(*dns_done_cb)(int status, const char *address,
		    const char *tried, void *arg);

/*
 * Look up host's A record.  servers: "addr:port,..." for c-ares, or ""
 * for /etc/resolv.conf.  The answer comes within timeout_ms.  NULL when
 * out of memory or the servers are unusable.
 */
struct dns_lookup *dns_lookup_start(struct loop *, const char *host,
		    const char *servers, unsigned timeout_ms, dns_done_cb,
		    void *arg);
/* Stop a lookup without calling its callback. */
void		 dns_lookup_cancel(struct dns_lookup *);
/* What a status (c-ares' or ours) means to an operator. */
const char	*dns_reason(int status);

#endif

/*
 * dns.h - one A-record lookup with c-ares on the loop, as the device
 * makes it: DNS only (no /etc/hosts, no search domains), at the DNS
 * servers given or those of /etc/resolv.conf, bounded by a deadline.
 */
#ifndef UPDPROBE_DNS_H
#define UPDPROBE_DNS_H

#include "loop.h"

/* Room for an address in text form, IPv6 included. */
#define DNS_ADDR_MAX	64

struct dns_lookup;

/*
 * Called once, from a loop timer (never from inside c-ares): status is a
 * c-ares status (ARES_SUCCESS with the first address, or why not);
 * address is valid only during the call.  The lookup is freed when the
 * callback returns.
 */
typedef void	(*dns_done_cb)(int status, const char *address, void *arg);

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
/* What a c-ares status means to an operator. */
const char	*dns_reason(int status);

#endif

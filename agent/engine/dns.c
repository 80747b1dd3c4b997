/*
 * dns.c - c-ares on the loop.
 *
 * A lookup owns its c-ares channel and three timers: c-ares' own
 * retransmissions, the step's deadline, and a zero timer that calls the
 * owner back from the loop, so the channel is never destroyed from
 * inside one of its callbacks.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include <ares.h>

#include "dns.h"
#include "util.h"

/* Shortest c-ares timeout per round, ms. */
#define DNS_MIN_ROUND_MS	100
/* Query rounds: timeout/3, then 2 * timeout/3 (c-ares doubles the
 * timeout each round), together the step's timeout. */
#define DNS_ROUNDS		2

struct dns_lookup {
	struct loop		*loop;
	ares_channel		 channel;
	dns_done_cb		 cb;
	void			*cbarg;
	int			 status;	/* -1: no answer yet */
	char			 address[DNS_ADDR_MAX];
	struct loop_timer	 ares_timer;	/* c-ares retransmissions */
	struct loop_timer	 deadline;
	struct loop_timer	 done;		/* calls cb from the loop */
	int			 ntimers;	/* initialised, for cleanup */
};

static void	on_ares_timer(void *);
static void	on_deadline(void *);
static void	finish(void *);

/* In this order; ntimers counts those done, for lookup_free(). */
static int
init_timers(struct dns_lookup *d)
{
	struct loop_timer *timers[] = { &d->ares_timer, &d->deadline, &d->done };
	loop_timer_cb cbs[] = { on_ares_timer, on_deadline, finish };

	for (d->ntimers = 0; d->ntimers < 3; d->ntimers++)
		if (loop_timer_init(d->loop, timers[d->ntimers],
		    cbs[d->ntimers], d) == -1)
			return -1;
	return 0;
}

static void
lookup_free(struct dns_lookup *d)
{
	struct loop_timer *timers[] = { &d->ares_timer, &d->deadline, &d->done };
	int i;

	if (d->channel != NULL) {
		/* Calls on_host with ARES_EDESTRUCTION and the socket
		 * callback for each open socket. */
		ares_destroy(d->channel);
		d->channel = NULL;
	}
	for (i = 0; i < d->ntimers; i++)
		loop_timer_fini(d->loop, timers[i]);
	free(d);
}

void
dns_lookup_cancel(struct dns_lookup *d)
{
	if (d != NULL)
		lookup_free(d);
}

static void
finish(void *arg)
{
	struct dns_lookup *d = arg;

	d->cb(d->status, d->address, d->cbarg);
	lookup_free(d);
}

static void
rearm(struct dns_lookup *d)
{
	struct timeval tv, *tvp;

	if (d->channel == NULL || d->status != -1)
		return;
	if ((tvp = ares_timeout(d->channel, NULL, &tv)) == NULL)
		loop_timer_clear(d->loop, &d->ares_timer);
	else
		loop_timer_set(d->loop, &d->ares_timer,
		    (uint64_t)tvp->tv_sec * 1000 + (uint64_t)tvp->tv_usec / 1000);
}

static void
on_io(int fd, int events, void *arg)
{
	struct dns_lookup *d = arg;

	ares_process_fd(d->channel,
	    (events & (LOOP_READ | LOOP_ERROR)) ? fd : ARES_SOCKET_BAD,
	    (events & LOOP_WRITE) ? fd : ARES_SOCKET_BAD);
	rearm(d);
}

static void
on_ares_timer(void *arg)
{
	struct dns_lookup *d = arg;

	ares_process_fd(d->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	rearm(d);
}

static void
on_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct dns_lookup *d = data;
	int ev = (readable ? LOOP_READ : 0) | (writable ? LOOP_WRITE : 0);

	if (ev == 0)
		loop_unwatch(d->loop, fd);
	else
		loop_watch(d->loop, fd, ev, on_io, d);
}

/* The answer; from inside c-ares, so the owner is called from the loop. */
static void
on_host(void *arg, int status, int timeouts, struct hostent *h)
{
	struct dns_lookup *d = arg;

	(void)timeouts;
	if (status == ARES_EDESTRUCTION || d->status != -1)
		return;
	d->status = status;
	if (status == ARES_SUCCESS && h != NULL && h->h_addr_list[0] != NULL)
		inet_ntop(h->h_addrtype, h->h_addr_list[0], d->address,
		    sizeof(d->address));
	else if (status == ARES_SUCCESS)
		d->status = ARES_ENODATA;
	loop_timer_clear(d->loop, &d->deadline);
	loop_timer_clear(d->loop, &d->ares_timer);
	loop_timer_set(d->loop, &d->done, 0);
}

static void
on_deadline(void *arg)
{
	struct dns_lookup *d = arg;

	d->status = ARES_ETIMEOUT;
	loop_timer_clear(d->loop, &d->ares_timer);
	finish(d);
}

static int
open_channel(struct dns_lookup *d, const char *servers, unsigned timeout_ms)
{
	struct ares_options o;
	int mask;

	memset(&o, 0, sizeof(o));
	o.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH |
	    ARES_FLAG_NOALIASES;
	o.timeout = (int)(timeout_ms / 3 > DNS_MIN_ROUND_MS ? timeout_ms / 3 :
	    DNS_MIN_ROUND_MS);
	o.tries = DNS_ROUNDS;
	o.sock_state_cb = on_sock_state;
	o.sock_state_cb_data = d;
	o.lookups = (char *)"b";	/* DNS only, as the device */
	mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
	    ARES_OPT_SOCK_STATE_CB | ARES_OPT_LOOKUPS;
	if (ares_init_options(&d->channel, &o, mask) != ARES_SUCCESS) {
		d->channel = NULL;
		return -1;
	}
	if (servers[0] != '\0' &&
	    ares_set_servers_ports_csv(d->channel, servers) != ARES_SUCCESS)
		return -1;
	return 0;
}

struct dns_lookup *
dns_lookup_start(struct loop *l, const char *host, const char *servers,
    unsigned timeout_ms, dns_done_cb cb, void *arg)
{
	struct dns_lookup *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->loop = l;
	d->cb = cb;
	d->cbarg = arg;
	d->status = -1;
	if (init_timers(d) == -1 ||
	    open_channel(d, servers, timeout_ms) == -1) {
		lookup_free(d);
		return NULL;
	}
	loop_timer_set(l, &d->deadline, timeout_ms);
	ares_gethostbyname(d->channel, host, AF_INET, on_host, d);
	rearm(d);
	return d;
}

const char *
dns_reason(int status)
{
	switch (status) {
	case ARES_ENOTFOUND:
		return "NXDOMAIN: the name does not exist";
	case ARES_ENODATA:
		return "no A record";
	case ARES_ESERVFAIL:
		return "SERVFAIL from the DNS server";
	case ARES_EREFUSED:
	case ARES_ECONNREFUSED:
		return "the DNS server refused the query";
	case ARES_ETIMEOUT:
		return "no answer from the DNS servers";
	default:
		return ares_strerror(status);
	}
}

/*
 * dns.c - c-ares on the loop, asking the DNS servers one after the other
 * as a resolver with several does.
 *
 * A server that answers SERVFAIL or REFUSED, refuses the packet or stays
 * silent passes the query to the next; an answer (an address, NXDOMAIN,
 * no A record) ends it, as it would end a resolver's.  The lookup fails
 * only when no server gave an address, and says what each one did.  So
 * c-ares is asked one server at a time (ARES_FLAG_NOCHECKRESP: it reports
 * the server's own answer), the servers set anew for each.
 *
 * A lookup owns its c-ares channel, the list of servers and three timers:
 * c-ares' retransmissions, the step's deadline, and a zero timer that
 * moves on from the loop (to the next server, or back to the owner), so
 * the channel is never changed or destroyed from inside its callbacks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ares.h>

#include "dns.h"
#include "target.h"
#include "util.h"

/* Shortest c-ares timeout per round, ms. */
#define DNS_MIN_ROUND_MS	100
/* Query rounds per server: t, then 2t (c-ares doubles it each round);
 * over every server together, the step's timeout. */
#define DNS_ROUNDS		2
#define DNS_ROUND_SHARES	3	/* t + 2t */
/* The most servers asked: what a target may list (resolv.conf's are
 * cut there too). */
#define DNS_MAX_SERVERS		TARGET_DNS_SERVERS_MAX
/* What each server did, for the detail. */
#define DNS_TRIED_MAX		192

struct dns_lookup {
	struct loop		*loop;
	ares_channel		 channel;
	dns_done_cb		 cb;
	void			*cbarg;
	char			*host;
	struct ares_addr_port_node *servers;	/* from c-ares, owned */
	struct ares_addr_port_node *next;	/* the next to ask */
	struct ares_addr_port_node *asking;
	int			 nasked;
	int			 status;	/* -1: no answer yet */
	int			 final;		/* an answer that ends it */
	int			 answered;	/* last query ended */
	char			 address[DNS_ADDR_MAX];
	char			 tried[DNS_TRIED_MAX];
	struct loop_timer	 ares_timer;	/* c-ares retransmissions */
	struct loop_timer	 deadline;
	struct loop_timer	 step;		/* moves on from the loop */
	int			 ntimers;	/* initialised, for cleanup */
};

static void	on_ares_timer(void *);
static void	on_deadline(void *);
static void	move_on(void *);

/* In this order; ntimers counts those done, for lookup_free(). */
static int
init_timers(struct dns_lookup *d)
{
	struct loop_timer *timers[] = { &d->ares_timer, &d->deadline, &d->step };
	loop_timer_cb cbs[] = { on_ares_timer, on_deadline, move_on };

	for (d->ntimers = 0; d->ntimers < 3; d->ntimers++)
		if (loop_timer_init(d->loop, timers[d->ntimers],
		    cbs[d->ntimers], d) == -1)
			return -1;
	return 0;
}

static void
lookup_free(struct dns_lookup *d)
{
	struct loop_timer *timers[] = { &d->ares_timer, &d->deadline, &d->step };
	int i;

	if (d->channel != NULL) {
		/* Calls on_host with ARES_EDESTRUCTION and the socket
		 * callback for each open socket. */
		ares_destroy(d->channel);
		d->channel = NULL;
	}
	for (i = 0; i < d->ntimers; i++)
		loop_timer_fini(d->loop, timers[i]);
	if (d->servers != NULL)
		ares_free_data(d->servers);
	free(d->host);
	free(d);
}

void
dns_lookup_cancel(struct dns_lookup *d)
{
	if (d != NULL)
		lookup_free(d);
}

static void
finish(struct dns_lookup *d)
{
	d->cb(d->status, d->address, d->nasked > 1 ? d->tried : "", d->cbarg);
	lookup_free(d);
}

/* c-ares on the loop. */

static void
rearm(struct dns_lookup *d)
{
	struct timeval tv, *tvp;

	if (d->channel == NULL || d->answered)
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

/* "a.b.c.d:port" of a server, for the detail. */
static void
server_name(const struct ares_addr_port_node *s, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(s->family, &s->addr, a, sizeof(a));
	snprintf(buf, len, s->family == AF_INET6 ? "[%s]:%d" : "%s:%d", a,
	    s->udp_port ? s->udp_port : 53);
}

/* Note what the server asked did: "SERVFAIL from 10.0.0.53:53". */
static void
note_tried(struct dns_lookup *d, int status)
{
	char who[INET6_ADDRSTRLEN + 16];
	size_t used = strlen(d->tried);

	server_name(d->asking, who, sizeof(who));
	snprintf(d->tried + used, sizeof(d->tried) - used, "%s%s from %s",
	    used ? ", " : "", status == ARES_ESERVFAIL ? "SERVFAIL" :
	    status == ARES_EREFUSED ? "REFUSED" :
	    status == ARES_ETIMEOUT ? "no answer" :
	    status == ARES_ECONNREFUSED ? "port closed" :
	    status == ARES_ENOTFOUND ? "NXDOMAIN" :
	    status == ARES_ENODATA ? "no A record" : ares_strerror(status),
	    who);
}

/* An answer ends the lookup; a failure of the server does not. */
static int
is_answer(int status)
{
	return status == ARES_SUCCESS || status == ARES_ENOTFOUND ||
	    status == ARES_ENODATA;
}

/* The answer; from inside c-ares, so what follows runs from the loop. */
static void
on_host(void *arg, int status, int timeouts, struct hostent *h)
{
	struct dns_lookup *d = arg;

	(void)timeouts;
	if (status == ARES_EDESTRUCTION || d->answered)
		return;
	d->answered = 1;
	/* c-ares could not open a socket: it says "connection refused". */
	if (status == ARES_ECONNREFUSED && (errno == EMFILE || errno == ENFILE))
		status = DNS_NO_DESCRIPTORS;
	if (status == ARES_SUCCESS && (h == NULL || h->h_addr_list[0] == NULL))
		status = ARES_ENODATA;
	if (status == ARES_SUCCESS)
		inet_ntop(h->h_addrtype, h->h_addr_list[0], d->address,
		    sizeof(d->address));
	else if (status != DNS_NO_DESCRIPTORS)
		note_tried(d, status);
	/* An answer wins over a failure of a server asked before. */
	if (d->status == -1 || !is_answer(d->status) || is_answer(status))
		d->status = status;
	d->final = is_answer(status) || status == DNS_NO_DESCRIPTORS;
	loop_timer_clear(d->loop, &d->ares_timer);
	loop_timer_set(d->loop, &d->step, 0);
}

/* Ask the next server; -1 if there is none or c-ares refuses. */
static int
ask_next(struct dns_lookup *d)
{
	struct ares_addr_port_node one;

	if (d->next == NULL)
		return -1;
	d->asking = d->next;
	d->next = d->next->next;
	one = *d->asking;
	one.next = NULL;
	if (ares_set_servers_ports(d->channel, &one) != ARES_SUCCESS)
		return -1;
	d->nasked++;
	d->answered = 0;
	ares_gethostbyname(d->channel, d->host, AF_INET, on_host, d);
	rearm(d);
	return 0;
}

/* From the loop, after an answer: the next server, or the owner. */
static void
move_on(void *arg)
{
	struct dns_lookup *d = arg;

	if (!d->final && ask_next(d) == 0)
		return;
	loop_timer_clear(d->loop, &d->deadline);
	finish(d);
}

static void
on_deadline(void *arg)
{
	struct dns_lookup *d = arg;

	if (d->status == -1 || !is_answer(d->status))
		d->status = ARES_ETIMEOUT;
	if (!d->answered)
		note_tried(d, ARES_ETIMEOUT);
	loop_timer_clear(d->loop, &d->ares_timer);
	loop_timer_clear(d->loop, &d->step);
	finish(d);
}

/* A server's first round, ms: each server's rounds, t + 2t, share the
 * step's timeout. */
static int
round_ms(unsigned timeout_ms, int nservers)
{
	int t = (int)(timeout_ms / DNS_ROUND_SHARES / (unsigned)nservers);

	return t < DNS_MIN_ROUND_MS ? DNS_MIN_ROUND_MS : t;
}

static int
init_channel(struct dns_lookup *d, int round)
{
	struct ares_options o;
	int mask;

	memset(&o, 0, sizeof(o));
	o.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH |
	    ARES_FLAG_NOALIASES;
	o.tries = DNS_ROUNDS;
	o.timeout = round;
	o.sock_state_cb = on_sock_state;
	o.sock_state_cb_data = d;
	o.lookups = (char *)"b";	/* DNS only, as the device */
	mask = ARES_OPT_FLAGS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB |
	    ARES_OPT_LOOKUPS | ARES_OPT_TIMEOUTMS;
	if (ares_init_options(&d->channel, &o, mask) != ARES_SUCCESS) {
		d->channel = NULL;
		return -1;
	}
	return 0;
}

/* Keeps the first DNS_MAX_SERVERS of the list; their number. */
static int
keep_servers(struct ares_addr_port_node *s)
{
	int n = 1;

	for (; s->next != NULL && n < DNS_MAX_SERVERS; s = s->next)
		n++;
	if (s->next != NULL) {
		ares_free_data(s->next);
		s->next = NULL;
	}
	return n;
}

/*
 * The channel, and the servers to ask: servers, or resolv.conf's.  The
 * round's length depends on how many there are, which c-ares knows once
 * the channel is open, and c-ares 1.18 takes it only then: the channel is
 * opened for the servers listed (or one, for resolv.conf's), and opened
 * again only when there turn out to be more.
 */
static int
open_channel(struct dns_lookup *d, const char *servers, unsigned timeout_ms)
{
	int guess = target_dns_count(servers), round, exact;

	/* resolv.conf's: most list one. */
	if (guess == 0)
		guess = 1;
	else if (guess > DNS_MAX_SERVERS)
		guess = DNS_MAX_SERVERS;
	round = round_ms(timeout_ms, guess);

	if (init_channel(d, round) == -1)
		return -1;
	if (servers[0] != '\0' &&
	    ares_set_servers_ports_csv(d->channel, servers) != ARES_SUCCESS)
		return -1;
	if (ares_get_servers_ports(d->channel, &d->servers) != ARES_SUCCESS ||
	    d->servers == NULL)
		return -1;
	exact = round_ms(timeout_ms, keep_servers(d->servers));
	d->next = d->servers;
	if (exact == round)
		return 0;
	ares_destroy(d->channel);
	return init_channel(d, exact);
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
	if ((d->host = strdup(host)) == NULL || init_timers(d) == -1 ||
	    open_channel(d, servers, timeout_ms) == -1 || ask_next(d) == -1) {
		lookup_free(d);
		return NULL;
	}
	loop_timer_set(l, &d->deadline, timeout_ms);
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
	case DNS_NO_DESCRIPTORS:
		return "no descriptor left for a socket";
	default:
		return ares_strerror(status);
	}
}

/*
 * updprobed - the AgentX subagent: probes every configured update server
 * on a schedule and publishes the predicted codes in UPDPROBE-MIB.
 *
 *	updprobed [-f] [-D] -c FILE [-x SOCKET]
 *
 * Exit status: 0 after SIGTERM/SIGINT, 64 usage error, 78 bad config,
 * 70 internal error.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sysexits.h>
#include <unistd.h>

#include "conf.h"
#include "fleet.h"
#include "log.h"
#include "monitor.h"
#include "probe.h"
#include "subagent.h"
#include "version.h"

struct daemon {
	const char		*conffile;
	const char		*xsocket;
	int			 foreground;
	int			 debug;
	struct loop		*loop;
	struct engine		*engine;
	struct monitor		*mon;
	struct fleet		*fleet;
	struct subagent		*sa;
	int			 sigfd;
	int			 stop;
};

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: updprobed [-f] [-D] -c FILE [-x SOCKET]\n"
	    "  -f         stay in the foreground, log to stderr\n"
	    "  -D         log debug messages too\n"
	    "  -c FILE    configuration file (updprobed.conf(5))\n"
	    "  -x SOCKET  AgentX master address (overrides agentXSocket)\n"
	    "  -V, --version  print the version\n");
	exit(status);
}

static void
parse_args(struct daemon *d, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "fDc:x:Vh", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'f':
			d->foreground = 1;
			break;
		case 'D':
			d->debug = 1;
			break;
		case 'c':
			d->conffile = optarg;
			break;
		case 'x':
			d->xsocket = optarg;
			break;
		case 'V':
			printf("updprobed %s\n", updprobe_version);
			exit(0);
		case 'h':
			usage(0);
		default:
			usage(EX_USAGE);
		}
	}
	if (optind != argc || d->conffile == NULL)
		usage(EX_USAGE);
	if (d->xsocket != NULL && !subagent_socket_valid(d->xsocket)) {
		fprintf(stderr, "updprobed: -x \"%s\": not an AgentX address "
		    "(unix:/PATH, /PATH, tcp:HOST:PORT)\n", d->xsocket);
		exit(EX_USAGE);
	}
}

/*
 * Read the config into *cfg; the number of errors (each logged).  A
 * config with errors changes nothing, net-snmp's own settings included.
 */
static int
load(struct daemon *d, struct mon_config *cfg)
{
	char *kept = subagent_socket_save();
	const char *xs;
	int errors = conf_load(d->conffile, cfg);

	xs = subagent_socket_setting();
	if (errors == 0 && xs != NULL && !subagent_socket_valid(xs)) {
		log_warnx("%s: agentXSocket \"%s\": not an AgentX address "
		    "(unix:/PATH, /PATH, tcp:HOST:PORT)", d->conffile, xs);
		mon_config_clear(cfg);
		errors = 1;
	}
	if (errors != 0)
		subagent_socket_restore(kept);
	/* -x wins over agentXSocket in the file. */
	subagent_use_socket(d->xsocket);
	free(kept);
	return errors;
}

/*
 * Take a loaded configuration; -1 when out of memory (nothing changed).
 * The targets first: a base station may not take a target's name.
 * initial: the provisioning folders are scanned at once (before the
 * agent serves), else from the loop.
 */
static int
apply(struct daemon *d, struct mon_config *cfg, int initial)
{
	struct mon_dir **dirs = cfg->dirs;
	size_t ndirs = cfg->ndirs;
	unsigned rescan = cfg->rescan;

	cfg->dirs = NULL;
	cfg->ndirs = 0;
	subagent_configure(d->sa, cfg->notify_rate, cfg->notify_queue);
	if (monitor_apply(d->mon, cfg) == -1) {
		while (ndirs > 0)
			mon_dir_free(dirs[--ndirs]);
		free(dirs);
		return -1;
	}
	fleet_apply(d->fleet, dirs, ndirs, rescan, initial);
	subagent_settle(d->sa);
	subagent_config_loaded(d->sa, d->conffile);
	return 0;
}

static void
reload(struct daemon *d)
{
	struct mon_config cfg;
	int errors;

	if ((errors = load(d, &cfg)) != 0) {
		log_warnx("%s: %d error%s, the running configuration is kept",
		    d->conffile, errors, errors == 1 ? "" : "s");
		return;
	}
	if (apply(d, &cfg, 0) == -1) {
		log_warnx("%s: out of memory applying the configuration, the "
		    "running configuration is kept", d->conffile);
		return;
	}
	log_info("%s: reloaded, %zu targets; the provisioning folders are "
	    "scanned again", d->conffile, monitor_count(d->mon));
}

static void
on_signal(int fd, int events, void *arg)
{
	struct daemon *d = arg;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload(d);
		else
			d->stop = 1;
	}
}

/* The signals the loop handles: blocked from the first instruction on,
 * so one that comes during start-up waits for the loop. */
static void
block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	if (sigprocmask(SIG_BLOCK, set, NULL) == -1) {
		perror("updprobed: sigprocmask");
		exit(EX_OSERR);
	}
	signal(SIGPIPE, SIG_IGN);
}

static int
setup_signals(struct daemon *d, const sigset_t *set)
{
	d->sigfd = signalfd(-1, set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sigfd == -1)
		return -1;
	return loop_watch(d->loop, d->sigfd, LOOP_READ, on_signal, d);
}

int
main(int argc, char **argv)
{
	struct daemon d;
	struct mon_config cfg;
	struct monitor_hooks hooks;
	struct fleet_hooks fhooks;
	sigset_t sigs;
	int errors;

	block_signals(&sigs);
	/* The passwords are in our memory: no core dumps, no ptrace or
	 * /proc/PID/mem by other processes of the same user. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	memset(&d, 0, sizeof(d));
	parse_args(&d, argc, argv);
	log_init("updprobed", d.foreground, d.debug);
	if (geteuid() == 0)
		log_warnx("running as root: run updprobed as an unprivileged "
		    "user (see updprobed(8))");

	if (subagent_setup(d.xsocket) == -1) {
		log_warnx("cannot initialise the net-snmp agent library");
		return EX_SOFTWARE;
	}
	conf_register();
	if ((errors = load(&d, &cfg)) != 0) {
		log_warnx("%s: %d error%s, not starting", d.conffile, errors,
		    errors == 1 ? "" : "s");
		return EX_CONFIG;
	}

	if (engine_global_init() == -1 || (d.loop = loop_new()) == NULL ||
	    (d.engine = engine_new(d.loop)) == NULL ||
	    (d.sa = subagent_new(d.loop)) == NULL) {
		log_warnx("cannot set up the engine");
		return EX_SOFTWARE;
	}
	subagent_hooks(d.sa, &hooks);
	subagent_fleet_hooks(d.sa, &fhooks);
	if ((d.mon = monitor_new(d.loop, d.engine, &hooks)) == NULL ||
	    (d.fleet = fleet_new(d.loop, d.mon, &fhooks)) == NULL ||
	    setup_signals(&d, &sigs) == -1) {
		log_warn("cannot set up");
		return EX_SOFTWARE;
	}
	subagent_set_monitor(d.sa, d.mon);
	subagent_set_fleet(d.sa, d.fleet);
	if (!d.foreground && daemon(0, 0) == -1) {
		log_warn("daemon");
		return EX_OSERR;
	}
	/* The table complete (folders scanned) before it is served. */
	if (apply(&d, &cfg, 1) == -1) {
		log_warnx("%s: out of memory applying the configuration",
		    d.conffile);
		return EX_SOFTWARE;
	}
	subagent_start(d.sa);
	log_info("started: %zu targets, %zu base stations, %zu servers, "
	    "AgentX master %s", monitor_count(d.mon), fleet_count(d.fleet),
	    monitor_count(d.mon) + monitor_shared_count(d.mon),
	    subagent_socket());

	while (!d.stop) {
		if (loop_once(d.loop, -1) == -1 && errno != EINTR) {
			log_warn("event loop");
			break;
		}
		subagent_sync(d.sa);
	}

	log_info("stopping");
	fleet_free(d.fleet);
	monitor_free(d.mon);
	engine_free(d.engine);
	subagent_shutdown(d.sa);
	close(d.sigfd);
	loop_free(d.loop);
	engine_global_cleanup();
	return 0;
}

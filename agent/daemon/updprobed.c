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
#include <sys/signalfd.h>
#include <sysexits.h>
#include <unistd.h>

#include "conf.h"
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
}

static int
load(struct daemon *d, struct mon_config *cfg)
{
	int errors = conf_load(d->conffile, cfg);

	/* -x wins over agentXSocket in the file. */
	subagent_use_socket(d->xsocket);
	return errors;
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
	if (monitor_apply(d->mon, &cfg) == -1)
		log_warnx("%s: out of memory applying the configuration",
		    d->conffile);
	subagent_config_loaded(d->sa);
	log_info("%s: reloaded, %zu targets", d->conffile,
	    monitor_count(d->mon));
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

static int
setup_signals(struct daemon *d)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		return -1;
	d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
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
	int errors;

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
	if ((d.mon = monitor_new(d.loop, d.engine, &hooks)) == NULL ||
	    setup_signals(&d) == -1) {
		log_warn("cannot set up");
		return EX_SOFTWARE;
	}
	subagent_set_monitor(d.sa, d.mon);
	if (!d.foreground && daemon(0, 0) == -1) {
		log_warn("daemon");
		return EX_OSERR;
	}
	subagent_start(d.sa);
	if (monitor_apply(d.mon, &cfg) == -1) {
		log_warnx("%s: out of memory applying the configuration",
		    d.conffile);
		return EX_SOFTWARE;
	}
	subagent_config_loaded(d.sa);
	log_info("started: %zu targets, AgentX master %s", monitor_count(d.mon),
	    subagent_socket());

	while (!d.stop) {
		if (loop_once(d.loop, -1) == -1 && errno != EINTR) {
			log_warn("event loop");
			break;
		}
		subagent_sync(d.sa);
	}

	log_info("stopping");
	monitor_free(d.mon);
	engine_free(d.engine);
	subagent_shutdown(d.sa);
	close(d.sigfd);
	loop_free(d.loop);
	engine_global_cleanup();
	return 0;
}

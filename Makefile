# updprobe - predict the Snom m3 firmware update code of an update server.
#
#   make            build agent/ binaries into $(BUILD)/
#   make check      install missing Debian packages, run every test
#                   (plain build, then AddressSanitizer + UBSan build)
#   make demo       demo update servers in several states, and the verdicts
#   make bench      fleet-scale benchmark (nginx, 100 to 10,000 targets, peers)
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each
#   make install    PREFIX=/usr/local DESTDIR= (UNITDIR: the systemd unit)
#   make deb        the Debian package, into $(BUILD)/deb/
#   make fresh      make demo and the package on a new debootstrap system

PREFIX	?= /usr/local
UNITDIR	?= $(PREFIX)/lib/systemd/system
BUILD	?= build
CC	?= cc
PKGS	 = libcares libcurl
OPT	?= -O2 -g
WARN	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS	+= $(OPT) $(WARN) -std=gnu11 -Iagent $(SANFLAGS) \
	   $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS	+= $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDFLAGS	+= $(SANFLAGS)

ifeq ($(SAN),1)
BUILD	 = build-san
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	   -fno-omit-frame-pointer
OPT	 = -O1 -g
endif

ENGINE_SRC = agent/loop.c agent/codes.c agent/dirfile.c agent/provfile.c \
	     agent/target.c agent/probe.c agent/report.c agent/util.c \
	     agent/span.c
ENGINE_OBJ = $(ENGINE_SRC:%.c=$(BUILD)/%.o)
UNIT_TESTS = test_dirfile test_provfile test_target test_loop
UNIT_BIN   = $(UNIT_TESTS:%=$(BUILD)/tests/%)

DAEMON_SRC = agent/updprobed.c agent/conf.c agent/monitor.c agent/subagent.c \
	     agent/log.c
DAEMON_OBJ = $(DAEMON_SRC:%.c=$(BUILD)/%.o)
SNMP_CFLAGS = $(shell pkg-config --cflags netsnmp-agent 2>/dev/null)
SNMP_LIBS  = $(shell pkg-config --libs netsnmp-agent 2>/dev/null || \
	     echo -lnetsnmpmibs -lnetsnmpagent -lnetsnmp)

all: $(BUILD)/updprobe $(BUILD)/updprobed $(BUILD)/check_updprobe

$(DAEMON_OBJ): CFLAGS += $(SNMP_CFLAGS)

# The Nagios plugin: net-snmp's client library and the probe engine.
PLUGIN_CFLAGS = $(shell pkg-config --cflags netsnmp 2>/dev/null)
PLUGIN_LIBS = $(shell pkg-config --libs netsnmp 2>/dev/null || echo -lnetsnmp)
$(BUILD)/plugins/nagios/check_updprobe.o: CFLAGS += $(PLUGIN_CFLAGS)
$(BUILD)/check_updprobe: $(BUILD)/plugins/nagios/check_updprobe.o \
	    $(BUILD)/libengine.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PLUGIN_LIBS) $(LDLIBS)

$(BUILD)/updprobed: $(DAEMON_OBJ) $(BUILD)/libengine.a
	$(CC) $(LDFLAGS) -o $@ $^ $(SNMP_LIBS) $(LDLIBS)

$(BUILD)/%.o: %.c agent/*.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libengine.a: $(ENGINE_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/updprobe: $(BUILD)/agent/updprobe.o $(BUILD)/libengine.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libengine.a agent/*.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libengine.a $(LDLIBS) \
	    $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

# The Debian packages of one use (tests/deps.sh GROUP): deps-demo,
# deps-check, deps-fuzz, deps-bench, deps-deb, deps-fresh; deps: all.
deps:
	@tests/deps.sh all
deps-%:
	@tests/deps.sh $*

unit: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

e2e: all
	@UPDPROBE=$(BUILD)/updprobe tests/e2e/run.sh
	@UPDPROBE=$(BUILD)/updprobe UPDPROBED=$(BUILD)/updprobed \
	    tests/e2e/agent.sh
	@CHECK_UPDPROBE=$(BUILD)/check_updprobe UPDPROBED=$(BUILD)/updprobed \
	    tests/e2e/nagios.sh
	@UPDPROBED=$(BUILD)/updprobed tests/e2e/plugins.sh
	@UPDPROBE=$(BUILD)/updprobe UPDPROBED=$(BUILD)/updprobed \
	    tests/e2e/hostile.sh

mibcheck:
	@tests/mib/check.sh

# tests/deps.sh's exit status and policy-rc.d handling, with fake apt-get
# and dpkg-query (installs nothing).
depstest:
	@tests/deps-test.sh

# Long runs alone: valgrind, soak, snmpd killed 20 times, secrets (check
# runs them too); LONGRUN_ARGS=--long for the 1,000-cycle soak.
longrun: deps-check all
	@UPDPROBE=$(BUILD)/updprobe UPDPROBED=$(BUILD)/updprobed \
	    tests/e2e/longrun.sh $(LONGRUN_ARGS)

# Fleet-scale benchmark against nginx, blackbox_exporter and check_curl.
bench: deps-bench all
	@BUILD_DIR=$(BUILD) UPDPROBE=$(BUILD)/updprobe \
	    UPDPROBED=$(BUILD)/updprobed tests/bench/run.sh

# The engine's sources, for tests/fuzz/build.sh.
engine-src:
	@echo $(ENGINE_SRC)

# libFuzzer targets (clang); FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz: deps-fuzz
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

# The whole suite, in both builds, with the long runs; the 1,000-cycle
# soak runs in the background meanwhile (tests/check.sh).  About 20 min.
check: deps-check
	$(MAKE) all
	$(MAKE) SAN=1 all
	@MAKE="$(MAKE)" tests/check.sh

demo: deps-demo $(BUILD)/updprobe $(BUILD)/updprobed
	@UPDPROBE=$(BUILD)/updprobe tests/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin \
	    $(DESTDIR)$(PREFIX)/share/snmp/mibs \
	    $(DESTDIR)$(PREFIX)/share/doc/updprobe \
	    $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
	    $(DESTDIR)$(PREFIX)/share/man/man8 \
	    $(DESTDIR)$(PREFIX)/lib/nagios/plugins
	install -m 755 $(BUILD)/updprobe $(DESTDIR)$(PREFIX)/bin/
	install -m 755 $(BUILD)/updprobed $(DESTDIR)$(PREFIX)/sbin/
	install -m 755 $(BUILD)/check_updprobe \
	    $(DESTDIR)$(PREFIX)/lib/nagios/plugins/
	install -m 644 plugins/nagios/updprobe.cfg \
	    $(DESTDIR)$(PREFIX)/share/doc/updprobe/updprobe.cfg.sample
	install -d $(DESTDIR)$(PREFIX)/share/updprobe/zabbix \
	    $(DESTDIR)$(PREFIX)/share/updprobe/snmptt
	install -m 644 plugins/zabbix/template_updprobe.yaml \
	    plugins/zabbix/README.md $(DESTDIR)$(PREFIX)/share/updprobe/zabbix/
	install -m 644 plugins/snmptt/updprobe.conf \
	    plugins/snmptt/snmptrapd.conf.example plugins/snmptt/README.md \
	    $(DESTDIR)$(PREFIX)/share/updprobe/snmptt/
	install -m 644 mib/UPDPROBE-MIB.txt $(DESTDIR)$(PREFIX)/share/snmp/mibs/
	install -m 644 dist/updprobed.conf \
	    $(DESTDIR)$(PREFIX)/share/doc/updprobe/updprobed.conf.sample
	sed 's|@PREFIX@|$(PREFIX)|g' dist/updprobed.service > \
	    $(DESTDIR)$(UNITDIR)/updprobed.service
	install -m 644 man/updprobe.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/updprobed.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 man/updprobed.8 $(DESTDIR)$(PREFIX)/share/man/man8/

# The Debian package (debian/), built from a copy of the tree, checked
# with lintian; and the fresh-machine test: make demo, make deb and the
# package on new debootstrap systems (tests/fresh.sh).
deb: deps-deb
	@BUILD_DIR=$(BUILD) dist/deb.sh
fresh: deps-fresh
	@tests/fresh.sh

clean:
	rm -rf build build-san build-fuzz

.PHONY: all deps deb fresh unit e2e mibcheck depstest engine-src fuzz bench longrun check demo install clean
.SECONDARY:

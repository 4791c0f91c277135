#!/usr/bin/env bash
# Static checks of docker/ (no Docker engine runs on the CI machines):
#   - docker/compose.yml parses; every depends_on names a defined service (one with a healthcheck
#     when it waits for service_healthy); every named volume is declared; every bind mount,
#     env_file and build context/dockerfile exists;
#   - compose and the configuration it mounts agree: the mount target is the path the image's CMD
#     reads, metrics.listen's port is the published, exposed and health-checked one (on /readyz),
#     the bootstrap address is the kafka service's advertised listener, and the topics service
#     creates the configured topics, the state topic compacted;
#   - the kafka service is a pinned apache/kafka image in KRaft mode with a healthcheck;
#   - docker/Dockerfile: a debian:trixie build stage (trixie packages librdkafka 2.8.0; newswire
#     needs >= 2.6.1, bookworm has 2.0.2) that installs every package
#     scripts/install-deps installs except the test and tool packages listed below, copies every
#     directory the CMake build reads, runs `newswire --version`; a debian:trixie-slim runtime
#     stage with no -dev package, the runtime library of each -dev package, a non-root USER, and
#     the shared libraries the built binary needs (readelf + dpkg, when available);
#   - `newswire run -c docker/newswire.properties --check-config` exits 0.
# Prints `test_docker: N passed, M failed`.
set -euo pipefail
NW_SOURCE_DIR=${NW_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
NEWSWIRE=${NEWSWIRE:-$NW_SOURCE_DIR/build/newswire}
export NW_SOURCE_DIR NEWSWIRE
exec /usr/bin/python3 - <<'EOF'
import os, re, shlex, subprocess, sys

SRC = os.environ["NW_SOURCE_DIR"]
NEWSWIRE = os.environ["NEWSWIRE"]
DOCKER = os.path.join(SRC, "docker")
COMPOSE = os.path.join(DOCKER, "compose.yml")
DOCKERFILE = os.path.join(DOCKER, "Dockerfile")

# Packages scripts/install-deps installs that the image's build does not need, and why.
NOT_FOR_THE_IMAGE = {
    "git": "source control",
    "libcmocka-dev": "unit tests (the image builds with BUILD_TESTING=OFF)",
    "clang": "fuzzing and sanitizer builds",
    "clang-format": "the style check",
    "libclang-rt-14-dev": "fuzzing and sanitizer runtimes",
    "kcat": "the outside client of the integration tests",
    "python3": "test and benchmark scripts",
    "python3-jsonschema": "schema validation in tests",
    "python3-yaml": "this test",
    "openjdk-17-jre-headless": "the local test broker",
    "maven": "fetching the local test broker's jars",
    "curl": "downloads in scripts",
    "ca-certificates": "TLS roots: a runtime package, installed in the runtime stage",
}
# The shared library package each -dev package of the build stage links against.
RUNTIME_OF = {
    "librdkafka-dev": "librdkafka1",
    "libjansson-dev": "libjansson4",
    "libcurl4-openssl-dev": "libcurl4t64",
    "libmicrohttpd-dev": "libmicrohttpd12t64",
    "libssl-dev": "libssl3t64",
    "libjemalloc-dev": "libjemalloc2",
}
# Packages a binary may need that every Debian image has, or that only sanitizer builds link.
BASE_OR_SANITIZER = {"libc6", "libgcc-s1", "libasan8", "libubsan1", "libstdc++6"}

passed = failed = 0


def check(desc, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok - {desc}")
    else:
        failed += 1
        print(f"not ok - {desc}" + (f"\n  {detail}" if detail else ""), file=sys.stderr)
    return ok


def finish():
    print(f"test_docker: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


# ---- scripts/install-deps and the properties compose mounts ----

def install_deps_packages():
    text = open(os.path.join(SRC, "scripts", "install-deps"), encoding="utf-8").read()
    m = re.search(r"^PACKAGES=\((.*?)^\)", text, re.S | re.M)
    if not m:
        return []
    body = "\n".join(line.split("#", 1)[0] for line in m.group(1).splitlines())
    return body.split()


def load_properties(path):
    props = {}
    for raw in open(path, encoding="utf-8"):
        line = raw.strip()
        if not line or line[0] in "#!":
            continue
        m = re.match(r"([^=:\s]+)\s*[=:\s]\s*(.*)$", line)
        if m:
            props[m.group(1)] = m.group(2)
    return props


# ---- the Dockerfile ----

def dockerfile_stages(path):
    """[(from_line, [(INSTRUCTION, args)])] with continuation lines joined, comments dropped."""
    lines, cur = [], ""
    for raw in open(path, encoding="utf-8"):
        s = raw.rstrip("\n")
        if not cur and s.lstrip().startswith("#"):
            continue
        if s.rstrip().endswith("\\"):
            cur += s.rstrip()[:-1] + " "
            continue
        if cur and s.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        cur += s
        if cur.strip():
            lines.append(cur.strip())
        cur = ""
    stages = []
    for line in lines:
        word, _, args = line.partition(" ")
        word = word.upper()
        if word == "FROM":
            stages.append((args.strip(), []))
        elif stages:
            stages[-1][1].append((word, args.strip()))
    return stages


def apt_installed(instructions):
    pkgs = set()
    for word, args in instructions:
        if word != "RUN":
            continue
        for m in re.finditer(r"apt-get\s+install\s+(.*?)(?:&&|;|$)", args):
            pkgs.update(w for w in m.group(1).split() if not w.startswith("-"))
    return pkgs


def exec_form(args):
    try:
        import json
        v = json.loads(args)
        return v if isinstance(v, list) else None
    except ValueError:
        return None


def needed_packages(binary):
    """Debian packages that own the shared libraries binary needs directly, or None when the
    tools to find out (readelf, ldconfig, dpkg) are missing."""
    try:
        dyn = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout
        cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    owners = {}
    for soname in re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dyn):
        paths = re.findall(r"^\s*" + re.escape(soname) + r" \(.*?\) => (\S+)", cache, re.M)
        candidates = []
        for p in paths:
            candidates += [p, os.path.realpath(p)]
            candidates += [p[4:]] if p.startswith("/usr/") else ["/usr" + p]
        owner = None
        for p in candidates:
            try:
                r = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
            except OSError:
                return None
            if r.returncode == 0:
                owner = r.stdout.split(":", 1)[0].strip()
                break
        owners[soname] = owner
    return owners


try:
    import yaml
except ImportError:
    check("python3-yaml is importable (scripts/install-deps installs it)", False)
    finish()

# ---- compose.yml ----
try:
    compose = yaml.safe_load(open(COMPOSE, encoding="utf-8"))
    parsed = isinstance(compose, dict) and isinstance(compose.get("services"), dict)
except (OSError, yaml.YAMLError) as e:
    compose, parsed = None, False
    check("docker/compose.yml parses as YAML", False, str(e))
if not check("docker/compose.yml parses, with a services mapping", parsed):
    finish()

services = compose["services"]
volumes_declared = set((compose.get("volumes") or {}).keys())


def rel(path, base=DOCKER):
    return os.path.normpath(os.path.join(base, os.path.expanduser(path)))


for name, svc in services.items():
    check(f"service {name}: has an image or a build", "image" in svc or "build" in svc)
    deps = svc.get("depends_on") or {}
    if isinstance(deps, list):
        deps = {d: {"condition": "service_started"} for d in deps}
    for dep, spec in deps.items():
        cond = (spec or {}).get("condition", "service_started")
        check(f"service {name}: depends_on {dep} is a defined service", dep in services)
        check(f"service {name}: depends_on {dep} has a known condition ({cond})",
              cond in ("service_started", "service_healthy", "service_completed_successfully"))
        if cond == "service_healthy" and dep in services:
            check(f"service {name}: {dep}, waited for as healthy, has a healthcheck",
                  "healthcheck" in services[dep])
    for v in svc.get("volumes") or []:
        if isinstance(v, dict):
            kind, source = v.get("type", "volume"), v.get("source", "")
        else:
            source = v.split(":", 1)[0]
            kind = "bind" if source.startswith((".", "/", "~")) else "volume"
        if kind == "bind":
            check(f"service {name}: bind mount {source} exists", os.path.exists(rel(source)), rel(source))
        elif source:
            check(f"service {name}: volume {source} is declared under volumes:", source in volumes_declared)
    env_files = svc.get("env_file") or []
    for f in [env_files] if isinstance(env_files, str) else env_files:
        f = f["path"] if isinstance(f, dict) else f
        check(f"service {name}: env_file {f} exists", os.path.isfile(rel(f)))
    build = svc.get("build")
    if build is not None:
        ctx = build if isinstance(build, str) else build.get("context", ".")
        ctx_dir = rel(ctx)
        df = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        check(f"service {name}: build context {ctx} exists", os.path.isdir(ctx_dir), ctx_dir)
        check(f"service {name}: dockerfile {df} exists in the context", os.path.isfile(os.path.join(ctx_dir, df)))
for kind in ("configs", "secrets"):
    for key, spec in (compose.get(kind) or {}).items():
        if isinstance(spec, dict) and "file" in spec:
            check(f"{kind} {key}: file {spec['file']} exists", os.path.isfile(rel(spec["file"])))

for needed in ("kafka", "topics", "newswire"):
    check(f"service {needed} is defined", needed in services)
if not all(s in services for s in ("kafka", "topics", "newswire")):
    finish()

kafka, topics, nw = services["kafka"], services["topics"], services["newswire"]

# kafka: the official image, pinned, single-node KRaft, health-checked.
image = str(kafka.get("image", ""))
check("kafka: apache/kafka image with a pinned version", re.fullmatch(r"apache/kafka:\d+\.\d+\.\d+", image) is not None, image)
env = kafka.get("environment") or {}
if isinstance(env, list):
    env = dict(e.split("=", 1) for e in env)
for var in ("KAFKA_NODE_ID", "KAFKA_PROCESS_ROLES", "KAFKA_LISTENERS", "KAFKA_ADVERTISED_LISTENERS",
            "KAFKA_CONTROLLER_LISTENER_NAMES", "KAFKA_CONTROLLER_QUORUM_VOTERS"):
    check(f"kafka: {var} is set", str(env.get(var, "")) != "")
for var in ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
            "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"):
    check(f"kafka: {var}=1 (one node)", str(env.get(var)) == "1")
check("kafka: KAFKA_PROCESS_ROLES is broker,controller (KRaft, one node)",
      sorted(str(env.get("KAFKA_PROCESS_ROLES", "")).split(",")) == ["broker", "controller"])
check("kafka: has a healthcheck", "healthcheck" in kafka)

# newswire: the mounted configuration and what the image expects.
mounts = {}
for v in nw.get("volumes") or []:
    if isinstance(v, str):
        parts = v.split(":")
        mounts[parts[1]] = parts[0]
    elif v.get("type", "volume") == "bind":
        mounts[v["target"]] = v["source"]
stages = dockerfile_stages(DOCKERFILE)
runtime = stages[-1][1] if stages else []
cmd = next((exec_form(a) for w, a in reversed(runtime) if w == "CMD"), None) or []
cfg_path = cmd[cmd.index("-c") + 1] if "-c" in cmd[:-1] else None
check("Dockerfile: CMD runs newswire run -c FILE", cmd[:1] == ["run"] and cfg_path is not None, str(cmd))
check(f"newswire: a configuration is mounted read-only at the CMD's {cfg_path}",
      cfg_path in mounts and any(isinstance(v, str) and v.endswith(f"{cfg_path}:ro") for v in nw.get("volumes") or []),
      str(mounts))
props_path = rel(mounts.get(cfg_path, "newswire.properties"))
if not check("newswire: the mounted configuration exists", os.path.isfile(props_path), props_path):
    finish()
props = load_properties(props_path)

listen = props.get("metrics.listen", "127.0.0.1:9464")
lhost, _, lport = listen.rpartition(":")
check("configuration: metrics.listen binds every interface of the container (0.0.0.0)",
      lhost in ("0.0.0.0", "[::]"), listen)
ports = [str(p) for p in nw.get("ports") or []]
check(f"newswire: publishes the metrics port {lport}",
      any(p.split(":")[-1].split("/")[0] == lport for p in ports), str(ports))
exposed = [a for w, a in runtime if w == "EXPOSE"]
check(f"Dockerfile: EXPOSE {lport}", any(lport in a.split() for a in exposed), str(exposed))
hc = nw.get("healthcheck") or {}
test = hc.get("test")
test_text = " ".join(test) if isinstance(test, list) else str(test or "")
check("newswire: healthcheck probes /readyz on the metrics port",
      "/readyz" in test_text and re.search(rf"(?<![0-9]){re.escape(lport)}(?![0-9])", test_text) is not None, test_text)
check("newswire: healthcheck uses only what trixie-slim has (no curl or wget)",
      not re.search(r"\b(curl|wget)\b", test_text), test_text)

bootstrap = props.get("kafka.bootstrap.servers", "")
adv = str(env.get("KAFKA_ADVERTISED_LISTENERS", ""))
for server in filter(None, bootstrap.split(",")):
    host = server.rsplit(":", 1)[0]
    check(f"configuration: bootstrap {server} names a compose service", host in services, bootstrap)
    check(f"configuration: bootstrap {server} is one of kafka's advertised listeners",
          re.search(rf"://{re.escape(server)}(,|$)", adv) is not None, adv)
check("configuration: a bootstrap server is set", bootstrap != "")

# topics: creates what the configuration reads and writes, the state topic compacted.
tcmd = topics.get("command") or topics.get("entrypoint") or ""
tcmd = "\n".join(tcmd) if isinstance(tcmd, list) else str(tcmd)
wanted = [t.strip() for t in props.get("input.topics", "news.raw").split(",")]
wanted += [props.get("output.topic", "news.articles"), props.get("dlq.topic", "news.dlq")]
state = props.get("state.topic", "news.dedupe-state")
for t in wanted + [state]:
    check(f"topics: creates {t}", re.search(rf"(?<![\w.-]){re.escape(t)}(?![\w.-])", tcmd) is not None)
check(f"topics: creates {state} with cleanup.policy=compact",
      re.search(rf"{re.escape(state)}\s+--config\s+cleanup\.policy=compact", tcmd) is not None, tcmd)
check("topics: waits for kafka to be healthy",
      ((topics.get("depends_on") or {}).get("kafka") or {}).get("condition") == "service_healthy"
      if isinstance(topics.get("depends_on"), dict) else False)
check("newswire: starts once the topics service completed",
      isinstance(nw.get("depends_on"), dict)
      and (nw["depends_on"].get("topics") or {}).get("condition") == "service_completed_successfully")
if "kcat" in services:
    check("kcat: optional, behind a profile", bool(services["kcat"].get("profiles")))

# ---- the Dockerfile ----
check("Dockerfile: at least two stages", len(stages) >= 2, str([s[0] for s in stages]))
if len(stages) < 2:
    finish()
build_from, build = stages[0]
run_from, _ = stages[-1]
check("Dockerfile: build stage is FROM debian:trixie", build_from.split()[0] == "debian:trixie", build_from)
check("Dockerfile: runtime stage is FROM debian:trixie-slim", run_from.split()[0] == "debian:trixie-slim", run_from)

deps = install_deps_packages()
check("scripts/install-deps: PACKAGES parsed", len(deps) > 5, str(deps))
build_pkgs, run_pkgs = apt_installed(build), apt_installed(runtime)
missing = [p for p in deps if p not in NOT_FOR_THE_IMAGE and p not in build_pkgs]
check("Dockerfile: build stage installs every build package of scripts/install-deps",
      not missing, f"missing: {' '.join(missing)}")
stale = [p for p in NOT_FOR_THE_IMAGE if p not in deps]
check("this test's list of packages left out of the image names only install-deps packages",
      not stale, f"not in install-deps: {' '.join(stale)}")
dev_in_runtime = sorted(p for p in run_pkgs if p.endswith("-dev") or p in ("build-essential", "cmake", "ninja-build"))
check("Dockerfile: runtime stage installs no build package", not dev_in_runtime, " ".join(dev_in_runtime))
for dev in sorted(p for p in build_pkgs if p.endswith("-dev")):
    want = RUNTIME_OF.get(dev)
    check(f"Dockerfile: runtime stage installs {want or '(unknown runtime package)'} for {dev}",
          want is not None and want in run_pkgs)
users = [a.split(":")[0] for w, a in runtime if w == "USER"]
check("Dockerfile: runtime stage runs as a non-root USER",
      bool(users) and users[-1] not in ("root", "0"), str(users))
runs = [a for _, instrs in stages for w, a in instrs if w == "RUN"]
check("Dockerfile: a RUN step checks `newswire --version`",
      any(re.search(r"(^|[\s/])newswire\s+--version\b", r) for r in runs))
entry = next((exec_form(a) for w, a in reversed(runtime) if w == "ENTRYPOINT"), None)
check("Dockerfile: ENTRYPOINT [\"newswire\"]", entry == ["newswire"], str(entry))

copied = []
for w, a in build:
    if w == "COPY" and "--from=" not in a:
        words = [x for x in shlex.split(a) if not x.startswith("--")]
        for s in words[:-1]:
            copied.append(s.rstrip("/"))
            check(f"Dockerfile: COPY source {s} exists in the build context (the repository)",
                  os.path.exists(os.path.join(SRC, s)))
cmake_text = open(os.path.join(SRC, "CMakeLists.txt"), encoding="utf-8").read()
dirs = set(re.findall(r"add_subdirectory\(\s*([\w./-]+)", cmake_text))
dirs |= {"cmake", "include", "plugin", "config"}
for d in sorted(dirs):
    if d.split("/")[0] == "tests":
        continue  # BUILD_TESTING=OFF and NW_FUZZ=OFF in the image
    check(f"Dockerfile: the build stage copies {d}/, which the CMake build reads",
          any(d == c or d.startswith(c + "/") for c in copied), str(copied))
for w, a in stages[-1][1]:
    if w == "COPY" and "--from=" not in a:
        for s in [x for x in shlex.split(a) if not x.startswith("--")][:-1]:
            check(f"Dockerfile: COPY source {s} exists in the build context",
                  os.path.exists(os.path.join(SRC, s)))

# The libraries the built binary links: each from a package the runtime stage installs. The
# owners are this (Debian 12) machine's packages; trixie renamed several for 64-bit time_t
# (libssl3 -> libssl3t64), so either name counts.
if not os.access(NEWSWIRE, os.X_OK):
    check(f"newswire binary at {NEWSWIRE} (set NEWSWIRE)", False)
    finish()
owners = needed_packages(NEWSWIRE)
if owners is None:
    print("skip - linked libraries against the runtime stage (readelf, ldconfig or dpkg missing)")
else:
    for soname, pkg in sorted(owners.items()):
        check(f"runtime stage provides {soname} ({pkg or 'no package found'})",
              pkg is not None and (pkg.split(":")[0] in run_pkgs or pkg.split(":")[0] + "t64" in run_pkgs
                                   or pkg.split(":")[0] in BASE_OR_SANITIZER))

# The configuration compose mounts is valid for this newswire.
r = subprocess.run([NEWSWIRE, "run", "-c", props_path, "--check-config"], capture_output=True, text=True)
check("newswire run -c docker/newswire.properties --check-config exits 0", r.returncode == 0,
      f"status {r.returncode}: {r.stderr.strip()}")
finish()
EOF

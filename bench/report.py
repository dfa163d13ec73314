"""Turns bench/run.sh's results into the tables of docs/benchmarks.md.

  python3 report.py render MACHINE RESULTS DOC   rewrites DOC between its results markers, or its results-pinned
                                                 markers for a --pinned run (the rest is kept)
  python3 report.py section NAME TEXT DOC        puts the file TEXT between DOC's NAME markers (e.g. the JMH table)
  python3 report.py h2load < h2load-output       prints h2load's figures as one RESULT line, like swload and wrk

RESULTS holds one line per load and pass: "server=NAME load=LOAD pass=N status=S key=value ...". With several passes,
each figure is the median of the passes. Where a line has the server's CPU time (server_cpu_s), its operations per
server CPU-second are added to it (ops_per_cpu_s, and mb_per_cpu_s for MB/s).
"""
import re
import statistics
import sys



def begin(name):
    return f"<!-- {name}:begin (written by bench/run.sh; edit outside these markers) -->"


def end(name):
    return f"<!-- {name}:end -->"


SWITCHBOARD = "switchboard"
VARIANTS = {"switchboard-1"}
NAMES = {
    "switchboard": "**Switchboard** (all-in-one jar)",
    "switchboard-1": "**Switchboard**, `instances: 1`",
    "switchboard+python": "**Switchboard** gateway + Python adapter (2 workers × 100 threads)",
    "vertx": "hand-written Vert.x",
    "c-epoll": "C epoll",
    "py-selectors": "Python `selectors`",
    "py-asyncio": "Python asyncio",
    "py-loop": "Python plain socket loop",
    "nginx": "nginx `return 200`",
    "gunicorn": "gunicorn, 2 sync workers",
}


def read_results(path):
    """{(server, load): {key: [values of each pass]}}"""
    results = {}
    with open(path) as lines:
        for line in lines:
            fields = dict(field.split("=", 1) for field in line.split() if "=" in field)
            entry = results.setdefault((fields.pop("server"), fields.pop("load")), {})
            fields.update(per_cpu_second(fields))
            for key, value in fields.items():
                entry.setdefault(key, []).append(value)
    return results


def per_cpu_second(fields):
    """What one second of the server's CPU time did in this pass: operations, and MB for the byte streams."""
    try:
        cpu, ops = float(fields["server_cpu_s"]), float(fields["ops"])
    except (KeyError, ValueError):
        return {}
    if cpu <= 0:
        return {}
    derived = {"ops_per_cpu_s": str(ops / cpu)}
    if "mbps" in fields:
        derived["mb_per_cpu_s"] = str(float(fields["mbps"]) * float(fields["secs"]) / cpu)
    return derived


def figure(results, server, load, key):
    values = results.get((server, load), {}).get(key)
    if not values:
        return None
    try:
        return statistics.median(float(v) for v in values)
    except ValueError:
        return None


def failed(results, server, load):
    entry = results.get((server, load), {})
    return any(s != "0" for s in entry.get("status", [])) or any(float(e) > 0 for e in entry.get("errors", []))


def fmt(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def ratio(ours, theirs, lower_is_better=False):
    # A JVM's RSS can shrink while connections are held (its heap follows its own schedule): no meaningful ratio then.
    if not ours or not theirs or ours < 0 or theirs < 0:
        return "–"
    return f"{(theirs / ours if lower_is_better else ours / theirs):.2f}×"


def table(results, title, load, columns, servers, ours=SWITCHBOARD, main="rate", per_cpu=None, lower_is_better=False,
          note=""):
    """One Markdown table: a row per server, and on each baseline row Switchboard's ratio to it. With per_cpu (the
    key of the main figure per server CPU-second), a column for it after the main figures and a ratio on it too."""
    rows = [f"### {title}", ""]
    if note:
        rows += [note, ""]
    columns = columns[:1] + ([("per server CPU-s", per_cpu, 0)] if per_cpu else []) + columns[1:]
    ratios = [(main, "Switchboard ÷ this")] + ([(per_cpu, "Switchboard ÷ this, per CPU-s")] if per_cpu else [])
    header = ["server"] + [name for name, _, _ in columns] + [name for _, name in ratios]
    rows.append("| " + " | ".join(header) + " |")
    rows.append("|" + "---|" + "---:|" * (len(header) - 1))
    for server in servers:
        if (server, load) not in results:
            continue
        cells = [NAMES.get(server, server) + (" ⚠ errors" if failed(results, server, load) else "")]
        cells += [fmt(figure(results, server, load, key), digits) for _, key, digits in columns]
        mine_row = server == ours or server in VARIANTS
        cells += ["" if mine_row else ratio(figure(results, ours, load, key), figure(results, server, load, key),
                                            lower_is_better) for key, _ in ratios]
        rows.append("| " + " | ".join(cells) + " |")
    return rows + [""]


PINNED, UNPINNED = "pinned", "unpinned"


def targets(results, mode):
    """The targets of issue 18, each with what this run (in MODE) measured. Each ratio is Switchboard's throughput
    divided by the baseline's in the same run; the TCP ping-pong targets are judged in the pinned mode only."""
    def r(load, baseline, ours=SWITCHBOARD):
        mine, theirs = figure(results, ours, load, "rate"), figure(results, baseline, load, "rate")
        return mine / theirs if mine and theirs else None

    # (target, measured ratio, wanted at least, the only mode it is judged in: None for both)
    checks = [
        ("HTTP hello ÷ hand-written Vert.x", r("http", "vertx"), 0.8, None),
        ("HTTP hello ÷ nginx", r("http", "nginx"), 0.7, None),
        ("Python WSGI app: gateway + adapter ÷ gunicorn sync", r("wsgi", "gunicorn", ours="switchboard+python"), 1.5,
         None),
        ("UDP 64 B × 16 ÷ Python plain loop", r("udp", "py-loop"), 1.0, None),
        ("UDP 64 B × 16 ÷ C", r("udp", "c-epoll"), 0.8, None),
        ("TCP ping-pong 64 B × 100 ÷ hand-written Vert.x", r("pingpong", "vertx"), 1.0, PINNED),
        ("TCP ping-pong 64 B × 100 ÷ Python `selectors`", r("pingpong", "py-selectors"), 1.0, PINNED),
        ("TCP ping-pong 64 B × 100 ÷ C epoll (stretch)", r("pingpong", "c-epoll"), 0.8, PINNED),
    ]
    rows = ["### Targets", "",
            f"Every figure below comes from this run, in the {mode} mode. The TCP ping-pong targets are judged in the "
            "pinned mode only.", "",
            "| target | measured | mode | wanted | reached |", "|---|---:|---|---:|---|"]
    for name, value, wanted, judged_in in checks:
        reached = (verdict(value, value is not None and value >= wanted) if judged_in in (None, mode)
                   else f"judged in the {judged_in} mode")
        rows.append(f"| {name} | {ratio_text(value)} | {mode} | ≥ {wanted:.1f}× | {reached} |")
    p99 = figure(results, SWITCHBOARD, "http", "p99_us")
    rows.append(f"| HTTP hello p99 | {fmt(p99 and p99 / 1000, 1)} ms | {mode} | ≤ 5 ms "
                f"| {verdict(p99, p99 is not None and p99 <= 5_000)} |")
    peak = figure(results, SWITCHBOARD, "tcp-peak", "rss_hwm_kb")
    rows.append(f"| peak RSS over the TCP run (incl. 10,000 idle connections; VmHWM) | {fmt(peak and peak / 1024)} MB "
                f"| {mode} | ≤ 256 MB | {verdict(peak, peak is not None and peak <= 256 * 1024)} |")
    return rows + [""]


def ratio_text(value):
    return "–" if value is None else f"{value:.2f}×"


def verdict(value, reached):
    if value is None:
        return "not measured"
    return "yes" if reached else "**no**"


def render(machine_path, results_path, doc_path):
    facts = dict(line.rstrip("\n").split("=", 1) for line in open(machine_path) if "=" in line)
    results = read_results(results_path)
    tcp = ["switchboard", "switchboard-1", "vertx", "c-epoll", "py-selectors", "py-asyncio"]
    passes = facts.get("passes", "1")
    pinned = facts.get("pinned") == "yes"
    markers = "results-pinned" if pinned else "results"
    if pinned:
        server_cpus = facts.get("server_cpus", "")
        count = len(server_cpus.split(","))
        cores = (f"**Pinned:** every server process runs on CPU {server_cpus} and every load generator on CPU "
                 f"{facts.get('client_cpus')} (`taskset`), so a server has its {count} core{'s' if count > 1 else ''} "
                 f"to itself. The JVMs see {count} processor{'s' if count > 1 else ''} (`availableProcessors`), and size "
                 "themselves by it: Vert.x makes 2 event loops per processor, Switchboard deploys one instance of each "
                 "service per processor (its default `instances`), and so do the hand-written Vert.x TCP and HTTP "
                 "servers.")
    else:
        cores = ("**The load generator and the server share these cores**, so a server that spends less CPU per "
                 "message leaves more to the client and scores higher.")
    lines = [begin(markers), "",
             f"Run `bench/run.sh {facts.get('mode')}{' --pinned' if pinned else ''}` of {facts.get('date')} at commit "
             f"`{facts.get('commit')}`; " + ("one pass." if passes == "1" else f"median of {passes} passes."),
             "",
             f"Machine: {facts.get('cores')} cores ({facts.get('cpu')}), {facts.get('memory')}, {facts.get('kernel')}; "
             f"{facts.get('jdk')}; {facts.get('python')}; {facts.get('nginx')}; {facts.get('gunicorn')}; "
             f"{facts.get('wrk')}. {cores}",
             "",
             f"Switchboard runs as `./switchboard.sh` with its default settings (JVM options `{facts.get('jvm_options')}`), "
             "every role in one JVM. \"per server CPU-s\": the figure per second of the server's CPU time (user + "
             "system, from `/proc/PID/stat`, its child processes included) over the measured part of the load.",
             ""]
    lines += targets(results, PINNED if pinned else UNPINNED)
    latency = [("p50 µs", "p50_us", 0), ("p99 µs", "p99_us", 0), ("p99.9 µs", "p999_us", 0)]
    lines += table(results, "TCP echo, ping-pong, 64 B × 100 connections", "pingpong",
                   [("messages/s", "rate", 0)] + latency, tcp, per_cpu="ops_per_cpu_s")
    lines += table(results, "TCP echo, stream, 16 KiB writes × 10 connections (every byte verified)", "stream",
                   [("MB/s", "mbps", 0)], tcp, main="mbps", per_cpu="mb_per_cpu_s")
    lines += table(results, "TCP connection storm, 50 at a time (connect, 64 B echo, close)", "storm",
                   [("connections/s", "rate", 0), ("p99 µs", "p99_us", 0)], tcp, per_cpu="ops_per_cpu_s")
    lines += table(results, "10,000 idle TCP connections", "hold",
                   [("server RSS before, KB", "rss_before_kb", 0), ("RSS holding them, KB", "rss_kb", 0),
                    ("bytes per connection", "rss_per_conn_b", 0)], tcp, main="rss_per_conn_b", lower_is_better=True,
                   note="Ratio: the baseline's bytes per connection ÷ Switchboard's (above 1 = Switchboard uses less). "
                        "For the JVMs the figure is indicative: their heaps grow and shrink on their own schedule, "
                        "so RSS can even fall while the connections are held (a negative figure).")
    lines += table(results, "Peak RSS over the whole TCP run (process high-water mark, VmHWM)", "tcp-peak",
                   [("peak RSS, KB", "rss_hwm_kb", 0)], tcp, main="rss_hwm_kb", lower_is_better=True,
                   note="Ratio: the baseline's peak ÷ Switchboard's (above 1 = Switchboard uses less).")
    lines += table(results, "UDP echo, 64 B request-reply × 16 sockets", "udp",
                   [("replies/s", "rate", 0)] + latency + [("lost", "lost", 0)],
                   ["switchboard", "switchboard-1", "vertx", "c-epoll", "py-loop", "py-asyncio"], per_cpu="ops_per_cpu_s")
    http = [("requests/s", "rate", 0), ("p50 µs", "p50_us", 0), ("p99 µs", "p99_us", 0)]
    lines += table(results, "HTTP hello, `wrk -t2 -c100` (Switchboard: the built-in `hello` app over the event bus)",
                   "http", http, ["switchboard", "switchboard-1", "vertx", "nginx"], per_cpu="ops_per_cpu_s")
    lines += table(results, "A Python WSGI app (bench/baselines/wsgi/hello.py), `wrk -t2 -c100`", "wsgi", http,
                   ["switchboard+python", "gunicorn"], ours="switchboard+python", per_cpu="ops_per_cpu_s",
                   note="gunicorn answers with `Connection: close` (sync workers do not keep connections alive), "
                        "so wrk reconnects for every request there. Server CPU: the gateway's JVM and the adapter's "
                        "processes; gunicorn's master and workers.")
    if any(load == "h2c" for _, load in results):
        lines += table(results, "HTTP/2 cleartext hello, `h2load -c100 -m4`", "h2c",
                       [("requests/s", "rate", 0), ("mean µs", "mean_us", 0)], ["switchboard", "vertx"],
                       per_cpu="ops_per_cpu_s")
    ready = figure(results, SWITCHBOARD, "startup", "ready_ms")
    lines += ["### Start-up", "",
              f"From `./switchboard.sh` to `/health/ready` answering 200 (every listener bound): {fmt(ready)} ms.", "",
              end(markers)]
    write_between_markers(doc_path, markers, "\n".join(lines))


def write_between_markers(doc_path, name, section):
    """Replaces what is between the NAME markers (both included); appends them when the document has none."""
    try:
        text = open(doc_path).read()
    except FileNotFoundError:
        text = "# Benchmarks\n"
    first, last = begin(name), end(name)
    if first not in text or last not in text:
        text = text.rstrip("\n") + "\n\n" + first + "\n" + last + "\n"
    start, stop = text.find(first), text.find(last) + len(last)
    with open(doc_path, "w") as doc:
        doc.write(text[:start] + section + text[stop:])


def h2load(text):
    """h2load prints no percentiles: the rate, the mean request time and the failures."""
    rate = re.search(r"finished in ([\d.]+)s, ([\d.]+) req/s", text)
    counts = re.search(r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, "
                       r"(\d+) timeout", text)
    mean = re.search(r"time for request:\s+\S+\s+\S+\s+(\S+)", text)
    if not rate or not counts:
        print("RESULT mode=h2c errors=1")
        return
    mean_us = to_us(mean.group(1)) if mean else 0
    errors = int(counts.group(4)) + int(counts.group(5)) + int(counts.group(6))
    print(f"RESULT mode=h2c secs={rate.group(1)} ops={counts.group(3)} rate={rate.group(2)} mean_us={mean_us:.1f} "
          f"errors={errors}")


def to_us(value):
    number = float(re.match(r"[\d.]+", value).group())
    return number * {"us": 1, "ms": 1000, "s": 1_000_000}[re.search(r"(us|ms|s)$", value).group(1)]


if __name__ == "__main__":
    if sys.argv[1:2] == ["render"] and len(sys.argv) == 5:
        render(*sys.argv[2:])
    elif sys.argv[1:2] == ["section"] and len(sys.argv) == 5:
        name, text_path, doc_path = sys.argv[2:]
        write_between_markers(doc_path, name, begin(name) + "\n\n" + open(text_path).read().strip() + "\n\n" + end(name))
    elif sys.argv[1:2] == ["h2load"]:
        h2load(sys.stdin.read())
    else:
        sys.exit(__doc__)

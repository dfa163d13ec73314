// Switchboard dashboard: no build step. Every second it reads /metrics (Prometheus text) and /health/ready, and it
// follows /events (server-sent events). The charts keep a ring of samples, five minutes at one a second, so the page's
// memory stays the same however long it is open. At thousands of events a second it stays responsive: events are
// counted as they come but drawn at most ten every 100 ms, and the list keeps the newest 50.
"use strict";

const POLL_MS = 1000;
const FETCH_TIMEOUT_MS = 5000;
const WINDOW_MS = 5 * 60 * 1000;
const MAX_ROWS = 50;
const DRAW_PER_TICK = 10;
const DURATION = "switchboard_gateway_request_duration_seconds";
const RESPONSES = "switchboard_gateway_responses_total";

const CHARTS = [
  {id: "requests", title: "Requests", unit: "/s", missing: "the gateway is not running in this process",
    series: [{key: "requests", label: "all routes", metric: RESPONSES}]},
  {id: "latency", title: "Latency", unit: "ms", missing: "the gateway is not running in this process",
    series: [{key: "p50", label: "p50", metric: DURATION + "_bucket"},
      {key: "p99", label: "p99", metric: DURATION + "_bucket"}]},
  {id: "datagrams", title: "Datagrams", unit: "/s", missing: "the udp service is not running in this process",
    series: [{key: "datagrams", label: "received", metric: "switchboard_udp_datagrams_received_total"}]},
  {id: "connections", title: "Connections", unit: "", missing: "no connection gauges in /metrics",
    series: [{key: "echo", label: "echo", metric: "switchboard_echo_connections"},
      {key: "gateway", label: "gateway", metric: "switchboard_gateway_connections"},
      {key: "bridge", label: "bridge", metric: "switchboard_bridge_connections"}]},
  {id: "errors", title: "Errors", unit: "/s", missing: "the gateway is not running in this process",
    series: [{key: "failures", label: "failures", metric: "switchboard_gateway_failures_total"},
      {key: "rejections", label: "rejections", metric: "switchboard_gateway_rejections_total"}]},
];

const ring = new SampleRing(WINDOW_MS / POLL_MS);
let charts = [];
let previous = null;
let pending = [];
let eventsThisSecond = 0;

function show(id, value) {
  document.getElementById(id).textContent = value;
}

function format(n) {
  return formatValue(n, "");
}

/** One point per chart series from two consecutive scrapes; latency from the buckets counted in between. */
function sample(before, now) {
  const values = {
    requests: ratePerSecond(before, now, RESPONSES),
    datagrams: ratePerSecond(before, now, "switchboard_udp_datagrams_received_total"),
    echo: now.sum("switchboard_echo_connections"),
    gateway: now.sum("switchboard_gateway_connections"),
    bridge: now.sum("switchboard_bridge_connections"),
    failures: ratePerSecond(before, now, "switchboard_gateway_failures_total"),
    rejections: ratePerSecond(before, now, "switchboard_gateway_rejections_total"),
  };
  const counted = bucketDelta(before.buckets(DURATION), now.buckets(DURATION));
  for (const [key, q] of [["p50", 0.5], ["p99", 0.99]]) {
    const seconds = counted === null ? null : quantile(q, counted);
    values[key] = seconds === null ? null : seconds * 1000;
  }
  const present = {};
  for (const chart of CHARTS) {
    for (const s of chart.series) present[s.key] = now.has(s.metric);
  }
  return {at: now.at, values, present};
}

function showCards(m) {
  const value = name => m.sum(name) || 0;
  show("http-total", format(value(RESPONSES)));
  show("udp-total", format(value("switchboard_udp_datagrams_received_total")));
  const echoConnections = value("switchboard_echo_connections");
  const gatewayConnections = value("switchboard_gateway_connections");
  show("connections", format(echoConnections + gatewayConnections));
  show("echo-connections", format(echoConnections));
  show("gateway-connections", format(gatewayConnections));
  show("errors", format(m.sum(RESPONSES, {class: "5xx"}) || 0));
  show("rejections", format(value("switchboard_gateway_rejections_total") + value("switchboard_gateway_connections_refused_total")));
}

/** The per-route table: every route label that has answered, with its totals and p99 since the process started. */
function showRoutes(m) {
  const requests = m.sumBy(RESPONSES, "route");
  const rows = [...requests].filter(([, count]) => count > 0).sort((a, b) => b[1] - a[1]).map(([route, count]) => {
    const p99 = quantile(0.99, m.buckets(DURATION, route));
    const row = element("tr", {"data-route": route});
    row.append(element("td", {class: "route"}, route), element("td", {class: "requests"}, format(count)),
        element("td", {class: "client-errors"}, format(m.sum(RESPONSES, {route, class: "4xx"}) || 0)),
        element("td", {class: "server-errors"}, format(m.sum(RESPONSES, {route, class: "5xx"}) || 0)),
        element("td", {class: "p99"}, p99 === null ? "–" : formatValue(p99 * 1000, "ms")));
    return row;
  });
  document.querySelector("#routes tbody").replaceChildren(...rows);
}

async function refresh() {
  try {
    const response = await fetch("/metrics", {cache: "no-store", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS)});
    if (!response.ok) throw new Error("metrics " + response.status);
    const m = new Scrape(await response.text(), performance.now());
    if (previous) {
      const point = sample(previous, m);
      ring.push(point);
      show("http-rate", point.values.requests === null ? "–" : format(point.values.requests) + "/s");
      show("udp-rate", point.values.datagrams === null ? "–" : format(point.values.datagrams) + "/s");
      const samples = ring.toArray();
      for (const chart of charts) chart.draw(samples);
    }
    previous = m;
    showCards(m);
    showRoutes(m);
    setStatus("live", "live");
  } catch (e) {
    setStatus("down", "no metrics: " + e.message);
    for (const chart of charts) chart.unavailable("/metrics did not answer (" + e.message + ")");
  }
  try {
    const answer = await fetch("/health/ready", {cache: "no-store", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS)});
    const ready = await answer.json();
    const cluster = (ready.checks || []).find(c => c.id === "cluster");
    show("cluster", cluster ? String(cluster.data.members) : "1");
    show("cluster-detail", cluster ? "members (min " + cluster.data.minMembers + ")" : "single process");
  } catch (e) {
    show("cluster", "?");
  }
  show("event-rate", eventsThisSecond + " events/s");
  eventsThisSecond = 0;
}

function setStatus(kind, text) {
  const status = document.getElementById("status");
  status.className = "status " + kind;
  status.textContent = text;
}

/** Whether an event row passes the filter: its kind, and the filter text anywhere in the row, ignoring case. */
function passes(row) {
  const kind = document.getElementById("event-kind").value;
  const text = document.getElementById("event-filter").value.toLowerCase();
  return (!kind || row.dataset.kind === kind) && (!text || row.textContent.toLowerCase().includes(text));
}

function applyFilter() {
  const rows = [...document.querySelectorAll("#events li")];
  let shown = 0;
  for (const row of rows) {
    row.hidden = !passes(row);
    if (!row.hidden) shown++;
  }
  show("event-shown", rows.length ? shown + " of " + rows.length + " shown" : "");
}

function drawEvents() {
  const list = document.getElementById("events");
  const batch = pending.splice(0, DRAW_PER_TICK);
  pending = [];
  if (!batch.length) return;
  for (const event of batch) {
    const row = element("li", {"data-kind": event.kind});
    row.append(element("span", {class: "kind"}, event.kind), document.createTextNode(event.text));
    list.insertBefore(row, list.firstChild);
  }
  while (list.children.length > MAX_ROWS) list.removeChild(list.lastChild);
  applyFilter();
}

function describe(kind, data) {
  if (kind === "echo") {
    return data.type + " #" + data.id + " " + data.listener + " " + data.remote
        + (data.reason ? " " + data.reason + " in " + data.bytesIn + " out " + data.bytesOut : "");
  }
  return data.from + " → " + data.to + " " + data.size + " bytes";
}

function follow() {
  const source = new EventSource("/events");
  for (const kind of ["echo", "udp"]) {
    source.addEventListener(kind, message => {
      eventsThisSecond++;
      if (pending.length < DRAW_PER_TICK) {
        pending.push({kind, text: describe(kind, JSON.parse(message.data))});
      }
    });
  }
}

charts = CHARTS.map(spec => new LineChart(document.getElementById("charts"), spec));
document.getElementById("event-kind").addEventListener("change", applyFilter);
document.getElementById("event-filter").addEventListener("input", applyFilter);
// The next poll starts when this one has ended, so a slow answer never has two scrapes racing for the same sample.
(async function poll() {
  await refresh();
  setTimeout(poll, POLL_MS);
})();
setInterval(drawEvents, 100);
follow();

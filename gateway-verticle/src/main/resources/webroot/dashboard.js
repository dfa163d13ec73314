// Switchboard dashboard: no build step. Every second it reads /metrics (Prometheus text) and /health/ready, and it
// follows /events (server-sent events). At thousands of events a second it stays responsive: events are counted as
// they come but drawn at most ten a second, and the list keeps the newest 50.
"use strict";

const MAX_ROWS = 50;
const DRAW_PER_TICK = 10;
let previous = null;
let pending = [];
let eventsThisSecond = 0;

function parseMetrics(text) {
  const sums = {};
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([0-9.eE+-]+|NaN)/.exec(line);
    if (!match) continue;
    const labels = match[2] || "";
    const value = Number(match[3]);
    if (Number.isNaN(value)) continue;
    sums[match[1]] = (sums[match[1]] || 0) + value;
    const statusClass = /class="(\dxx)"/.exec(labels);
    if (statusClass) {
      const key = match[1] + ":" + statusClass[1];
      sums[key] = (sums[key] || 0) + value;
    }
  }
  return sums;
}

function show(id, value) {
  document.getElementById(id).textContent = value;
}

function format(n) {
  return n >= 1e6 ? (n / 1e6).toFixed(1) + "M" : n >= 1e4 ? (n / 1e3).toFixed(1) + "k" : String(Math.round(n));
}

async function refresh() {
  try {
    const response = await fetch("/metrics", {cache: "no-store"});
    if (!response.ok) throw new Error("metrics " + response.status);
    const m = parseMetrics(await response.text());
    const now = performance.now();
    const http = m["switchboard_gateway_responses_total"] || 0;
    const udp = m["switchboard_udp_datagrams_received_total"] || 0;
    if (previous) {
      const seconds = (now - previous.at) / 1000;
      show("http-rate", format(Math.max(0, http - previous.http) / seconds) + "/s");
      show("udp-rate", format(Math.max(0, udp - previous.udp) / seconds) + "/s");
    }
    previous = {at: now, http, udp};
    show("http-total", format(http));
    show("udp-total", format(udp));
    const echoConnections = m["switchboard_echo_connections"] || 0;
    const gatewayConnections = m["switchboard_gateway_connections"] || 0;
    show("connections", format(echoConnections + gatewayConnections));
    show("echo-connections", format(echoConnections));
    show("gateway-connections", format(gatewayConnections));
    show("errors", format(m["switchboard_gateway_responses_total:5xx"] || 0));
    show("rejections", format((m["switchboard_gateway_rejections_total"] || 0)
        + (m["switchboard_gateway_connections_refused_total"] || 0)));
    setStatus("live", "live");
  } catch (e) {
    setStatus("down", "no metrics: " + e.message);
  }
  try {
    const ready = await (await fetch("/health/ready", {cache: "no-store"})).json();
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

function drawEvents() {
  const list = document.getElementById("events");
  const batch = pending.splice(0, DRAW_PER_TICK);
  pending = [];
  for (const event of batch) {
    const row = document.createElement("li");
    const kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = event.kind;
    row.appendChild(kind);
    row.appendChild(document.createTextNode(event.text));
    list.insertBefore(row, list.firstChild);
  }
  while (list.children.length > MAX_ROWS) list.removeChild(list.lastChild);
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

refresh();
setInterval(refresh, 1000);
setInterval(drawEvents, 100);
follow();

// Time-series charts for the dashboard in plain SVG: a fixed ring of samples (bounded memory whatever the uptime) and
// a line chart that draws the ring's series, with a gap wherever a value is unknown.
"use strict";

const SVG = "http://www.w3.org/2000/svg";

/** The newest `capacity` samples, oldest first on read; older ones are overwritten, never kept. */
class SampleRing {
  constructor(capacity) {
    this.slots = new Array(capacity);
    this.next = 0;
    this.size = 0;
  }

  push(sample) {
    this.slots[this.next] = sample;
    this.next = (this.next + 1) % this.slots.length;
    this.size = Math.min(this.size + 1, this.slots.length);
  }

  toArray() {
    const start = (this.next - this.size + this.slots.length) % this.slots.length;
    const out = [];
    for (let i = 0; i < this.size; i++) out.push(this.slots[(start + i) % this.slots.length]);
    return out;
  }
}

/**
 * One chart: a figure with a caption, a legend and an SVG of one polyline per series. A series whose metric is not in
 * this process's /metrics (its service is not running here) is named as such in the legend; when no series has a
 * metric the chart says so instead of drawing a flat line. For tests the figure carries data-points (the most points
 * any series drew) and data-peak (the largest value drawn).
 */
class LineChart {
  static WIDTH = 300;
  static HEIGHT = 90;

  /** @param spec {id, title, unit, series: [{key, label, metric, missing}]} */
  constructor(parent, spec) {
    this.spec = spec;
    this.figure = element("figure", {class: "chart", id: "chart-" + spec.id});
    const caption = element("figcaption");
    caption.append(element("span", {class: "title"}, spec.title), element("span", {class: "window"}));
    this.legend = element("div", {class: "legend"});
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.setAttribute("viewBox", `0 0 ${LineChart.WIDTH} ${LineChart.HEIGHT}`);
    this.svg.setAttribute("preserveAspectRatio", "none");
    this.paths = spec.series.map((s, i) => {
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("class", "series series-" + i);
      path.setAttribute("vector-effect", "non-scaling-stroke");
      path.dataset.series = s.key;
      this.svg.appendChild(path);
      return path;
    });
    this.scale = element("span", {class: "scale"});
    this.missing = element("p", {class: "missing"});
    this.figure.append(caption, this.legend, this.svg, this.scale, this.missing);
    parent.appendChild(this.figure);
  }

  /** No scrape to draw from (/metrics failed, moved or switched off): say so, keep the points drawn so far. */
  unavailable(reason) {
    this.figure.classList.add("absent");
    this.missing.textContent = "no data: " + reason;
  }

  /** @param samples oldest first: {at, values: {key: number|null}, present: {key: boolean}} */
  draw(samples) {
    const latest = samples[samples.length - 1];
    const present = this.spec.series.map(s => latest !== undefined && latest.present[s.key]);
    const anyPresent = present.some(Boolean);
    this.figure.classList.toggle("absent", !anyPresent);
    this.missing.textContent = anyPresent ? "" : "no data: " + this.spec.missing;
    const values = samples.flatMap(s => this.spec.series.map(series => s.values[series.key]))
        .filter(v => v !== null && v !== undefined);
    const peak = values.length ? Math.max(...values) : 0;
    const top = niceCeiling(peak);
    const from = samples.length ? samples[0].at : 0;
    const span = samples.length > 1 ? samples[samples.length - 1].at - from : 1;
    let mostPoints = 0;
    this.paths.forEach((path, i) => {
      const key = this.spec.series[i].key;
      let d = "";
      let points = 0;
      let drawing = false;
      for (const s of samples) {
        const v = s.values[key];
        if (v === null || v === undefined) {
          drawing = false;
          continue;
        }
        const x = (s.at - from) / span * LineChart.WIDTH;
        const y = LineChart.HEIGHT - (top ? v / top : 0) * (LineChart.HEIGHT - 2) - 1;
        d += (drawing ? "L" : "M") + x.toFixed(1) + " " + y.toFixed(1);
        drawing = true;
        points++;
      }
      path.setAttribute("d", d);
      path.dataset.points = String(points);
      mostPoints = Math.max(mostPoints, points);
    });
    this.figure.dataset.points = String(mostPoints);
    this.figure.dataset.peak = String(peak);
    this.scale.textContent = "max " + formatValue(top, this.spec.unit);
    this.figure.querySelector(".window").textContent = "last " + formatSpan(span);
    this.legend.replaceChildren(...this.spec.series.map((s, i) => {
      const now = latest === undefined ? null : latest.values[s.key];
      const text = !present[i] ? s.label + ": not running in this process"
          : s.label + " " + (now === null || now === undefined ? "–" : formatValue(now, this.spec.unit));
      return element("span", {class: "key series-" + i + (present[i] ? "" : " absent")}, text);
    }));
  }
}

function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** 1, 2 or 5 times a power of ten, at or above n: a scale a reader can take in at a glance. */
function niceCeiling(n) {
  if (n <= 0) return 0;
  const power = Math.pow(10, Math.floor(Math.log10(n)));
  return [1, 2, 5, 10].map(f => f * power).find(c => c >= n);
}

function formatValue(n, unit) {
  const digits = Number.isInteger(n) || Math.abs(n) >= 9.95 ? 0 : 1;
  const text = n >= 1e6 ? (n / 1e6).toFixed(1) + "M" : n >= 1e4 ? (n / 1e3).toFixed(1) + "k" : n.toFixed(digits);
  return text + (unit ? " " + unit : "");
}

function formatSpan(ms) {
  const seconds = Math.round(ms / 1000);
  return seconds >= 60 ? Math.round(seconds / 60) + " min" : seconds + " s";
}

// Reading Prometheus text (GET /metrics) for the dashboard: parsing, sums by label, rates between two scrapes, and
// percentiles from the request-duration histogram's buckets.
"use strict";

/** One scrape: every sample as {name, labels, value}, and the set of metric names present. */
class Scrape {
  constructor(text, at) {
    this.at = at;
    this.samples = [];
    this.names = new Set();
    for (const line of text.split("\n")) {
      if (!line || line.startsWith("#")) continue;
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
      if (!match) continue;
      const value = Number(match[3]);
      if (Number.isNaN(value)) continue;
      const labels = {};
      for (const pair of (match[2] || "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[pair[1]] = pair[2];
      }
      this.samples.push({name: match[1], labels, value});
      this.names.add(match[1]);
    }
  }

  has(name) {
    return this.names.has(name);
  }

  /** The sum of a metric's samples whose labels match every entry of where; null when the metric is absent. */
  sum(name, where = {}) {
    if (!this.has(name)) return null;
    let total = 0;
    for (const s of this.samples) {
      if (s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v)) total += s.value;
    }
    return total;
  }

  /** A metric's sums grouped by one label: Map label value → sum. */
  sumBy(name, label) {
    const groups = new Map();
    for (const s of this.samples) {
      if (s.name === name && label in s.labels) {
        groups.set(s.labels[label], (groups.get(s.labels[label]) || 0) + s.value);
      }
    }
    return groups;
  }

  /** A histogram's cumulative buckets (optionally of one route) as Map upper bound (seconds) → count. */
  buckets(histogram, route) {
    const byBound = new Map();
    for (const s of this.samples) {
      if (s.name !== histogram + "_bucket" || (route !== undefined && s.labels.route !== route)) continue;
      const bound = s.labels.le === "+Inf" ? Infinity : Number(s.labels.le);
      byBound.set(bound, (byBound.get(bound) || 0) + s.value);
    }
    return byBound;
  }
}

/** Per second between two scrapes of a counter; null when either lacks it, or it went back (a restart). */
function ratePerSecond(previous, current, name) {
  const before = previous.sum(name);
  const now = current.sum(name);
  const seconds = (current.at - previous.at) / 1000;
  if (before === null || now === null || now < before || seconds <= 0) return null;
  return (now - before) / seconds;
}

/** The buckets counted between two scrapes (cumulative counts, bound → count); null after a restart. */
function bucketDelta(previousBuckets, currentBuckets) {
  const delta = new Map();
  for (const [bound, count] of currentBuckets) {
    const change = count - (previousBuckets.get(bound) || 0);
    if (change < 0) return null;
    delta.set(bound, change);
  }
  return delta;
}

/**
 * The q-quantile (0..1) of cumulative buckets, interpolated linearly within its bucket as Prometheus's
 * histogram_quantile does; null when the buckets are empty. Past the largest finite bound it answers that bound.
 */
function quantile(q, buckets) {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = bounds.length ? buckets.get(bounds[bounds.length - 1]) : 0;
  if (!total) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const bound of bounds) {
    const count = buckets.get(bound);
    if (count >= rank) {
      if (bound === Infinity) return lower;
      return count === below ? bound : lower + (bound - lower) * (rank - below) / (count - below);
    }
    lower = bound;
    below = count;
  }
  return lower;
}

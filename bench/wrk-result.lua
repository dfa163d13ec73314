-- Prints wrk's figures as one RESULT line (the same key=value form as swload), so bench/run.sh records them alike.
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout
  io.write(string.format(
      "RESULT mode=http secs=%.2f ops=%d rate=%.1f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f errors=%d non2xx=%d timeouts=%d\n",
      summary.duration / 1e6, summary.requests, summary.requests / (summary.duration / 1e6),
      latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
      errors, summary.errors.status, summary.errors.timeout))
end

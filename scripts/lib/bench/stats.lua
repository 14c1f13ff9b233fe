-- wrk script of scripts/bench: no per-request Lua (wrk's fast path); at the end one line
--   WRKSTAT requests=N duration_us=N rps=X p50_us=N p90_us=N p99_us=N max_us=N ...
-- that scripts/lib/bench/report.pl reads. Latencies in microseconds.
done = function(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "WRKSTAT requests=%d duration_us=%d rps=%.2f p50_us=%d p90_us=%d p99_us=%d max_us=%d "
         .. "mean_us=%.1f bytes=%d connect_err=%d read_err=%d write_err=%d status_err=%d "
         .. "timeout_err=%d\n",
      summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      latency.mean, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout))
end

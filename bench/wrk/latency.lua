done = function(summary, latency, requests)
  io.write(string.format("non2xx=%d\n", summary.errors.status))
  for _, p in pairs({50, 99}) do
    io.write(string.format("p%d_ms=%.3f\n", p, latency:percentile(p) / 1000.0))
  end
end

-- Signed WhatsApp webhook deliveries (set BODY_FILE, SIGNATURE and WEBHOOK_PATH in the env).
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
local body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.path = os.getenv("WEBHOOK_PATH")
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Hub-Signature-256"] = os.getenv("SIGNATURE")
done = function(summary, latency, requests)
  io.write(string.format("non2xx=%d\n", summary.errors.status))
  for _, p in pairs({50, 99}) do
    io.write(string.format("p%d_ms=%.3f\n", p, latency:percentile(p) / 1000.0))
  end
end

-- Durable write per request: POST a contact with a bearer token (set TOKEN and WS in the env).
local token = os.getenv("TOKEN")
local ws = os.getenv("WS")
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
request = function()
  counter = counter + 1
  local body = '{"name":"bench ' .. counter .. '","email":"bench' .. counter .. '@example.com"}'
  return wrk.format(nil, "/api/v1/workspaces/" .. ws .. "/contacts", nil, body)
end
done = function(summary, latency, requests)
  io.write(string.format("non2xx=%d\n", summary.errors.status))
  for _, p in pairs({50, 99}) do
    io.write(string.format("p%d_ms=%.3f\n", p, latency:percentile(p) / 1000.0))
  end
end

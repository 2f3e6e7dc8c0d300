-- Signed WhatsApp webhook deliveries, each one different (WEBHOOKS_FILE from
-- bench/gen_webhooks.py: "<signature> <body>" per line; WEBHOOK_PATH is the inbox's URL path).
-- Each wrk thread walks the deliveries from its own offset; after the last one it starts over,
-- and repeats are platform retries (acknowledged, stored, ingested as duplicates).
local signatures, bodies = {}, {}
for line in io.lines(os.getenv("WEBHOOKS_FILE")) do
  local sp = line:find(" ", 1, true)
  signatures[#signatures + 1] = line:sub(1, sp - 1)
  bodies[#bodies + 1] = line:sub(sp + 1)
end
local path = os.getenv("WEBHOOK_PATH")
local counter = 0
setup = function(thread)
  thread:set("offset", math.random(#bodies))
end
init = function()
  counter = offset or 1
end
request = function()
  counter = counter % #bodies + 1
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["X-Hub-Signature-256"] = signatures[counter],
  }, bodies[counter])
end
done = function(summary, latency, requests)
  io.write(string.format("non2xx=%d\n", summary.errors.status))
  for _, p in pairs({50, 99}) do
    io.write(string.format("p%d_ms=%.3f\n", p, latency:percentile(p) / 1000.0))
  end
end

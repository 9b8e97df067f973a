-- wrk script: the documented lookup request with valid credentials. LOOKUP_BODY in the
-- environment replaces the body (e.g. a request the fixture book does not hold). With
-- LOOKUP_VARY set, every request asks for another account name (LOOKUP_BODY's name followed by
-- a counter), so no two requests in a row are alike and no answer is served from a cache.
wrk.method = "POST"
wrk.headers["client_id"] = "demo-client"
wrk.headers["client_secret"] = "demo-secret"
wrk.headers["content-type"] = "application/json"
wrk.headers["x-trace-id"] = "bench-0001"
local body = os.getenv("LOOKUP_BODY")
if body == nil or body == "" then
  body = '{"spId":"10006","accountName":"AT&T CLOUD TEST FOUNDRY","address":{"street":"2900 W PLANO PKWY","city":"PLANO","state":"TX","zipCode":"75075"}}'
end
wrk.body = body

local vary = os.getenv("LOOKUP_VARY")
if vary ~= nil and vary ~= "" then
  local name = string.match(body, '"accountName":"([^"]*)"')
  local counter = 0
  request = function()
    counter = counter + 1
    local varied = string.gsub(body, '"accountName":"[^"]*"', '"accountName":"' .. name .. ' ' .. counter .. '"', 1)
    return wrk.format(nil, nil, nil, varied)
  end
end

-- wrk counts the answers that are not 2xx or 3xx itself (summary.errors.status).
function done(summary, latency, requests)
  io.write(string.format("non-200 answers: %d\n", summary.errors.status))
  io.write(string.format("socket errors: %d\n", summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end

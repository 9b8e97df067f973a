-- wrk script: the documented lookup request with valid credentials. LOOKUP_BODY in the
-- environment replaces the body (e.g. a request the fixture book does not hold).
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

-- wrk counts the answers that are not 2xx or 3xx itself (summary.errors.status).
function done(summary, latency, requests)
  io.write(string.format("non-200 answers: %d\n", summary.errors.status))
  io.write(string.format("socket errors: %d\n", summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end

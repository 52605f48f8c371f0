-- wrk's request: PurchaseSoftware for one customer, as a month-end rush
-- sends it. The token and the customer come from the environment:
--   CSP_TOKEN=... CSP_CUSTOMER=contoso.onmicrosoft.com \
--   wrk -t2 -c64 -d10s -s bench/wrk/purchases.lua http://127.0.0.1:8080
wrk.method = "POST"
wrk.path = "/commands"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("CSP_TOKEN"), "set CSP_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format(
  '{"command":"PurchaseSoftware","customer":"%s","product":"windows-server-2022-datacenter",' ..
  '"quantity":1,"unit_price":"100.00","currency":"USD"}',
  assert(os.getenv("CSP_CUSTOMER"), "set CSP_CUSTOMER"))

-- Anything but 200 is a failed purchase: say how many.
function done(summary, latency, requests)
  io.write(string.format("requests %d, non-200 %d, socket errors %d\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end

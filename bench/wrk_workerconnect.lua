-- Worker Connect load for wrk (bench/bench_workerconnect.py): every request is a GET of a
-- random line of the paths file, signed in with a random one of the session cookies.
-- wrk keeps each connection closed-loop (the next request leaves when the answer is read).
-- Arguments after "--": <paths file> <cookies file> <seed>.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local paths, cookies = {}, {}
errors = 0 -- 5xx, 401 and 403, as the httpx client counts them

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  for line in io.lines(args[2]) do cookies[#cookies + 1] = line end
  math.randomseed(tonumber(args[3]) * 1000 + id) -- each thread its own sequence
end

function request()
  local path = paths[math.random(#paths)]
  local cookie = cookies[math.random(#cookies)]
  return wrk.format("GET", path, { Cookie = cookie })
end

function response(status, headers, body)
  if status >= 500 or status == 401 or status == 403 then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("errors")
  end
  io.write(string.format(
    'WRK {"requests": %d, "seconds": %.3f, "p50": %.3f, "p95": %.3f, "p99": %.3f, ' ..
    '"errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    failed,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end

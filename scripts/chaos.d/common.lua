-- Shared part of the wrk scripts of scripts/chaos (load.lua, fill.lua, flood.lua): thread
-- numbering, per-answer counters, and one line at the end that scripts/chaos reads:
--   CHAOSSTAT kind=K requests=N <counter>=N ... connect_err=N read_err=N write_err=N
--             timeout_err=N status_err=N duration_us=N
-- Each script sets `kind` and `counters` (the names of its global counters, which every
-- thread increments in its own Lua state) before loading this file.
local threads = {}

function setup(thread)
   thread:set("thread_no", #threads)
   table.insert(threads, thread)
end

-- 5xx, 4xx, 3xx and 2xx answers that are none of the script's own kinds
s5xx, s4xx, s3xx, s2xx = 0, 0, 0, 0

-- Counts an answer that is not one the script expects.
function chaos_other(status)
   if status >= 500 then s5xx = s5xx + 1
   elseif status >= 400 then s4xx = s4xx + 1
   elseif status >= 300 then s3xx = s3xx + 1
   else s2xx = s2xx + 1 end
end

function done(summary, latency, requests)
   local names = {}
   for _, n in ipairs(counters) do table.insert(names, n) end
   for _, n in ipairs({ "s5xx", "s4xx", "s3xx", "s2xx" }) do table.insert(names, n) end
   local parts = { "CHAOSSTAT kind=" .. kind, "requests=" .. summary.requests }
   for _, n in ipairs(names) do
      local sum = 0
      for _, t in ipairs(threads) do sum = sum + (tonumber(t:get(n)) or 0) end
      table.insert(parts, n .. "=" .. sum)
   end
   local e = summary.errors
   table.insert(parts, string.format(
      "connect_err=%d read_err=%d write_err=%d timeout_err=%d status_err=%d duration_us=%d "
         .. "p50_us=%d p99_us=%d max_us=%d",
      e.connect, e.read, e.write, e.timeout, e.status, summary.duration,
      latency:percentile(50), latency:percentile(99), latency.max))
   io.write(table.concat(parts, " "), "\n")
end


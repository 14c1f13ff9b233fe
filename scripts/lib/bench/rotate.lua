-- wrk script of scripts/bench: every request carries the next session cookie of a list, so
-- that the requests are spread over many live sessions (as when many participants browse)
-- instead of repeating one. The same script serves the ungated URL, so that wrk's own cost
-- per request is the same for both.
--   wrk ... URL -- COOKIE_FILE [THREADS [warm DONE_PREFIX MARKER]]
-- COOKIE_FILE: one session a line, "RUN<TAB>name=value" (login.lua's files: each session is
-- a participant of its own, and the gate honours a cookie only for the RUN that made it), or
-- just "name=value" (then the RUN is the -H X-Bench-Run value). THREADS: wrk's -t. Thread k
-- starts at line k*N/THREADS + 1 and walks the list in order, wrapping. Each request has the
-- headers given with -H, X-Bench-Run with the line's RUN, and a Cookie header with the
-- cookie (after the -H Cookie value, if any). The request strings are built in init(),
-- before wrk starts its clock: a request costs wrk one table read, whatever the number of
-- cookies.
-- warm: each thread sends its own share of the list (lines k*N/T+1 .. (k+1)*N/T) once, checks
-- each answer (status 200 and MARKER in the body), then creates DONE_PREFIX.k.done and stops
-- (scripts/bench stops wrk once every thread has). It shows the one-time "session started"
-- notice of every session before measuring, and proves every cookie opens the page.
-- At the end: the WRKSTAT line of stats.lua (identical format, read by report.pl) and, when
-- warming, "WARMSTAT ok=N bad=N".
local threads = {}

function setup(thread)
   thread:set("thread_no", #threads)
   table.insert(threads, thread)
end

local reqs, n, pos = {}, 0, 0
warm_ok, warm_bad = nil, nil

function init(args)
   local path = assert(args[1], "rotate.lua: no cookie file")
   local nthreads = tonumber(args[2] or "1") or 1
   local k = thread_no or 0
   local h, cookie, run = {}, nil, nil
   for name, v in pairs(wrk.headers) do
      local l = string.lower(name)
      if l == "cookie" then cookie = v elseif l == "x-bench-run" then run = v else h[name] = v end
   end
   -- one wrk.format with two placeholders, then the three parts around RUN and cookie
   h["Cookie"] = cookie and (cookie .. "; \2") or "\2"
   h["X-Bench-Run"] = "\1"
   local t = wrk.format(nil, nil, h)
   local p1, m1, p2, m2, p3 = string.match(t, "^([^\1\2]*)([\1\2])([^\1\2]*)([\1\2])(.*)$")
   assert(p3 and m1 ~= m2, "rotate.lua: cannot build the requests")
   for line in io.lines(path) do
      local r, ck = string.match(line, "^([^\t]*)\t(.*)$")
      if not r then r, ck = run, line end
      if r and string.find(ck, "=", 2, true) then
         n = n + 1
         if m1 == "\1" then
            reqs[n] = p1 .. r .. p2 .. ck .. p3
         else
            reqs[n] = p1 .. ck .. p2 .. r .. p3
         end
      end
   end
   assert(n > 0, "rotate.lua: no cookie in " .. path)
   local first = math.floor(k * n / nthreads)
   pos = first -- request() advances before use: the first request is line first + 1
   if args[3] == "warm" then
      local last = math.floor((k + 1) * n / nthreads)
      local share, seen, prefix_done, marker = last - first, 0, args[4], args[5]
      local stopped = false
      warm_ok, warm_bad = 0, 0
      if share < 1 then share = 1 end
      local base_request = request
      request = function()
         -- after its share, a thread repeats the start of it until it stops
         if pos >= last then pos = first end
         return base_request()
      end
      response = function(status, hdrs, body)
         seen = seen + 1
         if status == 200 and (not marker or string.find(body, marker, 1, true)) then
            warm_ok = warm_ok + 1
         else
            warm_bad = warm_bad + 1
         end
         -- a few answers more than the share: the last of its requests have been served
         if seen >= share + 64 and not stopped then
            stopped = true
            if prefix_done then
               local d = io.open(prefix_done .. "." .. k .. ".done", "w")
               if d then d:close() end
            end
            wrk.thread:stop()
         end
      end
   end
end

function request()
   pos = pos + 1
   if pos > n then pos = 1 end
   return reqs[pos]
end

-- The WRKSTAT line is stats.lua's own (scripts/bench and report.pl parse it): load its done.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "stats.lua")
local wrkstat = done

done = function(summary, latency, requests)
   wrkstat(summary, latency, requests)
   local ok, bad, warm = 0, 0, false
   for _, t in ipairs(threads) do
      local o = t:get("warm_ok")
      if o then
         warm = true
         ok = ok + o
         bad = bad + (t:get("warm_bad") or 0)
      end
   end
   if warm then io.write(string.format("WARMSTAT ok=%d bad=%d\n", ok, bad)) end
end

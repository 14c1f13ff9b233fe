-- wrk script of scripts/chaos: the population browsing the course. Each request carries the
-- identity header (X-Bench-Run) and the course cookie of the next participant of a list, so
-- that every live session of the population is used in turn.
--   wrk ... GATED_URL -- SESSIONS_FILE MARKER [THREADS]
-- SESSIONS_FILE: "RUN<TAB>name=value" lines (scripts/chaos.d/client.pl login). MARKER: text
-- of the course file. Answers: content (200 with MARKER: by design), gate (200 with a gate
-- page: the session was not recognised), or 5xx/4xx/3xx/other 2xx (common.lua).
kind, counters = "load", { "content", "gate" }
content, gate = 0, 0
local reqs, n, pos, marker = {}, 0, 0, nil

function init(args)
   local path = assert(args[1], "load.lua: no sessions file")
   marker = assert(args[2], "load.lua: no marker")
   local nthreads = tonumber(args[3] or "1") or 1
   for line in io.lines(path) do
      local run, cookie = string.match(line, "^(%S+)\t(%S+)")
      if run then
         local h = {}
         for k, v in pairs(wrk.headers) do h[k] = v end
         h["X-Bench-Run"] = run
         h["Cookie"] = cookie
         n = n + 1
         reqs[n] = wrk.format("GET", nil, h)
      end
   end
   assert(n > 0, "load.lua: no session in " .. path)
   pos = math.floor((thread_no or 0) * n / nthreads)
end

function request()
   pos = pos % n + 1
   return reqs[pos]
end

function response(status, headers, body)
   if status == 200 and body and string.find(body, marker, 1, true) then
      content = content + 1
   elseif status == 200 and body and string.find(body, "IdSesionAlumno", 1, true) then
      gate = gate + 1
   else
      chaos_other(status)
   end
end

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

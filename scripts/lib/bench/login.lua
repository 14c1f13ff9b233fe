-- wrk script of scripts/bench: the login path, each login by a participant of its own. Each
-- connection GETs the gated URL without a session, as a participant never seen before (a
-- RUN of its own in X-Bench-Run): the answer is a gate page, i.e. a pending attempt. Its
-- IdSesionAlumno and RunAlumno go on a per-thread queue; the next request of any connection
-- of the thread POSTs SENCE's success callback for it to /sence/retoma, with the fields the
-- gate sent (as the simulator or SENCE would), and a 303 counts as a completed login.
-- (The store bounds records per participant: one session per course, 4 pending attempts.
-- As one participant, every login would replace the previous one's session.)
--   wrk ... URL -- CALLBACK_PATH LIMIT [COOKIE_FILE [FIRST_RUN STRIDE]]
-- LIMIT bounds the completions per thread (the thread stops there; -d bounds the time):
-- one number for every thread, or a comma-separated list, one per thread ("500,500"). A
-- thread POSTs at most LIMIT callbacks (then only gate pages until their answers are in), so
-- that the logins add exactly LIMIT sessions per thread to the store.
-- RUNs: thread k sends the RUN numbers FIRST_RUN + k*STRIDE + 1, + 2, ... (one per gate
-- page, with its modulo-11 check digit; defaults 20000000 and 10000000), so the numbers of
-- the threads, and of two runs given disjoint ranges, never meet. At most 8 digits.
-- Each gate request's URL carries its RUN as one more query parameter (bench_run=): the
-- gate keeps the URL with the attempt and the callback's 303 sends the participant back to
-- it (Location), which is how an answer is matched to its RUN (wrk's response() does not
-- say which request it answers).
-- COOKIE_FILE: thread N (0, 1, ...) writes the RUN and session cookie of each of its first
-- LIMIT completed logins (from the 303's Location and Set-Cookie) to COOKIE_FILE.N, one
-- "RUN<TAB>name=value" a line; when it reaches LIMIT it closes that file and creates
-- COOKIE_FILE.N.done (scripts/bench stops wrk once every thread has one). wrk threads have
-- separate Lua states: one file each.
-- Reports "LOGINSTAT gates=N completed=N rejected=N other=N unmatched=N requests=N
-- duration_us=N p50_us=N p99_us=N" at the end (unmatched: 303s without a RUN or a cookie).
local sence = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "sence.lua")
local dv, esc, field = sence.dv, sence.esc, sence.field
local threads = {}

function setup(thread)
   thread:set("thread_no", #threads)
   table.insert(threads, thread)
end

local cb_path, limit
local queue, queue_run, qhead, qtail = {}, {}, 1, 0
local fixed -- CodSence, CodigoCurso, LineaCapacitacion: the same for every attempt
local cookie_path, cookie_file, recorded, finished, posted = nil, nil, 0, false, 0
local run_next, run_last -- this thread's next RUN number, and its last one
local get_a, get_b, get_c -- a gate request: get_a .. RUN .. get_b .. RUN .. get_c
gates, completed, rejected, other, unmatched = 0, 0, 0, 0, 0

local function headers(extra)
   local h = {}
   for k, v in pairs(wrk.headers) do h[k] = v end
   for k, v in pairs(extra or {}) do h[k] = v end
   return h
end

function init(args)
   cb_path = args[1] or "/sence/retoma"
   local l = args[2] or "100000"
   if string.find(l, ",", 1, true) then
      local n = 0
      for v in string.gmatch(l, "[^,]+") do
         if n == (thread_no or 0) then limit = tonumber(v) end
         n = n + 1
      end
      limit = limit or 0
   else
      limit = tonumber(l)
   end
   if args[3] and args[3] ~= "" then
      cookie_path = args[3] .. "." .. (thread_no or 0)
      cookie_file = assert(io.open(cookie_path, "w"))
   end
   local first = tonumber(args[4] or "") or 20000000
   local stride = tonumber(args[5] or "") or 10000000
   run_next = first + (thread_no or 0) * stride + 1
   run_last = run_next + stride - 2
   assert(run_last <= 99999999, "login.lua: RUN numbers beyond 8 digits")
   -- the gate request, prebuilt around two placeholders (header order is wrk.format's)
   local h = headers()
   for k in pairs(h) do
      if string.lower(k) == "x-bench-run" or string.lower(k) == "cookie" then h[k] = nil end
   end
   h["X-Bench-Run"] = "\1RUN\1"
   local path = wrk.path .. (string.find(wrk.path, "?", 1, true) and "&" or "?")
      .. "bench_run=\1RUN\1"
   get_a, get_b, get_c = string.match(wrk.format("GET", path, h), "^(.-)\1RUN\1(.-)\1RUN\1(.*)$")
   assert(get_c, "login.lua: cannot build the gate request")
end

-- A response header, whatever the case of its name, or nil.
local function header(hdrs, name)
   local v = hdrs[name]
   if v then return v end
   name = string.lower(name)
   for k, v2 in pairs(hdrs) do
      if string.lower(k) == name then return v2 end
   end
   return nil
end

-- "sence_<hex>=<id>" from the answer's Set-Cookie header(s), or nil.
local function session_cookie(hdrs)
   local sc = header(hdrs, "Set-Cookie")
   return sc and string.match(sc, "(sence_%x+=[^;,%s]+)")
end

-- This thread is done: its cookie file is complete, and scripts/bench may stop wrk.
local function finish()
   if finished then return end
   finished = true
   if cookie_file then
      cookie_file:close()
      cookie_file = nil
      local d = io.open(cookie_path .. ".done", "w")
      if d then d:close() end
   end
end

local post_headers

function request()
   if qtail >= qhead and posted < limit then
      posted = posted + 1
      local id, run = queue[qhead], queue_run[qhead]
      queue[qhead], queue_run[qhead] = nil, nil
      qhead = qhead + 1
      local body = "IdSesionAlumno=" .. esc(id) .. "&RunAlumno=" .. esc(run) .. fixed
         .. "&IdSesionSence=BENCH" .. qhead
         .. "&FechaHora=2026-01-01+10%3A00%3A00&ZonaHoraria=America%2FSantiago"
      post_headers["X-Bench-Run"] = run
      return wrk.format("POST", cb_path, post_headers, body)
   end
   local num = run_next
   if num < run_last then run_next = num + 1 end -- (never reached in a run of the bench)
   local run = num .. "-" .. dv(num)
   return get_a .. run .. get_b .. run .. get_c
end

function response(status, hdrs, body)
   if status == 303 then
      completed = completed + 1
      if cookie_file and recorded < limit then
         local c = session_cookie(hdrs)
         local loc = header(hdrs, "Location")
         local run = loc and string.match(loc, "[?&]bench_run=([%dkK%-]+)")
         if c and run then
            cookie_file:write(run, "\t", c, "\n")
            recorded = recorded + 1
         else
            unmatched = unmatched + 1
         end
      end
      if completed >= limit then
         finish()
         wrk.thread:stop()
      end
   elseif status == 400 or status == 403 or status == 410 then
      rejected = rejected + 1
      if completed + rejected >= limit then
         finish()
         wrk.thread:stop()
      end
   elseif status == 200 and body then
      local id = field(body, "IdSesionAlumno")
      local run = id and field(body, "RunAlumno")
      if run then
         gates = gates + 1
         if not fixed then
            fixed = "&CodSence=" .. esc(field(body, "CodSence") or "")
               .. "&CodigoCurso=" .. esc(field(body, "CodigoCurso") or "")
               .. "&LineaCapacitacion=" .. esc(field(body, "LineaCapacitacion") or "")
            post_headers = headers({ ["Content-Type"] = "application/x-www-form-urlencoded" })
            for k in pairs(post_headers) do
               local lk = string.lower(k)
               if lk == "cookie" or lk == "x-bench-run" then post_headers[k] = nil end
            end
         end
         qtail = qtail + 1
         queue[qtail], queue_run[qtail] = id, run
      else
         other = other + 1
      end
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local g, c, r, o, u = 0, 0, 0, 0, 0
   for _, t in ipairs(threads) do
      g = g + t:get("gates")
      c = c + t:get("completed")
      r = r + t:get("rejected")
      o = o + t:get("other")
      u = u + t:get("unmatched")
   end
   io.write(string.format("LOGINSTAT gates=%d completed=%d rejected=%d other=%d unmatched=%d "
                             .. "requests=%d duration_us=%d p50_us=%d p99_us=%d\n",
                          g, c, r, o, u, summary.requests, summary.duration,
                          latency:percentile(50), latency:percentile(99)))
end

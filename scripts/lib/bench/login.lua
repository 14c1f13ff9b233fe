-- wrk script of scripts/bench: the login path. Each connection GETs the gated URL without a
-- session (wrk's URL; identity from -H): the answer is a gate page, i.e. a pending attempt.
-- Its IdSesionAlumno goes on a per-thread queue; the next request of any connection of the
-- thread POSTs SENCE's success callback for it to /sence/retoma, with the fields the gate
-- sent (as the simulator or SENCE would), and a 303 counts as a completed login.
--   wrk ... URL -- CALLBACK_PATH LIMIT [COOKIE_FILE]
-- LIMIT bounds the completions per thread (the thread stops there; -d bounds the time):
-- one number for every thread, or a comma-separated list, one per thread ("500,500"). A
-- thread POSTs at most LIMIT callbacks (then only gate pages until their answers are in), so
-- that the logins add exactly LIMIT sessions per thread to the store.
-- COOKIE_FILE: thread N (0, 1, ...) writes the session cookie of each of its first LIMIT
-- completed logins (from the 303's Set-Cookie) to COOKIE_FILE.N, one "name=value" a line;
-- when it reaches LIMIT it closes that file and creates COOKIE_FILE.N.done (scripts/bench
-- stops wrk once every thread has one). wrk threads have separate Lua states: one file each.
-- Reports "LOGINSTAT gates=N completed=N rejected=N other=N duration_us=N" at the end.
local threads = {}

function setup(thread)
   thread:set("thread_no", #threads)
   table.insert(threads, thread)
end

local cb_path, limit
local queue, qhead, qtail = {}, 1, 0
local fixed -- RunAlumno, CodSence, CodigoCurso, LineaCapacitacion: the same for every attempt
local cookie_path, cookie_file, recorded, finished, posted = nil, nil, 0, false, 0
gates, completed, rejected, other = 0, 0, 0, 0

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
end

local function esc(s)
   return (string.gsub(s, "[^%w%-_%.~]", function(c)
      return string.format("%%%02X", string.byte(c))
   end))
end

local function field(body, name)
   return string.match(body, 'name="' .. name .. '" value="([^"]*)"')
end

local function headers(extra)
   local h = {}
   for k, v in pairs(wrk.headers) do h[k] = v end
   for k, v in pairs(extra or {}) do h[k] = v end
   return h
end

-- "sence_<hex>=<id>" from the answer's Set-Cookie header(s), or nil.
local function session_cookie(hdrs)
   local sc = hdrs["Set-Cookie"]
   if not sc then
      for k, v in pairs(hdrs) do
         if string.lower(k) == "set-cookie" then sc = v break end
      end
   end
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
      local id = queue[qhead]
      queue[qhead] = nil
      qhead = qhead + 1
      local body = "IdSesionAlumno=" .. esc(id) .. fixed .. "&IdSesionSence=BENCH" .. qhead
         .. "&FechaHora=2026-01-01+10%3A00%3A00&ZonaHoraria=America%2FSantiago"
      return wrk.format("POST", cb_path, post_headers, body)
   end
   return wrk.format("GET", nil, headers())
end

function response(status, hdrs, body)
   if status == 303 then
      completed = completed + 1
      if cookie_file and recorded < limit then
         local c = session_cookie(hdrs)
         if c then
            cookie_file:write(c, "\n")
            recorded = recorded + 1
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
      if id then
         gates = gates + 1
         if not fixed then
            fixed = "&RunAlumno=" .. esc(field(body, "RunAlumno") or "")
               .. "&CodSence=" .. esc(field(body, "CodSence") or "")
               .. "&CodigoCurso=" .. esc(field(body, "CodigoCurso") or "")
               .. "&LineaCapacitacion=" .. esc(field(body, "LineaCapacitacion") or "")
            post_headers = headers({ ["Content-Type"] = "application/x-www-form-urlencoded" })
            post_headers["Cookie"] = nil
         end
         qtail = qtail + 1
         queue[qtail] = id
      else
         other = other + 1
      end
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local g, c, r, o = 0, 0, 0, 0
   for _, t in ipairs(threads) do
      g = g + t:get("gates")
      c = c + t:get("completed")
      r = r + t:get("rejected")
      o = o + t:get("other")
   end
   io.write(string.format("LOGINSTAT gates=%d completed=%d rejected=%d other=%d requests=%d "
                             .. "duration_us=%d p50_us=%d p99_us=%d\n",
                          g, c, r, o, summary.requests, summary.duration,
                          latency:percentile(50), latency:percentile(99)))
end

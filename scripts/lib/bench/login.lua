-- wrk script of scripts/bench: the login path. Each connection GETs the gated URL without a
-- session (wrk's URL; identity from -H): the answer is a gate page, i.e. a pending attempt.
-- Its IdSesionAlumno goes on a per-thread queue; the next request of any connection of the
-- thread POSTs SENCE's success callback for it to /sence/retoma, with the fields the gate
-- sent (as the simulator or SENCE would), and a 303 counts as a completed login.
--   wrk ... URL -- CALLBACK_PATH LIMIT
-- LIMIT bounds the completions per thread (the thread stops there; -d bounds the time).
-- Reports "LOGINSTAT gates=N completed=N rejected=N other=N duration_us=N" at the end.
local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

local cb_path, limit
local queue, qhead, qtail = {}, 1, 0
local fixed -- RunAlumno, CodSence, CodigoCurso, LineaCapacitacion: the same for every attempt
gates, completed, rejected, other = 0, 0, 0, 0

function init(args)
   cb_path = args[1] or "/sence/retoma"
   limit = tonumber(args[2] or "100000")
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

local post_headers

function request()
   if qtail >= qhead then
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
      if completed >= limit then wrk.thread:stop() end
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
   elseif status == 400 or status == 403 or status == 410 then
      rejected = rejected + 1
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

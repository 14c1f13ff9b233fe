-- wrk script of scripts/bench: failing logins, each by a participant of its own, on a location
-- that sends alert mails. Each connection GETs the gated URL as a participant never seen before
-- (a RUN of its own in X-Bench-Run: a gate page, a pending attempt); the page's IdSesionAlumno
-- goes on the thread's queue, and the next request POSTs SENCE's error callback for it
-- (GlosaError 312) to CALLBACK_PATH, as SENCE's page would: mod_sence answers with its error
-- page and enqueues an alert mail. How fast those answers come, with the SMTP peer up and
-- then down, is what scripts/bench compares (the mail must never be on the request's path).
--   wrk ... URL -- CALLBACK_PATH FIRST_RUN
-- Reports "ERRSTAT errors=N gates=N other=N requests=N duration_us=N p50_us=N p99_us=N".
local sence = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "sence.lua")
local dv, esc, field = sence.dv, sence.esc, sence.field
local threads = {}
local cb_path, run_next
local queue, qhead, qtail = {}, 1, 0
local post_headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
errors, gates, other = 0, 0, 0

function setup(thread)
   thread:set("thread_no", #threads)
   table.insert(threads, thread)
end

function init(args)
   cb_path = args[1] or "/sence/error"
   run_next = (tonumber(args[2] or "") or 60000000) + (thread_no or 0) * 1000000
end

function request()
   if qtail >= qhead then
      local q = queue[qhead]
      queue[qhead] = nil
      qhead = qhead + 1
      return wrk.format("POST", cb_path, post_headers, q)
   end
   run_next = run_next + 1
   return wrk.format("GET", nil, { ["X-Bench-Run"] = run_next .. "-" .. dv(run_next) })
end

function response(status, headers, body)
   if status == 200 and body and field(body, "IdSesionAlumno") then
      gates = gates + 1
      qtail = qtail + 1
      queue[qtail] = "IdSesionAlumno=" .. esc(field(body, "IdSesionAlumno"))
         .. "&RunAlumno=" .. esc(field(body, "RunAlumno") or "")
         .. "&CodSence=" .. esc(field(body, "CodSence") or "")
         .. "&CodigoCurso=" .. esc(field(body, "CodigoCurso") or "")
         .. "&LineaCapacitacion=" .. esc(field(body, "LineaCapacitacion") or "")
         .. "&GlosaError=312"
   elseif status == 200 and body and string.find(body, "No se pudo iniciar", 1, true) then
      errors = errors + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local n = { errors = 0, gates = 0, other = 0 }
   for _, t in ipairs(threads) do
      for k in pairs(n) do n[k] = n[k] + (tonumber(t:get(k)) or 0) end
   end
   io.write(string.format(
      "ERRSTAT errors=%d gates=%d other=%d requests=%d duration_us=%d p50_us=%d p99_us=%d\n",
      n.errors, n.gates, n.other, summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(99)))
end

-- wrk script of scripts/chaos, phase e: one participant (one RUN, the X-Bench-Run header given
-- with -H) flooding the login path. Each connection GETs the gated URL (a gate page: a new
-- pending attempt); the page's own IdSesionAlumno goes on the thread's queue, and the next
-- request POSTs a forged SENCE success for it to the callback URL, with the fields the gate
-- sent (what a participant can do by hand: docs/en/security.md). Each accepted callback (303)
-- is one more session of that participant in the store.
--   wrk -H 'X-Bench-Run: RUN' ... GATED_URL -- CALLBACK_PATH
-- Answers: gate (200 gate page), accepted (303), rejected (400/403/410: the attempt was gone
-- or refused), or 5xx/other (common.lua).
local sence = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "sence.lua")
local esc, field = sence.esc, sence.field
kind, counters = "flood", { "gate", "accepted", "rejected" }
gate, accepted, rejected = 0, 0, 0
local cb_path
local queue, qhead, qtail = {}, 1, 0
local fixed, post_headers, n = nil, nil, 0

function init(args)
   cb_path = args[1] or "/sence/retoma"
end

function request()
   if qtail >= qhead and fixed then
      local id = queue[qhead]
      queue[qhead] = nil
      qhead = qhead + 1
      n = n + 1
      local body = "IdSesionAlumno=" .. esc(id) .. fixed .. "&IdSesionSence=CHAOS" .. n
         .. "&FechaHora=2026-01-01+10%3A00%3A00&ZonaHoraria=America%2FSantiago"
      return wrk.format("POST", cb_path, post_headers, body)
   end
   return wrk.format("GET")
end

function response(status, headers, body)
   if status == 303 then
      accepted = accepted + 1
   elseif status == 400 or status == 403 or status == 410 then
      rejected = rejected + 1
   elseif status == 200 and body and field(body, "IdSesionAlumno") then
      gate = gate + 1
      if not fixed then
         fixed = "&RunAlumno=" .. esc(field(body, "RunAlumno") or "")
            .. "&CodSence=" .. esc(field(body, "CodSence") or "")
            .. "&CodigoCurso=" .. esc(field(body, "CodigoCurso") or "")
            .. "&LineaCapacitacion=" .. esc(field(body, "LineaCapacitacion") or "")
         -- SENCE's cross-site POST: no identity header, no cookie of the site
         post_headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
      end
      qtail = qtail + 1
      queue[qtail] = field(body, "IdSesionAlumno")
   else
      chaos_other(status)
   end
end

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

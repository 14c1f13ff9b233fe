-- wrk script of scripts/chaos, phase d: many distinct participants starting logins. Every
-- request is a GET of the gated URL without a cookie and with a RUN never used before
-- (X-Bench-Run, a valid check digit): each answer is a gate page, i.e. one more pending
-- attempt in the store, until the store is full and evicts.
--   wrk ... GATED_URL -- FIRST_NUMBER
-- Thread k uses the RUN numbers FIRST_NUMBER + k * 10,000,000 + 1, + 2, ...
local sence = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "sence.lua")
local dv = sence.dv
kind, counters = "fill", { "gate" }
gate = 0
local base, i = 0, 0

function init(args)
   base = (tonumber(args[1] or "") or 30000000) + (thread_no or 0) * 10000000
end

function request()
   i = i + 1
   local num = base + i
   wrk.headers["X-Bench-Run"] = string.format("%d-%s", num, dv(num))
   return wrk.format("GET")
end

function response(status, headers, body)
   if status == 200 and body and string.find(body, "IdSesionAlumno", 1, true) then
      gate = gate + 1
   else
      chaos_other(status)
   end
end

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

-- What the wrk scripts of scripts/bench and scripts/chaos share about SENCE's forms:
--   local sence = dofile(DIR .. "sence.lua")
--   sence.dv(12345678) -> "5"   the RUN's modulo-11 check digit (t/lib/SenceTest.pm run_of)
--   sence.esc(s)                 s percent-encoded for a form body
--   sence.field(body, name)      the value of the input NAME of a gate page (mod_sence writes
--                                name="..." value="..." in that order), or nil
local M = {}

function M.dv(num)
   local s, m = 0, 2
   while num > 0 do
      s = s + (num % 10) * m
      num = math.floor(num / 10)
      m = (m == 7) and 2 or (m + 1)
   end
   local r = 11 - s % 11
   if r == 11 then return "0" elseif r == 10 then return "K" end
   return tostring(r)
end

function M.esc(s)
   return (string.gsub(s, "[^%w%-_%.~]", function(c)
      return string.format("%%%02X", string.byte(c))
   end))
end

function M.field(body, name)
   return string.match(body, 'name="' .. name .. '" value="([^"]*)"')
end

return M

-- POST /api/offers/{id}/accept/ with a random offer and stake; one taker token per thread
-- (run with as many threads as connections, so each client is one taker).
-- Environment: CRUX_WRK_OFFERS="1 2 3", CRUX_WRK_TOKENS="key1 key2", CRUX_WRK_SEED.
local function words(s)
  local t = {}
  for w in string.gmatch(s or "", "%S+") do t[#t + 1] = w end
  return t
end

local counter = 0

function setup(thread)
  counter = counter + 1
  local tokens = words(os.getenv("CRUX_WRK_TOKENS"))
  thread:set("token", tokens[(counter - 1) % #tokens + 1])
  thread:set("seed", counter + tonumber(os.getenv("CRUX_WRK_SEED") or "7"))
end

function init(args)
  offers = words(os.getenv("CRUX_WRK_OFFERS"))
  math.randomseed(seed)
  headers = {["Authorization"] = "Token " .. token, ["Content-Type"] = "application/json"}
end

function request()
  local path = "/api/offers/" .. offers[math.random(#offers)] .. "/accept/"
  return wrk.format("POST", path, headers, '{"stake": ' .. math.random(3, 20) .. "}")
end

done = dofile(os.getenv("CRUX_WRK_REPORT"))

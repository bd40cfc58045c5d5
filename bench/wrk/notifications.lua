-- GET /notifications/ (the inbox page, 50 a page) at random depths, as one logged-in
-- participant with many notifications. Environment: CRUX_WRK_COOKIE (the session cookie),
-- CRUX_WRK_FIRST_ID and CRUX_WRK_LAST_ID (the ids of the reader's notifications; a random
-- cursor between them is a random page), CRUX_WRK_REPORT.
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(seed)
  first = tonumber(os.getenv("CRUX_WRK_FIRST_ID"))
  last = tonumber(os.getenv("CRUX_WRK_LAST_ID"))
  cookie = os.getenv("CRUX_WRK_COOKIE")
end

function request()
  local path = "/notifications/?before=" .. math.random(first + 1, last + 1)
  return wrk.format("GET", path, {["Cookie"] = cookie})
end

done = dofile(os.getenv("CRUX_WRK_REPORT"))

-- GET /api/leaderboard/ for random pages (50 rows) of random score types, as anonymous
-- readers do. Environment: CRUX_WRK_PARTICIPANTS (rows in the board), CRUX_WRK_REPORT.
local types = {"peer", "baseline", "brier", "log"}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(seed)
  pages = math.floor(tonumber(os.getenv("CRUX_WRK_PARTICIPANTS")) / 50)
end

function request()
  local path = "/api/leaderboard/?score_type=" .. types[math.random(#types)] ..
    "&limit=50&offset=" .. (math.random(0, pages - 1) * 50)
  return wrk.format("GET", path)
end

done = dofile(os.getenv("CRUX_WRK_REPORT"))

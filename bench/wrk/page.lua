-- GET one page again and again. Environment: CRUX_WRK_PATH (the path), CRUX_WRK_COOKIE
-- (a Cookie header for a logged-in reader, or empty), CRUX_WRK_REPORT.
local path = os.getenv("CRUX_WRK_PATH")
local cookie = os.getenv("CRUX_WRK_COOKIE") or ""

function request()
  if cookie ~= "" then
    return wrk.format("GET", path, {["Cookie"] = cookie})
  end
  return wrk.format("GET", path)
end

done = dofile(os.getenv("CRUX_WRK_REPORT"))

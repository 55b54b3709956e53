-- wrk script: each request creates a new user (login type none) in the default organization,
-- with a name unique across threads and runs.
local threads = 0
tid = 0 -- set per thread by setup()
local n = 0
local run = tostring(os.time() % 100000)
wrk.headers["Content-Type"] = "application/json"

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function request()
  n = n + 1
  local name = string.format("w%s-%d-%d", run, tid, n)
  local body = string.format(
    '{"email":"%s@load.example","username":"%s","login_type":"none","organization_ids":["00000000-0000-0000-0000-000000000000"]}',
    name, name)
  -- nil headers: wrk.headers, which hold the session token from -H and the content type.
  return wrk.format("POST", nil, nil, body)
end

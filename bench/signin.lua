-- signin.lua - wrk script: every request is a sign-in with a wrong password.
--
--   wrk -s bench/signin.lua URL -- [spread]
--
-- POSTs email=...&password=... to /staff/login, for an email of its own each time (a
-- password-guessing attack on many accounts).  With "spread" each request also claims a
-- client address of its own (X-Forwarded-For; the server must trust the proxy 127.0.0.1), as
-- an attack from many networks would, so no per-address throttle stops it and every attempt
-- asks for a password hash: what the hashing slots bound.
--
-- At the end it prints "status NNN COUNT" per status seen (422 wrong, 429 throttled, 503 no
-- hashing slot free).

local threads = {}
local n = 0

function setup(thread)
	table.insert(threads, thread)
	thread:set("id", #threads)
end

function init(args)
	spread = args[1] == "spread"
	counts = {}
end

function request()
	n = n + 1
	local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
	if spread then
		headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", id % 250, math.floor(n / 250) % 250, n % 250)
	end
	local body = string.format("email=guess%d-%d%%40example.org&password=not-the-password-%d", id, n, n)
	return wrk.format("POST", "/staff/login", headers, body)
end

function response(status, headers, body)
	counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
	local total = {}
	for _, thread in ipairs(threads) do
		local c = thread:get("counts")
		for status, k in pairs(c) do
			total[status] = (total[status] or 0) + k
		end
	end
	for status, k in pairs(total) do
		io.write(string.format("status %d %d\n", status, k))
	end
end

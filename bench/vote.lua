-- vote.lua - wrk script: every request is one vote on one poll.
--
--   wrk -s bench/vote.lua URL -- POLL_ID OPTION_ID [SLUG COOKIE]
--
-- POSTs {"options":["OPTION_ID"]} to /api/v1/polls/POLL_ID/votes.  wrk keeps
-- no cookies, so each request looks like a new browser and makes a new
-- ballot.
--
-- With SLUG and COOKIE it posts the public form instead, as one browser:
-- options=OPTION_ID to /o/SLUG/polls/POLL_ID with the header
-- "Cookie: involve_voter=COOKIE".  Once that browser has voted, every such
-- request reaches the store and is refused there as a second vote (409).
--
-- At the end it prints one line "status NNN COUNT" per status code seen, and
-- "status 2xx COUNT" with their sum, which the bench scripts read to check
-- that the poll's results count at least every accepted vote, and that a
-- flood of second votes was refused as it should be.

local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	local poll = args[1] or "1"
	local option = args[2] or "1"
	local slug, cookie = args[3], args[4]
	wrk.method = "POST"
	if slug and cookie then
		wrk.path = "/o/" .. slug .. "/polls/" .. poll
		wrk.body = "options=" .. option
		wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
		wrk.headers["Cookie"] = "involve_voter=" .. cookie
	else
		wrk.path = "/api/v1/polls/" .. poll .. "/votes"
		wrk.body = '{"options":["' .. option .. '"]}'
		wrk.headers["Content-Type"] = "application/json"
	end
	counts = {}
	request_body = wrk.format()
end

function request()
	return request_body
end

function response(status, headers, body)
	counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
	local total = {}
	for _, thread in ipairs(threads) do
		local c = thread:get("counts")
		for status, n in pairs(c) do
			total[status] = (total[status] or 0) + n
		end
	end
	local ok = 0
	local keys = {}
	for status, n in pairs(total) do
		table.insert(keys, status)
		if status >= 200 and status < 300 then
			ok = ok + n
		end
	end
	table.sort(keys)
	for _, status in ipairs(keys) do
		io.write(string.format("status %d %d\n", status, total[status]))
	end
	io.write(string.format("status 2xx %d\n", ok))
end

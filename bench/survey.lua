-- survey.lua - wrk script: every request is one response to one ten-question survey.
--
--   wrk -s bench/survey.lua URL -- SURVEY_ID
--
-- POSTs the same answers (one of each kind bench/survey.sh's survey asks: choices, a grid, a
-- rating, a number, a date, a postcode, text) to /api/v1/surveys/SURVEY_ID/responses.  wrk
-- keeps no cookies, so each request is a new browser and a new response.  At the end it
-- prints "status NNN COUNT" per status and "status 2xx COUNT", as bench/vote.lua does.

local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	local survey = args[1] or "1"
	wrk.method = "POST"
	wrk.path = "/api/v1/surveys/" .. survey .. "/responses"
	wrk.body = '{"answers":{"who":"Patient","fft":"Very good","agree":"Agree",' ..
		'"priorities":["Grow our own","Health inequalities"],' ..
		'"importance":{"Access":"Very important","Kindness":"Important","Speed":"Important"},' ..
		'"listen":4,"visits":3,"when":"2026-11-30","postcode":"fy11na",' ..
		'"comments":"The staff were kind and the clinic ran on time."}}'
	wrk.headers["Content-Type"] = "application/json"
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

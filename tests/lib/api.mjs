// Calling the JSON API from tests: requests with a token or a cookie, JSON
// bodies read strictly, and RFC 9457 problems checked the same way
// everywhere.
import assert from 'node:assert/strict';

// A function that sends `method path` to server with JSON or raw bodies.
export function apiClient(server) {
	return (method, path, { body, auth, headers = {}, cookie, raw } = {}) => {
		const h = { ...headers };
		if (auth) h.Authorization = `Bearer ${auth}`;
		if (cookie) h.Cookie = cookie;
		let payload;
		if (raw !== undefined) payload = raw;
		else if (body !== undefined) {
			payload = JSON.stringify(body);
			h['Content-Type'] ??= 'application/json';
		}
		return fetch(server.url + path, { method, headers: h, body: payload, redirect: 'manual' });
	};
}

export async function json(res) {
	const text = await res.text();
	try {
		return JSON.parse(text);
	} catch {
		throw new Error(`not JSON (${res.status}): ${text.slice(0, 200)}`);
	}
}

// A problem-details answer with this status and, when given, an error on field.
export async function expectProblem(res, status, field) {
	assert.equal(res.status, status, `status ${res.status}`);
	assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
	const p = await json(res);
	assert.equal(p.status, status);
	assert.ok(p.title && p.detail, 'problem has title and detail');
	if (field) {
		assert.ok(Array.isArray(p.errors), 'problem lists errors');
		assert.ok(p.errors.some((e) => e.field === field), `an error on ${field}: ${JSON.stringify(p.errors)}`);
	}
	return p;
}

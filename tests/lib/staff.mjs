// staff.mjs - the staff pages as a person uses them: signing in (and failing to), the session
// cookie, the CSRF token of a page's forms, signing out.
//
//   const r = await attemptSignIn(server.url, 'o@example.org', 'wrong');  // {status, text, ms, ...}
//   const { cookie, csrf } = await signIn(server.url, 'o@example.org', STAFF_PASSWORD);
//   const page = await staffGet(server.url, '/staff/', cookie);            // never follows a redirect
//   await signOut(server.url, cookie, csrf);
//
// base is a server's (or a node's) url.  cookie is "name=value", whatever the session cookie is
// called (involve_session, or __Host-involve_session behind an https public URL).
import assert from 'node:assert/strict';

const FORM = 'application/x-www-form-urlencoded';

// The name=value part of a Set-Cookie header, or '' when there is none.
export function cookieOf(res, name = /_session$/) {
	for (const line of res.headers.getSetCookie()) {
		const pair = line.split(';')[0];
		if (name.test(pair.split('=')[0])) return pair;
	}
	return '';
}

// The whole Set-Cookie header of the session cookie ('' when none).
export function sessionSetCookie(res) {
	return res.headers.getSetCookie().find((line) => /^[^=]*_session=/.test(line)) || '';
}

// The CSRF token in a page's forms.
export function csrfOf(html) {
	const m = /name="csrf" value="([^"]+)"/.exec(html);
	assert.ok(m, 'the page carries a CSRF token');
	return m[1];
}

// POSTs a form (fields: an object) to a staff page; options: cookie, headers.  Never follows
// a redirect.
export function postForm(base, path, fields, { cookie, headers = {} } = {}) {
	return fetch(base + path, {
		method: 'POST',
		headers: { 'Content-Type': FORM, ...(cookie ? { Cookie: cookie } : {}), ...headers },
		body: new URLSearchParams(fields).toString(),
		redirect: 'manual',
	});
}

// One attempt at signing in; resolves {status, text, headers, cookie, ms}: ms is how long the
// answer took, from sending to the end of its body.  options: cookie (the browser's session
// before), headers.
export async function attemptSignIn(base, email, password, options = {}) {
	const started = process.hrtime.bigint();
	const res = await postForm(base, '/staff/login', { email, password }, options);
	const text = await res.text();
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	return { status: res.status, text, headers: res.headers, cookie: cookieOf(res), res, ms };
}

// A GET of a staff page with the session cookie, not following redirects.
export function staffGet(base, path, cookie) {
	return fetch(base + path, { headers: cookie ? { Cookie: cookie } : {}, redirect: 'manual' });
}

// Signs in (asserting 303 and a session cookie) and reads the dashboard's CSRF token;
// resolves {cookie, csrf}.
export async function signIn(base, email, password, options = {}) {
	const r = await attemptSignIn(base, email, password, options);
	assert.equal(r.status, 303, `sign in as ${email}: ${r.status}`);
	assert.ok(r.cookie, 'signing in sets the session cookie');
	const page = await staffGet(base, '/staff/', r.cookie);
	assert.equal(page.status, 200, 'the dashboard opens once signed in');
	return { cookie: r.cookie, csrf: csrfOf(await page.text()) };
}

// Whether the session cookie opens the dashboard: true (200), false (303 to the sign-in page);
// anything else fails.
export async function signedIn(base, cookie) {
	const res = await staffGet(base, '/staff/', cookie);
	await res.arrayBuffer();
	if (res.status === 200) return true;
	assert.equal(res.status, 303, `the dashboard answered ${res.status}`);
	assert.match(res.headers.get('location'), /^\/staff\/login/);
	return false;
}

// Signs out with the session's CSRF token; asserts the 303.
export async function signOut(base, cookie, csrf) {
	const res = await postForm(base, '/staff/logout', { csrf }, { cookie });
	assert.equal(res.status, 303, 'signed out');
}

// Bad input in every form the demo's pages show: a form of each kind found by following every
// link (the public pages, a survey's pages as a respondent has them before and after sending,
// and the staff pages of an administrator) is sent back with every
// field empty; every field hostile (markup, a very long text, numbers and dates out of any
// range, options that do not exist, ids that name nothing); every field invalid UTF-8; and each
// field alone invalid UTF-8, then alone holding a NUL byte, then alone a short piece of markup.
// The field left empty for robots to fill is always left empty: it refuses them on purpose.
// Each is sent from a fresh copy of its page, with the page's CSRF token.
// Whatever the form, the answer is never a server error: a page that is whole (its language, a
// title, one heading, one <main>, every link to a field leading to one), with the NHS.UK error
// summary and a title beginning "Error: " when it says the input was not valid (422), or a
// redirect.  The hostile markup is never in a page as markup: not in the answers, nor
// afterwards in any page a crawl finds, where what the forms took is shown (and each page is
// still whole, each link leading somewhere).  Then the server still answers and stops cleanly
// (no sanitizer report).
// Forms that end something (delete, disable) are sent last, so the others find what they
// change; signing out is not sent at all.  On each database, one server (as `make run`
// starts), whatever INVOLVE_TEST_CLUSTER says.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { checkWholePage, crawl, kindOf } from '../lib/crawl.mjs';
import { ENGINES, startOn } from '../lib/database.mjs';
import { makeStaff } from '../lib/fixtures.mjs';
import { signIn } from '../lib/staff.mjs';

const ORGS = ['bury', 'blackpool', 'blackburn-with-darwen', 'cheshire'];
const BAD_UTF8 = '%FF%FE%C3%28'; // sent as is: bytes that are not UTF-8
const NUL = 'a%00b'; // sent as is: a NUL byte, which PostgreSQL's text cannot hold
const LONG = 'x'.repeat(20000);
const SCRIPT = '<script>alert(1)</script>';
const JS_LINK = '<a href="javascript:alert(1)">';
// Whether a page holds the hostile markup as markup, not as text: the script, or a link to
// javascript: (as HTML, or as Markdown where a field is Markdown).
const holdsMarkup = (html) => html.includes(SCRIPT) || /href="\s*javascript:/i.test(html);

let server; // the one the test running uses
const servers = {};

before(async () => {
	for (const engine of ENGINES) servers[engine] = await startOn(engine, { args: ['--demo'] });
});

after(async () => {
	for (const one of Object.values(servers)) await one.stop();
});

const decode = (s) => s.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'")
	.replaceAll('&lt;', '<').replaceAll('&gt;', '>');
const attr = (tag, name) => {
	const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
	return m ? decode(m[1]) : null;
};

// The POST forms of a page: {action, multipart, fields: [{name, kind, value, options}]}; kind
// is an input's type, or textarea, select or button.
function formsOf(html, pagePath) {
	const forms = [];
	for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
		if ((attr(m[1], 'method') || 'get').toLowerCase() !== 'post') continue;
		const fields = [];
		const controls = new RegExp(['<(input|button)\\b([^>]*)>',
			'<textarea\\b([^>]*)>([\\s\\S]*?)<\\/textarea>',
			'<select\\b([^>]*)>([\\s\\S]*?)<\\/select>'].join('|'), 'g');
		for (const f of m[2].matchAll(controls)) {
			const tag = f[2] ?? f[3] ?? f[5];
			const name = attr(tag, 'name');
			if (!name) continue;
			if (f[1] === 'input' || f[1] === 'button') {
				const kind = f[1] === 'button' ? 'button' : (attr(tag, 'type') || 'text');
				if ((kind === 'radio' || kind === 'checkbox') && !/\schecked\b/.test(tag)) {
					fields.push({ name, kind, value: null });
				} else {
					fields.push({ name, kind, value: attr(tag, 'value') ?? '' });
				}
			} else if (f[3] !== undefined) {
				fields.push({ name, kind: 'textarea', value: decode(f[4]) });
			} else {
				const options = [...f[6].matchAll(/<option\b([^>]*)>/g)].map((o) => attr(o[1], 'value') ?? '');
				fields.push({ name, kind: 'select', value: options[0] ?? '' });
			}
		}
		forms.push({
			action: new URL(attr(m[1], 'action') || pagePath, 'http://x' + pagePath).pathname,
			multipart: (attr(m[1], 'enctype') || '').includes('multipart'),
			fields,
		});
	}
	return forms;
}

// The value a field is sent with, in a variant; null: the field is left out.  A variant is
// 'empty', 'hostile', 'bad-utf8', or {only: NAME}: that field invalid UTF-8 and every other as
// the page has it, so that no other field's error stops the form before it reads that one.
function valueFor(field, variant) {
	if (field.name === 'csrf') return field.value;
	// The field only robots fill in ("Leave this field empty"), which refuses them on purpose.
	if (field.name === 'website') return '';
	if (field.kind === 'button') return field.value;
	if (variant.only !== undefined) return field.name === variant.only ? variant.bytes : field.value;
	if (variant === 'empty') return field.kind === 'hidden' ? field.value : '';
	if (variant === 'bad-utf8') return BAD_UTF8;
	switch (field.kind) {
	case 'hidden': return '99999999999999999999';
	case 'number': return '-1e309';
	case 'date': return '2023-02-31';
	case 'radio': case 'checkbox': case 'select': return 'no such option';
	case 'file': return null;
	default: return `${SCRIPT}${JS_LINK}x</a>${LONG}`;
	}
}

// The variants a form is sent in.
function variantsOf(form) {
	const named = [...new Set(form.fields.filter((f) => f.name !== 'csrf' && f.name !== 'website' &&
		f.kind !== 'button' && f.kind !== 'file').map((f) => f.name))];
	return ['empty', 'hostile', 'bad-utf8', ...named.flatMap((name) => [
		{ only: name, bytes: BAD_UTF8, what: 'bad-utf8' }, { only: name, bytes: NUL, what: 'a NUL' },
		{ only: name, bytes: `${SCRIPT}${JS_LINK}x</a> [y](javascript:alert(1))`, what: 'markup' }])];
}

// A form's fields in a variant, as a body: urlencoded (invalid UTF-8 sent as its bytes), or
// multipart with the invalid bytes in place.
function bodyOf(form, variant) {
	const pairs = [];
	for (const f of form.fields) {
		if (f.value === null && (variant === 'empty' || variant.only !== undefined)) continue;
		const v = valueFor(f, variant);
		if (v !== null) pairs.push([f.name, v]);
	}
	if (form.multipart) {
		const data = new FormData();
		const raw = { [BAD_UTF8]: [0xff, 0xfe, 0xc3, 0x28], [NUL]: [0x61, 0, 0x62] };
		for (const [k, v] of pairs) data.append(k, raw[v] ? new Blob([Buffer.from(raw[v])]) : v);
		return { body: data, type: null };
	}
	const enc = (s) => (s === BAD_UTF8 || s === NUL ? s : encodeURIComponent(s));
	return {
		body: pairs.map(([k, v]) => `${encodeURIComponent(k)}=${enc(v)}`).join('&'),
		type: 'application/x-www-form-urlencoded',
	};
}

const ENDS = /\/(delete|disable|withdraw|unlink)(\/|$)/;

// Every form on the pages a crawl from starts reaches, one of each kind, sent in each of its
// variants; resolves the number of forms and the problems found.
async function sendEveryForm(starts, { cookie, skip, check }) {
	const headers = cookie ? { Cookie: cookie } : {};
	const { seen, problems } = await crawl(server, starts, { headers, skip, check });
	assert.deepEqual(problems, []);
	// One form of each kind: where it goes (but for ids) and the fields it has.
	const found = new Map(); // action -> the page it is on
	const kinds = new Set();
	for (const { path } of seen) {
		const html = await (await fetch(server.url + path, { headers })).text();
		for (const form of formsOf(html, path)) {
			const kind = `${kindOf(form.action)} ${form.fields.map((f) => f.name).sort().join(' ')}`;
			if (kinds.has(kind) || found.has(form.action)) continue;
			kinds.add(kind);
			found.set(form.action, path);
		}
	}
	// Signing out is left out: the crawl after the forms reads the pages as the same person.
	const actions = [...found.keys()].filter((a) => a !== '/staff/logout')
		.sort((a, b) => ENDS.test(a) - ENDS.test(b));
	const out = [];
	for (const action of actions) {
		let variants = null;
		for (let i = 0; variants === null || i < variants.length; i++) {
			const page = await fetch(server.url + found.get(action), { headers, redirect: 'manual' });
			if (page.status !== 200) break; // what the form was for is gone: ended by one before
			const form = formsOf(await page.text(), found.get(action)).find((f) => f.action === action);
			if (!form) break;
			variants ??= variantsOf(form);
			const variant = variants[i];
			const { body, type } = bodyOf(form, variant);
			const res = await fetch(server.url + action, {
				method: 'POST', body, redirect: 'manual',
				headers: { ...headers, ...(type ? { 'Content-Type': type } : {}) },
			});
			const text = await res.text();
			const name = variant.only !== undefined ? `${variant.what} in ${variant.only} only` : variant;
			const what = `${name}: ${action} (from ${found.get(action)}) answered ${res.status}`;
			if (res.status >= 500) {
				out.push(what);
			} else if (holdsMarkup(text)) {
				out.push(`${what}: the hostile markup is in the page as markup`);
			} else if ((res.status < 300 || res.status >= 400) &&
			    (res.headers.get('content-type') || '').startsWith('text/html')) {
				if (res.status === 422 && !text.includes('nhsuk-error-summary')) {
					out.push(`${what}: no error summary`);
				} else if (res.status === 422 && !/<title>Error: /.test(text)) {
					out.push(`${what}: a title that does not begin "Error: "`);
				}
				try {
					checkWholePage(text, what);
				} catch (e) {
					out.push(e.message);
				}
			}
		}
	}
	// What the forms took, wherever it is shown now.
	const after = await crawl(server, starts, { headers, skip, check });
	out.push(...after.problems.map((p) => `after the forms: ${p}`));
	let shown = 0;
	for (const { path } of after.seen) {
		const html = await (await fetch(server.url + path, { headers })).text();
		if (holdsMarkup(html)) out.push(`${path}: the hostile markup is in the page as markup`);
		shown += html.includes('&lt;script&gt;alert(1)&lt;/script&gt;');
	}
	return { forms: actions.length, problems: out, shown };
}

for (const engine of ENGINES) {
	test(`every public form, sent bad input (${engine})`, async () => {
		server = servers[engine];
		const { forms, problems } = await sendEveryForm(['/', ...ORGS.map((o) => `/o/${o}/`)], {
			skip: (p) => /[?&]lang=/.test(p),
		});
		console.log(`${engine}, public: ${forms} kinds of form`);
		assert.deepEqual(problems, []);
		assert.ok(forms >= 2, `${forms} public forms: a poll's and a survey's`);
	});

	// The respondent's pages are reached by a form (Start now), not a link: one page holding a
	// question of every type, begun as a respondent begins it, then sent bad input.
	test(`a survey page with every type of question, sent bad input (${engine})`, async () => {
		server = servers[engine];
		const { token } = await makeStaff(server, {
			org: 'blackpool', email: 'forms.survey@example.org', role: 'administrator',
		});
		const res = await fetch(`${server.url}/api/v1/surveys`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ title: 'Every type of question', pages: [{ key: 'all', questions: [
				{ key: 'who', type: 'single', text: 'Who?',
					options: ['A', { value: 'o', label: 'Other', other: true }] },
				{ key: 'many', type: 'multiple', text: 'Which?', options: ['A', 'B'] },
				{ key: 'agree', type: 'likert', text: 'Agree?' },
				{ key: 'fft', type: 'fft', required: true },
				{ key: 'rate', type: 'rating', text: 'Rate us' },
				{ key: 'count', type: 'number', text: 'How many?', min: 0, max: 10 },
				{ key: 'when', type: 'date', text: 'When?' },
				{ key: 'postcode', type: 'postcode', text: 'Postcode?' },
				{ key: 'rank', type: 'ranking', text: 'Rank', options: ['A', 'B', 'C'] },
				{ key: 'grid', type: 'grid', text: 'Grid', rows: ['R1', 'R2'], options: ['Yes', 'No'] },
				{ key: 'short', type: 'text', text: 'Short?' },
				{ key: 'long', type: 'long_text', text: 'Long?' },
				{ key: 'note', type: 'info', text: 'A note.' },
			] }] }),
		});
		assert.equal(res.status, 201, await res.clone().text());
		const survey = await res.json();
		const base = `/o/blackpool/surveys/${survey.id}`;
		const started = await fetch(server.url + base, {
			method: 'POST', body: '', redirect: 'manual',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		});
		assert.equal(started.status, 303, 'Start now');
		const cookie = started.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
		const first = new URL(started.headers.get('location'), server.url).pathname;
		// A response's pages are under its private link: no cache keeps them.
		const noStore = (r, path) => assert.match(r.headers.get('cache-control') || '', /no-store/,
			`${path}: Cache-Control`);
		const { forms, problems } = await sendEveryForm([first], {
			cookie, skip: (p) => !p.startsWith(`${base}/r/`), check: noStore,
		});
		console.log(`${engine}, a survey's page: ${forms} kinds of form`);
		assert.deepEqual(problems, []);
		assert.ok(forms >= 1, `${forms} forms on the survey's page`);

		// Then sent, as a respondent sends it: the forms of the page that says so (hearing
		// back, withdrawing).
		const post = (path, body) => fetch(server.url + path, {
			method: 'POST', body, redirect: 'manual',
			headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
		});
		const rbase = first.replace(/\/p\/\d+$/, '');
		assert.equal((await post(`${rbase}/p/1`, 'fft=Very+good')).status, 303, 'the page is answered');
		assert.equal((await post(`${rbase}/check`, '')).status, 303, 'the response is sent');
		const done = await sendEveryForm([`${rbase}/done`], {
			cookie, skip: (p) => !p.startsWith(`${base}/r/`), check: noStore,
		});
		console.log(`${engine}, a sent response's page: ${done.forms} kinds of form`);
		assert.deepEqual(done.problems, []);
		assert.ok(done.forms >= 1, `${done.forms} forms once the response is sent`);
	});

	test(`every staff form, sent bad input (${engine}, administrator)`, async () => {
		server = servers[engine];
		const { email, password } = await makeStaff(server, {
			org: 'blackpool', email: 'forms@example.org', role: 'administrator',
		});
		const { cookie } = await signIn(server.url, email, password);
		const { forms, problems, shown } = await sendEveryForm(['/staff/'], {
			cookie,
			skip: (p) => !p.startsWith('/staff/') || p.startsWith('/staff/logout'),
		});
		console.log(`${engine}, staff: ${forms} kinds of form; ${shown} pages show markup as text`);
		assert.deepEqual(problems, []);
		assert.ok(forms >= 20, `${forms} kinds of staff form`);
		assert.ok(shown >= 3, `${shown} pages show what the forms took, markup as text`);
		const health = await fetch(`${server.url}/healthz`);
		assert.equal(health.status, 200, 'the server still answers');
	});
}

// Cross-site scripting.  Every payload of xss-payloads.txt (one a line: tags, attributes, event
// handlers, javascript: and data: URLs, SVG, MathML, entity, URL, UTF-7 and look-alike
// encodings, broken tags, template syntax, Markdown links) is stored in every text field the
// product keeps and shows: organisation names (`involve org create`), a staff member's email
// address (`involve user add`), poll questions and options (the API and the staff form), site
// page titles and Markdown bodies (the staff page editor), and what the sign-in form echoes.
// Many payloads share a record, so a page load tries many at once.  Then every page that shows
// them is loaded in Chromium: the index, each organisation's home and statements, the poll,
// its results and the embed (before and after voting, and after a refused vote), the staff
// dashboard, a poll's staff page and its edit form, the page editor, the forms shown again
// with errors, and the JSON API's answers as documents.
//
// The browser context bypasses the Content-Security-Policy, so what is tested is the escaping,
// not only the CSP; an init script in every frame turns the marker __xss() and alert, confirm,
// prompt and print into traps that report to the test, and a dialog fails the test too.  Each
// page is also searched for what a payload could have added without running yet: an on*
// attribute, a javascript:, vbscript: or data: URL, an inline script, a frame, an object, a
// base or refresh element, inline style.  And each page must show its payloads as text,
// exactly as typed, so the test knows they were there to be escaped.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { launchBrowser } from '../lib/browser.mjs';
import { createPoll, makeStaff } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';
import { PASSWORD } from './common.mjs';

const PAYLOADS = readFileSync(new URL('./xss-payloads.txt', import.meta.url), 'utf8')
	.split('\n').filter((line) => line !== '');
// A payload that is also a valid email address, for the staff member's own address.
const EMAIL = PAYLOADS.find((p) => /^[^\s<>",]+@example\.org$/.test(p));

const NAME_MAX = 120;     // organisation name, poll option
const QUESTION_MAX = 300;
const TITLE_MAX = 100;    // a site page's title
const FORM_OPTIONS = 10;  // answer boxes on a new poll's form

let server;
let bearer;      // the administrator's API token
let browser;
let page;        // anonymous
let staffPage;   // signed in as the administrator whose address is a payload
const hits = [];       // what the traps caught since the last check, with where
let ranTotal = 0;      // everything they caught
let checked = 0;       // pages checked

// Joins payloads, in order, into strings of at most max characters.
function pack(list, max) {
	const out = [];
	let cur = '';
	for (const p of list) {
		if ([...p].length > max) continue;
		const next = cur ? `${cur} ${p}` : p;
		if ([...next].length > max) {
			out.push(cur);
			cur = p;
		} else {
			cur = next;
		}
	}
	if (cur) out.push(cur);
	return out;
}

function chunk(list, n) {
	const out = [];
	for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
	return out;
}

const norm = (s) => s.replace(/\s+/g, ' ').trim();

// Runs in the page: everything a payload could have added to the document.
function findInjected({ html }) {
	const bad = [];
	const unsafeUrl = /^(javascript|vbscript|data|livescript|file):/i;
	const safeData = /^data:image\/(png|gif|jpeg|webp);/i;
	const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster',
		'background', 'srcset', 'codebase', 'cite', 'ping', 'lowsrc', 'dynsrc'];
	const walk = (root) => {
		for (const el of root.querySelectorAll('*')) {
			const tag = el.localName.toLowerCase();
			for (const a of el.attributes) {
				const name = a.name.toLowerCase();
				// Browsers ignore control characters and spaces inside a URL's scheme.
				const value = a.value.replace(/[\u0000-\u0020]/g, '');
				if (name.startsWith('on')) bad.push(`<${tag} ${name}="${a.value}">`);
				if (name === 'srcdoc') bad.push(`<${tag} srcdoc>`);
				if ((urlAttrs.includes(name) || name.endsWith(':href')) && unsafeUrl.test(value) &&
					!safeData.test(value)) {
					bad.push(`<${tag} ${name}="${a.value}">`);
				}
				if (html && name === 'style') bad.push(`<${tag} style="${a.value}">`);
			}
			if (tag === 'script' && !/^\/static\//.test(el.getAttribute('src') || '')) {
				bad.push(`<script> ${el.outerHTML.slice(0, 80)}`);
			}
			if (['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'portal',
				'isindex'].includes(tag)) {
				bad.push(`<${tag}>`);
			}
			if (tag === 'meta' && el.hasAttribute('http-equiv')) bad.push('<meta http-equiv>');
			if (html && tag === 'style') bad.push('<style>');
			if (tag === 'template' && el.content) walk(el.content);
		}
	};
	walk(document);
	return bad;
}

// Runs in the page: its text, with form fields' values, white space collapsed.
function pageText() {
	const values = [...document.querySelectorAll('input, textarea')].map((i) => i.value);
	return `${document.documentElement.textContent} ${values.join(' ')}`.replace(/\s+/g, ' ');
}

// Lets queued work (error events of broken images, autofocus) run before looking.
async function settle(p) {
	await p.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
}

// Checks the page as it is now: no trap sprung, nothing injected, every text shown.
async function check(p, label, texts = [], { html = true } = {}) {
	await settle(p);
	const ran = hits.splice(0);
	ranTotal += ran.length;
	label = `${label} (${p.url().slice(0, 160)})`;
	assert.deepEqual(ran, [], `${label}: script ran`);
	const injected = await p.evaluate(findInjected, { html });
	assert.deepEqual(injected, [], `${label}: a payload became markup`);
	if (texts.length) {
		const text = await p.evaluate(pageText);
		for (const t of texts) assert.ok(text.includes(norm(t)), `${label} does not show as text: ${t}`);
	}
	checked++;
}

async function visit(p, path, texts = [], { status = 200, html = true } = {}) {
	const res = await p.goto(server.url + path);
	assert.equal(res.status(), status, `GET ${path}`);
	await check(p, `GET ${path}`, texts, { html });
}

// A JSON answer opened as a document: nothing runs, and it parses back to what was stored.
async function visitJson(p, path) {
	const res = await p.goto(server.url + path);
	assert.equal(res.status(), 200, `GET ${path}`);
	assert.match(res.headers()['content-type'], /^application\/json/);
	assert.equal(res.headers()['x-content-type-options'], 'nosniff');
	await check(p, `GET ${path}`, [], { html: false });
	return JSON.parse(await p.evaluate(() => (document.querySelector('pre') || document.body).textContent));
}

const orgs = [];        // {slug, name}
const openPolls = [];   // polls of bury, open, with payload options
const draftPolls = [];
const questions = [];

before(async () => {
	assert.ok(PAYLOADS.length >= 100, `${PAYLOADS.length} payloads`);
	assert.equal(new Set(PAYLOADS).size, PAYLOADS.length, 'payloads are different');
	assert.ok(EMAIL, 'a payload is an email address');
	server = await startServer();

	// Organisation names: every payload, packed into names.
	const names = pack(PAYLOADS, NAME_MAX);
	for (const [i, name] of names.entries()) {
		const slug = i === 0 ? 'bury' : `xss-${i}`;
		const r = await server.cli(['org', 'create', '--slug', slug, '--name', name]);
		assert.equal(r.code, 0, `org ${name}: ${r.stderr}`);
		// The pages are the subject here, not the second factor.
		const u = await server.cli(['org', 'update', '--slug', slug, '--require-mfa', 'none']);
		assert.equal(u.code, 0, `org update ${slug}: ${u.stderr}`);
		orgs.push({ slug, name });
	}
	({ token: bearer } = await makeStaff(server,
		{ email: EMAIL, role: 'administrator', password: PASSWORD }));

	// Questions and options through the API: every payload is an option of some poll, and
	// every payload is in some question.
	questions.push(...pack(PAYLOADS, QUESTION_MAX));
	const optionSets = chunk(PAYLOADS.filter((p) => [...p].length <= NAME_MAX), 20);
	for (let i = 0; i < Math.max(questions.length, optionSets.length); i++) {
		const question = questions[i % questions.length];
		const options = optionSets[i] || ['Yes', 'No'];
		const poll = await createPoll(server.url, bearer, { question, options, show_results: 'after_vote' });
		assert.equal(poll.question, question.trim());
		if (optionSets[i]) {
			openPolls.push(poll);
			draftPolls.push(await createPoll(server.url, bearer,
				{ question, options, opens_at: '2099-01-01T09:00:00Z' }));
		}
	}

	browser = await launchBrowser();
	page = await trappedPage();
	// Staff pages in their own context, signed in with the real form.
	staffPage = await trappedPage();
	await staffPage.goto(`${server.url}/staff/login`);
	await staffPage.locator('#email').fill(EMAIL);
	await staffPage.locator('#password').fill(PASSWORD);
	await staffPage.getByRole('button', { name: 'Sign in' }).click();
	await staffPage.waitForURL(`${server.url}/staff/`);
});

// A page in a new browser context that ignores the Content-Security-Policy and has the traps
// in every frame.
async function trappedPage() {
	const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1024, height: 768 } });
	await context.exposeBinding('__xssReport', ({ frame }, what) => {
		hits.push(`${what} in ${frame.url().slice(0, 120)}`);
	});
	await context.addInitScript(() => {
		const report = (what) => {
			try {
				window.__xssReport(String(what));
			} catch {
				// the binding is missing in this frame: the dialog handler still sees alerts
			}
		};
		const trap = (name) => (...args) => report(`${name}(${args.map(String).join(', ')})`);
		window.__xss = trap('__xss');
		for (const name of ['alert', 'confirm', 'prompt', 'print']) window[name] = trap(name);
	});
	context.on('dialog', (d) => {
		hits.push(`dialog ${d.type()}: ${d.message()}`);
		d.dismiss().catch(() => {});
	});
	return context.newPage();
}

after(async () => {
	if (browser) await browser.close();
	if (server) await server.stop();
});

test('the payload corpus is large and varied', () => {
	assert.ok(PAYLOADS.length >= 100);
	const has = (re) => PAYLOADS.some((p) => re.test(p));
	for (const [what, re] of [
		['script tags', /<script/i], ['event handlers', /\son\w+=/i], ['javascript: URLs', /javascript:/i],
		['data: URLs', /data:text\/html/i], ['SVG', /<svg/i], ['MathML', /<math/i],
		['HTML entities', /&#x?[0-9a-f]+;/i], ['URL encoding', /%3C/i], ['UTF-7', /\+ADw-/],
		['full-width brackets', /\uff1c/], ['a byte order mark', /\ufeff/], ['broken tags', /<img[^>]*$/],
		['Mustache', /\{\{/], ['other template syntax', /\$\{|<%=/], ['Markdown links', /\]\(javascript:/i],
		['Markdown references', /^\[[^\]]+\]: javascript:/], ['attribute breaking', /^" on/],
	]) assert.ok(has(re), `the corpus has ${what}`);
});

test('the traps catch script that runs, despite the Content-Security-Policy', async () => {
	await page.goto(`${server.url}/o/bury/`);
	await page.evaluate(() => {
		const d = document.createElement('div');
		d.innerHTML = '<img src="/no-such-image" onerror="__xss(\'self-test\')">';
		document.body.append(d);
	});
	await page.waitForFunction(() => document.querySelector('img[src="/no-such-image"]')?.complete);
	await settle(page);
	await page.evaluate(() => window.alert('self-test'));
	assert.ok(hits.some((h) => h.startsWith('__xss(self-test)')), `the marker is trapped: ${hits}`);
	assert.ok(hits.some((h) => h.startsWith('alert(self-test)')), `alert is trapped: ${hits}`);
	const found = await page.evaluate(findInjected, { html: true });
	assert.ok(found.some((f) => f.includes('onerror')), 'the markup check sees an injected handler');
	hits.length = 0;
});

test('organisation names are shown as text on every page that shows them', async () => {
	await visit(page, '/', orgs.map((o) => o.name));
	// Each home page shows the name in its header and footer and, escaped for Markdown, at
	// the start of its introduction; a few statements show it within a sentence.
	for (const o of orgs) await visit(page, `/o/${o.slug}/`, [o.name]);
	for (const o of orgs.slice(1, 6)) await visit(page, `/o/${o.slug}/privacy`, [o.name]);
});

test('poll questions and options are shown as text on the public pages and the API', async () => {
	await visit(page, '/o/bury/', questions);
	for (const poll of openPolls) {
		const texts = [poll.question, ...poll.options.map((o) => o.label)];
		await visit(page, `/o/bury/polls/${poll.id}`, texts);
		await visit(page, `/o/bury/polls/${poll.id}/embed`, texts);
		const got = await visitJson(page, `/api/v1/polls/${poll.id}`);
		assert.equal(got.question, poll.question);
		assert.deepEqual(got.options.map((o) => o.label), poll.options.map((o) => o.label));
	}
	// A refused vote shows the poll again, with its error summary.
	const first = openPolls[0];
	await page.goto(`${server.url}/o/bury/polls/${first.id}`);
	await page.getByRole('button', { name: 'Submit answer' }).click();
	await page.locator('.nhsuk-error-summary').waitFor();
	await check(page, 'a refused vote', [first.question, ...first.options.map((o) => o.label)]);
	// Voting shows the results: the table, the chart's labels, the embed's results.
	for (const poll of openPolls) {
		const texts = [poll.question, ...poll.options.map((o) => o.label)];
		await page.goto(`${server.url}/o/bury/polls/${poll.id}`);
		await page.locator('input[name=options]').first().check();
		await page.getByRole('button', { name: 'Submit answer' }).click();
		await page.waitForURL(/\/results$/);
		await check(page, `results of poll ${poll.id}`, texts);
		await visit(page, `/o/bury/polls/${poll.id}/embed`, texts);
		const results = await visitJson(page, `/api/v1/polls/${poll.id}/results`);
		assert.deepEqual(results.options.map((o) => o.label), poll.options.map((o) => o.label));
	}
});

test('the sign-in form shows what was typed as text', async () => {
	// A ?next= that is a staff path (printable ASCII, no spaces) comes back in a hidden field.
	const local = PAYLOADS.filter((p) => /^[\x21-\x7e]+$/.test(p) && !p.includes('\\'));
	for (const next of pack(local, 400)) {
		const path = `/staff/${next.replace(/ /g, '')}`;
		await visit(page, `/staff/login?next=${encodeURIComponent(path)}`);
		assert.equal(await page.locator('input[name=next]').count(), 1, `next kept: ${path}`);
		assert.equal(await page.locator('input[name=next]').inputValue(), path);
	}
	await page.goto(`${server.url}/staff/login`);
	const typed = PAYLOADS.join(' ');
	await page.locator('#email').fill(typed);
	await page.locator('#password').fill('not the password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.locator('.nhsuk-error-summary').waitFor();
	await check(page, 'a refused sign-in');
	assert.equal(await page.locator('#email').inputValue(), typed);
});

test('staff pages show names, addresses, questions and options as text', async () => {
	const page = staffPage;
	await visit(page, '/staff/', [orgs[0].name, EMAIL, ...questions]);
	for (const poll of openPolls) {
		await visit(page, `/staff/polls/${poll.id}`, [poll.question, ...poll.options.map((o) => o.label), EMAIL]);
	}
	for (const poll of draftPolls) {
		await visit(page, `/staff/polls/${poll.id}/edit`, [poll.question, ...poll.options.map((o) => o.label)]);
	}

	// The staff form: a poll made by typing payloads, then a form refused and shown again.
	const typedOptions = PAYLOADS.slice(-FORM_OPTIONS);
	for (const refused of [false, true]) {
		await page.goto(`${server.url}/staff/polls/new`);
		await page.locator('#question').fill(questions[1]);
		const boxes = page.locator('input[name=option]');
		for (let i = 0; i < FORM_OPTIONS; i++) await boxes.nth(i).fill(typedOptions[i]);
		if (refused) await page.locator('#open-3').check(); // a time to open, left empty
		await page.getByRole('button', { name: 'Create poll' }).click();
		await page.waitForLoadState();
		if (refused) await page.locator('.nhsuk-error-summary').waitFor();
		else await page.waitForURL(/\/staff\/polls\/\d+\?done=created$/);
		await check(page, refused ? 'the poll form shown again' : 'a poll made with the form',
			[questions[1], ...typedOptions]);
	}

	// The API's list, as a document, with the token.
	const apiPage = await page.context().newPage();
	await apiPage.setExtraHTTPHeaders({ Authorization: `Bearer ${bearer}` });
	const list = await visitJson(apiPage, '/api/v1/polls?limit=100');
	for (const q of questions) assert.ok(list.items.some((p) => p.question === q), `listed: ${q}`);
	await apiPage.close();
});

test('site pages written in Markdown show payloads as text, not markup', async () => {
	const page = staffPage;
	const titles = pack(PAYLOADS, TITLE_MAX);
	const body = PAYLOADS.join('\n\n');
	const keys = ['home', 'privacy', 'accessibility', 'cookies'];
	for (const [i, key] of keys.entries()) {
		await page.goto(`${server.url}/staff/pages/${key}`);
		await page.locator('#title').fill(titles[i]);
		await page.locator('#body').fill(body);
		await page.getByRole('button', { name: 'Save page' }).click();
		await page.waitForURL(/\?done=saved$/);
		await check(page, `the ${key} page's editor`, [titles[i], ...PAYLOADS]);
	}
	await visit(page, '/o/bury/', [titles[0]]);
	for (const [i, key] of keys.entries()) {
		if (key !== 'home') await visit(page, `/o/bury/${key}`, [titles[i]]);
	}
	// The Markdown was rendered: its links are there, with their unsafe targets emptied.
	const links = await page.locator('main a').evaluateAll((as) => as.filter((a) => a.textContent === 'x').length);
	assert.ok(links >= 8, `${links} Markdown links rendered`);
	// The other titles, saved (as the editor's form does) and shown one by one.
	await page.goto(`${server.url}/staff/pages/cookies`);
	const csrf = await page.locator('input[name=csrf]').first().inputValue();
	for (const title of titles.slice(keys.length)) {
		const res = await page.request.post(`${server.url}/staff/pages/cookies`,
			{ form: { csrf, title, body: 'Cookies.' }, maxRedirects: 0 });
		assert.equal(res.status(), 303, `saving the title ${title}`);
		await visit(page, '/o/bury/cookies', [title]);
	}
});

test('every page was checked with nothing run', () => {
	assert.deepEqual(hits, []);
	assert.equal(ranTotal, 0);
	assert.ok(checked > 100, `${checked} pages checked`);
});

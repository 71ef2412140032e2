// The public pages in the visitor's language: Accept-Language is the first guess, the
// language link on every page makes a choice that a cookie keeps (set there and nowhere
// else), and the page cache keeps each language's copy apart.  What the pages should say is
// read from the committed catalogues (po/), not restated here.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { catalogue } from '../lib/catalogue.mjs';
import { createPoll, orgWithStaff } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';

const LANGS = { en: catalogue('en'), pl: catalogue('pl'), ur: catalogue('ur') };

let server;
let token;
let poll;

before(async () => {
	server = await startServer();
	({ token } = await orgWithStaff(server));
	poll = await createPoll(server.url, token, {
		question: 'How satisfied are you with access to pharmacy services in your local area?',
		options: ['Very satisfied', 'Fairly satisfied', 'Not satisfied'],
	});
});

after(async () => {
	await server?.stop();
});

const get = (path, headers = {}) => fetch(server.url + path, { headers, redirect: 'manual' });

function htmlLang(html) {
	const m = html.match(/<html lang="([^"]*)" dir="([^"]*)">/);
	assert.ok(m, 'the page names its language and direction');
	return { lang: m[1], dir: m[2] };
}

// Text as the page shows it: the catalogue's words, HTML-escaped.
const escaped = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
	.replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function assertSays(html, lang, msgid) {
	const want = escaped(LANGS[lang].text(msgid));
	assert.ok(html.includes(want), `the ${lang} page says ${JSON.stringify(want)}`);
}

test('the catalogues translate the public journey into Urdu and Polish', () => {
	for (const lang of ['pl', 'ur']) {
		const c = LANGS[lang];
		for (const msgid of ['Polls you can answer now', 'Submit answer', 'Select an answer',
			'Page not found', 'Privacy notice', 'Choose a language', 'Thank you, your answer has been counted']) {
			assert.ok(c.has(msgid), `${lang} translates ${JSON.stringify(msgid)}`);
			assert.notEqual(c.text(msgid), msgid);
		}
		assert.match(c.header['X-Review-Status'], /awaiting review by a native speaker/);
	}
	assert.equal(LANGS.ur.header['X-Direction'], 'rtl');
	assert.equal(LANGS.pl.header['X-Direction'], 'ltr');
});

test('Accept-Language chooses the language, and the reply says so and varies by it', async () => {
	for (const [header, lang, dir] of [['pl', 'pl', 'ltr'], ['ur-PK,ur;q=0.9,en;q=0.5', 'ur', 'rtl'],
		['de-DE, pl;q=0.4', 'pl', 'ltr'], ['de', 'en', 'ltr'], [null, 'en', 'ltr'],
		['pl;q=0, ur;q=banana', 'en', 'ltr']]) {
		const res = await get('/o/bury/', header === null ? {} : { 'Accept-Language': header });
		assert.equal(res.status, 200);
		const html = await res.text();
		assert.deepEqual(htmlLang(html), { lang, dir }, `Accept-Language: ${header}`);
		assert.equal(res.headers.get('content-language'), lang);
		assert.match(res.headers.get('vary') ?? '', /Accept-Language/);
		assert.match(res.headers.get('vary') ?? '', /Cookie/);
		assertSays(html, lang, 'Polls you can answer now');
		assertSays(html, lang, 'Privacy notice');
		assert.equal(res.headers.get('set-cookie'), null, 'reading a page sets no cookie');
		// Content staff wrote stays as they wrote it.
		assert.ok(html.includes(poll.question));
	}
});

test('the page cache keeps a copy per language', async () => {
	const path = `/o/bury/polls/${poll.id}`;
	for (const lang of ['en', 'pl', 'ur', 'en', 'ur', 'pl']) {
		const res = await get(path, { 'Accept-Language': lang });
		assert.equal(res.status, 200);
		const html = await res.text();
		assert.equal(htmlLang(html).lang, lang);
		assertSays(html, lang, 'Submit answer');
	}
});

test('every page offers the other languages, each named in itself', async () => {
	for (const path of ['/', '/o/bury/', `/o/bury/polls/${poll.id}`, '/o/bury/privacy',
		'/o/bury/cookies', '/o/bury/accessibility', '/accessibility']) {
		const html = await (await get(path, { 'Accept-Language': 'pl' })).text();
		const next = encodeURIComponent(path);
		assert.ok(html.includes(`href="/language/ur?next=${next}" lang="ur" hreflang="ur" dir="rtl">اردو</a>`),
			`${path} links to Urdu and back`);
		assert.ok(html.includes(`href="/language/en?next=${next}" lang="en" hreflang="en" dir="ltr">English</a>`),
			`${path} links to English`);
		assert.match(html, /<span class="app-language__current" lang="pl" dir="ltr" aria-current="true">Polski<\/span>/);
	}
	// The staff pages too, from the sign-in page on.
	const login = await (await get('/staff/login', { 'Accept-Language': 'ur' })).text();
	assert.deepEqual(htmlLang(login), { lang: 'ur', dir: 'rtl' });
	const next = encodeURIComponent('/staff/login');
	assert.ok(login.includes(`href="/language/pl?next=${next}" lang="pl" hreflang="pl" dir="ltr">Polski</a>`),
		'the sign-in page links to Polish');
	assert.match(login, /<span class="app-language__current" lang="ur" dir="rtl" aria-current="true">/);
});

test('the language link keeps the choice in a cookie, over Accept-Language', async () => {
	const res = await get(`/language/ur?next=${encodeURIComponent('/o/bury/')}`, { 'Accept-Language': 'pl' });
	assert.equal(res.status, 303);
	assert.equal(res.headers.get('location'), '/o/bury/');
	const cookie = res.headers.get('set-cookie');
	assert.match(cookie, /^involve_lang=ur; /);
	assert.match(cookie, /Path=\//);
	assert.match(cookie, /Max-Age=31536000/);
	assert.match(cookie, /HttpOnly/);
	assert.match(cookie, /SameSite=Lax/);
	assert.equal(res.headers.get('cache-control'), 'no-store');

	const chosen = await get('/o/bury/', { 'Accept-Language': 'pl', Cookie: 'involve_lang=ur' });
	assert.equal(htmlLang(await chosen.text()).lang, 'ur', 'the cookie wins');
	assert.equal(chosen.headers.get('set-cookie'), null);
	// A cookie naming no language of ours is ignored, not obeyed.
	const odd = await get('/o/bury/', { 'Accept-Language': 'pl', Cookie: 'involve_lang=xx' });
	assert.equal(htmlLang(await odd.text()).lang, 'pl');
	// Other cookies (a voter's) leave the choice to Accept-Language.
	const voter = await get('/o/bury/', { 'Accept-Language': 'ur', Cookie: 'involve_voter=abc' });
	assert.equal(htmlLang(await voter.text()).lang, 'ur');
});

test('a language link goes only to a page of this site, and only for our languages', async () => {
	for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'o/bury/',
		'/o/bury/ x', `/${'a'.repeat(600)}`, '']) {
		const res = await get(`/language/pl?next=${encodeURIComponent(next)}`);
		assert.equal(res.status, 303, `next=${next}`);
		assert.equal(res.headers.get('location'), '/', `next=${next} goes home`);
		assert.match(res.headers.get('set-cookie'), /^involve_lang=pl; /);
	}
	const none = await get('/language/pl');
	assert.equal(none.headers.get('location'), '/');

	for (const code of ['xx', 'pl-PL', 'PL', 'pl%00', 'p%C5%82']) {
		const res = await get(`/language/${code}?next=/`, { 'Accept-Language': 'pl' });
		assert.equal(res.headers.get('set-cookie'), null, `${code} sets no cookie`);
		if (code.includes('%00') && res.status === 400) continue; // nginx refuses it first
		assert.equal(res.status, 404, code);
		const html = await res.text();
		assertSays(html, 'pl', 'Page not found');
	}
	const post = await fetch(`${server.url}/language/pl`, { method: 'POST', redirect: 'manual' });
	assert.equal(post.status, 405);
});

test('errors, statements and counts are in the reader\'s language', async () => {
	for (const lang of ['en', 'pl', 'ur']) {
		const missing = await get('/o/bury/polls/999999', { 'Accept-Language': lang });
		assert.equal(missing.status, 404);
		const html = await missing.text();
		assert.equal(htmlLang(html).lang, lang);
		assertSays(html, lang, 'Page not found');

		const cookies = await (await get('/o/bury/cookies', { 'Accept-Language': lang })).text();
		assertSays(cookies, lang, 'Cookies');
		assert.match(cookies, /involve_lang/, 'the cookies page lists the language cookie');
		assert.match(cookies, /involve_voter/);
		const privacy = await (await get('/o/bury/privacy', { 'Accept-Language': lang })).text();
		assertSays(privacy, lang, 'Privacy notice');
		assert.ok(privacy.includes('NHS Bury'), 'the organisation is named in every language');
		assert.doesNotMatch(privacy, /\{organisation\}/);
	}

	// One vote, then the results as the voter sees them: "1 person answered" in each language.
	const vote = await fetch(`${server.url}/api/v1/polls/${poll.id}/votes`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ options: [poll.options[0].id] }),
	});
	assert.equal(vote.status, 201);
	const voter = vote.headers.get('set-cookie').split(';')[0];
	for (const lang of ['en', 'pl', 'ur']) {
		const res = await get(`/o/bury/polls/${poll.id}/results`, { 'Accept-Language': lang, Cookie: voter });
		assert.equal(res.status, 200);
		const html = await res.text();
		const one = LANGS[lang].plural('%lld person answered', '%lld people answered', 1).replace('%lld', '1');
		assert.ok(html.includes(escaped(one)), `${lang}: ${one}`);
		assertSays(html, lang, 'Percentage');
	}
});

// crawl.mjs - follows every link a person can follow from some pages of a running server, GET
// only, breadth first, and checks what it finds: each link leads somewhere (a 200, or a redirect
// to a page that answers 200) and each page is a whole page (its language, a title, one main
// heading, one <main>).
//
//   const { pages, links, problems, seen } = await crawl(server, ['/o/bury/'], {
//     headers: { 'Accept-Language': 'ur' },   // sent with every request (a session's Cookie)
//     skip: (path) => path.startsWith('/staff/logout'),
//     lang: 'ur',                              // the language every page must be in
//     check: (res, path) => {},                // throws what else is wrong with a page
//   });
//   assert.deepEqual(problems, []);            // each a sentence naming the page
//
// seen lists the HTML pages reached, each as {path, from}: the path answered (after
// redirects) and the page that linked to it.  kindOf(path) names the kind of page a path is,
// for checking one of each kind.
import assert from 'node:assert/strict';

// A bound that a crawl going round in circles (a link with a new query string each time) hits.
const PAGES_MAX = 3000;

// The same-origin links of a page: href and src attributes, resolved against the page, without
// their fragments.  Links out (mailto:, other hosts) are not followed.
function linksOf(html, pageUrl, origin) {
	const out = [];
	for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
		const raw = m[1].replaceAll('&amp;', '&');
		if (raw === '' || raw.startsWith('#') || /^[a-z]+:/i.test(raw) && !raw.startsWith(origin)) {
			continue;
		}
		const u = new URL(raw, pageUrl);
		if (u.origin !== origin) continue;
		u.hash = '';
		out.push(u.pathname + u.search);
	}
	return out;
}

// The references inside a page that must lead somewhere in it: ids given once, and every
// label's for, aria-describedby, aria-labelledby, aria-controls and link to #id (the error
// summary's links lead to their fields) naming an id that is there.  Throws naming each one
// that does not.
export function checkReferences(html, path) {
	const ids = new Map();
	for (const m of html.matchAll(/\sid="([^"]+)"/g)) ids.set(m[1], (ids.get(m[1]) ?? 0) + 1);
	const wrong = [...ids].filter(([, n]) => n > 1)
		.map(([id]) => `id "${id}" is given more than once`);
	const refs = [
		...[...html.matchAll(/<label\b[^>]*\sfor="([^"]+)"/g)].map((m) => ['a label for', m[1]]),
		...[...html.matchAll(/\saria-(?:describedby|labelledby|controls)="([^"]+)"/g)]
			.flatMap((m) => m[1].split(/\s+/).map((id) => ['aria naming', id])),
		...[...html.matchAll(/\shref="#([^"]+)"/g)].map((m) => ['a link to', decodeURIComponent(m[1])]),
	];
	for (const [what, id] of refs) if (!ids.has(id)) wrong.push(`${what} "${id}", which is not there`);
	assert.deepEqual(wrong, [], `${path}: references inside the page`);
}

// A whole page: its language (lang, when given), a title, one main heading, one <main>, and
// its references inside it (checkReferences).  Throws naming what is not.
export function checkWholePage(html, path, lang) {
	const htmlTag = /<html[^>]*\slang="([^"]+)"/.exec(html);
	assert.ok(htmlTag, `${path}: <html> says its language`);
	if (lang) assert.equal(htmlTag[1], lang, `${path}: in the language asked for`);
	assert.match(html, /<title>[^<\s][^<]*<\/title>/, `${path}: a title`);
	assert.equal((html.match(/<h1[\s>]/g) || []).length, 1, `${path}: one main heading`);
	assert.equal((html.match(/<main[\s>]/g) || []).length, 1, `${path}: one <main>`);
	checkReferences(html, path);
}

// Follows every link from `starts` on server (startServer's), as above.
export async function crawl(server, starts,
	{ headers = {}, skip = () => false, lang, check } = {}) {
	const origin = new URL(server.url).origin;
	const seen = new Set(starts);
	const queue = starts.map((path) => ({ path, from: '(start)' }));
	const problems = [];
	const htmlPages = [];

	while (queue.length > 0 && seen.size <= PAGES_MAX) {
		const { path, from } = queue.shift();
		let res = await fetch(server.url + path, { headers, redirect: 'manual' });
		let at = path;
		for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 5; hops++) {
			const to = new URL(res.headers.get('location'), server.url + at);
			await res.arrayBuffer();
			if (to.origin !== origin) break;
			at = to.pathname + to.search;
			res = await fetch(server.url + at, { headers, redirect: 'manual' });
		}
		const type = res.headers.get('content-type') || '';
		const body = type.startsWith('text/html') ? await res.text() : (await res.arrayBuffer(), '');
		if (res.status !== 200 && !(res.status >= 300 && res.status < 400)) {
			problems.push(`${path} (linked from ${from}) answered ${res.status}`);
			continue;
		}
		if (!type.startsWith('text/html')) continue;
		htmlPages.push({ path: at, from });
		try {
			checkWholePage(body, at, lang);
			check?.(res, at);
		} catch (e) {
			problems.push(e.message);
		}
		for (const link of linksOf(body, server.url + at, origin)) {
			if (seen.has(link) || skip(link)) continue;
			seen.add(link);
			queue.push({ path: link, from: at });
		}
	}
	assert.ok(seen.size <= PAGES_MAX, `more than ${PAGES_MAX} links: a crawl going round in circles`);
	return { pages: htmlPages.length, links: seen.size, problems, seen: htmlPages };
}

// The kind of page a path is: its ids, its organisation and its question's key left out.
export function kindOf(path) {
	return path.split('?')[0].replace(/^\/o\/[^/]+/, '/o/ORG').replace(/\/\d+/g, '/ID')
		.replace(/\/(questions|comments)\/[^/]+/, '/$1/KEY');
}

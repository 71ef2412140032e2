// catalogue.mjs - the committed translations (po/LANG.po), so that tests expect what the
// catalogue says rather than restating it.  Reads the subset of the PO format po/ uses:
// msgid, msgid_plural, msgstr, msgstr[n], continued strings and comments.
//
//   const pl = catalogue('pl');
//   pl.text('Submit answer')              // the Polish, or the English when there is none
//   pl.plural('%lld person answered', '%lld people answered', 3)  // the form for 3
//   pl.header['X-Direction']              // 'ltr'
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ROOT } from './server.mjs';

// PO strings escape as C does; the escapes po/ uses (\n \" \\ \t) are JSON's too.
function unquote(s) {
	return JSON.parse(s);
}

function parse(file) {
	const entries = [];
	let cur = null;
	let key = null;
	for (const raw of readFileSync(file, 'utf8').split('\n')) {
		const line = raw.trim();
		if (line === '' || line.startsWith('#')) {
			if (line === '' && cur) { entries.push(cur); cur = null; }
			continue;
		}
		const m = line.match(/^(msgid|msgid_plural|msgstr(?:\[(\d+)\])?)\s+(".*")$/);
		if (m) {
			if (m[1] === 'msgid') {
				if (cur) entries.push(cur);
				cur = { msgid: '', plural: null, msgstr: [] };
			}
			if (m[1].startsWith('msgstr')) {
				key = ['msgstr', Number(m[2] ?? 0)];
				cur.msgstr[key[1]] = '';
			} else {
				key = [m[1] === 'msgid' ? 'msgid' : 'plural'];
				cur[key[0]] = '';
			}
			appendTo(cur, key, unquote(m[3]));
		} else if (line.startsWith('"') && cur) {
			appendTo(cur, key, unquote(line));
		}
	}
	if (cur) entries.push(cur);
	return entries;
}

function appendTo(entry, key, value) {
	if (key[0] === 'msgstr') entry.msgstr[key[1]] += value;
	else entry[key[0]] += value;
}

export function catalogue(lang) {
	const entries = lang === 'en' ? [] : parse(path.join(ROOT, 'po', `${lang}.po`));
	const header = {};
	const byId = new Map();
	for (const e of entries) {
		if (e.msgid === '') {
			for (const h of (e.msgstr[0] ?? '').split('\n')) {
				const i = h.indexOf(':');
				if (i > 0) header[h.slice(0, i).trim()] = h.slice(i + 1).trim();
			}
		} else if (e.msgstr.every((s) => s)) {
			byId.set(e.msgid, e);
		}
	}
	// The plural expression is C, and JavaScript's own for these operators.
	const m = (header['Plural-Forms'] ?? '').match(/plural\s*=\s*(.+?);?\s*$/);
	const which = m ? new Function('n', `return Number(${m[1]});`) : (n) => (n === 1 ? 0 : 1);
	return {
		lang,
		header,
		text: (msgid) => byId.get(msgid)?.msgstr[0] ?? msgid,
		has: (msgid) => byId.has(msgid),
		plural: (one, other, n) => {
			const e = byId.get(one);
			if (!e) return n === 1 ? one : other;
			return e.msgstr[which(n)] ?? e.msgstr[0];
		},
	};
}

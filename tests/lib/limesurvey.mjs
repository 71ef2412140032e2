// LimeSurvey's own test surveys (beside the repository in ../shared/data/limesurvey/) and what
// involve makes of each, for the tests of every door of the importer: the command, the API and
// the staff pages.
import path from 'node:path';

import { ROOT } from './server.mjs';

export const SHARED = path.resolve(ROOT, '..', 'shared', 'data', 'limesurvey');
export const shared = (name) => path.join(SHARED, name);

// What each file becomes: its title, pages, involve questions, and some keys with their types.
export const FILES = {
	'limesurvey_survey_489_default.lss': { title: 'Default survey 5.3.28', pages: 1,
		questions: 1, keys: { Q00: 'long_text' } },
	'limesurvey_survey_767665_ListRadioOtherPositionTest.lss': {
		title: 'Test other option position', pages: 1, questions: 4,
		keys: { G01Q01: 'single', G01Q04: 'single' } },
	'limesurvey_survey_ArrayNumberCheckbox.lss': { title: 'array(Numbers)', pages: 2,
		questions: 3, keys: { QHiddenJS: 'text', Prev: 'long_text' }, leftOut: ['question'] },
	'limesurvey_survey_CorruptedSurvey.lss': { title: 'Corrupted survey - missing language',
		pages: 1, questions: 2, keys: { test: 'long_text' } }, // and the group's description
	'limesurvey_survey_MandatorySoftMultiPage.lss': {
		title: 'Pull 2825 breaks mandatory soft when displayed over multiple pages', pages: 3,
		questions: 3, keys: { Q00: 'long_text', G03Q03: 'long_text' } },
	'limesurvey_survey_allinoneCondition.lss': { title: 'Test 18035', pages: 2, questions: 3,
		keys: { Q00: 'single', G02Q02: 'long_text' } },
	'limesurvey_survey_navigation.lss': { title: 'Test survey navigation', pages: 2,
		questions: 2, keys: { Q00: 'text', Q01: 'text' } },
	'limesurvey_survey_question_list.lss': { title: 'Survey Master 01', pages: 1, questions: 1,
		keys: { Q00: 'long_text' } },
	'limesurvey_survey_rankingNative.lss': { title: 'Ranking export test fixture', pages: 1,
		questions: 1, keys: { Rank: 'ranking' } },
	'survey-dual-scale-question-api-test.lss': { title: 'Test', pages: 1, questions: 2,
		keys: { Q00_1: 'grid', Q00_2: 'grid' } },
};

// The became entries of every question in an import report, as {key: type}.
export function became(report) {
	const out = {};
	for (const g of report.groups) {
		for (const q of g.questions) {
			for (const b of q.became) out[b.key] = b.type;
		}
	}
	return out;
}

// Files refused whatever the door, with what the refusal says: [what, name, content, message].
const BILLION_LAUGHS = '<?xml version="1.0"?>\n<!DOCTYPE document [\n' +
	' <!ENTITY a "lol">\n <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n' +
	' <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">\n' +
	']>\n<document><LimeSurveyDocType>Survey</LimeSurveyDocType><DBVersion>500</DBVersion>' +
	'<x>&d;</x></document>\n';
const XXE = '<?xml version="1.0"?>\n<!DOCTYPE document [ <!ENTITY s SYSTEM "file:///etc/passwd"> ]>\n' +
	'<document><LimeSurveyDocType>Survey</LimeSurveyDocType><DBVersion>500</DBVersion>' +
	'<x>&s;</x></document>\n';
const OLD = '<?xml version="1.0"?>\n<document><LimeSurveyDocType>Survey</LimeSurveyDocType>' +
	'<DBVersion>349</DBVersion></document>\n';

export const BAD_FILES = [
	['a file that is not XML', 'not.lss', 'question,answer\nQ1,Yes\n', /This is not XML/],
	['XML that is not LimeSurvey', 'page.lss', '<html><body>Hi</body></html>',
		/not a LimeSurvey survey structure file/],
	['a LimeSurvey group, not a survey', 'group.lsg',
		'<document><LimeSurveyDocType>Group</LimeSurveyDocType><DBVersion>500</DBVersion></document>',
		/a LimeSurvey 'Group' file, not a survey/],
	['an old structure version, naming it', 'old.lss', OLD, /structure version 349; only 350/],
	['a billion laughs', 'laughs.lss', BILLION_LAUGHS, /declares a document type/],
	['an external entity', 'xxe.lss', XXE, /declares a document type/],
	['an empty file', 'empty.lss', '', /The file is empty/],
];

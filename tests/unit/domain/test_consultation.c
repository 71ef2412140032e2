/* Tests for consultation.c: the lifecycle the public sees and the moves
 * between its stages, the fair-consultation checklist (what opening and
 * scheduling need, when it may change), what a document must be, and
 * files recognised by their bytes, whatever they claim to be. */
#include <criterion/criterion.h>
#include <string.h>

#include "involve/consultation.h"

#define NOW 1800000000LL

/* A survey record in a state at NOW. */
static struct survey
survey_in(enum poll_status st)
{
	struct survey sv;

	memset(&sv, 0, sizeof(sv));
	sv.kind = SURVEY_KIND_CONSULTATION;
	switch (st) {
	case POLL_DRAFT:
		break;
	case POLL_SCHEDULED:
		sv.opens_at = NOW + 3600;
		break;
	case POLL_OPEN:
		sv.opens_at = NOW - 3600;
		break;
	case POLL_CLOSED:
		sv.opens_at = NOW - 7200;
		sv.closed_at = NOW - 60;
		break;
	}
	return sv;
}

static struct consultation_checklist
checklist(enum check_answer a, enum check_answer b, enum check_answer c, enum check_answer d)
{
	struct consultation_checklist k;

	memset(&k, 0, sizeof(k));
	k.items[CHECK_FORMATIVE].answer = a;
	k.items[CHECK_INFORMATION].answer = b;
	k.items[CHECK_TIME].answer = c;
	k.items[CHECK_CONSIDERATION].answer = d;
	for (int i = 0; i < CHECK_N; i++)
		k.items[i].note = str_c(k.items[i].answer == CHECK_NO ? "Not yet: see the plan" :
		    "");
	return k;
}

#define ALL_YES checklist(CHECK_YES, CHECK_YES, CHECK_YES, CHECK_YES)

/* ---- the lifecycle ---------------------------------------------------------------------- */

Test(consultation, the_lifecycle_follows_the_survey_then_the_stage)
{
	struct survey draft = survey_in(POLL_DRAFT), scheduled = survey_in(POLL_SCHEDULED),
	    open = survey_in(POLL_OPEN), closed = survey_in(POLL_CLOSED);

	cr_assert_eq(consultation_state(&draft, CONSULTATION_STAGE_NONE, NOW), CONSULTATION_DRAFT);
	cr_assert_eq(consultation_state(&scheduled, CONSULTATION_STAGE_NONE, NOW),
	    CONSULTATION_DRAFT, "not open yet is still a draft to the public");
	cr_assert_eq(consultation_state(&open, CONSULTATION_STAGE_NONE, NOW), CONSULTATION_OPEN);
	cr_assert_eq(consultation_state(&closed, CONSULTATION_STAGE_NONE, NOW),
	    CONSULTATION_CLOSED);
	cr_assert_eq(consultation_state(&closed, CONSULTATION_ANALYSING, NOW),
	    CONSULTATION_ANALYSING_STATE);
	cr_assert_eq(consultation_state(&closed, CONSULTATION_OUTCOME, NOW),
	    CONSULTATION_OUTCOME_PUBLISHED);
	/* A stage never shows before the survey has closed. */
	cr_assert_eq(consultation_state(&open, CONSULTATION_ANALYSING, NOW), CONSULTATION_OPEN);
	/* Closing at a set time closes it as surely as closing by hand. */
	open.closes_at = NOW;
	cr_assert_eq(consultation_state(&open, CONSULTATION_STAGE_NONE, NOW),
	    CONSULTATION_CLOSED);
	cr_assert_str_eq(consultation_state_name(CONSULTATION_OUTCOME_PUBLISHED),
	    "outcome_published");
	cr_assert_str_eq(consultation_state_name(CONSULTATION_ANALYSING_STATE), "analysing");
	cr_assert_str_eq(consultation_state_label(CONSULTATION_DRAFT), "Draft");
}

Test(consultation, stage_names_read_back)
{
	enum consultation_stage s;

	for (int i = 0; i < CONSULTATION_STAGE_N; i++) {
		cr_assert_eq(consultation_stage_parse(str_c(consultation_stage_name(i)), &s), 0);
		cr_assert_eq((int)s, i);
	}
	cr_assert_eq(consultation_stage_parse(STR_LIT("published"), &s), ERR_INVALID);
}

Test(consultation, analysing_only_once_closed)
{
	struct errors e;

	for (int st = POLL_DRAFT; st <= POLL_OPEN; st++) {
		struct survey sv = survey_in((enum poll_status)st);

		errors_init(&e);
		cr_assert_eq(consultation_check_stage(&sv, CONSULTATION_STAGE_NONE,
		    CONSULTATION_ANALYSING, NOW, &e), ERR_CONFLICT, "state %d", st);
		cr_assert(errors_has_field(&e, "stage"));
		cr_assert(strstr(e.list[0].detail, "closed") != NULL);
	}
	struct survey closed = survey_in(POLL_CLOSED);

	errors_init(&e);
	cr_assert_eq(consultation_check_stage(&closed, CONSULTATION_STAGE_NONE,
	    CONSULTATION_ANALYSING, NOW, &e), 0);
	cr_assert_eq(e.n, 0);
	errors_init(&e);
	cr_assert_eq(consultation_check_stage(&closed, CONSULTATION_ANALYSING,
	    CONSULTATION_ANALYSING, NOW, &e), ERR_CONFLICT, "analysing already");
	errors_init(&e);
	cr_assert_eq(consultation_check_stage(&closed, CONSULTATION_OUTCOME,
	    CONSULTATION_ANALYSING, NOW, &e), ERR_CONFLICT, "no way back from an outcome");
}

Test(consultation, an_outcome_only_from_analysing)
{
	struct survey closed = survey_in(POLL_CLOSED);
	struct errors e;

	errors_init(&e);
	cr_assert_eq(consultation_check_stage(&closed, CONSULTATION_STAGE_NONE,
	    CONSULTATION_OUTCOME, NOW, &e), ERR_CONFLICT, "closed, not analysed");
	errors_init(&e);
	cr_assert_eq(consultation_check_stage(&closed, CONSULTATION_ANALYSING,
	    CONSULTATION_OUTCOME, NOW, &e), 0);
	errors_init(&e);
	cr_assert_eq(consultation_check_stage(&closed, CONSULTATION_OUTCOME,
	    CONSULTATION_OUTCOME, NOW, &e), ERR_CONFLICT, "published already");
	errors_init(&e);
	cr_assert_eq(consultation_check_stage(&closed, CONSULTATION_ANALYSING,
	    CONSULTATION_STAGE_NONE, NOW, &e), ERR_CONFLICT, "not back to closed");
}

/* ---- the checklist ---------------------------------------------------------------------- */

Test(consultation, opening_needs_all_four_recorded)
{
	struct consultation_checklist k = checklist(CHECK_YES, CHECK_UNANSWERED, CHECK_NO,
	    CHECK_UNANSWERED);
	struct errors e;

	errors_init(&e);
	cr_assert_eq(consultation_check_open(&k, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "checklist"));
	cr_assert(errors_has_field(&e, "checklist.information"));
	cr_assert(errors_has_field(&e, "checklist.consideration"));
	cr_assert(!errors_has_field(&e, "checklist.formative"), "recorded: yes");
	cr_assert(!errors_has_field(&e, "checklist.time"), "recorded: no, with a note");
	cr_assert_eq(e.n, 3);
	cr_assert(!consultation_checklist_complete(&k));

	k = checklist(CHECK_YES, CHECK_YES, CHECK_NO, CHECK_YES);
	errors_init(&e);
	cr_assert(consultation_checklist_complete(&k));
	cr_assert_eq(consultation_check_open(&k, &e), 0, "recorded, even when not met");
	cr_assert_eq(e.n, 0);
}

Test(consultation, an_opening_time_only_with_the_checklist)
{
	struct consultation_checklist none = checklist(0, 0, 0, 0), all = ALL_YES;
	struct errors e;

	errors_init(&e);
	cr_assert_eq(consultation_check_schedule(&none, 0, &e), 0, "a draft needs nothing");
	cr_assert_eq(consultation_check_schedule(&none, NOW + 86400, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "opens_at"));
	errors_init(&e);
	cr_assert_eq(consultation_check_schedule(&all, NOW + 86400, &e), 0);
}

Test(consultation, a_no_needs_a_note_and_notes_are_bounded)
{
	struct consultation_checklist k = ALL_YES;
	char long_note[CONSULTATION_NOTE_MAX_CHARS + 2];
	struct errors e;

	errors_init(&e);
	cr_assert_eq(consultation_checklist_check(&k, &e), 0);
	k.items[CHECK_TIME].answer = CHECK_NO;
	k.items[CHECK_TIME].note = STR_LIT("   ");
	errors_init(&e);
	cr_assert_eq(consultation_checklist_check(&k, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "time.note"));

	memset(long_note, 'a', sizeof(long_note) - 1);
	long_note[sizeof(long_note) - 1] = '\0';
	k = ALL_YES;
	k.items[CHECK_FORMATIVE].note = str_c(long_note);
	k.items[CHECK_INFORMATION].note = STR_LIT("bad \xff UTF-8");
	k.items[CHECK_CONSIDERATION].note = STR_LIT("a control \x01 character");
	errors_init(&e);
	cr_assert_eq(consultation_checklist_check(&k, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "formative.note"));
	cr_assert(errors_has_field(&e, "information.note"));
	cr_assert(errors_has_field(&e, "consideration.note"));
	k.items[CHECK_FORMATIVE].note = STR_LIT("Two lines\nof evidence\twith a tab");
	k.items[CHECK_INFORMATION].note = STR_LIT("");
	k.items[CHECK_CONSIDERATION].note = STR_LIT("");
	errors_init(&e);
	cr_assert_eq(consultation_checklist_check(&k, &e), 0, "line ends and tabs are allowed");
}

Test(consultation, the_checklist_is_fixed_once_open)
{
	struct survey draft = survey_in(POLL_DRAFT), scheduled = survey_in(POLL_SCHEDULED),
	    open = survey_in(POLL_OPEN), closed = survey_in(POLL_CLOSED);
	struct consultation_checklist part = checklist(CHECK_YES, 0, 0, 0), all = ALL_YES;
	struct errors e;

	errors_init(&e);
	cr_assert_eq(consultation_check_checklist_change(&draft, &part, NOW, &e), 0);
	cr_assert_eq(consultation_check_checklist_change(&scheduled, &all, NOW, &e), 0);
	cr_assert_eq(consultation_check_checklist_change(&scheduled, &part, NOW, &e), ERR_CONFLICT,
	    "due to open: must stay complete");
	errors_init(&e);
	cr_assert_eq(consultation_check_checklist_change(&open, &all, NOW, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "checklist"));
	errors_init(&e);
	cr_assert_eq(consultation_check_checklist_change(&closed, &all, NOW, &e), ERR_CONFLICT);
}

Test(consultation, answer_and_principle_names)
{
	enum check_answer a;

	cr_assert_str_eq(consultation_principle_name(CHECK_FORMATIVE), "formative");
	cr_assert_str_eq(consultation_principle_name(CHECK_TIME), "time");
	cr_assert(strstr(consultation_principle_question(CHECK_CONSIDERATION), "conscientiously"));
	cr_assert_eq(check_answer_parse(STR_LIT("no"), &a), 0);
	cr_assert_eq(a, CHECK_NO);
	cr_assert_eq(check_answer_parse(STR_LIT(""), &a), 0);
	cr_assert_eq(a, CHECK_UNANSWERED);
	cr_assert_eq(check_answer_parse(STR_LIT("maybe"), &a), ERR_INVALID);
}

/* ---- documents ---------------------------------------------------------------------------- */

static struct consultation_document
doc(const char *title, struct str body, struct str easy)
{
	struct consultation_document d;

	memset(&d, 0, sizeof(d));
	d.title = str_c(title);
	d.body = body;
	d.easy_read = easy;
	return d;
}

Test(consultation, a_document_has_a_title_and_a_body)
{
	struct consultation_document d = doc("  Our strategy  ",
	    STR_LIT("# Five years\n\nWhat we plan."), STR_LIT(""));
	struct errors e;

	errors_init(&e);
	cr_assert_eq(consultation_document_check(&d, &e), 0);
	cr_assert(str_eq_c(d.title, "Our strategy"), "the title is trimmed");

	d = doc("", STR_LIT(""), STR_LIT(""));
	errors_init(&e);
	cr_assert_eq(consultation_document_check(&d, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "title"));
	cr_assert(errors_has_field(&e, "body"));
	cr_assert(!errors_has_field(&e, "easy_read"), "the easy read version is optional");

	d = doc("Line\nbreak", STR_LIT("ok"), STR_LIT("bad \xc3"));
	errors_init(&e);
	cr_assert_eq(consultation_document_check(&d, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "title"), "a title is one line");
	cr_assert(errors_has_field(&e, "easy_read"), "invalid UTF-8");
}

Test(consultation, titles_and_texts_have_limits)
{
	static char body[CONSULTATION_DOC_BODY_MAX_BYTES + 2];
	char title[CONSULTATION_DOC_TITLE_MAX_CHARS + 2];
	struct consultation_document d;
	struct errors e;

	memset(title, 'T', sizeof(title) - 1);
	title[sizeof(title) - 1] = '\0';
	memset(body, 'b', sizeof(body) - 1);
	d = doc(title, (struct str){ body, CONSULTATION_DOC_BODY_MAX_BYTES + 1 },
	    (struct str){ body, CONSULTATION_DOC_BODY_MAX_BYTES + 1 });
	errors_init(&e);
	cr_assert_eq(consultation_document_check(&d, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "title"));
	cr_assert(errors_has_field(&e, "body"));
	cr_assert(errors_has_field(&e, "easy_read"));
	cr_assert(strstr(e.list[1].detail, "200 KB") != NULL, "%s", e.list[1].detail);

	title[CONSULTATION_DOC_TITLE_MAX_CHARS] = '\0';
	d = doc(title, (struct str){ body, CONSULTATION_DOC_BODY_MAX_BYTES },
	    (struct str){ body, CONSULTATION_DOC_BODY_MAX_BYTES });
	errors_init(&e);
	cr_assert_eq(consultation_document_check(&d, &e), 0, "at the limits");
}

Test(consultation, documents_change_until_it_closes)
{
	struct errors e;

	for (int st = POLL_DRAFT; st <= POLL_OPEN; st++) {
		struct survey sv = survey_in((enum poll_status)st);

		errors_init(&e);
		cr_assert_eq(consultation_check_documents_edit(&sv, NOW, &e), 0);
	}
	struct survey closed = survey_in(POLL_CLOSED);

	errors_init(&e);
	cr_assert_eq(consultation_check_documents_edit(&closed, NOW, &e), ERR_CONFLICT);
	cr_assert(errors_has_field(&e, "survey"));
}

/* ---- files ---------------------------------------------------------------------------------- */

/* A minimal ZIP's first local header naming `entry`, then `content`. */
static size_t
zip_with(unsigned char *out, const char *entry, const char *content)
{
	size_t n = 0, name_n = strlen(entry), content_n = strlen(content);

	memcpy(out, "PK\x03\x04", 4);
	memset(out + 4, 0, 26);
	out[26] = (unsigned char)name_n;
	n = 30;
	memcpy(out + n, entry, name_n);
	n += name_n;
	memcpy(out + n, content, content_n);
	n += content_n;
	memcpy(out + n, "PK\x01\x02", 4);
	return n + 4;
}

static int
check_file(const char *name, const char *type, const void *bytes, size_t n,
    enum attachment_type *t, struct errors *e)
{
	errors_init(e);
	return consultation_attachment_check(str_c(name), str_c(type), bytes, n, t, e);
}

Test(consultation, files_are_known_by_their_bytes)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0 };
	static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 0x10 };
	unsigned char odt[256], docx[256];
	size_t odt_n = zip_with(odt, "mimetype", "application/vnd.oasis.opendocument.text");
	size_t docx_n = zip_with(docx, "[Content_Types].xml", "<Types/>word/document.xml");
	enum attachment_type t;
	struct errors e;

	cr_assert_eq(check_file("plan.pdf", "application/pdf", "%PDF-1.7\n", 9, &t, &e), 0);
	cr_assert_eq(t, ATTACHMENT_PDF);
	cr_assert_eq(check_file("map.PNG", "image/png", png, sizeof(png), &t, &e), 0);
	cr_assert_eq(t, ATTACHMENT_PNG);
	cr_assert_eq(check_file("photo.jpeg", "image/jpeg; charset=binary", jpeg, sizeof(jpeg), &t,
	    &e), 0);
	cr_assert_eq(t, ATTACHMENT_JPEG);
	cr_assert_eq(check_file("plan.odt", "application/vnd.oasis.opendocument.text", odt, odt_n,
	    &t, &e), 0);
	cr_assert_eq(t, ATTACHMENT_ODT);
	cr_assert_eq(check_file("plan.docx", "application/vnd.openxmlformats-officedocument."
	    "wordprocessingml.document", docx, docx_n, &t, &e), 0);
	cr_assert_eq(t, ATTACHMENT_DOCX);
	cr_assert_str_eq(attachment_media_type(ATTACHMENT_ODT),
	    "application/vnd.oasis.opendocument.text");
}

Test(consultation, other_files_are_refused)
{
	static const unsigned char exe[] = { 'M', 'Z', 0x90, 0, 3, 0, 0, 0 };
	unsigned char zip[256];
	size_t zip_n = zip_with(zip, "payload.exe", "MZ");
	enum attachment_type t;
	struct errors e;

	cr_assert_eq(check_file("setup.pdf", "application/pdf", exe, sizeof(exe), &t, &e),
	    ERR_INVALID, "a program that calls itself a PDF");
	cr_assert(errors_has_field(&e, "file"));
	cr_assert_eq(check_file("archive.docx", "application/vnd.openxmlformats-officedocument."
	    "wordprocessingml.document", zip, zip_n, &t, &e), ERR_INVALID,
	    "a ZIP file is not a Word document");
	cr_assert_eq(check_file("page.pdf", "application/pdf", "<html><script>", 14, &t, &e),
	    ERR_INVALID);
	cr_assert_eq(check_file("empty.pdf", "application/pdf", "", 0, &t, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "file"));
	/* What the bytes alone say, as a browser's upload is read. */
	cr_assert_eq(attachment_type_of_bytes(exe, sizeof(exe), &t), ERR_INVALID);
	cr_assert_eq(attachment_type_of_bytes("\x7f" "ELF\x02\x01", 6, &t), ERR_INVALID);
	cr_assert_eq(attachment_type_of_bytes("", 0, &t), ERR_INVALID);
	cr_assert_eq(attachment_type_of_bytes("%PDF-1.4\n", 9, &t), 0);
	cr_assert_eq(t, ATTACHMENT_PDF);
	cr_assert(!attachment_media_type_accepted(STR_LIT("application/x-msdownload")));
	cr_assert(!attachment_media_type_accepted(STR_LIT("text/html")));
	cr_assert(attachment_media_type_accepted(STR_LIT("Application/PDF")));
}

Test(consultation, the_bytes_the_type_and_the_name_agree)
{
	enum attachment_type t;
	struct errors e;

	cr_assert_eq(check_file("plan.pdf", "image/png", "%PDF-1.4", 8, &t, &e), ERR_INVALID,
	    "a PDF sent as an image");
	cr_assert(errors_has_field(&e, "file"));
	cr_assert_eq(check_file("plan.png", "application/pdf", "%PDF-1.4", 8, &t, &e), ERR_INVALID,
	    "a PDF named as an image");
	cr_assert(errors_has_field(&e, "name"));
	cr_assert_eq(check_file("plan.exe", "application/pdf", "%PDF-1.4", 8, &t, &e), ERR_INVALID);
	cr_assert(errors_has_field(&e, "name"));
	cr_assert_eq(check_file("plan", "application/pdf", "%PDF-1.4", 8, &t, &e), ERR_INVALID);
}

Test(consultation, file_names_are_plain)
{
	static const char *const bad[] = { "", ".hidden.pdf", "../plan.pdf", "a\\b.pdf",
		"say \"hi\".pdf", "line\nbreak.pdf", " padded.pdf", "bad\xff.pdf" };
	enum attachment_type t;
	struct errors e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(check_file(bad[i], "application/pdf", "%PDF-1.4", 8, &t, &e),
		    ERR_INVALID, "name %zu", i);
		cr_assert(errors_has_field(&e, "name"), "name %zu", i);
	}
	cr_assert_eq(check_file("Plan för 2027 (draft).pdf", "application/pdf", "%PDF-1.4", 8, &t,
	    &e), 0, "spaces, brackets and letters past ASCII are fine");
}

Test(consultation, files_have_a_size_limit)
{
	static unsigned char big[CONSULTATION_FILE_MAX_BYTES + 1];
	enum attachment_type t;
	struct errors e;

	memcpy(big, "%PDF-1.4", 8);
	cr_assert_eq(check_file("big.pdf", "application/pdf", big, sizeof(big), &t, &e),
	    ERR_INVALID);
	cr_assert(errors_has_field(&e, "file"));
	cr_assert_eq(check_file("big.pdf", "application/pdf", big, sizeof(big) - 1, &t, &e), 0,
	    "at the limit");
}

/*
 * site_defaults.c - the built-in site pages (see site_defaults.h).
 *
 * What these texts say must stay true of the code: the privacy notice
 * and the cookies page describe the vote cookie (vote.h), the voter hash
 * (secret.h), the hour a ballot keeps (ballots.h), the keyed counts of
 * votes and of sign-in attempts (vote.c, signin.h), retry keys and poll
 * codes (store.h), the access log, the staff session (auth.h) and the
 * language cookie (i18n.h).  Change them together.
 *
 * Each paragraph is its own message in the catalogues (po/), so that a
 * translator works on one paragraph at a time and a change to one leaves
 * the others' translations standing.
 */
#include <string.h>

#include "involve/error.h"
#include "involve/i18n.h"
#include "involve/site_defaults.h"

static const char *const accessibility_body[] = {
	N_("This statement is about the website {organisation} uses to ask people what "
	    "they think, for example in quick polls."),
	N_("We want as many people as possible to be able to use this website. For "
	    "example, you should be able to:"),
	N_("- change colours, contrast levels and fonts using your browser or device "
	    "settings\n- zoom in up to 400% without the text spilling off the screen\n- use "
	    "the website on a small phone screen\n- move around the website using only a "
	    "keyboard\n- move around the website using speech recognition software\n- listen "
	    "to the website using a screen reader\n- answer a poll without JavaScript"),
	N_("We have also made the text as simple as we can."),
	N_("[AbilityNet](https://mcmw.abilitynet.org.uk/) has advice on making your device "
	    "easier to use if you have a disability."),
	N_("## How accessible this website is"),
	N_("This website is designed to meet the Web Content Accessibility Guidelines "
	    "(WCAG) version 2.2 at level AA. It uses the NHS.UK design system. Every page "
	    "works without JavaScript. Results of polls are shown as a chart and also as a "
	    "table."),
	N_("We do not know of any part of this website that is not accessible. If you find "
	    "one, please tell us."),
	N_("## If you need information in a different format"),
	N_("If you need information on this website in a different format, such as large "
	    "print, easy read, audio recording or braille, contact {organisation}. Tell us "
	    "the web address of the page and the format you need. We will reply within 5 "
	    "working days."),
	N_("## Reporting accessibility problems with this website"),
	N_("We are always looking to improve the accessibility of this website. If you "
	    "find a problem, or you think we are not meeting accessibility requirements, "
	    "contact {organisation}. Tell us the web address of the page and what went "
	    "wrong."),
	N_("## Enforcement procedure"),
	N_("The Equality and Human Rights Commission (EHRC) is responsible for enforcing "
	    "the Public Sector Bodies (Websites and Mobile Applications) (No. 2) "
	    "Accessibility Regulations 2018 (the accessibility regulations)."),
	N_("If you are not happy with how we respond to your complaint, contact the "
	    "[Equality Advisory and Support Service "
	    "(EASS)](https://www.equalityadvisoryservice.com/)."),
	N_("## Technical information about this website's accessibility"),
	N_("{organisation} is committed to making its website accessible, in line with the "
	    "accessibility regulations. This website is fully compliant with the Web "
	    "Content Accessibility Guidelines version 2.2 AA standard."),
	N_("## How we tested this website"),
	N_("Each version of the software behind this website is checked with automated "
	    "accessibility tests in a web browser before it is released. {organisation} "
	    "reviews this statement at least once a year."),
	NULL,
};

static const char *const privacy_body[] = {
	N_("This notice explains what {organisation} records when you use this website, "
	    "and why."),
	N_("## When you answer a poll"),
	N_("You do not give us your name, email address or any other contact details to "
	    "answer a poll."),
	N_("When you answer, we store:"),
	N_("- the answer or answers you chose\n- the date and hour you answered, but not the "
	    "minute\n- a code made from the poll and a random number kept in a cookie on your "
	    "browser"),
	N_("The code lets us count one answer from each browser, so that the results are "
	    "fair. It cannot be turned back into the random number. It does not tell us who "
	    "you are. It is different in every poll, so your answers to different polls "
	    "cannot be linked."),
	N_("We do not store your IP address. To stop one person sending many answers, the "
	    "website counts the answers to each poll from each network for one minute. It "
	    "keeps the count under a code made from the network's address with a secret key, "
	    "which cannot be turned back into the address, and deletes the count when the "
	    "minute is over."),
	N_("If your answer is sent twice, for example because your connection dropped, we "
	    "count it once. To do this we keep a code made from the form you sent for 24 "
	    "hours, and then delete it."),
	N_("Some polls can only be answered with a code that we give you, on a letter or at "
	    "an event. We keep each code only as another code made from it with a secret key. "
	    "When you use your code it is deleted, so your answer cannot be linked to your "
	    "code or to you."),
	N_("## Our access logs"),
	N_("Our server keeps a log of the requests it answers, so that we can keep the "
	    "service working and safe. Each line records only the kind of request, the part "
	    "of the website it was for, the result and the time. It does not record your IP "
	    "address, your cookies or your answers."),
	N_("## When staff sign in"),
	N_("When our staff sign in, our audit log records the time, the email address used "
	    "and whether it succeeded. To stop anyone guessing passwords, we count failed "
	    "attempts for 15 minutes under codes made with a secret key from the email "
	    "address and the network's address. We never store the address itself."),
	N_("## Why we can use this information"),
	N_("The NHS must involve the people and communities it serves when it plans and "
	    "changes services. Asking for your views is part of that public task. Our "
	    "lawful basis under the UK General Data Protection Regulation (UK GDPR) is "
	    "public task: Article 6(1)(e)."),
	N_("## Who can see your answers"),
	N_("Staff at {organisation} can see the results of each poll. The public can see "
	    "the results when the poll says they will be shown. We only ever show how many "
	    "people chose each answer. We do not sell or share your answers."),
	N_("## How long we keep your answers"),
	N_("We keep the answers to a poll for as long as we need them to report the "
	    "results and explain what we did about them. When staff delete a poll, its "
	    "answers are deleted too."),
	N_("## Your rights"),
	N_("You have the right to:"),
	N_("- be told how your information is used\n- see the information we hold about "
	    "you\n- have information corrected if it is wrong\n- have information deleted\n- "
	    "object to how your information is used, or ask us to limit it"),
	N_("We do not know who gave each answer. This means we usually cannot find your "
	    "own answer to show it to you, change it or delete it."),
	N_("## Contact us"),
	N_("To ask about your information, or to make a complaint, contact the data "
	    "protection officer at {organisation}."),
	N_("If you are not happy with our reply, you can complain to the [Information "
	    "Commissioner's Office (ICO)](https://ico.org.uk/make-a-complaint/). You can "
	    "also call the ICO on 0303 123 1113."),
	NULL,
};

static const char *const cookies_body[] = {
	N_("Cookies are small files saved on your phone, tablet or computer when you visit "
	    "a website."),
	N_("We only use cookies that this website needs to work. These are called strictly "
	    "necessary cookies. We do not need to ask for your permission to use them."),
	N_("## Cookies we use"),
	"### involve_voter",
	N_("This cookie lets us count one answer from each browser in each poll. It holds "
	    "a random number. The number does not tell us who you are. It is set when you "
	    "first answer a poll. It expires after 400 days."),
	"### involve_session",
	N_("This cookie is only for staff of {organisation}. It keeps them signed in. It "
	    "is set when they sign in, and is called __Host-involve_session on a website "
	    "whose address starts with https. It ends when they sign out, when they have not "
	    "used the website for 30 minutes (or the time the website is set to), and after "
	    "8 hours at most."),
	"### involve_lang",
	N_("This cookie remembers the language you chose for this website. It is set only "
	    "when you choose a language with the link at the top of a page. It holds the "
	    "language's code, such as \"pl\". It expires after 1 year."),
	N_("## Cookies we do not use"),
	N_("We do not use analytics cookies. We do not use cookies for advertising. No "
	    "other website sets cookies through this website."),
	N_("## How to delete cookies"),
	N_("You can delete cookies at any time in your browser's settings."),
	NULL,
};

static const char *const home_body[] = {
	N_("{organisation} wants to hear from the people and communities it serves. What "
	    "you tell us helps us plan and improve services."),
	N_("Answer one of our quick polls below. It takes about a minute. We do not ask "
	    "for your name."),
	NULL,
};

static const struct site_default defaults[] = {
	{ "accessibility", N_("Accessibility statement"), accessibility_body },
	{ "privacy", N_("Privacy notice"), privacy_body },
	{ "cookies", N_("Cookies"), cookies_body },
	{ "home", N_("Have your say"), home_body },
};

const struct site_default *
site_default_find(struct str key)
{
	size_t i;

	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (str_eq_c(key, defaults[i].key))
			return &defaults[i];
	return NULL;
}

bool
site_default_is_statement(struct str key)
{
	return str_eq_c(key, "accessibility") || str_eq_c(key, "privacy") ||
	    str_eq_c(key, "cookies");
}

/* Appends name with every ASCII punctuation character backslash-escaped:
 * CommonMark shows any escaped punctuation as itself, so the name cannot
 * become emphasis, a link or a heading. */
static void
add_escaped(struct buf *out, const char *name)
{
	const char *s;

	for (s = name; *s; s++) {
		if (strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", *s) != NULL)
			buf_addch(out, '\\');
		buf_addch(out, *s);
	}
}

/* Appends paragraph text with each marker replaced by the organisation's
 * name, or by `anonymous` (with its first letter a capital where the marker
 * starts a sentence: translations need both forms). */
static void
add_paragraph(struct buf *out, const char *text, const char *org_name,
    const struct i18n_lang *lang)
{
	const char *s = text, *m;
	size_t marker = strlen(SITE_DEFAULT_ORG_MARKER);

	while ((m = strstr(s, SITE_DEFAULT_ORG_MARKER)) != NULL) {
		buf_add(out, s, (size_t)(m - s));
		if (org_name != NULL)
			add_escaped(out, org_name);
		else if (m == text || (m >= text + 2 && m[-2] == '.') || m[-1] == '\n')
			buf_add_c(out, i18n_text(lang, N_("The organisation that runs this website")));
		else
			buf_add_c(out, i18n_text(lang, N_("the organisation that runs this website")));
		s = m + marker;
	}
	buf_add_c(out, s);
}

int
site_default_body(const struct site_default *d, const char *org_name,
    const struct i18n_lang *lang, struct buf *out)
{
	const char *const *para;

	for (para = d->body; *para != NULL; para++) {
		if (para != d->body)
			buf_add_c(out, "\n\n");
		add_paragraph(out, i18n_text(lang, *para), org_name, lang);
	}
	buf_addch(out, '\n');
	return buf_ok(out) ? 0 : ERR_NOMEM;
}

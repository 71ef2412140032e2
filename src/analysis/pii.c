/*
 * pii.c - identifying details in free text (see pii.h).
 *
 * One pass from left to right: at the start of each word every rule is
 * tried in turn, and the first that matches takes its bytes, so matches
 * come out in order and never overlap.  Plain code rather than regular
 * expressions: the rules need word boundaries, a checksum and look-arounds
 * ("born" before a date, "Hospital" after a name) that POSIX regex lacks.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "involve/pii.h"

const char *
pii_kind_name(enum pii_kind k)
{
	static const char *const names[PII_KIND_N] = { "name", "phone", "email", "nhs_number",
		"postcode", "birth_date" };

	return (unsigned)k < PII_KIND_N ? names[k] : "";
}

/* ---- characters ----------------------------------------------------------------------- */

static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static bool is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static bool is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static bool is_alpha(unsigned char c) { return is_upper(c) || is_lower(c); }
static bool is_alnum(unsigned char c) { return is_alpha(c) || is_digit(c); }
/* Part of a word: bytes of other scripts too, so no rule starts or ends
 * inside one. */
static bool is_word(unsigned char c) { return is_alnum(c) || c >= 0x80; }

struct scan {
	const unsigned char *p;
	size_t n;
};

static unsigned char
at(const struct scan *s, size_t i)
{
	return i < s->n ? s->p[i] : 0;
}

/* Where the word starting at i ends (letters only). */
static size_t
letters_end(const struct scan *s, size_t i)
{
	while (i < s->n && is_alpha(s->p[i]))
		i++;
	return i;
}

static size_t
skip_spaces(const struct scan *s, size_t i)
{
	while (i < s->n && s->p[i] == ' ')
		i++;
	return i;
}

/* Whether the letters [i, end) are one of the NULL-ended words. */
static bool
word_in(const struct scan *s, size_t i, size_t end, const char *const *words)
{
	size_t len = end - i;

	for (; *words; words++)
		if (strlen(*words) == len && memcmp(*words, s->p + i, len) == 0)
			return true;
	return false;
}

/* The same ignoring case. */
static bool
word_in_ci(const struct scan *s, size_t i, size_t end, const char *const *words)
{
	size_t len = end - i, k;

	for (; *words; words++) {
		if (strlen(*words) != len)
			continue;
		for (k = 0; k < len; k++)
			if ((s->p[i + k] | 0x20) != ((unsigned char)(*words)[k] | 0x20))
				break;
		if (k == len)
			return true;
	}
	return false;
}

/* ---- email ------------------------------------------------------------------------------- */

static bool
is_local(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static size_t
email(const struct scan *s, size_t i)
{
	size_t j = i, dot = 0, tld;

	while (j < s->n && is_local(s->p[j]))
		j++;
	if (j == i || at(s, j) != '@')
		return 0;
	for (j++; j < s->n && (is_alnum(s->p[j]) || s->p[j] == '.' || s->p[j] == '-'); j++)
		;
	/* A sentence's full stop after the address is not its domain's. */
	while (j > i && s->p[j - 1] == '.')
		j--;
	for (dot = j; dot > i && s->p[dot - 1] != '.' && s->p[dot - 1] != '@'; dot--)
		;
	if (dot == i || s->p[--dot] != '.')
		return 0;
	for (tld = dot + 1; tld < j && is_alpha(s->p[tld]); tld++)
		;
	return tld == j && j - dot > 2 ? j - i : 0;
}

/* ---- numbers ------------------------------------------------------------------------------- */

int
pii_nhs_number_valid(const char digits[10])
{
	int i, sum = 0, check;

	for (i = 0; i < 10; i++)
		if (!is_digit((unsigned char)digits[i]))
			return 0;
	for (i = 0; i < 9; i++)
		sum += (digits[i] - '0') * (10 - i);
	check = 11 - sum % 11;
	if (check == 11)
		check = 0;
	return check != 10 && check == digits[9] - '0';
}

#define RUN_DIGITS_MAX 16

/*
 * A run of digits from i in groups split by one space, one hyphen or
 * brackets, with a leading "+": its length in bytes, its digits into d
 * (NUL-ended) and how many into *nd.  0 when no digit starts it.
 */
static size_t
digit_run(const struct scan *s, size_t i, char d[RUN_DIGITS_MAX + 1], int *nd)
{
	size_t j = i, last = i;
	int k = 0;

	*nd = 0;
	if (at(s, j) == '+' || at(s, j) == '(')
		j++;
	if (!is_digit(at(s, j)))
		return 0;
	for (;;) {
		while (j < s->n && is_digit(s->p[j])) {
			if (k < RUN_DIGITS_MAX)
				d[k] = (char)s->p[j];
			k++;
			j++;
		}
		last = j;
		if (at(s, j) == ')')
			last = ++j;
		/* One separator, then a digit (or a bracket and a digit). */
		if (at(s, j) == ' ' || at(s, j) == '-') {
			size_t next = j + 1;

			if (at(s, next) == '(')
				next++;
			if (is_digit(at(s, next))) {
				j = next;
				continue;
			}
		} else if (at(s, j) == '(' && is_digit(at(s, j + 1))) {
			j++;
			continue;
		}
		break;
	}
	if (is_word(at(s, last)))
		return 0; /* "0123abc": part of a word, not a number */
	d[k < RUN_DIGITS_MAX ? k : RUN_DIGITS_MAX] = '\0';
	*nd = k;
	return last - i;
}

/* What a run of digits is: PII_PHONE, PII_NHS_NUMBER, or PII_KIND_N. */
static enum pii_kind
number_kind(const char *d, int nd, bool plus)
{
	if (plus || (nd > 4 && d[0] == '0' && d[1] == '0')) {
		const char *rest = d + (plus ? 0 : 2);
		int left = nd - (plus ? 0 : 2);

		if (left >= 11 && left <= 12 && rest[0] == '4' && rest[1] == '4')
			return PII_PHONE;
		return PII_KIND_N;
	}
	if (nd == 10 && d[0] != '0' && pii_nhs_number_valid(d))
		return PII_NHS_NUMBER;
	if ((nd == 10 || nd == 11) && d[0] == '0')
		return PII_PHONE;
	return PII_KIND_N;
}

/* ---- dates ------------------------------------------------------------------------------- */

static const char *const months[] = { "january", "february", "march", "april", "may", "june",
	"july", "august", "september", "october", "november", "december", "jan", "feb", "mar",
	"apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", NULL };

/* Up to max digits from i: how many, their value into *v. */
static size_t
number(const struct scan *s, size_t i, size_t max, int *v)
{
	size_t k = 0;

	*v = 0;
	while (k < max && is_digit(at(s, i + k))) {
		*v = *v * 10 + (s->p[i + k] - '0');
		k++;
	}
	return k;
}

/* A day's number and its "st", "nd", "rd" or "th": where it ends, or 0. */
static size_t
day(const struct scan *s, size_t i)
{
	int v;
	size_t k = number(s, i, 2, &v), e;

	if (k == 0 || v < 1 || v > 31 || is_digit(at(s, i + k)))
		return 0;
	e = letters_end(s, i + k);
	if (e > i + k && !word_in_ci(s, i + k, e, (const char *const[]){ "st", "nd", "rd", "th",
	    NULL }))
		return 0;
	return e;
}

/* A four-digit year at i: its end, the year into *year; or 0. */
static size_t
year4(const struct scan *s, size_t i, int *year)
{
	size_t k = number(s, i, 4, year);

	return k == 4 && !is_word(at(s, i + 4)) ? i + 4 : 0;
}

/*
 * A date at i: 12/03/1956, 12.3.56, 12-03-1956, 12 March 1956, 12th of
 * March 1956, March 12th 1956, March 12, 1956.  Its end, or 0; its year
 * (two digits as written) into *year.
 */
static size_t
date(const struct scan *s, size_t i, int *year)
{
	size_t e, m, k;
	int v;
	unsigned char sep;

	*year = -1;
	if (is_digit(at(s, i))) {
		k = number(s, i, 2, &v);
		sep = at(s, i + k);
		if (k > 0 && v >= 1 && v <= 31 && (sep == '/' || sep == '.' || sep == '-')) {
			e = i + k + 1;
			k = number(s, e, 2, &v);
			if (k == 0 || v < 1 || v > 31 || at(s, e + k) != sep)
				return 0;
			e += k + 1;
			k = number(s, e, 4, year);
			if ((k != 2 && k != 4) || is_word(at(s, e + k)))
				return 0;
			return e + k;
		}
		if ((e = day(s, i)) == 0)
			return 0;
		e = skip_spaces(s, e);
		if (letters_end(s, e) == e + 2 && word_in_ci(s, e, e + 2,
		    (const char *const[]){ "of", NULL }))
			e = skip_spaces(s, e + 2);
		m = letters_end(s, e);
		if (m == e || !word_in_ci(s, e, m, months))
			return 0;
		e = skip_spaces(s, m);
		return year4(s, e, year);
	}
	m = letters_end(s, i);
	if (m == i || !word_in_ci(s, i, m, months))
		return 0;
	e = skip_spaces(s, m);
	if ((e = day(s, e)) == 0)
		return 0;
	if (at(s, e) == ',')
		e++;
	return year4(s, skip_spaces(s, e), year);
}

/* Whether the words just before i say a birth date follows. */
static bool
birth_context(const struct scan *s, size_t i)
{
	static const char *const cues[] = { "born", "dob", "d.o.b", "birth", "birthday",
		"b'day", NULL };
	size_t from = i > 40 ? i - 40 : 0, w, e;

	for (w = from; w < i; w = e) {
		while (w < i && !is_alpha(s->p[w]))
			w++;
		for (e = w; e < i && (is_alpha(s->p[e]) || s->p[e] == '.' || s->p[e] == '\''); e++)
			;
		while (e > w && (s->p[e - 1] == '.'))
			e--;
		if (e > w && word_in_ci(s, w, e, cues))
			return true;
		if (e == w)
			e++;
	}
	return false;
}

/* ---- postcodes ---------------------------------------------------------------------------- */

/* The inward half of a postcode at k ("9AA"), ending a word. */
static bool
inward_at(const struct scan *s, size_t k)
{
	return is_digit(at(s, k)) && is_alpha(at(s, k + 1)) && is_alpha(at(s, k + 2)) &&
	    !is_word(at(s, k + 3));
}

/* A UK postcode at i (A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA, AA9A
 * 9AA, the space optional): its end, or 0.  Its letters all one case, so
 * "M6 4th" is not one. */
static size_t
postcode(const struct scan *s, size_t i)
{
	size_t j = i, o, k, end = 0;
	int upper = 0, lower = 0;

	while (j < i + 2 && is_alpha(at(s, j)))
		j++;
	if (j == i || !is_digit(at(s, j)))
		return 0;
	j++;
	/* The outward half ends after its digit, or after one more letter or
	 * digit. */
	for (o = j; o <= j + 1 && end == 0; o++) {
		if (o > j && !is_alnum(at(s, j)))
			break;
		k = at(s, o) == ' ' ? o + 1 : o;
		if (inward_at(s, k))
			end = k + 3;
	}
	if (end == 0)
		return 0;
	for (k = i; k < end; k++) {
		upper += is_upper(s->p[k]);
		lower += is_lower(s->p[k]);
	}
	return upper > 0 && lower > 0 ? 0 : end;
}

/* ---- names -------------------------------------------------------------------------------- */

static const char *const titles[] = { "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Doctor",
	"Nurse", "Sister", "Matron", "Prof", "Professor", "Sir", "Dame", "Paramedic", "Midwife",
	"Consultant", "Surgeon", NULL };
static const char *const roles[] = { "nurse", "doctor", "dr", "matron", "sister",
	"paramedic", "midwife", "consultant", "surgeon", "porter", "driver", "receptionist",
	"carer", "physio", "technician", "called", "named", NULL };
static const char *const relatives[] = { "husband", "wife", "partner", "son", "daughter",
	"mum", "mother", "mam", "dad", "father", "brother", "sister", "nan", "nana", "gran",
	"grandma", "grandad", "granddad", "grandson", "granddaughter", "friend", "neighbour",
	"aunt", "auntie", "uncle", "niece", "nephew", "baby", "boyfriend", "girlfriend", NULL };
/* Capitalised words that start sentences and follow titles without
 * being names. */
static const char *const not_names[] = { "The", "A", "An", "And", "But", "Or", "So", "I",
	"He", "She", "They", "We", "You", "It", "This", "That", "Who", "Was", "Is", "Were",
	"Are", "At", "In", "On", "To", "Of", "For", "With", "Very", "Thank", "Thanks", "Please",
	"Then", "When", "Also", "All", "My", "His", "Her", "Their", "Our", "Your", "Not", "No",
	"Yes", "Had", "Has", "Have", "Did", "Could", "Would", "Should", "Gave", "Came", "Said",
	"Told", "Just", "Really", "Always", "Everyone", "Staff", "Team", "Crew", "Ambulance",
	"Service", "Hospital", NULL };
/* Words after a name that make it a place's ("James Cook Hospital"). */
static const char *const places[] = { "Hospital", "Infirmary", "Centre", "Center", "Street",
	"Road", "Lane", "Avenue", "House", "Ward", "Unit", "Court", "Hall", "Park", "Medical",
	"Surgery", "Practice", "Health", "University", "Clinic", "School", "College", "Way",
	"Drive", "Close", "Square", "Station", "Building", "Wing", "Trust", NULL };
/*
 * Given names common in the UK, written with a capital.  Left out: those
 * that are also everyday words at a sentence's start ("Will", "May",
 * "June", "Hope", "Grace", "Joy", "Bill", "Sue", "Pat", "Rose").
 */
static const char *const given[] = { "Aaron", "Abigail", "Adam", "Aidan", "Alan", "Alex",
	"Alexander", "Alice", "Alison", "Amanda", "Amber", "Amelia", "Amy", "Andrea", "Andrew",
	"Andy", "Angela", "Ann", "Anna", "Anne", "Anthony", "Ashley", "Barbara", "Barry", "Ben",
	"Benjamin", "Beth", "Beverley", "Brenda", "Brian", "Callum", "Carl", "Carol", "Caroline",
	"Catherine", "Charlotte", "Chloe", "Chris", "Christine", "Christopher", "Claire", "Colin",
	"Connor", "Craig", "Daniel", "Danny", "Darren", "Dave", "David", "Dawn", "Dean",
	"Debbie", "Deborah", "Denise", "Diane", "Donna", "Dorothy", "Edward", "Elaine",
	"Eleanor", "Elizabeth", "Ella", "Ellie", "Emily", "Emma", "Eric", "Fiona", "Gary",
	"Gemma", "George", "Gillian", "Graham", "Hannah", "Harry", "Hayley", "Heather", "Helen",
	"Holly", "Ian", "Irene", "Jack", "Jacqueline", "James", "Jamie", "Jane", "Janet",
	"Jason", "Jean", "Jennifer", "Jenny", "Jessica", "Jill", "Jim", "Joan", "Joanne", "John",
	"Jonathan", "Joseph", "Josh", "Joshua", "Julie", "Karen", "Kate", "Katherine", "Kathleen",
	"Katie", "Kelly", "Kevin", "Kieran", "Kirsty", "Laura", "Lauren", "Lee", "Leanne",
	"Liam", "Linda", "Lisa", "Louise", "Lucy", "Luke", "Lynn", "Lynne", "Margaret", "Maria",
	"Mark", "Martin", "Mary", "Matt", "Matthew", "Megan", "Michael", "Michelle", "Mike",
	"Mohammed", "Muhammad", "Natalie", "Neil", "Nicola", "Nicole", "Nigel", "Oliver",
	"Olivia", "Owen", "Patricia", "Paul", "Pauline", "Peter", "Philip", "Rachel", "Rebecca",
	"Richard", "Rob", "Robert", "Ruth", "Ryan", "Sam", "Samantha", "Samuel", "Sandra",
	"Sarah", "Scott", "Sean", "Sharon", "Shaun", "Sheila", "Simon", "Sophie", "Stephen",
	"Steve", "Steven", "Stuart", "Susan", "Tom", "Thomas", "Tony", "Tracey", "Tracy",
	"Trevor", "Valerie", "Vicky", "Victoria", "Wayne", "William", "Zoe", NULL };

/* A capitalised word at i that may be a name: its end, or 0. */
static size_t
capitalised(const struct scan *s, size_t i)
{
	size_t e = letters_end(s, i);

	if (e < i + 2 || !is_upper(s->p[i]) || !is_lower(s->p[i + 1]) || is_word(at(s, e)))
		return 0;
	return word_in(s, i, e, not_names) ? 0 : e;
}

/* Whether a place word follows the name ending at e, over up to two more
 * capitalised words. */
static bool
place_follows(const struct scan *s, size_t e)
{
	size_t w, end;
	int k;

	for (k = 0; k < 3; k++) {
		w = skip_spaces(s, e);
		if (w == e || !is_alpha(at(s, w)))
			return false;
		end = letters_end(s, w);
		if (word_in_ci(s, w, end, places))
			return true;
		e = end;
	}
	return false;
}

/* The name a title, role or relative at i introduces: *from and its end,
 * or 0. */
static size_t
introduced(const struct scan *s, size_t i, size_t *from)
{
	size_t e = letters_end(s, i), w, name;
	bool title = false;

	if (e == i)
		return 0;
	if (word_in_ci(s, i, e, (const char *const[]){ "my", "our", "his", "her", "their",
	    NULL })) {
		w = skip_spaces(s, e);
		e = letters_end(s, w);
		if (w == e || !word_in_ci(s, w, e, relatives))
			return 0;
	} else if (word_in_ci(s, i, e, (const char *const[]){ "name", NULL })) {
		w = skip_spaces(s, e);
		e = letters_end(s, w);
		if (!word_in(s, w, e, (const char *const[]){ "is", "was", NULL }))
			return 0;
	} else if ((title = word_in(s, i, e, titles)) == false && !word_in(s, i, e, roles)) {
		return 0;
	}
	/* "Dr. Patel", "my husband, Alan"; but "the driver. Both were kind"
	 * ends a sentence. */
	if (title && at(s, e) == '.')
		e++;
	else if (at(s, e) == ',')
		e++;
	w = skip_spaces(s, e);
	if (w == e || (name = capitalised(s, w)) == 0 || place_follows(s, name))
		return 0;
	/* A surname after the given name is part of it. */
	e = skip_spaces(s, name);
	if (e > name && capitalised(s, e) != 0 && !place_follows(s, capitalised(s, e)))
		name = capitalised(s, e);
	*from = w;
	return name;
}

/* ---- the pass ----------------------------------------------------------------------------- */

struct found {
	struct pii_match *out;
	int max, n;
};

static void
add(struct found *f, enum pii_kind k, size_t from, size_t to)
{
	if (f->n < f->max)
		f->out[f->n] = (struct pii_match){ k, from, to - from };
	f->n++;
}

/* Tries every rule at i, the start of a word; the end of what matched (or
 * of a date that is no birth date, so its digits are not read again), or
 * i when nothing did. */
static size_t
try_at(const struct scan *s, size_t i, struct found *f)
{
	char d[RUN_DIGITS_MAX + 1];
	size_t e, from;
	int nd, year;
	enum pii_kind k;

	if ((e = email(s, i)) != 0) {
		add(f, PII_EMAIL, i, i + e);
		return i + e;
	}
	if ((e = date(s, i, &year)) != 0) {
		if (birth_context(s, i) || (year >= 1900 && year <= 1999))
			add(f, PII_BIRTH_DATE, i, e);
		return e;
	}
	if ((e = digit_run(s, i, d, &nd)) != 0) {
		if ((k = number_kind(d, nd, s->p[i] == '+')) != PII_KIND_N)
			add(f, k, i, i + e);
		return i + e;
	}
	if ((e = postcode(s, i)) != 0) {
		add(f, PII_POSTCODE, i, e);
		return e;
	}
	if ((e = introduced(s, i, &from)) != 0) {
		add(f, PII_NAME, from, e);
		return e;
	}
	e = letters_end(s, i);
	if (e > i && is_upper(s->p[i]) && !is_word(at(s, e)) && word_in(s, i, e, given) &&
	    !place_follows(s, e)) {
		add(f, PII_NAME, i, e);
		return e;
	}
	return i;
}

int
pii_find(struct str text, struct pii_match *out, int max)
{
	struct scan s = { (const unsigned char *)text.p, text.n };
	struct found f = { out, out ? max : 0, 0 };
	size_t i = 0, next;

	while (i < s.n) {
		if ((next = try_at(&s, i, &f)) > i) {
			i = next;
			continue;
		}
		/* On to where the next word may start. */
		if (is_word(s.p[i]))
			while (i < s.n && is_word(s.p[i]))
				i++;
		else
			i++;
	}
	return f.n;
}

unsigned
pii_kinds(struct str text)
{
	struct pii_match m[32];
	unsigned bits = 0;
	int i, n = pii_find(text, m, 32);

	for (i = 0; i < n && i < 32; i++)
		bits |= 1u << m[i].kind;
	/* Past the first 32 found, a rare comment: look again from there. */
	if (n > 32) {
		size_t from = m[31].at + m[31].len;

		bits |= pii_kinds((struct str){ text.p + from, text.n - from });
	}
	return bits;
}

#!/usr/bin/env python3
"""po.py - the message catalogues (po/*.po, GNU gettext's format) and the program.

  po.py c OUTPUT.c POT PO...     writes the C tables the program reads (src/core/i18n.c):
                                 every message of the template POT, sorted, and each
                                 language's translations of it (none: the English shows)
  po.py extract OUTPUT.pot FILE... writes the template: every message marked in the files,
                                 {{_ ...}} in templates, tr(), trn(), errors_trn(),
                                 note_trn() and N_() in C; refuses tr() or N_() of a
                                 choice (x ? "a" : "b"), whose literals it cannot find
  po.py check POT PO...          says what is wrong with the catalogues, and exits 1 if
                                 anything is: messages the template no longer has, a
                                 translation whose printf conversions or {placeholders}
                                 differ from the English, a plural with the wrong number
                                 of forms, a header without Language, Plural-Forms or
                                 X-Direction

Why not glibc's gettext at run time: it picks the catalogue through the thread's locale,
and a locale (pl_PL.UTF-8, ur_PK.UTF-8) must be generated on the machine first, which a
fresh one has not.  Reading the catalogues into tables at build time needs nothing there,
and the files stay the standard ones translators and their tools (Poedit, msgmerge) know;
msgfmt --check still checks them in the tests.
"""
import os
import re
import sys

FORMS_MAX = 6  # I18N_FORMS_MAX in include/involve/i18n.h


class PoError(Exception):
    pass


def unquote(s, where):
    if not (s.startswith('"') and s.endswith('"')):
        raise PoError("%s: not a quoted string: %s" % (where, s))
    out, i, body = [], 0, s[1:-1]
    while i < len(body):
        c = body[i]
        if c == "\\":
            i += 1
            n = body[i]
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}.get(n))
            if out[-1] is None:
                raise PoError("%s: unknown escape \\%s" % (where, n))
        else:
            out.append(c)
        i += 1
    return "".join(out)


def parse_po(path):
    """Returns (header dict, [entry]) where an entry is a dict with msgid, msgid_plural
    (or None), msgstr (list of forms), flags, refs."""
    entries, cur, key = [], None, None
    flags, refs = [], []

    def finish():
        nonlocal cur
        if cur is not None:
            entries.append(cur)
        cur = None

    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        where = "%s:%d" % (path, n)
        line = line.rstrip("\n")
        if not line.strip():
            finish()
            key = None
            continue
        if line.startswith("#,"):
            finish()
            flags += [f.strip() for f in line[2:].split(",")]
            continue
        if line.startswith("#:"):
            finish()
            refs += line[2:].split()
            continue
        if line.startswith("#"):
            continue
        m = re.match(r'(msgid|msgid_plural|msgctxt|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if m:
            word = m.group(1)
            if word == "msgid":
                finish()
                cur = {"msgid": "", "msgid_plural": None, "msgstr": [], "flags": flags,
                       "refs": refs}
                flags, refs = [], []
            if cur is None:
                raise PoError("%s: %s before msgid" % (where, word))
            if word == "msgctxt":
                raise PoError("%s: msgctxt is not used here" % where)
            if word.startswith("msgstr"):
                k = int(m.group(2) or 0)
                while len(cur["msgstr"]) <= k:
                    cur["msgstr"].append("")
                key = ("msgstr", k)
            else:
                key = (word, None)
                cur[word] = ""
            value = unquote(m.group(3), where)
        elif line.startswith('"'):
            if cur is None or key is None:
                raise PoError("%s: a string that continues nothing" % where)
            value = unquote(line, where)
        else:
            raise PoError("%s: cannot read this line" % where)
        if key[0] == "msgstr":
            cur["msgstr"][key[1]] += value
        else:
            cur[key[0]] += value
    finish()
    header = {}
    rest = []
    for e in entries:
        if e["msgid"] == "":
            for h in (e["msgstr"][0] if e["msgstr"] else "").split("\n"):
                if ":" in h:
                    k, v = h.split(":", 1)
                    header[k.strip()] = v.strip()
        else:
            rest.append(e)
    return header, rest


def c_string(s):
    out = []
    for b in s.encode("utf-8"):
        c = chr(b)
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif 32 <= b < 127:
            out.append(c)
        else:
            out.append("\\%03o" % b)
    return '"' + "".join(out) + '"'


def plural_expression(header, path):
    m = re.match(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*$",
                 header.get("Plural-Forms", ""))
    if not m:
        raise PoError("%s: the header has no Plural-Forms" % path)
    expr = m.group(2)
    # The expression is C already (gettext defines it so); only n and the operators
    # gettext allows may appear in it.
    if re.search(r"[^n0-9\s()?:<>=!&|%+\-*/]", expr):
        raise PoError("%s: Plural-Forms has something other than n and operators" % path)
    return int(m.group(1)), expr


def lang_code(path):
    return os.path.splitext(os.path.basename(path))[0]


def cmd_c(out, pot, pos):
    _, template = parse_po(pot)
    ids = sorted({e["msgid"] for e in template})
    plurals = {e["msgid"]: e["msgid_plural"] for e in template}
    lines = ["/* Generated by scripts/po.py from po/; do not edit. */",
             '#include "involve/i18n.h"', ""]
    lines.append("const int i18n_msg_n = %d;" % len(ids))
    lines.append("const char *const i18n_msgids[] = {")
    lines += ["\t%s," % c_string(i) for i in ids]
    lines.append("\tNULL,\n};")
    lines.append("const char *const i18n_msgid_plurals[] = {")
    lines += ["\t%s," % (c_string(plurals[i]) if plurals[i] else "NULL") for i in ids]
    lines.append("\tNULL,\n};")
    langs = []
    for po in pos:
        header, entries = parse_po(po)
        code = lang_code(po)
        nplurals, expr = plural_expression(header, po)
        if nplurals > FORMS_MAX:
            raise PoError("%s: more plural forms than I18N_FORMS_MAX" % po)
        have = {e["msgid"]: e for e in entries if "fuzzy" not in e["flags"]}
        name = header.get("X-Language-Name") or code
        rtl = header.get("X-Direction", "ltr") == "rtl"
        lines.append("static int\nplural_%s(unsigned long n)\n{\n\treturn (int)(%s);\n}" %
                     (code, expr))
        lines.append("static const char *const text_%s[][I18N_FORMS_MAX] = {" % code)
        for i in ids:
            e = have.get(i)
            forms = [f for f in (e["msgstr"] if e else [])]
            if not forms or not all(forms):
                forms = []
            lines.append("\t{ %s }," % ", ".join(c_string(f) for f in forms) if forms
                         else "\t{ NULL },")
        lines.append("};")
        langs.append((code, name, rtl, nplurals))
    lines.append("static int\nplural_en(unsigned long n)\n{\n\treturn n != 1;\n}")
    lines.append("const struct i18n_lang i18n_langs[] = {")
    lines.append('\t{ "en", "English", false, 2, plural_en, NULL },')
    for code, name, rtl, nplurals in langs:
        lines.append("\t{ %s, %s, %s, %d, plural_%s, text_%s }," %
                     (c_string(code), c_string(name), "true" if rtl else "false", nplurals,
                      code, code))
    lines.append("};")
    lines.append("const int i18n_lang_n = %d;" % (len(langs) + 1))
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


# ---- extraction -------------------------------------------------------------------------

C_STRING = r'"(?:[^"\\\n]|\\.)*"'
C_STRINGS = r'(%s(?:\s*%s)*)' % (C_STRING, C_STRING)


def c_literal(text):
    parts = re.findall(C_STRING, text)
    return "".join(unquote(p, "C") for p in parts)


def extract(paths):
    """Returns {msgid: (plural or None, [files])} in first-seen order.  References name the
    file without a line, so that the template changes only when its messages do."""
    found = {}

    def add(msgid, plural, ref):
        old = found.get(msgid)
        if old and old[0] != plural:
            raise PoError("%s: %r is used with two plurals" % (ref, msgid))
        found.setdefault(msgid, (plural, []))[1].append(ref)

    for path in paths:
        text = open(path, encoding="utf-8").read()
        rel = os.path.relpath(path)
        if path.endswith(".html"):
            for m in re.finditer(r"\{\{_ ((?:[^{}\n]|\{[a-z_][a-z0-9_.]*\})+?)\s*\}\}", text):
                add(m.group(1).strip(), None, rel)
            continue
        for m in re.finditer(r"\b(tr|N_)\(\s*(?:[^,()\"]+,\s*)?" + C_STRINGS + r"\s*\)", text):
            add(c_literal(m.group(2)), None, rel)
        # tr(req, x ? "A" : "B") would translate neither: only a literal right inside the
        # call is found.  Each branch is its own tr(), or its own N_().
        m = re.search(r"\b(tr|N_)\(\s*(?:[^,()\"]+,\s*)?[^,()\";]*\?\s*\"", text)
        if m:
            line = text.count("\n", 0, m.start()) + 1
            raise PoError("%s:%d: %s() of a choice between literals is never extracted: give "
                          "each literal its own %s()" % (rel, line, m.group(1), m.group(1)))
        # errors_trn() and lss_import.c's note_trn() take the pair after a first argument
        # as the web's trn() does.
        for m in re.finditer(r"\b(?:errors_|note_)?trn\(\s*[^,()\"]+,\s*" + C_STRINGS +
                             r"\s*,\s*" + C_STRINGS, text):
            add(c_literal(m.group(1)), c_literal(m.group(2)), rel)
    return found


def po_string(s):
    body = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"%s"' % body


def cmd_extract(out, paths):
    found = extract(paths)
    lines = ["# The messages of involve's interface, in English: the template every po/LANG.po",
             "# follows.  Made by `scripts/po.py extract` (make pot); do not edit by hand.",
             'msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for msgid in sorted(found):
        plural, refs = found[msgid]
        lines.append("#: " + " ".join(sorted(set(refs))))
        if conversions(msgid.replace("%%", "")):
            lines.append("#, c-format")
        lines.append("msgid " + po_string(msgid))
        if plural:
            lines.append("msgid_plural " + po_string(plural))
            lines += ['msgstr[0] ""', 'msgstr[1] ""']
        else:
            lines.append('msgstr ""')
        lines.append("")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


# ---- checks ---------------------------------------------------------------------------------

def conversions(s):
    """The printf conversions of s in the order printf takes their values: as written, or by
    their positions ("%2$s") where they give them.  A translation must take the same values
    in the same order as the English, or printf would read them as the wrong types."""
    found = re.findall(r"%(?:(\d+)\$)?([-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?"
                       r"(?:ll|l|z|h|j|t)?[sdicuxXfFgGeE%])", s)
    if any(pos for pos, _ in found):
        found = sorted(found, key=lambda c: int(c[0] or 0))
    return [conv for _, conv in found]


def placeholders(s):
    return sorted(re.findall(r"\{[a-z_][a-z0-9_.]*\}", s))


def cmd_check(pot, pos):
    _, template = parse_po(pot)
    known = {e["msgid"]: e for e in template}
    problems = []
    for po in pos:
        header, entries = parse_po(po)
        for k in ("Language", "Plural-Forms", "X-Direction", "X-Language-Name"):
            if k not in header:
                problems.append("%s: the header has no %s" % (po, k))
        try:
            nplurals, _ = plural_expression(header, po)
        except PoError as e:
            problems.append(str(e))
            nplurals = 2
        for e in entries:
            where = "%s: %r" % (po, e["msgid"][:60])
            if e["msgid"] not in known:
                problems.append("%s: not in the template (remove it)" % where)
                continue
            forms = [f for f in e["msgstr"] if f]
            if not forms:
                continue
            if e["msgid_plural"] and len(e["msgstr"]) != nplurals:
                problems.append("%s: %d plural forms, the header says %d" %
                                (where, len(e["msgstr"]), nplurals))
            for f in forms:
                english = e["msgid_plural"] if e["msgid_plural"] else e["msgid"]
                if e["msgid_plural"]:
                    # A form for one may leave the number out ("one person").
                    ok = set(conversions(f)) <= set(conversions(english))
                else:
                    ok = conversions(f) == conversions(english)
                if not ok:
                    problems.append("%s: printf conversions differ: %r" % (where, f))
                if placeholders(f) != placeholders(e["msgid"]):
                    problems.append("%s: {placeholders} differ: %r" % (where, f))
    for p in problems:
        print(p)
    return 1 if problems else 0


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd = sys.argv[1]
    if cmd == "c":
        cmd_c(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif cmd == "extract":
        cmd_extract(sys.argv[2], sys.argv[3:])
    elif cmd == "check":
        sys.exit(cmd_check(sys.argv[2], sys.argv[3:]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    try:
        main()
    except PoError as e:
        sys.exit("po.py: " + str(e))

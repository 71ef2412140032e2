#!/usr/bin/env python3
"""lss_import.py - the LimeSurvey survey structure file bench/lss_import.sh imports.

    lss_import.py QUESTIONS FILE    writes a survey of QUESTIONS questions to FILE

The file is shaped as LimeSurvey 5 exports one (DBVersion 495: texts in the *_l10ns tables,
a question's attributes as rows of question_attributes, thirty or so each as LimeSurvey
writes them), in groups of 20 questions, the kinds in turn: list (radio) with "Other",
multiple choice, array, short and long text, numerical, date, yes/no, 5 point choice, list
(dropdown), each one involve question, so that all of them come across (involve keeps 500).
Texts are HTML as LimeSurvey's editor saves them, and every fifth question is shown only when
an earlier answer is what it says.  Made from a fixed seed, so every run imports the same
file.
"""
import random
import sys
from xml.sax.saxutils import escape

KINDS = "LMFSTNDY5!"
WORDS = ("access pharmacy service local area appointment waiting time staff care support "
         "information clinic hospital family carer community health visit treatment").split()
# Attributes LimeSurvey writes for every question, most of them empty.
ATTRIBUTES = ["cssclass", "hidden", "hide_tip", "page_break", "printable_help",
              "public_statistics", "random_group", "save_as_default", "scale_export",
              "statistics_graphtype", "statistics_showgraph", "time_limit", "time_limit_action",
              "time_limit_disable_next", "time_limit_disable_prev", "time_limit_message",
              "time_limit_message_delay", "time_limit_message_style", "time_limit_timer_style",
              "time_limit_warning", "time_limit_warning_2", "time_limit_warning_display_time",
              "em_validation_q", "em_validation_q_tip", "display_columns", "answer_order",
              "array_filter", "array_filter_exclude", "input_size", "prefix", "suffix"]


def cdata(v):
    return "<![CDATA[" + v.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def table(name, fields, rows):
    out = [" <%s>\n  <fields>\n" % name]
    out += ["   <fieldname>%s</fieldname>\n" % f for f in fields]
    out.append("  </fields>\n  <rows>\n")
    for r in rows:
        out.append("   <row>\n")
        for f, v in zip(fields, r):
            out.append("    <%s/>\n" % f if v == "" else "    <%s>%s</%s>\n" % (f, cdata(str(v)), f))
        out.append("   </row>\n")
    out.append("  </rows>\n </%s>\n" % name)
    return "".join(out)


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def main():
    count, path = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(495)
    groups, group_l10ns, questions, l10ns, answers, answer_l10ns, attrs = [], [], [], [], [], [], []
    qid, aid, kinds = 1, 1, {}
    for g in range(1, (count + 19) // 20 + 1):
        groups.append([g, 1, g, "", "1"])
        # No description: it would be information at the top of the page, a question more.
        group_l10ns.append([g, g, "Part %d: %s" % (g, sentence(rng, 3)), "", "en"])
    for n in range(count):
        kind, gid, code = KINDS[n % len(KINDS)], n // 20 + 1, "Q%d" % (n + 1)
        relevance = "1"
        if n % 5 == 4 and n >= 10:
            # An earlier list question's answer: every tenth question is one.
            ref = (n // 10) * 10 - 10
            relevance = '((Q%d.NAOK == "A2"))' % (ref + 1)
        questions.append([qid, 0, 848839, gid, kind, code, "", "Y" if kind in "LM" else "N",
                          "Y" if n % 3 == 0 else "N", "N", n % 20 + 1, 0, 0, relevance, "", ""])
        l10ns.append([qid, qid, "<p>%s %s?</p>\n<p><em>%s</em></p>" % (
            code, sentence(rng, 8), sentence(rng, 6)), "<p>%s.</p>" % sentence(rng, 10), "", "en"])
        for a in ATTRIBUTES:
            attrs.append([qid, a, "0" if a.startswith("time_limit_") else "", "en" if a.endswith(
                "message") or a.endswith("tip") or a == "printable_help" else ""])
        kinds[qid] = kind
        parent = qid
        qid += 1
        if kind in "MF":
            for s in range(1, 6):
                questions.append([qid, parent, 848839, gid, "T", "SQ%03d" % s, "", "N", "N", "N",
                                  s, 0, 0, "1", "", ""])
                l10ns.append([qid, qid, sentence(rng, 3), "", "", "en"])
                qid += 1
        if kind in "LF!":
            for s in range(1, 6):
                answers.append([aid, parent, "A%d" % s, s, 0, 0])
                answer_l10ns.append([aid, aid, sentence(rng, 2), "en"])
                aid += 1
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<document>\n'
                " <LimeSurveyDocType>Survey</LimeSurveyDocType>\n <DBVersion>495</DBVersion>\n"
                " <languages>\n  <language>en</language>\n </languages>\n")
        f.write(table("answers", ["aid", "qid", "code", "sortorder", "assessment_value",
                                  "scale_id"], answers))
        f.write(table("answer_l10ns", ["id", "aid", "answer", "language"], answer_l10ns))
        f.write(table("groups", ["gid", "sid", "group_order", "randomization_group",
                                 "grelevance"], groups))
        f.write(table("group_l10ns", ["id", "gid", "group_name", "description", "language"],
                      group_l10ns))
        f.write(table("questions", ["qid", "parent_qid", "sid", "gid", "type", "title", "preg",
                                    "other", "mandatory", "encrypted", "question_order",
                                    "scale_id", "same_default", "relevance",
                                    "question_theme_name", "modulename"], questions))
        f.write(table("question_l10ns", ["id", "qid", "question", "help", "script", "language"],
                      l10ns))
        f.write(table("question_attributes", ["qid", "attribute", "value", "language"], attrs))
        f.write(table("surveys", ["sid", "language", "additional_languages", "format",
                                  "template"], [[848839, "en", "", "G", "fruity"]]))
        f.write(table("surveys_languagesettings", ["surveyls_survey_id", "surveyls_language",
                                                   "surveyls_title"],
                      [[848839, "en", escape("Your views on local services")]]))
        f.write("</document>\n")


if __name__ == "__main__":
    main()

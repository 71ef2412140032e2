#!/usr/bin/env python3
"""survey_import.py - the files bench/survey_import.sh imports.

    survey_import.py definition                 the survey, as `involve survey create` reads it
    survey_import.py rows N CSV TSV             N responses to it: CSV for `involve survey import`
                                                (as people type them: labels in any case, dates
                                                both ways, postcodes spaced any way, some
                                                questions left blank), and TSV for the baseline
                                                (the same responses as survey_response rows, their
                                                answers as JSON, in COPY's text format, for the
                                                database's own bulk loader)

Ten questions, one of each kind an import reads differently: single, likert, fft, rating,
number, multiple, a grid of three rows, date, postcode, text.  The rows are made from a fixed
seed, so every run imports the same file.
"""
import json
import random
import sys

SINGLE = ["Yes", "No", "Not sure"]
LIKERT = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree",
          "Strongly disagree"]
FFT = ["Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Don't know"]
MULTIPLE = ["Parking", "Waiting times", "Staff", "Cleanliness", "Food"]
GRID_ROWS = ["booking", "waiting", "staff"]
GRID_OPTIONS = ["Good", "Fair", "Poor"]
POSTCODES = ["BB1 7DJ", "M1 1AE", "SW1A 1AA", "BL9 0SN", "FY3 8NR", "LS1 4AP", "B33 8TH",
             "CR2 6XH", "DN55 1PT", "EC1A 1BB", "W1A 0AX", "OL16 2UP", "PR1 8UY", "WN1 1XH",
             "SK1 3XE", "BD1 1HY", "HX1 1UJ", "L1 8JQ", "CH1 2HS", "CW1 2BJ"]
# When the baseline's rows were submitted (an import's are at the hour it ran).
AT = 1800000000
TEXTS = ["The staff were kind", "Parking was hard to find, and the signs were no help",
         "Quick and friendly", "I waited \"far\" too long", "Café closed early",
         "Nothing to add", "Clean; calm; on time"]


def definition():
    q = [
        {"key": "visit", "type": "single", "text": "Was this your first visit?",
         "required": True, "options": SINGLE},
        {"key": "agree", "type": "likert", "text": "I was treated with respect"},
        {"key": "fft", "type": "fft", "required": True},
        {"key": "rating", "type": "rating", "text": "How easy was it to book?"},
        {"key": "minutes", "type": "number", "text": "How long did you wait, in minutes?",
         "min": 0, "max": 600},
        {"key": "better", "type": "multiple", "text": "What could we do better?",
         "options": MULTIPLE, "max": 3},
        {"key": "grid", "type": "grid", "text": "How was each part of your visit?",
         "rows": GRID_ROWS, "options": GRID_OPTIONS},
        {"key": "date", "type": "date", "text": "When did you visit?", "min": "2020-01-01"},
        {"key": "postcode", "type": "postcode", "text": "Your postcode"},
        {"key": "comment", "type": "text", "text": "Anything else?"},
    ]
    return {"title": "Your visit to the clinic",
            "pages": [{"key": "visit_page", "title": "Your visit", "questions": q}]}


def cased(text, r):
    return text.lower() if r.random() < 0.2 else text


def csv_cell(text):
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def rows(n, csv_path, tsv_path):
    r = random.Random(20261207)
    header = ["visit", "agree", "fft", "rating", "minutes", "better"] + \
        ["grid." + row for row in GRID_ROWS] + ["date", "postcode", "comment"]
    with open(csv_path, "w", encoding="utf-8", newline="") as csv_file, \
            open(tsv_path, "w", encoding="utf-8", newline="") as tsv_file:
        csv_file.write(",".join(header) + "\r\n")
        for _ in range(n):
            answers = {}
            cells = []
            visit = r.choice(SINGLE)
            answers["visit"] = visit
            cells.append(cased(visit, r))
            agree = r.choice(LIKERT) if r.random() < 0.9 else ""
            if agree:
                answers["agree"] = agree
            cells.append(agree)
            fft = r.choice(FFT)
            answers["fft"] = fft
            cells.append(cased(fft, r))
            rating = r.randint(1, 5)
            answers["rating"] = rating
            cells.append(str(rating))
            minutes = r.randint(0, 180)
            answers["minutes"] = minutes
            cells.append(str(minutes))
            better = r.sample(MULTIPLE, r.randint(0, 3))
            if better:
                answers["better"] = better
            cells.append("; ".join(better))
            grid = {}
            for row in GRID_ROWS:
                v = r.choice(GRID_OPTIONS) if r.random() < 0.95 else ""
                if v:
                    grid[row] = v
                cells.append(v)
            if grid:
                answers["grid"] = grid
            y, m, d = r.randint(2021, 2026), r.randint(1, 12), r.randint(1, 28)
            answers["date"] = "%04d-%02d-%02d" % (y, m, d)
            cells.append("%d/%d/%d" % (d, m, y) if r.random() < 0.5 else answers["date"])
            postcode = r.choice(POSTCODES)
            answers["postcode"] = postcode
            typed = postcode.replace(" ", "") if r.random() < 0.3 else postcode
            cells.append(typed.lower() if r.random() < 0.3 else typed)
            comment = r.choice(TEXTS) if r.random() < 0.4 else ""
            if comment:
                answers["comment"] = comment
            cells.append(comment)
            csv_file.write(",".join(csv_cell(c) for c in cells) + "\r\n")
            text = json.dumps({"answers": answers, "other": {}}, ensure_ascii=False,
                              separators=(",", ":"))
            tsv_file.write("1\tpaper\tsubmitted\t1\t%s\t\t%d\t%d\t%d\t0\n" % (
                text.replace("\\", "\\\\"), AT, AT, AT))


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "definition":
        json.dump(definition(), sys.stdout, indent=1)
        print()
    elif len(sys.argv) == 5 and sys.argv[1] == "rows":
        rows(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

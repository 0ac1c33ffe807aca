"""Validate eval/data/manifest.json and print counts per kind x first role x split.

Usage: python3 eval/data/check.py [--require-texts]
Without --require-texts a missing document text is reported but not fatal
(see README.md: the texts are kept out of git until their placement is decided).
"""

import collections
import json
import os
import sys

# the labels, in the order the table prints them
ROLES = (
    "Machine Learning Engineer",
    "Deep Learning Engineer",
    "AI Engineer",
    "Data Scientist",
    "Software Engineer",
    "none",
)
HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    require = "--require-texts" in sys.argv
    with open(os.path.join(HERE, "manifest.json"), encoding="utf-8") as fh:
        entries = json.load(fh)
    errors, missing = [], []
    ids = [e["doc_id"] for e in entries]
    for d, n in collections.Counter(ids).items():
        if n > 1:
            errors.append(f"duplicate doc_id {d}")
    for e in entries:
        d = e["doc_id"]
        if e["kind"] not in ("resume", "posting"):
            errors.append(f"{d}: bad kind {e['kind']}")
        if not e["roles"] or any(r not in ROLES for r in e["roles"]):
            errors.append(f"{d}: bad roles {e['roles']}")
        if len(set(e["roles"])) != len(e["roles"]):
            errors.append(f"{d}: repeated role")
        if e["split"] not in ("tune", "unseen"):
            errors.append(f"{d}: bad split {e['split']}")
        for k in ("repo", "commit", "path", "licence", "sha256"):
            if not e["source"].get(k):
                errors.append(f"{d}: source.{k} missing")
        if not isinstance(e["technologies"], list):
            errors.append(f"{d}: technologies not a list")
        if not os.path.exists(os.path.join(HERE, e["file"])):
            missing.append(d)
    table = collections.Counter((e["kind"], e["roles"][0], e["split"]) for e in entries)
    print(f"{'kind':8} {'first role':26} {'tune':>5} {'unseen':>7} {'total':>6}")
    for kind in ("resume", "posting"):
        for r in ROLES:
            t, u = table[(kind, r, "tune")], table[(kind, r, "unseen")]
            print(f"{kind:8} {r:26} {t:5} {u:7} {t + u:6}")
        t = sum(v for (k, _, s), v in table.items() if k == kind and s == "tune")
        u = sum(v for (k, _, s), v in table.items() if k == kind and s == "unseen")
        print(f"{kind:8} {'ALL':26} {t:5} {u:7} {t + u:6}")
    print(f"{len(entries)} entries, {len(missing)} texts missing, {len(errors)} errors")
    for x in errors:
        print("ERROR", x)
    if missing:
        print("missing texts:", ", ".join(missing[:10]), "..." if len(missing) > 10 else "")
    return 1 if errors or (require and missing) else 0


if __name__ == "__main__":
    sys.exit(main())

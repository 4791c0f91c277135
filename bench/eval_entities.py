#!/usr/bin/env python3
"""Score newswire's entities enricher on CoNLL-2003-style wire copy.

Purpose: an honest, repeatable quality figure on real Reuters articles that the
unit tests do not contain. Each document (split at -DOCSTART-) is rebuilt as a
text article -- first sentence as the headline, a synthesised "Updated" line,
one paragraph per sentence -- and run through `newswire parse`. The gold
entities of a document are its distinct PER / ORG / LOC strings (MISC is
ignored); newswire's are its people / organisations / places as the text writes them
(the "forms" of newswire.entities, else the name).
Matching is strict string equality per document; counts are summed over the
documents (micro average).

The CoNLL-2003 data is not in this repository (its licence forbids
redistribution): pass the path of a copy (eng.testa for development, eng.testb
for the final figure). Columns: token first, BIO or IOB tag last.

usage: bench/eval_entities.py [--newswire BUILD/newswire] [--spacy] [-v] FILE
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

TYPES = {"PER": "people", "ORG": "organisations", "LOC": "places"}


def read_docs(path):
    """Yield documents as lists of sentences; a sentence is (tokens, tags)."""
    docs, sents, toks, tags = [], [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.split()
            if not cols:
                if toks:
                    sents.append((toks, tags))
                toks, tags = [], []
                continue
            if cols[0] == "-DOCSTART-":
                if toks:
                    sents.append((toks, tags))
                toks, tags = [], []
                if sents:
                    docs.append(sents)
                sents = []
                continue
            toks.append(cols[0])
            tags.append(cols[-1])
    if toks:
        sents.append((toks, tags))
    if sents:
        docs.append(sents)
    return docs


def gold_entities(sents):
    """Distinct entity strings per type; handles both IOB1 and BIO tags."""
    out = {t: set() for t in TYPES}
    for toks, tags in sents:
        cur, typ = [], None
        for tok, tag in zip(toks + [""], tags + ["O"]):
            t = tag[2:] if tag != "O" else None
            begin = tag.startswith("B-") or t != typ
            if cur and (t is None or begin):
                if typ in out:
                    out[typ].add(" ".join(cur))
                cur, typ = [], None
            if t is not None:
                if not cur:
                    typ = t
                cur.append(tok)
    return out


def doc_text(sents):
    head = " ".join(sents[0][0])
    body = "\n\n".join(" ".join(toks) for toks, _ in sents[1:])
    return "Updated 12:00 GMT, August 30th 1996\n\n%s\n\n%s\n" % (head, body)


def run_newswire(binary, texts):
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, text in enumerate(texts):
            p = os.path.join(tmp, "doc%04d.txt" % i)
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
            paths.append(p)
        out = subprocess.run([binary, "parse", "--format", "text"] + paths,
                             capture_output=True, text=True)
        if out.stderr:
            sys.stderr.write(out.stderr)
        recs = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    if len(recs) != len(texts):
        sys.exit("newswire printed %d records for %d documents" % (len(recs), len(texts)))
    # The strings compared are the mentions as written: each entity's
    # "forms" in newswire.entities ("U.S.", "LONDON"), else its name.
    res = []
    for r in recs:
        ext = r.get("newswire", {}).get("entities", {})
        res.append({t: {f for e in ext.get(k, []) for f in e.get("forms", [e["name"]])}
                    for t, k in TYPES.items()})
    return res


def run_spacy(texts):
    import spacy
    nlp = spacy.load("en_core_web_sm")
    m = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
    res = []
    for text in texts:
        body = text.split("\n", 2)[2]
        doc = nlp(body)
        ents = {t: set() for t in TYPES}
        for e in doc.ents:
            if e.label_ in m:
                ents[m[e.label_]].add(e.text)
        res.append(ents)
    return res


def score(gold, pred, verbose, docs):
    tp = {t: 0 for t in TYPES}
    fp = dict(tp)
    fn = dict(tp)
    for i, (g, p) in enumerate(zip(gold, pred)):
        for t in TYPES:
            tp[t] += len(g[t] & p[t])
            fp[t] += len(p[t] - g[t])
            fn[t] += len(g[t] - p[t])
            if verbose and (p[t] - g[t] or g[t] - p[t]):
                print("doc %d [%s] %s: +%s -%s" % (i, " ".join(docs[i][0][0])[:50], t,
                      sorted(p[t] - g[t]), sorted(g[t] - p[t])))

    def prf(a, b, c):
        p = a / (a + b) if a + b else 0.0
        r = a / (a + c) if a + c else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f
    for t in TYPES:
        print("%-4s P %.3f R %.3f F1 %.3f  (tp %d fp %d fn %d)" % ((t,) + prf(tp[t], fp[t], fn[t]) + (tp[t], fp[t], fn[t])))
    a, b, c = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print("ALL  P %.3f R %.3f F1 %.3f  (tp %d fp %d fn %d)" % (prf(a, b, c) + (a, b, c)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--newswire", default="build/newswire")
    ap.add_argument("--spacy", action="store_true", help="score spaCy en_core_web_sm instead")
    ap.add_argument("--half", choices=["first", "second"], help="only one half of the documents")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    a = ap.parse_args()
    docs = read_docs(a.file)
    if a.half:
        n = len(docs) // 2
        docs = docs[:n] if a.half == "first" else docs[n:]
    gold = [gold_entities(d) for d in docs]
    texts = [doc_text(d) for d in docs]
    pred = run_spacy(texts) if a.spacy else run_newswire(a.newswire, texts)
    print("%d documents" % len(docs))
    score(gold, pred, a.verbose, docs)


if __name__ == "__main__":
    main()

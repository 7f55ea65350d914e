#!/usr/bin/env python3
"""Writes the seed corpora and the query dictionary for the fuzz targets.

Usage: tools/fuzz_corpus.py OUT_DIR [SHARED_DIR]

OUT_DIR/<target>/ gets one file per seed; OUT_DIR/query.dict is a libFuzzer
dictionary of the query language's words and punctuation, read from
grammar/rules.h and query/functions/ so it follows the grammar. Seeds come
from the golden files (tests/queries/*.test), the examples of the docs, the
LUBM queries, the seed dataset, the files the import tests write, and the
W3C and dataset files of ../shared/data when present (first 16 KB of each).
The loader targets read their first byte as the variant (fuzz/load_fuzz.cc),
so each file is written once per variant.
"""
import glob
import hashlib
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_SEED = 16 << 10


def write_seed(out_dir, target, data):
    if isinstance(data, str):
        data = data.encode()
    data = data[:MAX_SEED]
    if not data:
        return
    folder = os.path.join(out_dir, target)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def golden_statements():
    folder = os.path.join(ROOT, "tests", "queries")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".test"):
            continue
        lines = open(os.path.join(folder, name), encoding="utf-8").read().split("\n")
        i = 0
        while i < len(lines):
            if lines[i] in ("query", "error", "statement ok"):
                i += 1
                block = []
                while i < len(lines) and lines[i] not in ("----", ""):
                    block.append(lines[i])
                    i += 1
                yield "\n".join(block)
            i += 1


def doc_statements():
    """Statements after `quipu> ` prompts, with their `...> ` continuations."""
    files = [os.path.join(ROOT, "README.md")]
    docs = os.path.join(ROOT, "docs")
    files += [os.path.join(docs, n) for n in sorted(os.listdir(docs)) if n.endswith(".md")]
    for path in files:
        lines = open(path, encoding="utf-8").read().split("\n")
        i = 0
        while i < len(lines):
            if lines[i].startswith("quipu> ") and not lines[i].startswith("quipu> :"):
                block = [lines[i][len("quipu> "):]]
                i += 1
                while i < len(lines) and lines[i].lstrip().startswith("...> "):
                    block.append(lines[i].lstrip()[len("...> "):])
                    i += 1
                yield "\n".join(block)
            else:
                i += 1


def query_seeds():
    yield from golden_statements()
    yield from doc_statements()
    lubm = os.path.join(ROOT, "tests", "lubm")
    for name in sorted(os.listdir(lubm)):
        if name.endswith(".qql"):
            yield open(os.path.join(lubm, name), encoding="utf-8").read()
    seed = open(os.path.join(ROOT, "datasets", "peru_china", "seed.qql"), encoding="utf-8").read()
    for statement in seed.split(";\n"):
        yield statement + ";"


def dictionary():
    rules = open(os.path.join(ROOT, "grammar", "rules.h"), encoding="utf-8").read()
    words = set(re.findall(r'TAO_PEGTL_I?STRING\("([^"]+)"\)', rules))
    functions = "".join(open(path, encoding="utf-8").read()
                        for path in sorted(glob.glob(os.path.join(ROOT, "query", "functions", "*.cc"))))
    words |= {w + "(" for w in re.findall(r'\{"([a-z_]+)", \d+, \d+[,}]', functions)}
    words |= {"(", ")", "[", "]", "{", "}", "->", "<-", "-[", "]->", "]-", "*..", "..", ":", ",",
              ";", "@", "@(", "$", ".", "'", '"', "\\u00e9", "\\n", "<http://example.org/x>",
              "date '2024-06-28'", "datetime '2024-06-28T10:00:00Z'", "9223372036854775807",
              "1e308", "-- ", "count(*)", "exists {", "case when", "order by", "is not null",
              "as of", "with confidence >= ", "shortest ", "all shortest ", "acyclic "}
    out = []
    for w in sorted(words):
        escaped = w.replace("\\", "\\\\").replace('"', '\\"')
        out.append('"%s"' % escaped)
    return "\n".join(out) + "\n"


# Small files with the columns the CSV variants map (id/name/n, a/b).
CSV_SEEDS = [
    "id,name,n\n1,Ann,3\n2,\"Bo, Jr\",x\n",
    "a,b,share\nx,y,50\ny,z,12.5\n",
    "\ufeffid;name\n\"1\";\"quoted \"\"name\"\"\"\n",
    "id,name\r\n1,\"multi\r\nline\"\r\n",
]
NT_SEEDS = [
    '<http://a/s> <http://a/p> <http://a/o> .\n_:b <http://a/p> "x"@en .\n'
    '<http://a/s> <http://a/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
]
TTL_SEEDS = [
    '@prefix ex: <http://ex/> .\nex:s ex:p ex:o ; ex:q "v"@en , 1, 2.5, true .\n'
    'ex:t ex:r ( 1 2 ) ; ex:u [ ex:v "w" ] .\n',
]
FTM_SEEDS = [
    '{"id": "p1", "schema": "Person", "properties": {"name": ["Ann Li"], '
    '"birthDate": ["1970-01-02"]}, "datasets": ["ds_a"]}\n'
    '{"id": "c1", "schema": "Company", "properties": {"name": ["Acme"]}}\n'
    '{"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"], '
    '"percentage": ["51.5"], "startDate": ["2020-01-01"]}}\n',
]


def shared_files(shared, sub, suffixes):
    folder = os.path.join(shared, "data", sub)
    if not os.path.isdir(folder):
        return
    for dirpath, _, names in sorted(os.walk(folder)):
        for name in sorted(names):
            if name.endswith(suffixes):
                with open(os.path.join(dirpath, name), "rb") as f:
                    yield f.read(MAX_SEED)


def loader_seed(out_dir, target, data, variants):
    if isinstance(data, str):
        data = data.encode()
    for v in variants:
        write_seed(out_dir, target, bytes([v]) + data)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "..", "shared")
    if not os.path.isdir(os.path.join(shared, "data")):
        print("warning: %s/data is absent: loader seeds are the built-in ones only" % shared,
              file=sys.stderr)
    for q in query_seeds():
        for target in ("parser_fuzz", "query_fuzz", "query_write_fuzz"):
            write_seed(out_dir, target, q)
    for d in NT_SEEDS:
        loader_seed(out_dir, "ntriples_fuzz", d, (0, 1))
    for d in shared_files(shared, "rdf-tests", (".nt",)):
        loader_seed(out_dir, "ntriples_fuzz", d, (0,))
    for d in TTL_SEEDS:
        loader_seed(out_dir, "turtle_fuzz", d, (0, 1))
    for d in shared_files(shared, "rdf-tests", (".ttl",)):
        loader_seed(out_dir, "turtle_fuzz", d, (0,))
    for d in shared_files(shared, "wikidata", (".ttl",)):
        loader_seed(out_dir, "turtle_fuzz", d, (1,))
    for d in CSV_SEEDS:
        loader_seed(out_dir, "csv_fuzz", d, (0, 1, 2, 3, 4, 5))
    for d in shared_files(shared, "kek", (".csv",)):
        loader_seed(out_dir, "csv_fuzz", d, (0, 2, 4))
    for d in shared_files(shared, "ftm", (".csv",)):
        loader_seed(out_dir, "csv_fuzz", d, (1,))
    for d in FTM_SEEDS:
        loader_seed(out_dir, "ftm_fuzz", d, (0, 1))
    for d in shared_files(shared, "ftm", (".ijson", ".ftm.json")):
        loader_seed(out_dir, "ftm_fuzz", d, (0, 1))
    with open(os.path.join(out_dir, "query.dict"), "w", encoding="utf-8") as f:
        f.write(dictionary())
    for target in sorted(os.listdir(out_dir)):
        folder = os.path.join(out_dir, target)
        if os.path.isdir(folder):
            print("%-18s %5d seeds" % (target, len(os.listdir(folder))))


if __name__ == "__main__":
    main()

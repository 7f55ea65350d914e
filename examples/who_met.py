"""Loads a Quipu script into a fresh database and answers a question: who met
the person named on the command line, and when. The Python version.
    python3 who_met.py DB_DIR datasets/peru_china/seed.qql "Xi Jinping"
"""
import sys

import quipu


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: who_met.py DB_DIR SCRIPT.qql NAME")
    db_dir, script, who = sys.argv[1:]
    try:
        with quipu.connect(db_dir) as db:
            with open(script, encoding="utf-8") as f:
                db.execute_script(f.read())
            cur = db.execute("match (p)-[m:met_with]->(x {name: $who}) "
                             "return p.name, m.since order by p.name;", {"who": who})
            for row in cur.dicts():
                print(f"{row['p.name']} met {who} on {row['m.since'].isoformat()}")
    except quipu.Error as e:
        sys.exit(f"error at line {e.line}, column {e.column}: {e.message}")


if __name__ == "__main__":
    main()

"""The Python module: connect, execute with parameters, rows as tuples and
dicts, value types, prepared statements, loading files, errors as exceptions.
Run by ctest with PYTHONPATH set to the built module's directory."""
import datetime
import decimal
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

import quipu

SEED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "datasets", "peru_china",
                    "seed.qql")


class QuipuTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="quipu-python-")
        self.path = os.path.join(self.dir, "db")
        self.db = quipu.connect(self.path)

    def tearDown(self):
        self.db.close()
        shutil.rmtree(self.dir)

    def test_rows_as_tuples_and_dicts(self):
        self.db.execute('insert (@xi:Person {name: "Xi Jinping", born: date \'1953-06-15\'}), '
                        '(@li:Person {name: "Li Qiang"});')
        cur = self.db.execute("match (p:Person) return p.name, p.born order by p.name;")
        self.assertEqual(cur.columns, ["p.name", "p.born"])
        self.assertEqual(cur.column_types, ["string", "date"])
        self.assertEqual(cur.rowcount, 2)
        self.assertEqual(cur.fetchall(), [("Li Qiang", None),
                                          ("Xi Jinping", datetime.date(1953, 6, 15))])
        self.assertEqual(cur.fetchall(), [])
        rows = self.db.execute("match (p:Person) return p, p.name order by p.name;").dicts()
        self.assertEqual(rows, [{"p": quipu.Entity("li"), "p.name": "Li Qiang"},
                                {"p": quipu.Entity("xi"), "p.name": "Xi Jinping"}])
        self.assertEqual(str(rows[0]["p"]), "@li")
        self.assertEqual(repr(rows[0]["p"]), 'Entity("li")')
        self.assertNotEqual(rows[0]["p"], "li")
        self.assertEqual(len({quipu.Entity("li"), rows[0]["p"]}), 1)
        self.assertEqual(list(self.db.execute("match (p:Person) return count(p);")), [(2,)])

    def test_parameters_of_every_type(self):
        when = datetime.datetime(2024, 6, 28, 9, 30, tzinfo=datetime.timezone.utc)
        cur = self.db.execute(
            "return $i, $f, $s, $b, $n, $d, $t, $e, $l;",
            {"i": 7, "f": 2.5, "s": "Perú", "b": True, "n": None, "d": datetime.date(2024, 6, 28),
             "t": when, "e": quipu.Entity("cosco"), "l": [1, "two"]})
        self.assertEqual(cur.fetchone(),
                         (7, 2.5, "Perú", True, None, datetime.date(2024, 6, 28), when,
                          quipu.Entity("cosco"), [1, "two"]))
        self.assertIsNone(cur.fetchone())
        with self.assertRaises(TypeError) as ctx:
            self.db.execute("return $x;", {"x": object()})
        self.assertEqual(str(ctx.exception), "parameter 'x': cannot pass a value of type object")
        with self.assertRaises(TypeError) as ctx:
            self.db.execute("return 1;", [1])
        self.assertEqual(str(ctx.exception), "parameters must be a dict of name to value")

    def test_decimals_are_exact_both_ways(self):
        cur = self.db.execute("return $a + $b, $a * 2, 0.1 + 0.2;",
                              {"a": decimal.Decimal("0.10"), "b": decimal.Decimal("0.2")})
        self.assertEqual(cur.column_types, ["decimal", "decimal", "float"])
        self.assertEqual(cur.fetchone(),
                         (decimal.Decimal("0.3"), decimal.Decimal("0.2"), 0.30000000000000004))
        # Exponent forms are read by value; more than 18 digits are refused.
        self.assertEqual(self.db.execute("return $x;", {"x": decimal.Decimal("1E+2")}).fetchone(),
                         (decimal.Decimal("100"),))
        with self.assertRaises(ValueError) as ctx:
            self.db.execute("return $x;", {"x": decimal.Decimal("1234567890.1234567890")})
        self.assertEqual(str(ctx.exception),
                         "parameter 'x': 1234567890.1234567890 is not a decimal of at most 18 "
                         "significant digits and 18 places")

    def test_paths_are_dicts(self):
        self.db.execute("insert (@a)-[:owns {share: 0.6}]->(@b);")
        (path,) = self.db.execute("match p = (@a)-[:owns]->(x) return p;").fetchone()
        self.assertEqual(path, {"nodes": [quipu.Entity("a"), quipu.Entity("b")],
                                "hops": [{"predicate": quipu.Entity("owns"), "forward": True,
                                          "annotations": {"share": 0.6}}]})

    def test_writes_report_counts(self):
        cur = self.db.execute("insert (@a:T {n: 1});")
        self.assertEqual(cur.columns, [])
        self.assertEqual(cur.facts_inserted, 2)
        self.assertEqual(cur.summary, "inserted 2 facts")

    def test_prepared_statement(self):
        insert = self.db.prepare("insert (@('n', $v):N {v: $v});")
        for v in range(5):
            insert.execute({"v": v})
        count = self.db.prepare("match (n:N) where n.v >= $min return count(n);")
        self.assertEqual(count.execute({"min": 3}).fetchall(), [(2,)])
        self.assertEqual(count.execute({"min": 0}).fetchall(), [(5,)])

    def test_prepared_statement_errors(self):
        # A bad text fails at prepare, with its position.
        with self.assertRaises(quipu.SyntaxError) as ctx:
            self.db.prepare("match (e:Envoy)\nwhere e.age >\nreturn e;")
        self.assertEqual(ctx.exception.message, "expected an expression after the comparison")
        self.assertEqual((ctx.exception.line, ctx.exception.column), (3, 1))
        self.db.execute("insert (@ana:Envoy {name: 'Ana', age: 62})"
                        "-[:visited {since: date '2024-06-28'}]->(@lima:City {name: 'Lima'});")
        stmt = self.db.prepare("match (e:Envoy)-[:visited]->(c)\nas of $day\n"
                               "where e.age + $years > 70\nreturn e.name, c.name;")
        day = datetime.date(2024, 7, 1)
        # Missing parameters and values of the wrong type fail when it runs,
        # before and after a run that worked; the statement works after each.
        for _ in range(2):
            for params, message, position in [
                    (None, "parameter $day has no value", (2, 7)),
                    ({"day": day}, "parameter $years has no value", (3, 15)),
                    ({"day": day, "years": "ten"},
                     "type mismatch: integer + string (arithmetic needs numbers)", (3, 7)),
                    ({"day": "2024-07-01", "years": 10},
                     "type mismatch: 'as of' needs a date or datetime, got string", (2, 7))]:
                with self.assertRaises(quipu.SemanticError) as ctx:
                    stmt.execute(params)
                self.assertEqual(ctx.exception.message, message)
                self.assertEqual((ctx.exception.line, ctx.exception.column), position)
            self.assertEqual(stmt.execute({"day": day, "years": 10}).fetchall(), [("Ana", "Lima")])
            self.assertEqual(stmt.execute({"day": datetime.date(2024, 1, 1), "years": 10})
                             .fetchall(), [])
        # Values Python cannot pass are refused before the statement runs.
        with self.assertRaises(TypeError) as ctx:
            stmt.execute({"day": day, "years": object()})
        self.assertEqual(str(ctx.exception), "parameter 'years': cannot pass a value of type object")
        with self.assertRaises(TypeError) as ctx:
            stmt.execute([day, 10])
        self.assertEqual(str(ctx.exception), "parameters must be a dict of name to value")
        for years in (2**63, -2**63 - 1, [1, 2**64]):
            with self.assertRaises(ValueError) as ctx:
                stmt.execute({"day": day, "years": years})
            big = years[1] if isinstance(years, list) else years
            self.assertEqual(str(ctx.exception),
                             f"parameter 'years': {big} does not fit in a 64-bit integer")
        self.assertEqual(self.db.execute("return $a, $b;", {"a": 2**63 - 1, "b": -2**63})
                         .fetchall(), [(2**63 - 1, -2**63)])
        # A count of limit from a parameter: checked when the statement runs.
        self.assertEqual(self.db.execute("return 1 as one limit $n;", {"n": 0}).fetchall(), [])
        with self.assertRaises(ValueError) as ctx:
            self.db.execute("return 1 as one limit $n;", {"n": 2**63})
        self.assertEqual(str(ctx.exception),
                         f"parameter 'n': {2**63} does not fit in a 64-bit integer")
        with self.assertRaises(quipu.SemanticError) as ctx:
            self.db.execute("return 1 as one limit $n;", {"n": -1})
        self.assertEqual(ctx.exception.message, "'limit' needs a non-negative integer, got $n = -1")

    def test_script_and_load(self):
        with open(SEED, encoding="utf-8") as f:
            self.db.execute_script(f.read())
        rows = self.db.execute("match (p:Person)-[:met_with]->(x {name: $who}) return p.name;",
                               {"who": "Xi Jinping"}).fetchall()
        self.assertEqual(rows, [("Dina Boluarte",)])
        nt = os.path.join(self.dir, "x.nt")
        with open(nt, "w", encoding="utf-8") as f:
            f.write('<http://e/a> <http://e/name> "A" .\n')
        self.db.execute(f"load '{nt}';")
        self.assertEqual(self.db.execute("match (x {<http://e/name>: \"A\"}) return x;").fetchall(),
                         [(quipu.Entity("http://e/a"),)])

    def test_load_directories_confine_load(self):
        inside = os.path.join(self.dir, "in")
        os.mkdir(inside)
        outside = os.path.join(self.dir, "out.nt")
        for path in (os.path.join(inside, "a.nt"), outside):
            with open(path, "w", encoding="utf-8") as f:
                f.write('<http://e/a> <http://e/p> "a" .\n')
        with quipu.connect(os.path.join(self.dir, "confined"), load_directories=[inside]) as db:
            with self.assertRaises(quipu.Error) as ctx:
                db.execute(f"load '{outside}';")
            self.assertEqual(ctx.exception.message,
                             f"cannot load '{outside}': it is outside the directories loads may "
                             f"read ({inside})")
            db.execute(f"load '{os.path.join(inside, 'a.nt')}';")

    def test_errors_are_exceptions_with_positions(self):
        with self.assertRaises(quipu.SyntaxError) as ctx:
            self.db.execute("match (a:Person return a;")
        e = ctx.exception
        self.assertIsInstance(e, quipu.Error)
        self.assertEqual(e.message, "expected ')' to close the node pattern")
        self.assertEqual((e.line, e.column), (1, 17))
        with self.assertRaises(quipu.SyntaxError):
            self.db.prepare("match (a:Person return a;")
        with self.assertRaises(quipu.SemanticError) as ctx:
            self.db.execute("match (a)\nreturn b;")
        self.assertEqual(ctx.exception.line, 2)
        with self.assertRaises(quipu.Error) as ctx:
            self.db.execute("load '/nonexistent/x.nt';")
        self.assertEqual(ctx.exception.message, "cannot load '/nonexistent/x.nt': no such file")

    def test_read_only_and_close(self):
        self.db.execute("insert (@a:T);")
        self.db.close()
        with self.assertRaises(ValueError) as ctx:
            self.db.execute("return 1;")
        self.assertEqual(str(ctx.exception), "the database is closed")
        with quipu.connect(self.path, read_only=True) as ro:
            self.assertEqual(ro.execute("match (t:T) return t;").fetchall(),
                             [(quipu.Entity("a"),)])
            with self.assertRaises(quipu.Error):
                ro.execute("insert (@b:T);")
        with self.assertRaises(quipu.Error):
            quipu.connect(os.path.join(self.dir, "absent"), create_if_missing=False)

    def test_durability(self):
        # Synced by default; relaxed writes too (tests/power_loss_test.cc shows
        # what each keeps of a machine crash); other words are refused.
        self.db.close()
        with quipu.connect(self.path, durability="relaxed") as db:
            db.execute("insert (@r {n: 1});")
            self.assertEqual(db.execute("match (@r {n: 1}) return count(*);").fetchall(), [(1,)])
        with quipu.connect(self.path, durability="Synced") as db:
            self.assertEqual(db.execute("match (@r {n: 1}) return count(*);").fetchall(), [(1,)])
        with self.assertRaises(ValueError) as ctx:
            quipu.connect(self.path, durability="fast")
        self.assertEqual(str(ctx.exception), "durability is 'synced' or 'relaxed', not 'fast'")

    def test_backup(self):
        self.db.execute("insert (@kept {n: 7});")
        copy = os.path.join(self.dir, "copy")
        self.db.backup(copy)
        with quipu.connect(copy) as restored:
            self.assertEqual(restored.execute("match (@kept {n: 7}) return count(*);").fetchall(),
                             [(1,)])
        with self.assertRaises(quipu.Error) as ctx:
            self.db.backup(copy)
        self.assertEqual(ctx.exception.message,
                         f"cannot back up to '{copy}': it exists (name a directory to create)")

    def test_database_in_use_names_its_holder(self):
        # The shell (build/quipu, beside the module's folder) holds the
        # database while it waits for input.
        self.db.close()
        shell = os.path.join(os.path.dirname(os.path.dirname(quipu.__file__)), "quipu")
        holder = subprocess.Popen([shell, self.path], stdin=subprocess.PIPE,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            # It takes the lock as it opens the database, before it reads its
            # input: wait for the lock in /proc/locks ("... POSIX ADVISORY
            # WRITE <pid> ..."), then open.
            def holds_lock():
                with open("/proc/locks", encoding="ascii") as locks:
                    return any(line.split()[1:5] == ["POSIX", "ADVISORY", "WRITE", str(holder.pid)]
                               for line in locks)

            deadline = time.monotonic() + 30
            while not holds_lock():
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.02)
            with self.assertRaises(quipu.Error) as ctx:
                quipu.connect(self.path)
            self.assertEqual(ctx.exception.message,
                             f"cannot open database '{self.path}': the database is in use by "
                             f"another process (pid {holder.pid}: {shell} {self.path})")
        finally:
            holder.stdin.close()
            holder.wait()

    def test_threads_share_a_database(self):
        self.db.execute("insert (@a:C {n: 10}), (@b:C {n: 0});")
        bad = []

        def read():
            for _ in range(50):
                (total,) = self.db.execute("match (c:C) return sum(c.n);").fetchone()
                if total != 10:
                    bad.append(total)

        readers = [threading.Thread(target=read) for _ in range(3)]
        for t in readers:
            t.start()
        move = self.db.prepare("set @a.n = $a, @b.n = $b;")
        for i in range(50):
            move.execute({"a": 10 - i % 11, "b": i % 11})
        for t in readers:
            t.join()
        self.assertEqual(bad, [])

    def test_cancel_from_another_thread(self):
        # A billion rows: far longer than it takes to cancel it.
        self.db.execute_script("".join(f"insert (@n{i}:N);\n" for i in range(1000)))
        errors = []

        def run():
            try:
                self.db.execute("match (a:N), (b:N), (c:N) return count(a);")
            except quipu.Error as e:
                errors.append(e.message)

        worker = threading.Thread(target=run)
        worker.start()
        # A cancel stops only statements already running: repeat until it lands.
        while worker.is_alive():
            self.db.cancel()
            worker.join(0.05)
        self.assertEqual(errors, ["the statement was cancelled"])

    def test_time_limit(self):
        self.db.execute_script("".join(f"insert (@n{i}:N);\n" for i in range(1000)))
        self.db.close()
        with quipu.connect(self.path, time_limit_seconds=0.05) as db:
            with self.assertRaises(quipu.Error) as ctx:
                db.execute("match (a:N), (b:N), (c:N) return count(a);")
        self.assertEqual(ctx.exception.message,
                         "the statement ran past its time limit of 0.05 s (the limit 'time': "
                         ":limit time SECONDS in the shell, QueryLimits::time_seconds in the API)")

    def test_memory_and_row_limits(self):
        self.db.execute_script("".join(f"insert (@n{i}:N);\n" for i in range(100)))
        self.db.close()
        with quipu.connect(self.path, memory_limit="1MiB", max_rows=5) as db:
            self.assertEqual(db.limits["memory_limit"], 1024 * 1024)
            self.assertEqual(db.limits["max_rows"], 5)
            with self.assertRaises(quipu.Error) as ctx:
                db.execute("match (a:N), (b:N) return count(distinct [a, b]);")
            self.assertEqual(ctx.exception.message.split(";")[0],
                             "statement memory budget of 1 MiB exceeded by a hash aggregation "
                             "(1 group)")
            self.assertTrue(ctx.exception.message.endswith(
                "; raise it with :limit memory SIZE in the shell or QueryLimits::memory_bytes in "
                "the API, or narrow the query"))
            with self.assertRaises(quipu.Error) as ctx:
                db.execute("match (a:N) return a;")
            self.assertEqual(ctx.exception.message,
                             "the statement returned more than 5 rows (the limit 'rows': :limit "
                             "rows N in the shell, QueryLimits::max_result_rows in the API); add "
                             "'limit 5' to keep the first 5, or raise the limit")
            self.assertEqual(len(db.execute("match (a:N) return a limit 5;").fetchall()), 5)
            # set_limits changes only the limits named; bytes as an int work too.
            db.set_limits(memory_limit=64 * 1024 * 1024, max_rows=0)
            self.assertEqual(db.limits["memory_limit"], 64 * 1024 * 1024)
            self.assertEqual(db.limits["max_rows"], 0)
            self.assertEqual(db.limits["path_states"], 10_000_000)
            self.assertEqual(db.execute("match (a:N), (b:N) return count(distinct [a, b]);")
                             .fetchall(), [(10_000,)])
            for bad, message in [("lots", "memory_limit: a memory size is a number with an "
                                          "optional unit, such as 512MB, 1.5GiB or 0 (no budget), "
                                          "not 'lots'"),
                                 (-1, "memory_limit takes a whole number >= 0 (0: no limit)")]:
                with self.assertRaises(ValueError) as ctx:
                    db.set_limits(memory_limit=bad)
                self.assertEqual(str(ctx.exception), message)
            with self.assertRaises(ValueError):
                db.set_limits(max_rows=1.5)
        with quipu.connect(self.path, path_states=5, time_limit_seconds=2.5) as db:
            self.assertEqual(db.limits, {"time_limit_seconds": 2.5, "path_states": 5,
                                         "memory_limit": db.limits["memory_limit"],
                                         "max_rows": 0, "statement_bytes": 1048576,
                                         "nesting_depth": 256})
            self.assertGreater(db.limits["memory_limit"], 0)  # half the machine's memory
        with quipu.connect(self.path, nesting_depth=2, statement_bytes=16) as db:
            with self.assertRaises(quipu.SyntaxError) as ctx:
                db.execute("return [[[1]]];")
            self.assertEqual(ctx.exception.message,
                             "operands nest more than 2 deep here (the limit 'nesting_depth': "
                             ":limit nesting_depth N in the shell, QueryLimits::nesting_depth in "
                             "the API)")
            db.set_limits(nesting_depth=0, statement_bytes=0)
            self.assertEqual(db.execute("return [[[1]]];").fetchall(), [([[[1]]],)])
            with self.assertRaises(ValueError):
                db.set_limits(nesting_depth=2**32)
            # An int past the 64 bits of a limit is a ValueError, not pybind11's
            # RuntimeError; a time that is not a number is a TypeError.
            for name in ("path_states", "memory_limit", "max_rows", "statement_bytes",
                         "nesting_depth"):
                with self.assertRaises(ValueError) as ctx:
                    db.set_limits(**{name: 2**64})
                self.assertEqual(str(ctx.exception),
                                 f"{name}: 18446744073709551616 is out of range (at most "
                                 "18446744073709551615; 0: no limit)")
            db.set_limits(max_rows=2**64 - 1)
            self.assertEqual(db.limits["max_rows"], 2**64 - 1)
            with self.assertRaises(ValueError) as ctx:
                db.set_limits(time_limit_seconds=2**1024)
            self.assertEqual(str(ctx.exception),
                             "time_limit_seconds is out of range (too large for a double)")
            for bad in ("5", True):
                with self.assertRaises(TypeError) as ctx:
                    db.set_limits(time_limit_seconds=bad)
                self.assertEqual(str(ctx.exception), "time_limit_seconds takes a number of "
                                 f"seconds, not {type(bad).__name__}")
            with self.assertRaises(ValueError) as ctx:
                db.set_limits(time_limit_seconds=-1)
            self.assertEqual(str(ctx.exception), "time_limit_seconds must be >= 0 (0: no limit)")

    def test_close_while_a_statement_runs(self):
        self.db.execute_script("".join(f"insert (@n{i}:N);\n" for i in range(1000)))
        self.db.close()
        db = quipu.connect(self.path, time_limit_seconds=0.3)
        errors = []

        def run():
            try:
                db.execute("match (a:N), (b:N), (c:N) return count(a);")
            except quipu.Error as e:
                errors.append(e.message)

        worker = threading.Thread(target=run)
        worker.start()
        time.sleep(0.05)
        db.close()  # the running statement keeps the database open until it ends
        worker.join()
        self.assertEqual(len(errors), 1)
        self.assertTrue(errors[0].startswith("the statement ran past its time limit"), errors)


if __name__ == "__main__":
    unittest.main()

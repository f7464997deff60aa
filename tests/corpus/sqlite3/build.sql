-- Corpus case: the sqlite3 CLI. `sqlite3 -init build.sql :memory:` runs this
-- file at startup, building an in-memory database; the queries then come
-- from stdin (queries.sql).
-- Opening the database opens /dev/urandom (SQLite seeds its PRNG) first,
-- so the snapshot is at the first read of stdin. One query fails: exit 1.
-- snappy-test: case=sqlite3
-- snappy-test: run=sqlite3,-init,@FILE@,:memory:
-- snappy-test: stdin=queries.sql
-- snappy-test: expect-exit=1
-- snappy-test: trigger=at read
.headers on
.mode list
CREATE TABLE n(i INTEGER PRIMARY KEY, sq INTEGER, parity TEXT);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)
INSERT INTO n SELECT x, x * x, CASE x % 2 WHEN 0 THEN 'even' ELSE 'odd' END FROM c;
CREATE INDEX n_parity ON n(parity, sq);
CREATE TABLE word(id INTEGER PRIMARY KEY, w TEXT UNIQUE, len INTEGER);
INSERT INTO word(w, len) VALUES ('alpha', 5), ('beta', 4), ('gamma', 5), ('delta', 5),
  ('epsilon', 7), ('zeta', 4), ('eta', 3), ('theta', 5);
CREATE VIEW word_stats AS SELECT len, count(*) AS n, group_concat(w, ',') AS ws
  FROM (SELECT * FROM word ORDER BY w) GROUP BY len;
